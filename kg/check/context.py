"""The context reports are validated against (the ontology's hierarchy and the reference data), and the shapes
compiled over it: what kg/check/prepared.py keeps, made here. Imports nothing that reads kg/check/prepared.py."""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph, Namespace
from rdflib.namespace import OWL, RDF, RDFS

from kg import constants as C
from kg import vocab

SH = Namespace("http://www.w3.org/ns/shacl#")


@lru_cache(maxsize=1)
def _schema() -> Graph:
    """Return the ontology's class and property hierarchy: what sh:class needs to see subclasses."""
    g = Graph()
    for p in (RDFS.subClassOf, RDFS.subPropertyOf):
        for s, o in vocab.ontology_graph().subject_objects(p):
            g.add((s, p, o))
    for s, p, o in vocab.ontology_graph().triples((None, RDF.type, None)):
        if o in (OWL.Class, SH.NodeShape):
            g.add((s, p, o))
    for s, p, o in vocab.ontology_graph():  # the concept schemes
        if str(s).startswith(C.DATA_NS):
            g.add((s, p, o))
    return g


def with_context(g: Graph) -> Graph:
    """Return *g* plus the ontology's hierarchy and the reference data it links to.

    The whole reference graph goes in (a few thousand triples): sh:class on a linked state's links
    needs their types, and a partial copy would make the reference shapes fail on what was left out.
    """
    data = Graph()
    data += g
    data += _schema()
    data += vocab.reference_graph()
    return data


@lru_cache(maxsize=1)
def context_graph() -> Graph:
    """The ontology hierarchy and reference data, built once per process (see with_context)."""
    return with_context(Graph())


def compile_shapes():
    """Read the shapes for kg.check.shacl and index the context; None if the shapes need pySHACL."""
    from kg.check import shacl
    try:
        validator = shacl.Validator(vocab.shapes_graph())
    except shacl.Unsupported:
        return None
    index = shacl.Index(context_graph())
    return validator, index, shacl.superclass_closure(index)
