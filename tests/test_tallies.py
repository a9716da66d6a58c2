"""Alignment tallies kept per generation (kg/tallies.py) equal what the store counts, through builds,
replacements, --prune and kg remove; the web's pairs and per-state counts read them the same."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg import tallies
from kg.build import build, remove
from kg.store import current_path

from .conftest import SAMPLE
from .test_add_one import _corpus


def _both(root):
    gen = current_path(root)
    kept = tallies.read(gen)
    assert kept is not None, "the build kept no tallies"
    return kept, tallies.of_store(ox.Store.read_only(str(gen)))


def test_kept_tallies_equal_the_stores_counts_through_changes(tmp_path):
    src, root = _corpus(tmp_path), tmp_path / "store"
    files = sorted(src.iterdir())
    steps = [lambda: None,
             lambda: files[0].write_text(files[0].read_text(encoding="utf-8").replace("Kenya", "Ghana"),
                                         encoding="utf-8"),  # the same graph, other actors
             lambda: files[1].rename(src / "renamed.txt"),  # dropped under one name, added under another
             lambda: files[2].unlink()]  # pruned
    for step in steps:
        step()
        assert build([src], root, prune=True).published
        kept, counted = _both(root)
        assert kept == counted and sum(kept.values()) > 0
    assert remove(["renamed.txt"], root)
    kept, counted = _both(root)
    assert kept == counted and sum(kept.values()) > 0
    assert remove([files[0].name], root)
    assert _both(root) == (tallies.Tallies(), tallies.Tallies())


def test_a_generation_without_tallies_is_counted_once_by_the_store(tmp_path):
    src, root = _corpus(tmp_path), tmp_path / "store"
    build([src], root)
    (current_path(root) / tallies.FILE).unlink()  # as an older version left it
    f = min(src.iterdir())
    f.write_text(f.read_text(encoding="utf-8").replace("Kenya", "Ghana"), encoding="utf-8")
    assert build([src], root).published
    kept, counted = _both(root)
    assert kept == counted
    (current_path(root) / tallies.FILE).write_text('{"actors": ["a"], "counts": [0, 0, 1]}', encoding="utf-8")
    assert tallies.read(current_path(root)) is None


def _web_counts(root):
    from web import alignment, create_app
    app = create_app({"STORE": str(root), "ISOLATE_WORKERS": False})
    with app.test_request_context():
        found = [(p.a, p.b, dict(p.counts)) for p in alignment.pairs()]
        states = [(p.a, p.b, dict(p.counts)) for p in alignment.state_pairs()]
        actors = {x for a, b, _ in found for x in (a, b)}
        per_actor = {a: alignment.counts_with(a) for a in actors}
        from_file = alignment.kept() is not None
    return found, states, per_actor, from_file


def test_pages_read_the_same_pairs_from_the_tallies_as_from_the_engine(tmp_path, reports_dir):
    root = tmp_path / "store"
    build([reports_dir, SAMPLE], root)
    kept = _web_counts(root)
    assert kept[3] and kept[0] and kept[1]
    (current_path(root) / tallies.FILE).unlink()
    from web import alignment
    alignment._read.cache_clear()
    alignment._by_actor.cache_clear()
    asked = _web_counts(root)
    assert not asked[3]
    assert kept[:3] == asked[:3]


def test_one_reports_tallies_count_each_argument_once():
    from rdflib import URIRef
    cdo = tallies.CDO
    arg, arg2, me, you, them = (URIRef(f"https://example.org/{x}") for x in ("a1", "a2", "me", "you", "them"))
    triples = {(arg, URIRef(cdo + "madeBy"), me), (arg, URIRef(cdo + "agreeingActor"), you),
               (arg, URIRef(cdo + "mixedActor"), them), (arg2, URIRef(cdo + "madeBy"), me),
               (arg2, URIRef(cdo + "agreeingActor"), you), (URIRef("https://example.org/x"), URIRef(cdo + "agreeingActor"), you)}
    assert tallies.of_triples(triples) == {(str(me), str(you), "agree"): 2, (str(me), str(them), "mixed"): 1}


@pytest.mark.parametrize("kept", ["not json", "[1, 2]", '{"actors": ["m", "o"], "counts": [0, 1, 0, "2"]}',
                                  '{"actors": ["m", "o"], "counts": [0, 1, 7, 2]}', '{"actors": ["m"], "counts": [0, 1, 0, 2]}',
                                  '{"actors": [1, 2], "counts": [0, 1, 0, 2]}', '{"counts": []}'])
def test_damaged_tallies_are_not_trusted(tmp_path, kept):
    (tmp_path / tallies.FILE).write_text(kept, encoding="utf-8")
    assert tallies.read(tmp_path) is None


def test_tallies_read_back_as_written(tmp_path):
    kept = tallies.Tallies({("m", "o", "agree"): 2, ("o", "m", "mixed"): 1, ("m", "x", "disagree"): 5})
    tallies.write(tmp_path, kept)
    assert tallies.read(tmp_path) == kept
