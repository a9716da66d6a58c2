"""Query errors in the user's terms (issue #25): an unknown prefix named with the known ones, every project
namespace predeclared, a misspelt ontology term warned about with the nearest term."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kg import constants as C
from kg.cli import main
from kg.query import gate
from kg.query.unknown_terms import unknown
from web import create_app, db


@pytest.fixture(scope="module")
def store(sample_only_store):
    return sample_only_store


def test_an_unknown_prefix_is_named_with_its_position_and_the_known_ones():
    with pytest.raises(gate.Refused) as err:
        gate.check("SELECT * WHERE {\n  ?s foo:bar ?o\n}", C.PREFIXES)
    e = err.value
    assert e.status == 400 and (e.line, e.column) == (2, 6)
    assert "unknown prefix 'foo:'" in e.message and "cdo:" in e.message and "issue:" in e.message
    assert "\\u{" not in e.message  # not the grammar's character ranges
    gate.check("PREFIX foo: <http://x/>\nSELECT * WHERE { ?s foo:bar ?o }", C.PREFIXES)  # declared: fine
    gate.check("PREFIX : <http://x/>\nSELECT * WHERE { ?s :bar _:b }", C.PREFIXES)


@pytest.mark.parametrize("prefix", ["issue", "meeting", "person", "report", "session", "office", "organization",
                                    "status", "direction", "speech-act", "scheme", "graph"])
def test_every_project_namespace_is_predeclared(prefix):
    assert C.PREFIXES[prefix].startswith(C.DATA_NS)
    gate.check(f"SELECT * WHERE {{ ?s ?p {prefix}:x }}", C.PREFIXES)


def test_the_issue_prefix_reaches_the_issues(store):
    client = create_app({"STORE": str(store)}).test_client()
    r = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?i a cdo:Issue FILTER(STRSTARTS(STR(?i), STR(issue:))) }"})
    assert r.status_code == 200 and int(r.get_json()["results"]["bindings"][0]["n"]["value"]) > 5
    db.reset()


def test_a_misspelt_ontology_term_is_warned_about_with_the_nearest():
    found = unknown("SELECT * WHERE { ?p cdo:positonOf ?s ; a cdo:Position }")
    assert found == ["cdo:positonOf is not a term of the ontology, so it matches nothing; did you mean cdo:positionOf?"]
    assert unknown("SELECT * WHERE { ?p cdo:positionOf ?s ; cdo:stance ?x }") == []
    declared = unknown(f"PREFIX c: <{C.ONTOLOGY_NS}>\nSELECT * WHERE {{ ?p c:madeBi ?s }}")
    assert declared and "c:madeBy" in declared[0]


def test_the_warning_reaches_the_query_page_the_endpoint_and_kg_query(store):
    q = "SELECT * WHERE { ?p cdo:positonOf ?s }"
    client = create_app({"STORE": str(store)}).test_client()
    page = client.get("/query", query_string={"query": q}).get_data(as_text=True)
    assert 'class="warnings"' in page and "did you mean cdo:positionOf?" in page
    r = client.get("/sparql", query_string={"query": q})
    assert r.status_code == 200 and "cdo:positionOf" in r.headers["X-Query-Warning"]
    db.reset()
    res = CliRunner().invoke(main, ["query", "--store", str(store), q])
    assert res.exit_code == 0 and "kg: warning: cdo:positonOf" in res.stderr and "cdo:positionOf?" in res.stderr


def test_kg_query_names_the_unknown_prefix_and_where(store):
    res = CliRunner().invoke(main, ["query", "--store", str(store), "SELECT * {\n ?s foo:x ?o }"])
    assert res.exit_code == 2 and "unknown prefix 'foo:'" in res.stderr and "(line 2, column 5)" in res.stderr


def test_a_brace_typed_after_the_editors_own_is_named_where_it_is():
    with pytest.raises(gate.Refused) as err:
        gate.check("SELECT * WHERE {\n  ?s ?p ?o\n}\n}")
    assert (err.value.line, err.value.column) == (4, 1) and "one '}' too many" in err.value.message
    with pytest.raises(gate.Refused) as err:
        gate.check("SELECT * WHERE { ?s ?p ?o FILTER(?o = 1 }")
    assert "closes the '(' opened at line 1, column 33" in err.value.message
    with pytest.raises(gate.Refused) as err:
        gate.check("SELECT * WHERE {\n  ?s ?p ?o")
    assert (err.value.line, err.value.column) == (1, 16) and "never closed" in err.value.message


def test_the_query_page_shows_the_query_as_python_r_and_curl(store):
    import shlex
    q = 'SELECT ?s WHERE { ?s rdfs:label "it\'s \\"quoted\\"" }'
    client = create_app({"STORE": str(store)}).test_client()
    html = client.get("/query", query_string={"query": q}).get_data(as_text=True)
    db.reset()
    import html as h
    snippets = h.unescape(html.split('id="snippets"')[1].split("</details>")[0])
    assert "from SPARQLWrapper import SPARQLWrapper, JSON" in snippets and 'library(httr)' in snippets
    assert "curl" in snippets and "http://localhost/sparql" in snippets
    # each snippet holds the query exactly, as its language reads it
    python = snippets.split("<code>")[1].split("</code>")[0]
    scope: dict = {}
    exec(python.split("sparql = SPARQLWrapper")[0], scope)  # the query's assignment
    assert scope["query"] == q
    curl = snippets.split("<code>")[3].split("</code>")[0]
    assert f"query={q}" in shlex.split(curl.replace("\\\n", " "))


def test_a_canned_query_with_a_parameter_is_asked_for_another_choice(store):
    from web.canned import canned
    positions = next(q for q in canned() if q["name"] == "positions-of-one-state-across-meetings")
    param = positions["parameters"][0]
    assert (param.name, param.term) == ("state", "state:EGY")
    client = create_app({"STORE": str(store)}).test_client()
    page = client.get("/query", query_string={"canned": positions["name"]}).get_data(as_text=True)
    assert '<select name="state">' in page and f'value="{C.DATA_NS}state/KEN"' in page  # every state listed
    kenya = client.get("/query", query_string={"canned": positions["name"], "state": f"{C.DATA_NS}state/KEN"})
    html = kenya.get_data(as_text=True)
    assert f"cdo:positionOf &lt;{C.DATA_NS}state/KEN&gt;" in html and "calls for restoration" in html.lower()
    # Only a listed choice is put into the query: anything else leaves the query as written.
    odd = client.get("/query", query_string={"canned": positions["name"], "state": "http://x/} DROP ALL #"})
    assert "cdo:positionOf state:EGY" in odd.get_data(as_text=True)
    db.reset()
