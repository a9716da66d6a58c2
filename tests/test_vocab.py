"""The ontology, concept schemes and reference data: they parse, are complete, consistent and correct."""

from __future__ import annotations

import pycountry
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg import constants as C
from kg import vocab
from kg.check.infer import closure
from kg.check.prepared import default_resolver
from kg.check.validate import validate_graph
from kg.map.resolve import norm

CDO = vocab.CDO


def own_terms(kind):
    g = vocab.ontology_graph()
    return sorted(s for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(C.ONTOLOGY_NS))


@pytest.mark.parametrize("path", [C.ONTOLOGY_FILE, C.SCHEMES_FILE, *C.REFERENCE_FILES, C.SHAPES_FILE])
def test_every_file_parses(path):
    assert len(Graph().parse(path, format="turtle")) > 10


def test_ontology_has_a_versioned_iri():
    g = vocab.ontology_graph()
    onto = URIRef(C.ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in g
    assert str(g.value(onto, OWL.versionIRI)).startswith(C.ONTOLOGY_IRI + "/")


@pytest.mark.parametrize("kind", [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty])
def test_every_term_has_label_and_definition(kind):
    g = vocab.ontology_graph()
    terms = own_terms(kind)
    assert len(terms) > 10
    for t in terms:
        assert g.value(t, RDFS.label) is not None, t
        assert g.value(t, SKOS.definition) is not None or g.value(t, RDFS.comment) is not None, t


@pytest.mark.parametrize("kind", [OWL.ObjectProperty, OWL.DatatypeProperty])
def test_every_property_has_domain_and_range(kind):
    g = vocab.ontology_graph()
    for p in own_terms(kind):
        assert g.value(p, RDFS.domain) is not None, f"{p} has no domain"
        assert g.value(p, RDFS.range) is not None, f"{p} has no range"


def test_classes_align_with_standard_vocabularies():
    g = vocab.ontology_graph()
    supers = {str(o) for o in g.objects(None, RDFS.subClassOf)} | {str(o) for o in g.objects(None, RDFS.subPropertyOf)}
    for ns in ("http://www.w3.org/ns/org#", "http://xmlns.com/foaf/0.1/", "https://schema.org/",
               "http://www.w3.org/ns/prov#", "http://purl.org/dc/terms/"):
        assert any(s.startswith(ns) for s in supers), ns


def test_reference_data_conforms_to_shapes():
    outcome = validate_graph(vocab.reference_graph())
    assert outcome.conforms, outcome.text()


def test_owl_rl_closure_of_ontology_and_reference_is_consistent():
    g = Graph()
    g += vocab.ontology_graph()
    g += vocab.reference_graph()
    closed = closure(g)  # raises InferenceError on an inconsistency
    assert not list(closed.subjects(RDF.type, OWL.Nothing))
    # The axioms pay off: a member state is an actor and a prov:Agent; membership has its inverse.
    vnm = URIRef(C.DATA_NS + "state/VNM")
    assert (vnm, RDF.type, CDO.Actor) in closed
    assert (vnm, RDF.type, URIRef("http://www.w3.org/ns/prov#Agent")) in closed
    assert (vnm, URIRef("http://www.w3.org/ns/org#memberOf"), URIRef(C.DATA_NS + "group/asean")) in closed


def test_a_disjointness_clash_is_found():
    from kg.check.infer import InferenceError
    g = Graph()
    g += vocab.ontology_graph()
    g.add((URIRef(C.DATA_NS + "x"), RDF.type, CDO.State))
    g.add((URIRef(C.DATA_NS + "x"), RDF.type, CDO.Person))
    with pytest.raises(InferenceError, match="inconsistent"):
        closure(g)


def states():
    g = vocab.reference_graph()
    return {s: g for s in g.subjects(RDF.type, CDO.MemberState)} | {s: g for s in g.subjects(RDF.type, CDO.ObserverState)}


def test_193_members_and_2_observers():
    g = vocab.reference_graph()
    assert len(set(g.subjects(RDF.type, CDO.MemberState))) == 193
    assert {str(s).rsplit("/", 1)[1] for s in g.subjects(RDF.type, CDO.ObserverState)} == {"VAT", "PSE"}


def test_state_codes_are_unique_and_confirmed_by_pycountry():
    g = vocab.reference_graph()
    seen = set()
    for s in states():
        a3, a2, m49 = (str(g.value(s, p)) for p in (CDO.iso3166Alpha3, CDO.iso3166Alpha2, CDO.m49Code))
        assert a3 not in seen, a3
        seen.add(a3)
        country = pycountry.countries.get(alpha_3=a3)
        assert country is not None, a3
        assert (country.alpha_2, country.numeric) == (a2, m49), a3
        assert str(s).endswith("/state/" + a3)
    assert len(seen) == 195


@pytest.mark.parametrize("name,code", [("Viet Nam", "VNM"), ("Vietnam", "VNM"), ("Türkiye", "TUR"), ("Turkey", "TUR"),
                                       ("Iran (Islamic Republic of)", "IRN"), ("Islamic Republic of Iran", "IRN"),
                                       ("Iran", "IRN"), ("Republic of Korea", "KOR"), ("South Korea", "KOR"),
                                       ("Russia", "RUS"), ("UK", "GBR"), ("USA", "USA"), ("Côte d'Ivoire", "CIV")])
def test_name_variants_resolve_through_labels(name, code):
    assert default_resolver().lookup(name, CDO.State) == URIRef(C.DATA_NS + "state/" + code)


def test_regional_groups_partition_the_members():
    g = vocab.reference_graph()
    org = URIRef("http://www.w3.org/ns/org#hasMember")
    members = set(g.subjects(RDF.type, CDO.MemberState))
    covered = []
    for grp in g.subjects(RDF.type, CDO.RegionalGroup):
        covered += list(g.objects(grp, org))
    assert sorted(covered) == sorted(members)  # every member in exactly one regional group


@pytest.mark.parametrize("mention,local", [("DTG", None), ("POC directory", "poc-directory"),
                                           ("points of contact directory", "poc-directory"),
                                           ("UN voluntary fund", "voluntary-fund"), ("trust fund", "voluntary-fund"),
                                           ("dedicated thematic group on capacity building", "dtg-capacity-building")])
def test_instrument_name_variants(mention, local):
    found = default_resolver().mentions(f"Support for the {mention} now")
    assert [str(f).rsplit("/", 1)[1] for f in found] == ([local] if local else [])


def test_removed_thematic_group_has_status_removed():
    g = vocab.reference_graph()
    assert g.value(URIRef(C.DATA_NS + "instrument/dtg-international-law"), CDO.status) == URIRef(C.DATA_NS + "status/removed")


def test_the_parsed_graph_cache_gives_back_the_same_graph_and_remakes_a_damaged_file(tmp_path, monkeypatch):
    from rdflib.compare import isomorphic

    from kg import constants as C
    from kg import vocab
    monkeypatch.setattr(C, "CACHE_DIR", tmp_path)
    made = []

    def parse():
        made.append(1)
        g = vocab.Graph()
        g.parse(C.SHAPES_FILE, format="turtle")
        return g
    first = vocab.cached_graph("test", (C.SHAPES_FILE,), parse)
    second = vocab.cached_graph("test", (C.SHAPES_FILE,), parse)
    assert made == [1] and isomorphic(first, second) and len(second) > 100
    (cached,) = tmp_path.glob("test-*.pickle")
    cached.write_bytes(b"not a pickle")
    third = vocab.cached_graph("test", (C.SHAPES_FILE,), parse)
    assert made == [1, 1] and isomorphic(first, third)
    other = tmp_path / "changed.ttl"
    other.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    changed = vocab.cached_graph("test", (C.SHAPES_FILE, other), lambda: parse() + vocab.Graph().parse(other))
    assert len(changed) == len(first) + 1  # other sources, other key


def test_folding_keeps_words_apart_across_any_whitespace():
    """A newline or a tab between two words of a label or a name separates them, as a space does."""
    assert norm("two\nlines") == norm("two\tlines") == norm("two  lines") == "two lines"
    assert norm("Viet-Nam") == "viet nam" and norm("The Côte d’Ivoire") == "cote divoire"
