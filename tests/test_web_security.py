"""Hardening of the web app: no outbound requests, read-only, bounded in time and size, inert rendering."""

from __future__ import annotations

import socket
import threading
import time

import pyoxigraph as ox
import pytest

from kg import constants as C
from kg.store.build import build
from kg.store.generations import NewGeneration
from web import create_app, db
from web.sparql import limiter

from .conftest import SAMPLE


class Listener:
    """A loopback TCP listener that counts every connection made to it (the SSRF oracle)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self):
        self.stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    """A store from a report with markup in its text, plus a node linking to javascript:/data: IRIs."""
    root = tmp_path_factory.mktemp("hostile") / "store"
    src = tmp_path_factory.mktemp("hostile-in") / "2024-12-04-hostile.txt"
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "Opposition to restoring the thematic group on international law",
        'Opposition to <script>alert(1)</script> and "><img src=x onerror=alert(2)>')
    src.write_text(text, encoding="utf-8")
    result = build([src], root)
    assert result.published, [r.error for r in result.rejected]
    gen = NewGeneration(root)
    node = ox.NamedNode(C.DATA_NS + "state/EST")
    link = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
    for bad in ("javascript:alert(3)", "JaVaScRiPt:alert(4)", "data:text/html,%3Cb%3Ex", "vbscript:msgbox(5)",
                "https://example.org/fine"):
        gen.store.add(ox.Quad(node, link, ox.NamedNode(bad), ox.NamedNode(C.DATA_NS + "graph/hostile-extra")))
    gen.store.add(ox.Quad(node, link, ox.Literal(" javascript:alert(6)"), ox.NamedNode(C.DATA_NS + "graph/hostile-extra")))
    gen.publish()
    return root


@pytest.fixture(scope="module")
def app(hostile_store):
    application = create_app({"STORE": str(hostile_store), "QUERY_TIMEOUT": 2.0, "ROW_CAP": 100, "PER_CLIENT": 2})
    yield application
    db.reset()


@pytest.fixture()
def client(app):
    return app.test_client()


def disguises(port: int) -> list[str]:
    url = f"<http://127.0.0.1:{port}/sparql>"
    return [
        f"SELECT * WHERE {{ SERVICE {url} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x a cdo:Report OPTIONAL {{ SERVICE SILENT {url} {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE {url} {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE {url} {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE {url} {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE {url} {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ VALUES ?ep {{ {url} }} SERVICE ?ep {{ ?s ?p ?o }} }}",
        f"select * where {{ sErViCe {url} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE {url} {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE {url} {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE {url} {{ ?s ?p ?o }} }}",
    ]


def test_service_in_every_disguise_is_refused_without_a_connection(client):
    oracle = Listener()
    try:
        for q in disguises(oracle.port):
            for r in (client.get("/sparql", query_string={"query": q}),
                      client.post("/sparql", data=q.encode(), content_type="application/sparql-query")):
                assert r.status_code == 403, (q, r.data)
                assert "SERVICE" in r.get_json()["error"]
        time.sleep(0.3)
        assert oracle.hits == 0
    finally:
        oracle.close()


def test_the_oracle_does_count_connections():
    oracle = Listener()
    try:
        socket.create_connection(("127.0.0.1", oracle.port)).close()
        time.sleep(0.3)
        assert oracle.hits == 1
    finally:
        oracle.close()


@pytest.mark.parametrize("update", ["INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", "DELETE WHERE { ?s ?p ?o }",
                                    "CLEAR ALL", "DROP ALL", "LOAD <http://127.0.0.1:9/x.ttl>",
                                    "CREATE GRAPH <http://x/g>"])
def test_updates_are_refused_however_sent(client, app, update):
    with app.app_context():
        before = len(db.store())
    for r in (client.get("/sparql", query_string={"query": update}),
              client.get("/sparql", query_string={"update": update}),
              client.post("/sparql", data={"query": update}),
              client.post("/sparql", data={"update": update}),
              client.post("/sparql", data=update.encode(), content_type="application/sparql-update")):
        assert r.status_code in (400, 403, 415), r.data
        assert r.status_code != 200
    with app.app_context():
        assert len(db.store()) == before


def test_from_clauses_read_no_files_or_urls(client, tmp_path):
    secret = tmp_path / "secret.ttl"
    secret.write_text("<http://secret/s> <http://secret/p> <http://secret/o> .")
    oracle = Listener()
    try:
        for q in (f"SELECT * FROM <file://{secret}> WHERE {{ ?s ?p ?o }}",
                  f"SELECT * FROM NAMED <http://127.0.0.1:{oracle.port}/x.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"):
            r = client.get("/sparql", query_string={"query": q})
            assert r.status_code == 200  # answered from our own graphs only
            assert b"http://secret/" not in r.data
        time.sleep(0.3)
        assert oracle.hits == 0
    finally:
        oracle.close()


def test_runaway_query_is_stopped_and_the_next_one_answers(client):
    start = time.monotonic()
    r = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    took = time.monotonic() - start
    assert r.status_code == 503 and r.is_json and "stopped" in r.get_json()["error"]
    assert r.headers["Retry-After"]
    assert took < 2.0 + 2.0
    t = time.monotonic()
    ok = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert ok.status_code == 200 and ok.get_json()["boolean"] is True and time.monotonic() - t < 1.5


def test_regex_blowup_is_bounded(client):
    q = 'SELECT * WHERE { BIND("aaaaaaaaaaaaaaaaaaaaaaaaaaaa!" AS ?x) FILTER regex(?x, "^(a+)+$") }'
    start = time.monotonic()
    r = client.get("/sparql", query_string={"query": q})
    assert r.status_code in (200, 503) and time.monotonic() - start < 4


def test_row_cap_is_applied_and_visible(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    body = r.get_json()
    assert len(body["results"]["bindings"]) == 100 and body["truncated"] is True
    assert r.headers["X-Result-Truncated"].startswith("true")
    page = client.get("/query", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert b"truncated at 100" in page.data


def test_request_size_limits(client):
    huge = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 1_000_000
    assert client.get("/sparql", query_string={"query": huge}).status_code in (413, 414)
    assert client.post("/sparql", data=huge.encode(), content_type="application/sparql-query").status_code == 413
    assert client.post("/sparql", data={"query": huge}).status_code == 413


def test_pathological_nesting_is_400(client):
    q = "SELECT * WHERE " + "{ " * 300 + "?s ?p ?o" + " }" * 300
    r = client.get("/sparql", query_string={"query": q})
    assert r.status_code == 400 and r.is_json


def test_per_client_concurrency_limit_answers_429(client, app):
    with limiter.slot("127.0.0.1", 10), limiter.slot("127.0.0.1", 10):
        r = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert r.status_code == 429 and r.headers["Retry-After"]
        other = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, environ_base={"REMOTE_ADDR": "127.0.0.9"})
        assert other.status_code == 200
    assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_markup_in_labels_is_escaped(client):
    for url in ("/id/meeting/2024-12-04-hostile/argument/3", "/id/meeting/2024-12-04-hostile", "/search?q=opposition"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_only_http_iris_become_links(client):
    html = client.get("/id/state/EST").get_data(as_text=True)
    for bad in ("javascript:alert(3)", "JaVaScRiPt:alert(4)", "data:text/html", "vbscript:msgbox(5)"):
        assert f'href="{bad}' not in html and f"href='{bad}" not in html
        assert bad.split("(")[0].split(",")[0] in html  # shown, as inert text
    assert "example.org%2Ffine" in html  # the https IRI is a link (browsed here, never redirected to)
    assert 'href=" javascript' not in html


def test_crlf_in_a_requested_iri_cannot_inject_a_header(client):
    r = client.get("/resource?iri=http://x/a%0d%0aSet-Cookie:%20evil=1")
    assert r.status_code == 400 and "Set-Cookie" not in r.headers
    r = client.get("/id/state/VNM%0d%0aSet-Cookie:%20evil=1")
    assert "Set-Cookie" not in r.headers and r.status_code in (400, 404)


def test_no_open_redirect_and_no_debug(client, app):
    r = client.get("/resource?iri=https://evil.example/")
    assert r.status_code == 404 and "Location" not in r.headers
    assert client.get("/console").status_code == 404
    assert app.debug is False


def test_sparql_results_are_never_html(client):
    r = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { BIND('<b>x</b>' AS ?x) }"}, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.mimetype != "text/html" and r.headers["X-Content-Type-Options"] == "nosniff"
