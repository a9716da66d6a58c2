"""Pages, search and exports over data the converter never makes: a remote store (`kg serve --endpoint`)
or a store written by other tools may hold anything SPARQL allows. Each page answers, none fails."""

from __future__ import annotations

import json
import os

import pyoxigraph as ox
import pytest

from kg import constants as C

CDO, RDF_TYPE = C.ONTOLOGY_NS, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
ODD = C.DATA_NS + "odd/"


@pytest.fixture(scope="module")
def odd_store(tmp_path_factory):
    """The sample's store with odd statements about a few entities added to its generation."""
    from kg.store.build import build
    root = tmp_path_factory.mktemp("odd") / "store"
    assert build([C.ROOT / "samples"], root).published
    st = ox.Store(os.path.realpath(root / "current"))
    g, n, lit = ox.NamedNode(C.DATA_NS + "graph/odd"), ox.NamedNode, ox.Literal
    a, b, c, blank = n(ODD + "a"), n(ODD + "b"), n(ODD + "c"), ox.BlankNode()
    for s, p, o in [
        (a, n(RDF_TYPE), lit("a literal where a class belongs")), (a, n(RDF_TYPE), blank),
        (a, n(RDF_TYPE), n(CDO + "Argument")), (a, n(CDO + "order"), lit("²")), (a, n(CDO + "order"), lit("12")),
        (a, n(CDO + "inEvent"), lit("not an event")), (a, n(CDO + "title"), lit("10²")),
        (a, n("http://www.w3.org/2000/01/rdf-schema#label"), lit("\u202eétiquette\u0301 < & >", language="fr")),
        (a, n(CDO + "date"), lit("not a date", datatype=n(XSD + "date"))), (blank, n(CDO + "involves"), a),
        (b, n(RDF_TYPE), n(CDO + "Person")), (b, n("http://www.w3.org/2000/01/rdf-schema#label"), lit("1")),
        (b, n(CDO + "order"), lit("x", datatype=n(XSD + "integer"))), (b, n(CDO + "agreesWith"), a),
        (c, n(RDF_TYPE), n(CDO + "MemberState")), (c, n(CDO + "order"), lit("٣")), (c, n(CDO + "inEvent"), blank),
    ]:
        st.add(ox.Quad(s, p, o, g))
    st.flush()
    del st
    return root


@pytest.fixture(scope="module")
def client(odd_store):
    from web import create_app
    return create_app({"STORE": str(odd_store), "ISOLATE_WORKERS": False}).test_client()


@pytest.mark.parametrize("name", ["a", "b", "c"])
@pytest.mark.parametrize("suffix", ["", ".ttl", ".jsonld", ".nt"])
def test_every_view_of_an_entity_with_odd_values_answers(client, name, suffix):
    got = client.get(f"/id/odd/{name}{suffix}")
    assert got.status_code == 200, got.get_data(as_text=True)[-2000:]


@pytest.mark.parametrize("name", ["a", "b", "c"])
def test_json_ld_of_odd_values_means_the_same_triples_as_turtle(client, name):
    from rdflib import Graph
    from rdflib.compare import isomorphic
    compact = client.get(f"/id/odd/{name}.jsonld").get_data(as_text=True)
    json.loads(compact)
    a = Graph().parse(data=compact, format="json-ld")
    b = Graph().parse(data=client.get(f"/id/odd/{name}.ttl").get_data(as_text=True), format="turtle")
    assert len(a) == len(b) > 2 and isomorphic(a, b)


@pytest.mark.parametrize("q", ["1", "étiquette", "²", "a literal"])
def test_the_search_answers_over_odd_labels(client, q):
    assert client.get("/search", query_string={"q": q}).status_code == 200
    assert client.get("/search.json", query_string={"q": q}).status_code == 200


def test_the_home_page_and_the_alignment_answer(client):
    assert client.get("/").status_code == 200
    assert client.get("/alignment").status_code == 200
