"""Shared fixtures: the real reports beside the checkout, and stores built from them once per run."""

from __future__ import annotations

import socket
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT.parent / "shared" / "reports"
MEETING = REPORTS / "2025-07-10-oewg-11th-session-meeting-6.txt"
WEBINAR = REPORTS / "2025-07-23-webinar-un-cyber-dialogue.txt"
SAMPLE = ROOT / "samples" / "2024-12-04-oewg-10th-session-meeting-3.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def free_port() -> int:
    """Return a loopback port nobody listens on (for servers the tests start)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for_port(port: int, seconds: float = 20) -> None:
    """Wait until something accepts connections on the loopback *port*."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


@contextmanager
def serving(app, threads: int = 4):
    """Serve *app* with waitress on a free loopback port while the block runs; yield its base URL."""
    import threading

    import waitress.server
    port = free_port()
    srv = waitress.server.create_server(app, host="127.0.0.1", port=port, threads=threads)
    threading.Thread(target=srv.run, daemon=True).start()
    wait_for_port(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.close()


def chrome(width: int = 1280, height: int = 1000):
    """Start headless Debian Chromium through Selenium, or skip where it is not installed."""
    import shutil
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (binary and driver):
        pytest.skip("Debian's chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--window-size={width},{height}"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=opts)


def real_reports() -> Path:
    """Return the folder of real reports, or skip where it is not beside the checkout (a user's machine)."""
    if not MEETING.exists():
        pytest.skip("../shared/reports is not beside this checkout")
    return REPORTS


@pytest.fixture(scope="session")
def reports_dir() -> Path:
    return real_reports()


@pytest.fixture(scope="session")
def sample_only_store(tmp_path_factory) -> Path:
    """A store built from the sample report alone, for tests that only read it (no ../shared needed)."""
    from kg.store.build import build
    root = tmp_path_factory.mktemp("sample-store") / "store"
    assert build([SAMPLE], root).published
    return root


@pytest.fixture(scope="session")
def built_store(tmp_path_factory, reports_dir):
    """A store built from the real reports and the sample; returns (store folder, build result)."""
    from kg.store.build import build
    root = tmp_path_factory.mktemp("store")
    result = build([reports_dir, SAMPLE], root)
    assert result.published and not result.rejected, [r.error for r in result.rejected]
    return root, result


@pytest.fixture(scope="session")
def store(built_store):
    from kg.store.generations import open_read_only
    return open_read_only(built_store[0])


def rows(store, query: str) -> list[dict]:
    """Run *query* over the union of all graphs and return rows as {var: value}."""
    from kg import constants as C
    res = store.query(query, use_default_graph_as_union=True, prefixes=C.PREFIXES)
    names = [v.value for v in res.variables]
    return [{n: (sol[n].value if sol[n] is not None else None) for n in names} for sol in res]


def named(store, query: str) -> list[dict]:
    """Run *query* and return rows as the query page shows them: an IRI by its label (skos:prefLabel, else rdfs:label)."""
    import pyoxigraph as ox

    from kg import constants as C
    res = store.query(query, use_default_graph_as_union=True, prefixes=C.PREFIXES)
    names = [v.value for v in res.variables]
    preds = [ox.NamedNode(C.PREFIXES["skos"] + "prefLabel"), ox.NamedNode(C.PREFIXES["rdfs"] + "label")]
    memo: dict = {}

    def show(term):
        if term is None or not isinstance(term, ox.NamedNode):
            return None if term is None else term.value
        if term not in memo:
            found = [q.object.value for p in preds for q in store.quads_for_pattern(term, p, None, None)]
            memo[term] = found[0] if found else term.value
        return memo[term]
    return [{n: show(sol[n]) for n in names} for sol in res]


@pytest.fixture(scope="session")
def mapped():
    """The rdflib graphs of the two real reports, as the mapper makes them (no inference)."""
    real_reports()
    from kg.check.prepared import default_resolver
    from kg.map.mapper import map_report
    from kg.read.parser import parse_file
    out = {}
    for path in (MEETING, WEBINAR):
        out[path.name] = (parse_file(path), map_report(parse_file(path), default_resolver(), path.read_bytes()))
    return out
