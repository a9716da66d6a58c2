"""The compiled OWL RL rules (kg/check/rules.py) entail exactly what owlrl entails, on every input we have."""

from __future__ import annotations

import subprocess
import sys

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg import constants as C
from kg import vocab
from kg.check import infer, rules
from kg.check.prepared import compiled_rules, default_resolver
from kg.map.mapper import map_report
from kg.read.parser import parse_file

from .conftest import FIXTURES, SAMPLE, real_reports

CDO = vocab.CDO


def graph_of(path) -> Graph:
    return map_report(parse_file(path), default_resolver(), path.read_bytes())


def same(g: Graph) -> set:
    fast, slow = set(infer.entailments(g, "compiled")), set(infer.entailments(g, "owlrl"))
    assert fast == slow, (sorted(fast - slow)[:5], sorted(slow - fast)[:5])
    return fast


@pytest.mark.parametrize("path", [SAMPLE, FIXTURES / "2023-11-20-event-report-layout.txt"], ids=lambda p: p.name)
def test_compiled_equals_owlrl_on_our_own_reports(path):
    assert len(same(graph_of(path))) > 100


def test_compiled_equals_owlrl_on_the_real_reports():
    for path in sorted(real_reports().glob("*.txt")):
        assert len(same(graph_of(path))) > 1000


def test_compiled_equals_owlrl_on_a_synthetic_corpus(tmp_path):
    from bench.synth import synthesize
    for path in synthesize(sorted(real_reports().glob("*.txt")), tmp_path, 4, seed=11):
        same(graph_of(path))


def test_every_kind_of_rule_fires():
    e = same(graph_of(SAMPLE))
    preds = {p for _, p, _ in e}
    assert {RDF.type, CDO.agreesWith, CDO.participatedIn, CDO.partOfProcess} <= preds  # types, chains (one inverse step)
    assert any(p in compiled_rules().inverse for p in preds)


def test_disjoint_classes_are_inconsistent_both_ways():
    g = graph_of(SAMPLE)
    event = next(g.subjects(RDF.type, CDO.Meeting))
    g.add((URIRef(C.DATA_NS + "session/x"), CDO.partOfSession, event))  # an event's range says Session: no event is one
    for reasoner in infer.REASONERS:
        with pytest.raises(infer.InferenceError, match="inconsistent"):
            infer.entailments(g, reasoner)


def test_a_functional_property_with_two_values_falls_back_to_owlrl():
    g = graph_of(SAMPLE)
    assert CDO.inParticipation in compiled_rules().functional
    arg = next(g.subjects(RDF.type, CDO.Argument))
    other = next(p for p in g.subjects(RDF.type, CDO.Participation) if p != g.value(arg, CDO.inParticipation))
    g.add((arg, CDO.inParticipation, other))  # owl:sameAs of two participations follows: owlrl's business
    with pytest.raises(rules.NeedsOwlrl):
        compiled_rules().close(set(g))
    same(g)


def test_build_with_either_reasoner_gives_the_same_store(tmp_path):
    dumps = []
    for reasoner in infer.REASONERS:
        root = tmp_path / reasoner
        subprocess.run([sys.executable, "-m", "kg.cli", "build", str(SAMPLE), "--store", str(root), "--reasoner", reasoner],
                       check=True, capture_output=True)
        out = subprocess.run([sys.executable, "-m", "kg.cli", "export", "--store", str(root), "--format", "nquads"],
                             check=True, capture_output=True).stdout
        void = f"<{C.DATA_NS}graph/void> .".encode()  # the dataset's description says when each store was built
        dumps.append(b"".join(line for line in out.splitlines(keepends=True) if not line.rstrip().endswith(void)))
    assert dumps[0] == dumps[1] and len(dumps[0]) > 10_000
