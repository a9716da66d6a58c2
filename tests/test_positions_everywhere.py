"""Positions read outside the arguments, who holds them, and what agrees with what (issue #22), on the sample
report and variants of it written here (our own text; no ../shared)."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import RDF

from kg import constants as C
from kg.check.prepared import default_resolver
from kg.map.mapper import map_report
from kg.read.parser import parse_file
from kg.vocab import BASIS, CDO, DIRECTION

from .conftest import SAMPLE

D = C.DATA_NS


def mapped(text: str):
    data = text.encode("utf-8")
    report = parse_file(SAMPLE.name, data)
    return report, map_report(report, default_resolver(), data)


def sample() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def test_a_first_person_sentence_is_a_position_of_its_speaker_with_its_line():
    _, g = mapped(sample())
    said = {(str(g.value(p, CDO.positionOf)), str(g.value(p, CDO.direction)), str(t))
            for p in g.subjects(CDO.basis, BASIS.transcript) for t in g.objects(p, CDO.target)}
    # Kenya regrets the removal and asks the group back; Estonia cannot support restoring it; Viet Nam and Kenya
    # support the capacity-building group (each in its own turn).
    law, cb = D + "instrument/dtg-international-law", D + "instrument/dtg-capacity-building"
    assert said == {(D + "state/KEN", str(DIRECTION["for"]), law), (D + "state/EST", str(DIRECTION["against"]), law),
                    (D + "state/KEN", str(DIRECTION["for"]), cb), (D + "state/VNM", str(DIRECTION["for"]), cb)}
    # Each names the file line its sentence stands on (Kenya's turn runs over two lines, one sentence on each).
    text = sample().splitlines()
    assert all(str(g.value(p, CDO.text)) in text[int(g.value(p, CDO.sourceLine)) - 1] for p in g.subjects(CDO.basis, BASIS.transcript))
    assert len({int(g.value(p, CDO.sourceLine)) for p in g.subjects(CDO.basis, BASIS.transcript)}) == 4
    # Each links the argument that says the same: Kenya's call for the group back, Estonia's opposition.
    estonia = next(p for p in g.subjects(CDO.basis, BASIS.transcript) if g.value(p, CDO.positionOf) == URIRef(D + "state/EST"))
    assert str(g.value(estonia, CDO.matchesArgument)).endswith("/argument/3")


def test_others_words_and_the_chairs_turns_are_no_ones_position():
    text = sample().replace("Chair: Thank you, Kenya. Estonia, please.",
                            "Chair: Thank you, Kenya. Some of you asked for the deletion of the voluntary fund; I support "
                            "the thematic group on capacity building myself. Estonia, please.")
    text = text.replace("Estonia: Thank you. We cannot support",
                        "Estonia: Thank you. Several delegations called for the voluntary fund to be deleted. We cannot support")
    _, g = mapped(text)
    fund = URIRef(D + "instrument/voluntary-fund")
    assert not [p for p in g.subjects(CDO.target, fund) if g.value(p, CDO.basis) == BASIS.transcript]
    chair = URIRef(D + "office/oewg-2021-2025-chair")
    assert not [p for p in g.subjects(CDO.positionOf, chair) if g.value(p, CDO.basis) == BASIS.transcript]


def test_a_finding_naming_states_gives_each_a_position_marked_as_the_summary():
    text = sample().replace("Kenya and Viet Nam agreed that international law needs a place in the future mechanism.",
                            "Kenya and Viet Nam strongly backed the dedicated thematic group on capacity building.")
    _, g = mapped(text)
    summary = {(str(g.value(p, CDO.positionOf)), str(g.value(p, CDO.derivedFrom)).rsplit("/", 2)[-2])
               for p in g.subjects(CDO.basis, BASIS.summary)}
    assert summary == {(D + "state/KEN", "finding"), (D + "state/VNM", "finding")}
    kenya = next(p for p in g.subjects(CDO.basis, BASIS.summary) if g.value(p, CDO.positionOf) == URIRef(D + "state/KEN"))
    assert g.value(kenya, CDO.onBehalfOf) == URIRef(D + "group/african-group")  # as Kenya spoke at that meeting


def test_agreement_is_the_same_side_and_disagreement_the_opposite_on_one_instrument():
    _, g = mapped(sample())
    pairs = {(g.value(a, RDF.type), frozenset(g.objects(a, CDO.between)), g.value(a, CDO.onTarget))
             for a in g.subjects(CDO.inEvent, None) if (a, CDO.onTarget, None) in g}
    law, cb = URIRef(D + "instrument/dtg-international-law"), URIRef(D + "instrument/dtg-capacity-building")
    ken, est, vnm = (URIRef(D + "state/" + c) for c in ("KEN", "EST", "VNM"))
    assert pairs == {(CDO.DerivedDisagreement, frozenset({ken, est}), law), (CDO.DerivedAgreement, frozenset({ken, vnm}), cb)}
    # Each links the positions it compares, of both actors, on its target.
    for a in g.subjects(RDF.type, CDO.DerivedDisagreement):
        holders = {g.value(p, CDO.positionOf) for p in g.objects(a, CDO.fromPosition)}
        assert holders == {ken, est} and all((p, CDO.target, law) in g for p in g.objects(a, CDO.fromPosition))
    # Viet Nam's list says it agreed with Kenya on international law; it took no side on it, so no pair says so.
    assert not [a for a in g.subjects(CDO.onTarget, law) if vnm in set(g.objects(a, CDO.between))]


def test_an_alignment_declared_in_the_transcript_is_kept_apart():
    _, g = mapped(sample())
    declared = [(g.value(n, CDO.aligningActor), set(g.objects(n, CDO.alignedWith)), str(g.value(n, CDO.statedIn)))
                for n in g.subjects(RDF.type, CDO.DeclaredAlignment)]
    assert declared == [(URIRef(D + "state/VNM"), {URIRef(D + "state/KEN")}, declared[0][2])]
    assert "/intervention/" in declared[0][2]


def test_titles_are_not_names_and_organizations_are_not_persons():
    text = sample().replace("– **Jane Doe-Smith** –", "– **Dr. Jane Doe-Smith** –").replace("\nJ\n\nJane Doe-Smith\n", "\nJ\n\nDr. Jane Doe-Smith\n")
    text = text.replace("Jane Doe-Smith: Researchers can help", "ICRC: Researchers can help")
    _, g = mapped(text)
    makers = set(g.objects(None, CDO.madeBy))
    assert URIRef(D + "person/jane-doe-smith") in makers and not [m for m in makers if "/person/dr-" in str(m)]
    turn = next(t for t in g.subjects(CDO.speakerLabel, None) if str(g.value(t, CDO.speakerLabel)) == "ICRC")
    icrc = g.value(turn, CDO.speaker)
    assert icrc == URIRef(D + "organization/icrc") and (icrc, RDF.type, CDO.Person) not in g


def test_a_one_word_heading_is_read_as_the_reports_full_name_with_a_warning():
    text = sample().replace("\nJ\n\nJane Doe-Smith\n", "\nJ\n\nDoe-Smith\n")
    report, g = mapped(text)
    assert URIRef(D + "person/doe-smith") not in set(g.objects(None, CDO.madeBy))
    assert URIRef(D + "person/jane-doe-smith") in set(g.objects(None, CDO.madeBy))
    assert any(":203: [speakers] one-word speaker heading 'Doe-Smith' read as 'Jane Doe-Smith'" in w for w in report.warnings)
    unknown, _ = mapped(sample().replace("\nJ\n\nJane Doe-Smith\n", "\nJ\n\nModerator\n"))
    assert any("'Moderator'" in w and "kept as written" in w for w in unknown.warnings)


def test_a_group_delivered_by_a_state_is_the_group_spoken_for():
    from kg.map import statements
    res = default_resolver()
    for text in ("A group of like-minded states, delivered by Liechtenstein, opposed the deletion of the checklist.",
                 "Liechtenstein, on behalf of a group of like-minded countries, opposed the deletion of the checklist.",
                 "Liechtenstein, speaking for like-minded delegations, objected to the deletion of the checklist."):
        s = statements.sentence(text, res)
        assert s.holders.actors == [URIRef(D + "state/LIE")] and s.holders.groups == [URIRef(D + "group/like-minded-group")], text
        assert (s.stance.act, s.stance.direction) == ("opposes", "for"), text
