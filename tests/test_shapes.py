"""Shape tests as data: valid fixtures conform; each invalid fixture makes the shape it is named for fire."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from kg import constants as C
from kg import vocab
from kg.check.validate import SH, checks, validate_graph

HERE = Path(__file__).parent / "shapes"
VALID = sorted((HERE / "valid").glob("*.ttl"))
INVALID = sorted((HERE / "invalid").glob("*.ttl"))


def load(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(path):
    outcome = validate_graph(load(path))
    assert outcome.conforms, outcome.text()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_breaks_its_rule(path):
    shape = path.stem.split("--")[0]
    outcome = validate_graph(load(path))
    assert not outcome.conforms
    fired = {p.source for p in outcome.violations}
    helpers = {"TopicConceptShape": {"ArgumentShape", "FindingShape"}, "StanceConceptShape": {"PositionShape"},
               "StatusConceptShape": {"InstrumentShape"}}
    assert shape in fired or fired & helpers.get(shape, set()), (shape, outcome.text())


def test_every_shape_and_check_has_an_invalid_fixture():
    shapes = {str(s).rsplit("#", 1)[-1] for s in vocab.shapes_graph().subjects(RDF.type, SH.NodeShape)}
    names = shapes | {name for name, _ in checks()}
    covered = {p.stem.split("--")[0] for p in INVALID}
    assert names - covered == set(), f"no invalid fixture makes these fire: {sorted(names - covered)}"
    assert covered - names == set(), f"fixtures named for no shape: {sorted(covered - names)}"


def test_checks_are_files_named_for_violations():
    assert {p.name for p in C.CHECKS_DIR.glob("*.rq")} == {n + ".rq" for n, _ in checks()}


def test_the_check_store_is_made_again_and_answers_the_same():
    """A long build runs the checks thousands of times in one worker: the store they run in is made
    again every RENEW_AFTER runs (removed reports left their strings behind: 0.8 MiB a report), and a
    renewed store finds what the old one found, with nothing of earlier reports left in it."""
    from kg.check import validate
    checker = validate._CheckStore()
    bad = load(HERE / "invalid" / "alignment-misread-violation--maker-agrees-with-itself.ttl")
    good = load(VALID[0])
    first, size = checker.store, len(checker.store)
    found = [sorted(map(str, checker.run(bad if i % 2 else good))) for i in range(2 * checker.RENEW_AFTER + 1)]
    assert checker.store is not first and len(checker.store) == size
    assert found[1] and all(f == found[1] for f in found[1::2]) and not any(found[0::2])
