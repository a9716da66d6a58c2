"""Canned queries (web/answers.py): a longer deadline, one computation per generation, shared by concurrent requests."""

from __future__ import annotations

import threading
import time
from urllib.parse import quote

import pytest

from web import create_app, db
from web.executor import Busy, Executor
from web.sparql import canned

JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture
def runs(monkeypatch):
    """Count the queries handed to a worker."""
    seen = []
    real = Executor.run

    def counted(self, req, timeout, client=""):
        seen.append((req.text, timeout))
        return real(self, req, timeout, client)
    monkeypatch.setattr(Executor, "run", counted)
    return seen


@pytest.fixture
def app(built_store):
    db.reset()  # the open store and its workers are the process's: start from none, whatever ran before
    app = create_app({"STORE": str(built_store[0]), "CANNED_TIMEOUT": 60})
    yield app
    db.reset()


def all_idle(ex, timeout: float = 120) -> None:
    """Wait until every worker of *ex* has started and is idle."""
    deadline = time.monotonic() + timeout
    while len(ex.idle) < ex.workers and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(ex.idle) == ex.workers, "the query workers did not start"


def _text(name: str) -> str:
    return next(q["text"] for q in canned() if q["name"] == name)


def test_a_canned_answer_is_computed_once_and_equals_the_query_run_afresh(app, runs):
    text = _text("who-agreed-with-whom-in-a-meeting")
    client = app.test_client()
    first = client.get("/sparql?query=" + quote(text), headers=JSON)
    again = client.get("/sparql?query=" + quote(text.replace("\n", "\r\n")), headers=JSON)  # as a browser's form sends it
    fresh = client.get("/sparql?query=" + quote(text + "\n# the same query, not canned"), headers=JSON)
    assert first.status_code == again.status_code == fresh.status_code == 200
    assert first.json == again.json == fresh.json and len(first.json["results"]["bindings"]) > 5
    assert [t for t, _ in runs].count(text) == 1 and len(runs) == 2
    page = client.get("/query?canned=who-agreed-with-whom-in-a-meeting")
    assert page.status_code == 200 and len(runs) == 3  # the page keeps rows, not bytes: its own entry
    client.get("/query?canned=who-agreed-with-whom-in-a-meeting")
    assert len(runs) == 3


def test_canned_queries_get_their_own_deadline(built_store, runs):
    db.reset()  # workers left busy by an earlier module's queries would answer 503 for another reason
    app = create_app({"STORE": str(built_store[0]), "QUERY_TIMEOUT": 1e-4, "CANNED_TIMEOUT": 60})
    try:
        client = app.test_client()
        text = _text("stance-profile-of-each-state")
        with app.app_context():
            ex = db.executor()
        all_idle(ex)  # in a full run other modules' workers load the cores: a worker still starting made this a 503 "busy"
        assert client.get("/sparql?query=" + quote(text), headers=JSON).status_code == 200
        all_idle(ex)
        late = client.get("/sparql?query=" + quote(text + "\n# not canned"), headers=JSON)
        assert late.status_code == 503 and "longer than" in late.json["error"]
        assert sorted(t for _, t in runs) == [1e-4, 60]
    finally:
        db.reset()


def test_concurrent_requests_share_one_computation(app, runs):
    text = _text("differences-and-the-arguments-they-cite")
    out = []

    def ask():
        out.append(app.test_client().get("/sparql?query=" + quote(text), headers=JSON))
    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in out] == [200] * 4 and len({r.data for r in out}) == 1
    assert len(runs) == 1


def test_a_failure_is_not_remembered(app, runs, monkeypatch):
    text = _text("suggested-compromises")
    real = Executor.run
    calls = []

    def busy_once(self, req, timeout, client=""):
        calls.append(1)
        if len(calls) == 1:
            raise Busy("all query workers are busy")
        return real(self, req, timeout, client)
    monkeypatch.setattr(Executor, "run", busy_once)
    client = app.test_client()
    assert client.get("/sparql?query=" + quote(text), headers=JSON).status_code == 503
    assert client.get("/sparql?query=" + quote(text), headers=JSON).status_code == 200
    assert client.get("/sparql?query=" + quote(text), headers=JSON).status_code == 200
    assert len(calls) == 2


def test_a_new_generation_computes_its_own_answers(tmp_path, runs):
    from kg.store.build import build

    from .conftest import SAMPLE
    src = tmp_path / "in"
    src.mkdir()
    (src / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    build([src], tmp_path / "store")
    app = create_app({"STORE": str(tmp_path / "store")})
    try:
        client = app.test_client()
        text = _text("speaking-time-by-delegation")
        before = client.get("/sparql?query=" + quote(text), headers=JSON).json["results"]["bindings"]
        assert client.get("/sparql?query=" + quote(text), headers=JSON).json["results"]["bindings"] == before
        (src / "2024-12-05-another-meeting.txt").write_text(
            SAMPLE.read_text(encoding="utf-8").replace("4 Dec 2024", "5 Dec 2024"), encoding="utf-8")
        build([src], tmp_path / "store")
        after = client.get("/sparql?query=" + quote(text), headers=JSON).json["results"]["bindings"]
        assert len(after) == 2 * len(before) > 0 and len(runs) == 2
    finally:
        db.reset()


def test_a_remote_stores_pages_and_answers_are_kept_for_a_while_only(monkeypatch):
    """A remote store changes without this process knowing: what is kept for it expires."""
    from web import labels as browse  # where the per-generation cache lives (web/labels.py)
    app = create_app({"STORE": "unused", "ENDPOINT": "http://127.0.0.1:9/query", "REMOTE_CACHE_SECONDS": 60})
    remote = object()
    monkeypatch.setattr(db, "store", lambda: remote)
    now = [6000.0]
    monkeypatch.setattr(browse.time, "monotonic", lambda: now[0])
    made = []
    with app.app_context():
        def get():
            return browse.cached("page", lambda: made.append(1) or len(made))
        assert get() == get() == 1
        now[0] += 59
        assert get() == 1
        now[0] += 2
        assert get() == 2
