"""Pages of the negotiated text, on a store built from our own fixture (no ../shared needed): a provision's page
lists what was said about it in order, a version's its versions and cited provisions, a proposal's who backed
or resisted it, the meeting's page the provisions discussed; the search finds "paragraph 35"."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import FIXTURES

FIXTURE = FIXTURES / "2025-07-09-oewg-negotiation-fixture.txt"
DOC = "/id/document/oewg-2021-2025-final-report"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from kg.store.build import build
    from web import create_app
    root = tmp_path_factory.mktemp("negotiated-pages") / "store"
    assert build([FIXTURE], root).published
    app = create_app({"STORE": str(root), "TESTING": True})
    with app.app_context():
        yield app.test_client()


def text(resp) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True))))


def test_a_provision_page_lists_what_was_said_in_order_and_the_proposals(client):
    resp = client.get(DOC + "/rev-2/paragraph/16")
    assert resp.status_code == 200
    page = text(resp)
    said = page[page.index("What was said about it"):page.index("Proposals about it")]
    # the key point (line 19), the full report (61), Brazil's turn (73), its argument (146, 148): in line order
    lines = [int(n) for n in re.findall(r"(?<= )(\d{2,3})(?= 2025-07-09| Proposals| $)", said + " ")]
    assert lines == sorted(lines) and {19, 61, 73} <= set(lines)
    assert "Brazil" in said and "could potentially" in said
    assert "Brazil: delete Rev.2, paragraph 16" in page[page.index("Proposals about it"):]


def test_a_parent_provision_page_includes_its_parts(client):
    page = text(client.get(DOC + "/rev-2/paragraph/43"))
    assert "paragraph 43(d)(i)" in page and "Germany" in page and "Its parts" in page


def test_a_version_page_lists_versions_and_cited_provisions(client):
    page = text(client.get(DOC + "/rev-2"))
    versions = page[page.index("Versions"):page.index("Provisions cited")]
    assert [v for v in ("Zero draft", "Rev.1", "Rev.2", "CRP") if v in versions] == ["Zero draft", "Rev.1", "Rev.2", "CRP"]
    assert versions.index("Zero draft") < versions.index("Rev.1") < versions.index("Rev.2") < versions.index("CRP")
    assert "Rev.2, Annex I" in page and "France: replace Rev.2, Annex I" in page


def test_a_proposal_page_shows_who_backed_and_resisted_it(client):
    from web import db
    iri = next(iter(db.query(
        "SELECT ?p WHERE { ?p <https://w3id.org/cyberdiplo/ontology#proposedBy> <https://w3id.org/cyberdiplo/id/state/FRA> }")))[0].value
    page = text(client.get(iri.replace("https://w3id.org/cyberdiplo", "")))
    backed = page[page.index("Backed and resisted by"):]
    assert {"Germany", "Chile", "Canada"} <= set(re.findall(r"Germany|Chile|Canada", backed))
    assert "against Canada" in backed and "line 77" in backed


def test_the_meeting_page_lists_the_provisions_discussed(client):
    page = text(client.get("/id/meeting/2025-07-09-oewg-negotiation-fixture"))
    listed = page[page.index("The negotiated text: provisions cited"):page.index("Proposals to the text")]
    assert "Rev.2, paragraph 16" in listed and "Third annual progress report, Annex C" in listed
    assert "Kenya: reinstate Rev.1, paragraph 34(r)" in page


def test_search_finds_paragraph_35(client):
    found = client.get("/search.json?q=paragraph%2035&texts=0").json["results"]
    assert found[0]["label"] == "Rev.2, paragraph 35"
    assert "Rev.2, paragraph 35(g)" in [r["label"] for r in found[:3]]
    assert not any("/mention/" in r["iri"] for r in found)


def test_a_provision_serves_turtle_with_its_mentions(client):
    resp = client.get(DOC + "/rev-2/paragraph/35-g.ttl")
    assert resp.status_code == 200 and "turtle" in resp.headers["Content-Type"]
    assert "provisionNumber" in resp.get_data(as_text=True)
