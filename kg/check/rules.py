"""OWL RL for this ontology, compiled: the few axiom kinds it uses turned into indexed rules, closed in milliseconds.

owlrl is the reference (`kg build --reasoner owlrl`); tests/test_rules.py proves this gives the same
entailments on the real reports, the sample, the fixtures and a synthetic corpus. The rules, with
their OWL 2 RL names: subclass (cax-sco), subproperty (prp-spo1), domain and range (prp-dom,
prp-rng), inverse (prp-inv1/2), symmetric (prp-symp), property chains with inverse steps
(prp-spo2), and the inconsistency checks the ontology can trigger (cax-dw for AllDisjointClasses,
owl:Nothing). Functional properties (prp-fp) entail owl:sameAs, which changes what every other
rule sees: a report where a functional property has two IRI values is handed to owlrl instead.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from kg.vocab import OWL, RDF, RDFS


class NeedsOwlrl(Exception):
    """The report uses something the compiled rules do not cover; reason with owlrl."""


class Inconsistent(Exception):
    """The report contradicts the ontology (an individual in disjoint classes, or in owl:Nothing)."""


def _closure(edges: dict) -> dict:
    out = {}
    for start in edges:
        seen, todo = set(), [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        out[start] = seen
    return out


class Rules:
    """The ontology's axioms, indexed for forward chaining."""

    def __init__(self, onto: Graph):
        sub_c, sub_p = defaultdict(set), defaultdict(set)
        for s, o in onto.subject_objects(RDFS.subClassOf):
            if isinstance(o, URIRef):
                sub_c[s].add(o)
        for s, o in onto.subject_objects(RDFS.subPropertyOf):
            sub_p[s].add(o)
        self.supers_c = _closure(sub_c)
        self.supers_p = _closure(sub_p)
        self.domain, self.range = defaultdict(set), defaultdict(set)
        for p, c in onto.subject_objects(RDFS.domain):
            self.domain[p].add(c)
        for p, c in onto.subject_objects(RDFS.range):
            self.range[p].add(c)
        self.inverse = defaultdict(set)
        for p, q in onto.subject_objects(OWL.inverseOf):
            if isinstance(p, URIRef) and isinstance(q, URIRef):
                self.inverse[p].add(q)
                self.inverse[q].add(p)
        self.symmetric = set(onto.subjects(RDF.type, OWL.SymmetricProperty))
        self.functional = {p for p in onto.subjects(RDF.type, OWL.FunctionalProperty)}
        self.chains: list[tuple[URIRef, list[tuple[URIRef, bool]]]] = []
        for p, head in onto.subject_objects(OWL.propertyChainAxiom):
            steps = []
            for step in Collection(onto, head):
                if isinstance(step, BNode):  # [ owl:inverseOf P ]
                    steps.append((onto.value(step, OWL.inverseOf), True))
                else:
                    steps.append((step, False))
            self.chains.append((p, steps))
        self.disjoint: list[set] = []
        for group in onto.subjects(RDF.type, OWL.AllDisjointClasses):
            self.disjoint.append(set(Collection(onto, onto.value(group, OWL.members))))
        for a, b in onto.subject_objects(OWL.disjointWith):
            self.disjoint.append({a, b})
        self.chain_preds = {pred for _, steps in self.chains for pred, _ in steps}

    def close(self, triples) -> set:
        """Return the closure of *triples* (a set of rdflib triples) under the rules."""
        facts: set = set()
        by_p: dict = defaultdict(set)  # predicate → {(s, o)}
        out_of: dict = defaultdict(set)  # (predicate, subject) → objects
        into: dict = defaultdict(set)  # (predicate, object) → subjects
        agenda = list(triples)
        while agenda:
            t = agenda.pop()
            if t in facts:
                continue
            facts.add(t)
            s, p, o = t
            by_p[p].add((s, o))
            out_of[(p, s)].add(o)
            into[(p, o)].add(s)
            if p == RDF.type:
                agenda.extend((s, RDF.type, c) for c in self.supers_c.get(o, ()))
                continue
            if p in self.functional and not isinstance(o, Literal) and len(out_of[(p, s)]) > 1:
                raise NeedsOwlrl(f"{p} is functional and {s} has {len(out_of[(p, s)])} values")
            agenda.extend((s, q, o) for q in self.supers_p.get(p, ()))
            agenda.extend((s, RDF.type, c) for c in self.domain.get(p, ()))
            if isinstance(o, Literal):
                continue
            agenda.extend((o, RDF.type, c) for c in self.range.get(p, ()))
            agenda.extend((o, q, s) for q in self.inverse.get(p, ()))
            if p in self.symmetric:
                agenda.append((o, p, s))
            if p in self.chain_preds:
                agenda.extend(self._chains(t, out_of, into))
        return facts

    def _chains(self, t, out_of, into):
        """Yield the chain conclusions that the new triple *t* completes (at any step of any chain)."""
        s, p, o = t
        for head, steps in self.chains:
            for i, (pred, inv) in enumerate(steps):
                if pred != p:
                    continue
                a, b = (o, s) if inv else (s, o)  # the step as walked: a → b
                for start in self._walk(steps[:i][::-1], a, out_of, into, backwards=True):
                    for end in self._walk(steps[i + 1:], b, out_of, into, backwards=False):
                        yield (start, head, end)

    @staticmethod
    def _walk(steps, node, out_of, into, backwards: bool):
        frontier = {node}
        for pred, inv in steps:
            forward = inv == backwards  # walking a step backwards undoes it; an inverse step flips it again
            nxt = set()
            for n in frontier:
                nxt |= out_of.get((pred, n), set()) if forward else into.get((pred, n), set())
            frontier = {n for n in nxt if not isinstance(n, Literal)}
        return frontier

    def check(self, facts: set) -> None:
        """Raise Inconsistent if an individual is in owl:Nothing or in two disjoint classes."""
        types = defaultdict(set)
        for s, p, o in facts:
            if p == RDF.type:
                types[s].add(o)
        for s, ts in types.items():
            if OWL.Nothing in ts:
                raise Inconsistent(f"{s} is a member of owl:Nothing")
            for group in self.disjoint:
                both = ts & group
                if len(both) > 1:
                    raise Inconsistent(f"{s} is a member of the disjoint classes {', '.join(sorted(map(str, both)))}")
