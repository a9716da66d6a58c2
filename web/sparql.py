"""The SPARQL 1.1 Protocol endpoint (/sparql) and the query page (/query), read-only and bounded."""

from __future__ import annotations

import json
import time
from functools import lru_cache

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for

from kg import constants as C
from kg.export import prefixed_name
from kg.query import unknown_terms

from . import answers, db, negotiate
from .canned import QUERIES_DIR, canned  # noqa: F401 (the canned questions, listed by the query page)
from .executor import Busy, QueryFailed, QueryRefused, QueryTimeout, QueryTooBig, Request
from .labels import cached
from .results import GRAPH_FORMATS, RESULT_FORMATS, Result, labelled
from .security import ClientLimiter, checked_iri, client_address, href

bp = Blueprint("sparql", __name__)
limiter = ClientLimiter()

ALIASES = {"application/json": "json", "text/turtle": "turtle", "application/n-triples": "ntriples",
           "application/ld+json": "jsonld", "application/xml": "xml", "text/xml": "xml"}


def prefix_block() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in C.PREFIXES.items())


class ProtocolError(Exception):
    """A refusal: HTTP status, message, extra headers, and the error's position in the query if known."""

    def __init__(self, status: int, message: str, headers: dict | None = None, line: int | None = None,
                 column: int | None = None):
        super().__init__(message)
        self.status, self.message, self.headers, self.line, self.column = status, message, headers or {}, line, column


def _error(status: int, message: str, headers: dict | None = None, **extra) -> Response:
    body = json.dumps({"error": message, "status": status, **extra})
    resp = Response(body, status=status, mimetype="application/json", headers=headers or {})
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def _query_text() -> str | None:
    """Read the query per the protocol; raise ProtocolError for malformed requests."""
    if request.method == "POST":
        ctype = (request.mimetype or "").lower()
        if ctype == "application/sparql-update" or "update" in request.form:
            raise ProtocolError(403, "updates are refused: this endpoint is read-only")
        if ctype == "application/sparql-query":
            raw = request.get_data(cache=False)
            if len(raw) > current_app.config["MAX_QUERY_BYTES"]:
                raise ProtocolError(413, "query too large")
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError(400, "the query is not UTF-8") from None
        if ctype == "application/x-www-form-urlencoded":
            return _single(request.form.getlist("query"), 413)
        raise ProtocolError(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded")
    if "update" in request.args:
        raise ProtocolError(403, "updates are refused: this endpoint is read-only")
    return _single(request.args.getlist("query"), 414)


def _single(values: list[str], too_long: int) -> str | None:
    """Return the one query parameter, refusing repeats (400) and oversize (413 in a body, 414 in a URL)."""
    if len(values) > 1:
        raise ProtocolError(400, "more than one query parameter")
    if values and len(values[0].encode()) > current_app.config["MAX_QUERY_BYTES"]:
        raise ProtocolError(too_long, "query too large")
    return values[0] if values else None


def _negotiate(form: str) -> str:
    """Pick a format by ?format=, else by Accept; the form's default (JSON or Turtle) wins ties and */*."""
    graphs, wanted, accept = form in ("CONSTRUCT", "DESCRIBE"), (request.values.get("format") or "").lower()[:64], \
        request.headers.get("Accept", "")
    if len(accept) > negotiate.MEMO_CHARS:  # a client's text: remembered only when short
        return _negotiated.__wrapped__(graphs, wanted, accept)
    return _negotiated(graphs, wanted, accept)


@lru_cache(maxsize=512)
def _negotiated(graphs: bool, wanted: str, accept: str) -> str:
    # Remembered by the Accept header's text: parsing and matching it was a tenth of /sparql's own time.
    table = GRAPH_FORMATS if graphs else RESULT_FORMATS
    default = "turtle" if graphs else "json"
    wanted = ALIASES.get(wanted, wanted)
    if wanted in table:
        return wanted
    media = {(f.media_type if graphs else f): k for k, f in table.items()}
    media.update({m: k for m, k in ALIASES.items() if k in table})
    first = next(m for m, k in media.items() if k == default)
    best = negotiate.best(accept, [first] + [m for m in media if m != first])
    return media[best] if best else default


def _dataset() -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """Read the protocol's default-graph-uri / named-graph-uri (our own graphs only; nothing is fetched)."""
    default, named = request.args.getlist("default-graph-uri"), request.args.getlist("named-graph-uri")
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        default += request.form.getlist("default-graph-uri")
        named += request.form.getlist("named-graph-uri")
    if not default and not named:
        return None, None
    if len(default) + len(named) > 100:
        raise ProtocolError(400, "more than 100 graph IRIs")
    for iri in default + named:
        try:
            ox.NamedNode(checked_iri(iri))
        except ValueError:
            raise ProtocolError(400, f"not an IRI: {iri[:200]!r}") from None
    return tuple(default), tuple(named)


def execute(text: str, formats: dict | None, dataset=(None, None)):
    """Limit and run a user's query in a worker (which gates it); raise ProtocolError for every refusal.

    With *formats* ({form: format name}) the worker answers finished bytes (an executor.Answer);
    without, the collected Result (the query page renders it). A canned query's answer is computed
    once per generation, under a longer deadline (web/answers.py)."""
    cfg = current_app.config
    if dataset == (None, None) and answers.is_canned(text):
        key = (answers.normalized(text), tuple(sorted(formats.items())) if formats else None)
        try:
            return answers.answer(key, lambda: _run(text, formats, dataset, cfg["CANNED_TIMEOUT"]), cfg["CANNED_TIMEOUT"])
        except QueryTimeout as exc:
            raise ProtocolError(503, str(exc), {"Retry-After": "5"}) from None
    return _run(text, formats, dataset, cfg["QUERY_TIMEOUT"])


def _run(text: str, formats: dict | None, dataset, timeout: float):
    cfg = current_app.config
    client = client_address()
    with limiter.slot(client, cfg["PER_CLIENT"]) as ok:
        if not ok:
            raise ProtocolError(429, "too many queries from this client at once", {"Retry-After": "2"})
        try:
            return db.executor().run(Request(text, formats, *dataset), timeout, client)
        except QueryRefused as r:
            raise ProtocolError(r.status, r.message, line=r.line, column=r.column) from None
        except Busy as exc:
            raise ProtocolError(503, f"{exc}; try again in a few seconds", {"Retry-After": "2"}) from None
        except QueryTimeout as exc:
            raise ProtocolError(503, str(exc), {"Retry-After": "5"}) from None
        except QueryTooBig as exc:
            raise ProtocolError(503, str(exc)) from None
        except QueryFailed as exc:
            raise ProtocolError(400, str(exc)) from None


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Access-Control-Allow-Origin": "*",
                                             "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                             "Access-Control-Allow-Headers": "Content-Type, Accept"})
    try:
        text = _query_text()
        if text is None:
            if request.accept_mimetypes.best_match(["text/turtle", "text/html"]) == "text/html" \
                    and request.accept_mimetypes["text/html"] > request.accept_mimetypes["text/turtle"]:
                return redirect(url_for("sparql.page"), 303)  # a person: the query page
            return service_description()
        results = _negotiate("SELECT")  # SELECT and ASK answer in the same formats
        formats = {"SELECT": results, "ASK": results, "CONSTRUCT": _negotiate("CONSTRUCT")}
        if request.values.get("labels") == "1" and results in ("csv", "tsv"):
            found = execute(text, None, _dataset())  # rows, to label (the query page's download)
            if found.form == "SELECT":
                body = labelled(found, label_map(found), results)
                return Response(body, mimetype=RESULT_FORMATS[results],
                                headers={"Access-Control-Allow-Origin": "*"} | (
                                    {"X-Result-Truncated": "true"} if found.truncated else {}))
        answer = execute(text, formats, _dataset())
    except ProtocolError as e:
        where = {"line": e.line, "column": e.column} if e.line else {}
        return _error(e.status, e.message, e.headers, **where)
    resp = Response(answer.body, mimetype=answer.media_type)
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Access-Control-Expose-Headers"] = "X-Result-Truncated, X-Query-Warning"
    for w in unknown_terms.unknown(text)[:5]:  # a misspelt ontology term matches nothing, silently
        resp.headers.add("X-Query-Warning", w.encode("ascii", "backslashreplace").decode("ascii"))
    if answer.truncated:
        cfg = current_app.config
        limit = f"{cfg['ROW_CAP']} rows" if answer.cut_by == "rows" else f"{cfg['BYTE_CAP']} bytes"
        resp.headers["X-Result-Truncated"] = f"true; at most {limit}"
    return resp


def service_description() -> Response:
    """Describe the endpoint (SPARQL 1.1 Service Description) in Turtle."""
    me = request.url_root.rstrip("/") + "/sparql"
    body = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
<{me}> a sd:Service ;
    sd:endpoint <{me}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON> , <http://www.w3.org/ns/formats/SPARQL_Results_XML> ,
        <http://www.w3.org/ns/formats/SPARQL_Results_CSV> , <http://www.w3.org/ns/formats/SPARQL_Results_TSV> ,
        <http://www.w3.org/ns/formats/Turtle> , <http://www.w3.org/ns/formats/N-Triples> , <http://www.w3.org/ns/formats/JSON-LD> ;
    sd:feature sd:UnionDefaultGraph ;
    sd:defaultDataset [ a sd:Dataset ; void:sparqlEndpoint <{me}> ] .
"""
    return Response(body, mimetype="text/turtle", headers={"Access-Control-Allow-Origin": "*"})


@bp.route("/query")
def page():
    """The query page: editor, canned queries, results with labels and links, downloads, errors with position."""
    queries = canned()
    text = request.args.get("query")
    chosen = request.args.get("canned")
    params = []
    if chosen:
        match = [q for q in queries if q["name"] == chosen]
        text = match[0]["text"] if match else None
        for param in match[0]["parameters"] if match else ():
            options = parameter_options(param)
            picked = request.args.get(param.name)
            if picked in options:  # only a listed choice: never text of the request's into the query
                text = param.apply(text, picked)
            params.append({"name": param.name, "options": options, "selected": picked if picked in options else None,
                           "default": param.term})
    result = error = data = None
    labels: dict[str, str] = {}
    elapsed = 0.0
    warnings = unknown_terms.unknown(text) if text else []
    if text:
        started = time.perf_counter()
        try:
            result = execute(text, None)
            elapsed = time.perf_counter() - started
            labels = label_map(result)
            data = island(result, labels)
        except ProtocolError as e:
            error = e
    status = 200 if error is None else error.status
    return render_template("sparql/query.html", queries=queries, text=text or prefix_block() + "\nSELECT * WHERE {\n  ?s ?p ?o\n} LIMIT 20\n",
                           snippets=snippets(text, request.url_root.rstrip("/") + "/sparql") if text else None,
                           result=result, error=error, warnings=warnings, labels=labels, row_cap=current_app.config["ROW_CAP"],
                           chosen=chosen, params=params,
                           elapsed_ms=round(elapsed * 1000), data=data, shown=HTML_ROWS, vocabulary=vocabulary(),
                           download=lambda fmt: url_for("sparql.endpoint", query=text, format=fmt,
                                                        **({"labels": "1"} if fmt in ("csv", "tsv") else {}))), status


def parameter_options(param) -> dict[str, str]:
    """{IRI: label} of what a canned query's parameter may be (the app's own query, once per generation)."""
    def make():
        return {r["x"].value: (r["label"].value if r["label"] else r["x"].value.rsplit("/", 1)[-1])
                for r in db.query(param.options_query())}
    return cached("options " + param.pattern, make)


def snippets(text: str, endpoint: str) -> dict[str, str]:
    """The query as code for elsewhere: Python with SPARQLWrapper, R with httr, and curl (each quoting it as its
    language reads it; the page escapes them as text)."""
    import json
    import shlex
    python = (f"query = {json.dumps(text, ensure_ascii=False)}\n"
              "from SPARQLWrapper import SPARQLWrapper, JSON\n"
              f"sparql = SPARQLWrapper({json.dumps(endpoint)})\n"
              "sparql.setQuery(query)\nsparql.setReturnFormat(JSON)\n"
              "rows = sparql.queryAndConvert()[\"results\"][\"bindings\"]\n")
    r = ("library(httr)\n"
         f"query <- {json.dumps(text, ensure_ascii=False)}\n"
         f"resp <- GET({json.dumps(endpoint)}, query = list(query = query), accept(\"text/csv\"))\n"
         "rows <- read.csv(text = content(resp, \"text\", encoding = \"UTF-8\"))\n")
    curl = (f"curl -G {shlex.quote(endpoint)} -H 'Accept: text/csv' \\\n"
            f"  --data-urlencode {shlex.quote('query=' + text)}\n")
    return {"Python (SPARQLWrapper)": python, "R (httr)": r, "curl": curl}


# Rows rendered as HTML for a browser without scripts; the script pages, sorts and filters them all.
HTML_ROWS = 200


def island(result: Result, labels: dict[str, str]) -> dict | None:
    """The data the result views read: every row as SPARQL JSON terms, with labels and links of its IRIs."""
    if result.form != "SELECT":
        return None
    iris = {t["value"] for row in result.rows for t in row.values() if t and t["type"] == "uri"}
    return {"variables": result.variables, "rows": result.rows, "labels": labels,
            "links": {i: h for i in iris if (h := href(i))}}


def vocabulary() -> dict:
    """Prefixes and the ontology's classes and properties, for the editor's completion (once per generation)."""

    def make():
        found = db.query(f"""SELECT ?t (SAMPLE(?l) AS ?label) (SAMPLE(?k) AS ?kind) WHERE {{ GRAPH <{C.ONTOLOGY_GRAPH}> {{
            ?t a ?k . VALUES ?k {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }}
            FILTER(isIRI(?t)) OPTIONAL {{ ?t rdfs:label ?l }} }} }} GROUP BY ?t""")
        terms = []
        for row in found:
            name = prefixed_name(row["t"].value, C.PREFIXES)
            if name:
                kind = "class" if row["kind"].value.endswith("Class") else "property"
                terms.append({"name": name, "label": row["label"].value if row["label"] else "", "kind": kind})
        return {"prefixes": C.PREFIXES, "terms": sorted(terms, key=lambda t: t["name"])}
    return cached("vocabulary", make)


def label_map(result: Result) -> dict[str, str]:
    """Look up labels for the IRIs in a result, in one bounded query of the app's own."""
    iris = {t["value"] for row in result.rows for t in row.values() if t["type"] == "uri"}
    iris |= {t["value"] for tr in result.triples for t in tr if t["type"] == "uri"}
    iris = sorted(i for i in iris if '>' not in i)[:2000]
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(i)) for i in iris)
    q = f"SELECT ?s (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?s {{ {values} }} ?s rdfs:label|skos:prefLabel ?l }} GROUP BY ?s"
    return {row["s"].value: row["label"].value for row in db.query(q)}
