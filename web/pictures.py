"""Domain views (meeting, state, group, target, topic, person) and the SVG pictures drawn for them.

Every SVG is built here from escaped text and numbers; no user text reaches markup unescaped, and
no inline style is used (the Content-Security-Policy forbids it): colours are classes in style.css.
"""

from __future__ import annotations

import math
from collections import defaultdict
from xml.sax.saxutils import escape

import pyoxigraph as ox
from flask import request, url_for

from . import alignment, db, entries, negotiated
from .labels import labels_for
from .security import href, page_url

STANCE_AXIS = """OPTIONAL { ?s skos:broader ?axisNode . ?axisNode skos:prefLabel ?axis0 }
                 BIND(COALESCE(?axis0, ?stanceLabel) AS ?axis)"""


def _rows(q: str) -> list[dict]:
    res = db.query(q)
    names = [v.value for v in res.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in res]


def _n(iri: str) -> str:
    return str(ox.NamedNode(iri))


def bar_chart(items: list[tuple[str, float]], unit: str) -> str:
    """A horizontal bar chart: one bar per (label, value)."""
    if not items:
        return ""
    top = max(v for _, v in items) or 1
    h, w, left = 22, 640, 210
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h * len(items) + 10}" '
             f'role="img" aria-label="{escape(unit)} per speaker">']
    for i, (lab, v) in enumerate(items):
        y = 5 + i * h
        bw = (w - left - 70) * v / top
        parts.append(f'<text x="{left - 6}" y="{y + 15}" class="axis" text-anchor="end">{escape(lab[:32])}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{bw:.1f}" height="{h - 6}" class="bar"><title>{escape(lab)}: {v:g} {escape(unit)}</title></rect>')
        parts.append(f'<text x="{left + bw + 4:.1f}" y="{y + 15}" class="value">{v:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def network(nodes: dict[str, str], edges: list[tuple[str, str, str]]) -> str:
    """A circular network (the picture without scripts): nodes {iri: label}; edges (from, to, 'agree'|'disagree'|'mixed')."""
    if not nodes:
        return ""
    size, r, margin = 520, 190, 150  # the margin leaves room for whole labels left and right
    order = sorted(nodes, key=lambda k: nodes[k])
    pos = {k: (size / 2 + r * math.cos(2 * math.pi * i / len(order) - math.pi / 2),
               size / 2 + r * math.sin(2 * math.pi * i / len(order) - math.pi / 2)) for i, k in enumerate(order)}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="network" viewBox="{-margin} 0 {size + 2 * margin} {size}" role="img" '
             f'aria-label="agreement and disagreement network">']
    for a, b, kind in sorted(set(edges)):
        if a in pos and b in pos and a != b:
            (x1, y1), (x2, y2) = pos[a], pos[b]
            parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="edge {kind}"/>')
    for k in order:
        x, y = pos[k]
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" class="node"><title>{escape(nodes[k])}</title></circle>')
        anchor = "start" if x >= size / 2 else "end"
        dx = 10 if x >= size / 2 else -10
        parts.append(f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" class="axis">{escape(nodes[k])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def meeting_view(iri: str) -> dict:
    e = _n(iri)
    speakers = _rows(f"""SELECT ?part ?who (SAMPLE(?name0) AS ?name) (SAMPLE(?sec0) AS ?seconds) (SAMPLE(?words0) AS ?words)
        (SAMPLE(?wpm0) AS ?wpm) (SAMPLE(?g0) AS ?group) WHERE {{
        ?part a cdo:Participation ; cdo:inEvent {e} ; cdo:speakerLabel ?lab .
        OPTIONAL {{ ?part cdo:participant ?who . OPTIONAL {{ ?who skos:prefLabel|rdfs:label ?wl }} }}
        BIND(COALESCE(?wl, ?lab) AS ?name0)
        OPTIONAL {{ ?part cdo:speechSeconds ?sec0 }} OPTIONAL {{ ?part cdo:wordCount ?words0 }}
        OPTIONAL {{ ?part cdo:wordsPerMinute ?wpm0 }} OPTIONAL {{ ?part cdo:onBehalfOf/rdfs:label ?g0 }}
        }} GROUP BY ?part ?who ORDER BY DESC(xsd:integer(?seconds))""")
    arguments = _rows(f"""SELECT ?arg ?title ?point ?who (SAMPLE(?wl) AS ?maker) WHERE {{
        ?arg a cdo:Argument ; cdo:inEvent {e} ; cdo:title ?title ; cdo:order ?o .
        OPTIONAL {{ ?arg cdo:hasDiscussionPoint/rdfs:label ?point }}
        OPTIONAL {{ ?arg cdo:madeBy ?who . ?who skos:prefLabel|rdfs:label ?wl }}
        }} GROUP BY ?arg ?title ?point ?who ?o ORDER BY ?point ?o""")
    # Every list is paged: a report's worst shape (1.25 MiB of one-line arguments) has 10,000 of them.
    speakers_all = speakers
    speakers, speakers_pg = _paged(speakers_all, "speakers")
    arguments, arguments_pg = _paged(arguments, "arguments")
    by_point: dict[str, list] = defaultdict(list)
    for a in arguments:
        by_point[a["point"] or "(no discussion point)"].append(a)
    # The event's nodes first (a subquery): from VALUES ?top, Oxigraph listed every finding of the store (4.5 s at 10,000 reports).
    findings = _rows(f"""SELECT ?f ?kind (SAMPLE(?t) AS ?title) (GROUP_CONCAT(DISTINCT ?pl; separator=", ") AS ?people) WHERE {{
        {{ SELECT ?f ?k WHERE {{ ?f cdo:inEvent {e} ; a ?k }} }} VALUES ?top {{ cdo:Agreement cdo:Difference }} ?k rdfs:subClassOf ?top ; rdfs:label ?kind .
        OPTIONAL {{ ?f cdo:title ?t0 }} OPTIONAL {{ ?f cdo:summary ?s0 }} BIND(COALESCE(?t0, ?s0) AS ?t)
        OPTIONAL {{ ?f cdo:involves ?p . ?p skos:prefLabel|rdfs:label ?pl }} }} GROUP BY ?f ?kind ORDER BY ?kind""")
    found = alignment.pairs(iri)
    names = {s["who"]: s["name"] for s in speakers_all if s["who"]}
    actors = {p.a for p in found} | {p.b for p in found}
    names.update(_labels_for(a for a in actors if a not in names))
    takeaways = _rows(f"""SELECT ?kind ?text WHERE {{ ?t cdo:inEvent {e} ; a ?k ; cdo:text ?text ; cdo:order ?o .
        ?k rdfs:subClassOf cdo:Takeaway ; rdfs:label ?kind }} ORDER BY ?kind ?o""")
    findings, findings_pg = _paged(findings, "findings")
    takeaways, takeaways_pg = _paged(takeaways, "takeaways")
    summary, summary_pg = _paged(summary_sentences(e), "summary")
    chart = bar_chart([(s["name"], float(s["seconds"])) for s in speakers_all[:CHART_BARS] if s["seconds"]], "seconds")
    slug = iri.rstrip("/").rsplit("/", 1)[-1]
    return {"summary": summary, "export": f"/export/meeting/{slug}", "speakers": speakers, "by_point": sorted(by_point.items()), "findings": findings,
            "pagers": {"speakers": speakers_pg, "arguments": arguments_pg, "findings": findings_pg,
                       "takeaways": takeaways_pg, "summary": summary_pg},
            "network": network({a: names[a] for a in actors}, [(p.a, p.b, p.kind) for p in found]), "chart": chart,
            "network_data": alignment.network_data(found, names, {a: href(a) for a in actors}, iri), "source": alignment.SOURCE,
            "takeaways": takeaways, "provisions": negotiated.meeting_provisions(iri),
            "proposals": negotiated.meeting_proposals(iri)}


def summary_sentences(e: str) -> list[dict]:
    """The summary's sentences in order, each with the transcript turns it cites (speaker, lines, text)."""
    found = _rows(f"""SELECT ?s ?o ?text ?turn ?n ?first ?last ?who ?said WHERE {{
        {e} cdo:hasSummarySentence ?s . ?s cdo:order ?o ; cdo:text ?text .
        OPTIONAL {{ ?s cdo:citesTurn ?turn . ?turn cdo:order ?n ; cdo:firstLine ?first ; cdo:lastLine ?last ; cdo:text ?said .
                   OPTIONAL {{ ?turn cdo:speakerLabel ?who }} }} }}""")
    out: dict[str, dict] = {}
    for r in found:
        s = out.setdefault(r["s"], {"order": int(r["o"]), "text": r["text"], "turns": {}})
        if r["turn"]:
            s["turns"][r["turn"]] = {"iri": r["turn"], "n": int(r["n"]), "lines": f"{r['first']}" + (
                f"–{r['last']}" if r["last"] != r["first"] else ""), "who": r["who"] or "", "said": r["said"]}
    return [dict(s, turns=sorted(s["turns"].values(), key=lambda t: t["n"]))
            for s in sorted(out.values(), key=lambda s: s["order"])]


POSITIONS_PAGE = 50
MEETING_LIST = 100  # items a meeting page shows of each of its lists
CHART_BARS = 30     # speakers in the speaking-time chart (the longest)


def _paged(rows: list, param: str) -> tuple[list, dict]:
    """The page of *rows* the request asks for by *param* (MEETING_LIST a page), and its pager."""
    pg = _pager(len(rows), MEETING_LIST, param)
    return rows[pg["start"]:pg["end"]], pg


def _pager(total: int, size: int, param: str) -> dict:
    """Which page of *total* items (*size* a page) the request asks for, by its *param*, and the links around it."""
    pages = max(1, -(-total // size))
    page = min(max(1, request.args.get(param, 1, type=int)), pages)
    return {"total": total, "page": page, "pages": pages, "prev": page_url(param, page - 1) if page > 1 else None,
            "next": page_url(param, page + 1) if page < pages else None, "start": (page - 1) * size, "end": page * size}

# What makes a position listable; the page of IRIs and the count use it, the details add labels.
POSITION = "?p cdo:stance ?s ; cdo:inEvent ?event ; cdo:targetText ?text . ?event cdo:date ?date ."


def _listed(how: str, *args) -> list[str] | None:
    """What the generation's lists (web/entries.py) hold for a page, by the Lists method *how*; None without lists."""
    found = entries.lists()
    return getattr(found, how)(*args) if found is not None else None


def positions_of(where: str, param: str = "positions", shown: str | None = None, listed: list[str] | None = None) -> dict:
    """One page of the positions matching *where*, newest first, with their count and the links around it.

    *listed*: the same positions in the same order, from the generation's lists (web/entries.py), when
    it has them: the page takes its count and its 50 from there. Otherwise two steps: the page's
    positions are chosen by IRI, sorted on one key per row (Oxigraph reads a term from disk at every
    comparison), and only those are labelled and grouped (for a mechanism's 4,500 positions at 1,000
    reports the count and the choice take ~0.5 s: a join per position and pattern).
    *param* is the page's query parameter (a group page has two lists); *shown*, the pattern the query
    link shows a reader, where it says the same as *where* more plainly."""
    total = len(listed) if listed is not None else \
        int(_rows(f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {where} {POSITION} }}")[0]["n"])
    pager = _pager(total, POSITIONS_PAGE, param)
    if listed is not None:
        chosen = listed[pager["start"]: pager["end"]]
    else:
        chosen = [r["p"] for r in _rows(f"""SELECT DISTINCT ?p ?key WHERE {{ {where} {POSITION}
            BIND(CONCAT(STR(?date), " ", STR(?p)) AS ?key) }} ORDER BY DESC(?key)
            LIMIT {POSITIONS_PAGE} OFFSET {pager["start"]}""")]
    return {"rows": _position_rows(chosen), **pager, "query": url_for("sparql.page", query=_positions_query(shown or where, total))}


def _position_rows(chosen: list[str]) -> list[dict]:
    """The chosen positions with their holder, group and targets as (IRI, label) links, in the order given."""
    if not chosen:
        return []
    values = " ".join(_n(p) for p in chosen)
    found = _rows(f"""SELECT ?p ?date ?event ?eventLabel ?stanceLabel ?axis ?text
        (GROUP_CONCAT(DISTINCT CONCAT(STR(?t), " ", ?tl); separator="\\n") AS ?targets)
        (SAMPLE(?h) AS ?holderIri) (SAMPLE(?hl) AS ?holder) (SAMPLE(?g) AS ?groupIri) (SAMPLE(?gl) AS ?group) WHERE {{
        VALUES ?p {{ {values} }}
        {POSITION} ?s skos:prefLabel ?stanceLabel . ?event rdfs:label ?eventLabel .
        {STANCE_AXIS}
        OPTIONAL {{ ?p cdo:target ?t . ?t skos:prefLabel ?tl }} OPTIONAL {{ ?p cdo:positionOf ?h . ?h skos:prefLabel|rdfs:label ?hl }}
        OPTIONAL {{ ?p cdo:onBehalfOf ?g . ?g rdfs:label ?gl }}
        }} GROUP BY ?p ?date ?event ?eventLabel ?stanceLabel ?axis ?text""")
    order = {p: i for i, p in enumerate(chosen)}
    found.sort(key=lambda row: order[row["p"]])
    for row in found:  # IRIs have no spaces: each line is "IRI label"
        row["targets"] = [tuple(line.split(" ", 1)) for line in (row["targets"] or "").split("\n") if " " in line]
    return found


def _positions_query(where: str, total: int) -> str:
    """The SPARQL that lists all of a page's positions (for the query page: every row, CSV and JSON)."""
    return f"""# All {total} positions listed on this page, newest first
SELECT ?date ?event ?p ?stance ?text WHERE {{
  {where}
  {POSITION} ?s skos:prefLabel ?stance .
}} ORDER BY DESC(?date) ?p"""


def state_view(iri: str) -> dict:
    s = _n(iri)
    groups = _rows(f"""SELECT DISTINCT ?g ?label WHERE {{ {{ ?g org:hasMember {s} }} UNION {{ {s} org:memberOf ?g }}
        ?g rdfs:label ?label }} ORDER BY ?label""")
    spoke_for = _rows(f"""SELECT DISTINCT ?g ?label ?event WHERE {{ ?part cdo:participant {s} ; cdo:onBehalfOf ?g ; cdo:inEvent ?event .
        ?g rdfs:label ?label }}""")
    counted = alignment.counts_with(iri)
    names = _labels_for(counted)
    relations = [{"other": other, "label": names[other], "href": alignment.pair_url(*sorted((iri, other))), **counts}
                 for other, counts in counted.items()]
    relations.sort(key=lambda r: (-r["agree"], r["label"]))
    return {"positions": positions_of(f"?p cdo:positionOf {s} .", listed=_listed("held_by", iri)),
            "groups": groups, "spoke_for": spoke_for,
            "relations": relations, "source": alignment.SOURCE}


def group_view(iri: str) -> dict:
    g = _n(iri)
    # Membership is asserted as org:hasMember in the reference data (org:memberOf is only its inverse).
    members = _rows(f"""SELECT ?m (SAMPLE(?l) AS ?label) WHERE {{ {g} org:hasMember ?m . ?m skos:prefLabel ?l }}
        GROUP BY ?m ORDER BY ?label""")
    every = [r["m"] for r in _rows(f"SELECT DISTINCT ?m WHERE {{ {g} org:hasMember ?m }}")]
    return {"members": members,
            "on_behalf": positions_of(f"?p cdo:onBehalfOf {g} .", "behalf", listed=_listed("on_behalf_of", iri)),
            "own": positions_of(f"{g} org:hasMember ?m . ?p cdo:positionOf ?m . FILTER NOT EXISTS {{ ?p cdo:onBehalfOf {g} }}",
                                "own", listed=_listed("own_of_members", iri, every))}


def target_view(iri: str) -> dict:
    return {"positions": positions_of(f"?p cdo:target {_n(iri)} .", listed=_listed("on_targets", [iri]))}


def issue_view(iri: str) -> dict:
    """Positions on the issue, on the issues under it, and on the instruments that embody them.

    The issue's targets are found first (a few reference entities) and the positions joined to them:
    with the path inside the positions' pattern, Oxigraph walked it from every position's target
    (13.8 s for an issue page at 1,000 reports, 173 s at 10,000)."""
    path = f"?t (^cdo:embodiedBy)?/skos:broader* {_n(iri)} ."
    targets = [r["t"] for r in _rows(f"SELECT DISTINCT ?t WHERE {{ {path} }}")]
    return {"positions": positions_of(f"VALUES ?t {{ {' '.join(_n(t) for t in targets)} }} ?p cdo:target ?t .",
                                      shown=f"?p cdo:target ?t . {path}", listed=_listed("on_targets", targets))}


ARGUMENTS_PAGE = 50
# What makes an argument listable on a topic page (kg/store/entries.py's "listable" says the same): findings on the
# topic are not arguments (they show among the links to the topic).
ARGUMENT = "?arg a cdo:Argument ; cdo:title ?title ; cdo:inEvent ?event . ?event cdo:date ?date . OPTIONAL { ?arg cdo:order ?order }"


def topic_view(iri: str) -> dict:
    """The topic's arguments, newest first and in report order, 50 a page (from the generation's lists
    when it has them), with a link to the query that lists them all."""
    t = _n(iri)
    listed = _listed("on_topic_of", iri)
    total = len(listed) if listed is not None else \
        int(_rows(f"SELECT (COUNT(DISTINCT ?arg) AS ?n) WHERE {{ ?arg cdo:topic {t} . {ARGUMENT} }}")[0]["n"])
    pager = _pager(total, ARGUMENTS_PAGE, "arguments")
    if listed is not None:
        chosen = listed[pager["start"]: pager["end"]]
    else:
        chosen = [r["arg"] for r in _rows(f"""SELECT DISTINCT ?arg ?date ?order WHERE {{ ?arg cdo:topic {t} . {ARGUMENT} }}
            ORDER BY DESC(?date) ?order ?arg LIMIT {ARGUMENTS_PAGE} OFFSET {pager["start"]}""")]
    rows = _rows(f"""SELECT ?arg (SAMPLE(?t0) AS ?title) (SAMPLE(?d0) AS ?date) WHERE {{
        VALUES ?arg {{ {" ".join(_n(a) for a in chosen)} }} ?arg cdo:title ?t0 ; cdo:inEvent/cdo:date ?d0 }} GROUP BY ?arg""") if chosen else []
    order = {a: i for i, a in enumerate(chosen)}
    rows.sort(key=lambda r: order[r["arg"]])
    text = f"""# All {total} arguments on this topic, newest first
SELECT ?date ?event ?arg ?title WHERE {{
  ?arg cdo:topic {t} . {ARGUMENT}
}} ORDER BY DESC(?date) ?order ?arg"""
    return {"arguments": {"rows": rows, **pager, "query": url_for("sparql.page", query=text)}}


EVENTS_PAGE = 50


def person_view(iri: str) -> dict:
    """The events a person took part in, newest first, 50 a page (a moderator of a webinar series can take
    part in hundreds), and the positions they held."""
    p = _n(iri)
    # The offices they hold took part for them (the Chair's turns and participations hang off the office).
    offices = [r["o"] for r in _rows(f"SELECT DISTINCT ?o WHERE {{ ?o cdo:heldBy {p} }}")]
    if offices:
        p = "?who"
        took_part = (f"VALUES ?who {{ {' '.join(_n(x) for x in [iri] + offices)} }} "
                     f"?part cdo:participant ?who ; cdo:inEvent ?event . ?event rdfs:label ?label .")
    else:
        took_part = f"?part cdo:participant {p} ; cdo:inEvent ?event . ?event rdfs:label ?label ."
    newest = None if offices else _listed("events_of", iri)  # from the lists the build keeps, or else:
    if newest is None:
        dated = {}
        for r in _rows(f"SELECT DISTINCT ?event ?date WHERE {{ {took_part} OPTIONAL {{ ?event cdo:date ?date }} }}"):
            dated[r["event"]] = max(dated.get(r["event"]) or "", r["date"] or "")
        newest = sorted(dated, key=lambda e: (dated[e], e), reverse=True)
    pager = _pager(len(newest), EVENTS_PAGE, "events")
    chosen = newest[pager["start"]: pager["end"]]
    # The person's participations first (a subquery): from VALUES ?event Oxigraph read every participation of each event.
    who = f"VALUES ?who {{ {' '.join(_n(x) for x in [iri] + offices)} }} " if offices else ""
    rows = _rows(f"""SELECT DISTINCT ?event ?label ?role WHERE {{ {{ SELECT ?part ?event WHERE {{ {who}?part cdo:participant {p} ; cdo:inEvent ?event }} }}
        VALUES ?event {{ {" ".join(_n(e) for e in chosen)} }} ?event rdfs:label ?label OPTIONAL {{ ?part cdo:roleText ?role }} }}""") if chosen else []
    order = {e: i for i, e in enumerate(chosen)}
    rows.sort(key=lambda r: (order[r["event"]], r["label"], r["role"] or ""))
    text = f"""# Every event this person took part in, newest first
SELECT ?event ?date ?label ?role WHERE {{
  {took_part}
  OPTIONAL {{ ?event cdo:date ?date }} OPTIONAL {{ ?part cdo:roleText ?role }}
}} ORDER BY DESC(?date) DESC(?event)"""
    return {"events": {"rows": rows, **pager, "query": url_for("sparql.page", query=text)},
            "positions": positions_of(f"?p cdo:positionOf {_n(iri)} .", listed=_listed("held_by", iri))}


def alignment_svg(found: list) -> str:
    """A matrix of the states of these pairs: per pair, the arguments on which they agreed, disagreed or
    were mixed (both, on different targets).

    Each cell is coloured by the kind that dominates, shows the number of arguments, and links to
    the SPARQL query that lists them."""
    cells = {}
    for p in found:
        cells[(p.a, p.b)] = cells[(p.b, p.a)] = p
    states = sorted({p.a for p in found} | {p.b for p in found}, key=lambda s: s.rsplit("/", 1)[-1])
    if not states:
        return ""
    names = {s: s.rsplit("/", 1)[-1] for s in states}
    full = _labels_for(states)
    cell, left = 26, 60
    size = left + cell * len(states) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="matrix" viewBox="0 0 {size} {size}" role="img" '
             f'aria-label="alignment matrix of states">']
    for i, s in enumerate(states):
        parts.append(f'<text x="{left - 4}" y="{left + i * cell + 17}" text-anchor="end" class="axis"><title>{escape(full[s])}</title>{escape(names[s])}</text>')
        parts.append(f'<text x="{left + i * cell + 13}" y="{left - 6}" text-anchor="middle" class="axis"><title>{escape(full[s])}</title>{escape(names[s])}</text>')
    for i, a in enumerate(states):
        for j, b in enumerate(states):
            x, y = left + j * cell, left + i * cell
            p = cells.get((a, b))
            if p is None:
                parts.append(f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" class="cell none"/>')
                continue
            counts = ", ".join(f"{k} {p.count(k)}" for k in alignment.KINDS)
            parts.append(f'<a href="{escape(alignment.pair_url(p.a, p.b))}" class="cell-link">'
                         f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" class="cell {p.kind}{min(3, p.total)}">'
                         f'<title>{escape(full[a])} – {escape(full[b])}: {counts} (arguments)</title></rect>'
                         f'<text x="{x + 12}" y="{y + 17}" text-anchor="middle" class="cellv">{p.total}</text></a>')
    parts.append("</svg>")
    return "".join(parts)


def _labels_for(iris) -> dict[str, str]:
    return labels_for(iris)
