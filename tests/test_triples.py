"""kg/map/triples.py answers the mapper's calls as an rdflib Graph does: random operations applied to both."""

from __future__ import annotations

import random

from rdflib import Graph, Literal, URIRef

from kg.map.triples import Triples


def test_random_operations_give_what_an_rdflib_graph_gives():
    rng = random.Random(7)
    terms = [URIRef(f"https://example.org/{c}") for c in "abcde"]
    values = terms + [Literal("x"), Literal(1), Literal("x", lang="en")]
    ours, theirs = Triples(), Graph()
    for step in range(5000):
        s, p, o = rng.choice(terms), rng.choice(terms[:3]), rng.choice(values)
        op = rng.random()
        name, t = ("add", (s, p, o)) if op < 0.5 else ("remove", (s, p, None)) if op < 0.6 else \
            ("remove", (s, p, o)) if op < 0.7 else ("set", (s, p, o)) if op < 0.75 else (None, None)
        for g in (ours, theirs) if name else ():
            getattr(g, name)(t)
        assert ((s, p, o) in ours) == ((s, p, o) in theirs), step
        assert ((s, p, None) in ours) == ((s, p, None) in theirs), step
        assert set(ours.objects(s, p)) == set(theirs.objects(s, p)), step
        assert set(ours.subjects(p, None)) == set(theirs.subjects(p, None)), step
        assert set(ours.subjects(p, o)) == set(theirs.subjects(p, o)), step
        value = ours.value(s, p)
        assert (value is None) == (theirs.value(s, p) is None) and (value is None or (s, p, value) in theirs), step
    assert set(ours) == set(theirs) and len(ours) == len(theirs) > 10
    assert set(ours.graph()) == set(theirs)


def test_the_graph_carries_the_projects_prefixes():
    from kg import constants as C
    t = Triples()
    t.add((URIRef(C.ONTOLOGY_NS + "x"), URIRef(C.ONTOLOGY_NS + "y"), Literal(1)))
    assert ("cdo", URIRef(C.ONTOLOGY_NS)) in set(t.graph().namespaces())
