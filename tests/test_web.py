"""The web app with Flask's test client: every route and format, the SPARQL protocol, canned queries."""

from __future__ import annotations

import urllib.parse

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from kg import constants as C
from web import create_app, db
from web.sparql import QUERIES_DIR, canned


@pytest.fixture(scope="module")
def client(built_store):
    app = create_app({"STORE": str(built_store[0]), "QUERY_TIMEOUT": 20})
    yield app.test_client()
    db.reset()


PAGES = ["/", "/search?q=viet", "/search?q=AFRICAN", "/id/state/VNM", "/id/state/EGY", "/id/group/african-group",
         "/id/group/arab-group", "/id/meeting/2025-07-10-oewg-11th-session-meeting-6",
         "/id/meeting/2025-07-23-webinar-un-cyber-dialogue", "/id/instrument/dtg-international-law",
         "/id/mechanism/oewg-2021-2025", "/id/topic/legal-and-regulatory", "/id/person/madeline-murphy-hall",
         "/id/meeting/2025-07-10-oewg-11th-session-meeting-6/argument/3", "/id/stance/regrets-removal",
         "/resource?iri=https%3A%2F%2Fw3id.org%2Fcyberdiplo%2Fontology%23State", "/ontology", "/alignment", "/query"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_render(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.data[:500]
    assert r.mimetype == "text/html"
    assert b"<h1>" in r.data
    assert r.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["X-Frame-Options"] == "DENY"


def test_home_shows_figures_and_entries(client):
    html = client.get("/").get_data(as_text=True)
    assert "reports" in html and "Viet Nam" in html and "African Group" in html
    assert "/id/meeting/2025-07-10-oewg-11th-session-meeting-6" in html


def test_search_is_ranked_and_accent_insensitive(built_store):
    from web.search import search_labels
    with create_app({"STORE": str(built_store[0])}).test_request_context():
        assert search_labels("TURKIYE")[0]["iri"].endswith("/state/TUR")  # accent- and case-insensitive
        assert search_labels("viet nam")[0]["iri"].endswith("/state/VNM")  # exact name first
        from kg.map.resolve import norm
        keys = [norm(h["matched"]) for h in search_labels("african")]
        tiers = [0 if k == "african" else 1 if k.startswith("african") else 2 if " african" in " " + k else 3 for k in keys]
        assert len(keys) > 3 and tiers == sorted(tiers)  # exact, prefix, word prefix, then mere substring


def test_meeting_page_has_chart_network_and_sections(client):
    html = client.get("/id/meeting/2025-07-10-oewg-11th-session-meeting-6").get_data(as_text=True)
    assert html.count('class="bar"') == 15  # one bar per speaker with figures
    # Derived from positions: delegations there agreed on mechanisms and instruments, and none argued against one
    # another wanted (the sample's meeting has the one disagreement).
    assert 'class="network"' in html and 'edge agree' in html and 'edge disagree' not in html
    sample = client.get("/id/meeting/2024-12-04-oewg-10th-session-meeting-3").get_data(as_text=True)
    assert 'edge disagree' in sample and 'edge agree' in sample
    for section in ("Arguments by discussion point", "Agreements and differences", "Takeaways"):
        assert section in html


def test_state_page_shows_positions_groups_and_alignment(client):
    html = client.get("/id/state/NGA").get_data(as_text=True)
    assert "Positions over time" in html and "regrets the removal of" in html
    assert "African Group" in html and "Spoke on behalf of" in html
    assert "Agreed and disagreed with" in html


def test_alignment_counts_equal_the_arguments_listed_one_by_one(built_store, store):
    """Pairs are counted by the engine per direction and added up, a state's counts asked for it alone:
    both must equal the arguments listed one by one, as sets, for every pair and every actor."""
    from tests.conftest import rows
    from web import alignment
    listed: dict[tuple, set] = {}
    for r in rows(store, """SELECT DISTINCT ?arg ?maker ?other ?kind WHERE { ?arg cdo:madeBy ?maker .
            VALUES (?p ?kind) { (cdo:agreeingActor "agree") (cdo:disagreeingActor "disagree") (cdo:mixedActor "mixed") }
            ?arg ?p ?other }"""):
        listed.setdefault((*sorted((r["maker"], r["other"])), r["kind"]), set()).add(r["arg"])
    with create_app({"STORE": str(built_store[0])}).test_request_context():
        found = alignment.pairs()
        assert {(p.a, p.b, k): p.count(k) for p in found for k in alignment.KINDS if p.count(k)} == \
            {key: len(args) for key, args in listed.items()}
        actors = {p.a for p in found} | {p.b for p in found}
        expected: dict[str, dict] = {a: {} for a in actors}
        for p in found:
            counts = {k: p.count(k) for k in alignment.KINDS}
            expected[p.a][p.b] = expected[p.b][p.a] = counts
        assert len(actors) > 10 and any(c["disagree"] for e in expected.values() for c in e.values())
        for actor in actors:
            assert alignment.counts_with(actor) == expected[actor], actor
        states = {r["s"] for r in rows(store, "SELECT DISTINCT ?s WHERE { ?s a cdo:State }")}
        only = {(p.a, p.b, k): p.count(k) for p in alignment.state_pairs() for k in alignment.KINDS if p.count(k)}
        assert only == {key: len(args) for key, args in listed.items() if key[0] in states and key[1] in states}
        assert 0 < len(only) < len(listed)  # persons and organizations are listed too


def _walk_positions(client, state: str) -> tuple[list[tuple[str, str]], int, str]:
    """Follow a state page's "older" links: (date, position) as shown, the number of pages, the query link."""
    import re
    from html import unescape
    seen, url, pages = [], "/id/" + state.split("/id/", 1)[1], 0
    while url:
        block = client.get(url).get_data(as_text=True).split("<h2>Positions over time</h2>")[1].split("</table>")[0]
        for row in block.split('<tr class="stance-')[1:]:
            seen.append((re.search(r'class="date">([^<]*)<', row).group(1),
                         C.DATA_NS + re.search(r'href="/id/([^"]*/position/[^"]*)"', row).group(1)))
        found = re.search(r'<a href="([^"]*)" rel="next">', block)
        url, pages = unescape(found.group(1)) if found else None, pages + 1
        query = unescape(re.search(r'<a href="(/query\?[^"]*)">all as a query', block).group(1))
    return seen, pages, query


def test_positions_are_paged_newest_first_and_the_query_lists_them_all(built_store, store, monkeypatch):
    """Walking a state's pages shows each of its positions once, newest first; the query link returns them all."""
    from urllib.parse import parse_qs, urlsplit

    from tests.conftest import rows
    from web import pictures
    monkeypatch.setattr(pictures, "POSITIONS_PAGE", 2)
    app = create_app({"STORE": str(built_store[0])})
    most, spread = (rows(store, f"""SELECT ?h WHERE {{ ?p cdo:positionOf ?h ; cdo:inEvent ?e . ?h a cdo:State }}
        GROUP BY ?h ORDER BY DESC(COUNT(DISTINCT {v})) ?h LIMIT 1""")[0]["h"] for v in ("?p", "?e"))
    for state in (most, spread):
        expected = {r["p"]: r["date"] for r in rows(store, f"""SELECT DISTINCT ?p ?date WHERE {{
            ?p cdo:positionOf <{state}> ; cdo:stance ?s ; cdo:targetText ?t ; cdo:inEvent ?e . ?e cdo:date ?date }}""")}
        seen, pages, query = _walk_positions(app.test_client(), state)
        assert sorted(seen) == sorted((d, p) for p, d in expected.items()) and pages == -(-len(expected) // 2)
        assert [d for d, _ in seen] == sorted((d for d, _ in seen), reverse=True)
        with app.app_context():
            assert len(list(db.query(parse_qs(urlsplit(query).query)["query"][0]))) == len(expected)
    assert len(expected) > 1 and len({d for d, _ in seen}) > 1  # the spread state's positions span dates
    assert len(_walk_positions(app.test_client(), most)[0]) > 4  # the other one spans three pages or more


def test_labels_prefer_the_preferred_label_and_are_read_once_per_generation(built_store, store, monkeypatch):
    """A page's labels: skos:prefLabel, else rdfs:label, else the bundled English name, else the IRI's last
    segment; asked again, they come from memory. (No IRI of the data has both labels different.)"""
    from tests.conftest import rows
    from web import labels as browse  # the pages' label lookup (web/labels.py)
    pref = rows(store, """SELECT ?x ?pref WHERE { ?x skos:prefLabel ?pref FILTER NOT EXISTS { ?x rdfs:label ?any } } LIMIT 1""")
    only = rows(store, """SELECT ?x ?l WHERE { ?x rdfs:label ?l FILTER NOT EXISTS { ?x skos:prefLabel ?any } } LIMIT 1""")
    assert pref and only
    nowhere, skos = C.DATA_NS + "state/NOWHERE", "http://www.w3.org/2004/02/skos/core#prefLabel"
    with create_app({"STORE": str(built_store[0])}).test_request_context():
        found = browse.labels_for([pref[0]["x"], only[0]["x"], nowhere, skos])
        assert found[pref[0]["x"]] == pref[0]["pref"] and found[only[0]["x"]] == only[0]["l"]
        assert found[nowhere] == "NOWHERE" and found[skos] == "preferred label"
        monkeypatch.setattr(browse, "_label", lambda *a: pytest.fail("read from the store again"))
        assert browse.labels_for(found) == found


def test_long_value_lists_show_a_few_and_link_the_query_for_all(built_store, store, monkeypatch):
    """A property with many values shows the first ones and a query that lists every one of them."""
    import re
    from html import unescape
    from urllib.parse import parse_qs, urlsplit

    from tests.conftest import rows
    from web import browse
    monkeypatch.setattr(browse, "OUTGOING_SHOWN", 2)
    top = rows(store, """SELECT ?s ?p (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s a cdo:State ; ?p ?o .
        VALUES ?p { cdo:agreesWith cdo:disagreesWith cdo:mixedWith } } GROUP BY ?s ?p ORDER BY DESC(?n) ?s ?p LIMIT 1""")[0]
    values = {r["o"] for r in rows(store, f"SELECT DISTINCT ?o WHERE {{ <{top['s']}> <{top['p']}> ?o }}")}
    assert len(values) > 2
    app = create_app({"STORE": str(built_store[0])})
    html = app.test_client().get("/id/" + top["s"].split("/id/", 1)[1]).get_data(as_text=True)
    name = top["p"].rsplit("#", 1)[1]
    block = html.split("<h2>Described as</h2>")[1].split(f"ontology%23{name}\"")[1].split("</dd>")[0]
    assert block.count("<li>") == 2 and f"… and {len(values) - 2} more" in block
    query = parse_qs(urlsplit(unescape(re.search(r'<a href="([^"]*)">all as a query', block).group(1))).query)["query"][0]
    with app.app_context():
        assert {r["value"].value for r in db.query(query)} == values


def test_group_page_puts_group_and_member_statements_side_by_side(client):
    html = client.get("/id/group/african-group").get_data(as_text=True)
    assert "Statements on its behalf" in html and "Members speaking for themselves" in html
    assert "Nigeria" in html and "Egypt" in html


def test_incoming_links_are_paged_not_dropped(built_store):
    import pyoxigraph as pox

    from kg.store.generations import open_read_only
    iri = "https://w3id.org/cyberdiplo/id/state/NGA"
    links = {(q.subject, q.predicate) for q in open_read_only(built_store[0]).quads_for_pattern(None, None, pox.NamedNode(iri), None)}
    small = create_app({"STORE": str(built_store[0]), "PAGE_SIZE": 5}).test_client()
    shown, page = 0, 1
    while True:
        html = small.get(f"/id/state/NGA?page={page}").get_data(as_text=True)
        block = html.split("<h2>Linked from</h2>")[1].split("</section>")[0]
        shown += block.count("<li>")
        if "next →" not in block:
            break
        page += 1
    assert len(links) > 10 and shown == len(links) and page == -(-len(links) // 5)


@pytest.mark.parametrize("iri", ["state/NGA", "meeting/2025-07-10-oewg-11th-session-meeting-6", "group/african-group"])
def test_incoming_pages_keep_the_order_of_one_sort_over_all_links(built_store, iri):
    """Links are sorted per property the page reaches; the pages must equal one sort of every link."""
    from web import browse
    node = "<" + C.DATA_NS + iri + ">"
    with create_app({"STORE": str(built_store[0])}).test_request_context():
        whole = [(r["p"], r["s"]) for r in browse.rows(f"""SELECT DISTINCT ?s ?p ?key WHERE {{ ?s ?p {node}
            BIND(STR(STRLEN(STR(?s))) AS ?n) BIND(CONCAT(STR(?p), " ", SUBSTR("0000000000", STRLEN(?n)), ?n, " ", STR(?s)) AS ?key) }}
            ORDER BY ?key""")]
        counts = browse.rows(f"SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p {node} }} GROUP BY ?p")
        for size in (7, 50):
            paged = [(r["p"], r["s"]) for start in range(0, len(whole) + size, size)
                     for r in browse._incoming_page(C.DATA_NS + iri, counts, start, size)]
            assert paged == whole and len({p for p, _ in whole}) > 1


@pytest.mark.parametrize("accept,suffix,mimetype,parse", [
    ("text/turtle", ".ttl", "text/turtle", "turtle"),
    ("application/ld+json", ".jsonld", "application/ld+json", "json-ld"),
    ("application/n-triples", ".nt", "application/n-triples", "nt"),
])
def test_entity_formats_by_accept_and_suffix(client, accept, suffix, mimetype, parse):
    for r in (client.get("/id/state/VNM", headers={"Accept": accept}), client.get("/id/state/VNM" + suffix)):
        assert r.status_code == 200 and r.mimetype == mimetype
        g = Graph().parse(data=r.get_data(as_text=True), format=parse)
        assert len(g) >= 5
        assert 'rel="alternate"' in r.headers["Link"] and "/id/state/VNM.ttl" in r.headers["Link"]


def test_unknown_iri_is_404_with_suggestion(client):
    r = client.get("/id/state/vietnam")
    assert r.status_code == 404 and b"Perhaps you meant" in r.data and b"Viet Nam" in r.data


def test_service_description_and_cors(client):
    r = client.get("/sparql")
    assert r.mimetype == "text/turtle" and b"sd:Service" in r.data
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    pre = client.options("/sparql")
    assert pre.status_code == 204 and "POST" in pre.headers["Access-Control-Allow-Methods"]


Q = "SELECT ?code WHERE { ?s cdo:iso3166Alpha3 ?code } ORDER BY ?code LIMIT 3"


@pytest.mark.parametrize("fmt,mimetype", [("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
                                          ("csv", "text/csv"), ("tsv", "text/tab-separated-values")])
def test_select_in_every_format_by_accept_and_param(client, fmt, mimetype):
    by_accept = client.get("/sparql", query_string={"query": Q}, headers={"Accept": mimetype})
    by_param = client.get("/sparql", query_string={"query": Q, "format": fmt})
    for r in (by_accept, by_param):
        assert r.status_code == 200 and r.mimetype == mimetype
        assert b"ABW" not in r.data and b"AFG" in r.data and b"AGO" in r.data


def test_post_form_and_direct_bodies(client):
    form = client.post("/sparql", data={"query": Q})
    direct = client.post("/sparql", data=Q.encode(), content_type="application/sparql-query")
    assert form.get_json() == direct.get_json()
    assert [b["code"]["value"] for b in form.get_json()["results"]["bindings"]] == ["AFG", "AGO", "ALB"]


def test_ask_and_construct(client):
    ask = client.get("/sparql", query_string={"query": "ASK { state:VNM a cdo:MemberState }"})
    assert ask.get_json()["boolean"] is True
    construct = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a cdo:MemberState ; rdfs:label ?l } LIMIT 5"
    for fmt, parse in (("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")):
        r = client.get("/sparql", query_string={"query": construct, "format": fmt})
        assert len(Graph().parse(data=r.get_data(as_text=True), format=parse)) == 5
    assert client.get("/sparql", query_string={"query": "DESCRIBE state:VNM"}).mimetype == "text/turtle"


@pytest.mark.parametrize("kwargs,status", [
    (dict(method="GET", query_string=[("query", Q), ("query", Q)]), 400),
    (dict(method="POST", data=Q.encode(), content_type="text/plain"), 415),
    (dict(method="POST", data=b"SELECT \xff", content_type="application/sparql-query"), 400),
    (dict(method="GET", query_string={"query": "SELECT * WHERE { ?s ?p }"}), 400),
    (dict(method="DELETE"), 405),
])
def test_bad_protocol_requests(client, kwargs, status):
    r = client.open("/sparql", **kwargs)
    assert r.status_code == status
    if status != 405:
        assert r.is_json and r.get_json()["error"]


def test_syntax_error_shows_line_and_column_on_the_page(client):
    r = client.get("/query", query_string={"query": "SELECT ?x WHERE {\n  ?x ?y\n}"})
    assert r.status_code == 400
    assert b"line" in r.data and b"col" in r.data


def test_canned_queries_are_many_and_documented():
    queries = canned()
    assert len(queries) >= 12
    for q in queries:
        assert q["title"] != q["name"] and q["description"], q["name"]


@pytest.mark.parametrize("path", sorted(QUERIES_DIR.glob("*.rq")), ids=lambda p: p.stem)
def test_every_canned_query_returns_rows(client, path):
    r = client.post("/sparql", data=path.read_bytes(), content_type="application/sparql-query")
    assert r.status_code == 200, r.data
    assert len(r.get_json()["results"]["bindings"]) > 0
    page = client.get("/query", query_string={"canned": path.stem})
    assert page.status_code == 200 and b"<td>" in page.data


def test_query_page_links_results_with_labels_and_offers_downloads(client):
    html = client.get("/query", query_string={"canned": "who-backed-a-thematic-group-on-international-law"}).get_data(as_text=True)
    assert "Nigeria" in html and "Download" in html and "format=csv" in html and "Share this query" in html


@pytest.mark.parametrize("fmt,parser", [("turtle", ox.RdfFormat.TURTLE), ("trig", ox.RdfFormat.TRIG),
                                        ("nquads", ox.RdfFormat.N_QUADS), ("jsonld", ox.RdfFormat.JSON_LD)])
def test_whole_graph_export_streams(client, store, fmt, parser):
    r = client.get("/export/graph", query_string={"format": fmt})
    assert r.status_code == 200 and r.is_streamed
    assert len(list(ox.parse(r.get_data(), format=parser))) >= len(store) // 2


def test_meeting_ontology_shapes_and_void_exports(client):
    m = client.get("/export/meeting/2025-07-10-oewg-11th-session-meeting-6")
    assert len(Graph().parse(data=m.get_data(as_text=True), format="turtle")) > 3000
    assert client.get("/export/meeting/nope").status_code == 404
    assert b"owl:Ontology" in client.get("/export/ontology.ttl").data
    assert b"sh:NodeShape" in client.get("/export/shapes.ttl").data
    void = Graph().parse(data=client.get("/.well-known/void").get_data(as_text=True), format="turtle")
    text = void.serialize(format="nt")
    for needle in ("void#triples", "dcat#Dataset", "terms/license", "2025-07-10-oewg-11th-session-meeting-6.txt", "terms/modified"):
        assert needle in text


def test_static_assets_are_local(client):
    html = client.get("/").get_data(as_text=True)
    assert "http://" not in html.split("<main>")[0] and "https://" not in html.split("<main>")[0]
    assert client.get("/static/style.css").status_code == 200 and client.get("/static/vendor/ui.js").status_code == 200


def test_the_void_description_is_made_once_per_generation_from_the_builds_listing(built_store, monkeypatch):
    from kg.store import generations as S
    from web import export
    app = create_app({"STORE": str(built_store[0])})
    asked = []
    real_index = S.report_index
    monkeypatch.setattr(S, "report_index", lambda st: asked.append(1) or real_index(st))
    client = app.test_client()
    first = client.get("/.well-known/void").data
    with app.test_request_context():
        from web import db
        listed = S.Listing.of_generation(db.current_generation()).reports
    assert asked == [] and all(name.encode() in first for _, name in listed.values())
    said = Graph().parse(data=first.decode(), format="turtle")
    quads = said.value(URIRef(C.DATA_NS + "dataset"), URIRef("http://rdfs.org/ns/void#triples"))
    assert int(quads) == len(S.open_read_only(built_store[0]))  # from the listing's sizes, not a count
    made = []
    real = export.void
    monkeypatch.setattr(export, "void", lambda *args: made.append(args) or real(*args))
    assert client.get("/.well-known/void").data == first and made == []  # kept for the generation


def test_an_issue_page_lists_the_positions_its_path_finds(built_store):
    """The issue page joins positions to the issue's targets found first; the path in one pattern is the reference."""
    from web import pictures
    app = create_app({"STORE": str(built_store[0])})
    with app.test_request_context():
        from web import db
        issues = [r["i"].value for r in db.query("SELECT ?i WHERE { ?i a cdo:Issue }")]
        checked = 0
        for iri in issues:
            shown = pictures.issue_view(iri)["positions"]
            path = f"?p cdo:target ?t . ?t (^cdo:embodiedBy)?/skos:broader* <{iri}> ."
            total = int(pictures._rows(f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {path} {pictures.POSITION} }}")[0]["n"])
            first = [r["p"] for r in pictures._rows(f"""SELECT DISTINCT ?p ?key WHERE {{ {path} {pictures.POSITION}
                BIND(CONCAT(STR(?date), " ", STR(?p)) AS ?key) }} ORDER BY DESC(?key) LIMIT {pictures.POSITIONS_PAGE}""")]
            assert shown["total"] == total and [r["p"] for r in shown["rows"]] == first, iri
            assert "skos:broader*" in urllib.parse.unquote_plus(shown["query"])  # the reader sees the path
            checked += total > 0
    assert checked >= 5 and len(issues) >= 16


def test_the_home_pages_counts_are_what_the_plain_queries_count(built_store):
    from web import browse, home
    app = create_app({"STORE": str(built_store[0])})
    plain = {"states": """SELECT ?s (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?p) AS ?n) WHERE {
                 ?part cdo:participant ?s . ?s a cdo:State ; skos:prefLabel ?l . OPTIONAL { ?p cdo:positionOf ?s } }
                 GROUP BY ?s ORDER BY ?label""",
             "topics": """SELECT ?t (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a cdo:Argument ; cdo:topic ?t .
                 ?t skos:prefLabel ?l } GROUP BY ?t ORDER BY DESC(?n)"""}
    with app.test_request_context():
        from web import db
        for name, ours in (("states", home.HOME_STATES), ("topics", home.HOME_TOPICS)):
            got, want = browse.rows(ours), browse.rows(plain[name])
            assert got == want and len(want) >= 4, name
        assert db.quads() == len(db.store())
