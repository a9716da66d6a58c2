"""The home page's figures and lists: what the graph holds, counted once per generation."""

from __future__ import annotations

import pyoxigraph as ox
from flask import url_for

from . import db, entries
from .labels import rows

# Counted in subqueries, then labelled: joined in one pattern, every participation of a state met every
# position of it (45 s at 10,000 reports, 0.5 s now) and each topic's arguments were typed row by row
# under its labels (28.7 → 9.5 s). tests/test_web.py holds them to the plain forms. A generation with
# the build's lists (web/entries.py) has these counts already and only labels them.
HOME_STATES = """SELECT ?s (SAMPLE(?l) AS ?label) (COALESCE(SAMPLE(?c), 0) AS ?n) WHERE {
    { SELECT DISTINCT ?s WHERE { ?part cdo:participant ?s . ?s a cdo:State } } ?s skos:prefLabel ?l .
    OPTIONAL { { SELECT ?s (COUNT(DISTINCT ?p) AS ?c) WHERE { ?p cdo:positionOf ?s } GROUP BY ?s } } }
    GROUP BY ?s ORDER BY ?label"""
HOME_TOPICS = """SELECT ?t (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?n) WHERE {
    { SELECT ?t (COUNT(DISTINCT ?a) AS ?c) WHERE { ?a cdo:topic ?t . ?a a cdo:Argument } GROUP BY ?t }
    ?t skos:prefLabel ?l } GROUP BY ?t ORDER BY DESC(?n) ?label"""
HOME_TARGETS = """SELECT ?t (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?p) AS ?n) WHERE {
    ?p cdo:target ?t . ?t skos:prefLabel ?l } GROUP BY ?t ORDER BY DESC(?n) ?label"""
HOME_EVENTS = 100  # the newest; a query lists them all


def home_data() -> dict:
    figures = rows("""SELECT
      (COUNT(DISTINCT ?r) AS ?reports) (COUNT(DISTINCT ?e) AS ?events) (COUNT(DISTINCT ?a) AS ?arguments)
      (COUNT(DISTINCT ?pos) AS ?positions) WHERE {
      { ?r a cdo:Report } UNION { ?e a cdo:Event } UNION { ?a a cdo:Argument } UNION { ?pos a cdo:Position } }""")[0]
    figures["triples"] = db.quads()
    # Every event's date first, then the newest labelled: Oxigraph sorted them all with their labels (3.5 s at 10,000 reports).
    dated = sorted(((r["d"], r["e"]) for r in rows("SELECT DISTINCT ?e ?d WHERE { ?e a cdo:Event ; cdo:date ?d }")), reverse=True)
    newest = [e for _, e in dated[:HOME_EVENTS]]
    named = {r["e"]: r["l"] for r in rows(f"""SELECT ?e (SAMPLE(?l0) AS ?l) WHERE {{ VALUES ?e {{ {" ".join(str(ox.NamedNode(e)) for e in newest)} }}
                                                 ?e rdfs:label ?l0 }} GROUP BY ?e""")} if newest else {}
    events = [{"e": e, "label": named[e], "date": d} for d, e in dated[:HOME_EVENTS] if e in named]
    every_event = """# Every meeting and event, newest first
SELECT ?event (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?date) WHERE { ?event a cdo:Event ; rdfs:label ?l ; cdo:date ?d }
GROUP BY ?event ORDER BY DESC(?date)"""
    found = entries.lists()
    if found is None:
        states, topics, targets = rows(HOME_STATES), rows(HOME_TOPICS), rows(HOME_TARGETS)
        figures["states"] = rows("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?p cdo:participant ?s . ?s a cdo:State }")[0]["n"]
    else:
        speaking = [r["s"] for r in rows("SELECT DISTINCT ?s WHERE { ?part cdo:participant ?s . ?s a cdo:State }")]
        figures["states"] = str(len(speaking))
        states = rows(f"""SELECT ?s (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?s {{ {" ".join(str(ox.NamedNode(s)) for s in speaking)} }}
                          ?s skos:prefLabel ?l }} GROUP BY ?s ORDER BY ?label""") if speaking else []
        for r in states:
            r["n"] = str(found.holder_counts.get(r["s"], 0))
        topics, targets = _counted(found.topic_counts), _counted(found.target_counts)
    groups = rows("""SELECT ?g (SAMPLE(?l) AS ?label) WHERE { ?g a cdo:Group ; skos:prefLabel ?l } GROUP BY ?g ORDER BY ?label""")
    return dict(figures=figures, events=events, states=states, targets=targets, groups=groups, topics=topics,
                all_events=url_for("sparql.page", query=every_event))


def _counted(counts: dict[str, int]) -> list[dict]:
    """{IRI: count} as the home page lists them: those with a preferred label, most counted first, then by label."""
    named = {r["t"]: r["l"] for r in rows(f"""SELECT ?t (SAMPLE(?l0) AS ?l) WHERE {{
        VALUES ?t {{ {" ".join(str(ox.NamedNode(t)) for t in counts)} }} ?t skos:prefLabel ?l0 }} GROUP BY ?t""")} if counts else {}
    found = [{"t": t, "label": named[t], "n": str(n)} for t, n in counts.items() if t in named and n > 0]
    return sorted(found, key=lambda r: (-int(r["n"]), r["label"]))
