"""Every argument, speaker figure and agreement of the real reports reaches the graph, on the right speaker."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg import constants as C
from kg.check.prepared import default_resolver
from kg.vocab import BASIS, CDO

from .conftest import MEETING, WEBINAR

EXPECTED = {MEETING.name: dict(speakers=15, arguments=35, evidence=6),
            WEBINAR.name: dict(speakers=6, arguments=38, evidence=38)}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_counts(mapped, name):
    report, g = mapped[name]
    exp = EXPECTED[name]
    with_figures = {p for p in g.subjects(CDO.speechSeconds, None)}
    assert len(with_figures) == exp["speakers"]
    assert len(set(g.subjects(RDF.type, CDO.Argument))) == exp["arguments"]
    assert len(set(g.subjects(CDO.evidence, None))) == exp["evidence"]
    # one position per argument; more read from the transcript and the findings (docs/stance.md)
    assert len(set(g.subjects(CDO.basis, BASIS.argument))) == exp["arguments"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_argument_is_in_the_graph_on_its_speaker(mapped, name):
    report, g = mapped[name]
    chair = URIRef(C.DATA_NS + "office/oewg-2021-2025-chair")
    for block, arg in report.arguments:
        nodes = [s for s in g.subjects(CDO.title, Literal(arg.title)) if (s, RDF.type, CDO.Argument) in g]
        assert nodes, arg.title
        node = next(n for n in nodes if int(g.value(n, CDO.sourceLine)) == arg.line)
        part = g.value(node, CDO.inParticipation)
        assert block.name in {str(x) for x in g.objects(part, CDO.speakerLabel)}
        assert str(g.value(node, CDO.explanation)) == arg.explanation.text
        if arg.evidence:
            assert str(g.value(node, CDO.evidence)) == arg.evidence.text
        assert {str(x) for x in g.objects(node, CDO.agreedOn)} == {t.text for t in arg.agreed_on}
        assert {str(x) for x in g.objects(node, CDO.disagreedOn)} == {t.text for t in arg.disagreed_on}
        for prop, names in ((CDO.agreedWith, arg.agreed_with), (CDO.disagreedWith, arg.disagreed_with)):
            expected = {default_resolver().speaker(t.text, chair).iri for t in names}
            assert set(g.objects(node, prop)) == expected and None not in expected
        assert len(set(g.objects(node, CDO.topic))) == len(arg.topics) > 0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_speech_figures_are_typed_numbers_on_the_speaker(mapped, name):
    report, g = mapped[name]
    for b in report.blocks:
        part = next(p for p in g.subjects(CDO.speakerLabel, Literal(b.name)) if (p, RDF.type, CDO.Participation) in g)
        for prop, value in ((CDO.wordsPerMinute, b.words_per_minute), (CDO.wordCount, b.words), (CDO.speechSeconds, b.seconds)):
            lit = g.value(part, prop)
            assert lit.datatype == URIRef("http://www.w3.org/2001/XMLSchema#integer") and lit.toPython() == value


def test_webinar_figures_match_the_text(mapped):
    _, g = mapped[WEBINAR.name]
    person = URIRef(C.DATA_NS + "person/emmanuella-darkwah")
    part = next(g.subjects(CDO.participant, person))
    assert (g.value(part, CDO.wordsPerMinute).toPython(), g.value(part, CDO.wordCount).toPython(),
            g.value(part, CDO.speechSeconds).toPython()) == (168, 1559, 555)


def test_viet_nam_and_vietnam_are_one_state(mapped):
    report, g = mapped[MEETING.name]
    vnm = URIRef(C.DATA_NS + "state/VNM")
    labels = {str(o) for s in g.subjects(CDO.participant, vnm) for o in g.objects(s, CDO.speakerLabel)}
    assert "Viet Nam" in labels
    # "Vietnam" is how other speakers' "Disagreed with" lists name it
    assert any(str(g.value(a, CDO.title)).startswith("Concern about lack") for a in g.subjects(CDO.disagreedWith, vnm))
    assert not [s for s in g.all_nodes() if isinstance(s, URIRef) and "vietnam" in str(s).lower()]


def test_group_speakers(mapped):
    _, g = mapped[MEETING.name]
    for code, group in (("NGA", "african-group"), ("TUN", "arab-group"), ("MEX", "latin-american-countries")):
        part = next(g.subjects(CDO.participant, URIRef(C.DATA_NS + "state/" + code)))
        assert g.value(part, CDO.onBehalfOf) == URIRef(C.DATA_NS + "group/" + group)
        # and so do the positions its arguments yield
        pos = [p for p in g.subjects(CDO.positionOf, URIRef(C.DATA_NS + "state/" + code))]
        assert pos and all(g.value(p, CDO.onBehalfOf) == URIRef(C.DATA_NS + "group/" + group) for p in pos)


def test_chair_is_a_role_not_a_state(mapped):
    _, g = mapped[MEETING.name]
    chair = URIRef(C.DATA_NS + "office/oewg-2021-2025-chair")
    part = next(g.subjects(CDO.participant, chair))
    assert g.value(part, CDO.speechSeconds).toPython() == 2379
    assert (chair, RDF.type, CDO.State) not in g
    assert not [s for s in g.subjects(RDF.type, CDO.State)]  # states come from the reference data only


def test_same_person_with_and_without_hyphen(mapped):
    _, g = mapped[WEBINAR.name]
    people = set(g.subjects(RDF.type, CDO.Person))
    assert URIRef(C.DATA_NS + "person/madeline-murphy-hall") in people
    assert not [p for p in people if "murphy" in str(p) and not str(p).endswith("/madeline-murphy-hall")]
    q = [q for q in g.subjects(RDF.type, CDO.FollowUpQuestion) if str(g.value(q, CDO.speakerLabel)) == "Madeline Murphy-Hall and Catalina Vera-Toro"]
    assert {str(a).rsplit("/", 1)[1] for a in g.objects(q[0], CDO.askedBy)} == {"madeline-murphy-hall", "catalina-vera-toro"}


def test_affiliations_become_organizations(mapped):
    _, g = mapped[WEBINAR.name]
    orgs = {str(g.value(o, RDFS.label)) for o in g.subjects(RDF.type, CDO.Organization)}
    assert {"Diplo", "Microsoft", "Global Partners Digital"} <= orgs


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_findings_cite_arguments_by_title(mapped, name):
    report, g = mapped[name]
    findings = set(g.subjects(RDF.type, CDO.Finding)) or {f for c in ("AgreementPoint", "SimilarViewpoint", "UnexpectedConsensus", "DifferentViewpoint", "UnexpectedDifference", "PartialAgreement") for f in g.subjects(RDF.type, CDO[c])}
    assert len(findings) == len(report.findings) >= 15
    cited = sum(1 for f in findings for _ in g.objects(f, CDO.citesArgument))
    unmatched = sum(1 for f in findings for _ in g.objects(f, CDO.citedArgumentTitle))
    assert cited > 0 and unmatched == 0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_takeaways_comments_questions_and_disclaimer(mapped, name):
    report, g = mapped[name]
    for kind, items in report.takeaways.items():
        assert len(set(g.subjects(RDF.type, CDO[kind]))) == len(items) > 0
    assert len(set(g.subjects(RDF.type, CDO.ThoughtProvokingComment))) == len(report.comments) == 5
    assert len(set(g.subjects(RDF.type, CDO.FollowUpQuestion))) == len(report.questions) >= 9
    assert any(str(o).startswith("This is not an official session record") for o in g.objects(None, CDO.disclaimer))
    assert len(set(g.subjects(RDF.type, CDO.Intervention))) == len(report.turns) >= 30


def test_header_times_keep_wall_clock(mapped):
    _, g = mapped[MEETING.name]
    ev = URIRef(C.DATA_NS + "meeting/2025-07-10-oewg-11th-session-meeting-6")
    assert str(g.value(ev, CDO.startTime)) == "2025-07-10T14:00:00"
    assert str(g.value(ev, CDO.endTime)) == "2025-07-10T17:00:00"
    assert g.value(ev, CDO.meetingNumber).toPython() == 6
    session = g.value(ev, CDO.partOfSession)
    assert g.value(session, CDO.sessionNumber).toPython() == 11
    assert g.value(session, CDO.sessionOf) == URIRef(C.DATA_NS + "mechanism/oewg-2021-2025")
    assert (URIRef(C.DATA_NS + "meeting/2025-07-23-webinar-un-cyber-dialogue"), RDF.type, CDO.Webinar) in mapped[WEBINAR.name][1]
