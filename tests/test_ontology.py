"""The ontology against the standards it aligns with (issue #25): PROV-O's own axioms do not make our graph
inconsistent; the version IRI changes with the ontology and the changelog names it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kg import constants as C
from kg import vocab
from kg.check.infer import InferenceError, closure
from kg.check.prepared import default_resolver
from kg.map.mapper import map_report
from kg.read.parser import parse_file

from .conftest import SAMPLE

# The axioms of PROV-O (W3C Recommendation, 2013) that bear on the properties and classes we align with.
PROV_O = """
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
prov:Activity owl:disjointWith prov:Entity .
prov:wasDerivedFrom rdfs:domain prov:Entity ; rdfs:range prov:Entity .
prov:wasAttributedTo rdfs:domain prov:Entity ; rdfs:range prov:Agent .
prov:startedAtTime rdfs:domain prov:Activity . prov:endedAtTime rdfs:domain prov:Activity .
prov:agent rdfs:domain prov:AgentInfluence ; rdfs:range prov:Agent .
prov:Association rdfs:subClassOf prov:AgentInfluence . prov:AgentInfluence rdfs:subClassOf prov:Influence .
"""


def test_prov_o_axioms_find_the_graph_consistent():
    data = SAMPLE.read_bytes()
    g = Graph()
    g += vocab.ontology_graph()
    g.parse(data=PROV_O, format="turtle")
    g += map_report(parse_file(SAMPLE.name, data), default_resolver(), data)
    try:
        closed = closure(g)
    except InferenceError as exc:  # before 0.2.0: a meeting was a prov:Activity and, by wasDerivedFrom, an Entity
        pytest.fail(f"PROV-O's axioms make the graph inconsistent: {exc}")
    meeting = URIRef(C.DATA_NS + "meeting/2024-12-04-oewg-10th-session-meeting-3")
    assert (meeting, RDF.type, URIRef("http://www.w3.org/ns/prov#Activity")) in closed
    assert (meeting, RDF.type, URIRef("http://www.w3.org/ns/prov#Entity")) not in closed


def test_the_version_iri_is_the_changelogs_latest():
    onto = Graph().parse(C.ONTOLOGY_FILE)
    version = onto.value(URIRef(C.ONTOLOGY_IRI), OWL.versionIRI)
    info = str(onto.value(URIRef(C.ONTOLOGY_IRI), OWL.versionInfo))
    assert str(version).endswith("/" + info)
    changelog = (Path(C.ONTOLOGY_DIR) / "CHANGELOG.md").read_text(encoding="utf-8")
    latest = re.search(r"^## (\S+)", changelog, re.M).group(1)
    assert latest == info, "a new version of the ontology needs its changelog entry"


def test_no_two_terms_differ_only_by_case():
    onto = Graph().parse(C.ONTOLOGY_FILE)
    names = {str(s)[len(C.ONTOLOGY_NS):] for s in onto.subjects() if str(s).startswith(C.ONTOLOGY_NS)}
    folded: dict[str, set[str]] = {}
    for n in names:
        folded.setdefault(n.casefold(), set()).add(n)
    assert not [v for v in folded.values() if len(v) > 1]


def test_a_query_naming_a_renamed_term_is_told_its_new_name():
    from kg.query.unknown_terms import unknown
    found = unknown("SELECT * WHERE { ?arg cdo:discussionPoint ?d . ?m cdo:office ?o }")
    assert any("cdo:discussionPoint" in w and "cdo:hasDiscussionPoint" in w and "renamed" in w for w in found)
    assert any("cdo:office" in w and "cdo:hasOffice" in w for w in found)


def test_an_agenda_item_is_one_node_per_process_and_number(tmp_path):
    """Two meetings of a session on agenda item 5 share one item, whose process is named."""
    from kg.store.build import build
    text = SAMPLE.read_text(encoding="utf-8")
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / SAMPLE.name).write_text(text, encoding="utf-8")
    other = text.replace("4 Dec 2024", "5 Dec 2024", 1).replace("meeting 3", "meeting 4")
    (tmp_path / "r" / "2024-12-05-oewg-10th-session-meeting-4.txt").write_text(other, encoding="utf-8")
    store = tmp_path / "store"
    build([tmp_path / "r"], store)
    from kg.store.generations import open_read_only
    st = open_read_only(store)
    found = {(r["m"].value, r["ai"].value, r["of"].value) for r in st.query(
        "SELECT ?m ?ai ?of WHERE { ?m cdo:onAgendaItem ?ai . ?ai cdo:agendaItemOf ?of }",
        use_default_graph_as_union=True, prefixes=C.PREFIXES)}
    assert len({m for m, _, _ in found}) == 2
    assert {(ai, of) for _, ai, of in found} == {(C.DATA_NS + "agenda-item/oewg-2021-2025/5", C.DATA_NS + "mechanism/oewg-2021-2025")}
