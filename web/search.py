"""The label search: every label of every IRI, folded so that case, accents and spaces do not count."""

from __future__ import annotations

import pyoxigraph as ox

from kg import constants as C
from kg.entries import LABELS
from kg.export import prefixed_name
from kg.resolve import norm

from . import db, terms
from .browse import DEFINITIONS, RDF_TYPE, cached, label, rows
from .security import href

# The properties whose values the search matches; the build keeps the same per report graph (kg/entries.labels_of).
SEARCH_LABELS = "|".join(f"<{p}>" for p in LABELS)


def _search_index() -> list[tuple[str, str, str, str]]:
    """Every (IRI, label, folded label, folded label without spaces) the search matches, once per generation.

    The report graphs' labels come from the files the build kept beside each (kg/entries.labels_of):
    asked of the engine, every label of the store took 4.3 s at 1,000 reports (224,000 labels) and
    about 80 s at 10,000; the reference and ontology graphs are asked (a few thousand)."""
    def make():
        found = _kept_labels()
        if found is None:
            found = {(r["s"], r["l"]) for r in rows(f"SELECT DISTINCT ?s ?l WHERE {{ ?s {SEARCH_LABELS} ?l . FILTER(isIRI(?s)) }}")}
        folded: dict[str, tuple[str, str, str]] = {}  # a label repeated under many IRIs is folded once and held once
        out = []
        for s, lab in found:  # any order: rank_labels orders what matches
            one = folded.get(lab)
            if one is None:
                key = norm(lab)
                one = folded[lab] = (lab, key, key.replace(" ", ""))
            out.append((s, *one))
        return out
    return cached("search", make)


def _kept_labels() -> set[tuple[str, str]] | None:
    """The labels of the served generation: the report graphs' from their files, the others' asked; None where
    a report graph has no file (a remote store, a generation made by an older version)."""
    from kg.dumps import Labels
    from kg.entries import loads_labels
    gen = db.current_generation()
    if gen is None:
        return None
    listing, files, out = db.listing(), Labels(gen), set()
    for g in listing.reports:
        path = files.path(g)
        try:
            found = loads_labels(path.read_bytes()) if path is not None else None
        except OSError:
            found = None
        if found is None:
            return None
        out.update(found)
    st = db.store()
    others = [g for g in st.named_graphs() if g.value not in listing.reports]
    if next(iter(st.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        others.append(ox.DefaultGraph())
    for g in others:
        found = st.query(f"SELECT DISTINCT ?s ?l WHERE {{ ?s {SEARCH_LABELS} ?l . FILTER(isIRI(?s)) }}", default_graph=g,
                         prefixes=C.PREFIXES)
        out.update((r["s"].value, r["l"].value) for r in found)
    return out


def rank_labels(text: str) -> list[tuple[str, str]]:
    """Every IRI whose label matches *text*, best first, with the label that matched.

    Case, accents, punctuation and spaces do not count ("vietnam" finds "Viet Nam"); an exact
    match ranks first, then a prefix, a word prefix, a substring."""
    q = norm(text)
    if not q:
        return []
    squashed = q.replace(" ", "")
    best: dict[str, tuple] = {}
    for iri, lab, key, flat in _search_index():
        if q in key:
            rank = 0 if key == q else 1 if key.startswith(q) else 2 if (" " + q) in (" " + key) else 3
        elif squashed in flat:
            rank = 0 if flat == squashed else 1 if flat.startswith(squashed) else 3
        else:
            continue
        cand = (rank, len(key), lab)
        if iri not in best or cand < best[iri]:
            best[iri] = cand
    return [(iri, c[2]) for iri, c in sorted(best.items(), key=lambda kv: (kv[1], kv[0]))]


def search_labels(text: str, limit: int = 50) -> list[dict]:
    return [{"iri": iri, "label": label(iri), "matched": m} for iri, m in rank_labels(text)[:limit]]


def describe_hit(iri: str, matched: str) -> dict:
    """A search hit: label, most specific type, a snippet of its description, its link."""
    node = ox.NamedNode(iri)
    st = db.store()
    types = [q.object.value for q in st.quads_for_pattern(node, ox.NamedNode(RDF_TYPE), None, None)]
    shown = terms.most_specific(sorted(set(types)))[0]
    snippet = ""
    for p in DEFINITIONS:
        for q in st.quads_for_pattern(node, ox.NamedNode(p), None, None):
            snippet = q.object.value
            break
        if snippet:
            break
    if len(snippet) > 200:
        snippet = snippet[:200].rsplit(" ", 1)[0] + "…"
    own = label(iri)
    return {"iri": iri, "label": own, "matched": matched if matched != own else "", "type": ", ".join(label(t) for t in shown[:2]),
            "snippet": snippet, "href": href(iri), "curie": prefixed_name(iri, C.PREFIXES)}


SEARCH_PAGE = 25


def search_page(text: str, page: int, size: int) -> dict:
    ranked = rank_labels(text)
    pages = max(1, -(-len(ranked) // size))
    page = min(max(1, page), pages)
    hits = [describe_hit(iri, m) for iri, m in ranked[(page - 1) * size: page * size]]
    return {"query": text, "total": len(ranked), "page": page, "pages": pages, "results": hits}
