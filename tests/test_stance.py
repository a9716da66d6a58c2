"""The stance rules and target linking, measured on a gold set of argument titles written for this test."""

from __future__ import annotations

import pytest

from kg.check.prepared import default_resolver
from kg.map.stance import classify

# (title, expected stance, expected broad axis, expected target instruments/mechanisms)
GOLD = [
    ("Support for a permanent mechanism with a single track", "supports", "supports", {"global-mechanism"}),
    ("Strong support for the POC directory as a crisis tool", "supports", "supports", {"poc-directory"}),
    ("Call for restoration of the thematic group on international law", "calls-for-restoration", "supports", {"dtg-international-law"}),
    ("Request for reinstatement of the norms checklist", "calls-for-restoration", "supports", {"norms-checklist"}),
    ("Disappointment with removal of the dedicated thematic group on international law", "regrets-removal", "supports", {"dtg-international-law"}),
    ("Regret over deletion of the women in cyber fellowship paragraph", "regrets-removal", "supports", {"women-in-cyber-fellowship"}),
    ("Concern about lack of resources for the UN voluntary fund", "regrets-lack", "supports", {"voluntary-fund"}),
    ("Concern about politicisation of the future mechanism", "expresses-concern", "opposes", {"global-mechanism"}),
    ("Caution against duplicating the work of the capacity-building portal", "cautions-against", "opposes", {"capacity-building-portal"}),
    ("Cannot support a vote-based decision procedure", "rejects", "opposes", set()),
    ("Opposition to new legally binding norms", "rejects", "opposes", {"norms"}),
    ("Welcome for the Global Roundtable on ICT capacity-building", "welcomes", "supports", {"capacity-building-roundtable"}),
    ("Appreciation for the Chair's revised draft", "welcomes", "supports", set()),
    ("Request for clarity on the mandate of DTG1", "requests-clarification", "neutral", {"dtg-specific-challenges"}),
    ("Questions about the governance of the trust fund", "observes", "neutral", {"voluntary-fund"}),
    ("Need for more confidence-building measures at regional level", "calls-for", "supports", {"cbms"}),
    ("Call for a dedicated thematic group on capacity building", "calls-for", "supports", {"dtg-capacity-building"}),
    ("Proposal to merge the two thematic groups", "proposes", "supports", set()),
    ("Request to delete the reference to the Programme of Action", "calls-for-deletion", "opposes", {"programme-of-action"}),
    ("POC directory as a major achievement of the OEWG", "welcomes", "supports", {"poc-directory"}),
    ("Progress on international law was limited", "observes", "neutral", set()),
    ("Frustration with the slow pace of norm implementation", "regrets", "opposes", set()),
    ("Concern about reduction from three to two thematic groups", "regrets-reduction", "supports", set()),
    ("Emphasis on the framework of responsible state behaviour as the basis", "calls-for", "supports", {"responsible-state-behaviour-framework"}),
    ("Support for funding delegates from small states", "supports", "supports", set()),
    ("Warning that the new mechanism may duplicate the OEWG", "cautions-against", "opposes", {"global-mechanism", "oewg-2021-2025"}),
    ("Preference for keeping the current accreditation modalities", "calls-for", "supports", set()),
    ("Vague mandate of the catch-all thematic group creates uncertainty", "observes", "neutral", {"dtg-specific-challenges"}),
    # Known misses, kept so the figures stay honest: no rule reads "reservations", and "opposition to
    # removal" is a double negative the loss flip only applies to concern and regret cues.
    ("Reservations regarding the thematic group on international law", "expresses-concern", "opposes", {"dtg-international-law"}),
    ("Opposition to removal of the norms checklist", "regrets-removal", "supports", {"norms-checklist"}),
]

BROAD = {"supports": "supports", "welcomes": "supports", "calls-for": "supports", "calls-for-restoration": "supports",
         "regrets-removal": "supports", "regrets-lack": "supports", "regrets-reduction": "supports", "proposes": "supports", "expresses-concern": "opposes",
         "cautions-against": "opposes", "rejects": "opposes", "regrets": "opposes", "calls-for-deletion": "opposes",
         "requests-clarification": "neutral", "observes": "neutral"}


def measure():
    res = default_resolver()
    exact = broad = tp = fp = fn = 0
    for title, stance, axis, targets in GOLD:
        got = classify(title)
        exact += got.stance == stance
        broad += BROAD[got.stance] == axis
        # This set names instruments and mechanisms only (issues are scored in tests/test_gold.py).
        found = {str(t).rsplit("/", 1)[1] for t in res.mentions(got.about) if "/issue/" not in str(t)}
        tp += len(found & targets)
        fp += len(found - targets)
        fn += len(targets - found)
    n = len(GOLD)
    return exact / n, broad / n, tp / ((tp + fp) or 1), tp / ((tp + fn) or 1)


def test_stance_and_target_quality_on_gold_set():
    exact, broad, precision, recall = measure()
    print(f"\nstance gold set n={len(GOLD)}: exact {exact:.2f}, broad axis {broad:.2f}, "
          f"target precision {precision:.2f}, recall {recall:.2f}")
    assert broad >= 0.9 and exact >= 0.8
    assert precision >= 0.9 and recall >= 0.8


def test_every_specific_stance_is_in_the_scheme_under_an_axis():
    from rdflib.namespace import SKOS

    from kg import vocab
    g = vocab.ontology_graph()
    for slug, axis in BROAD.items():
        node = vocab.STANCE[slug]
        assert (node, SKOS.inScheme, vocab.STANCE_SCHEME) in g, slug
        if slug != axis:
            assert g.value(node, SKOS.broader) == vocab.STANCE[axis], slug


@pytest.mark.parametrize("title", ["Concern that the text is unbalanced", "Lorem ipsum", "", "!!!"])
def test_titles_without_a_cue_are_neutral_or_concern(title):
    assert classify(title).stance in {"observes", "expresses-concern"}


def test_unresolved_targets_stay_text():
    got = classify("Support for the Latvia-Vietnam-Philippines initiative")
    assert got.object_text == "the Latvia-Vietnam-Philippines initiative"
    assert default_resolver().mentions(got.object_text) == []
