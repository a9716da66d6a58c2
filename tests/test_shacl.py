"""The compiled validator (kg/check/shacl.py, with the checks in pyoxigraph) gives pySHACL's results: on every
shape fixture, on the sample and our layout fixture, on the real reports, and on graphs corrupted at
random. pySHACL is the reference; `kg build --validator pyshacl` uses it."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph

from bench.engines import mapped, verdict
from bench.synth import corrupt
from kg.check.validate import _compiled, validate_graph

from .conftest import FIXTURES, SAMPLE, real_reports

SHAPES = Path(__file__).parent / "shapes"
FIXTURE_FILES = sorted((SHAPES / "valid").glob("*.ttl")) + sorted((SHAPES / "invalid").glob("*.ttl"))


def results(outcome) -> Counter:
    """What a validation says (bench.engines.verdict: the bench compares engines by the same key)."""
    return verdict(outcome.problems)


def same(g: Graph) -> tuple[Counter, Counter]:
    return results(validate_graph(g)), results(validate_graph(g, validator="pyshacl"))


def test_the_project_shapes_compile():
    assert _compiled() is not None  # else every build would quietly take pySHACL's slower path


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.parent.name + "/" + p.stem)
def test_same_results_on_every_shape_fixture(path):
    compiled, reference = same(Graph().parse(path, format="turtle"))
    assert compiled == reference


@pytest.mark.parametrize("path", [SAMPLE, FIXTURES / "2023-11-20-event-report-layout.txt"], ids=lambda p: p.stem)
def test_same_results_on_our_reports(path):
    compiled, reference = same(mapped(path))
    assert compiled == reference


def test_same_results_on_the_real_reports():
    for path in sorted(real_reports().glob("*.txt")):
        compiled, reference = same(mapped(path))
        assert compiled == reference, path.name


def test_same_results_on_randomly_corrupted_graphs():
    rng = random.Random(20261125)
    base = mapped(SAMPLE)
    differing, fired = [], 0
    for _ in range(40):
        g = corrupt(base, rng)
        compiled, reference = same(g)
        fired += bool(reference)
        if compiled != reference:
            differing.append((compiled - reference, reference - compiled))
    assert not differing, differing[:3]
    assert fired >= 20  # the corruptions do break rules, so the comparison means something
