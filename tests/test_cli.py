"""The kg command line: query formats, export, stats, validate exit codes, usage errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import SAMPLE

SHAPES = __import__("pathlib").Path(__file__).parent / "shapes"


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli") / "store"
    res = CliRunner().invoke(main, ["build", str(SAMPLE), "--store", str(root)])
    assert res.exit_code == 0, res.output
    assert "1 built" in res.output and "published" in res.output
    return root


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_query_formats(sample_store):
    q = "SELECT ?name WHERE { ?p cdo:participant ?s . ?s a cdo:State ; skos:prefLabel ?name } ORDER BY ?name"
    table = run("query", q, "--store", sample_store)
    assert table.exit_code == 0 and "Kenya" in table.output and "Viet Nam" in table.output
    js = json.loads(run("query", q, "--store", sample_store, "--format", "json").output)
    assert [b["name"]["value"] for b in js["results"]["bindings"]] == ["Estonia", "Kenya", "Viet Nam"]
    csv = run("query", q, "--store", sample_store, "--format", "csv").output.splitlines()
    assert csv[0].strip() == "name" and len(csv) == 4
    assert run("query", "ASK { state:KEN cdo:holds ?p }", "--store", sample_store).output.strip() == "true"


def test_query_syntax_error_is_usage_error(sample_store):
    res = run("query", "SELECT WHERE {", "--store", sample_store)
    assert res.exit_code == 2 and "syntax error" in res.output


def test_export_one_meeting_as_turtle(sample_store, tmp_path):
    out = tmp_path / "m.ttl"
    res = run("export", "--store", sample_store, "--graph", "2024-12-04-oewg-10th-session-meeting-3", "-o", out)
    assert res.exit_code == 0
    from rdflib import Graph
    g = Graph().parse(out, format="turtle")
    assert 300 < len(g) < 2000
    assert run("export", "--store", sample_store, "--graph", "no-such-meeting").exit_code == 2


def test_stats(sample_store):
    res = run("stats", "--store", sample_store)
    assert res.exit_code == 0
    assert "arguments      6" in res.output and "states         195" in res.output  # Kenya 2, Estonia 1, Viet Nam 2, an expert 1


def test_validate_exit_codes(tmp_path, sample_store):
    assert run("validate", SHAPES / "valid" / "meeting.ttl").exit_code == 0
    bad = run("validate", SHAPES / "invalid" / "ReportShape--bad-hash.ttl")
    assert bad.exit_code == 1 and "ReportShape" in bad.output and "sha256" in bad.output
    junk = tmp_path / "junk.ttl"
    junk.write_text("this is not turtle <<<")
    assert run("validate", junk).exit_code == 2
    whole = run("validate", "--store", sample_store)
    assert whole.exit_code == 0 and "conforms" in whole.output


def test_missing_store_and_paths_are_usage_errors(tmp_path):
    assert run("stats", "--store", tmp_path / "none").exit_code == 2
    assert run("build", tmp_path / "missing.txt", "--store", tmp_path / "s").exit_code == 2


def test_remove(tmp_path):
    root = tmp_path / "s"
    assert run("build", SAMPLE, "--store", root).exit_code == 0
    res = run("remove", SAMPLE.name, "--store", root)
    assert res.exit_code == 0 and "removed" in res.output
    assert "arguments      0" in run("stats", "--store", root).output


def test_query_timeout_stops_a_runaway_and_exits_2(sample_store):
    import subprocess
    import sys
    import time
    t = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "query", "--store", str(sample_store), "--timeout", "1.5",
                           "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "ran longer than 1.5 s and was stopped" in proc.stderr
    assert time.monotonic() - t < 15  # before: no timeout, ten minutes until killed


@pytest.fixture
def listener():
    """A loopback HTTP server that records every request it gets (pyoxigraph would send SERVICE's here)."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from .conftest import free_port
    seen = []

    class Record(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(500)
            self.end_headers()
        do_POST = do_GET

        def log_message(self, *args):
            pass
    server = HTTPServer(("127.0.0.1", free_port()), Record)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql", seen
    server.shutdown()


@pytest.mark.parametrize("query", ["SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
                                   "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
                                   "LOAD <{url}>", "INSERT DATA {{ <urn:a> <urn:b> <urn:c> }}"])
def test_query_refuses_service_load_and_updates_without_a_request(sample_store, listener, query):
    url, seen = listener
    res = run("query", "--store", sample_store, query.format(url=url))
    assert res.exit_code == 2 and "refused" in res.output, res.output
    assert seen == []  # before: the SERVICE query was sent to the URL


def test_query_from_a_file_that_cannot_be_read_exits_2(sample_store, tmp_path):
    (tmp_path / "bad.rq").write_bytes(b"\xff\xfeSELECT")
    for path in (tmp_path / "missing.rq", tmp_path / "bad.rq"):
        res = run("query", "--store", sample_store, f"@{path}")
        assert res.exit_code == 2 and f"{path}: cannot read the query" in res.output, res.output
