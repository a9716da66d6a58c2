"""Domain views of the negotiated text: a document, a version, a provision, a proposal, and a meeting's provisions.

Each view is a few queries over the union of graphs, written with the page's IRI in them (never a user's text),
and ordered the way a reader checks a claim: by meeting date, then by the report's line.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg import constants as C

from .labels import rows as _rows

CDO = C.ONTOLOGY_NS
PROVISIONS = {CDO + k for k in ("Provision", "Paragraph", "DocumentSection", "Annex")}
DOCUMENTS = {CDO + "NegotiationDocument", CDO + "DocumentVersion"}


def _n(iri: str) -> str:
    return str(ox.NamedNode(iri))


def _said(where: str) -> list[dict]:
    """The sentences that cite what *where* binds to ?x, in order: meeting date, then line."""
    return _rows(f"""SELECT ?mention ?x ?sentence ?cited ?line ?source ?sourceLabel ?who ?meeting ?date WHERE {{
        {where}
        ?mention cdo:mentionOf ?x ; cdo:sentence ?sentence ; cdo:citedAs ?cited ; cdo:mentionedIn ?source ; cdo:inEvent ?meeting .
        OPTIONAL {{ ?mention cdo:sourceLine ?line }} OPTIONAL {{ ?source rdfs:label ?sourceLabel }}
        OPTIONAL {{ ?source cdo:speaker|cdo:madeBy ?who }} OPTIONAL {{ ?meeting cdo:date ?date }}
        }} ORDER BY ?date xsd:integer(?line) ?mention LIMIT 500""")


def _proposals(where: str) -> list[dict]:
    return _rows(f"""SELECT ?proposal ?proposer ?action ?actionLabel (SAMPLE(?w) AS ?wording) ?meeting ?date
        (GROUP_CONCAT(DISTINCT STR(?sup); separator=" ") AS ?supporters) (GROUP_CONCAT(DISTINCT STR(?opp); separator=" ") AS ?opponents) WHERE {{
        {where}
        ?proposal cdo:proposedBy ?proposer ; cdo:proposalAction ?action ; cdo:inEvent ?meeting .
        ?action skos:prefLabel ?actionLabel .
        OPTIONAL {{ ?proposal cdo:proposedWording ?w }} OPTIONAL {{ ?meeting cdo:date ?date }}
        OPTIONAL {{ ?proposal cdo:supportedBy ?sup }} OPTIONAL {{ ?proposal cdo:opposedBy ?opp }}
        }} GROUP BY ?proposal ?proposer ?action ?actionLabel ?meeting ?date ORDER BY ?date ?proposal LIMIT 500""")


def _split(rows: list[dict]) -> list[dict]:
    for r in rows:
        r["supporters"] = (r.get("supporters") or "").split()
        r["opponents"] = (r.get("opponents") or "").split()
    return rows


def provision_view(iri: str) -> dict:
    """Who said what about a provision (and its parts), in order, and the proposals about it."""
    x = _n(iri)
    within = f"{{ BIND({x} AS ?x) }} UNION {{ ?x cdo:partOfProvision+ {x} }}"
    return {"said": _said(within), "proposals": _split(_proposals(f"?proposal cdo:proposalTarget ?x . {within}")),
            "parts": _rows(f"SELECT ?part WHERE {{ ?part cdo:partOfProvision {x} }} ORDER BY STRLEN(STR(?part)) ?part"),
            "version": next(iter(_rows(f"SELECT ?v WHERE {{ {x} cdo:inVersion ?v }} LIMIT 1")), {}).get("v")}


def document_view(iri: str, is_version: bool) -> dict:
    """A document's versions, or a version's provisions by how many delegations cite them, and its proposals."""
    x = _n(iri)
    versions = _rows(f"""SELECT ?v ?order WHERE {{ {{ ?v cdo:versionOf {x} }} UNION {{ {x} cdo:versionOf ?doc . ?v cdo:versionOf ?doc }}
        ?v cdo:versionOrder ?order }} ORDER BY xsd:integer(?order)""")
    provisions = _rows(f"""SELECT ?p (COUNT(DISTINCT ?who) AS ?delegations) (COUNT(DISTINCT ?m) AS ?mentions) WHERE {{
        ?p cdo:inVersion {x} . ?m cdo:mentionOf ?p .
        OPTIONAL {{ ?m cdo:mentionedIn/(cdo:speaker|cdo:madeBy) ?who FILTER NOT EXISTS {{ ?who a cdo:Office }} }}
        }} GROUP BY ?p ORDER BY DESC(?delegations) DESC(?mentions) ?p LIMIT 500""") if is_version else []
    where = f"{{ ?proposal cdo:proposalTarget {x} }} UNION {{ ?proposal cdo:proposalTarget/cdo:inVersion {x} }}" if is_version \
        else f"?proposal cdo:proposalTarget/(cdo:inVersion?)/cdo:versionOf {x} ."
    said = _said(f"BIND({x} AS ?x)")
    return {"versions": versions, "provisions": provisions, "proposals": _split(_proposals(where)), "said": said,
            "is_version": is_version}


def proposal_view(iri: str) -> dict:
    """Where the report states a proposal, and every response to it with its sentence and line."""
    x = _n(iri)
    stated = _rows(f"""SELECT ?source ?label ?line WHERE {{ {x} cdo:statedIn ?source . OPTIONAL {{ ?source rdfs:label ?label }}
        OPTIONAL {{ ?source cdo:sourceLine ?line }} }} ORDER BY xsd:integer(?line)""")
    responses = _rows(f"""SELECT ?r ?who ?direction ?sentence ?line WHERE {{ ?r cdo:responseTo {x} ; cdo:respondent ?who ;
        cdo:responseDirection/skos:prefLabel ?direction . OPTIONAL {{ ?r cdo:sentence ?sentence }} OPTIONAL {{ ?r cdo:sourceLine ?line }}
        }} ORDER BY ?direction xsd:integer(?line)""")
    return {"stated": stated, "responses": responses}


def meeting_provisions(iri: str) -> list[dict]:
    """The provisions a meeting's report cites, by how many delegations cite them: the meeting page's list."""
    e = _n(iri)
    return _rows(f"""SELECT ?p (COUNT(DISTINCT ?who) AS ?delegations) (COUNT(DISTINCT ?m) AS ?mentions) WHERE {{
        ?m cdo:inEvent {e} ; cdo:mentionOf ?p . ?p cdo:inVersion ?v .
        OPTIONAL {{ ?m cdo:mentionedIn/(cdo:speaker|cdo:madeBy) ?who FILTER NOT EXISTS {{ ?who a cdo:Office }} }}
        }} GROUP BY ?p ORDER BY DESC(?delegations) DESC(?mentions) ?p LIMIT 200""")


def meeting_proposals(iri: str) -> list[dict]:
    return _split(_proposals(f"?proposal cdo:inEvent {_n(iri)} ."))
