"""A report's OWL RL entailments live in a named graph of their own, `<report graph>/inferred` (issue #25): a user
can ask for what the report says, what follows from it, or the union (the default graph of every query)."""

from __future__ import annotations

import io

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from kg import constants as C
from kg.iris import inferred_graph

from .conftest import SAMPLE

SLUG = "2024-12-04-oewg-10th-session-meeting-3"
GRAPH = C.DATA_NS + "graph/" + SLUG
MEETING = C.DATA_NS + "meeting/" + SLUG
ACTIVITY = "http://www.w3.org/ns/prov#Activity"


def ask(store, text: str) -> bool:
    return bool(store.query(text, use_default_graph_as_union=True, prefixes=C.PREFIXES))


def test_entailments_are_apart_from_what_the_report_says(sample_only_store):
    from kg.store.generations import open_read_only
    st = open_read_only(sample_only_store)
    # A meeting is a prov:Activity by the ontology (cdo:Meeting ⊑ cdo:Event ⊑ prov:Activity): entailed, not said.
    assert ask(st, f"ASK {{ GRAPH <{GRAPH}> {{ <{MEETING}> a cdo:Meeting }} }}")
    assert not ask(st, f"ASK {{ GRAPH <{GRAPH}> {{ <{MEETING}> a <{ACTIVITY}> }} }}")
    assert ask(st, f"ASK {{ GRAPH <{inferred_graph(GRAPH)}> {{ <{MEETING}> a <{ACTIVITY}> }} }}")
    assert ask(st, f"ASK {{ <{MEETING}> a <{ACTIVITY}> }}")  # the union has both
    # No triple is in both graphs.
    assert not ask(st, f"ASK {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} GRAPH <{inferred_graph(GRAPH)}> {{ ?s ?p ?o }} }}")


def test_a_meetings_export_carries_both_graphs_and_the_graph_iri_only_its_own(sample_only_store):
    from web import create_app, db
    app = create_app({"STORE": str(sample_only_store)})
    try:
        client = app.test_client()
        trig = client.get(f"/export/meeting/{SLUG}?format=trig")
        assert trig.status_code == 200
        ds = Dataset()
        ds.parse(data=trig.get_data(as_text=True), format="trig")
        names = {str(g.identifier) for g in ds.graphs()}
        assert {GRAPH, inferred_graph(GRAPH)} <= names
        own = client.get(f"/id/graph/{SLUG}.ttl")
        g = Graph().parse(data=own.get_data(as_text=True), format="turtle")
        assert (URIRef(MEETING), URIRef(C.PREFIXES["rdf"] + "type"), URIRef(ACTIVITY)) not in g
        entailed = client.get(f"/id/graph/{SLUG}/inferred.ttl")
        assert entailed.status_code == 200
        g = Graph().parse(data=entailed.get_data(as_text=True), format="turtle")
        assert (URIRef(MEETING), URIRef(C.PREFIXES["rdf"] + "type"), URIRef(ACTIVITY)) in g
    finally:
        db.reset()


def test_the_dumps_description_lists_each_graph_of_entailments(sample_only_store):
    from kg.export import void
    from kg.store.generations import current_path, open_read_only
    quads = void(open_read_only(sample_only_store), current_path(sample_only_store))
    subsets = {q.object.value for q in quads if q.predicate.value.endswith("#subset")}
    assert {GRAPH, inferred_graph(GRAPH)} <= subsets
    derived = {(q.subject.value, q.object.value) for q in quads if q.predicate.value == "http://www.w3.org/ns/prov#wasDerivedFrom"}
    assert (inferred_graph(GRAPH), GRAPH) in derived


def test_replacing_or_removing_a_report_takes_its_entailments_with_it(tmp_path):
    from kg.store.build import build, remove
    from kg.store.generations import open_read_only
    folder = tmp_path / "r"
    folder.mkdir()
    report = folder / SAMPLE.name
    report.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    root = tmp_path / "store"
    assert build([folder], root).published
    # A changed report: its graph and its entailments are made again, none of the old ones left.
    report.write_text(SAMPLE.read_text(encoding="utf-8").replace("Kenya", "Ghana"), encoding="utf-8")
    assert build([folder], root).published
    st = open_read_only(root)
    assert not ask(st, f"ASK {{ GRAPH <{inferred_graph(GRAPH)}> {{ ?s ?p state:KEN }} }}")
    assert ask(st, f"ASK {{ GRAPH <{inferred_graph(GRAPH)}> {{ ?s ?p state:GHA }} }}")
    del st
    assert remove([SAMPLE.name], root)
    st = open_read_only(root)
    graphs = {g.value for g in st.named_graphs()}
    assert GRAPH not in graphs and inferred_graph(GRAPH) not in graphs


def test_a_whole_dump_in_trig_keeps_the_graphs_apart(sample_only_store):
    from kg.export import export
    from kg.store.generations import current_path, open_read_only
    out = io.BytesIO()
    export(open_read_only(sample_only_store), out, "nquads", folder=current_path(sample_only_store))
    graphs = {q.graph_name.value for q in ox.parse(out.getvalue(), ox.RdfFormat.N_QUADS) if isinstance(q.graph_name, ox.NamedNode)}
    assert {GRAPH, inferred_graph(GRAPH), C.REFERENCE_GRAPH, C.ONTOLOGY_GRAPH} <= graphs
