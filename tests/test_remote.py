"""kg build --endpoint and kg serve --endpoint against a real Oxigraph server started on loopback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.store.build import build
from kg.store.remote import RemoteError, RemoteStore
from web import create_app, db

from .conftest import MEETING, SAMPLE, free_port, wait_for_port


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    beside = Path(sys.executable).parent / "oxigraph"  # the test extra installs it into the venv
    binary = shutil.which("oxigraph") or (str(beside) if beside.exists() else None)
    if binary is None:
        pytest.skip("the oxigraph server (PyPI package oxigraph) is not installed")
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
                             "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for_port(port)
    yield base
    proc.terminate()
    proc.wait(10)


def test_build_pushes_each_report_graph_and_is_incremental(oxigraph_server, tmp_path, reports_dir):
    remote = RemoteStore(oxigraph_server + "/query")
    first = build([SAMPLE, MEETING], tmp_path / "lock", endpoint=remote)
    assert first.published and len(first.built) == 2
    graphs = {g.value for g in remote.named_graphs()}
    assert {"https://w3id.org/cyberdiplo/id/graph/2025-07-10-oewg-11th-session-meeting-6",
            "https://w3id.org/cyberdiplo/id/graph/reference", "https://w3id.org/cyberdiplo/id/graph/ontology"} <= graphs
    again = build([SAMPLE, MEETING], tmp_path / "lock", endpoint=remote)
    assert not again.published and len(again.skipped) == 2
    q = "SELECT DISTINCT ?c WHERE { ?p cdo:target inst:dtg-international-law ; cdo:stance/skos:broader stance:supports ; cdo:positionOf/cdo:iso3166Alpha3 ?c }"
    from kg import constants as C
    codes = {r["c"].value for r in remote.query(q, prefixes=C.PREFIXES)}
    assert {"EGY", "NGA", "TUN", "KEN"} <= codes


def test_cli_build_and_query_through_the_endpoint(oxigraph_server, tmp_path):
    res = CliRunner().invoke(main, ["build", str(SAMPLE), "--store", str(tmp_path / "lock"), "--endpoint", oxigraph_server + "/query"])
    assert res.exit_code == 0, res.output
    bad = CliRunner().invoke(main, ["build", str(SAMPLE), "--store", str(tmp_path / "lock2"), "--endpoint", "http://127.0.0.1:9/query"])
    assert bad.exit_code == 2 and "remote store" in bad.output


def test_serve_from_the_endpoint_with_the_same_limits(oxigraph_server, tmp_path, reports_dir):
    build([SAMPLE, MEETING], tmp_path / "lock", endpoint=RemoteStore(oxigraph_server + "/query"))
    app = create_app({"ENDPOINT": oxigraph_server + "/query", "QUERY_TIMEOUT": 2.0, "STORE": str(tmp_path / "none")})
    client = app.test_client()
    try:
        assert client.get("/").status_code == 200
        page = client.get("/id/state/NGA").get_data(as_text=True)
        assert "Positions over time" in page and "African Group" in page
        assert client.get("/id/meeting/2025-07-10-oewg-11th-session-meeting-6").status_code == 200
        r = client.get("/sparql", query_string={"query": "SELECT ?c WHERE { ?s cdo:iso3166Alpha3 ?c } ORDER BY ?c LIMIT 2"})
        assert [b["c"]["value"] for b in r.get_json()["results"]["bindings"]] == ["AFG", "AGO"]
        assert client.get("/sparql", query_string={"query": "INSERT DATA { <http://x/a> <http://x/b> 1 }"}).status_code == 403
        assert client.get("/sparql", query_string={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}).status_code == 403
        slow = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
        assert slow.status_code == 503
        assert client.get("/export/meeting/2025-07-10-oewg-11th-session-meeting-6").status_code == 200
        assert b"text/turtle" in client.get("/id/state/VNM.ttl").headers["Content-Type"].encode()
    finally:
        db.reset()


def test_unreachable_endpoint_is_a_clear_error():
    with pytest.raises(RemoteError, match="cannot reach"):
        len(RemoteStore("http://127.0.0.1:9/query", timeout=2))
