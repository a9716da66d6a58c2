"""The app served by waitress on loopback: a real SPARQL client, and a real browser (headless Chromium)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from web import create_app, db

from .conftest import chrome, free_port, wait_for_port

SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"


@pytest.fixture(scope="module")
def server(built_store):
    import waitress.server
    app = create_app({"STORE": str(built_store[0])})
    port = free_port()
    srv = waitress.server.create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    wait_for_port(port)
    yield f"http://127.0.0.1:{port}"
    srv.close()
    db.reset()


QUERY = """PREFIX cdo: <https://w3id.org/cyberdiplo/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?state ?seconds WHERE { ?p cdo:participant ?s ; cdo:speechSeconds ?seconds . ?s skos:prefLabel ?state }
ORDER BY ?state ?seconds"""


def test_sparqlwrapper_gets_the_same_rows_as_kg_query(server, built_store):
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(QUERY)
    client.setReturnFormat(JSON)
    over_http = [(b["state"]["value"], b["seconds"]["value"]) for b in client.queryAndConvert()["results"]["bindings"]]
    client.setMethod(POST)
    assert [(b["state"]["value"], b["seconds"]["value"]) for b in client.queryAndConvert()["results"]["bindings"]] == over_http
    local = CliRunner().invoke(main, ["query", QUERY, "--store", str(built_store[0]), "--format", "json"])
    via_cli = [(b["state"]["value"], b["seconds"]["value"]) for b in json.loads(local.output)["results"]["bindings"]]
    assert over_http == via_cli and len(over_http) == 18  # 15 in the OEWG meeting, 3 in the sample


def test_rdflib_sparqlstore_reads_the_endpoint(server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    store = SPARQLStore(server + "/sparql", returnFormat="xml")
    rows = list(store.query("ASK { <https://w3id.org/cyberdiplo/id/state/VNM> ?p ?o }"))
    assert rows == [True]


def test_a_researcher_clicks_through_in_a_real_browser(server):
    from selenium.webdriver.common.by import By
    browser = chrome()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        from selenium.webdriver.support.ui import WebDriverWait
        browser.get(server + "/")
        WebDriverWait(browser, 20).until(lambda b: "UN cyber diplomacy" in b.page_source)  # a loaded CI machine is slow
        browser.save_screenshot(str(SCREENSHOTS / "1-home.png"))
        browser.find_element(By.LINK_TEXT, "Query").click()
        browser.find_element(By.PARTIAL_LINK_TEXT, "Who backed a thematic group on international law").click()
        assert browser.find_elements(By.CSS_SELECTOR, ".results table tbody tr")
        browser.save_screenshot(str(SCREENSHOTS / "2-query.png"))
        browser.find_element(By.CSS_SELECTOR, ".results table tbody tr td a[href^='/id/state/']").click()
        assert "Positions over time" in browser.page_source
        browser.save_screenshot(str(SCREENSHOTS / "3-state.png"))
        state_url = browser.current_url
        browser.find_element(By.CSS_SELECTOR, "table.positions td a[href^='/id/meeting/']").click()
        assert browser.current_url != state_url and "Speakers" in browser.page_source
        browser.save_screenshot(str(SCREENSHOTS / "4-meeting.png"))
        turtle_link = browser.find_element(By.LINK_TEXT, "Turtle").get_attribute("href")
        import urllib.request
        with urllib.request.urlopen(turtle_link, timeout=10) as resp:
            assert resp.headers["Content-Type"].startswith("text/turtle")
            data = resp.read().decode("utf-8")
        from rdflib import Graph
        assert len(Graph().parse(data=data, format="turtle")) > 10
        browser.get(server + "/alignment")
        browser.save_screenshot(str(SCREENSHOTS / "5-alignment.png"))
        severe = [e["message"] for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
        assert not severe, severe  # no CSP violations, no missing assets
    finally:
        browser.quit()
