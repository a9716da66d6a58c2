"""Each graph kept as gzipped Turtle beside the store (kg/store/dumps.py): the export it makes equals the engine's."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import constants as C
from kg.export import SERIAL_PREFIXES, export
from kg.store.build import build, remove
from kg.store.dumps import _without_prefixes
from kg.store.entries import missing
from kg.store.generations import Listing, current_path, open_read_only
from kg.store.pool import Dumps, file_name, per_graph

from .conftest import SAMPLE

DATASET_MODIFIED = (C.DATA_NS + "dataset", "http://purl.org/dc/terms/modified")


def _triples(data: bytes) -> set:
    """The triples of a Turtle export, less the time its generation was published (the VoID description's
    dcterms:modified, known only where the export is given the generation's folder)."""
    return {t for t in ox.parse(data, ox.RdfFormat.TURTLE) if (t.subject.value, t.predicate.value) != DATASET_MODIFIED}


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
        assert Dumps(current_path(root)).present(named) == named
        assert pool(root) == listed(root)  # every file some kept generation lists, and no other
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


def pool(root: Path) -> set[tuple[str, str]]:
    return {(d.name, f.name) for d in (root / C.GRAPH_POOL).iterdir() for f in d.iterdir()}


def listed(root: Path) -> set[tuple[str, str]]:
    """The files the store's generations list."""
    out = set()
    for gen in root.glob("gen-*"):
        if (gen / C.GRAPH_FILES).exists():  # a generation from before the pool keeps its own files
            out |= {(kind, n) for kind, names in json.loads((gen / C.GRAPH_FILES).read_text()).items() for n in names.values()}
    return out


def test_a_later_build_never_writes_a_published_generations_files(corpus, tmp_path):
    """Turtle, entries and labels alike: an unchanged graph's file is the same file in both generations, a
    changed graph's is a new one, and what the first generation lists still holds the bytes it did."""
    root = tmp_path / "store"
    build([corpus], root)
    first = current_path(root)
    kinds = per_graph(first)
    before = {(f.folder, g): f.path(g).read_bytes() for f in kinds for g in f.names}
    inodes = {(f.folder, g): f.path(g).stat().st_ino for f in kinds for g in f.names}
    sample = corpus / SAMPLE.name
    sample.write_text(sample.read_text(encoding="utf-8").replace("131 words per minute", "97 words per minute"), encoding="utf-8")
    build([corpus], root)
    now = current_path(root)
    assert now != first
    assert {(f.folder, g): f.path(g).read_bytes() for f in per_graph(first) for g in f.names} == before
    changed = {}
    for old, new in zip(per_graph(first), per_graph(now)):
        assert set(old.names) == set(new.names) and len(new.names) >= 2, old.folder
        changed[old.folder] = {g for g in new.names if new.names[g] != old.names[g]}
        for g in set(new.names) - changed[old.folder]:
            assert new.path(g).stat().st_ino == inodes[(old.folder, g)]  # the same file, not a copy
    graph = C.DATA_NS + "graph/" + SAMPLE.stem
    assert changed[C.GRAPH_DUMPS] == {graph}  # its Turtle changed; its lists only if what they hold did
    assert changed[C.GRAPH_ENTRIES] <= {graph} and changed[C.GRAPH_LABELS] <= {graph}
    assert pool(root) == listed(root)


def test_the_pool_keeps_what_the_kept_generations_list_and_nothing_else(corpus, tmp_path):
    root = tmp_path / "store"
    build([corpus], root)
    stray = root / C.GRAPH_POOL / C.GRAPH_DUMPS / "0123.abcd.ttl.gz"  # as a killed build leaves one
    stray.write_bytes(b"x")
    (root / "tmp-gen-000099").mkdir()  # with its unpublished generation
    first = listed(root)
    sample = corpus / SAMPLE.name
    for speed in ("97", "98", "99"):
        sample.write_text(sample.read_text(encoding="utf-8").replace("131 words per minute", f"{speed} words per minute")
                          .replace(f"{int(speed) - 1} words per minute", f"{speed} words per minute"), encoding="utf-8")
        build([corpus], root)
        assert pool(root) == listed(root) and not stray.exists()
        assert len(list(root.glob("gen-*"))) == 2
    assert not first <= listed(root)  # the first generation's own Turtle of the sample is gone with it
    assert remove([SAMPLE.name], root) and pool(root) == listed(root)
    sample.write_bytes(sample.read_bytes()[:1500] + b"\xff\xfe")  # a build that fails after writing the good one
    shutil.copy(SAMPLE, corpus / "2024-12-03-a-third-meeting.txt")
    (corpus / "2024-12-03-a-third-meeting.txt").write_text(
        SAMPLE.read_text(encoding="utf-8").replace("4 Dec 2024", "3 Dec 2024"), encoding="utf-8")
    before = pool(root)
    assert build([corpus], root, jobs=1).rejected and pool(root) == before == listed(root)


def test_a_store_from_before_the_pool_is_read_and_moved_on(corpus, tmp_path):
    """A generation that keeps its files in its own folders (the previous layout) is exported and listed from
    them; the next build carries them into the pool once, by hard links, and writes nothing it need not."""
    root = tmp_path / "store"
    build([corpus], root)
    gen = current_path(root)
    expected = as_before_the_pool(gen)
    assert all(f.names is None for f in per_graph(gen))
    assert {(f.folder, g): f.path(g).read_bytes() for f in per_graph(gen) for g in f.present(listing_graphs(gen))} == expected
    fast, slow = _both(root)
    assert fast == slow and len(fast) > 1000
    assert missing(gen, Listing.of_generation(gen).reports) == []

    result = build([corpus], root)  # nothing to convert: the next change publishes the moved files
    assert not result.published and current_path(root) == gen
    (corpus / "2024-12-05-another-meeting.txt").unlink()
    other = C.DATA_NS + "graph/2024-12-05-another-meeting"
    assert build([corpus], root, prune=True).removed == [other]
    now = current_path(root)
    moved = {(f.folder, g): f.path(g).read_bytes() for f in per_graph(now) for g in f.names}
    from kg.iris import inferred_graph
    assert moved == {k: v for k, v in expected.items() if k[1] not in (other, inferred_graph(other))}
    assert all(f.path(g).stat().st_ino == (gen / f.folder / file_name(g, f.suffix)).stat().st_ino
               for f in per_graph(now) for g in f.names)  # linked, not copied
    fast, slow = _both(root)
    assert fast == slow and len(fast) > 1000
    assert pool(root) == listed(root)


def as_before_the_pool(gen: Path, kinds=(C.GRAPH_DUMPS, C.GRAPH_ENTRIES, C.GRAPH_LABELS, C.GRAPH_TEXTS)) -> dict:
    """Lay the (only) generation's files out as the version before the pool did, each kind of *kinds* in its
    own folder (the others dropped); return {(kind, graph): bytes}."""
    expected = {}
    for files in per_graph(gen):
        if files.folder not in kinds:
            continue
        (gen / files.folder).mkdir()
        for g in files.names:
            shutil.copy(files.path(g), gen / files.folder / file_name(g, files.suffix))
            expected[(files.folder, g)] = files.path(g).read_bytes()
    (gen / C.GRAPH_FILES).unlink()
    shutil.rmtree(gen.parent / C.GRAPH_POOL)
    return expected


def listing_graphs(gen: Path) -> list[str]:
    from kg.iris import inferred_graph
    reports = Listing.of_generation(gen).reports
    return [*reports, *map(inferred_graph, reports), C.ONTOLOGY_GRAPH, C.REFERENCE_GRAPH]


def test_graphs_without_a_file_are_exported_by_the_engine(corpus, tmp_path):
    root = tmp_path / "store"
    build([corpus], root)
    dumps = Dumps(current_path(root))
    dumps.path(sorted(dumps.names)[0]).unlink()  # one graph of a store built before the files existed
    fast, slow = _both(root)
    assert fast == slow
    shutil.rmtree(root / C.GRAPH_POOL / C.GRAPH_DUMPS)
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

    from kg.store.dumps import turtle_gz
    lines = [f"<https://w3id.org/cyberdiplo/id/x/{i}> <https://w3id.org/cyberdiplo/ontology#order> \"{i}\" .\n".encode()
             for i in range(50)]
    first = turtle_gz(b"".join(lines))
    later = time.time() + 3600
    monkeypatch.setattr(gzip.time, "time", lambda: later)
    assert turtle_gz(b"".join(reversed(lines))) == first


def test_the_collector_is_held_while_files_are_read_and_comes_back_after():
    """kg.store.pool.gc_paused: held while any reader is inside (readers overlap: the lists' thread and a search),
    back when the last one leaves, even through an error."""
    import gc

    from kg.store.pool import gc_paused
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("a damaged file")
    assert gc.isenabled()
