"""Load the server with runaway queries beside ordinary clients; measure what the ordinary clients get.

Run: python -m bench.load [--store DIR] [--seconds S] [--out docs/benchmarks.md]
Starts `kg serve` on a loopback port (building a store from the sample and, when present, the real
reports unless --store is given) and runs, for 0, 2 and 4 runaway clients: 8 ordinary clients that
fetch pages and 4 that send a cheap query, each from its own loopback address (127.0.0.10…), while each
runaway client (127.0.0.2…) sends a cross join again and again. Then it samples the query workers'
RSS while the server answers the REPLACE query of issue #12 and a nested REPLACE. Then (issue #24) two
addresses with two runaway queries each beside a third address's cheap queries, and --sockets sockets
held open (a request head sent a byte at a time) while another address fetches `/`. Every loop is
bounded in time and sends traffic to 127.0.0.0/8 only.
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { ?s a cdo:Meeting }"
REPLACE = 'SELECT (REPLACE(STR(?o), "", STR(?o)) AS ?x) WHERE { ?s ?p ?o FILTER isLiteral(?o) }'
NESTED = ('SELECT ?b WHERE { ?s ?p ?o FILTER(isLiteral(?o) && STRLEN(STR(?o)) > 400) '
          'BIND(REPLACE(STR(?o), "", STR(?o)) AS ?a) BIND(REPLACE(?a, "", ?a) AS ?b) }')
PAGES = ["/", "/id/state/KEN", "/id/state/EST", "/search?q=fund", "/ontology"]


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")


def get(port: int, path: str, source: str, timeout: float = 30) -> tuple[int, float]:
    t = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return resp.status, time.perf_counter() - t
    except OSError:
        return 0, time.perf_counter() - t
    finally:
        conn.close()


def sparql(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def scenario(port: int, runaways: int, seconds: float) -> dict:
    stop = time.monotonic() + seconds
    pages: list[float] = []
    queries: dict[int, int] = {}
    lock = threading.Lock()

    def reader(i: int):
        src, n = f"127.0.0.{10 + i}", 0
        while time.monotonic() < stop:
            status, took = get(port, PAGES[n % len(PAGES)], src)
            with lock:
                if status == 200:
                    pages.append(took)
            n += 1

    def querier(i: int):
        src = f"127.0.0.{30 + i}"
        while time.monotonic() < stop:
            status, _ = get(port, sparql(CHEAP), src)
            with lock:
                queries[status] = queries.get(status, 0) + 1

    def runaway(i: int):
        while time.monotonic() < stop:
            get(port, sparql(RUNAWAY), f"127.0.0.{2 + i}", timeout=seconds + 15)

    threads = [threading.Thread(target=runaway, args=(i,)) for i in range(runaways)]
    for t in threads:
        t.start()
    time.sleep(0.5 if runaways else 0)
    ordinary_threads = [threading.Thread(target=reader, args=(i,)) for i in range(8)]
    ordinary_threads += [threading.Thread(target=querier, args=(i,)) for i in range(4)]
    for t in ordinary_threads:
        t.start()
    for t in ordinary_threads:
        t.join()
    for t in threads:
        t.join()
    total = sum(queries.values())
    return {"runaways": runaways, "pages_per_s": len(pages) / seconds, "page_p50_ms": 1000 * pct(pages, 0.5),
            "page_p95_ms": 1000 * pct(pages, 0.95), "queries_per_s": queries.get(200, 0) / seconds,
            "queries_ok": f"{queries.get(200, 0)}/{total}",
            "refused": ", ".join(f"{k}: {v}" for k, v in sorted(queries.items()) if k != 200) or "none"}


def greedy(port: int, seconds: float, cheap: int = 80) -> dict:
    """Two addresses send two runaway queries each, again and again; a third sends *cheap* queries one by one."""
    stop = time.monotonic() + seconds
    got: dict[int, int] = {}

    def runaway(src: str):
        while time.monotonic() < stop:
            get(port, sparql(RUNAWAY), src, timeout=seconds + 15)

    threads = [threading.Thread(target=runaway, args=(f"127.0.0.{2 + i // 2}",)) for i in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.0)  # the runaways hold their workers
    took = []
    for _ in range(cheap):
        status, t = get(port, sparql(CHEAP), "127.0.0.40")
        got[status] = got.get(status, 0) + 1
        took.append(t)
    for t in threads:
        t.join()
    return {"ok": got.get(200, 0), "total": cheap, "p95_ms": 1000 * pct(took, 0.95),
            "refused": ", ".join(f"{k}: {v}" for k, v in sorted(got.items()) if k != 200) or "none"}


def held_sockets(port: int, count: int, seconds: float, per_address: int = 50) -> dict:
    """Hold *count* sockets open on the server (reopening those it closes), each sending half a request head
    a byte at a time, from count/per_address loopback addresses; meanwhile fetch `/` from another address."""
    import resource
    import socket
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 1024)), hard))
    stop = time.monotonic() + seconds
    socks: list = [None] * count
    opened = [0]

    def connect(i: int):
        try:
            s = socket.socket()
            s.bind((f"127.0.1.{1 + i // per_address}", 0))
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            opened[0] += 1
            return s
        except OSError:
            return None

    def holder():
        n = 0
        while time.monotonic() < stop:
            for i in range(count):
                s = socks[i]
                if s is None:
                    socks[i] = connect(i)
                    continue
                try:
                    if s.recv(1, socket.MSG_PEEK) == b"":
                        raise OSError
                except BlockingIOError:
                    try:
                        s.send(b"GET / HTTP/1.1\r\nX: "[n % 20:n % 20 + 1] or b"x")
                    except OSError:
                        pass
                    continue
                except OSError:
                    pass
                s.close()
                socks[i] = connect(i)
            n += 1
            time.sleep(0.5)

    t = threading.Thread(target=holder)
    t.start()
    time.sleep(min(5.0, seconds / 3))
    took, bad = [], 0
    while time.monotonic() < stop - 1:
        status, dt = get(port, "/", "127.0.0.250", timeout=10)
        if status == 200:
            took.append(dt)
        else:
            bad += 1
        time.sleep(0.1)
    t.join()
    held = sum(1 for s in socks if s is not None)
    for s in socks:
        if s is not None:
            s.close()
    return {"sockets": count, "held": held, "opened": opened[0], "pages": len(took), "failed": bad,
            "p50_ms": 1000 * pct(took, 0.5), "p95_ms": 1000 * pct(took, 0.95)}


def worker_rss(server_pid: int) -> int:
    """Sum of VmRSS (KiB) of the server's child processes."""
    total = 0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) != server_pid:
                continue
            for line in Path(f"/proc/{d}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total = max(total, int(line.split()[1]))
        except (OSError, ValueError):
            continue
    return total


def memory(port: int, pid: int, query: str) -> tuple[int, float, int]:
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], worker_rss(pid))
            time.sleep(0.05)

    t = threading.Thread(target=sample)
    t.start()
    status, took = get(port, sparql(query), "127.0.0.99", timeout=60)
    done.set()
    t.join()
    return status, took, peak[0] // 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", type=Path)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--sockets", type=int, default=5000, help="sockets held open in the last scenario")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    store = args.store
    if store is None:
        store = Path(tmp.name) / "store"
        inputs = [str(ROOT / "samples")]
        real = ROOT.parent / "shared" / "reports"
        if real.is_dir():
            inputs.append(str(real))
        subprocess.run([sys.executable, "-m", "kg.cli", "build", *inputs, "--store", str(store)], check=True,
                       stdout=subprocess.DEVNULL)
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    server = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(store), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while get(port, "/", "127.0.0.1", 2)[0] != 200:
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        results = [scenario(port, n, args.seconds) for n in (0, 2, 4)]
        fair = greedy(port, args.seconds)
        held = held_sockets(port, args.sockets, max(20.0, args.seconds))
        mem = {name: memory(port, server.pid, q) for name, q in (("REPLACE over every literal", REPLACE),
                                                                 ("nested REPLACE", NESTED))}
    finally:
        server.terminate()
        server.wait(10)
    lines = [f"Produced by `python -m bench.load` ({args.seconds:g} s per row; `kg serve` defaults: 4 query workers, "
             "2 per client address, 10 s deadline, 1 GiB per worker). 8 readers fetch pages and 4 other clients send a "
             "cheap query, again and again, each on its own loopback address; each runaway client (an address of its "
             "own) sends a cross join again and again.", "",
             "| runaway clients | pages/s | page p50 / p95 (ms) | cheap queries answered/s | cheap queries answered | refused |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in results:
        lines.append(f"| {r['runaways']} | {r['pages_per_s']:.0f} | {r['page_p50_ms']:.0f} / {r['page_p95_ms']:.0f} | "
                     f"{r['queries_per_s']:.0f} | {r['queries_ok']} | {r['refused']} |")
    lines += ["", "Two addresses send two runaway queries each, again and again (every worker they may hold); a third "
              "address sends 80 cheap queries one after another:", "",
              "| cheap queries answered | p95 (ms) | refused |", "| --- | --- | --- |",
              f"| {fair['ok']}/{fair['total']} ({100 * fair['ok'] / fair['total']:.0f} %) | {fair['p95_ms']:.0f} | {fair['refused']} |",
              "", f"{held['sockets']:,} sockets held open from {held['sockets'] // 50} loopback addresses (50 each), each "
              "sending a request head a byte at a time (reopened when the server closes it at the request deadline); "
              "meanwhile another address fetches `/` ten times a second:", "",
              "| sockets | open at the end | connections made | `/` answered | failed | p50 / p95 (ms) |",
              "| --- | --- | --- | --- | --- | --- |",
              f"| {held['sockets']:,} | {held['held']:,} | {held['opened']:,} | {held['pages']} | {held['failed']} | "
              f"{held['p50_ms']:.0f} / {held['p95_ms']:.0f} |"]
    lines += ["", "| query | status | seconds | peak worker RSS (MiB) |", "| --- | --- | --- | --- |"]
    for name, (status, took, mib) in mem.items():
        lines.append(f"| {name} | {status} | {took:.1f} | {mib} |")
    text = "\n".join(lines)
    print(text)
    if args.out:
        doc = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        head = "## Load with runaway queries"
        section = f"{head}\n\n{text}\n"
        if head in doc:
            start = doc.index(head)
            end = doc.find("\n## ", start + len(head))
            doc = doc[:start] + section + (doc[end + 1:] if end != -1 else "")
        else:
            doc = doc.rstrip("\n") + "\n\n" + section
        args.out.write_text(doc, encoding="utf-8")
    tmp.cleanup()


if __name__ == "__main__":
    main()
