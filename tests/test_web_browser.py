"""The query page and the network in headless Chromium: highlighting, completion, error marks,
paging, sorting, filtering, charts, a graph view, a clickable network. Screenshots go to
build/screenshots/ (looked at when the views change). Runs on the sample and a fixture of our
own, so it needs no ../shared; it skips where Chromium is not installed."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote

import pytest

from web import create_app, db

from .conftest import FIXTURES, SAMPLE, chrome, serving

SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from kg.store.build import build
    root = tmp_path_factory.mktemp("browser-store")
    assert build([SAMPLE, FIXTURES / "2023-11-20-event-report-layout.txt"], root).published
    with serving(create_app({"STORE": str(root)})) as url:
        yield url
    db.reset()


@pytest.fixture(scope="module")
def browser():
    b = chrome(1400, 1000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield b
    b.quit()


def wait(browser, test, seconds=20):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, seconds).until(lambda b: test(b))


def editor(browser):
    """The editor's shadow root (CodeMirror is mounted in one, see web/frontend/src/editor.js)."""
    from selenium.webdriver.common.by import By
    host = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".cm-host"))[0]
    return host.shadow_root


def severe(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e.get("level") == "SEVERE"]


def replace_text(browser, text: str):
    """Empty the editor, focus it, then type *text* key by key."""
    editor(browser)
    browser.execute_script("const v = window.kgEditor; v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: ''}}); v.focus();")
    keys(browser, text)


def keys(browser, *typed):
    """Type into the focused element as a user does (element.send_keys bypasses CodeMirror's key handling in a shadow root)."""
    from selenium.webdriver.common.action_chains import ActionChains
    chain = ActionChains(browser)
    for k in typed:
        chain.send_keys(k)
    chain.perform()


def chord(browser, modifier, key):
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(browser).key_down(modifier).send_keys(key).key_up(modifier).perform()


def test_editor_highlights_and_completes(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    browser.get(server + "/query")
    root = editor(browser)
    assert browser.find_element(By.ID, "query").get_attribute("hidden") is not None  # the textarea gave way
    # Highlighting: a keyword and a variable are drawn in colours other than the text's.
    colours = browser.execute_script("""
        const root = document.querySelector('.cm-host').shadowRoot;
        const spans = [...root.querySelectorAll('.cm-line span')];
        const colour = (t) => { const s = spans.find((x) => x.textContent === t); return s && getComputedStyle(s).color; };
        return [colour('SELECT'), colour('?s'), getComputedStyle(root.querySelector('.cm-content')).color];""")
    assert colours[0] and colours[1] and len({colours[0], colours[1], colours[2]}) == 3, colours
    # Completion of the ontology's terms after a prefix.
    replace_text(browser, "SELECT * WHERE { ?s a cdo:MemberSt")
    box = wait(browser, lambda b: root.find_elements(By.CSS_SELECTOR, ".cm-tooltip-autocomplete li .cm-completionLabel"))
    assert "cdo:MemberState" in [label.text for label in box]
    time.sleep(0.2)  # CodeMirror ignores keys in the first 75 ms of a completion list (interactionDelay)
    keys(browser, Keys.ENTER)
    assert "cdo:MemberState" in browser.find_element(By.ID, "query").get_attribute("value")
    # Completion of names from the store, inserted as the entity's prefixed name.
    keys(browser, " . ?s skos:broader Viet")
    chord(browser, Keys.CONTROL, " ")
    names = wait(browser, lambda b: [li for li in root.find_elements(By.CSS_SELECTOR, ".cm-tooltip-autocomplete li")
                                     if "Viet Nam" in li.text])
    browser.save_screenshot(str(SCREENSHOTS / "editor-completion.png"))
    names[0].click()
    assert "state:VNM" in browser.find_element(By.ID, "query").get_attribute("value")
    assert not severe(browser)


def test_a_syntax_error_is_marked_where_it_is(server, browser):
    from selenium.webdriver.common.by import By
    browser.get(server + "/query?query=" + quote("SELECT ?s WHERE {\n  ?s ?p ?o\n  FILTER(\n}"))
    root = editor(browser)
    error = browser.find_element(By.ID, "query-error")
    assert error.get_attribute("data-line") == "4"
    marked = wait(browser, lambda b: root.find_elements(By.CSS_SELECTOR, ".cm-lintRange-error"))
    # The mark sits on the fourth line, where Oxigraph found the closing brace.
    line = browser.execute_script("""const r = document.querySelector('.cm-host').shadowRoot;
        const mark = r.querySelector('.cm-lintRange-error'); return [...r.querySelectorAll('.cm-line')].indexOf(mark.closest('.cm-line'));""")
    assert marked and line == 3
    assert root.find_elements(By.CSS_SELECTOR, ".cm-lint-marker-error")  # and in the gutter
    browser.save_screenshot(str(SCREENSHOTS / "editor-error.png"))
    assert [m for m in severe(browser) if "status of 400" not in m] == []  # the page itself answers 400


def test_ctrl_enter_runs_and_results_are_paged_sorted_and_filtered(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    browser.get(server + "/query")
    replace_text(browser, "SELECT ?state ?name WHERE { ?state a cdo:MemberState ; skos:prefLabel ?name }")
    chord(browser, Keys.CONTROL, Keys.ENTER)
    meta = wait(browser, lambda b: b.find_elements(By.ID, "result-meta"))[0]
    assert " rows in " in meta.text and "193 rows" in meta.text  # every UN member state, with the query time
    body = lambda: browser.find_elements(By.CSS_SELECTOR, "#result-view tbody tr")  # noqa: E731
    assert len(body()) == 100
    pager = browser.find_element(By.CSS_SELECTOR, "#result-view .pager .page")
    assert pager.text.strip() == "page 1 of 2"
    browser.find_element(By.XPATH, "//div[@id='result-view']//button[text()='next →']").click()
    assert len(body()) == 93 and "page 2 of 2" in browser.find_element(By.CSS_SELECTOR, "#result-view .pager .page").text
    browser.find_element(By.XPATH, "//div[@id='result-view']//th//button[starts-with(text(), 'name')]").click()
    first = browser.find_element(By.CSS_SELECTOR, "#result-view tbody tr td:nth-child(2)").text
    assert first == "Afghanistan"  # sorting goes back to the first page
    browser.find_element(By.XPATH, "//div[@id='result-view']//th//button[starts-with(text(), 'name')]").click()
    assert browser.find_element(By.CSS_SELECTOR, "#result-view tbody tr td:nth-child(2)").text == "Zimbabwe"
    browser.find_element(By.CSS_SELECTOR, "#result-view input.filter").send_keys("cote")
    rows = body()
    assert [r.find_element(By.CSS_SELECTOR, "td:nth-child(2)").text for r in rows] == ["Côte d'Ivoire"]  # accents fold
    assert "filtered from 193" in browser.find_element(By.CSS_SELECTOR, "#result-view .table-tools .count").text
    browser.save_screenshot(str(SCREENSHOTS / "results-filtered.png"))
    # The query is in this browser's history, and opens again from there.
    browser.get(server + "/query")
    recent = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#history li a"))
    assert recent[0].text.startswith("SELECT ?state ?name WHERE") and "193 rows" in browser.find_element(By.ID, "history").text
    assert not severe(browser)


def test_bar_line_and_graph_views(server, browser):
    from selenium.webdriver.common.by import By
    query = """SELECT ?state ?stance (COUNT(?p) AS ?n) WHERE { ?p cdo:positionOf ?s ; cdo:stance/skos:prefLabel ?stance .
               ?s a cdo:State ; skos:prefLabel ?state } GROUP BY ?state ?stance"""
    browser.get(server + "/query?query=" + quote(query))
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "button[data-view=bar]"))
    assert browser.find_element(By.CSS_SELECTOR, "button[data-view=line]").get_attribute("disabled") is not None
    browser.find_element(By.CSS_SELECTOR, "button[data-view=bar]").click()
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.chart.bar rect")
    states = {r["state"] for r in _json(server, query)}
    labels = [t.text for t in browser.find_elements(By.CSS_SELECTOR, "svg.chart.bar text.axis")]
    assert sorted(labels) == sorted(states) and len(bars) == len(_json(server, query))  # one bar segment per row
    browser.save_screenshot(str(SCREENSHOTS / "results-bar.png"))

    dates = "SELECT ?date (COUNT(?a) AS ?arguments) WHERE { ?a a cdo:Argument ; cdo:inEvent/cdo:date ?date } GROUP BY ?date"
    browser.get(server + "/query?query=" + quote(dates))
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "button[data-view=line]"))[0].click()
    dots = browser.find_elements(By.CSS_SELECTOR, "svg.chart.line circle")
    assert len(dots) == len(_json(server, dates)) == 2
    axis = browser.find_element(By.CSS_SELECTOR, "select[data-role=label]").find_element(By.XPATH, "..")
    assert axis.text.startswith("date")  # the line chart's x-axis is a date, and says so
    browser.save_screenshot(str(SCREENSHOTS / "results-line.png"))

    links = "SELECT ?argument ?maker WHERE { ?argument cdo:madeBy ?maker }"
    browser.get(server + "/query?query=" + quote(links))
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "button[data-view=graph]"))[0].click()
    found = _json(server, links)
    nodes = browser.find_elements(By.CSS_SELECTOR, "svg.graph g.node")
    assert len(nodes) == len({r["argument"] for r in found} | {r["maker"] for r in found})
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.graph line.edge")) == len(found)
    browser.save_screenshot(str(SCREENSHOTS / "results-graph.png"))
    assert not severe(browser)


def _json(server, query):
    import json
    import urllib.request
    with urllib.request.urlopen(server + "/sparql?query=" + quote(query), timeout=20) as resp:
        data = json.load(resp)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def test_the_network_is_coloured_and_clickable(server, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    browser.get(server + "/alignment")
    nodes = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#network svg.graph g.node"))
    kinds = {e.get_attribute("class").split()[1] for e in browser.find_elements(By.CSS_SELECTOR, "#network svg.graph line.edge")}
    assert kinds and kinds <= {"agree", "disagree", "mixed"}
    colours = set(browser.execute_script(
        "return [...document.querySelectorAll('#network line.edge')].map((e) => getComputedStyle(e).stroke)"))
    assert len(colours) == len(kinds)  # one colour per kind
    browser.execute_script("document.getElementById('network').scrollIntoView()")
    browser.save_screenshot(str(SCREENSHOTS / "alignment-network.png"))
    target = nodes[0]
    label = target.find_element(By.CSS_SELECTOR, "text").text
    ActionChains(browser).move_to_element(target.find_element(By.CSS_SELECTOR, "circle")).click().perform()
    wait(browser, lambda b: "/id/state/" in b.current_url)
    assert label in browser.find_element(By.TAG_NAME, "h1").text
    assert not severe(browser)


def test_chart_controls_stable_colours_full_labels_and_a_link_that_keeps_the_view(server, browser):
    """Issue #25: which column is label, value and series is chosen on the page; colours are colour-blind safe and
    stay with their series; labels are not cut; the page's link keeps view, sort, filter and columns."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    query = """SELECT ?state ?stance (COUNT(?p) AS ?n) WHERE { ?p cdo:positionOf ?s ; cdo:stance/skos:prefLabel ?stance .
               ?s a cdo:State ; skos:prefLabel ?state } GROUP BY ?state ?stance"""
    browser.get(server + "/query?query=" + quote(query))
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "button[data-view=bar]"))[0].click()
    colour = {r.get_attribute("data-series"): r.get_attribute("fill") for r in browser.find_elements(By.CSS_SELECTOR, "svg.chart.bar rect")}
    assert len(set(colour.values())) == len(colour)  # one colour per stance, none shared
    # Series by state instead: the controls redraw the chart, and the fragment remembers the choice.
    Select(browser.find_element(By.CSS_SELECTOR, "select[data-role=label]")).select_by_visible_text("stance")
    Select(browser.find_element(By.CSS_SELECTOR, "select[data-role=series]")).select_by_visible_text("state")
    labels = {t.text for t in browser.find_elements(By.CSS_SELECTOR, "svg.chart.bar text.axis")}
    assert labels == {r["stance"] for r in _json(server, query)}
    assert "label=stance" in browser.current_url and "series=state" in browser.current_url and "view=bar" in browser.current_url
    shared = browser.current_url
    assert browser.find_element(By.ID, "share-link").get_attribute("href") == shared
    browser.save_screenshot(str(SCREENSHOTS / "results-bar-controls.png"))
    browser.get(server + "/")
    browser.get(shared)  # the link shows what was on screen
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "svg.chart.bar"))
    assert {t.text for t in browser.find_elements(By.CSS_SELECTOR, "svg.chart.bar text.axis")} == labels
    # Sorted and filtered tables come back as they were, too.
    browser.find_element(By.CSS_SELECTOR, "button[data-view=table]").click()
    browser.find_element(By.CSS_SELECTOR, "input.filter").send_keys("Kenya")
    wait(browser, lambda b: "filter=Kenya" in b.current_url)
    browser.get(browser.current_url.replace("#", "#x=1&"))
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "input.filter"))
    assert browser.find_element(By.CSS_SELECTOR, "input.filter").get_attribute("value") == "Kenya"
    # A label longer than the old cut (38 characters) is drawn whole.
    long = ('SELECT ?who ?n WHERE { VALUES (?who ?n) { ("A delegation with a name longer than any axis allowed" 3) '
            '("Short" 2) } }')
    browser.get(server + "/query?query=" + quote(long) + "#view=bar")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "svg.chart.bar text.axis"))
    texts = [t.text for t in browser.find_elements(By.CSS_SELECTOR, "svg.chart.bar text.axis")]
    assert "A delegation with a name longer than any axis allowed" in texts
    assert not severe(browser)


def test_the_graph_view_draws_edge_kinds_from_a_column(server, browser):
    from selenium.webdriver.common.by import By
    query = """SELECT ?maker ?listed ?kind WHERE { ?a cdo:madeBy ?maker .
               { ?a cdo:agreeingActor ?listed BIND("agreed" AS ?kind) } UNION { ?a cdo:disagreeingActor ?listed BIND("disagreed" AS ?kind) } }"""
    browser.get(server + "/query?query=" + quote(query) + "#view=graph")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "svg.graph line.edge"))
    strokes = {e.get_attribute("data-colour") for e in browser.find_elements(By.CSS_SELECTOR, "svg.graph line.edge")}
    legend = [i.text.strip() for i in browser.find_elements(By.CSS_SELECTOR, ".graph-box .legend .item")]
    assert len(strokes) == 2 and sorted(legend) == ["agreed", "disagreed"]
    browser.save_screenshot(str(SCREENSHOTS / "results-graph-kinds.png"))
    assert not severe(browser)
