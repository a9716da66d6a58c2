"""The label search: every label of every IRI, folded so that case, accents and spaces do not count."""

from __future__ import annotations

from array import array
from bisect import bisect_right

import pyoxigraph as ox

from kg import constants as C
from kg.export import prefixed_name
from kg.iris import is_inferred_graph
from kg.map.resolve import norm
from kg.store.entries import LABELS
from kg.store.pool import gc_paused

from . import db, terms
from .labels import DEFINITIONS, RDF_TYPE, cached, label, rows
from .security import href

# The properties whose values the search matches; the build keeps the same per report graph (kg/entries.labels_of).
SEARCH_LABELS = "|".join(f"<{p}>" for p in LABELS)


class LabelIndex:
    """Every distinct label once, with the IRIs it names, its folded form found by str.find in one long text.

    The search matches a folded query inside folded labels. Scanned in Python, 2.2 million labels (10,000
    reports) took 3.4–5.5 s a search and held four strings a label; here the folded labels are two long
    strings (as folded, and without spaces), searched in C, and a match is traced to its label by its
    offset. Rows are separated by a newline, which no folded text contains."""

    def __init__(self, pairs):
        named: dict[str, list[str]] = {}
        for iri, lab in pairs:
            named.setdefault(lab, []).append(iri)
        self.labels = list(named)
        self.iris = [sorted(named[lab]) for lab in self.labels]
        keys = [norm(lab) for lab in self.labels]
        self.keys, self.key_starts = _joined(keys)
        self.flats, self.flat_starts = _joined([k.replace(" ", "") for k in keys])

    def key(self, i: int) -> str:
        return self.keys[self.key_starts[i]: self.key_starts[i + 1] - 1]

    def flat(self, i: int) -> str:
        return self.flats[self.flat_starts[i]: self.flat_starts[i + 1] - 1]

    @staticmethod
    def found(needle: str, text: str, starts: array) -> list[int]:
        """The rows of *text* that contain *needle*, each once."""
        out, at = [], text.find(needle)
        while at != -1:
            row = bisect_right(starts, at) - 1
            out.append(row)
            at = text.find(needle, starts[row + 1])
        return out


def _joined(texts: list[str]) -> tuple[str, array]:
    """*texts* as one string, each followed by a newline, and where each starts (one more: the end)."""
    starts, at = array("q", [0]), 0
    for t in texts:
        at += len(t) + 1
        starts.append(at)
    return "".join(t + "\n" for t in texts), starts


def _search_index() -> LabelIndex:
    """The labels the search matches, indexed once per generation.

    The report graphs' labels come from the files the build kept beside each (kg/entries.labels_of):
    asked of the engine, every label of the store took 4.3 s at 1,000 reports (224,000 labels) and
    about 80 s at 10,000; the reference and ontology graphs are asked (a few thousand)."""
    def make():
        with gc_paused():  # millions of new objects and no cycle among them (kg.store.pool.gc_paused)
            found = _kept_labels()
            if found is None:
                found = {(r["s"], r["l"]) for r in rows(f"SELECT DISTINCT ?s ?l WHERE {{ ?s {SEARCH_LABELS} ?l . FILTER(isIRI(?s)) }}")
                         if C.UNSEARCHED not in r["s"]}
            return LabelIndex(found)
    return cached("search", make)


def _kept_labels() -> set[tuple[str, str]] | None:
    """The labels of the served generation: the report graphs' from their files, the others' asked; None where
    a report graph has no file (a remote store, a generation made by an older version)."""
    from kg.store.entries import loads_labels
    from kg.store.pool import Labels
    gen = db.current_generation()
    if gen is None:
        return None
    listing = db.listing()
    per_graph = Labels(gen).read_all(listing.reports, loads_labels)
    if per_graph is None:
        return None
    out = {pair for found in per_graph for pair in found}
    st = db.store()
    # Reference, ontology and dataset graphs; a report's entailments repeat labels its own graph lists.
    others = [g for g in st.named_graphs() if g.value not in listing.reports and not is_inferred_graph(g.value)]
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
    index = _search_index()
    ranked = []  # (rank, length, label, row): the order of the labels found
    in_key = index.found(q, index.keys, index.key_starts)
    for i in in_key:
        key = index.key(i)
        ranked.append((0 if key == q else 1 if key.startswith(q) else 2 if (" " + q) in (" " + key) else 3, len(key), index.labels[i], i))
    seen = set(in_key)
    for i in index.found(squashed, index.flats, index.flat_starts):
        if i not in seen:
            flat = index.flat(i)
            ranked.append((0 if flat == squashed else 1 if flat.startswith(squashed) else 3, len(index.key(i)), index.labels[i], i))
    # Labels best first, each one's IRIs in order: an IRI comes first under its best label (labels are distinct,
    # so no two rank alike), which is the order of (its best label's rank, the IRI). Sorting labels, not IRIs:
    # a one-letter query matches most of 2.2 million IRIs at 10,000 reports.
    ranked.sort()
    out, done = [], set()
    for _, _, lab, i in ranked:
        for iri in index.iris[i]:
            if iri not in done:
                done.add(iri)
                out.append((iri, lab))
    return out


def search_labels(text: str, limit: int = 50) -> list[dict]:
    return [{"iri": iri, "label": label(iri), "matched": m} for iri, m in rank_labels(text)[:limit]]


def describe_hit(iri: str, matched: str) -> dict:
    """A search hit: label, most specific type, a snippet of its description, its link."""
    node = ox.NamedNode(iri)
    st = db.store()
    types = [q.object.value for q in st.quads_for_pattern(node, ox.NamedNode(RDF_TYPE), None, None) if isinstance(q.object, ox.NamedNode)]
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
