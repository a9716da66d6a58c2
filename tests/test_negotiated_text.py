"""The negotiated text as data: versions, provisions and proposals, checked against a reading of the reports.

The hand lists below were written by reading the OEWG report's transcript, arguments and full report (line
numbers are the file's), not from the converter's output; the fixture is our own and cites the text in every
form the converter reads.
"""

from __future__ import annotations

import re

import pytest
from rdflib import RDF, Graph, URIRef

from kg.vocab import CDO
from tests.conftest import FIXTURES, MEETING, SAMPLE, real_reports

FIXTURE = FIXTURES / "2025-07-09-oewg-negotiation-fixture.txt"
DOC = "https://w3id.org/cyberdiplo/id/document/"
FR = "oewg-2021-2025-final-report/"

# (file line, what is cited) by reading the OEWG report: transcript turns, then arguments and the full report.
# Paragraph numbers are Rev.2's unless the speaker speaks of a deleted one (then Rev.1's); paragraphs cited after
# "Annex I" in the same statement are the annex's. Mexico's "paragraph 8, section B" may be the annex's: any
# version's paragraph 8 counts. Nigeria's "paragraph 15. 68" is left out: the transcript does not say which.
HAND = [
    (361, FR + "rev-2/annex/i"), (361, FR + "rev-2/annex/i/paragraph/8"), (361, FR + "rev-1/annex/i/paragraph/9"),
    (367, FR + "rev-2/paragraph/25"), (367, FR + "rev-2/paragraph/34-f"), (367, FR + "rev-1/paragraph/34-r"),
    (367, FR + "rev-1/paragraph/36"), (367, FR + "rev-2/annex/i"), (367, FR + "rev-2/annex/i/paragraph/11"),
    (367, FR + "zero-draft"), (367, FR + "rev-1"), (367, FR + "rev-2"),
    (373, FR + "rev-2/paragraph/17"),
    (379, FR + "rev-2/paragraph/35-g"), (379, FR + "rev-2"), (382, FR + "rev-2/paragraph/35-g"), (385, FR + "rev-1"),
    (391, FR + "rev-2/paragraph/41"), (391, FR + "rev-2/paragraph/24"), (391, FR + "rev-2"),
    (397, FR + "rev-2"), (403, FR + "rev-2"),
    (409, FR + "rev-2/paragraph/56"), (409, FR + "rev-2"),
    (415, "/paragraph/8"), (415, FR + "rev-2/section/b"), (415, "/paragraph/10"),
    (421, FR + "rev-2/paragraph/23"), (421, FR + "rev-2/paragraph/34-g"), (421, FR + "rev-2/paragraph/29"),
    (421, FR + "rev-2/section/d"), (421, FR + "rev-2/paragraph/43"), (421, FR + "rev-2/paragraph/43-d-i"),
    (421, FR + "rev-2/paragraph/53"), (421, FR + "rev-2"),
    (427, FR + "rev-2/paragraph/14"), (427, FR + "rev-2/paragraph/22"), (427, FR + "rev-2/paragraph/33"),
    (427, FR + "rev-2/section/c"), (427, FR + "rev-2/section/d"), (427, FR + "rev-2/paragraph/38"),
    (427, FR + "rev-2/paragraph/42"), (427, FR + "rev-1/paragraph/43-b"), (427, FR + "rev-2/section/f"),
    (427, FR + "rev-1"), (427, FR + "rev-2"), (427, FR + "zero-draft"),
    (439, FR + "rev-2/paragraph/16"), (439, FR + "rev-1"),
    (445, FR + "rev-2/section/b"), (445, FR + "rev-2/paragraph/3"), (445, FR + "rev-2/paragraph/42"),
    (448, FR + "rev-1"), (448, "oewg-2021-2025-apr-2024/adopted/annex/c"), (448, FR + "crp"),
    (1169, FR + "rev-2/paragraph/42"), (1227, FR + "rev-2/paragraph/3"), (1299, FR + "rev-1/paragraph/34-r"),
    (1299, FR + "rev-1/paragraph/36"), (1337, FR + "rev-2/paragraph/35-g"), (1620, FR + "rev-2/paragraph/43"),
    (1666, FR + "rev-2/paragraph/16"), (263, FR + "rev-2/paragraph/16"), (263, FR + "rev-2/paragraph/17"),
    (284, FR + "rev-2/paragraph/35-g"), (2133, FR + "rev-2/paragraph/16"),
]

# (proposer, actions accepted, what it is about, a word of the wording) by reading the same report.
PROPOSALS = [
    ("IRN", {"delete"}, {FR + "rev-2/paragraph/25", FR + "rev-2/paragraph/34-f"}, None),
    ("IRN", {"keep", "reinstate"}, {FR + "rev-1/paragraph/34-r", FR + "rev-1/paragraph/36"}, None),
    ("CHN", {"delete"}, {FR + "rev-2/paragraph/17"}, None),
    ("VNM", {"reinstate"}, {FR + "rev-2/paragraph/35-g"}, None),
    ("KOR", {"delete"}, {FR + "rev-2/paragraph/16"}, "could potentially"),
    ("GHA", {"add"}, {FR + "rev-2/paragraph/43-d-i"}, None),
    ("GHA", {"add"}, {FR + "rev-2/paragraph/53"}, None),
    ("MYS", {"add", "amend"}, {FR + "rev-2/annex/i/paragraph/8"}, None),
    ("MYS", {"amend"}, {FR + "rev-2/annex/i"}, None),
    ("IRN", {"add", "amend"}, {FR + "rev-2/annex/i"}, None),
    ("MEX", {"add", "amend"}, {FR + "rev-2/paragraph/10"}, None),
    ("EGY", {"replace", "add"}, {FR + "rev-2"}, "follow up to matters related to section C and D"),
    ("BRA", {"add"}, {FR + "rev-2"}, None),
    ("IRN", {"reinstate"}, {FR + "rev-2"}, None),
    ("COL", {"reinstate"}, {FR + "rev-2"}, None),
]


def _graph(path) -> Graph:
    from kg.check.prepared import default_resolver
    from kg.map.mapper import map_report
    from kg.read.parser import parse_file
    return map_report(parse_file(path), default_resolver(), path.read_bytes())


@pytest.fixture(scope="module")
def oewg() -> Graph:
    real_reports()
    return _graph(MEETING)


@pytest.fixture(scope="module")
def fixture() -> Graph:
    return _graph(FIXTURE)


def _mentions(g: Graph) -> list[tuple[int, str, str, str]]:
    return [(int(g.value(m, CDO.sourceLine)), str(g.value(m, CDO.mentionOf)), str(g.value(m, CDO.citedAs)),
             str(g.value(m, CDO.sentence))) for m in g.subjects(RDF.type, CDO.Mention)]


def _found(got: list, line: int, key: str) -> bool:
    return any(ln == line and (iri == DOC + key or (key.startswith("/") and iri.endswith(key))) for ln, iri, *_ in got)


def test_provision_mentions_in_the_oewg_report_recall_the_reading(oewg):
    got = _mentions(oewg)
    provisions = [(ln, k) for ln, k in HAND if "/paragraph/" in k or "/section/" in k or "/annex/" in k]
    assert len(provisions) >= 30
    missed = [(ln, k) for ln, k in HAND if not _found(got, ln, k)]
    recall = 1 - len(missed) / len(HAND)
    assert recall >= 0.9, missed
    linked = [m for m in got if "/paragraph/" in m[1] or "/section/" in m[1] or "/annex/" in m[1]]
    assert len(linked) >= 30


def test_no_provision_is_invented(oewg):
    """Every provision cited is one the sentence names: its number or letter is in the words cited, which are in
    the sentence; every provision sits under a version the reference data knows."""
    from kg import vocab
    ref = vocab.reference_graph()
    words = {"3": "three"}
    for line, iri, cited, sentence in _mentions(oewg):
        assert cited in sentence
        m = re.search(r"/(paragraph|section|annex)/([a-z0-9-]+)$", iri)
        if not m:
            continue
        first = m.group(2).split("-")[0]
        assert re.search(rf"(?i)(?<![0-9]){first}(?![0-9])", cited) or words.get(first, "@") in cited.lower() \
            or m.group(1) == "annex" and cited == "NXC", (line, iri, cited)
        version = URIRef(re.split(r"/(?:paragraph|section|annex)/", iri)[0])
        assert (version, RDF.type, CDO.DocumentVersion) in ref, iri


def test_transcription_variants_of_rev2_resolve_to_one_version(oewg):
    rev2 = {cited for _, iri, cited, _ in _mentions(oewg) if iri == DOC + FR + "rev-2"}
    assert {"REV-2", "REV2", "RAP2", "Rev. 2", "URF 2", "RAF 2", "BREF II", "second revised draft"} <= rev2
    assert (URIRef("https://w3id.org/cyberdiplo/id/meeting/2025-07-10-oewg-11th-session-meeting-6"),
            CDO.negotiatesVersion, URIRef(DOC + FR + "rev-2")) in oewg


def test_proposals_in_the_oewg_report_match_the_reading(oewg):
    found = []
    for p in oewg.subjects(RDF.type, CDO.Proposal):
        who = str(oewg.value(p, CDO.proposedBy)).rsplit("/", 1)[-1]
        action = str(oewg.value(p, CDO.proposalAction)).rsplit("/", 1)[-1]
        aim = {str(t)[len(DOC):] for t in oewg.objects(p, CDO.proposalTarget)}
        wording = " ".join(str(w) for w in oewg.objects(p, CDO.proposedWording))
        assert list(oewg.objects(p, CDO.statedIn)), p
        found.append((who, action, aim, wording))
    missing = [want for want in PROPOSALS
               if not any(w == want[0] and a in want[1] and aim == want[2] and (want[3] is None or want[3] in wd)
                          for w, a, aim, wd in found)]
    assert len(PROPOSALS) - len(missing) >= 12, missing
    assert not missing, missing


def test_a_proposal_stated_in_the_transcript_and_an_argument_is_one_proposal(oewg):
    korea = [p for p in oewg.subjects(CDO.proposedBy, URIRef("https://w3id.org/cyberdiplo/id/state/KOR"))
             if str(oewg.value(p, CDO.proposalAction)).endswith("/delete")]
    assert len(korea) == 1
    sources = {str(s).rsplit("/", 2)[-2] for s in oewg.objects(korea[0], CDO.statedIn)}
    assert {"argument", "finding"} & sources and len(list(oewg.objects(korea[0], CDO.statedIn))) >= 2


def test_brazils_proposal_is_backed_by_colombia(oewg):
    brazil = next(oewg.subjects(CDO.proposedBy, URIRef("https://w3id.org/cyberdiplo/id/state/BRA")))
    assert (brazil, CDO.supportedBy, URIRef("https://w3id.org/cyberdiplo/id/state/COL")) in oewg


# -- the fixture: every citation form, France's title proposal -----------------------------------------------

FIXTURE_CITES = {
    "REV-2": FR + "rev-2", "RAP2": FR + "rev-2", "URF 2": FR + "rev-2", "BREF II": FR + "rev-2", "Rev.2": FR + "rev-2",
    "Rev.1": FR + "rev-1", "zero draft": FR + "zero-draft", "CRP": FR + "crp", "conference room paper": FR + "crp",
    "Annex C": "oewg-2021-2025-apr-2024/adopted/annex/c", "NXC": "oewg-2021-2025-apr-2024/adopted/annex/c",
    "third annual progress report": "oewg-2021-2025-apr-2024", "fourth report": FR.rstrip("/"),
    "Annex I": FR + "rev-2/annex/i", "paragraph 16": FR + "rev-2/paragraph/16",
    "paragraphs 34R": FR + "rev-1/paragraph/34-r", "36": FR + "rev-1/paragraph/36",
    "paragraph 43B": FR + "rev-1/paragraph/43-b", "paragraph 43(d)(i)": FR + "rev-2/paragraph/43-d-i",
    "paragraph 43 subparagraph DI": FR + "rev-2/paragraph/43-d-i", "paragraph three": FR + "rev-2/paragraph/3",
    "paragraph 35, subparagraph G": FR + "rev-2/paragraph/35-g", "35 G": FR + "rev-2/paragraph/35-g",
    "paragraph 35G": FR + "rev-2/paragraph/35-g", "section D": FR + "rev-2/section/d",
    "section C and D": FR + "rev-2/section/c", "3 to 5": FR + "rev-2/paragraph/4",
    "para 12(b)(ii)": FR + "rev-2/annex/i/paragraph/12-b-ii",
    "paragraph 1": "ga-resolution-75-240/adopted/paragraph/1",
}


def test_the_fixture_exercises_every_citation_form(fixture):
    got = {(cited, iri[len(DOC):]) for _, iri, cited, _ in _mentions(fixture)}
    missing = {(c, k) for c, k in FIXTURE_CITES.items() if (c, k) not in got}
    assert not missing, missing
    assert (URIRef(DOC + FR + "rev-2/paragraph/43-d-i"), CDO.partOfProvision, URIRef(DOC + FR + "rev-2/paragraph/43-d")) in fixture
    assert (URIRef(DOC + FR + "rev-2/annex/i/paragraph/12-b-ii"), CDO.inVersion, URIRef(DOC + FR + "rev-2")) in fixture


def test_frances_title_proposal_with_its_supporters_and_opponent(fixture):
    state = "https://w3id.org/cyberdiplo/id/state/"
    france = [p for p in fixture.subjects(CDO.proposedBy, URIRef(state + "FRA"))]
    assert len(france) == 1
    p = france[0]
    assert str(fixture.value(p, CDO.proposalAction)).endswith("/replace")
    assert {str(t) for t in fixture.objects(p, CDO.proposalTarget)} == {DOC + FR + "rev-2/annex/i"}
    assert "Global Mechanism on ICT Security" in str(fixture.value(p, CDO.proposedWording))
    assert {str(s)[len(state):] for s in fixture.objects(p, CDO.supportedBy)} == {"DEU", "CHL"}
    assert {str(s)[len(state):] for s in fixture.objects(p, CDO.opposedBy)} == {"CAN"}
    responses = list(fixture.subjects(CDO.responseTo, p))
    assert len(responses) == 3 and all(fixture.value(r, CDO.sourceLine) for r in responses)


def test_words_that_are_not_citations_cite_nothing():
    from kg.check.prepared import default_resolver
    docs = default_resolver().documents
    for text, want in (("5G networks reach every paragraph.", []), ("paragraph 16 I think is fine", [("paragraph", ("16",))]),
                       ("the section on international law", []), ("the annex on the future mechanism", []),
                       ("the paragraph on AI security", []), ("we revised one of them", []),
                       ("the annual progress reports were adopted", []), ("Reverend 2 came", []),
                       ("paragraph 5 and one of the others", [("paragraph", ("5",))])):
        cited = [(c.kind, c.number) for c in docs.find(text) if c.kind != "current"]
        assert cited == want, (text, cited)


def test_the_sample_report_proposes_nothing_it_does_not_say():
    g = _graph(SAMPLE)
    assert not list(g.subjects(RDF.type, CDO.Proposal))  # the sample cites no text


# -- canned queries, on the store built from the real reports (and the fixture's own store) ----------------

def _canned(name: str) -> str:
    from kg import constants as C
    return (C.ROOT / "web" / "queries" / f"{name}.rq").read_text(encoding="utf-8")


def _of_meeting(found: list[dict], day: str) -> list[dict]:
    return [r for r in found if f"({day})" in (r["meeting"] or "")]


def test_most_contested_paragraphs_of_the_oewg_meeting(store):
    from tests.conftest import named
    found = _of_meeting(named(store, _canned("which-paragraphs-did-the-most-delegations-cite")), "2025-07-10")
    # by reading: paragraph 42 (Egypt, Colombia), Annex I (Malaysia, Iran), section B (Mexico, Colombia) and
    # section D (Ghana; Egypt in its compromise wording) are each cited by two delegations, nothing by more
    top = {r["provision"] for r in found if int(r["delegations"]) >= 2}
    assert top == {"Rev.2, paragraph 42", "Rev.2, Annex I", "Rev.2, section B", "Rev.2, section D"}
    assert int(found[0]["delegations"]) == 2
    assert {"Rev.2, paragraph 16", "Rev.1, paragraph 34(r)", "Rev.2, paragraph 35(g)"} <= {r["provision"] for r in found}


def test_who_asked_to_delete_reinstate_or_keep_what_in_the_oewg_meeting(store):
    from tests.conftest import named
    found = _of_meeting(named(store, _canned("who-asked-to-delete-reinstate-or-keep-what")), "2025-07-10")
    got = {(r["proposer"], r["action"], r["target"], r["wording"]) for r in found}
    iran = "Iran (Islamic Republic of)"
    assert got == {
        ("China", "delete", "Rev.2, paragraph 17", None),  # "China recommends to delete this sentence" (of paragraph 17)
        (iran, "delete", "Rev.2, paragraph 25", None), (iran, "delete", "Rev.2, paragraph 34(f)", None),
        ("Republic of Korea", "delete", "Rev.2, paragraph 16", "could potentially"),
        (iran, "keep", "Rev.1, paragraph 34(r)", None), (iran, "keep", "Rev.1, paragraph 36", None),  # deleted in Rev.2
        (iran, "keep", "Rev.2", None),            # "the retention of the language used in REV1"
        (iran, "reinstate", "Rev.2", None),       # the zero draft's language on stakeholders, "once again"
        ("Colombia", "reinstate", "Rev.2", None),  # the paragraph on the future mechanism, "reincorporated"
        ("Viet Nam", "reinstate", "Rev.2, paragraph 35(g)", None),
    }


def test_proposals_and_their_supporters_in_the_oewg_meeting(store):
    from tests.conftest import named
    found = _of_meeting(named(store, _canned("proposals-and-their-supporters")), "2025-07-10")
    responses = {(r["proposer"], r["respondent"], r["direction"]) for r in found if r["respondent"]}
    assert responses == {("Brazil", "Colombia", "for"),  # "as proposed by Brazil", "in line with the proposal … by Brazil"
                         ("Chair of the OEWG 2021-2025", "Nigeria", "against")}  # "cautious against the new proposal on BREF II"
    assert len({r["proposal"] for r in found}) >= 12


def test_what_was_said_about_annex_c_in_the_oewg_meeting(store):
    from tests.conftest import named
    found = _of_meeting(named(store, _canned("what-each-delegation-said-about-annex-c")), "2025-07-10")
    assert len(found) == 3 and {r["speaker"] for r in found} == {"Chair of the OEWG 2021-2025"}
    assert {r["line"] for r in found} == {"448"}
    assert sum("NXC" in r["sentence"] for r in found) == 1


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory):
    from kg.store.build import build
    from kg.store.generations import open_read_only
    root = tmp_path_factory.mktemp("negotiation") / "store"
    assert build([FIXTURE], root).published
    return open_read_only(root)


def test_the_canned_answers_on_the_fixture(fixture_store):
    from tests.conftest import named
    found = named(fixture_store, _canned("proposals-and-their-supporters"))
    france = {(r["respondent"], r["direction"]) for r in found if r["proposer"] == "France"}
    assert france == {("Germany", "for"), ("Chile", "for"), ("Canada", "against")}
    said = named(fixture_store, _canned("what-each-delegation-said-about-annex-c"))
    assert {(r["speaker"], r["line"]) for r in said} == {("France", "67"), ("Chile", "71"), ("France", "91")}
    cut = {(r["proposer"], r["action"], r["target"]) for r in named(fixture_store, _canned("who-asked-to-delete-reinstate-or-keep-what"))}
    assert ("Kenya", "reinstate", "Rev.1, paragraph 43(b)") in cut and ("Brazil", "delete", "Rev.2, paragraph 16") in cut


def test_a_position_points_to_the_proposal_its_argument_states(fixture):
    state = URIRef("https://w3id.org/cyberdiplo/id/state/")
    brazil = next(p for p in fixture.subjects(CDO.proposedBy, URIRef(state + "BRA")))
    positions = set(fixture.subjects(CDO.aboutProposal, brazil))
    assert positions and all(fixture.value(p, CDO.positionOf) == URIRef(state + "BRA") for p in positions)
    france = next(p for p in fixture.subjects(CDO.proposedBy, URIRef(state + "FRA")))
    # Canada's argument resists France's proposal: its position is about that proposal too
    holders = {str(fixture.value(p, CDO.positionOf)).rsplit("/", 1)[-1] for p in fixture.subjects(CDO.aboutProposal, france)}
    assert {"FRA", "CAN"} <= holders
