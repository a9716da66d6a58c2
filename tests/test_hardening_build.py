"""Hardening round two (issue #12), the build side: killed builds, published generations, duplicates, IRIs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.iris import safe_slug
from kg.map.mapper import meeting_slug
from kg.map.resolve import person_iri
from kg.read.parser import parse_file
from kg.store.build import build
from kg.store.generations import current_path

from .conftest import SAMPLE, rows
from .test_hardening import alive, children

KG = [sys.executable, "-m", "kg.cli"]


def variants(folder: Path, n: int) -> list[Path]:
    """Write *n* distinct reports made from the sample: each a later day, so each its own meeting."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SAMPLE.read_text(encoding="utf-8")
    out = []
    for i in range(n):
        day = f"{5 + i:02d}"
        p = folder / f"2024-12-{day}-oewg-10th-session-meeting-3.txt"
        p.write_text(text.replace("4 Dec 2024", f"{int(day)} Dec 2024"), encoding="utf-8")
        out.append(p)
    return out


def test_variants_are_distinct_meetings(tmp_path):
    a, b = variants(tmp_path, 2)
    assert parse_file(a).start.day != parse_file(b).start.day


# -- 5. a killed build must not block the next one ---------------------------------------------------
def test_5_killing_a_build_leaves_no_worker_holding_the_lock(tmp_path):
    src = tmp_path / "in"
    variants(src, 8)
    root = tmp_path / "store"
    proc = subprocess.Popen(KG + ["build", str(src), "--store", str(root), "-j", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and proc.poll() is None:
        workers = [p for p in children(proc.pid) if "spawn" in Path(f"/proc/{p}/cmdline").read_text(errors="replace")]
        if len(workers) >= 2:
            break
        time.sleep(0.05)
    assert workers, "the build started no worker processes"
    proc.kill()  # kill -9 of the main process only
    proc.wait()
    time.sleep(1)
    assert not [p for p in workers if alive(p)], "pool workers outlived the killed build"
    again = subprocess.run(KG + ["build", str(SAMPLE), "--store", str(root)], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr  # before: "another kg build is writing" for minutes


# -- 8. the published generation is never written by a build -----------------------------------------
def _snapshot(folder: Path) -> dict:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns, p.stat().st_ino) for p in folder.iterdir()}


def test_8_a_build_never_writes_a_file_of_the_published_generation(tmp_path):
    src = tmp_path / "in"
    a, b = variants(src, 2)
    b.unlink()
    root = tmp_path / "store"
    assert build([src], root).published
    published = current_path(root)
    before = _snapshot(published)
    variants(src, 2)
    assert build([src], root).published
    assert current_path(root) != published and published.exists()
    assert _snapshot(published) == before  # before the fix: WAL deleted, MANIFEST/CURRENT/OPTIONS rewritten


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to drop to another user")
def test_8_an_unwritable_store_is_a_one_line_error(tmp_path):
    root = tmp_path / "store"
    assert build([SAMPLE], root).published
    os.chmod(tmp_path, 0o755)
    other = variants(tmp_path / "in", 1)[0]
    os.chmod(tmp_path / "in", 0o755)
    os.chmod(other, 0o644)
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *KG, "build", str(other),
                           "--store", str(root)], capture_output=True, text=True,
                          env={**os.environ, "KG_CACHE": str(tmp_path / "no-cache"), "HOME": str(tmp_path)})
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.strip().startswith("kg: cannot write the store")
    assert len(proc.stderr.strip().splitlines()) == 1


# -- 10. duplicates --------------------------------------------------------------------------------
def test_10_the_same_bytes_under_another_name_are_skipped_with_a_message(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLE, src / SAMPLE.name)
    shutil.copy(SAMPLE, src / "2024-12-04-copy-of-the-sample.txt")
    root = tmp_path / "store"
    proc = subprocess.run(KG + ["build", str(src), "--store", str(root)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "same bytes" in proc.stderr and "copy-of-the-sample" in proc.stderr
    from kg.store.generations import open_read_only
    events = rows(open_read_only(root), "SELECT DISTINCT ?e WHERE { ?e a cdo:Meeting }")
    assert len(events) == 1


def test_10_the_same_meeting_twice_is_refused_naming_both_files(tmp_path):
    root = tmp_path / "store"
    assert build([SAMPLE], root).published
    other = tmp_path / "2024-12-04-oewg-meeting-3-other-text.txt"
    other.write_text(SAMPLE.read_text(encoding="utf-8").replace("Chair", "Chairperson", 1), encoding="utf-8")
    proc = subprocess.run(KG + ["build", str(other), "--store", str(root)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert other.name in proc.stderr and SAMPLE.name in proc.stderr and "--allow-duplicate-meetings" in proc.stderr
    ok = subprocess.run(KG + ["build", str(other), "--store", str(root), "--allow-duplicate-meetings"],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr


# -- 11. non-Latin names --------------------------------------------------------------------------
def test_11_names_that_fold_to_nothing_get_distinct_iris():
    assert person_iri("Сергей Иванов") != person_iri("张伟") != person_iri("Сергей Петров")
    assert person_iri("Anna Иванова") != person_iri("Anna Петрова")
    assert person_iri("Anna Иванова") == person_iri("Anna  иванова")  # spelling, not identity, is folded
    assert person_iri("Madeline Murphy Hall") == person_iri("Madeline Murphy-Hall")  # unchanged for Latin names
    assert safe_slug("2025-07-10-名前") != safe_slug("2025-07-10-中文")


def test_11_a_report_naming_two_non_latin_speakers_builds_with_both(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    assert "Jane Doe-Smith" in text and "Vietnam" in text
    # Two speakers whose names fold to the same ASCII ("anna"): before, one participation for both.
    text = text.replace("Jane Doe-Smith", "Anna Иванова").replace("Viet Nam", "Vietnam").replace("Vietnam", "Anna Петрова")
    src = tmp_path / "2024-12-04-oewg-10th-session-meeting-3-名前.txt"
    src.write_text(text, encoding="utf-8")
    root = tmp_path / "store"
    result = build([src], root)
    assert result.published, [r.error for r in result.rejected]
    from kg.store.generations import open_read_only
    names = {r["l"] for r in rows(open_read_only(root), "SELECT ?l WHERE { ?p a cdo:Person ; rdfs:label ?l }")}
    assert {"Anna Иванова", "Anna Петрова"} <= names
    assert meeting_slug(parse_file(src)) != meeting_slug(parse_file(SAMPLE))


# -- 12. FIFOs --------------------------------------------------------------------------------------
def test_12_a_fifo_is_named_as_such(tmp_path):
    fifo = tmp_path / "2024-12-04-fifo.txt"
    os.mkfifo(fifo)
    proc = subprocess.run(KG + ["build", str(fifo), "--store", str(tmp_path / "store")], capture_output=True, text=True)
    assert proc.returncode == 2 and "not a regular file" in proc.stderr
