"""Alignment tallies kept per generation (kg/store/tallies.py): equal to what the store counts (through every kind
of change: tests/test_add_one.py), read the same by the web's pairs and per-state counts, damage refused."""

from __future__ import annotations

import json

import pytest

from kg.store import tallies
from kg.store.build import build
from kg.store.generations import current_path

from .conftest import SAMPLE
from .test_add_one import _corpus, _tallies


def test_a_generation_without_tallies_is_counted_once_by_the_store(tmp_path):
    src, root = _corpus(tmp_path), tmp_path / "store"
    build([src], root)
    (current_path(root) / tallies.FILE).unlink()  # as an older version left it
    f = min(src.iterdir())
    f.write_text(f.read_text(encoding="utf-8").replace("Kenya", "Ghana"), encoding="utf-8")
    assert build([src], root).published
    kept, counted = _tallies(root)
    assert kept == counted
    (current_path(root) / tallies.FILE).write_text('{"actors": ["a"], "keys": "", "counts": "AQ=="}', encoding="utf-8")
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


def _damaged():
    import base64
    from array import array

    def b64(kind, values):
        return base64.b64encode(array(kind, values).tobytes()).decode()
    def kept(actors, keys, counts):
        return json.dumps({"actors": actors, "keys": b64("Q", keys), "counts": b64("q", counts)})
    one = (0 << 22) | (1 << 2) | 0  # maker 0, listed actor 1, agree
    return ["not json", "[1, 2]", '{"counts": []}',
            kept(["m", "o"], [one], [1, 2]),  # lengths differ
            kept(["m"], [one], [2]),  # no actor 1
            kept(["m", "o"], [one | 3], [2]),  # no kind 3
            kept(["m", "o"], [one, one], [2, 2]),  # a key repeated
            kept(["m", "o"], [one], [0]),  # nothing counted
            '{"actors": ["m", "o"], "keys": "not base64!", "counts": ""}',
            kept([1, 2], [], [])]


@pytest.mark.parametrize("kept", _damaged())
def test_damaged_tallies_are_not_trusted(tmp_path, kept):
    (tmp_path / tallies.FILE).write_text(kept, encoding="utf-8")
    assert tallies.read(tmp_path) is None


def test_kept_tallies_change_as_counters_do(tmp_path):
    """Random additions and removals of report tallies, kept packed and as a plain Counter."""
    import random
    rng = random.Random(5)
    actors = [f"https://example.org/{i}" for i in range(12)]
    kept, reference = tallies.Kept(), tallies.Tallies()
    added = []
    for step in range(400):
        if added and rng.random() < 0.4:
            t = added.pop(rng.randrange(len(added)))
            kept.add(t, -1)
            reference.subtract(t)
        else:
            t = tallies.Tallies({(rng.choice(actors), rng.choice(actors), rng.choice(tallies.KINDS)): rng.randint(1, 3)
                                 for _ in range(rng.randint(1, 6))})
            added.append(t)
            kept.add(t)
            reference.update(t)
        if step % 50 == 0:
            kept.write(tmp_path)
            kept = tallies.Kept.read(tmp_path)
        assert kept.tallies() == +reference
    assert list(kept.keys) == sorted(kept.keys)


def test_tallies_read_back_as_written(tmp_path):
    kept = tallies.Tallies({("m", "o", "agree"): 2, ("o", "m", "mixed"): 1, ("m", "x", "disagree"): 5})
    tallies.Kept.of(kept).write(tmp_path)
    assert tallies.read(tmp_path) == kept


def test_one_events_pairs_are_what_the_plain_query_counts(tmp_path, reports_dir):
    """A meeting page counts its event's pairs with a UNION (fast); the VALUES form is the reference."""
    from web import alignment, create_app
    root = tmp_path / "store"
    build([reports_dir, SAMPLE], root)
    app = create_app({"STORE": str(root), "ISOLATE_WORKERS": False})
    with app.test_request_context():
        from web import db
        events = [r["e"].value for r in db.query("SELECT DISTINCT ?e WHERE { ?a cdo:inEvent ?e ; a cdo:Argument }")]
        assert len(events) == 3
        for e in events:
            plain = {(r["maker"].value, r["other"].value, r["kind"].value): int(r["n"].value) for r in db.query(
                f"""SELECT ?maker ?other ?kind (COUNT(DISTINCT ?arg) AS ?n) WHERE {{ ?arg cdo:inEvent <{e}> .
                ?arg cdo:madeBy ?maker . {alignment.KIND_VALUES} ?arg ?p ?other . }} GROUP BY ?maker ?other ?kind""")}
            assert alignment._counted(e) == plain and plain, e
