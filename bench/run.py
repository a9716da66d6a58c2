"""Benchmark the build, the store, the web app and the export on synthetic corpora; write docs/benchmarks.md.

Run: python -m bench.run [N …] [--rdflib-max N] [--runs R] [--export-seconds S] [--out docs/benchmarks.md]
For each N it generates N reports (bench/synth.py), builds them with `kg build`, adds one report,
times every canned query through pyoxigraph and, side by side, through an rdflib in-memory Graph
holding the same triples, times entity pages and /sparql under 8 concurrent clients on loopback,
and times a Turtle export. It prints a table and writes it as Markdown.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from kg import constants as C
from kg.export import export
from kg.store.generations import current_path

from .synth import synthesize

ROOT = Path(__file__).resolve().parents[1]
QUERIES = sorted((ROOT / "web" / "queries").glob("*.rq"))
# What an entity page asks of the store, side by side with the canned queries.
ENTITY = {"entity-page: outgoing links of a state": "SELECT ?p ?o WHERE { state:EGY ?p ?o }",
          "entity-page: incoming links of a state": "SELECT ?s ?p WHERE { ?s ?p state:EGY }"}


LOOKUP = "SELECT ?p ?o WHERE { state:EGY ?p ?o }"
# Every kind of entity page a reader reaches from the home page, each the first visit of a generation.
PAGE_KINDS = {
    "state": "SELECT DISTINCT ?x WHERE { ?p cdo:participant ?x . ?x a cdo:State }",
    "group": "SELECT DISTINCT ?x WHERE { ?x a cdo:Group }",
    "mechanism or instrument": "SELECT DISTINCT ?x WHERE { ?p cdo:target ?x FILTER NOT EXISTS { ?x a cdo:Issue } }",
    "issue": "SELECT DISTINCT ?x WHERE { ?x a cdo:Issue }",
    "topic": "SELECT DISTINCT ?x WHERE { ?a cdo:topic ?x }",
    "person": "SELECT DISTINCT ?x WHERE { ?x a cdo:Person }",
    "meeting": "SELECT DISTINCT ?x WHERE { ?x a cdo:Event }",
    "argument": "SELECT ?x WHERE { ?x a cdo:Argument } LIMIT 2000",
}


def page_kinds(st: ox.Store, per_kind: int = 20) -> dict[str, list[str]]:
    """Paths of up to *per_kind* pages of each kind, spread evenly over the IRIs sorted (the same every run)."""
    out = {}
    for kind, q in PAGE_KINDS.items():
        found = sorted(r[0].value for r in st.query(PREFIXES + q, use_default_graph_as_union=True) if r[0].value.startswith(C.DATA_NS))
        step = max(1, len(found) // per_kind)
        out[kind] = ["/id/" + iri[len(C.DATA_NS):] for iri in found[::step][:per_kind]]
    return out


def first_visits_by_kind(get, kinds: dict[str, list[str]]) -> dict[str, list[float]]:
    """Time *get(path)* once for every page (the first visit of each: nothing of it cached yet), and the
    home page and a first search."""
    out = {}
    for kind, paths in [("home", ["/"]), ("first search", ["/search?q=viet"]), *kinds.items()]:
        out[kind] = []
        for path in paths:
            t = time.perf_counter()
            get(path)
            out[kind].append(time.perf_counter() - t)
    return out


def kinds_table(visits: dict[str, list[float]]) -> list[str]:
    lines = ["| page | pages | first visit p50 / p95 / max (ms) |", "| --- | --- | --- |"]
    for kind, times in visits.items():
        lines.append(f"| {kind} | {len(times)} | {pct(times, .5) * 1000:,.0f} / {pct(times, .95) * 1000:,.0f} / {max(times) * 1000:,.0f} |")
    return lines


def query_texts() -> dict[str, str]:
    out = {q.stem: q.read_text(encoding="utf-8") for q in QUERIES}
    out.update(ENTITY)
    return out
PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in C.PREFIXES.items())


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def kg(*args: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def time_queries(store: ox.Store, runs: int = 5) -> dict[str, list[float]]:
    out = {}
    for name, body in query_texts().items():
        text = PREFIXES + body
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            list(store.query(text, use_default_graph_as_union=True))
            times.append(time.perf_counter() - t)
        out[name] = times
    return out


class Timeout(Exception):
    pass


def time_rdflib(nquads: bytes, runs: int = 3, cap: float = 30.0) -> tuple[float, dict[str, list[float] | None]]:
    """Load the same triples into an rdflib Graph and time the canned queries (None: over *cap* seconds)."""
    from rdflib import Dataset, Graph
    t = time.perf_counter()
    ds = Dataset()
    ds.parse(data=nquads.decode("utf-8"), format="nquads")
    g = Graph()  # the union of all graphs, as the store's default graph is for our queries
    for s, p, o, _ in ds.quads():
        g.add((s, p, o))
    del ds
    load = time.perf_counter() - t

    def alarm(*_):
        raise Timeout()

    signal.signal(signal.SIGALRM, alarm)
    out: dict[str, list[float] | None] = {}
    for name, body in query_texts().items():
        text = PREFIXES + body
        times = []
        try:
            for _ in range(runs):
                signal.setitimer(signal.ITIMER_REAL, cap)
                t = time.perf_counter()
                list(g.query(text))
                times.append(time.perf_counter() - t)
                signal.setitimer(signal.ITIMER_REAL, 0)
            out[name] = times
        except Timeout:
            out[name] = None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return load, out


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_kib(pid: int) -> int:
    total = 0
    for p in [pid] + [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def load_test(base: str, paths: list[str], clients: int = 8, per_client: int = 25) -> tuple[list[float], float, int]:
    """Send clients × per_client GETs (bounded) on loopback; return latencies, requests/s, errors."""
    lat: list[float] = []
    errors = 0
    lock = threading.Lock()

    def worker(i):
        nonlocal errors
        for j in range(per_client):
            url = base + paths[(i + j) % len(paths)]
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=30) as r:
                    r.read()
                    ok = r.status == 200
            except Exception:
                ok = False
            with lock:
                lat.append(time.perf_counter() - t)
                errors += not ok

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return lat, len(lat) / (time.perf_counter() - t), errors


class _Sink(io.RawIOBase):
    """Count the bytes written (a whole store's Turtle does not belong in memory)."""

    def __init__(self):
        self.n = 0

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.n += len(b)
        return len(b)


def timed_export(st: ox.Store, seconds: float, folder: Path | None = None) -> tuple[float, int, int]:
    """Export the store as Turtle; return (seconds, triples written, bytes). From the generation *folder*'s
    Turtle files when it has them (kg/store/dumps.py: the whole store, as `kg export` does), else by the engine;
    with *seconds*, the engine stops after that long and the rate so far is reported (a 10,000-report
    export takes longer than it tells)."""
    out = _Sink()
    t = time.perf_counter()
    if folder is not None and ((folder / C.GRAPH_FILES).is_file() or (folder / C.GRAPH_DUMPS).is_dir()):
        export(st, out, "turtle", None, folder)
        return time.perf_counter() - t, len(st), out.n
    if not seconds:
        export(st, out, "turtle")
        return time.perf_counter() - t, len(st), out.n
    from kg.export import SERIAL_PREFIXES
    written = 0
    deadline = t + seconds

    def triples():
        nonlocal written
        for q in st.quads_for_pattern(None, None, None, None):
            if written % 1024 == 0 and time.perf_counter() > deadline:
                return
            written += 1
            yield ox.Triple(q.subject, q.predicate, q.object)
    ox.serialize(triples(), out, ox.RdfFormat.TURTLE, prefixes=SERIAL_PREFIXES)
    return time.perf_counter() - t, written, out.n


def progress(n: int, what: str) -> None:
    """Say on stderr what finished (a 10,000-report run takes hours: a cut run still tells something)."""
    print(f"[{time.strftime('%H:%M:%S')}] {n} reports: {what}", file=sys.stderr, flush=True)


def bench(n: int, work: Path, rdflib_max: int, sources: list[Path], runs: int = 5, export_seconds: float = 0) -> dict:
    corpus, store = work / f"corpus-{n}", work / f"store-{n}"
    synthesize(sources, corpus, n)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    build_s = kg("build", str(corpus), "--store", str(store))
    peak_kib = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    progress(n, f"built in {build_s:.0f} s, peak RSS {peak_kib / 1024:.0f} MiB")
    extra = synthesize(sources, work / f"extra-{n}", n + 1)[-1]
    adds = []
    for i in range(3):  # one sample right after the build moved by ±0.5 s: the median of three, removed between
        if i:
            (corpus / extra.name).unlink()
            kg("remove", extra.name, "--store", str(store))
        shutil.copy(extra, corpus / extra.name)
        adds.append(kg("build", str(corpus), "--store", str(store)))
    add_s = statistics.median(adds)
    progress(n, f"added one report in {add_s:.1f} s (median of {', '.join(f'{a:.2f}' for a in adds)} s)")
    st = ox.Store.read_only(str(current_path(store)))
    quads = len(st)
    oxq = time_queries(st, runs)
    progress(n, "canned queries (ms, median): " + ", ".join(f"{k} {statistics.median(v) * 1000:.0f}" for k, v in oxq.items()))
    scan = []
    for _ in range(3):  # the yardstick of issue #10: every canned query within half a full scan
        t = time.perf_counter()
        list(st.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", use_default_graph_as_union=True))
        scan.append(time.perf_counter() - t)
    progress(n, f"full scan {statistics.median(scan) * 1000:.0f} ms")
    export_s, exported, export_bytes = timed_export(st, export_seconds, current_path(store))
    progress(n, f"Turtle export {exported / export_s:,.0f} triples/s")
    result = dict(n=n, build_s=build_s, peak_mib=peak_kib / 1024, add_s=add_s, quads=quads, oxq=oxq,
                  scan_s=statistics.median(scan),
                  export_s=export_s, exported=exported, export_mb=export_bytes / 1e6)
    if n <= rdflib_max:
        nq = io.BytesIO()
        st.dump(nq, format=ox.RdfFormat.N_QUADS)
        result["rdflib_load_s"], result["rdq"] = time_rdflib(nq.getvalue())
    del st
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/sparql", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        st = ox.Store.read_only(str(current_path(store)))
        spoke = sorted({r["s"].value for r in st.query(
            PREFIXES + "SELECT DISTINCT ?s WHERE { ?p cdo:participant ?s . ?s a cdo:State }", use_default_graph_as_union=True)})
        del st
        pages = ["/id/" + iri[len(C.DATA_NS):] for iri in spoke][:80]
        cold = []
        for path in pages:  # first visits: nothing cached yet
            t = time.perf_counter()
            urllib.request.urlopen(base + path, timeout=30).read()
            cold.append(time.perf_counter() - t)
        st = ox.Store.read_only(str(current_path(store)))
        kinds = page_kinds(st)
        del st
        by_kind = first_visits_by_kind(lambda path: urllib.request.urlopen(base + urllib.parse.quote(path, safe="/?=&"), timeout=120).read(), kinds)
        progress(n, "first visits by kind (p95 ms): " + ", ".join(f"{k} {pct(v, .95) * 1000:.0f}" for k, v in by_kind.items()))
        lat, rps, errors = load_test(base, pages)
        over_http, kept_alive, local = lookups(base, store)
        q = urllib.parse.quote("SELECT ?s WHERE { ?s a cdo:State } LIMIT 10")
        slat, srps, serr = load_test(base, [f"/sparql?query={q}"])
        progress(n, f"first visits p50 {pct(cold, .5) * 1000:.0f} / p95 {pct(cold, .95) * 1000:.0f} ms, "
                    f"lookup over HTTP {pct(over_http, .5) * 1000:.1f} ms (kept alive {pct(kept_alive, .5) * 1000:.1f}), "
                    f"in process {pct(local, .5) * 1000:.1f} ms")
        result.update(cold_p50=pct(cold, .5), cold_p95=pct(cold, .95), pages=len(pages), by_kind=by_kind,
                      page_p50=pct(lat, .5), page_p95=pct(lat, .95), page_rps=rps, page_err=errors,
                      sparql_p50=pct(slat, .5), sparql_p95=pct(slat, .95), sparql_rps=srps, sparql_err=serr,
                      lookup_http=over_http, lookup_kept_alive=kept_alive, lookup_local=local,
                      serve_rss_mib=rss_kib(server.pid) / 1024)
    finally:
        server.terminate()
        server.wait(10)
    return result


def lookups(base: str, store: Path, n: int = 200) -> tuple[list[float], list[float], list[float]]:
    """Time one entity lookup through /sparql with a new connection each time, over one kept-alive
    connection, and by the engine in this process (query and JSON results, as a worker answers it),
    taking turns, so that all three see the same machine: measured apart, minutes apart, the
    difference of two noisy figures had said 7.5 ms."""
    import http.client
    lookup = "/sparql?query=" + urllib.parse.quote(LOOKUP)
    headers = {"Accept": "application/sparql-results+json"}
    st = ox.Store.read_only(str(current_path(store)))
    conn = http.client.HTTPConnection(urllib.parse.urlsplit(base).netloc, timeout=30)
    fresh, alive, local = [], [], []
    for i in range(n + 10):  # the first rounds warm caches and workers
        t = time.perf_counter()
        urllib.request.urlopen(urllib.request.Request(base + lookup, headers=headers), timeout=30).read()
        t1 = time.perf_counter()
        conn.request("GET", lookup, headers=headers)
        conn.getresponse().read()
        t2 = time.perf_counter()
        st.query(PREFIXES + LOOKUP, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
        t3 = time.perf_counter()
        if i >= 10:
            fresh.append(t1 - t)
            alive.append(t2 - t1)
            local.append(t3 - t2)
    conn.close()
    return fresh, alive, local


def machine() -> str:
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    mem = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1]) // 1024 ** 2
    import owlrl
    import pyshacl
    import rdflib
    return (f"{os.cpu_count()} cores ({cpu}), {mem} GiB RAM, Python {platform.python_version()}, "
            f"pyoxigraph {ox.__version__}, rdflib {rdflib.__version__}, pyshacl {pyshacl.__version__}, owlrl {owlrl.__version__}")


def report(results: list[dict]) -> str:
    lines = ["# Benchmarks", "", f"Machine: {machine()}.", "",
             "Produced by `python -m bench.run " + " ".join(str(r["n"]) for r in results) + "` on synthetic corpora made "
             "from the two real reports by `bench/synth.py`.", "",
             "## Build, export, serving", "",
             "| reports | quads | full build (s) | reports/s | triples/s | peak RSS (MiB) | add one report, median of 3 (s) | Turtle export (s) | export triples/s | state page, first visit p50 / p95 (ms) | state page, 8 clients p50 / p95 (ms) | pages/s | /sparql p50 / p95 (ms), 8 clients | queries/s | serving RSS (MiB) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        lines.append(f"| {r['n']} | {r['quads']:,} | {r['build_s']:.0f} | {r['n'] / r['build_s']:.2f} | {r['quads'] / r['build_s']:,.0f} | "
                     f"{r['peak_mib']:.0f} | {r['add_s']:.1f} | {r['export_s']:.1f}{'' if r['exported'] == r['quads'] else ' (cut)'} | {r['exported'] / r['export_s']:,.0f} | "
                     f"{r['cold_p50'] * 1000:.0f} / {r['cold_p95'] * 1000:.0f} | "
                     f"{r['page_p50'] * 1000:.0f} / {r['page_p95'] * 1000:.0f} | {r['page_rps']:.0f} | "
                     f"{r['sparql_p50'] * 1000:.0f} / {r['sparql_p95'] * 1000:.0f} | {r['sparql_rps']:.0f} | {r['serve_rss_mib']:.0f} |")
    for r in results:
        worst = max(pct(t, .5) for name, t in r["oxq"].items() if not name.startswith("entity-page"))
        overhead = (pct(r["lookup_http"], .5) - pct(r["lookup_local"], .5)) * 1000
        alive = (pct(r["lookup_kept_alive"], .5) - pct(r["lookup_local"], .5)) * 1000
        lines += ["", f"## Goals of issue #10 at {r['n']} reports", "",
                  "| goal | measured | met |", "| --- | --- | --- |",
                  f"| full build ≥ 8 reports/s | {r['n'] / r['build_s']:.1f} reports/s ({r['build_s']:.0f} s) | {_met(r['n'] / r['build_s'] >= 8)} |",
                  f"| add one report ≤ 1 s | {r['add_s']:.1f} s | {_met(r['add_s'] <= 1)} |",
                  f"| build peak RSS ≤ 700 MiB | {r['peak_mib']:.0f} MiB | {_met(r['peak_mib'] <= 700)} |",
                  f"| /sparql over the engine ≤ 3 ms (one-entity lookup, p50) | {overhead:.1f} ms with a new connection, "
                  f"{alive:.1f} ms kept alive ({pct(r['lookup_http'], .5) * 1000:.1f} and {pct(r['lookup_kept_alive'], .5) * 1000:.1f} "
                  f"over HTTP, {pct(r['lookup_local'], .5) * 1000:.1f} in process, taking turns) | {_met(overhead <= 3)} |",
                  f"| every canned query ≤ half a full scan | slowest {worst * 1000:.0f} ms, full scan {r['scan_s'] * 1000:.0f} ms | {_met(worst <= r['scan_s'] / 2)} |",
                  f"| first-visit state page p95 ≤ 20 ms | {r['cold_p95'] * 1000:.0f} ms | {_met(r['cold_p95'] <= 0.02)} |",
                  f"| Turtle export ≥ 250k triples/s | {r['exported'] / r['export_s']:,.0f} | {_met(r['exported'] / r['export_s'] >= 250_000)} |"]
        entity = [t for k, v in r["by_kind"].items() if k not in ("home", "first search") for t in v]
        lines += [f"| first-visit entity pages p95 ≤ 20 ms (every kind below) | {pct(entity, .95) * 1000:.0f} ms | {_met(pct(entity, .95) <= 0.02)} |",
                  "", f"First visits of every kind of page at {r['n']} reports (over HTTP, one after another, in a server started after the build):", "",
                  *kinds_table(r["by_kind"])]
    for r in results:
        lines += ["", f"## Canned queries at {r['n']} reports: pyoxigraph vs an rdflib in-memory Graph", ""]
        if "rdq" in r:
            lines += [f"rdflib load of the same {r['quads']:,} quads: {r['rdflib_load_s']:.0f} s.", "",
                      "| query | pyoxigraph p50 / p95 (ms) | rdflib p50 / p95 (ms) | ratio (p50) |", "| --- | --- | --- | --- |"]
        else:
            lines += ["| query | pyoxigraph p50 / p95 (ms) |", "| --- | --- |"]
        ratios = []
        for name, times in r["oxq"].items():
            ox50, ox95 = pct(times, .5) * 1000, pct(times, .95) * 1000
            if "rdq" in r:
                rd = r["rdq"][name]
                if rd is None:
                    lines.append(f"| {name} | {ox50:.1f} / {ox95:.1f} | over 30 s | > {30000 / max(ox50, 0.001):,.0f}× |")
                    ratios.append(30000 / max(ox50, 0.001))
                else:
                    rd50, rd95 = pct(rd, .5) * 1000, pct(rd, .95) * 1000
                    ratios.append(rd50 / max(ox50, 0.001))
                    lines.append(f"| {name} | {ox50:.1f} / {ox95:.1f} | {rd50:.0f} / {rd95:.0f} | {ratios[-1]:,.0f}× |")
            else:
                lines.append(f"| {name} | {ox50:.1f} / {ox95:.1f} |")
        if ratios:
            lines += ["", f"Median ratio over the canned queries: {statistics.median(ratios):,.0f}×."]
    return "\n".join(lines) + "\n"


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=int, default=[100])
    ap.add_argument("--rdflib-max", type=int, default=1000, help="skip the rdflib baseline above this many reports")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument("--reports", type=Path, default=ROOT.parent / "shared" / "reports")
    ap.add_argument("--runs", type=int, default=5, help="times each canned query runs")
    ap.add_argument("--export-seconds", type=float, default=0, help="stop the Turtle export after this long (0: whole)")
    args = ap.parse_args()
    # As an installed package has them: where PYTHONDONTWRITEBYTECODE is set, every `kg` process the
    # benchmark starts would otherwise compile the package's sources again (0.1 s of adding a report).
    import compileall
    for package in ("kg", "web", "bench"):
        compileall.compile_dir(ROOT / package, quiet=1)
    sources = sorted(args.reports.glob("*.txt"))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            results.append(bench(n, Path(tmp), args.rdflib_max, sources, args.runs, args.export_seconds))
            text = report(results)
            print(text)
            args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
