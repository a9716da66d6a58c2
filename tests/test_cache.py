"""Values the web computes once per store generation (web.browse.cached)."""

from __future__ import annotations

import threading
import time

import pytest

from web import create_app, db
from web.browse import cached


@pytest.fixture
def app_and_store(tmp_path, monkeypatch):
    """An app whose store is whatever object current["store"] holds: a new object is a newly published generation."""
    app = create_app({"STORE": str(tmp_path), "ISOLATE_WORKERS": False})
    current = {"store": object()}
    monkeypatch.setattr(db, "store", lambda: current["store"])
    return app, current


def test_a_value_is_made_once_while_others_wait_for_it(app_and_store):
    app, _ = app_and_store
    made, got = [], []

    def make():
        made.append(1)
        time.sleep(0.3)
        return object()

    def ask():
        with app.test_request_context("/"):
            got.append(cached("slow", make))
    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1 and len(got) == 4 and all(v is got[0] for v in got)


def test_a_value_made_while_a_build_published_is_not_kept(app_and_store):
    app, current = app_and_store

    def make_while_publishing():
        current["store"] = object()  # a build publishes, and another request opens the new generation
        with app.test_request_context("/"):
            assert cached("other", lambda: 1) == 1
        return "the previous generation's"
    with app.test_request_context("/"):
        assert cached("value", make_while_publishing) == "the previous generation's"  # its caller gets it
    with app.test_request_context("/"):
        assert cached("value", lambda: "the new generation's") == "the new generation's"
        assert cached("value", lambda: "made again") == "the new generation's"


def test_a_value_whose_making_failed_is_made_again(app_and_store):
    app, _ = app_and_store

    def fail():
        raise RuntimeError("the store went away")
    with app.test_request_context("/"):
        with pytest.raises(RuntimeError):
            cached("value", fail)
        assert cached("value", lambda: 2) == 2
