"""Run OWL RL (owlrl) on one report at a time, under a time and size budget, keeping what adds information."""

from __future__ import annotations

import time
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef

from . import constants as C
from . import vocab
from .vocab import OWL, RDF, RDFS

# Entailments that every resource has, or that only restate the schema: storing them adds nothing.
_NOISE_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Literal, RDFS.Datatype, RDFS.Class, OWL.Class,
                RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty}
_SCHEMA_PREDICATES = {RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty, RDFS.domain,
                      RDFS.range, OWL.inverseOf, OWL.sameAs, OWL.differentFrom, OWL.disjointWith}


class InferenceError(Exception):
    """Raise when reasoning finds an inconsistency or runs over its budget."""


@lru_cache(maxsize=1)
def _budgeted():
    """OWL RL semantics that give up past a deadline or a number of new triples (owlrl may not converge).

    Made on first use: owlrl is imported only when it runs (the compiled rules need none of it)."""
    from owlrl.OWLRL import OWLRL_Semantics

    class Budgeted(OWLRL_Semantics):
        deadline: float = 0.0
        max_new: int = 0

        def rules(self, t, cycle_num):
            self._calls = getattr(self, "_calls", 0) + 1
            if self._calls % 2000 == 0:
                if time.monotonic() > self.deadline:
                    raise InferenceError(f"OWL RL reasoning ran over its {C.INFER_SECONDS:.0f} s budget")
                if len(self.added_triples) > self.max_new:
                    raise InferenceError(f"OWL RL reasoning produced over {self.max_new} new triples in one cycle")
            return super().rules(t, cycle_num)

    return Budgeted


def closure(g: Graph, seconds: float = C.INFER_SECONDS, max_new: int = C.INFER_MAX_NEW_TRIPLES) -> Graph:
    """Return the OWL RL closure of a copy of *g* (never *g* itself: owlrl writes in place)."""
    work = Graph()
    work += g
    start = len(work)
    import owlrl
    budgeted = _budgeted()
    budgeted.deadline = time.monotonic() + seconds
    budgeted.max_new = max_new
    engine = owlrl.DeductiveClosure(budgeted, axiomatic_triples=False, datatype_axioms=False,
                                    rdfs_closure=False, improved_datatypes=False)
    engine.expand(work)
    errors = list(work.objects(None, URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")))
    if errors:
        raise InferenceError("inconsistent: " + "; ".join(sorted(str(e) for e in errors))[:2000])
    if len(work) - start > max_new:
        raise InferenceError(f"OWL RL reasoning added {len(work) - start} triples, over the {max_new} budget")
    nothing = list(work.subjects(RDF.type, OWL.Nothing))
    if nothing:
        raise InferenceError(f"inconsistent: {nothing[0]} is a member of owl:Nothing")
    return work


@lru_cache(maxsize=1)
def reference_closure() -> Graph:
    """Return the closure of ontology + reference data: what a report's entailments are measured against.

    It takes owlrl about a second, and every build and worker needs it, so it is kept on disk in
    C.CACHE_DIR under the hash of the files it comes from (vocab.cached_graph).
    """
    return vocab.cached_graph("reference-closure", (C.ONTOLOGY_FILE, C.SCHEMES_FILE, *C.REFERENCE_FILES), _close_reference)


def _close_reference() -> Graph:
    g = Graph()
    g += vocab.ontology_graph()
    g += vocab.reference_graph()
    return closure(g)


def _reference_triples() -> frozenset:
    from .prepared import prepared
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
    """Close the report's reasoning input with the compiled rules (kg/rules.py), or with owlrl when they cannot."""
    from .rules import Inconsistent, NeedsOwlrl, compiled
    rules = compiled()
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
