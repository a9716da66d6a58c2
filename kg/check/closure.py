"""Close a graph under OWL RL with owlrl, under a time and size budget; the closure of the ontology and reference
data, kept on disk (the reference path the compiled rules are held to, and what a report's entailments are
measured against). Imports nothing that reads kg/check/prepared.py, which is made from this module."""

from __future__ import annotations

import time
from functools import lru_cache

from rdflib import Graph, URIRef

from kg import constants as C
from kg import vocab
from kg.vocab import OWL, RDF


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
