"""Browser fixes from issue #11: no broken links, turns in order with neighbours, honest content negotiation,
readable Turtle, caching and compression, search by ISO code."""

from __future__ import annotations

import gzip

import pytest

from kg.store.build import build
from web import create_app, db

from .conftest import SAMPLE

MEETING = "/id/meeting/2024-12-04-oewg-10th-session-meeting-3"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("browse") / "store"
    assert build([SAMPLE], root).published
    db.reset()
    yield create_app({"STORE": str(root), "PAGE_SIZE": 3}).test_client()
    db.reset()


def test_sparql_in_a_browser_is_the_query_page_and_the_description_otherwise(client):
    r = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/query")
    for accept in ("text/turtle", "*/*", None):
        r = client.get("/sparql", headers={"Accept": accept} if accept else {})
        assert r.status_code == 200 and r.mimetype == "text/turtle"


def test_turns_have_neighbours_and_speakers_list_turns_in_number_order(client):
    html = client.get(f"{MEETING}/intervention/2").get_data(as_text=True)
    assert f'href="{MEETING}/intervention/1"' in html and f'href="{MEETING}/intervention/3"' in html
    html = client.get(f"{MEETING}/argument/1").get_data(as_text=True)
    assert f'href="{MEETING}/argument/2"' in html


def test_paging_keeps_the_iri_on_resource_pages(client):
    from urllib.parse import quote
    iri = "https://w3id.org/cyberdiplo/ontology#Argument"
    html = client.get("/resource?iri=" + quote(iri, safe="")).get_data(as_text=True)
    assert "next →" in html
    nxt = html.split("next →")[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert "iri=" in nxt and client.get(nxt).status_code == 200


def test_standard_vocabulary_terms_link_to_their_own_iri(client):
    html = client.get("/id/state/KEN").get_data(as_text=True)
    assert 'href="http://www.w3.org/2004/02/skos/core#prefLabel"' in html
    assert "/resource?iri=http%3A%2F%2Fwww.w3.org%2F2004%2F02%2Fskos" not in html


def test_meeting_page_links_its_exports(client):
    html = client.get(MEETING).get_data(as_text=True)
    link = "/export/meeting/2024-12-04-oewg-10th-session-meeting-3?format=turtle"
    assert link in html and client.get(link).status_code == 200


def test_formats_we_do_not_serve_are_406(client):
    assert client.get("/id/state/KEN", headers={"Accept": "application/rdf+xml"}).status_code == 406
    assert client.get("/id/state/KEN", headers={"Accept": "text/html"}).status_code == 200


def test_turtle_writes_no_escaped_slashes(client):
    ttl = client.get(f"{MEETING}.ttl").get_data(as_text=True)
    assert "\\/" not in ttl and "@prefix cdo:" in ttl


def test_pages_carry_etags_answer_304_and_compress(client):
    r = client.get("/id/state/KEN")
    assert r.headers["ETag"] and "max-age" in r.headers["Cache-Control"]
    assert client.get("/id/state/KEN", headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
    z = client.get("/id/state/KEN", headers={"Accept-Encoding": "gzip"})
    assert z.headers["Content-Encoding"] == "gzip" and gzip.decompress(z.data) == r.data


def test_search_finds_iso_codes(client):
    html = client.get("/search?q=VNM").get_data(as_text=True)
    assert "Viet Nam" in html


def test_a_crawl_from_home_to_depth_3_finds_no_broken_internal_link(client):
    import re
    from html import unescape
    from urllib.parse import urldefrag, urljoin, urlsplit
    seen, frontier, broken = {"/"}, ["/"], []
    for depth in range(3):
        nxt = []
        for url in frontier:
            r = client.get(url)
            if r.status_code >= 400:
                broken.append((url, r.status_code))
                continue
            if r.mimetype != "text/html":
                r.close()  # a download: its status is what matters here
                continue
            for href in re.findall(r'href="([^"]+)', r.get_data(as_text=True)):
                target = urldefrag(urljoin(url, unescape(href))).url  # as a browser reads it: entities, then the fragment
                if not target:
                    continue
                if urlsplit(target).netloc or not target.startswith("/") or target in seen:
                    continue  # external: standard vocabularies link to their own IRI
                if target.startswith("/export/graph"):
                    continue  # the whole-graph download streams; it is tested on its own
                seen.add(target)
                nxt.append(target)
        frontier = nxt[:600]
    assert len(seen) > 100
    assert not broken, broken[:20]


def test_json_ld_is_compact_with_its_context_and_means_the_same_triples(client):
    import json

    from rdflib import Graph
    compact = client.get("/id/state/KEN.jsonld")
    doc = json.loads(compact.data)
    assert doc["@context"]["skos"] == "http://www.w3.org/2004/02/skos/core#"
    node = doc["@graph"][0]
    assert node["@id"] == "state:KEN" and "skos:prefLabel" in node
    turtle = client.get("/id/state/KEN.ttl").get_data(as_text=True)
    a = Graph().parse(data=compact.get_data(as_text=True), format="json-ld")
    b = Graph().parse(data=turtle, format="turtle")
    assert len(a) == len(b) > 5 and set(a) == set(b)
    assert json.loads(client.get("/context.jsonld").data)["@context"] == doc["@context"]


def test_every_turn_and_arguments_neighbours_are_what_the_plain_query_finds(built_store, store):
    """The neighbours are asked with the page's event and order written in; the same as with variables."""
    import pyoxigraph as ox

    from web import browse, create_app

    from .conftest import rows
    nodes = rows(store, "SELECT DISTINCT ?x WHERE { ?x a ?k . VALUES ?k { cdo:Intervention cdo:Argument } }")
    assert len(nodes) > 100
    app = create_app({"STORE": str(built_store[0]), "ISOLATE_WORKERS": False})
    found = 0
    with app.test_request_context():
        for r in nodes:
            node = ox.NamedNode(r["x"])
            plain = {"prev": None, "next": None}
            for q in rows(store, f"""SELECT ?o ?other ?n WHERE {{ {node} cdo:order ?o ; cdo:inEvent ?e ; a ?k .
                    VALUES ?k {{ cdo:Intervention cdo:Argument }} ?other cdo:inEvent ?e ; a ?k ; cdo:order ?n .
                    FILTER(?n = ?o - 1 || ?n = ?o + 1) }}"""):
                plain["prev" if int(q["n"]) < int(q["o"]) else "next"] = q["other"]
            out = [(q.predicate.value, q.object) for q in store.quads_for_pattern(node, None, None, None)]
            types = [o.value for p, o in out if p == browse.RDF_TYPE]
            outgoing = {}
            for p, o in out:
                outgoing.setdefault(p, []).append(o)
            assert browse._neighbours(r["x"], types, outgoing) == plain, r["x"]
            found += plain["prev"] is not None and plain["next"] is not None
    assert found > 100


def test_a_property_with_many_values_or_links_reads_only_what_the_page_shows(built_store, store, monkeypatch):
    """Past LARGE values under one property, a page reads the ones it shows in the store's order: each value
    still shown once in all, the count of the rest right, every link in reached once by paging."""
    import pyoxigraph as ox

    from kg import constants as C
    from web import browse, create_app

    from .conftest import rows
    iri = C.DATA_NS + "state/NGA"
    node = ox.NamedNode(iri)
    every = {}
    for r in rows(store, f"SELECT DISTINCT ?p ?o WHERE {{ {node} ?p ?o }}"):
        every.setdefault(r["p"], set()).add(r["o"])
    monkeypatch.setattr(browse, "LARGE", 4)
    monkeypatch.setattr(browse, "OUTGOING_SHOWN", 3)
    app = create_app({"STORE": str(built_store[0]), "ISOLATE_WORKERS": False})
    with app.test_request_context():
        out, large = browse._outgoing(node)
        assert large and large == {p: len(v) for p, v in every.items() if len(v) > 4}
        for p in large:
            read = [o.value for q, o in out if q.value == p]
            assert len(read) == 3 and set(read) <= every[p]
        for p, v in every.items():
            if p not in large:
                assert {o.value for q, o in out if q.value == p} == v
        shown = {row[0]: row for row in (browse._shown(iri, q.value, [o for q2, o in out if q2 == q], [], large.get(q.value))
                                         for q in {q for q, _ in out})}
        for p, n in large.items():
            assert shown[p][3]["n"] == n - 3 and shown[p][3]["unsorted"]
        counts = browse.rows(f"SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p {node} }} GROUP BY ?p")
        assert any(int(c["n"]) > 4 for c in counts)
        whole = {(r["p"], r["s"]) for r in rows(store, f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {node} }}")}
        paged = [(r["p"], r["s"]) for start in range(0, len(whole) + 3, 3) for r in browse._incoming_page(iri, counts, start, 3)]
        assert len(paged) == len(whole) and set(paged) == whole
        html = app.test_client().get("/id/state/NGA").get_data(as_text=True)
        assert "in the store&#39;s order" in html or "in the store's order" in html
