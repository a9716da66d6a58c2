"""Exports another researcher can reuse (issue #25): a meeting's export names what it names with labels, the whole
dump carries its VoID/DCAT description, CSV downloads carry labels beside IRIs, graph IRIs and /ontology
dereference by Accept."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from kg import constants as C
from kg.cli import main
from web import create_app, db

from .conftest import SAMPLE

GRAPH = C.DATA_NS + "graph/2024-12-04-oewg-10th-session-meeting-3"
CDO = C.ONTOLOGY_NS


@pytest.fixture(scope="module")
def store(sample_only_store):
    return sample_only_store


@pytest.fixture
def client(store):
    db.reset()
    yield create_app({"STORE": str(store)}).test_client()
    db.reset()


def exported(store, fmt: str, graph: str | None = "2024-12-04-oewg-10th-session-meeting-3") -> bytes:
    res = CliRunner().invoke(main, ["export", "--store", str(store), "--format", fmt] + (["--graph", graph] if graph else []))
    assert res.exit_code == 0, res.output
    return res.stdout_bytes


@pytest.mark.parametrize("fmt,rdflib_format", [("turtle", "turtle"), ("ntriples", "nt"), ("nquads", "nquads"),
                                                ("trig", "trig"), ("jsonld", "json-ld")])
def test_a_meetings_export_labels_every_state_group_and_term_it_names(store, fmt, rdflib_format):
    data = exported(store, fmt)
    g = Dataset() if rdflib_format in ("nquads", "trig", "json-ld") else Graph()
    g.parse(data=data.decode(), format=rdflib_format)
    triples = set(g.triples((None, None, None))) if isinstance(g, Graph) and not isinstance(g, Dataset) else \
        {(s, p, o) for s, p, o, _ in g.quads((None, None, None, None))}
    labelled = {s for s, p, _ in triples if p in (RDFS.label, SKOS.prefLabel)}
    named = {o for s, p, o in triples if p == URIRef(CDO + "participant")} | {p for _, p, _ in triples if str(p).startswith(CDO)}
    assert URIRef(C.DATA_NS + "state/KEN") in named and not named - labelled, sorted(named - labelled)[:5]


def test_the_whole_dump_carries_its_void_description(store):
    ds = Dataset()
    ds.parse(data=exported(store, "nquads", None).decode(), format="nquads")
    void = ds.graph(URIRef(C.DATA_NS + "graph/void"))
    text = void.serialize(format="nt")
    for needle in ("void#triples", "dcat#Dataset", "terms/license", SAMPLE.name, "terms/modified", GRAPH):
        assert needle in text, needle
    turtle = exported(store, "turtle", None).decode()
    assert "The dataset's VoID and DCAT description" in turtle and Graph().parse(data=turtle, format="turtle")


def test_csv_downloads_carry_labels_beside_iris(client):
    q = "SELECT ?who ?n WHERE { ?p cdo:positionOf ?who . BIND(1 AS ?n) } ORDER BY ?who"
    body = client.get("/sparql", query_string={"query": q, "format": "csv", "labels": "1"}).get_data(as_text=True)
    lines = body.splitlines()
    assert lines[0] == "who,who_label,n" and f"{C.DATA_NS}state/KEN,Kenya,1" in lines
    plain = client.get("/sparql", query_string={"query": q, "format": "csv"}).get_data(as_text=True)
    assert plain.splitlines()[0] == "who,n"  # the protocol's CSV is left as the standard says
    page = client.get("/query", query_string={"query": q}).get_data(as_text=True)
    assert "format=csv&amp;labels=1" in page


def test_graph_iris_and_the_ontology_dereference(client):
    name = GRAPH.rsplit("/", 1)[1]
    html = client.get(f"/id/graph/{name}", headers={"Accept": "text/html"})
    assert html.status_code == 303 and html.headers["Location"].endswith(f"/id/meeting/{name}")
    ttl = client.get(f"/id/graph/{name}", headers={"Accept": "text/turtle"})
    assert ttl.status_code == 200 and ttl.mimetype == "text/turtle" and 'rel="alternate"' in ttl.headers["Link"]
    assert len(Graph().parse(data=ttl.get_data(as_text=True), format="turtle")) > 500
    assert client.get(f"/id/graph/{name}.nt").mimetype == "application/n-triples"
    assert client.get("/id/graph/nothing-here").status_code == 404
    onto = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert onto.mimetype == "text/turtle" and (URIRef(CDO + "Argument"), None, None) in Graph().parse(
        data=onto.get_data(as_text=True), format="turtle")
    assert client.get("/ontology", headers={"Accept": "text/html"}).mimetype == "text/html"
    assert client.get("/ontology", headers={"Accept": "application/ld+json"}).mimetype == "application/ld+json"
