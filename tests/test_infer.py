"""Per-report OWL RL: the reduced input entails exactly what the full input does, and the budget holds."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from kg import constants as C
from kg import vocab
from kg.check import infer

from .conftest import MEETING, WEBINAR


def full_entailments(report: Graph) -> set:
    """The slow reference: ontology + whole reference data + report, filtered the same way."""
    base = infer.reference_closure()
    g = Graph()
    g += vocab.ontology_graph()
    g += vocab.reference_graph()
    g += report
    lexical = {(s, p, str(o)) for s, p, o in report if isinstance(o, Literal)}
    return {t for t in infer.closure(g) if t not in report and t not in base and infer.useful(t)
            and not (isinstance(t[2], Literal) and (t[0], t[1], str(t[2])) in lexical)}


@pytest.mark.parametrize("name", [MEETING.name, WEBINAR.name])
def test_reduced_input_gives_the_same_entailments(mapped, name):
    _, g = mapped[name]
    fast = set(infer.entailments(g))
    assert fast == full_entailments(g)
    assert len(fast) > 500


def test_entailments_are_useful(mapped):
    _, g = mapped[MEETING.name]
    e = infer.entailments(g)
    cdo = vocab.CDO
    assert (URIRef(C.DATA_NS + "state/EGY"), cdo.agreesWith, URIRef(C.DATA_NS + "state/NGA")) in e
    assert (URIRef(C.DATA_NS + "state/NGA"), cdo.agreesWith, URIRef(C.DATA_NS + "state/EGY")) in e
    assert not [t for t in e if t[1] == RDF.type and t[2] in (OWL.Thing, URIRef("http://www.w3.org/2000/01/rdf-schema#Resource"))]
    assert not [t for t in e if t[0] == t[2]]


def test_budget_stops_runaway_reasoning():
    g = Graph()
    g += vocab.ontology_graph()
    for i in range(400):
        g.add((URIRef(C.DATA_NS + f"x{i}"), vocab.CDO.agreesWith, URIRef(C.DATA_NS + f"x{i + 1}")))
        g.add((vocab.CDO.agreesWith, RDF.type, OWL.TransitiveProperty))
    with pytest.raises(infer.InferenceError, match="budget|over"):
        infer.closure(g, seconds=30, max_new=5_000)
