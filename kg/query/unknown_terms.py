"""Tell a user which ontology terms their query names that the ontology does not have, and the nearest one.

A misspelt `cdo:positonOf` is a valid IRI: the query runs and returns no rows, silently. The query's
tokens (kg/query/gate.py) are read with its PREFIX declarations and the predeclared prefixes; every term in
the ontology's namespace that the ontology does not define is named with the closest defined term.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

from kg import constants as C
from kg.query.gate import Refused, tokens


@lru_cache(maxsize=1)
def defined() -> frozenset[str]:
    """The local names the ontology defines (every subject in its namespace)."""
    import pyoxigraph as ox
    with open(C.ONTOLOGY_FILE, "rb") as f:
        return frozenset(q.subject.value[len(C.ONTOLOGY_NS):] for q in ox.parse(f, ox.RdfFormat.TURTLE)
                         if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(C.ONTOLOGY_NS))


@lru_cache(maxsize=1)
def renamed() -> dict[str, str]:
    """{old local name: new local name} from the ontology's `dcterms:replaces` (terms renamed in a release)."""
    import pyoxigraph as ox
    replaces = "http://purl.org/dc/terms/replaces"
    with open(C.ONTOLOGY_FILE, "rb") as f:
        return {q.object.value[len(C.ONTOLOGY_NS):]: q.subject.value[len(C.ONTOLOGY_NS):]
                for q in ox.parse(f, ox.RdfFormat.TURTLE)
                if q.predicate.value == replaces and q.object.value.startswith(C.ONTOLOGY_NS)}


def unknown(query: str, prefixes: dict[str, str] | None = None) -> list[str]:
    """Warnings, one per distinct unknown ontology term in *query* (none for a text that does not tokenize)."""
    ns = dict(prefixes if prefixes is not None else C.PREFIXES)
    names = defined()
    seen, out = set(), []
    declaring = None
    try:
        for kind, tok, _ in tokens(query):
            if kind == "word" and tok.casefold() == "prefix":
                declaring = ""
                continue
            if declaring == "" and kind == "name":
                declaring = tok[:-1] if tok.endswith(":") else None
                continue
            if declaring and kind == "iri":
                ns[declaring] = tok[1:-1]
                declaring = None
                continue
            declaring = None
            if kind == "name":
                prefix, _, local = tok.partition(":")
                iri = ns.get(prefix, "") + local
            elif kind == "iri":
                iri, prefix = tok[1:-1], None
            else:
                continue
            if not iri.startswith(C.ONTOLOGY_NS) or not (local := iri[len(C.ONTOLOGY_NS):]) or local in names:
                continue
            if tok in seen:
                continue
            seen.add(tok)
            near = [renamed()[local]] if local in renamed() else difflib.get_close_matches(local, names, n=1, cutoff=0.7)
            hint = f"; did you mean {(prefix + ':') if prefix is not None else C.ONTOLOGY_NS}{near[0]}?" if near else ""
            if local in renamed():
                hint += " (renamed in ontology 0.3.0)"
            out.append(f"{tok} is not a term of the ontology, so it matches nothing{hint}")
    except Refused:
        return []
    return out
