"""Run OWL RL (owlrl) on one report at a time, under a time and size budget, keeping what adds information."""

from __future__ import annotations

from functools import lru_cache

from rdflib import BNode, Graph, Literal

from kg import vocab
from kg.check.closure import InferenceError, closure, reference_closure  # noqa: F401 (owlrl's path: kg/check/closure.py)
from kg.check.prepared import prepared
from kg.vocab import OWL, RDF, RDFS

# Entailments that every resource has, or that only restate the schema: storing them adds nothing.
_NOISE_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Literal, RDFS.Datatype, RDFS.Class, OWL.Class,
                RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty}
_SCHEMA_PREDICATES = {RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty, RDFS.domain,
                      RDFS.range, OWL.inverseOf, OWL.sameAs, OWL.differentFrom, OWL.disjointWith}


def _reference_triples() -> frozenset:
    return prepared().reference_triples


def useful(t) -> bool:
    """Tell whether an entailed triple adds information worth storing."""
    s, p, o = t
    if isinstance(s, (BNode, Literal)) or isinstance(o, BNode):
        return False
    if p in _SCHEMA_PREDICATES or (p == RDF.type and o in _NOISE_TYPES):
        return False
    if s == o and p != RDF.type:
        return False
    return not str(p).startswith("http://www.daml.org/")


@lru_cache(maxsize=1)
def _lifted() -> frozenset:
    """The properties with a super-property (the ontology's; the compiled rules index the same ones)."""
    return frozenset(vocab.ontology_graph().subjects(RDFS.subPropertyOf, None))


def reasoning_facts(triples) -> list:
    """Return the report's triples that can entail anything new, whichever engine closes them.

    Reference data stays out: what it entails on its own is already in reference_closure(), and no
    axiom combines a reference fact with a report fact into something the report lacks (tested by
    comparing both inputs in tests/test_infer.py). Literal triples stay out unless their property has a
    super-property: their other OWL RL consequences are domain types the mapper asserts anyway.
    """
    lifted = _lifted()
    return [t for t in triples if not isinstance(t[2], Literal) or t[1] in lifted]


def _reasoning_input(report: Graph) -> Graph:
    """Return ontology + the report's reasoning facts, as owlrl takes them."""
    g = Graph()
    g += vocab.ontology_graph()
    for t in reasoning_facts(report):
        g.add(t)
    return g


REASONERS = ("compiled", "owlrl")


def _compiled_closure(report: Graph, asserted: set) -> set:
    """Close the report's reasoning input with the compiled rules (kg/check/rules.py), or with owlrl when they cannot."""
    from kg.check.rules import Inconsistent, NeedsOwlrl
    rules = prepared().rules
    try:
        facts = rules.close(reasoning_facts(asserted))
        rules.check(facts)
    except NeedsOwlrl:
        return set(closure(_reasoning_input(report)))
    except Inconsistent as exc:
        raise InferenceError(f"inconsistent: {exc}") from None
    return facts


def entailments(report: Graph, reasoner: str = "compiled", triples: set | None = None) -> set:
    """Return the set of useful triples OWL RL adds to ontology + reference data + *report*, and nothing else.

    *reasoner* 'compiled' closes the report with the ontology's compiled rules (milliseconds);
    'owlrl' runs owlrl on ontology + report (about a second), the reference the compiled rules are tested against.
    *triples*: the report's triples as a set, when the caller has them (a pass over the Graph costs ~5 µs a triple).
    """
    if reasoner not in REASONERS:
        raise ValueError(f"unknown reasoner {reasoner!r}; one of {', '.join(REASONERS)}")
    asserted = set(report) if triples is None else triples  # set lookups: an rdflib Graph's "in" costs microseconds
    closed = _compiled_closure(report, asserted) if reasoner == "compiled" else closure(_reasoning_input(report))
    return new_and_useful(closed, asserted)


def new_and_useful(closed, asserted: set) -> set:
    """Return the triples of a closure that are neither asserted, nor in the reference closure, nor noise."""
    base = _reference_triples()
    # owlrl round-trips literals through proxies and hands some back with another datatype
    # ("7"^^xsd:positiveInteger comes back as "7"^^xsd:integer): the same value again is noise.
    lexical = {(s, p, str(o)) for s, p, o in asserted if isinstance(o, Literal)}
    out = set()  # a set, not a Graph: adding to an rdflib Graph costs ~20 µs a triple
    for t in closed:
        if t in asserted or t in base or not useful(t):
            continue
        if isinstance(t[2], Literal) and (t[0], t[1], str(t[2])) in lexical:
            continue
        out.add(t)
    return out
