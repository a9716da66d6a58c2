"""What every page needs first: values kept per store generation, the labels of IRIs, rows of the app's own queries.

The layer the page modules (browse, pictures, search, home, statements, terms, fulltext, export, sparql) build on;
it imports none of them.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from flask import current_app

from kg import constants as C

from . import db

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label")
DEFINITIONS = ("http://www.w3.org/2004/02/skos/core#definition", "http://www.w3.org/2000/01/rdf-schema#comment",
               C.ONTOLOGY_NS + "summary", C.ONTOLOGY_NS + "explanation")
VOCABULARIES_FILE = Path(__file__).parent / "vocabularies.ttl"
_LABEL, _DEFINITION = "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#definition"


@lru_cache(maxsize=1)
def bundled() -> dict[str, tuple[str, str]]:
    """Label and definition of each standard vocabulary term the graph uses (web/vocabularies.ttl)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    with VOCABULARIES_FILE.open("rb") as f:
        for t in ox.parse(f, ox.RdfFormat.TURTLE):
            out[t.subject.value][t.predicate.value] = t.object.value
    return {iri: (d.get(_LABEL, ""), d.get(_DEFINITION, "")) for iri, d in out.items()}


LABEL_CACHE_SIZE = 1 << 18


def label(iri: str) -> str:
    """Return the best label of *iri* (prefLabel, label, or its last segment), remembered per generation:
    pages share most of their labels (meetings, states, properties), and each lookup reads the disk."""
    known = cached("labels", dict)
    found = known.get(iri)
    if found is None:
        if len(known) >= LABEL_CACHE_SIZE:
            known.clear()
        found = known[iri] = _label(iri)
    return found


_LABEL_NODES = tuple(ox.NamedNode(p) for p in LABELS)


def _label(iri: str, st=None) -> str:
    try:
        node = ox.NamedNode(iri)
    except ValueError:  # not an IRI (a blank node's id, a literal where an IRI belongs): it names itself
        return iri
    st = st or db.store()
    for p in _LABEL_NODES:
        for q in st.quads_for_pattern(node, p, None, None):
            return q.object.value
    known = bundled().get(iri)
    if known and known[0]:
        return known[0]
    tail = iri.rstrip("/").replace("#", "/").rsplit("/", 1)[-1]
    return tail or iri


def labels_for(iris) -> dict[str, str]:
    """Return {iri: label(iri)} for many IRIs (a page shows hundreds), looking the cache and store up once.

    Asking the engine for all of them in one query was no faster (each label is read from disk either
    way); the saving is Python's: one cache and store lookup for the page instead of two per IRI."""
    known = cached("labels", dict)
    st = db.store()
    out = {}
    for iri in iris:
        found = known.get(iri)
        if found is None:
            if len(known) >= LABEL_CACHE_SIZE:
                known.clear()
            found = known[iri] = _label(iri, st)
        out[iri] = found
    return out


def rows(sparql: str) -> list[dict]:
    res = db.query(sparql)
    names = [v.value for v in res.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in res]


_caching = threading.Lock()  # guards every app's cache dict for a moment; a value is made under its own lock


def cached(name: str, make):
    """Return make()'s value, computed once per store generation (pages that only change with a build).

    One thread makes a value while the others that ask for it wait for it: the first searches of a
    generation, arriving together, each built the label index (alone: 21 s, +1.4 GiB of RSS at 10,000 reports). A value made
    while a build published is handed to its caller but not kept: it may be the previous generation's.
    A remote store (ENDPOINT) is changed by builds this process never sees: its values are kept for
    REMOTE_CACHE_SECONDS only."""
    cache = current_app.extensions.setdefault("kg_cache", {})
    st = db.store()
    ttl = current_app.config["REMOTE_CACHE_SECONDS"] if current_app.config.get("ENDPOINT") else 0
    gen = (id(st), int(time.monotonic() // ttl)) if ttl else st
    with _caching:
        if cache.get("gen") != gen:  # a local store: the same object until a build publishes
            cache.clear()
            cache["gen"] = gen
        if name in cache:
            return cache[name]
        making = cache.setdefault(("making", name), threading.RLock())
    with making:
        with _caching:
            if cache.get("gen") == gen and name in cache:
                return cache[name]  # made while this thread waited
        value = make()
        with _caching:
            if cache.get("gen") == gen:
                cache[name] = value
        return value
