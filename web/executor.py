"""Run users' queries in worker processes that are gated, capped, killed at a deadline and replaced.

Neither pyoxigraph nor rdflib can stop a running query, so every step of a user's query (the gate,
the engine, collecting and serializing the answer) runs in a pre-started process that holds the
store open read-only. A worker:
- dies with the web process (PR_SET_PDEATHSIG; every worker is started from one thread that lives
  as long as the process, because the kernel sends that signal when the *thread* that forked ends);
- drops network access where the kernel allows (a new network namespace), as a second line behind
  the gate's refusal of SERVICE, and reports whether it could;
- is capped in memory (RLIMIT_DATA: the engine aborts on a failed allocation, and the worker is
  replaced) and in the rows and bytes it sends back.
Workers are shared fairly between client addresses: a query waits a moment for one (GRACE), an
address that already holds a worker may take another only while a second one stays free for the
addresses holding none, and a freed worker goes to the waiting address that holds the fewest. So two
addresses running away with every query they may send still leave a worker to a third. A query that
finds no worker within the moment is refused (503) rather than holding a web thread.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import re
import resource
import signal
import threading
from dataclasses import dataclass

from kg.procs import isolate_network
from kg.query import gate


class QueryTimeout(Exception):
    """The query ran past its deadline and its worker was killed."""


class QueryFailed(Exception):
    """The engine rejected or failed the query (syntax or evaluation error)."""


class QueryTooBig(Exception):
    """The query needed more memory than a worker may use; the worker was replaced."""


class Busy(Exception):
    """No worker is free right now."""


QueryRefused = gate.Refused  # the gate's refusal, raised again in the web process with the worker's payload


@dataclass(frozen=True)
class Request:
    """A user's query and how to answer it: result format per form (None: send the Result itself), dataset."""

    text: str
    formats: dict | None = None
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Answer:
    """A finished answer: the query form, serialized body and media type, and whether (and why) it was cut."""

    form: str
    body: bytes
    media_type: str
    truncated: bool
    cut_by: str


_POSITION = re.compile(r"error at (\d+):(\d+)")


def answer(store, req: Request, cap: int, byte_cap: int):
    """Gate, run, collect and serialize one query on *store*; return a message for the web process."""
    import pyoxigraph as ox

    from kg import constants as C

    from .results import RESULT_FORMATS, collect, form_of, has_native, native, serialize
    try:
        checked = gate.check(req.text, C.PREFIXES)
        gate.confirm(req.text, C.PREFIXES)  # the engine's own reading: here, under the deadline
    except gate.Refused as r:
        return ("refused", (r.status, r.message, r.line, r.column))
    kw: dict = {"use_default_graph_as_union": not checked.has_dataset}
    if req.default_graphs is not None or req.named_graphs is not None:
        # The protocol's dataset wins over FROM (SPARQL 1.1 Protocol 2.1.4); only our own graphs exist.
        kw = {"use_default_graph_as_union": False,
              "default_graph": [ox.NamedNode(g) for g in req.default_graphs or ()] or ox.DefaultGraph(),
              "named_graphs": [ox.NamedNode(g) for g in req.named_graphs or ()]}
    try:
        res = store.query(req.text, prefixes=C.PREFIXES, **kw)
        form = form_of(res)
        if req.formats is not None and has_native(form, req.formats[form]):
            # The engine's own writer is several times faster than collecting terms in Python; an answer
            # past a cap is run again and cut by collect(), which says where.
            body = native(res, req.formats[form], cap, byte_cap)
            if body is not None:
                return ("ok", Answer(form, body, RESULT_FORMATS[req.formats[form]], False, ""))
            res = store.query(req.text, prefixes=C.PREFIXES, **kw)
        result = collect(res, cap, byte_cap)
    except SyntaxError as exc:
        m = _POSITION.search(str(exc))
        return ("refused", (400, f"SPARQL syntax error: {exc}", int(m.group(1)) if m else None,
                            int(m.group(2)) if m else None))
    except MemoryError:
        return ("toobig", "")
    except Exception as exc:  # an evaluation error must not kill the worker
        return ("failed", f"query evaluation failed: {exc}")
    if req.formats is None:
        return ("ok", result)
    body, media = serialize(result, req.formats[result.form])
    return ("ok", Answer(result.form, body, media, result.truncated, result.cut_by))


def _worker(conn, store_path: str, cap: int, byte_cap: int, memory: int, isolate: bool, parent: int) -> None:
    from kg.procs import die_with_parent
    die_with_parent(parent)
    os.environ["RUST_BACKTRACE"] = "0"
    isolated = isolate_network() if isolate else False
    os.nice(10)  # pages (in the web process) come first when runaway queries compete for the cores
    import pyoxigraph as ox
    store = ox.Store.read_only(store_path)
    if memory:
        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    conn.send(("ready", isolated))
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(answer(store, req, cap, byte_cap))


_SPAWNS: queue.Queue | None = None
_SPAWN_LOCK = threading.Lock()


def _spawner() -> queue.Queue:
    """Return the queue of the thread that starts every worker of this process (started once, never ends)."""
    global _SPAWNS
    with _SPAWN_LOCK:
        if _SPAWNS is None:
            _SPAWNS = queue.Queue()

            def loop(jobs: queue.Queue) -> None:
                while True:
                    jobs.get()()

            threading.Thread(target=loop, args=(_SPAWNS,), name="kg-query-workers", daemon=True).start()
        return _SPAWNS


class Executor:
    """A small pool of killable query workers over one store generation."""

    GRACE = 0.25  # seconds a query may wait for a worker to come free

    def __init__(self, store_path: str, workers: int = 2, row_cap: int = 10_000, isolate: bool = True,
                 byte_cap: int = 16 << 20, memory: int = 1 << 30):
        self.store_path, self.cap, self.byte_cap, self.memory, self.isolate = store_path, row_cap, byte_cap, memory, isolate
        self.workers = workers
        self.ctx = mp.get_context("spawn")  # a clean interpreter: no Flask state, no inherited locks or fds
        self.idle: list = []  # (proc, conn) of workers waiting for a query, under self.free
        self.free = threading.Condition()
        self.held: dict[str, int] = {}  # workers held per client address
        self.waiting: list[tuple[int, str]] = []  # (seq, client) of the queries waiting for a worker
        self.seq = 0
        self.lock = threading.Lock()
        self.procs: set = set()
        self.starting = 0
        self.closed = False
        self.isolated: bool | None = None
        self.ready = threading.Event()
        for _ in range(workers):
            self._want()

    # -- starting and retiring workers (always from the one spawner thread) ----------------------
    def _want(self) -> None:
        with self.lock:
            self.starting += 1
        _spawner().put(self._spawn_one)

    def _spawn_one(self) -> None:
        try:
            worker = None if self.closed else self._start()
        except Exception:  # a worker that cannot start is retried on the next request
            worker = None
        with self.lock:
            self.starting -= 1
        if worker is not None:
            self._release(*worker)
        self.ready.set()

    def _start(self):
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker, daemon=True, name="kg-query-worker",
                                args=(child, self.store_path, self.cap, self.byte_cap, self.memory, self.isolate, os.getpid()))
        proc.start()
        child.close()
        with self.lock:
            self.procs.add(proc)
        if not parent.poll(60):
            self._retire(proc, parent, replace=False)
            return None
        try:
            _, isolated = parent.recv()
        except (EOFError, OSError):
            self._retire(proc, parent, replace=False)
            return None
        self.isolated = isolated if self.isolated is None else (self.isolated and isolated)
        return proc, parent

    def _retire(self, proc, conn, replace: bool = True) -> None:
        proc.kill()
        proc.join(5)
        conn.close()
        with self.lock:
            self.procs.discard(proc)
        if replace and not self.closed:
            self._want()

    def _release(self, proc, conn) -> None:
        if self.closed:
            self._retire(proc, conn, replace=False)
        else:
            with self.free:
                self.idle.append((proc, conn))
                self.free.notify_all()

    # -- sharing workers between client addresses --------------------------------------------
    def _eligible(self, client: str) -> bool:
        held = self.held.get(client, 0)
        return bool(self.idle) and (held == 0 or len(self.idle) > 1)

    def _first(self, me: tuple[int, str]) -> bool:
        """Tell whether *me* is the waiting query that gets the next worker: eligible, holding fewest, earliest."""
        best = min(((self.held.get(c, 0), seq) for seq, c in self.waiting if self._eligible(c)), default=None)
        return best == (self.held.get(me[1], 0), me[0])

    def _acquire(self, client: str, wait: float):
        with self.free:
            self.seq += 1
            me = (self.seq, client)
            self.waiting.append(me)
            try:
                if not self.free.wait_for(lambda: self._first(me), timeout=wait):
                    raise Busy("all query workers are busy")
                self.held[client] = self.held.get(client, 0) + 1
                return self.idle.pop()
            finally:
                self.waiting.remove(me)
                self.free.notify_all()  # the next in line may be eligible now

    def _unhold(self, client: str) -> None:
        with self.free:
            n = self.held.get(client, 0) - 1
            if n > 0:
                self.held[client] = n
            else:
                self.held.pop(client, None)
            self.free.notify_all()

    # -- running -----------------------------------------------------------------------------
    def run(self, req: Request, timeout: float, client: str = ""):
        """Run *req* for *client* (an address) in an idle worker; raise Busy, QueryTimeout, QueryTooBig,
        QueryRefused or QueryFailed."""
        # Wait for the first workers to start; after that, only a moment (a worker finishing a cheap
        # query): a busy pool answers 503 at once instead of queueing requests on web threads.
        wait = self.GRACE if self.ready.is_set() else min(timeout, 30.0)
        proc, conn = self._acquire(client, wait)
        try:
            return self._run_on(proc, conn, req, timeout)
        finally:
            self._unhold(client)

    def _run_on(self, proc, conn, req: Request, timeout: float):
        try:
            conn.send(req)
            if not conn.poll(timeout):
                self._retire(proc, conn)
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
            status, payload = conn.recv()
        except (EOFError, OSError):
            proc.join(2)
            code = proc.exitcode
            self._retire(proc, conn)
            if code in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
                raise QueryTooBig(self._too_big()) from None
            raise QueryFailed("the query worker died") from None
        if status == "toobig":
            self._retire(proc, conn)
            raise QueryTooBig(self._too_big())
        self._release(proc, conn)
        if status == "refused":
            raise QueryRefused(*payload)
        if status == "failed":
            raise QueryFailed(payload)
        return payload

    def _too_big(self) -> str:
        return f"the query needed more than the {self.memory >> 20} MiB a query may use, and was stopped"

    def pids(self) -> list[int]:
        with self.lock:
            return [p.pid for p in self.procs]

    def close(self) -> None:
        """Stop idle workers now and busy ones when their query ends (a running answer is not cut off)."""
        self.closed = True
        with self.free:
            idle, self.idle = self.idle, []
        for proc, conn in idle:
            self._retire(proc, conn, replace=False)


class RemoteExecutor:
    """Run queries on a remote endpoint: gated here, the HTTP request abandoned at the deadline."""

    def __init__(self, remote, row_cap: int, byte_cap: int = 16 << 20):
        self.remote, self.cap, self.byte_cap = remote, row_cap, byte_cap
        self.isolated = None

    def run(self, req: Request, timeout: float, client: str = ""):
        from kg import constants as C
        from kg.store.remote import RemoteError, RemoteTimeout

        from .results import collect, serialize
        try:
            gate.check(req.text, C.PREFIXES)
            gate.confirm_apart(req.text, C.PREFIXES, timeout)  # Oxigraph's own reading, in a child process
        except gate.Refused as r:
            raise QueryRefused(r.status, r.message, r.line, r.column) from None
        try:
            result = collect(self.remote.query(req.text, prefixes=C.PREFIXES, timeout=timeout,
                                               default_graphs=req.default_graphs, named_graphs=req.named_graphs),
                             self.cap, self.byte_cap)
        except RemoteTimeout as exc:
            raise QueryTimeout(str(exc)) from None
        except RemoteError as exc:
            raise QueryFailed(str(exc)) from None
        if req.formats is None:
            return result
        body, media = serialize(result, req.formats[result.form])
        return Answer(result.form, body, media, result.truncated, result.cut_by)

    def close(self) -> None:
        pass
