"""Run checked queries in worker processes that can be killed at a deadline and replaced.

Neither pyoxigraph nor rdflib can stop a running query, so each query runs in a pre-started
process that holds the store open read-only. When the deadline passes, the process is killed
(SIGKILL) and a fresh one takes its place; the web process itself never evaluates user SPARQL.
Workers also drop network access where the kernel allows it (a new network namespace), as a
second line behind the gate's refusal of SERVICE.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import queue
import threading
from dataclasses import dataclass

import pyoxigraph as ox

from kg import constants as C

CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000


class QueryTimeout(Exception):
    """The query ran past its deadline and its worker was killed."""


class QueryFailed(Exception):
    """The engine rejected or failed the query (syntax or evaluation error)."""


@dataclass
class Result:
    """What a worker sends back: SELECT rows as term dicts, a boolean, or triples, plus a truncation flag."""

    form: str
    variables: list[str]
    rows: list[dict]
    boolean: bool | None
    triples: list[tuple]
    truncated: bool


def _isolate_network() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return


def term(t) -> dict | None:
    """Encode a pyoxigraph term as a SPARQL JSON results term."""
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            d["datatype"] = t.datatype.value
        return d
    return {"type": "literal", "value": str(t)}


def _evaluate(store: ox.Store, query: str, form: str, cap: int) -> Result:
    try:
        res = store.query(query, use_default_graph_as_union=True, prefixes=C.PREFIXES)
    except SyntaxError as exc:
        raise QueryFailed(f"SPARQL syntax error: {exc}") from None
    return collect(res, form, cap)


def collect(res, form: str, cap: int) -> Result:
    """Turn pyoxigraph results (solutions, boolean or triples) into a Result of at most *cap* rows."""
    if form == "ASK":
        return Result(form, [], [], bool(res), [], False)
    if form in ("CONSTRUCT", "DESCRIBE"):
        triples = []
        for t in res:
            if len(triples) == cap:
                return Result(form, [], [], None, triples, True)
            triples.append((term(t.subject), term(t.predicate), term(t.object)))
        return Result(form, [], [], None, triples, False)
    names = [v.value for v in res.variables]
    rows = []
    for sol in res:
        if len(rows) == cap:
            return Result(form, names, rows, None, [], True)
        rows.append({n: term(sol[n]) for n in names if sol[n] is not None})
    return Result(form, names, rows, None, [], False)


class RemoteExecutor:
    """Run checked queries on a remote endpoint: the HTTP request is abandoned at the deadline."""

    def __init__(self, remote, row_cap: int):
        self.remote, self.cap = remote, row_cap

    def run(self, query: str, form: str, timeout: float) -> Result:
        from kg.remote import RemoteError, RemoteTimeout
        try:
            return collect(self.remote.query(query, timeout=timeout), form, self.cap)
        except RemoteTimeout as exc:
            raise QueryTimeout(str(exc)) from None
        except RemoteError as exc:
            raise QueryFailed(str(exc)) from None

    def close(self) -> None:
        pass


def _worker(conn, store_path: str, cap: int, isolate: bool) -> None:
    if isolate:
        _isolate_network()
    store = ox.Store.read_only(store_path)
    while True:
        try:
            query, form = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", _evaluate(store, query, form, cap)))
        except QueryFailed as exc:
            conn.send(("failed", str(exc)))
        except Exception as exc:  # an engine error must not kill the worker
            conn.send(("failed", f"query evaluation failed: {exc}"))


class Executor:
    """A small pool of killable query workers over one store generation."""

    def __init__(self, store_path: str, workers: int = 2, row_cap: int = 10_000, isolate: bool = True):
        self.store_path, self.cap, self.isolate = store_path, row_cap, isolate
        self.ctx = mp.get_context("spawn")  # a clean interpreter: no Flask state, no inherited locks
        self.idle: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        self.all: list = []
        for _ in range(workers):
            self.idle.put(self._start())

    def _start(self):
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker, args=(child, self.store_path, self.cap, self.isolate), daemon=True)
        proc.start()
        child.close()
        with self.lock:
            self.all.append(proc)
        return proc, parent

    def run(self, query: str, form: str, timeout: float) -> Result:
        """Run *query* in a worker; raise QueryTimeout (worker killed and replaced) or QueryFailed."""
        try:
            proc, conn = self.idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout("all query workers are busy") from None
        try:
            conn.send((query, form))
            if not conn.poll(timeout):
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
            status, payload = conn.recv()
        except (QueryTimeout, EOFError, OSError) as exc:
            proc.kill()
            proc.join(5)
            with self.lock:
                self.all.remove(proc)
            self.idle.put(self._start())
            if isinstance(exc, QueryTimeout):
                raise
            raise QueryFailed("the query worker died") from None
        self.idle.put((proc, conn))
        if status == "failed":
            raise QueryFailed(payload)
        return payload

    def close(self) -> None:
        with self.lock:
            for p in self.all:
                p.kill()
            self.all.clear()
