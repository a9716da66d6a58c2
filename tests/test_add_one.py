"""Adding reports to a built store: hashes remembered between builds (kg/hashes.py), the generation closed before it is published."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from kg import constants as C
from kg import hashes
from kg.build import build

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

    from kg import store as S
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
