"""The engine's own result writers (the worker's fast path) answer what collect() + serialize() answer,
and hand over to them at the row and byte caps."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from web.executor import Request, answer
from web.results import collect, has_native, native, serialize

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def store():
    st = ox.Store()
    g = ox.NamedNode("https://example.org/g")
    odd = ["plain", "tab\there", "new\nline", 'quote " and , comma', "</script><result>", "émigré ✓", ""]
    for i, text in enumerate(odd):
        s = ox.NamedNode(f"https://example.org/s{i}")
        st.add(ox.Quad(s, ox.NamedNode("https://example.org/text"), ox.Literal(text), g))
        st.add(ox.Quad(s, ox.NamedNode("https://example.org/n"), ox.Literal(str(i), datatype=ox.NamedNode(XSD + "integer")), g))
        st.add(ox.Quad(s, ox.NamedNode("https://example.org/label"), ox.Literal(text or "x", language="fr"), g))
        st.add(ox.Quad(ox.BlankNode(f"b{i}"), ox.NamedNode("https://example.org/about"), s, g))
    for i in range(300):
        st.add(ox.Quad(ox.NamedNode(f"https://example.org/row{i:03d}"), ox.NamedNode("https://example.org/k"), ox.Literal(str(i)), g))
    return st


def run(store, text):
    return store.query(text, use_default_graph_as_union=True)


QUERIES = ["SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!STRSTARTS(STR(?s), 'https://example.org/row')) } ORDER BY ?s ?p ?o",
           "SELECT ?s ?missing WHERE { ?s <https://example.org/n> ?n OPTIONAL { ?s <https://example.org/none> ?missing } } ORDER BY ?s",
           "SELECT * WHERE { ?s <https://example.org/nothing> ?o }"]


def _bindings(body: bytes, fmt: str) -> list:
    """Read an answer back into comparable rows, whichever writer wrote it."""
    if fmt == "json":
        doc = json.loads(body)
        return [sorted((k, tuple(sorted(v.items()))) for k, v in row.items()) for row in doc["results"]["bindings"]]
    if fmt == "xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        out = []
        for r in ET.fromstring(body).iter(ns + "result"):
            row = []
            for b in r:
                t = b[0]
                row.append((b.get("name"), t.tag[len(ns):], t.text or "", tuple(sorted(t.attrib.items()))))
            out.append(sorted(row))
        return out
    if fmt == "csv":  # lossy by design: cells only
        return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))[1:]
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
    names = [v.value for v in parsed.variables]
    return [[(n, str(row[n]) if row[n] is not None else None) for n in names] for row in parsed]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv", "csv"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_engine_writes_the_same_rows_as_our_writer(store, query, fmt):
    ours, _ = serialize(collect(run(store, query), 10_000), fmt)
    theirs = native(run(store, query), fmt, 10_000, 16 << 20)
    assert theirs is not None and len(_bindings(theirs, fmt)) == len(list(run(store, query)))
    if fmt == "csv":
        # CSV keeps no term types; ours writes a blank node's label bare, the engine as _:label (the spec's form)
        assert [[c.removeprefix("_:") for c in r] for r in _bindings(theirs, fmt)] == _bindings(ours, fmt)
    else:
        assert _bindings(theirs, fmt) == _bindings(ours, fmt)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask_is_written_natively_and_means_the_same(store, fmt):
    for q in ("ASK { ?s ?p ?o }", "ASK { ?s <https://example.org/nothing> ?o }"):
        ours, _ = serialize(collect(run(store, q), 10), fmt)
        theirs = native(run(store, q), fmt, 10, 1 << 20)
        if fmt == "json":
            assert json.loads(theirs) == json.loads(ours)
        else:
            assert (b"true" in theirs) == (b"true" in ours)


def test_graphs_and_csv_booleans_keep_our_writer():
    assert not has_native("CONSTRUCT", "turtle") and not has_native("ASK", "csv") and not has_native("ASK", "tsv")
    assert has_native("SELECT", "csv") and has_native("ASK", "json")


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv", "csv"])
def test_the_row_cap_hands_over_to_collect_which_says_where_it_cut(store, fmt):
    rows = "SELECT ?s WHERE { ?s <https://example.org/k> ?o } ORDER BY ?s"
    assert native(run(store, rows), fmt, 300, 16 << 20) is not None  # exactly the cap: native
    assert native(run(store, rows), fmt, 299, 16 << 20) is None  # one over: not native
    fmts = {"SELECT": fmt, "ASK": "json", "CONSTRUCT": "turtle"}
    ok, at_cap = answer(store, Request(rows, fmts), 300, 16 << 20)
    assert ok == "ok" and not at_cap.truncated and len(_bindings(at_cap.body, fmt)) == 300
    ok, over = answer(store, Request(rows, fmts), 299, 16 << 20)
    assert ok == "ok" and over.truncated and over.cut_by == "rows" and len(_bindings(over.body, fmt)) == 299


def test_the_byte_cap_hands_over_to_collect(store):
    rows = "SELECT ?s ?o WHERE { ?s <https://example.org/k> ?o } ORDER BY ?s"
    assert native(run(store, rows), "json", 10_000, 4096) is None
    ok, cut = answer(store, Request(rows, {"SELECT": "json"}), 10_000, 4096)
    assert ok == "ok" and cut.truncated and cut.cut_by == "bytes"
    assert 0 < len(json.loads(cut.body)["results"]["bindings"]) < 300


def test_an_evaluation_error_in_the_engine_writer_is_reported_not_raised(store):
    status, message = answer(store, Request("SELECT * WHERE { BIND(<not a valid iri> AS ?x) }", {"SELECT": "json"}), 10, 1 << 20)
    assert status == "refused"


def test_rows_are_counted_without_parsing_when_the_braces_say_enough(store, monkeypatch):
    from web import results
    wide = "SELECT ?s ?text ?label WHERE { ?s <https://example.org/text> ?text ; <https://example.org/label> ?label }"
    body = native(run(store, wide), "json", 10_000, 16 << 20)
    rows = len(json.loads(body)["results"]["bindings"])
    cap = body.count(b"{")  # past three bytes a row, within the braces' count
    assert len(body) > 3 * cap
    parsed = []
    real = results.json.loads
    monkeypatch.setattr(results.json, "loads", lambda b: parsed.append(1) or real(b))
    assert native(run(store, wide), "json", cap, 16 << 20) == body and parsed == []
    assert native(run(store, wide), "json", rows, 16 << 20) == body and parsed == [1]  # counted exactly
    assert native(run(store, wide), "json", rows - 1, 16 << 20) is None
