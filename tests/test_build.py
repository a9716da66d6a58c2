"""kg build end to end: queries on the result, incremental and atomic updates, locking, export round trips."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg import constants as C
from kg.check.validate import validate_graph
from kg.export import export
from kg.store.build import build
from kg.store.generations import StoreBusy, build_lock, current_path, open_read_only, report_index

from .conftest import FIXTURES, MEETING, SAMPLE, rows

BACKERS = """
SELECT DISTINCT ?code WHERE {
  ?p cdo:target inst:dtg-international-law ; cdo:direction <https://w3id.org/cyberdiplo/id/direction/for> ;
     cdo:positionOf ?state ; cdo:inEvent ?m .
  ?m cdo:date "2025-07-10"^^xsd:date .
  ?state cdo:iso3166Alpha3 ?code .
}"""


def test_backers_of_a_thematic_group_on_international_law(store):
    # Egypt, Nigeria and Tunisia in their arguments; Colombia in the transcript ("we regret the removal of the group
    # on international law"); Ghana only in the finding that names all five.
    assert {r["code"] for r in rows(store, BACKERS)} == {"EGY", "NGA", "TUN", "COL", "GHA"}


def test_who_agreed_with_the_backers(store):
    q = """SELECT DISTINCT ?code WHERE {
      ?p cdo:target inst:dtg-international-law ; cdo:stance/skos:broader stance:supports ; cdo:derivedFrom ?arg .
      ?arg cdo:agreedWith ?ally . ?ally cdo:iso3166Alpha3 ?code }"""
    assert {"COL", "EGY", "NGA", "TUN"} <= {r["code"] for r in rows(store, q)}


def test_inference_adds_symmetric_agreement_and_inverses(store):
    # Egypt's and Nigeria's arguments are both for the group on international law: they agree, both ways.
    q = "ASK { state:EGY cdo:agreesWith state:NGA . state:NGA cdo:agreesWith state:EGY . state:NGA cdo:holds ?p . state:NGA org:memberOf group:african-group }"
    assert store.query(q, use_default_graph_as_union=True, prefixes=C.PREFIXES)
    noise = "ASK { ?s a owl:Thing }"
    assert not store.query(noise, use_default_graph_as_union=True, prefixes=C.PREFIXES)


def test_each_report_has_its_own_named_graph(built_store, store):
    index = report_index(store)
    assert {name for _, name in index.values()} == {MEETING.name, SAMPLE.name, "2025-07-23-webinar-un-cyber-dialogue.txt"}
    assert all(g.startswith(C.DATA_NS + "graph/") for g in index)


def test_rebuild_of_unchanged_input_publishes_nothing(built_store, reports_dir):
    root, first = built_store
    before = current_path(root)
    again = build([reports_dir, SAMPLE], root)
    assert not again.published and len(again.skipped) == 3 and current_path(root) == before


def _nquads(root: Path) -> list[bytes]:
    st = open_read_only(root)
    out = io.BytesIO()
    st.dump(out, format=ox.RdfFormat.N_QUADS)
    return sorted(out.getvalue().splitlines())


def test_two_builds_of_the_same_input_are_identical(tmp_path):
    build([SAMPLE], tmp_path / "a")
    build([SAMPLE], tmp_path / "b")
    assert _nquads(tmp_path / "a") == _nquads(tmp_path / "b")


def test_changed_report_replaces_only_its_graph_and_prune_drops_removed(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLE, src / SAMPLE.name)
    other = src / "2024-12-05-another-meeting.txt"
    other.write_text(SAMPLE.read_text(encoding="utf-8").replace("4 Dec 2024", "5 Dec 2024"), encoding="utf-8")
    root = tmp_path / "store"
    assert build([src], root).published
    speed = "SELECT ?v WHERE { ?p cdo:speakerLabel 'Kenya' ; cdo:wordsPerMinute ?v ; cdo:inEvent ?m . ?m cdo:date ?d } ORDER BY ?d"
    assert [r["v"] for r in rows(open_read_only(root), speed)] == ["131", "131"]
    (src / SAMPLE.name).write_text(SAMPLE.read_text(encoding="utf-8").replace("131 words per minute", "133 words per minute"), encoding="utf-8")
    result = build([src], root)
    assert [Path(r.path).name for r in result.built] == [SAMPLE.name] and len(result.skipped) == 1
    assert [r["v"] for r in rows(open_read_only(root), speed)] == ["133", "131"]
    other.unlink()
    assert not build([src], root).removed  # removal only with --prune
    pruned = build([src], root, prune=True)
    assert pruned.removed == [C.DATA_NS + "graph/2024-12-05-another-meeting"]
    assert [r["v"] for r in rows(open_read_only(root), speed)] == ["133"]


def test_corrupted_report_among_good_ones_leaves_store_intact(tmp_path, built_store):
    root = tmp_path / "store"
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLE, src / SAMPLE.name)
    build([src], root)
    before_path, before = current_path(root), _nquads(root)
    shutil.copy(MEETING, src / MEETING.name)
    (src / "2025-01-01-broken.txt").write_bytes(SAMPLE.read_bytes()[:1500] + b"\xff\xfe garbage")
    proc = subprocess.run([sys.executable, "-m", "kg", "build", str(src), "--store", str(root)],
                          capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert "2025-01-01-broken.txt:" in proc.stderr and "[file]" in proc.stderr and "not UTF-8" in proc.stderr
    assert current_path(root) == before_path and _nquads(root) == before


def test_a_second_build_is_refused_while_one_holds_the_lock(tmp_path):
    root = tmp_path / "store"
    with build_lock(root):
        with pytest.raises(StoreBusy):
            build([SAMPLE], root)
        proc = subprocess.run([sys.executable, "-m", "kg", "build", str(SAMPLE), "--store", str(root)],
                              capture_output=True, text=True)
        assert proc.returncode == 2 and "another `kg build`" in proc.stderr


def test_a_killed_build_leaves_the_previous_store_usable(tmp_path, reports_dir):
    root = tmp_path / "store"
    build([SAMPLE], root)
    before_path, before = current_path(root), _nquads(root)
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(reports_dir), str(SAMPLE), "--store", str(root),
                             "-j", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while not list(root.glob("tmp-gen-*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert current_path(root) == before_path and _nquads(root) == before
    result = build([SAMPLE, reports_dir], root)  # the next build cleans up and succeeds
    assert result.published and not list(root.glob("tmp-gen-*"))


def test_exported_turtle_reparses_and_conforms(store, built_store):
    out = io.BytesIO()
    export(store, out, "turtle", C.DATA_NS + "graph/2025-07-10-oewg-11th-session-meeting-6")
    data = out.getvalue()
    assert data.startswith(b"@prefix")
    ox_triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    g = Graph().parse(data=data.decode("utf-8"), format="turtle")
    assert len(g) == len(set(ox_triples)) > 3000
    outcome = validate_graph(g)
    assert outcome.conforms, outcome.text()


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nquads", "ntriples", "jsonld"])
def test_whole_store_exports_in_every_format(store, fmt):
    from kg.export import FORMATS
    out = io.BytesIO()
    export(store, out, fmt)
    parsed = list(ox.parse(out.getvalue(), format=FORMATS[fmt].rdf_format))
    assert len(parsed) >= len(store) * (0.5 if FORMATS[fmt].quads else 0.9)


def test_build_and_remove_end_the_process_early_with_all_their_output(tmp_path):
    """`kg build` and `kg remove` end without Python's shutdown (kg.cli.entry): what they print through a
    pipe still arrives whole, their exit codes hold, and what they published is there for the next process."""
    root = tmp_path / "store"
    reports_dir = tmp_path / "in"
    reports_dir.mkdir()
    shutil.copy(FIXTURES / "2023-11-20-event-report-layout.txt", reports_dir)
    names = sorted(p.name for p in reports_dir.glob("*.txt"))

    def kg(*args):
        return subprocess.run([sys.executable, "-m", "kg", *args, "--store", str(root)], capture_output=True, text=True)

    built = kg("build", str(reports_dir), str(SAMPLE))
    assert built.returncode == 0, built.stderr
    lines = built.stdout.splitlines()
    assert len(lines) == len(names) + 3 and lines[-1].startswith(f"{len(names) + 1} built, 0 unchanged")
    assert "published" in lines[-1] and all(any(line.startswith(n[:60]) for line in lines) for n in names)
    assert len(report_index(open_read_only(root))) == len(names) + 1

    gone = kg("remove", SAMPLE.name)
    assert gone.returncode == 0 and gone.stdout.startswith("removed ") and gone.stdout.endswith("\n")
    assert len(report_index(open_read_only(root))) == len(names)
    again = kg("remove", SAMPLE.name)
    assert again.returncode == 2 and "no report in the store has those names" in again.stderr
    refused = kg("build", str(tmp_path / "nowhere"))
    assert refused.returncode == 2 and refused.stderr.startswith("kg: ")
