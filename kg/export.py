"""Serialize the store (whole, one named graph, or one entity's description) in the formats we offer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

import pyoxigraph as ox

from . import constants as C


@dataclass(frozen=True)
class Format:
    """One serialization: its name, media type, file suffix, pyoxigraph format, and whether it holds graphs."""

    name: str
    media_type: str
    suffix: str
    rdf_format: ox.RdfFormat
    quads: bool


# Prefixes written into Turtle, TriG and JSON-LD: not 'id:', whose local names ('meeting/2025-…/argument/7')
# would need every slash escaped; such IRIs read better written out in full.
# Prefixes whose IRIs nest further ("meeting:2024-…/argument/3") would be written with escaped slashes.
SERIAL_PREFIXES = {p: ns for p, ns in C.PREFIXES.items() if p not in ("id",) + C.NESTED_PREFIXES}

# The one table of formats: the CLI's --format, the web app's Accept / suffix negotiation.
FORMATS = {f.name: f for f in (
    Format("turtle", "text/turtle", ".ttl", ox.RdfFormat.TURTLE, False),
    Format("trig", "application/trig", ".trig", ox.RdfFormat.TRIG, True),
    Format("nquads", "application/n-quads", ".nq", ox.RdfFormat.N_QUADS, True),
    Format("ntriples", "application/n-triples", ".nt", ox.RdfFormat.N_TRIPLES, False),
    Format("jsonld", "application/ld+json", ".jsonld", ox.RdfFormat.JSON_LD, True),
)}


def _triples(store: ox.Store, graph: str | None) -> Iterator[ox.Triple]:
    # A triple asserted in two reports' graphs is written twice; Turtle readers merge the copies.
    for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph) if graph else None):
        yield ox.Triple(q.subject, q.predicate, q.object)


def export(store: ox.Store, out: IO[bytes], fmt: str = "turtle", graph: str | None = None,
           folder: Path | None = None) -> None:
    """Write the store (or one named *graph*) to the binary stream *out* in format *fmt*, streamed.

    *folder*: the store's generation folder, whose gzipped Turtle files (kg/dumps.py) make Turtle a copy."""
    f = FORMATS[fmt]
    if fmt == "turtle" and folder is not None:
        from .dumps import export_turtle
        export_turtle(store, folder, out, graph)
        return
    if f.quads:
        if graph:
            quads = store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        else:
            quads = store.quads_for_pattern(None, None, None, None)
        ox.serialize(quads, out, f.rdf_format, prefixes=SERIAL_PREFIXES if f.rdf_format != ox.RdfFormat.N_QUADS else None)
    else:
        ox.serialize(_triples(store, graph), out, f.rdf_format,
                     prefixes=SERIAL_PREFIXES if f.rdf_format == ox.RdfFormat.TURTLE else None)


def describe(store: ox.Store, iri: str, out: IO[bytes], fmt: str = "turtle") -> None:
    """Write every triple whose subject is *iri*, from any graph, in format *fmt*."""
    f = FORMATS[fmt]
    node = ox.NamedNode(iri)
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(node, None, None, None)}
    if f.rdf_format == ox.RdfFormat.JSON_LD:
        out.write(compact_jsonld(triples))
        return
    rdf_format = f.rdf_format if not f.quads else ox.RdfFormat.TURTLE
    ox.serialize(sorted(triples, key=str), out, rdf_format,
                 prefixes=SERIAL_PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD) else None)


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def jsonld_context() -> dict:
    """The JSON-LD @context of the project: its prefixes (published at /context.jsonld, inlined in documents)."""
    return {"@context": dict(SERIAL_PREFIXES)}


def prefixed_name(iri: str, prefixes: dict[str, str] = SERIAL_PREFIXES) -> str | None:
    """Return *iri* as prefix:local under the longest matching namespace, if the local part is plain
    (letters, digits, '-' and '_', not starting with '-'): valid in SPARQL, Turtle and JSON-LD alike."""
    best = max(((p, ns) for p, ns in prefixes.items() if iri.startswith(ns)), key=lambda kv: len(kv[1]), default=None)
    if best is None:
        return None
    local = iri[len(best[1]):]
    plain = local and local[0] != "-" and all(c.isalnum() or c in "-_" for c in local)
    return f"{best[0]}:{local}" if plain else None


def _curie(iri: str) -> str:
    return prefixed_name(iri) or iri


def compact_jsonld(triples) -> bytes:
    """Write triples as compact JSON-LD: one node object per subject, CURIEs, the context inlined.

    pyoxigraph writes expanded JSON-LD only; a reader that expands this gets the same triples.
    The context is inlined rather than referenced, so no reader has to fetch anything.
    """
    import json
    nodes: dict[str, dict] = {}
    for t in sorted(triples, key=str):
        s = t.subject.value if isinstance(t.subject, ox.NamedNode) else "_:" + t.subject.value
        node = nodes.setdefault(s, {"@id": _curie(s) if not s.startswith("_:") else s})
        o = t.object
        if isinstance(o, ox.NamedNode):
            value = {"@id": _curie(o.value)}
        elif isinstance(o, ox.BlankNode):
            value = {"@id": "_:" + o.value}
        elif o.language:
            value = {"@value": o.value, "@language": o.language}
        elif o.datatype.value != XSD_STRING:
            value = {"@value": o.value, "@type": _curie(o.datatype.value)}
        else:
            value = o.value
        if t.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" and isinstance(o, ox.NamedNode):
            key, value = "@type", value["@id"]
        else:  # a literal or blank node under rdf:type (a store not made by kg build) is no @type: the property says it
            key = _curie(t.predicate.value)
        node.setdefault(key, []).append(value)
    doc = {**jsonld_context(), "@graph": list(nodes.values())}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
