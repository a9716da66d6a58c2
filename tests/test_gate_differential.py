"""The gate against the engine: thousands of generated queries, each run by Oxigraph with a loopback oracle.

For every query the oracle tells whether Oxigraph really made a SERVICE request. The gate must refuse
every query that makes one, and must let through the decoys (SERVICE in a string, an IRI, a comment,
a variable or a local name) that make none. The old rdflib-based gate (tests/rdflib_gate.py) is the
second reference: whatever it refused, the new gate, or the engine's own parser, refuses too.
"""

from __future__ import annotations

import itertools
import random

import pyoxigraph as ox
import pytest

from kg import constants as C
from kg.query import gate

from . import rdflib_gate
from .test_web_security import Listener


@pytest.fixture(scope="module")
def oracle():
    o = Listener()
    yield o
    o.close()


@pytest.fixture(scope="module")
def engine():
    st = ox.Store()
    st.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.NamedNode("http://x/o")))
    return st


SEPARATORS = [" ", "\t", "\n", "\r", "\r\n", "# c\n", "# c\r", "# c\r\n", "#\r", "\\u000D", "\\u000A", "\\u0020",
              "\\u0009", "# x \\u000D", "#\\u000A", "\t# c\r\t", "\n\n", "\f", "\u00a0", "\u2028", "\u0085"]
SPELLINGS = ["SERVICE", "service", "SeRvIcE", "\\u0053ERVICE", "SERV\\u0049CE", "\\U00000053ERVICE", "s\\u0065rvice"]
SILENT = ["", "SILENT"]


def endpoints(port: int) -> list[tuple[str, str]]:
    """(prologue, endpoint term) pairs naming the oracle."""
    url = f"http://127.0.0.1:{port}/"
    return [("", f"<{url}>"), (f"PREFIX x: <{url}>\n", "x:"), (f"PREFIX : <{url}>\n", ":"),
            (f"PREFIX ep: <http://127.0.0.1:{port}/>\n", "ep:q"), ("", "?ep")]


def wrap(body: str, kind: int, port: int) -> str:
    """Put a SERVICE clause where the engine will evaluate it (the store holds one triple)."""
    values = f"VALUES ?ep {{ <http://127.0.0.1:{port}/> }} "
    return [f"SELECT * WHERE {{ {values}{body} }}",
            f"SELECT * WHERE {{ {values}?s ?p ?o OPTIONAL {{ {body} }} }}",
            f"SELECT * WHERE {{ {values}{{ ?s ?p ?o }} UNION {{ {body} }} }}",
            f"SELECT * WHERE {{ {values}?s ?p ?o . {body} }}",
            f"ASK {{ {values}{body} }}",
            f"SELECT * WHERE {{ {values}?s ?p ?o FILTER EXISTS {{ {body} }} }}",
            f"SELECT * WHERE {{ {values}{{ SELECT * WHERE {{ {values}{body} }} }} }}",
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {values}{body} }}"][kind]


def generated(port: int, n_random: int = 2500) -> list[str]:
    out = []
    for (pro, ep), spelling, silent, kind in itertools.product(endpoints(port), SPELLINGS, SILENT, range(8)):
        out.append(pro + wrap(f"{spelling} {silent} {ep} {{ ?a ?b ?c }}", kind, port))
    rnd = random.Random(20261125)
    for _ in range(n_random):
        pro, ep = rnd.choice(endpoints(port))
        seps = [rnd.choice(SEPARATORS) for _ in range(4)]
        body = f"{seps[0]}{rnd.choice(SPELLINGS)}{seps[1]}{rnd.choice(SILENT)}{seps[2]}{ep}{seps[3]}{{ ?a ?b ?c }}\n"
        if rnd.random() < 0.3:  # glued forms a scannerless parser may read as the keyword
            body = f"{rnd.choice(SPELLINGS)}{ep} {{ ?a ?b ?c }}\n"
        out.append(pro + wrap(body, rnd.randrange(8), port))
    return out


def confusions(port: int) -> list[str]:
    """Strings, escapes, IRIs and comments that one reading may close where another does not."""
    svc = f"SERVICE <http://127.0.0.1:{port}/> {{ ?a ?b ?c }}"
    pairs = [(r'"a\u0022"', r'"\u0022"'), (r'"a\""', r'"\""'), (r"'a\''", r"'\''"), ('"""a""""', '"""'),
             (r'"""a\""""', '""""'), ("'''a''''", "'''"), (r"<http://x/\u003E>", r"<http://x/\u003C>"),
             (r'"x\u000A"', '"y"'), (r'"\\"', r'"\\"'), (r'"\u005C"', r'"\u005C"')]
    out = []
    for kind in range(4):
        for a, b in pairs:
            out.append(wrap(f"BIND({a} AS ?x1) {svc} BIND({b} AS ?x2)", kind, port))
        for comment in ("# c\\u000D\n", "# c\r", "#\u000b\r", "# c\\u000A"):
            out.append(wrap(f"{comment}{svc}", kind, port))
    return out


def decoys(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/"
    return [
        f'SELECT * WHERE {{ BIND("SERVICE <{url}> {{ ?a ?b ?c }}" AS ?x) }}',
        f"SELECT * WHERE {{ BIND('''\nSERVICE <{url}> {{}}\n''' AS ?x) }}",
        "SELECT * WHERE { ?s <http://x/SERVICE> ?o }",
        f"SELECT * WHERE {{ # SERVICE <{url}> {{ ?a ?b ?c }}\n ?s ?p ?o }}",
        "SELECT ?service WHERE { ?service ?p ?o }",
        "PREFIX ex: <http://x/>\nSELECT * WHERE { ?s ex:SERVICE ?o }",
        "PREFIX ex: <http://x/>\nSELECT * WHERE { ?s ex:service.x ?o }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o != \"service\") }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE at the end",
        "SELECT * WHERE { ?s ?p \"x\"@service }",
    ]


def run_engine(engine, oracle, q: str) -> tuple[bool, bool]:
    """Return (parsed, made a request) for Oxigraph on *q*."""
    before = oracle.hits
    try:
        res = engine.query(q, use_default_graph_as_union=True, prefixes=C.PREFIXES)
        if not isinstance(res, (bool, ox.QueryBoolean)):
            list(res)
        parsed = True
    except SyntaxError:
        parsed = False
    except Exception:  # the request reached the oracle and was cut, or evaluation failed
        parsed = True
    return parsed, oracle.hits > before


def gate_refuses(q: str) -> int | None:
    try:
        gate.check(q)
    except gate.Refused as r:
        return r.status
    return None


def test_every_request_the_engine_would_make_is_refused(engine, oracle):
    queries = generated(oracle.port) + confusions(oracle.port)
    assert len(queries) > 3000  # 3,116; about 550 of them make a request
    made = missed = 0
    for q in queries:
        parsed, request = run_engine(engine, oracle, q)
        status = gate_refuses(q)
        made += request
        if request and status != 403:
            missed += 1
            pytest.fail(f"the engine made a SERVICE request the gate let through: {q!r}")
    assert made > 500  # the generator does reach the engine's SERVICE, so the test can fail


def test_decoys_pass_the_gate_and_make_no_request(engine, oracle):
    for q in decoys(oracle.port):
        parsed, request = run_engine(engine, oracle, q)
        assert parsed and not request, q
        assert gate_refuses(q) is None, q


def test_the_new_gate_refuses_whatever_the_old_one_refused(engine, oracle):
    from .test_web_security import disguises
    rnd = random.Random(7)
    queries = disguises(oracle.port) + rnd.sample(generated(oracle.port), 600) + decoys(oracle.port) + [
        "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", "LOAD <http://127.0.0.1:9/x.ttl>", "CLEAR ALL",
        "DROP ALL", "DELETE WHERE { ?s ?p ?o }", "CREATE GRAPH <http://x/g>", "SELECT * WHERE { ?s ?p }",
        "SELECT * WHERE " + "{ " * 300 + "?s ?p ?o" + " }" * 300, "PREFIX x: <http://x/> WITH x:g DELETE { ?s ?p ?o } WHERE {}"]
    for q in queries:
        try:
            rdflib_gate.check(q, C.PREFIXES)
            old = None
        except rdflib_gate.Refused as r:
            old = r.status
        except Exception:  # rdflib failing on its own is a refusal too
            old = 400
        if old is None:
            continue
        new = gate_refuses(q)
        parsed, _ = run_engine(engine, oracle, q) if new is None else (True, False)
        assert new is not None or not parsed, f"old gate refused ({old}), new gate and engine run it: {q!r}"
        if old == 403:
            assert new == 403, q


def test_updates_get_403_and_syntax_errors_are_left_to_the_engine():
    for q in ("INSERT DATA { <a> <b> <c> }", "  load <http://x/>", "PREFIX a: <http://x/> DELETE WHERE { ?s ?p ?o }",
              "# comment\nCLEAR ALL"):
        assert gate_refuses(q) == 403, q
    assert gate_refuses("SELECT * WHERE { ?s ?p }") is None  # the engine reports it, with its position
    assert gate_refuses('SELECT * WHERE { ?s ?p "open }') == 400


# -- issue #24: glued tokens, `<` where it compares, characters only the grammar allows --------------
GLUE_TERMS = ["true", "false", "1", "1.5", "1e3", "1.", ".5", "?o", "$o", '"s"', "'s'", '"s"@en', '"s"^^xsd:string',
              "<http://x/o>", "v:", "v:o", "v:o.", "v:.", "v:o-", "_:b", "[]", "()", "a", "?o·x", "?o‿x"]
GLUES = [".", ";", ",", "", " .", "\t.", "..", ".;"]


@pytest.fixture(scope="module")
def rich_engine():
    """A store where every term of GLUE_TERMS is an object, so a pattern before SERVICE matches and SERVICE runs."""
    st = ox.Store()
    s, p = ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    for o in (ox.Literal(True), ox.Literal(False), ox.Literal(1), ox.Literal("1.5", datatype=ox.NamedNode(xsd + "decimal")),
              ox.Literal("1e3", datatype=ox.NamedNode(xsd + "double")), ox.Literal("s"), ox.Literal("s", language="en"),
              ox.NamedNode("http://x/o"), ox.NamedNode("http://x/"), ox.NamedNode("http://x/o-")):
        st.add(ox.Quad(s, p, o))
    return st


def glued(port: int) -> list[str]:
    """Every term glued to SERVICE by every separator, in a pattern that matches (issue #24's first two forms)."""
    u = f"<http://127.0.0.1:{port}/>"
    out = []
    for term, glue, spelling in itertools.product(GLUE_TERMS, GLUES, ["SERVICE", "service", "SERVICE SILENT"]):
        out.append(f"PREFIX v: <http://x/>\nSELECT * WHERE {{ ?s ?p {term}{glue}{spelling} {u} {{ ?a ?b ?c }} }}")
        out.append(f"PREFIX v: <http://x/>\nSELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ ?s ?p {term}{glue}{spelling} {u} {{ ?a ?b ?c }} }} }}")
    return out


def misread(port: int) -> list[str]:
    """`<` where it compares, read as an IRI that swallows a quote, and strings a second reading moves."""
    u = f"<http://127.0.0.1:{port}/>"
    svc = f"SERVICE {u} {{ ?a ?b ?c }}"
    out = []
    for left, op in itertools.product(["1", "?o", '"a"', "STR(?o)", "(1)", "1.5", "?o·x"], ["<", "<=", "< ", "<\t"]):
        for right in ["2&&'x>'", "2||'x>'", "2&&\"x>\"", "'y>'"]:
            for tail in ["FILTER(?s != <http://x/'>)", "FILTER(?s != <http://x/\">)", "BIND(<http://x/'> AS ?z)", ""]:
                out.append(f"SELECT * WHERE {{ ?s ?p ?o BIND(1 AS ?o·x) FILTER({left}{op}{right}) {svc} {tail} }}")
    for var in ["?a·b", "?a‿b", "?a\u0301", "?ab"]:
        for quote in ['"\\u0022"', "'\\u0027'", '"\\u0022\\u0022"', "'''\\u0027'''"]:
            out.append(f"SELECT * WHERE {{ ?s ?p ?o BIND({quote} AS ?q) BIND(1 AS {var}) {svc} BIND({quote} AS ?r) }}")
    return out


def test_glued_tokens_and_misread_brackets_never_reach_service(rich_engine, oracle):
    queries = glued(oracle.port) + misread(oracle.port)
    made = 0
    for q in queries:
        parsed, request = run_engine(rich_engine, oracle, q)
        made += request
        if request:
            assert gate_refuses(q) == 403, f"the engine made a SERVICE request the gate let through: {q!r}"
            with pytest.raises(gate.Refused):
                gate.confirm(q, C.PREFIXES)  # the engine's own reading refuses it alone, too
    assert made > 300  # the forms do reach SERVICE, so the test can fail
