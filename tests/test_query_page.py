"""Server side of the query page and the derived views (issue #11): the data the editor and the
result views read, search with types, snippets and paging, folded entity pages, and honest
alignment (derived from positions; the lists, even listing a maker itself, change nothing). Uses the sample
report and a variant of it written by the test, so it needs no ../shared."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import quote

import pytest

from kg.store.build import build
from web import alignment, create_app, db

from .conftest import SAMPLE

MEETING = "/id/meeting/2024-12-04-oewg-10th-session-meeting-3"
STATE = "https://w3id.org/cyberdiplo/id/state/"


def variant(text: str) -> str:
    """The sample with Kenya's first argument listing itself, and Estonia both ways."""
    head, sep, rest = text.partition("Agreed with\n- Viet Nam\n")
    assert sep, "the sample's layout changed"
    rest = rest.replace("Disagreed with\n- Estonia\n", "Disagreed with\n- Estonia\n- Kenya\n", 1)
    return head + "Agreed with\n- Viet Nam\n- Kenya\n- Estonia\n" + rest


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("variant")
    report = folder / SAMPLE.name
    report.write_text(variant(SAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    root = folder / "store"
    assert build([report], root).published
    db.reset()
    yield create_app({"STORE": str(root), "ISOLATE_WORKERS": False})
    db.reset()


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def test_alignment_comes_from_positions_not_from_the_lists(app):
    with app.app_context():
        found = {(p.a[len(STATE):], p.b[len(STATE):]): {k: p.count(k) for k in alignment.KINDS} for p in alignment.pairs()}
        kinds = {(p.a[len(STATE):], p.b[len(STATE):]): p.kind for p in alignment.pairs()}
    # Read off the sample: Kenya's first argument asks the group on international law back and Estonia's argument
    # opposes restoring it (each argument counts the other: 2 disagreeing); Kenya's and Viet Nam's second arguments
    # both back the group on capacity building (2 agreeing). The variant's lists (Kenya itself, Estonia both ways)
    # change none of it.
    assert found == {("EST", "KEN"): {"agree": 0, "disagree": 2, "mixed": 0},
                     ("KEN", "VNM"): {"agree": 2, "disagree": 0, "mixed": 0}}
    assert kinds == {("EST", "KEN"): "disagree", ("KEN", "VNM"): "agree"}


def test_the_report_lists_stay_as_stated_and_the_graph_derives_what_they_mean(app):
    # The graph keeps Kenya listed on its own argument: the views interpret, the data do not change.
    with app.app_context():
        listed = bool(db.query("ASK { ?arg cdo:madeBy state:KEN ; cdo:agreedWith state:KEN ; cdo:disagreedWith state:KEN }"))
        self_pairs = bool(db.query("ASK { ?a cdo:agreesWith|cdo:disagreesWith|cdo:mixedWith ?a }"))
        mixed = bool(db.query("ASK { ?a cdo:mixedWith ?b }"))
        disagree = bool(db.query("ASK { state:KEN cdo:disagreesWith state:EST . state:EST cdo:disagreesWith state:KEN }"))
        agree = bool(db.query("ASK { state:KEN cdo:agreesWith state:VNM . state:VNM cdo:agreesWith state:KEN }"))
        lists_read = bool(db.query("ASK { state:KEN cdo:agreesWith state:EST }"))  # Kenya's list names Estonia as agreeing
    assert listed and not self_pairs and not mixed and disagree and agree and not lists_read


def test_matrix_network_and_state_page_show_the_same_counts(client):
    page = client.get("/alignment").get_data(as_text=True)
    assert "From positions, not from DiploAI" in html.unescape(page)  # the one line on where the data come from
    assert "Estonia \u2013 Kenya: agree 0, disagree 2, mixed 0" in html.unescape(page)
    assert "Kenya \u2013 Kenya" not in html.unescape(page)
    network = json.loads(re.search(r'<script type="application/json" id="network-data">(.*?)</script>', page, re.S).group(1))
    edges = {(e["source"][len(STATE):], e["target"][len(STATE):]): e["kind"] for e in network["edges"]}
    assert edges == {("EST", "KEN"): "disagree", ("KEN", "VNM"): "agree"}
    assert {n["href"] for n in network["nodes"]} == {"/id/state/EST", "/id/state/KEN", "/id/state/VNM"}
    state = client.get("/id/state/KEN").get_data(as_text=True)
    row = re.search(r"<tr><td><a href=\"/id/state/EST\"><bdi>Estonia</bdi></a></td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>", state)
    assert row and row.groups() == ("0", "2", "0")
    assert 'href="/id/state/KEN"><bdi>Kenya' not in state.split("Agreed and disagreed with")[1]


def test_a_pair_opens_the_query_of_its_positions(client):
    cell = client.get(alignment.pair_url(STATE + "EST", STATE + "KEN"))
    assert cell.status_code == 303 and cell.headers["Location"].startswith("/query?query=")
    page = client.get(cell.headers["Location"]).get_data(as_text=True)
    data = json.loads(re.search(r'id="result-data">(.*?)</script>', page, re.S).group(1))
    listed = sorted((r["holder"]["value"][len(STATE):], r["relation"]["value"], r["basis"]["value"].rsplit("/", 1)[-1])
                    for r in data["rows"])
    # Estonia and Kenya each said it in an argument and in their turn: four positions behind one disagreement.
    assert listed == [("EST", "disagreed", "argument"), ("EST", "disagreed", "transcript"),
                      ("KEN", "disagreed", "argument"), ("KEN", "disagreed", "transcript")]


def test_query_page_carries_vocabulary_rows_and_time(client):
    page = client.get("/query?query=" + quote('SELECT ?x WHERE { VALUES ?x { "</script><script>alert(1)</script>" 1 2 } }'))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<script>alert(1)" not in text  # the data island cannot close its tag
    data = json.loads(re.search(r'id="result-data">(.*?)</script>', text, re.S).group(1))
    assert [r["x"]["value"] for r in data["rows"]] == ["</script><script>alert(1)</script>", "1", "2"]
    assert re.search(r'<span class="elapsed">\d+ ms</span>', text) and "3 rows" in text
    vocab = json.loads(re.search(r'id="vocabulary">(.*?)</script>', text, re.S).group(1))
    terms = {t["name"]: t for t in vocab["terms"]}
    assert terms["cdo:MemberState"]["kind"] == "class" and terms["cdo:positionOf"]["kind"] == "property"
    assert vocab["prefixes"]["state"] == STATE


def test_search_has_types_snippets_totals_and_pages(client):
    found = client.get("/search.json?q=vietnam").get_json()
    assert found["results"][0]["curie"] == "state:VNM" and found["results"][0]["type"] == "UN member state"
    assert client.get("/search.json?q=viet%20nam").get_json()["results"][0]["iri"] == found["results"][0]["iri"]
    assert client.get("/search.json?q=VNM").get_json()["results"][0]["curie"] == "state:VNM"
    first = client.get("/search.json?q=a&limit=10").get_json()
    second = client.get("/search.json?q=a&limit=10&page=2").get_json()
    assert first["total"] == second["total"] > 20 and first["pages"] == -(-first["total"] // 10)
    assert not {r["iri"] for r in first["results"]} & {r["iri"] for r in second["results"]}
    arg = client.get("/search.json?q=restoration%20of%20the%20thematic").get_json()["results"][0]
    assert arg["type"] == "argument" and arg["snippet"].startswith("Kenya, for the African Group, asked")
    page = client.get("/search?q=a").get_data(as_text=True)
    assert f"{first['total']} matches" in page and "page 1 of" in page and 'href="/search?q=a&amp;page=2"' in page


def test_entity_pages_fold_inferred_duplicates_and_name_standard_terms(client):
    page = client.get(MEETING).get_data(as_text=True)
    props = re.findall(r"<dt><span title=\"[^\"]*\"><a href=\"[^\"]*\"><bdi>([^<]+)</bdi>", page)
    assert len(props) == len(set(props))  # one row per meaning
    assert "start time" in props and "start date" not in props and "started at" not in props
    also = re.search(r"<bdi>start time</bdi>.*?<details class=\"also\">(.*?)</details>", page, re.S).group(1)
    assert "start date" in also and "started at" in also
    state = client.get("/id/state/KEN").get_data(as_text=True)
    shown = re.search(r'<p class="types">(.*?)(<details|</p>)', state, re.S).group(1)
    assert "UN member state" in shown and ">agent<" not in shown.lower()
    assert "implied" in state  # the implied types are there on demand
    # Every property is named in English, the standard vocabularies' too ("held by", not "heldBy").
    office = client.get("/id/office/oewg-2021-2025-chair").get_data(as_text=True)
    named = [p for html_ in (page, state, office) for p in re.findall(r'<dt><span title="[^"]*"><a href="[^"]*"><bdi>([^<]+)</bdi>', html_)]
    assert "held by" in named and not [p for p in named if re.search(r"[a-z][A-Z]", p)], named


def test_the_matrix_shows_the_most_listed_states_and_links_every_pair(app, monkeypatch):
    from urllib.parse import parse_qs, urlsplit

    from web import browse
    monkeypatch.setattr(browse, "ALIGNMENT_STATES", 2)
    fresh = create_app(dict(app.config))  # the module's app has its page remembered for this generation
    page = html.unescape(fresh.test_client().get("/alignment").get_data(as_text=True))
    assert "The 2 states with the most listed arguments, of 3" in page
    assert page.count('class="cell ') == 4  # 2 × 2, the diagonal empty
    network = json.loads(re.search(r'<script type="application/json" id="network-data">(.*?)</script>', page, re.S).group(1))
    assert {n["href"] for n in network["nodes"]} == {"/id/state/EST", "/id/state/KEN"}  # Kenya 3 arguments, Estonia 2, Viet Nam 1
    query = parse_qs(urlsplit(re.search(r'<a href="(/query\?[^"]*)">every pair as a query', page).group(1)).query)["query"][0]
    with app.app_context():
        rows = {(r["maker"].value[len(STATE):], r["listed"].value[len(STATE):], r["kind"].value): int(r["arguments"].value)
                for r in db.query(query)}
    together: dict = {}
    for (m, o, k), n in rows.items():
        key = (*sorted((m, o)), k)
        together[key] = together.get(key, 0) + n
    with app.app_context():
        assert together == {(p.a[len(STATE):], p.b[len(STATE):], k): p.count(k) for p in alignment.state_pairs()
                            for k in alignment.KINDS if p.count(k)}
