"""What was said: a speaker's turns across meetings (a state, a person and the offices they hold, an office),
and a meeting's transcript, a page at a time.

A state's turns sat on page 3 of its incoming links and the Chair's person page said "None recorded": his
17 turns hang off the office he holds. Here a speaker's page lists its turns newest meeting first, in the
order they were taken, each meeting with the arguments its speaker made there; a person's include those
of the offices they hold (`cdo:heldBy`).
"""

from __future__ import annotations

from flask import url_for

from .labels import labels_for
from .pictures import _n, _pager, _rows

STATEMENTS_PAGE = 50  # turns a page, on a speaker's page
TRANSCRIPT_PAGE = 50  # turns a page, on a meeting's page


def voices(iri: str) -> list[str]:
    """*iri* and the offices it holds: whose turns are its statements."""
    return [iri] + [r["o"] for r in _rows(f"SELECT DISTINCT ?o WHERE {{ ?o cdo:heldBy {_n(iri)} }} ORDER BY ?o")]


def statements(iri: str) -> dict:
    """One page of *iri*'s turns (and its offices'), newest meeting first, grouped by meeting."""
    who = " ".join(_n(v) for v in voices(iri))
    spoken = f"VALUES ?who {{ {who} }} ?t cdo:speaker ?who ; cdo:inEvent ?event ; cdo:order ?order ."
    total = int(_rows(f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ {spoken} }}")[0]["n"])
    pager = _pager(total, STATEMENTS_PAGE, "turns")
    rows = _rows(f"""SELECT ?t ?who ?event ?date ?order ?text ?first ?last WHERE {{
        {{ SELECT DISTINCT ?t ?who ?event ?date ?order WHERE {{ {spoken} OPTIONAL {{ ?event cdo:date ?date }} }}
           ORDER BY DESC(?date) DESC(?event) ?order LIMIT {STATEMENTS_PAGE} OFFSET {pager["start"]} }}
        ?t cdo:text ?text . OPTIONAL {{ ?t cdo:firstLine ?first }} OPTIONAL {{ ?t cdo:lastLine ?last }} }}""") if total else []
    rows.sort(key=lambda r: (r["date"] or "", r["event"], -int(r["order"])), reverse=True)
    meetings: dict[str, dict] = {}
    for r in rows:
        m = meetings.setdefault(r["event"], {"event": r["event"], "date": r["date"], "turns": [], "arguments": []})
        m["turns"].append({"turn": r["t"], "n": int(r["order"]), "text": r["text"], "by": r["who"],
                           "lines": _lines(r["first"], r["last"])})
    if meetings:
        events = " ".join(_n(e) for e in meetings)
        for a in _rows(f"""SELECT ?a ?event ?title ?order WHERE {{ VALUES ?who {{ {who} }} VALUES ?event {{ {events} }}
                ?a cdo:madeBy ?who ; cdo:inEvent ?event ; cdo:title ?title . OPTIONAL {{ ?a cdo:order ?order }} }}
                ORDER BY ?event ?order"""):
            meetings[a["event"]]["arguments"].append({"argument": a["a"], "title": a["title"]})
        for e, lab in _labels(meetings).items():
            meetings[e]["label"] = lab
    text = f"""# Everything {iri.rsplit('/', 1)[-1]} said, newest meeting first, in the order it was said
SELECT ?event ?date ?order ?turn ?text WHERE {{
  VALUES ?who {{ {who} }}
  ?turn cdo:speaker ?who ; cdo:inEvent ?event ; cdo:order ?order ; cdo:text ?text .
  OPTIONAL {{ ?event cdo:date ?date }}
}} ORDER BY DESC(?date) ?event ?order"""
    return {**pager, "meetings": list(meetings.values()), "query": url_for("sparql.page", query=text)}


def transcript(event: str) -> dict:
    """One page of a meeting's turns in order, with their speakers."""
    e = _n(event)
    total = int(_rows(f"SELECT (COUNT(?t) AS ?n) WHERE {{ ?t a cdo:Intervention ; cdo:inEvent {e} }}")[0]["n"])
    pager = _pager(total, TRANSCRIPT_PAGE, "turns")
    rows = _rows(f"""SELECT ?t ?order ?label ?who ?text ?first ?last WHERE {{
        {{ SELECT ?t ?order WHERE {{ ?t a cdo:Intervention ; cdo:inEvent {e} ; cdo:order ?order }}
           ORDER BY ?order LIMIT {TRANSCRIPT_PAGE} OFFSET {pager["start"]} }}
        ?t cdo:text ?text . OPTIONAL {{ ?t cdo:speakerLabel ?label }} OPTIONAL {{ ?t cdo:speaker ?who }}
        OPTIONAL {{ ?t cdo:firstLine ?first }} OPTIONAL {{ ?t cdo:lastLine ?last }} }}""") if total else []
    seen, turns = set(), []
    for r in sorted(rows, key=lambda r: int(r["order"])):
        if r["t"] in seen:  # a turn attributed to two speakers ("Kenya and Egypt") once, under the first
            continue
        seen.add(r["t"])
        turns.append({"turn": r["t"], "n": int(r["order"]), "label": r["label"] or "", "who": r["who"],
                      "text": r["text"], "lines": _lines(r["first"], r["last"])})
    return {**pager, "turns": turns}


def _lines(first: str | None, last: str | None) -> str:
    if not first:
        return ""
    return first if not last or last == first else f"{first}–{last}"


def _labels(meetings: dict) -> dict[str, str]:
    return labels_for(meetings)
