"""The linked-data browser: home, search, one page per IRI (HTML, Turtle, JSON-LD, N-Triples), domain views (the
home page's figures in web/home.py, the label search in web/search.py, the domain views in web/pictures.py)."""

from __future__ import annotations

import io
from collections import defaultdict
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for

from kg import constants as C
from kg.export import FORMATS, describe

from . import alignment as align
from . import db, negotiate, negotiated, pictures, statements, terms
from .labels import DEFINITIONS, LABELS, RDF_TYPE, cached, label, labels_for, rows  # noqa: F401 (the pages' helpers, named here too)
from .pagecache import page_cached
from .security import checked_iri, href, page_url

bp = Blueprint("browse", __name__)
# Entity views: the same table serves suffixes and Accept.
VIEWS = {f.suffix: f for f in (FORMATS["turtle"], FORMATS["jsonld"], FORMATS["ntriples"])}
CDO = C.ONTOLOGY_NS


@bp.route("/")
def home():
    from .home import home_data
    return render_template("browse/home.html", **cached("home", home_data))


def _texts(text: str) -> dict | None:
    """The full-text hits for the search page (web/fulltext.py): by kind, or one kind paged (?kind=…&tpage=…)."""
    from . import fulltext
    kind = request.args.get("kind")
    return fulltext.search(text, kind if kind in fulltext.fulltext.KINDS else None,
                           request.args.get("tpage", 1, type=int)) if text.strip() else None


@bp.route("/search")
def search():
    text = request.args.get("q", "")[:200]
    from .search import SEARCH_PAGE, search_page
    found = search_page(text, request.args.get("page", 1, type=int), SEARCH_PAGE)
    return render_template("browse/search.html", q=text, texts=_texts(text), **found)


@bp.route("/search.json")
def search_json():
    """The same search as JSON: names and titles, and (unless ?texts=0, as the editor's completion asks) what
    the reports say, by kind."""
    text = request.args.get("q", "")[:200]
    from .search import SEARCH_PAGE, search_page
    size = min(max(1, request.args.get("limit", SEARCH_PAGE, type=int)), 100)
    found = search_page(text, request.args.get("page", 1, type=int), size)
    if request.args.get("texts") != "0":
        texts = _texts(text)
        if texts is not None:
            for group in texts["kinds"]:
                for hit in group["hits"]:
                    hit["snippet"] = str(hit["snippet"])  # marked HTML, escaped
        found["texts"] = texts
    return jsonify(found)


@bp.route("/id/<path:rest>")
def minted(rest: str):
    for suffix, fmt in VIEWS.items():
        if rest.endswith(suffix):
            if rest.startswith("graph/"):
                return graph_document(rest[len("graph/"): -len(suffix)], fmt)
            return page_cached(lambda: entity(C.DATA_NS + rest[: -len(suffix)], fmt), fmt)
    fmt = _wants()
    if rest.startswith("graph/"):
        return graph_document(rest[len("graph/"):], fmt)
    return page_cached(lambda: entity(C.DATA_NS + rest, fmt), fmt)


def graph_document(name: str, fmt) -> Response:
    """A named graph's IRI: its triples in the format asked for (with the labels of what it names), or for a browser
    its meeting's page (the ontology graph's: /ontology; another graph's: its Turtle)."""
    from .export import stream_graph
    graph = C.DATA_NS + "graph/" + name
    try:
        known = db.store().contains_named_graph(ox.NamedNode(graph))
    except ValueError:
        known = False
    if not known:
        abort(404, description=f"no graph {name}")
    if fmt is not None:
        resp = stream_graph(graph, fmt.name)
        resp.headers["Link"] = ", ".join(f'</id/graph/{quote(name)}{f.suffix}>; rel="alternate"; type="{f.media_type}"'
                                         for f in VIEWS.values())
        resp.headers["Vary"] = "Accept"
        return resp
    if name == "ontology":
        return redirect(url_for("browse.ontology"), 303)
    meeting = C.DATA_NS + "meeting/" + name
    if next(iter(db.store().quads_for_pattern(ox.NamedNode(meeting), None, None, None)), None) is not None:
        return redirect("/id/meeting/" + quote(name), 303)
    return redirect(f"/id/graph/{quote(name)}.ttl", 303)


@bp.route("/resource")
def resource():
    iri = checked_iri(request.args.get("iri"))
    fmt = VIEWS.get("." + request.args.get("format", "x")) or _wants()
    return page_cached(lambda: entity(iri, fmt), fmt)


def _wants() -> object | None:
    """The format the request asks for (None: HTML); 406 when it accepts none we serve (RDF/XML, say)."""
    offered = ["text/html"] + [f.media_type for f in VIEWS.values()]
    accept = request.headers.get("Accept", "")
    best = negotiate.best(accept, offered)
    if best is None and accept.strip():
        abort(406, description="this page is served as HTML, Turtle, JSON-LD or N-Triples")
    return next((f for f in VIEWS.values() if f.media_type == best), None)


def entity(iri: str, fmt=None):
    checked_iri(iri)
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        abort(400, description="not a valid IRI")
    st = db.store()
    outgoing_any = next(iter(st.quads_for_pattern(node, None, None, None)), None)
    incoming_any = next(iter(st.quads_for_pattern(None, None, node, None)), None)
    if outgoing_any is None and incoming_any is None:
        from .search import search_labels
        suggestion = search_labels(iri.rstrip("/").replace("#", "/").rsplit("/", 1)[-1].replace("-", " "), 5)
        return render_template("not_found.html", message=f"Nothing is known about {iri}.", suggestions=suggestion), 404
    page_path = url_for("browse.resource", iri=iri) if not iri.startswith(C.DATA_NS) else "/id/" + quote(iri[len(C.DATA_NS):], safe="/-._~")
    links = ", ".join(f'<{_alt(page_path, f)}>; rel="alternate"; type="{f.media_type}"' for f in VIEWS.values())
    if fmt is not None:
        out = io.BytesIO()
        describe(st, iri, out, fmt.name)
        return Response(out.getvalue(), mimetype=fmt.media_type, headers={"Link": links, "Vary": "Accept"})
    out, large = _outgoing(node)
    view = build_view(iri, out, large)
    resp = Response(render_template("browse/entity.html", **view, downloads={f.name: _alt(page_path, f) for f in VIEWS.values()}))
    resp.headers["Link"] = links
    resp.headers["Vary"] = "Accept"
    return resp


def _alt(path: str, fmt) -> str:
    if path.startswith("/id/"):
        return path + fmt.suffix
    return path + "&format=" + fmt.suffix.lstrip(".")


# Past this many values (or links in) under one property, a page reads only the 50 it shows, in the store's
# order: reading and sorting them all took seconds for the busiest entities at 10,000 reports (a topic has
# 185,000 arguments and findings, a webinar moderator 65,000 values under 10 properties). The page says
# so, and its query link lists them all, sorted.
LARGE = 1000


def _outgoing(node: ox.NamedNode) -> tuple[list[tuple], dict[str, int]]:
    """The entity's distinct (property, value) terms, and {property: number of values} for the properties
    with more than LARGE values, of which only OUTGOING_SHOWN are read.

    Each (property, value) once: a state repeats its agreesWith links in every report's graph (800
    quads, 620 distinct at 1,000 reports), and the engine drops repeats without reading them."""
    counts = {r["p"]: int(r["n"]) for r in rows(f"SELECT ?p (COUNT(DISTINCT ?o) AS ?n) WHERE {{ {node} ?p ?o }} GROUP BY ?p")}
    large = {p: n for p, n in counts.items() if n > LARGE}
    if not large:
        return [(r["p"], r["o"]) for r in db.query(f"SELECT DISTINCT ?p ?o WHERE {{ {node} ?p ?o }}")], {}
    small = " ".join(str(ox.NamedNode(p)) for p in counts if p not in large)
    out = [(r["p"], r["o"]) for r in db.query(f"SELECT DISTINCT ?p ?o WHERE {{ VALUES ?p {{ {small} }} {node} ?p ?o }}")] if small else []
    for p in sorted(large):
        prop = ox.NamedNode(p)
        out += [(prop, r["o"]) for r in db.query(f"SELECT DISTINCT ?o WHERE {{ {node} {prop} ?o }} LIMIT {OUTGOING_SHOWN}")]
    return out, large


def build_view(iri: str, out: list[tuple], large: dict[str, int] | None = None) -> dict:
    """Collect what an entity page shows: label, types, definition, links out and in, and a domain view.

    *out* holds the entity's distinct (property, value) terms; *large*, the number of values of the
    properties of which *out* holds only the first OUTGOING_SHOWN (see _outgoing)."""
    large = large or {}
    # Classes are IRIs; a literal or blank node under rdf:type (a store not made by kg build) shows as a value.
    types = sorted({o.value for p, o in out if p.value == RDF_TYPE and isinstance(o, ox.NamedNode)})
    outgoing: dict[str, list] = defaultdict(list)
    for p, o in out:
        if p.value != RDF_TYPE or not isinstance(o, ox.NamedNode):
            outgoing[p.value].append(o)
    definition = next((outgoing[p][0].value for p in DEFINITIONS if outgoing.get(p)), None)
    page = min(max(1, request.args.get("page", 1, type=int)), 10**6)  # no offset past what a store can hold
    size = current_app.config["PAGE_SIZE"]
    counts = rows(f"SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p {ox.NamedNode(iri)} }} GROUP BY ?p ORDER BY DESC(?n)")
    incoming = _incoming_page(iri, counts, (page - 1) * size, size)
    more = page * size < sum(int(c["n"]) for c in counts)
    folded = [_shown(iri, *row, large.get(row[0])) for row in terms.fold(outgoing)]
    iris = {o.value for _, objs, _, _ in folded for o in objs if isinstance(o, ox.NamedNode)}
    shown_types, implied_types = terms.most_specific(types)
    iris |= {a for _, _, also, _ in folded for a in also}
    iris |= set(outgoing) | set(types) | {r["s"] for r in incoming} | {r["p"] for r in incoming} | {c["p"] for c in counts}
    neighbours = _neighbours(iri, types, outgoing)
    iris |= {v for v in neighbours.values() if v}
    labels = labels_for(iris)
    view = {"iri": iri, "label": label(iri), "types": shown_types, "implied_types": implied_types, "definition": definition, "neighbours": neighbours,
            "pager": lambda n: page_url("page", n),
            "outgoing": sorted(folded, key=lambda row: labels[row[0]].casefold()), "incoming": incoming[:size],
            "incoming_counts": counts, "page": page, "more": more, "labels": labels,
            "incoming_unsorted": LARGE if any(int(c["n"]) > LARGE for c in counts) else None,
            "definitions": {i: d for i in iris if (d := terms.bundled().get(i, ("", ""))[1])},
            "fold": 600, "domain": None, "statements": None}
    kinds = set(types)
    if kinds & {CDO + "MemberState", CDO + "ObserverState", CDO + "State", CDO + "Person", CDO + "Office"}:
        view["statements"] = statements.statements(iri)
    if kinds & {CDO + "Meeting", CDO + "Webinar"}:
        view["domain"] = ("meeting", dict(pictures.meeting_view(iri), transcript=statements.transcript(iri)))
    elif kinds & {CDO + "MemberState", CDO + "ObserverState", CDO + "State"}:
        view["domain"] = ("state", pictures.state_view(iri))
    elif kinds & {CDO + "RegionalGroup", CDO + "NegotiatingGroup", CDO + "AdHocGroup"}:
        view["domain"] = ("group", pictures.group_view(iri))
    elif CDO + "Issue" in kinds:
        view["domain"] = ("target", pictures.issue_view(iri))
    elif any(t.startswith(CDO) and t[len(CDO):] in ("Mechanism", "ThematicGroup", "Fund", "Directory", "Portal", "Programme",
                                                     "Framework") for t in kinds):
        view["domain"] = ("target", pictures.target_view(iri))
    elif "http://www.w3.org/2004/02/skos/core#Concept" in kinds:
        view["domain"] = ("topic", pictures.topic_view(iri))
    elif CDO + "Person" in kinds:
        view["domain"] = ("person", pictures.person_view(iri))
    elif kinds & negotiated.PROVISIONS:
        view["domain"] = ("provision", negotiated.provision_view(iri))
    elif kinds & negotiated.DOCUMENTS:
        view["domain"] = ("document", negotiated.document_view(iri, CDO + "DocumentVersion" in kinds))
    elif CDO + "Proposal" in kinds:
        view["domain"] = ("proposal", negotiated.proposal_view(iri))
    if view["domain"] and view["domain"][0] in ("provision", "document", "proposal", "meeting"):
        # the IRIs its rows link to, shown by their labels
        found = {v for rows_ in view["domain"][1].values() if isinstance(rows_, list) for r in rows_ if isinstance(r, dict)
                 for v in (x for val in r.values() for x in (val if isinstance(val, list) else [val]))
                 if isinstance(v, str) and v.startswith(("http://", "https://"))}
        view["labels"].update(labels_for(found - set(view["labels"])))
    return view


def _incoming_page(iri: str, counts: list[dict], offset: int, size: int) -> list[dict]:
    """The links to *iri* from *offset* on, sorted by property, then length, then IRI (IRIs that differ in
    a trailing number sort as numbers: turn 3 before turn 11; a blank node first); under a property with
    more than LARGE links, in the store's order.

    Only the properties the page reaches are read (the counts say which), and their subjects are
    sorted here: Oxigraph's ORDER BY read each key from disk (18,500 links under one property at 1,000
    reports: 370–970 ms for the first 50 sorted by the engine, 225 ms read and sorted in Python)."""
    node, out, start = ox.NamedNode(iri), [], 0
    for c in sorted(counts, key=lambda c: c["p"]):
        n, end = int(c["n"]), start + int(c["n"])
        if end > offset and len(out) < size:
            skip = max(0, offset - start)
            prop, want = ox.NamedNode(c["p"]), min(n - skip, size - len(out))
            if n > LARGE:  # the store's order: sorting them all read every one (185,000 for a topic at 10,000 reports)
                subjects = [s[0] for s in db.query(f"SELECT DISTINCT ?s WHERE {{ ?s {prop} {node} }} LIMIT {want} OFFSET {skip}")]
                out += [{"s": s.value, "p": c["p"]} for s in subjects]
            else:
                subjects = [s[0] for s in db.query(f"SELECT DISTINCT ?s WHERE {{ ?s {prop} {node} }}")]
                subjects.sort(key=lambda s: (isinstance(s, ox.NamedNode), len(s.value), s.value))
                out += [{"s": s.value, "p": c["p"]} for s in subjects[skip: skip + want]]
        start = end
    return out


OUTGOING_SHOWN = 50


def _shown(iri: str, prop: str, values: list, also: list, total: int | None = None) -> tuple:
    """One property's values as the page shows them: the first OUTGOING_SHOWN, then a link to the query
    that lists them all. A state at 1,000 reports has 50-160 values under each of agreesWith,
    disagreesWith and mixedWith and 100-130 under holds (the table of its alignment counts shows the
    first three better). *total*: the property has that many values, of which *values* are the ones read
    (LARGE): shown in the store's order, not sorted."""
    n = total if total is not None else len(values)
    if n <= OUTGOING_SHOWN:
        return prop, values, also, None
    text = f"SELECT ?value WHERE {{\n  {ox.NamedNode(iri)} {ox.NamedNode(prop)} ?value\n}} ORDER BY ?value"
    return prop, values[:OUTGOING_SHOWN], also, {"n": n - len(values[:OUTGOING_SHOWN]), "unsorted": total is not None,
                                                 "query": url_for("sparql.page", query=text)}


def _neighbours(iri: str, types: list[str], outgoing: dict[str, list]) -> dict:
    """The previous and next transcript turn or argument of the same event, by cdo:order.

    Asked with the page's own event, order and kind written in: with them as variables Oxigraph
    started from every node with an order (0.9 s at 1,000 reports; 3 ms this way)."""
    kinds = [k for k in (CDO + "Intervention", CDO + "Argument") if k in types]
    orders = [o for o in outgoing.get(CDO + "order", ()) if isinstance(o, ox.Literal) and o.value.isdecimal()]
    events = [e for e in outgoing.get(CDO + "inEvent", ()) if isinstance(e, ox.NamedNode)]
    if not kinds or not orders or not events:
        return {}
    out = {"prev": None, "next": None}
    for kind in kinds:
        for order in orders:
            for event in events:
                n = int(order.value)
                for r in rows(f"""SELECT ?other ?n WHERE {{ ?other cdo:inEvent {event} ; a {ox.NamedNode(kind)} ; cdo:order ?n .
                                  FILTER(?n = {n - 1} || ?n = {n + 1}) }}"""):
                    out["prev" if int(r["n"]) < n else "next"] = r["other"]
    return out


@bp.route("/ontology")
def ontology():
    """The ontology's classes and properties, or the ontology itself by Accept (Turtle, JSON-LD, N-Triples)."""
    offered = ["text/html"] + [f.media_type for f in VIEWS.values()]
    wanted = negotiate.best(request.headers.get("Accept", ""), offered)
    if wanted not in (None, "text/html"):
        fmt = next(f for f in VIEWS.values() if f.media_type == wanted)
        from .export import stream_graph
        resp = stream_graph(C.ONTOLOGY_GRAPH, fmt.name)
        resp.headers["Vary"] = "Accept"
        return resp
    classes = rows(f"""SELECT ?c (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?def) WHERE {{ GRAPH <{C.ONTOLOGY_GRAPH}> {{
        ?c a owl:Class ; rdfs:label ?l . OPTIONAL {{ ?c skos:definition ?d }} FILTER(STRSTARTS(STR(?c), "{CDO}")) }} }}
        GROUP BY ?c ORDER BY ?label""")
    props = rows(f"""SELECT ?c (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?def) WHERE {{ GRAPH <{C.ONTOLOGY_GRAPH}> {{
        ?c a ?k ; rdfs:label ?l . VALUES ?k {{ owl:ObjectProperty owl:DatatypeProperty }}
        OPTIONAL {{ ?c skos:definition ?d }} FILTER(STRSTARTS(STR(?c), "{CDO}")) }} }} GROUP BY ?c ORDER BY ?label""")
    return render_template("browse/ontology.html", classes=classes, props=props)


ALIGNMENT_STATES = 40  # the matrix and the network show the states most listed; a query lists them all


@bp.route("/alignment")
def alignment():
    def make():
        every = align.state_pairs()
        found = align.most_listed(every, ALIGNMENT_STATES)
        actors = {p.a for p in found} | {p.b for p in found}
        return {"svg": pictures.alignment_svg(found), "source": align.SOURCE, "shown": len(actors),
                "states": len({p.a for p in every} | {p.b for p in every}),
                "query": url_for("sparql.page", query=align.ALL_STATE_PAIRS),
                "network": align.network_data(found, labels_for(actors), {a: href(a) for a in actors})}
    return render_template("browse/alignment.html", **cached("alignment", make))


@bp.route("/alignment/pair")
def alignment_pair():
    """Open the query that lists the arguments behind one pair of the matrix or the network."""
    a, b = checked_iri(request.args.get("a")), checked_iri(request.args.get("b"))
    event = request.args.get("event")
    try:
        query = align.pair_query(a, b, checked_iri(event) if event else None)
    except ValueError:  # "a=x": not an absolute IRI
        abort(400, description="a, b and event must be IRIs")
    return redirect(url_for("sparql.page", query=query), 303)
