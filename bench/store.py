"""Measure a store that is already built: full scan, canned queries, one-entity lookup, first visits
of state pages (in process, through the Flask app) and the Turtle export's rate.

Run: python -m bench.store STORE [--runs R] [--pages N] [--export-seconds S]
(--pages: state pages, and pages of each other kind, timed on their first visit)
For corpora too large to rebuild for every measurement (bench/run.py builds its own): build once with
`kg build`, then point this at the store. Prints one Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from kg.store.generations import current_path

from .run import LOOKUP, PREFIXES, first_visits_by_kind, kinds_table, page_kinds, pct, time_queries, timed_export


def first_visits(store: Path, n: int) -> list[float]:
    """Time the first visit of *n* state pages in one fresh app (nothing cached yet but the process)."""
    from web import create_app
    app = create_app({"STORE": str(store), "ISOLATE_WORKERS": False})
    client = app.test_client()
    with app.app_context():
        from web import db
        states = sorted({r["s"].value for r in db.query(
            "SELECT DISTINCT ?s WHERE { ?p cdo:participant ?s . ?s a cdo:State }")})
    client.get("/ontology")  # imports and templates, not the page
    out = []
    for iri in states[:n]:
        t = time.perf_counter()
        client.get("/id/" + iri.split("/id/", 1)[1])
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("store", type=Path)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--export-seconds", type=float, default=30)
    args = ap.parse_args()
    st = ox.Store.read_only(str(current_path(args.store)))
    rows = [("quads", f"{len(st):,}")]
    t = time.perf_counter()
    list(st.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", use_default_graph_as_union=True))
    scan = time.perf_counter() - t
    rows.append(("full scan", f"{scan * 1000:,.0f} ms"))
    local = []
    for _ in range(20):
        t = time.perf_counter()
        st.query(PREFIXES + LOOKUP, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
        local.append(time.perf_counter() - t)
    rows.append(("one-entity lookup in process (p50)", f"{pct(local, .5) * 1000:.1f} ms"))
    for name, times in time_queries(st, args.runs).items():
        med = statistics.median(times)
        rows.append((name, f"{med * 1000:,.0f} ms ({med / scan:.2f} scans)"))
    seconds, written, _ = timed_export(st, args.export_seconds, current_path(args.store))
    rows.append(("Turtle export", f"{written / seconds:,.0f} triples/s"))
    kinds = page_kinds(st, args.pages)
    del st
    cold = first_visits(args.store, args.pages)
    rows.append((f"state page, first visit p50 / p95 ({len(cold)} pages, in process)",
                 f"{pct(cold, .5) * 1000:.0f} / {pct(cold, .95) * 1000:.0f} ms"))
    print("| figure | value |\n| --- | --- |")
    for k, v in rows:
        print(f"| {k} | {v} |")
    from web import create_app
    client = create_app({"STORE": str(args.store), "ISOLATE_WORKERS": False}).test_client()
    client.get("/ontology")  # imports and templates, not the pages
    print("\nFirst visits of every kind of page (in process, one fresh app):\n")
    print("\n".join(kinds_table(first_visits_by_kind(client.get, kinds))))


if __name__ == "__main__":
    main()
