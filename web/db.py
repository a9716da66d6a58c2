"""The store the app reads: the published generation, reopened when a build publishes a new one."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pyoxigraph as ox
from flask import current_app, g, has_request_context

from kg import constants as C
from kg.store.generations import current_path

from .executor import Executor

_lock = threading.Lock()
_state: dict = {}


_links: dict[tuple[str, str], Path | None] = {}


def _generation() -> Path | None:
    """The published generation's folder: the `current` link is read once a request (one system call),
    and resolved again only when a build has repointed it."""
    root = current_app.config["STORE"]
    try:
        target = os.readlink(os.path.join(root, "current"))
    except OSError:
        return None
    key = (root, target)
    if key not in _links:
        if len(_links) > 64:
            _links.clear()
        _links[key] = current_path(Path(root))
    return _links[key]


def current_generation() -> Path | None:
    """Return the folder of the generation being served (None for a remote endpoint)."""
    store()
    return _state.get("gen") if not current_app.config.get("ENDPOINT") else None


def store():
    """Return the read-only store of the current generation (reopened after a new build), or the remote one.

    The generation is looked up once per request (a page asks for the store hundreds of times).
    """
    if has_request_context() and "kg_store" in g:
        return g.kg_store
    found = _open_store()
    if has_request_context():
        g.kg_store = found
    return found


def _open_store():
    if current_app.config.get("ENDPOINT"):
        with _lock:
            if "remote" not in _state:
                from kg.store.remote import RemoteStore
                _state["remote"] = RemoteStore(current_app.config["ENDPOINT"], timeout=current_app.config["QUERY_TIMEOUT"] + 5)
            return _state["remote"]
    gen = _generation()
    if gen is None:
        from flask import abort
        abort(503, description=f"no store at {current_app.config['STORE']}: run `kg build` first")
    with _lock:
        if _state.get("gen") != gen:
            old = _state.get("executor")
            _state.clear()
            _state.update(gen=gen, store=ox.Store.read_only(str(gen)))
            if old is not None:
                old.close()
            for opened in ON_OPEN:
                opened(gen)
        return _state["store"]


# Called with each generation as it is opened: web/entries.py reads the generation's lists then, in the
# background (registered there: this module imports none of the pages' modules).
ON_OPEN: list = []


def executor() -> Executor:
    """Return the worker pool for user queries over the current generation."""
    opened = store()  # makes sure the current generation is open (and _state["gen"] set)
    remote = opened if current_app.config.get("ENDPOINT") else None
    with _lock:
        if "executor" not in _state and remote is not None:
            from .executor import RemoteExecutor
            _state["executor"] = RemoteExecutor(remote, current_app.config["ROW_CAP"], current_app.config["BYTE_CAP"])
        if "executor" not in _state:
            cfg = current_app.config
            _state["executor"] = Executor(str(_state["gen"]), cfg["QUERY_WORKERS"], cfg["ROW_CAP"], cfg["ISOLATE_WORKERS"],
                                          cfg["BYTE_CAP"], cfg["QUERY_MEMORY"])
        return _state["executor"]


def listing():
    """The build's listing of the generation being served (kg.store.generations.Listing), or None for a remote store."""
    from kg.store.generations import Listing
    gen = current_generation()
    return Listing.of_generation(gen) if gen is not None else None


def quads() -> int:
    """The store's quads: the sum of the listing's graph sizes where it has them (counting every quad
    took 7.5–12 s at 10,000 reports), else counted."""
    found = listing()
    return sum(found.sizes.values()) if found is not None and found.sizes is not None else len(store())


def query(sparql: str, **kw):
    """Run one of the app's own queries in process (never user text)."""
    return store().query(sparql, use_default_graph_as_union=True, prefixes=C.PREFIXES, **kw)


def reset() -> None:
    """Forget the open store and stop the workers (tests and shutdown)."""
    with _lock:
        ex = _state.get("executor")
        if ex is not None:
            ex.close()
        _state.clear()
