"""Adding reports to a built store: hashes remembered between builds (kg/store/hashes.py), the generation closed before it is published."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from kg import constants as C
from kg.store import hashes
from kg.store.build import build
from kg.store.generations import open_read_only

from .conftest import SAMPLE


@pytest.fixture
def counted(monkeypatch):
    """Count the files hashed from their bytes."""
    read = []
    real = hashes.sha256_of
    monkeypatch.setattr(hashes, "sha256_of", lambda p: read.append(p.name) or real(p))
    return read


def _corpus(tmp_path, age: float = 3600):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        f = src / f"2024-12-0{i + 4}-meeting-{i}.txt"
        f.write_text(SAMPLE.read_text(encoding="utf-8").replace("4 Dec 2024", f"{i + 4} Dec 2024"), encoding="utf-8")
        os.utime(f, (time.time() - age, time.time() - age))
    return src


def test_an_unchanged_corpus_is_not_read_again(tmp_path, counted):
    src, root = _corpus(tmp_path), tmp_path / "store"
    assert len(build([src], root).built) == 3 and len(counted) == 3
    counted.clear()
    again = build([src], root)
    assert not again.built and len(again.skipped) == 3 and counted == []


def test_a_file_changed_to_the_same_size_is_hashed_and_rebuilt(tmp_path, counted):
    src, root = _corpus(tmp_path), tmp_path / "store"
    build([src], root)
    f = sorted(src.iterdir())[0]
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("131 words per minute", "133 words per minute"), encoding="utf-8")
    assert f.stat().st_size == len(text.encode())
    os.utime(f, (time.time() - 60, time.time() - 60))  # an older time than now, but not the one remembered
    counted.clear()
    result = build([src], root)
    assert counted == [f.name] and [r.path for r in result.built] == [str(f)]


def test_a_file_written_just_now_is_not_remembered(tmp_path, counted, monkeypatch):
    monkeypatch.setattr(hashes, "RACY_SECONDS", 600.0)  # "just now" however slow the machine is
    src, root = _corpus(tmp_path, age=7200), tmp_path / "store"
    fresh = sorted(src.iterdir())[1]
    os.utime(fresh)  # modified now: a change in the same clock tick could keep its size and time
    build([src], root)
    counted.clear()
    build([src], root)
    assert counted == [fresh.name]


def test_a_damaged_hash_file_only_costs_reading_the_files(tmp_path, counted):
    src, root = _corpus(tmp_path), tmp_path / "store"
    build([src], root)
    first = sorted(src.iterdir())[0]
    st = first.stat()
    stamp = f"{st.st_size}, {st.st_mtime_ns}, {st.st_ino}"
    for damage in ("{not json", "[1, 2]", '{"%s": [1, 2, 3, "short"]}' % first.resolve(),
                   '{"%s": [%s]}' % (first.resolve(), stamp), '{"%s": [%s, 7]}' % (first.resolve(), stamp)):
        (root / C.FILE_HASHES).write_text(damage, encoding="utf-8")
        counted.clear()
        result = build([src], root)
        assert not result.built and len(result.skipped) == 3 and len(counted) == 3


def test_a_moved_file_is_hashed_at_its_new_path(tmp_path, counted):
    src, root = _corpus(tmp_path), tmp_path / "store"
    build([src], root)
    moved = tmp_path / "elsewhere"
    shutil.copytree(src, moved)
    for f in moved.iterdir():
        os.utime(f, (time.time() - 3600, time.time() - 3600))
    counted.clear()
    assert not build([moved], root).built and len(counted) == 3


def test_publish_closes_the_generation_before_moving_it(tmp_path, monkeypatch):
    """Nothing but the generation may hold its store when it is published: dropping that reference closes
    it, and a store closed after its folder was renamed cost a second and wrote into a folder that had moved."""
    import sys

    from kg.store import generations as S
    held = []
    real = S.NewGeneration.publish

    def publish(self):
        held.append(sys.getrefcount(self.store) - 1)  # minus getrefcount's own argument
        return real(self)
    monkeypatch.setattr(S.NewGeneration, "publish", publish)
    src, root = _corpus(tmp_path), tmp_path / "store"
    build([src], root)
    (sorted(src.iterdir())[0]).unlink()
    build([src], root, prune=True)  # the stale graph is dropped before the writer lets go
    assert held == [1, 1]


def _listings(root):
    """The current generation's listing as written by the build, and as its store says."""
    import pyoxigraph as ox

    from kg.store.generations import Listing, current_path, graph_sizes
    gen = current_path(root)
    assert (gen / C.REPORTS_LIST).is_file()
    written, st = Listing.of_generation(gen), ox.Store.read_only(str(gen))
    sizes = graph_sizes(st)
    assert written.sizes == sizes and sum(sizes.values()) == len(st) and len(sizes) == 2 * len(written.reports) + 2  # each report: its graph and its entailments
    written.sizes = None  # compared above; the store's listing has none (counting them is what they spare)
    return written, Listing.of_store(st)


def _tallies(root):
    """The current generation's alignment tallies as kept by the build, and as its store counts them."""
    import pyoxigraph as ox

    from kg.store import tallies
    from kg.store.generations import current_path
    gen = current_path(root)
    kept = tallies.read(gen)
    assert kept is not None, "the build kept no tallies"
    return kept, tallies.of_store(ox.Store.read_only(str(gen)))


def test_what_a_build_keeps_beside_the_store_says_what_the_store_says(tmp_path):
    """The listing (reports.json), the alignment tallies (alignment.json), the pages' entries (entries/) and
    the search's labels (labels/) through every kind of change."""
    from kg.store.build import remove

    from .test_entries import kept_labels, kept_lists, store_labels, store_lists
    src, root = _corpus(tmp_path), tmp_path / "store"
    files = sorted(src.iterdir())

    def edit(f, old, new):
        return lambda: f.write_text(f.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    steps = [(lambda: None, 3),
             (edit(files[0], "131 words", "137 words"), 3),  # the same graph, other bytes
             (edit(files[0], "Kenya", "Ghana"), 3),  # the same graph, other actors
             (lambda: files[1].rename(src / "renamed.txt"), 3),  # the same meeting under another file name
             (edit(files[2], "6 Dec 2024", "9 Dec 2024"), 3),  # another meeting: its graph replaces the old one
             (lambda: (src / "renamed.txt").unlink(), 2)]  # pruned
    for step, reports in steps:
        step()
        result = build([src], root, prune=True)
        assert result.published, [r.error for r in result.rejected]
        written, stored = _listings(root)
        assert written == stored and len(written.reports) == reports and len(written.meetings) == reports
        assert written.reference is not None
        kept, counted = _tallies(root)
        assert kept == counted and sum(kept.values()) > 0
        lists = kept_lists(root)
        assert lists == store_lists(open_read_only(root)) and len(lists["held"]) > 3
        assert kept_labels(root) == store_labels(open_read_only(root))
    assert remove([files[0].name], root)
    written, stored = _listings(root)
    assert written == stored and len(written.reports) == 1
    assert _tallies(root)[0] == _tallies(root)[1]
    assert kept_lists(root) == store_lists(open_read_only(root))
    assert remove([files[2].name], root)
    assert _listings(root)[0].reports == {} and _tallies(root) == ({}, {})
    assert kept_lists(root) == store_lists(open_read_only(root)) == {k: {} for k in store_lists(open_read_only(root))}
    assert kept_labels(root) == store_labels(open_read_only(root))


def test_adding_a_report_reads_the_listing_not_the_store(tmp_path, monkeypatch):
    from kg.store.generations import Listing, current_path
    asked = []
    real = Listing.of_store.__func__
    monkeypatch.setattr(Listing, "of_store", classmethod(lambda cls, st: asked.append(1) or real(cls, st)))
    src, root = _corpus(tmp_path), tmp_path / "store"
    first = min(src.iterdir())
    held = first.read_text(encoding="utf-8")
    first.unlink()
    build([src], root)
    asked.clear()
    first.write_text(held, encoding="utf-8")
    assert len(build([src], root).built) == 1 and asked == []
    damages = (None, "{not json", '{"reference": "x", "reports": {"g": ["only a hash"]}, "meetings": {}}')
    for rate, damage in zip((132, 133, 134), damages):
        listing = current_path(root) / C.REPORTS_LIST
        if damage is None:
            listing.unlink()
        else:
            listing.write_text(damage, encoding="utf-8")
        first.write_text(held.replace("131 words", f"{rate} words"), encoding="utf-8")
        asked.clear()
        result = build([src], root)
        assert len(result.built) == 1 and not result.rejected and asked == [1]  # asked the store instead
        written, stored = _listings(root)
        assert written == stored and len(written.reports) == 3


def test_report_files_are_found_as_rglob_finds_them(tmp_path):
    """find_reports walks folders with scandir; the files and their order must be rglob's."""
    from kg.store.build import find_reports
    top = tmp_path / "top"
    for rel in ("b.txt", "a b/c.txt", "a/d.txt", "a/z/e.txt", "A.txt", ".hidden.txt", "README.txt", "readme.TXT",
                "notes.md", "x.TXT", "a-b.txt"):
        (top / rel).parent.mkdir(parents=True, exist_ok=True)
        (top / rel).write_text("x", encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    (other / "o.txt").write_text("x", encoding="utf-8")
    (top / "linked-folder").symlink_to(other, target_is_directory=True)  # not followed, as rglob does not
    (top / "linked.txt").symlink_to(other / "o.txt")  # followed: the same file as other/o.txt
    (top / "dangling.txt").symlink_to(tmp_path / "nothing")
    os.mkfifo(top / "pipe.txt")
    expected = [f for f in sorted(top.rglob("*.txt")) if f.is_file() and f.name.lower() != "readme.txt"]
    assert find_reports([top]) == expected and top / "a b" / "c.txt" in expected
    both = find_reports([top, other, top / "b.txt"])  # each file once, under the first name it was given
    assert both == expected
    assert find_reports([other, top]) == [other / "o.txt"] + [f for f in expected if f.name != "linked.txt"]


@pytest.mark.parametrize("new_name", ["renamed.txt", "meeting-0.txt"])  # the second keeps its graph IRI
def test_a_renamed_report_built_with_prune_replaces_its_old_name(tmp_path, new_name):
    import pyoxigraph as ox

    from kg.store.generations import open_read_only, report_index
    src, root = _corpus(tmp_path), tmp_path / "store"
    build([src], root)
    old = min(src.iterdir())
    assert old.name == "2024-12-04-meeting-0.txt"
    old.rename(src / new_name)
    skipped = build([src], root)  # without --prune the old name stays: the same bytes are not stored twice
    assert not skipped.published and len(skipped.skipped) == 3
    result = build([src], root, prune=True)
    assert result.published and not result.rejected, [r.error for r in result.rejected]
    names = sorted(name for _, name in report_index(open_read_only(root)).values())
    assert names == sorted(f.name for f in src.iterdir())
    graphs = {r.graph_iri for r in result.built}
    st = open_read_only(root)
    assert all(st.contains_named_graph(ox.NamedNode(g)) for g in graphs) and not graphs & set(result.removed)
    from kg.store.generations import current_path
    from kg.store.pool import Dumps
    assert all(Dumps(current_path(root)).path(g) is not None for g in graphs)
