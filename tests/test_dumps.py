"""Each graph kept as gzipped Turtle beside the store (kg/dumps.py): the export it makes equals the engine's."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import constants as C
from kg.build import build, remove
from kg.dumps import _without_prefixes, file_name
from kg.export import SERIAL_PREFIXES, export
from kg.store import current_path, open_read_only

from .conftest import SAMPLE


def _triples(data: bytes) -> set:
    return set(ox.parse(data, ox.RdfFormat.TURTLE))


def _both(root: Path, graph: str | None = None) -> tuple[set, set]:
    """The triples of the Turtle export from the files and from the engine."""
    st = open_read_only(root)
    fast, slow = io.BytesIO(), io.BytesIO()
    export(st, fast, "turtle", graph, current_path(root))
    export(st, slow, "turtle", graph)
    return _triples(fast.getvalue()), _triples(slow.getvalue())


@pytest.fixture
def corpus(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLE, src / SAMPLE.name)
    (src / "2024-12-05-another-meeting.txt").write_text(
        SAMPLE.read_text(encoding="utf-8").replace("4 Dec 2024", "5 Dec 2024"), encoding="utf-8")
    return src


def test_export_from_the_files_equals_the_engines_through_every_kind_of_change(corpus, tmp_path):
    root = tmp_path / "store"
    other = C.DATA_NS + "graph/2024-12-05-another-meeting"

    def same():
        fast, slow = _both(root)
        assert fast == slow and len(fast) > 1000
        one_fast, one_slow = _both(root, other) if open_read_only(root).contains_named_graph(ox.NamedNode(other)) else (set(), set())
        assert one_fast == one_slow
        named = {g.value for g in open_read_only(root).named_graphs()}
        assert {f.name for f in (current_path(root) / C.GRAPH_DUMPS).iterdir()} == {file_name(g) for g in named}
    build([corpus], root)
    same()
    sample = corpus / SAMPLE.name
    sample.write_text(sample.read_text(encoding="utf-8").replace("131 words per minute", "97 words per minute"), encoding="utf-8")
    assert len(build([corpus], root).built) == 1
    same()
    assert any(t.object.value == "97" for t in _both(root)[0] if isinstance(t.object, ox.Literal))
    (corpus / "2024-12-05-another-meeting.txt").unlink()
    assert build([corpus], root, prune=True).removed == [other]
    same()
    shutil.copy(SAMPLE, corpus / "2024-12-05-another-meeting.txt")
    (corpus / "2024-12-05-another-meeting.txt").write_text(
        SAMPLE.read_text(encoding="utf-8").replace("4 Dec 2024", "5 Dec 2024"), encoding="utf-8")
    build([corpus], root)
    assert remove(["2024-12-05-another-meeting.txt"], root) == [other]
    same()


def test_a_later_build_never_writes_a_published_generations_files(corpus, tmp_path):
    """Turtle, entries and labels alike: the unchanged graphs' files are links to the same bytes."""
    root = tmp_path / "store"
    build([corpus], root)
    first = current_path(root)
    folders = (C.GRAPH_DUMPS, C.GRAPH_ENTRIES, C.GRAPH_LABELS)
    before = {(d, f.name): f.read_bytes() for d in folders for f in (first / d).iterdir()}
    sample = corpus / SAMPLE.name
    sample.write_text(sample.read_text(encoding="utf-8").replace("131 words per minute", "97 words per minute"), encoding="utf-8")
    build([corpus], root)
    now = current_path(root)
    assert now != first
    assert {(d, f.name): f.read_bytes() for d in folders for f in (first / d).iterdir()} == before
    for d in folders:
        names = sorted(n for k, n in before if k == d)
        linked = [n for n in names if (first / d / n).stat().st_ino == (now / d / n).stat().st_ino]
        assert len(names) >= 2 and len(linked) == len(names) - 1, d  # the replaced report's file is new, the others linked
    changed = [n for (d, n), b in before.items() if d == C.GRAPH_DUMPS and (now / d / n).read_bytes() != b]
    assert len(changed) == 1


def test_graphs_without_a_file_are_exported_by_the_engine(corpus, tmp_path):
    root = tmp_path / "store"
    build([corpus], root)
    files = sorted((current_path(root) / C.GRAPH_DUMPS).iterdir())
    files[0].unlink()  # one graph of a store built before the files existed
    fast, slow = _both(root)
    assert fast == slow
    shutil.rmtree(current_path(root) / C.GRAPH_DUMPS)
    fast, slow = _both(root)
    assert fast == slow


def test_prefix_lines_are_skipped_only_when_they_are_the_headers():
    ours = b"".join(f"@prefix {p}: <{ns}> .\n".encode() for p, ns in reversed(SERIAL_PREFIXES.items()))
    assert _without_prefixes(ours + b"<a> <b> <c> .\n") == b"<a> <b> <c> .\n"
    assert _without_prefixes(b"@prefix ex: <http://example.org/> .\n" + b"ex:a ex:b ex:c .\n") is None
    assert _without_prefixes(ours[: ours.rindex(b"@prefix")] + b"<a> <b> <c> .\n") is None  # one missing


def test_the_same_triples_in_any_order_at_any_time_give_the_same_file(monkeypatch):
    import gzip
    import time

    from kg.dumps import turtle_gz
    lines = [f"<https://w3id.org/cyberdiplo/id/x/{i}> <https://w3id.org/cyberdiplo/ontology#order> \"{i}\" .\n".encode()
             for i in range(50)]
    first = turtle_gz(b"".join(lines))
    later = time.time() + 3600
    monkeypatch.setattr(gzip.time, "time", lambda: later)
    assert turtle_gz(b"".join(reversed(lines))) == first
