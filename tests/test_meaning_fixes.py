"""Fixes from issue #8 that change what answers mean: stance axes, group statements, names with 'and',
groups and organizations kept apart, readable labels."""

from __future__ import annotations

from itertools import combinations

from rdflib import URIRef
from rdflib.namespace import RDFS

from kg import constants as C
from kg.check.prepared import default_resolver
from kg.map.mapper import map_report
from kg.map.resolve import split_names
from kg.read.parser import parse_file
from kg.vocab import CDO

from .conftest import SAMPLE, named, rows


def canned(name: str) -> str:
    return (C.ROOT / "web" / "queries" / f"{name}.rq").read_text(encoding="utf-8")


def test_names_with_and_are_kept_whole():
    known = lambda n: default_resolver().lookup(n) is not None  # noqa: E731
    assert split_names("United Kingdom of Great Britain and Northern Ireland", known) == \
        ["United Kingdom of Great Britain and Northern Ireland"]
    assert split_names("Trinidad and Tobago and Egypt", known) == ["Trinidad and Tobago", "Egypt"]
    assert split_names("Bosnia and Herzegovina, Saint Kitts and Nevis and Kenya", known) == \
        ["Bosnia and Herzegovina", "Saint Kitts and Nevis", "Kenya"]
    assert split_names("Jane Doe and John Roe", known) == ["Jane Doe", "John Roe"]


def test_a_question_asked_by_states_named_with_and_links_them_and_mints_no_person():
    text = SAMPLE.read_text(encoding="utf-8")
    block = text[text.index("Follow-up questions"):]
    import re
    speaker = re.search(r"^Speakers?\n+(.+)$", block, re.M)
    assert speaker, "the sample's questions name their askers"
    changed = text[: text.index("Follow-up questions")] + block.replace(
        speaker.group(1), "United Kingdom of Great Britain and Northern Ireland and Trinidad and Tobago", 1)
    data = changed.encode("utf-8")
    g = map_report(parse_file(SAMPLE.name, data), default_resolver(), data)
    askers = set(g.objects(None, CDO.askedBy))
    assert {URIRef(C.DATA_NS + "state/GBR"), URIRef(C.DATA_NS + "state/TTO")} <= askers
    persons = {str(o) for s, o in g.subject_objects(RDFS.label) if (s, None, CDO.Person) in g}
    assert not [p for p in persons if "Ireland" in p or "Tobago" in p]


def test_the_league_of_arab_states_and_the_african_union_are_not_the_un_caucuses():
    res = default_resolver()
    assert res.lookup("Arab League") == URIRef(C.DATA_NS + "organization/league-of-arab-states")
    assert res.lookup("African Union") == URIRef(C.DATA_NS + "organization/african-union")
    assert res.lookup("Arab Group") == URIRef(C.DATA_NS + "group/arab-group")
    assert res.lookup("G77 and China") == res.lookup("Group of 77 and China") == URIRef(C.DATA_NS + "group/g77-and-china")


def test_stance_profile_counts_each_states_directions_as_the_gold_set_reads_them(built_store, store):
    from collections import Counter

    from .test_gold import gold
    found = {(r["state"], r["direction"]): int(r["positions"]) for r in named(store, canned("stance-profile-of-each-state"))}
    makers = {r["arg"]: r["state"] for r in rows(store, """SELECT ?arg ?state WHERE { ?arg cdo:madeBy ?s .
                                                           ?s a cdo:State ; skos:prefLabel ?state }""")}
    words = {"for": "for", "against": "against", "neutral": "neither"}
    expected = Counter()
    for g in gold():
        arg = f"{C.DATA_NS}meeting/{g['meeting']}/argument/{g['order']}"
        if arg in makers:
            expected[(makers[arg], words[g["direction"]])] += 1
    # The sample, by reading it: Kenya calls for two groups, Estonia opposes one, Viet Nam asks for clarity and backs one.
    expected.update({("Kenya", "for"): 2, ("Estonia", "against"): 1, ("Viet Nam", "neither"): 1, ("Viet Nam", "for"): 1})
    assert found == dict(expected)


def test_backers_of_the_law_group_are_those_the_reports_show(built_store, store):
    found = rows(store, canned("who-backed-a-thematic-group-on-international-law"))
    local = lambda iri: (iri or "").rsplit("/", 1)[-1]  # noqa: E731  (the query answers IRIs, shown by label)
    agreeing = lambda r: ", ".join(sorted(filter(None, (r["agreeing"] or "").split(", "))))  # noqa: E731  (GROUP_CONCAT has no order)
    got = sorted((local(r["holder"]), local(r["basis"]), local(r["onBehalfOf"]), r["date"], agreeing(r)) for r in found)
    five = {"COL": "Colombia", "EGY": "Egypt", "GHA": "Ghana", "NGA": "Nigeria", "TUN": "Tunisia"}
    others = lambda me: ", ".join(sorted(n for c, n in five.items() if c != me))  # noqa: E731
    # Read off 2025-07-10: Egypt (two arguments), Nigeria for the African Group and Tunisia for the Arab Group in their
    # arguments; Colombia in the transcript only ("we regret the removal of the group on international law"); the
    # finding on the number of groups names all five as opposing its removal (Ghana is nowhere else). All five are
    # for the group, so each agrees with the other four; nobody there is against it. In the sample Kenya, for the
    # African Group, asks for it back in its argument and its turn; Estonia opposes it, so nobody agrees.
    assert got == sorted([("EGY", "argument", "", "2025-07-10", others("EGY"))] * 2 + [
        ("EGY", "summary", "", "2025-07-10", others("EGY")),
        ("NGA", "argument", "african-group", "2025-07-10", others("NGA")),
        ("NGA", "summary", "african-group", "2025-07-10", others("NGA")),
        ("TUN", "argument", "arab-group", "2025-07-10", others("TUN")),
        ("TUN", "summary", "arab-group", "2025-07-10", others("TUN")),
        ("COL", "transcript", "", "2025-07-10", others("COL")),
        ("COL", "summary", "", "2025-07-10", others("COL")),
        ("GHA", "summary", "", "2025-07-10", others("GHA")),
        ("KEN", "argument", "african-group", "2024-12-04", ""),
        ("KEN", "transcript", "african-group", "2024-12-04", "")])
    # Each row names the part of the report to check it against: an argument, a turn or a finding, with its line.
    kinds = {"argument": "/argument/", "transcript": "/intervention/", "summary": "/finding/"}
    assert all(kinds[local(r["basis"])] in r["source"] and int(r["line"]) > 0 for r in found)


def test_statements_for_a_group_are_never_a_members_own(built_store, store):
    found = named(store, canned("group-statements-versus-members-own-statements"))
    own = [r for r in found if r["kind"] == "member in its own name"]
    spoken_for = rows(store, """SELECT DISTINCT ?about ?h WHERE { ?p cdo:onBehalfOf ?g ; cdo:targetText ?about ;
                                cdo:positionOf/rdfs:label ?h }""")
    assert spoken_for and own
    assert not {(r["about"], r["speaker"]) for r in own} & {(r["about"], r["h"]) for r in spoken_for}


def test_labels_are_names_and_whole_words(mapped):
    import re

    from rdflib.namespace import RDF
    for report, g in mapped.values():
        words = set(report.title.split())
        for s in g.subjects(RDF.type, CDO.Position):
            holder = str(g.value(s, RDFS.label)).split(":")[0]
            assert not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+", holder), holder  # a name, not an IRI slug
        for s in g.subjects(RDF.type, CDO.Participation):
            text = str(g.value(s, RDFS.label))
            if text.endswith("…"):
                assert text[:-1].split()[-1] in words, text  # cut between words


def test_the_group_spoken_for_is_kept_on_comments_and_questions():
    text = SAMPLE.read_text(encoding="utf-8")
    tail = text[text.index("Thought provoking comments"):]
    changed = text[: text.index("Thought provoking comments")] + tail.replace(
        "Speaker\n\nEstonia", "Speaker\n\nKenya (African Group)", 1).replace("Speaker\n\nVietnam", "Speaker\n\nKenya (African Group)", 1)
    assert changed.count("Kenya (African Group)") == 2
    data = changed.encode("utf-8")
    g = map_report(parse_file(SAMPLE.name, data), default_resolver(), data)
    african = URIRef(C.DATA_NS + "group/african-group")
    for cls in (CDO.ThoughtProvokingComment, CDO.FollowUpQuestion):
        node = next(g.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), cls))
        assert (node, CDO.onBehalfOf, african) in g, cls


def test_every_agreed_and_disagreed_point_links_to_the_finding_with_its_title(store):
    found = rows(store, """SELECT ?arg ?p ?text (COUNT(DISTINCT ?f) AS ?n) (SAMPLE(?title) AS ?t) (SAMPLE(?same) AS ?sameEvent) WHERE {
        VALUES (?p ?link) { (cdo:agreedOn cdo:agreedOnFinding) (cdo:disagreedOn cdo:disagreedOnFinding) }
        ?arg ?p ?text ; cdo:inEvent ?e .
        OPTIONAL { ?arg ?link ?f . ?f cdo:title ?title . BIND(EXISTS { ?f cdo:inEvent ?e } AS ?same) }
        } GROUP BY ?arg ?p ?text""")
    # 55 points in the two real reports and 4 in the sample (counted in the texts); each names one finding.
    assert len(found) == 59
    for r in found:
        assert r["n"] == "1" and r["t"].casefold() == r["text"].casefold() and r["sameEvent"] == "true", r


def test_no_actor_agrees_with_itself_and_allies_never_disagree(store):
    assert not store.query("ASK { ?a cdo:agreesWith|cdo:disagreesWith|cdo:mixedWith ?a }", use_default_graph_as_union=True,
                           prefixes=C.PREFIXES)
    # Viet Nam's argument lists "Vietnam" under "Disagreed with": kept as stated, read as nothing.
    assert store.query("""ASK { ?arg cdo:madeBy state:VNM ; cdo:disagreedWith state:VNM .
                          FILTER NOT EXISTS { ?arg cdo:disagreeingActor|cdo:mixedActor|cdo:agreeingActor state:VNM } }""",
                       use_default_graph_as_union=True, prefixes=C.PREFIXES)
    counts = {r["p"]: int(r["n"]) for r in rows(store, """SELECT ?p (COUNT(*) AS ?n) WHERE {
        VALUES ?p { cdo:agreedWith cdo:disagreedWith cdo:disagreeingActor } ?arg ?p ?o ; cdo:inEvent/cdo:date "2025-07-10"^^xsd:date } GROUP BY ?p""")}
    # Read off the 2025-07-10 report's lists: 44 entries under "Agreed with", 95 under "Disagreed with", kept as
    # stated. No delegation there argued against a mechanism or instrument another argued for: nothing disagrees.
    p = C.ONTOLOGY_NS
    assert counts == {p + "agreedWith": 44, p + "disagreedWith": 95}
    # Egypt, Nigeria and Tunisia (and Colombia and Ghana) asked for the same group: they agree, never disagree.
    allies = ["EGY", "NGA", "TUN", "COL", "GHA"]
    pairs = {tuple(sorted((r["a"].rsplit("/", 1)[-1], r["b"].rsplit("/", 1)[-1]))) for r in rows(store, """SELECT ?a ?b WHERE {
        ?x a cdo:DerivedAgreement ; cdo:onTarget inst:dtg-international-law ; cdo:between ?a , ?b ;
           cdo:inEvent/cdo:date "2025-07-10"^^xsd:date . FILTER (STR(?a) < STR(?b)) }""")}
    assert pairs == {tuple(sorted(pair)) for pair in combinations(allies, 2)}
    assert not store.query("""ASK { ?x a cdo:DerivedDisagreement ; cdo:between ?a , ?b .
                              VALUES ?a { state:EGY state:NGA state:TUN } VALUES ?b { state:EGY state:NGA state:TUN } }""",
                           use_default_graph_as_union=True, prefixes=C.PREFIXES)
    # In the sample Estonia opposes the group Kenya asks back: the one disagreement, between them, on that group.
    assert {(r["a"], r["b"], r["t"]) for r in rows(store, """SELECT ?a ?b ?t WHERE { ?x a cdo:DerivedDisagreement ;
        cdo:between ?a , ?b ; cdo:onTarget ?t . FILTER (STR(?a) < STR(?b)) }""")} == \
        {(C.DATA_NS + "state/EST", C.DATA_NS + "state/KEN", C.DATA_NS + "instrument/dtg-international-law")}


ACT_LABELS = {"supports": "supports", "opposes": "opposes", "concern": "expresses concern", "request": "requests",
              "observation": "observes"}
DIRECTION_LABELS = {"for": "for", "against": "against", "neutral": "neither"}


def test_one_states_positions_are_its_arguments_as_the_gold_set_reads_them(built_store, store):
    from .test_gold import gold
    found = named(store, canned("positions-of-one-state-across-meetings"))
    makers = {r["arg"] for r in rows(store, "SELECT ?arg WHERE { ?arg cdo:madeBy state:EGY }")}
    expected = [(ACT_LABELS[g["speech_act"]], DIRECTION_LABELS[g["direction"]]) for g in gold()
                if f"{C.DATA_NS}meeting/{g['meeting']}/argument/{g['order']}" in makers]
    # Egypt's three arguments first (as the gold set reads them), then by reading its turn: it welcomes the
    # clarification at paragraph 33, regrets the omission of a group on the application of international law and
    # regrets that the report takes no steps to operationalise the trust fund; then the finding naming it.
    assert len(expected) == 3
    got = [(r["act"], r["direction"], r["basis"]) for r in found]  # labels: the query page shows them
    assert got[:3] == [(a, d, "argument") for a, d in expected] and got[-1] == ("opposes", "for", "report's summary")
    assert sorted(got[3:-1]) == [("expresses concern", "for", "transcript"), ("expresses concern", "for", "transcript"),
                                 ("supports", "for", "transcript")]


def test_those_against_something_are_those_the_gold_set_reads_as_against(built_store, store):
    from .test_gold import gold
    found = rows(store, canned("who-opposed-or-worried-about-an-instrument"))
    holders = {r["arg"]: r["h"] for r in rows(store, "SELECT ?arg ?h WHERE { ?arg cdo:madeBy ?h }")}
    expected = sorted((g["meeting"][:10], holders[f"{C.DATA_NS}meeting/{g['meeting']}/argument/{g['order']}"],
                       ACT_LABELS[g["speech_act"]]) for g in gold() if g["direction"] == "against")
    # Read off the texts, besides the arguments: the finding on stakeholder modalities says China opposes the current
    # procedure; Nigeria's turn worries about the overemphasis of threats to critical infrastructure; in the webinar,
    # Murphy Hall's frustration and her worry about how the mechanism evolves, Radunovic's disappointment with how it
    # is structured; in the sample, Estonia opposes restoring a group in its argument and in its turn.
    d = C.DATA_NS
    expected = sorted(expected + [("2024-12-04", d + "state/EST", "opposes"), ("2024-12-04", d + "state/EST", "opposes"),
                                  ("2025-07-10", d + "state/CHN", "opposes"), ("2025-07-10", d + "state/NGA", "expresses concern"),
                                  ("2025-07-23", d + "person/madeline-murphy-hall", "expresses concern"),
                                  ("2025-07-23", d + "person/madeline-murphy-hall", "expresses concern"),
                                  ("2025-07-23", d + "person/vladimir-radunovic", "expresses concern")])
    act = {r["act"]: r["label"] for r in rows(store, "SELECT DISTINCT ?act ?label WHERE { ?p cdo:speechAct ?act . ?act skos:prefLabel ?label }")}
    assert sorted((r["date"], r["holder"], act[r["act"]]) for r in found) == expected


def test_states_speaking_for_a_group_are_those_the_reports_name(built_store, store):
    found = {(r["date"], r["state"], r["group"]) for r in named(store, canned("states-speaking-on-behalf-of-a-group"))}
    # Read off the reports: Nigeria for the African Group, Tunisia for the Arab Group, Mexico for a group of
    # Latin American countries (2025-07-10); Kenya for the African Group in the sample. The webinar has none.
    assert found == {("2025-07-10", "Nigeria", "African Group"), ("2025-07-10", "Tunisia", "Arab Group"),
                     ("2025-07-10", "Mexico", "Group of Latin American countries"), ("2024-12-04", "Kenya", "African Group")}


GROUP_STATEMENTS_PLAIN = """SELECT ?group ?kind ?speaker ?stance ?about WHERE {
  { SELECT DISTINCT ?g WHERE { ?part a cdo:Participation ; cdo:onBehalfOf ?g } }
  { ?p cdo:onBehalfOf ?g . BIND("on behalf of the group" AS ?kind) }
  UNION
  { ?g org:hasMember ?m . ?p cdo:positionOf ?m . FILTER NOT EXISTS { ?p cdo:onBehalfOf ?any }
    BIND("member in its own name" AS ?kind) }
  ?p cdo:positionOf ?h ; cdo:stance ?s ; cdo:targetText ?about .
  ?h rdfs:label ?speaker . ?s skos:prefLabel ?stance . ?g rdfs:label ?group .
} ORDER BY ?group ?kind ?speaker"""


def test_group_statements_are_the_plain_forms_rows_in_its_order(built_store, store):
    """The canned query is written for Oxigraph's planner: the same rows as its plain form, sorted the same."""
    found = named(store, canned("group-statements-versus-members-own-statements"))
    plain = rows(store, GROUP_STATEMENTS_PLAIN)
    key = ("group", "kind", "speaker", "stance", "about")
    assert sorted(tuple(r[k] for k in key) for r in found) == sorted(tuple(r[k] for k in key) for r in plain)
    assert [tuple(r[k] for k in key[:3]) for r in found] == [tuple(r[k] for k in key[:3]) for r in plain]
    assert {r["kind"] for r in found} == {"on behalf of the group", "member in its own name"}
