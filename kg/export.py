"""Serialize the store (whole, one named graph, or one entity's description) in the formats we offer."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import IO, Iterator

import pyoxigraph as ox

from kg import constants as C
from kg.iris import inferred_graph


@dataclass(frozen=True)
class Format:
    """One serialization: its name, media type, file suffix, pyoxigraph format, and whether it holds graphs."""

    name: str
    media_type: str
    suffix: str
    rdf_format: ox.RdfFormat
    quads: bool


SERIAL_PREFIXES = C.SERIAL_PREFIXES  # written into Turtle, TriG and JSON-LD (kg/constants.py says which)


# The one table of formats: the CLI's --format, the web app's Accept / suffix negotiation.
FORMATS = {f.name: f for f in (
    Format("turtle", "text/turtle", ".ttl", ox.RdfFormat.TURTLE, False),
    Format("trig", "application/trig", ".trig", ox.RdfFormat.TRIG, True),
    Format("nquads", "application/n-quads", ".nq", ox.RdfFormat.N_QUADS, True),
    Format("ntriples", "application/n-triples", ".nt", ox.RdfFormat.N_TRIPLES, False),
    Format("jsonld", "application/ld+json", ".jsonld", ox.RdfFormat.JSON_LD, True),
)}


def _graphs(graph: str, entailments: bool) -> list[str]:
    return [graph, inferred_graph(graph)] if entailments else [graph]


def _quads(store: ox.Store, graph: str | None, entailments: bool = True) -> Iterator[ox.Quad]:
    """Every quad, or those of one report graph (and of its graph of entailments)."""
    if not graph:
        yield from store.quads_for_pattern(None, None, None, None)
        return
    for g in _graphs(graph, entailments):
        yield from store.quads_for_pattern(None, None, None, ox.NamedNode(g))


def _triples(store: ox.Store, graph: str | None, entailments: bool = True) -> Iterator[ox.Triple]:
    # A triple asserted in two reports' graphs is written twice; Turtle readers merge the copies.
    for q in _quads(store, graph, entailments):
        yield ox.Triple(q.subject, q.predicate, q.object)


def export(store: ox.Store, out: IO[bytes], fmt: str = "turtle", graph: str | None = None,
           folder: Path | None = None, base: str | None = None, entailments: bool = True) -> None:
    """Write the store (or one named *graph*) to the binary stream *out* in format *fmt*, streamed.

    One report graph comes with its graph of entailments (kg.iris.inferred_graph; not with *entailments* False:
    a graph's IRI dereferences to that graph alone) and the labels of what it names from the other graphs
    (`context_labels`: a meeting's states, groups and ontology terms); the whole store with its VoID and DCAT description (`void`: licence,
    sources, counts, build time; *base*, the server's root, names the endpoint and the dump), in the graph
    `id/graph/void` where the format has graphs.
    *folder*: the store's generation folder, whose gzipped Turtle files (kg/store/dumps.py) make Turtle a copy."""
    f = FORMATS[fmt]
    extra = context_labels(store, graph, entailments) if graph else void(store, folder, base)
    if fmt == "turtle" and folder is not None:
        from kg.store.dumps import export_turtle
        export_turtle(store, folder, out, _graphs(graph, entailments) if graph else None)
        out.write(b"\n# " + (b"The labels of what this graph names, from the reference data, the ontology and other reports"
                             if graph else b"The dataset's VoID and DCAT description") + b"\n")
        ox.serialize([q.triple for q in extra], out, ox.RdfFormat.TURTLE, prefixes=SERIAL_PREFIXES)
        return
    if f.quads:
        ox.serialize(chain(_quads(store, graph, entailments), extra), out, f.rdf_format,
                     prefixes=SERIAL_PREFIXES if f.rdf_format != ox.RdfFormat.N_QUADS else None)
    else:
        ox.serialize(chain(_triples(store, graph, entailments), (q.triple for q in extra)), out, f.rdf_format,
                     prefixes=SERIAL_PREFIXES if f.rdf_format == ox.RdfFormat.TURTLE else None)


_LABELS = "<http://www.w3.org/2000/01/rdf-schema#label> <http://www.w3.org/2004/02/skos/core#prefLabel>"


def context_labels(store: ox.Store, graph: str, entailments: bool = True) -> list[ox.Quad]:
    """The labels of the IRIs *graph* (and its graph of entailments) names and does not label itself, as quads
    of the graphs that hold them."""
    own = " ".join(str(ox.NamedNode(g)) for g in _graphs(graph, entailments))
    found = store.query(f"""SELECT ?x ?p ?l (SAMPLE(?h) AS ?in) WHERE {{
        {{ SELECT DISTINCT ?x WHERE {{ VALUES ?src {{ {own} }} GRAPH ?src {{ {{ ?s ?q ?x }} UNION {{ ?s ?x ?o }} }} FILTER(isIRI(?x)) }} }}
        FILTER NOT EXISTS {{ VALUES ?src {{ {own} }} GRAPH ?src {{ VALUES ?own {{ {_LABELS} }} ?x ?own ?any }} }}
        VALUES ?p {{ {_LABELS} }} GRAPH ?h {{ ?x ?p ?l }} FILTER(?h NOT IN ({own.replace(" ", ", ")})) }} GROUP BY ?x ?p ?l""")
    return sorted((ox.Quad(r["x"], r["p"], r["l"], r["in"]) for r in found), key=str)


VOID_GRAPH = C.DATA_NS + "graph/void"


def void(store: ox.Store, folder: Path | None, base: str | None = None) -> list[ox.Quad]:
    """The dataset's VoID and DCAT description: title, licence, build time, triples, every source report with its
    SHA-256; with *base* (the server's root) its SPARQL endpoint and dump."""
    from datetime import datetime, timezone

    from kg.store.generations import Listing, graph_sizes, report_index
    V, D, DCT, XSD = ("http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/",
                      "http://www.w3.org/2001/XMLSchema#")
    PROV = "http://www.w3.org/ns/prov#"
    ds, g = ox.NamedNode(C.DATA_NS + "dataset"), ox.NamedNode(VOID_GRAPH)
    listing = Listing.of_generation(folder) if folder is not None else None
    reports = listing.reports if listing is not None else report_index(store)
    sizes = listing.sizes if listing is not None and listing.sizes is not None else graph_sizes(store)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [
        (ds, rdf_type, ox.NamedNode(V + "Dataset")), (ds, rdf_type, ox.NamedNode(D + "Dataset")),
        (ds, ox.NamedNode(DCT + "title"), ox.Literal("Knowledge graph of UN cyber diplomacy (DiploAI reports)")),
        (ds, ox.NamedNode(DCT + "license"), ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")),
        (ds, ox.NamedNode(V + "triples"), ox.Literal(str(sum(sizes.values())), datatype=ox.NamedNode(XSD + "integer"))),
        (ds, ox.NamedNode(V + "uriSpace"), ox.Literal(C.DATA_NS)),
        (ds, ox.NamedNode(V + "vocabulary"), ox.NamedNode(C.ONTOLOGY_NS)),
    ]
    # Declared, as the ontology declares the terms it borrows, so that the whole dump is OWL 2 DL (tests/test_owl_dl.py).
    owl = "http://www.w3.org/2002/07/owl#"
    triples += [(ox.NamedNode(t), rdf_type, ox.NamedNode(owl + kind)) for t, kind in (
        (V + "Dataset", "Class"), (D + "Dataset", "Class"), (V + "triples", "DatatypeProperty"),
        (V + "uriSpace", "DatatypeProperty"), (DCT + "modified", "DatatypeProperty"), (V + "vocabulary", "ObjectProperty"),
        (V + "subset", "ObjectProperty"), (V + "sparqlEndpoint", "ObjectProperty"), (V + "dataDump", "ObjectProperty"))]
    if folder is not None:  # when the generation was published (a remote store's build time is not known here)
        when = datetime.fromtimestamp(folder.stat().st_mtime, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        triples.append((ds, ox.NamedNode(DCT + "modified"), ox.Literal(when, datatype=ox.NamedNode(XSD + "dateTime"))))
    if base:
        triples += [(ds, ox.NamedNode(V + "sparqlEndpoint"), ox.NamedNode(base + "/sparql")),
                    (ds, ox.NamedNode(V + "dataDump"), ox.NamedNode(base + "/export/graph?format=nquads"))]
    for graph, (sha, name) in sorted(reports.items()):
        src = ox.NamedNode(graph)
        triples += [(ds, ox.NamedNode(DCT + "source"), ox.Literal(name)), (ds, ox.NamedNode(V + "subset"), src),
                    (src, ox.NamedNode(DCT + "source"), ox.Literal(name)),
                    (src, ox.NamedNode(C.ONTOLOGY_NS + "sha256"), ox.Literal(sha))]
        if graph in sizes:
            triples.append((src, ox.NamedNode(V + "triples"), ox.Literal(str(sizes[graph]), datatype=ox.NamedNode(XSD + "integer"))))
        inferred = inferred_graph(graph)
        if sizes.get(inferred):  # the report's OWL RL entailments, a graph of their own
            node = ox.NamedNode(inferred)
            triples += [(ds, ox.NamedNode(V + "subset"), node), (node, ox.NamedNode(PROV + "wasDerivedFrom"), src),
                        (node, ox.NamedNode(DCT + "description"), ox.Literal("What OWL RL entails from the report's graph and the ontology")),
                        (node, ox.NamedNode(V + "triples"), ox.Literal(str(sizes[inferred]), datatype=ox.NamedNode(XSD + "integer")))]
    return [ox.Quad(s, p, o, g) for s, p, o in triples]


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
