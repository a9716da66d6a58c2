"""The ontology, the reference data and the whole dump are OWL 2 DL, checked by the OWL API's profile checker,
and consistent with PROV-O's axioms, checked by HermiT (issue #25). Both run on the JVM through JPype with the
OWL API and HermiT that owlready2 ships; without Java the tests skip (`.ci/run` installs it)."""

from __future__ import annotations

import io
import os
import shutil
from collections import Counter

import pytest
from rdflib import Graph

from kg import constants as C

from .test_ontology import PROV_O  # the axioms of PROV-O that bear on what we align with

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime for the OWL API and HermiT")


@pytest.fixture(scope="module")
def owlapi():
    """The OWL API and HermiT, loaded once into this process's JVM."""
    jpype = pytest.importorskip("jpype")
    pytest.importorskip("jpype.imports")  # from here on, Java packages import as Python modules
    owlready2 = pytest.importorskip("owlready2")
    if not jpype.isJVMStarted():
        jpype.startJVM(classpath=[os.path.join(os.path.dirname(owlready2.__file__), "hermit", "HermiT.jar")],
                       convertStrings=True)
    from org.semanticweb.HermiT import Configuration, Reasoner
    from org.semanticweb.owlapi.apibinding import OWLManager
    from org.semanticweb.owlapi.io import StringDocumentSource
    from org.semanticweb.owlapi.profiles import OWL2DLProfile

    class API:
        @staticmethod
        def load(g: Graph):
            manager = OWLManager.createOWLOntologyManager()
            return manager.loadOntologyFromOntologyDocument(StringDocumentSource(g.serialize(format="nt")))

        @staticmethod
        def violations(g: Graph) -> list[str]:
            return [str(v) for v in OWL2DLProfile().checkOntology(API.load(g)).getViolations()]

        @staticmethod
        def consistent(g: Graph) -> bool:
            conf = Configuration()
            conf.ignoreUnsupportedDatatypes = True  # xsd:date: HermiT reasons over its literals as opaque values
            return bool(Reasoner(conf, API.load(g)).isConsistent())
    return API


def vocabulary() -> Graph:
    g = Graph()
    for path in [C.ONTOLOGY_FILE, C.SCHEMES_FILE, *sorted(C.REFERENCE_DIR.glob("*.ttl"))]:
        g.parse(path)
    return g


def kinds(violations: list[str]) -> Counter:
    return Counter(v.split(":")[0] for v in violations)


def test_the_ontology_and_reference_data_are_owl2_dl(owlapi):
    found = owlapi.violations(vocabulary())
    assert not found, (kinds(found), found[:5])


def test_the_whole_dump_is_owl2_dl_and_consistent_with_prov_o(owlapi, sample_only_store):
    from kg.export import export
    from kg.store.generations import current_path, open_read_only
    out = io.BytesIO()
    export(open_read_only(sample_only_store), out, "ntriples", folder=current_path(sample_only_store))
    g = Graph().parse(data=out.getvalue().decode("utf-8"), format="nt")
    assert len(g) > 3000
    found = owlapi.violations(g)
    assert not found, (kinds(found), found[:5])
    g.parse(data=PROV_O, format="turtle")
    assert owlapi.consistent(g)


def test_the_profile_check_and_the_reasoner_catch_what_they_are_for(owlapi):
    """Controls: an undeclared term and the 0.1.0 alignment (fromReport under prov:wasDerivedFrom, on meetings,
    which are prov:Activity) are caught."""
    g = vocabulary()
    g.parse(data="<urn:x:a> <urn:x:undeclared> <urn:x:b> .", format="nt")
    assert any("undeclared" in v.lower() for v in owlapi.violations(g))
    old = vocabulary()
    old.parse(data=PROV_O, format="turtle")
    old.parse(data=f"""@prefix cdo: <{C.ONTOLOGY_NS}> . @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        cdo:fromReport rdfs:subPropertyOf prov:wasDerivedFrom .
        <urn:x:meeting> a cdo:Meeting ; cdo:fromReport <urn:x:report> .""", format="turtle")
    assert not owlapi.consistent(old)
