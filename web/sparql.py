"""The SPARQL 1.1 Protocol endpoint (/sparql) and the query page (/query), read-only and bounded."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request, url_for

from kg import constants as C
from kg.export import FORMATS

from . import db
from .executor import QueryFailed, QueryTimeout, Result
from .gate import Refused, check
from .security import ClientLimiter, client_address

bp = Blueprint("sparql", __name__)
QUERIES_DIR = Path(__file__).parent / "queries"
limiter = ClientLimiter()

# The one table of result formats: name → media type (SELECT/ASK); graphs use kg.export.FORMATS.
RESULT_FORMATS = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                  "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_FORMATS = {k: FORMATS[k] for k in ("turtle", "ntriples", "jsonld")}
ALIASES = {"application/json": "json", "text/turtle": "turtle", "application/n-triples": "ntriples",
           "application/ld+json": "jsonld", "application/xml": "xml", "text/xml": "xml"}


def canned() -> list[dict]:
    """Return the canned queries: file stem, title, description and text, sorted by title."""
    out = []
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta = {line[2:].split(":", 1)[0].strip(): line[2:].split(":", 1)[1].strip()
                for line in text.splitlines() if line.startswith("# ") and ":" in line}
        out.append({"name": path.stem, "title": meta.get("title", path.stem), "description": meta.get("description", ""),
                    "text": text})
    return sorted(out, key=lambda q: q["title"])


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
    graphs = form in ("CONSTRUCT", "DESCRIBE")
    table = GRAPH_FORMATS if graphs else RESULT_FORMATS
    default = "turtle" if graphs else "json"
    wanted = (request.values.get("format") or "").lower()
    wanted = ALIASES.get(wanted, wanted)
    if wanted in table:
        return wanted
    media = {(f.media_type if graphs else f): k for k, f in table.items()}
    media.update({m: k for m, k in ALIASES.items() if k in table})
    first = next(m for m, k in media.items() if k == default)
    best = request.accept_mimetypes.best_match([first] + [m for m in media if m != first])
    return media[best] if best else default


def execute(text: str) -> tuple[Result, str]:
    """Gate, limit and run a user's query; raise ProtocolError for every refusal."""
    cfg = current_app.config
    try:
        checked = check(text, C.PREFIXES)
    except Refused as r:
        raise ProtocolError(r.status, r.message, line=r.line, column=r.column) from None
    with limiter.slot(client_address(), cfg["PER_CLIENT"]) as ok:
        if not ok:
            raise ProtocolError(429, "too many queries from this client at once", {"Retry-After": "2"})
        try:
            return db.executor().run(prefix_block() + checked.text, checked.form, cfg["QUERY_TIMEOUT"]), checked.form
        except QueryTimeout as exc:
            raise ProtocolError(503, str(exc), {"Retry-After": "5"}) from None
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
            return service_description()
        result, form = execute(text)
    except ProtocolError as e:
        where = {"line": e.line, "column": e.column} if e.line else {}
        return _error(e.status, e.message, e.headers, **where)
    fmt = _negotiate(form)
    body, mimetype = serialize(result, fmt)
    resp = Response(body, mimetype=mimetype)
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Access-Control-Expose-Headers"] = "X-Result-Truncated"
    if result.truncated:
        resp.headers["X-Result-Truncated"] = f"true; at most {current_app.config['ROW_CAP']} rows"
    return resp


def _ox(t: dict | None):
    if t is None:
        return None
    if t["type"] == "uri":
        return ox.NamedNode(t["value"])
    if t["type"] == "bnode":
        return ox.BlankNode(t["value"])
    if "xml:lang" in t:
        return ox.Literal(t["value"], language=t["xml:lang"])
    return ox.Literal(t["value"], datatype=ox.NamedNode(t["datatype"]) if "datatype" in t else None)


def serialize(result: Result, fmt: str) -> tuple[bytes, str]:
    """Serialize a worker's result in a named format; return (body, media type)."""
    if fmt in GRAPH_FORMATS:
        f = GRAPH_FORMATS[fmt]
        triples = [ox.Triple(_ox(s), _ox(p), _ox(o)) for s, p, o in result.triples]
        out = io.BytesIO()
        ox.serialize(triples, out, f.rdf_format, prefixes=C.PREFIXES if fmt == "turtle" else None)
        return out.getvalue(), f.media_type
    if fmt == "json":
        if result.form == "ASK":
            doc = {"head": {}, "boolean": result.boolean}
        else:
            doc = {"head": {"vars": result.variables}, "results": {"bindings": result.rows}}
            if result.truncated:
                doc["truncated"] = True
        return json.dumps(doc).encode(), RESULT_FORMATS["json"]
    if fmt == "xml":
        return _xml(result).encode(), RESULT_FORMATS["xml"]
    out = io.StringIO()
    if result.form == "ASK":
        out.write("_askResult\n" + ("true" if result.boolean else "false") + "\n")
    elif fmt == "csv":
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(result.variables)
        for row in result.rows:
            w.writerow([row[v]["value"] if v in row else "" for v in result.variables])
    else:
        out.write("\t".join("?" + v for v in result.variables) + "\n")
        for row in result.rows:
            out.write("\t".join(_tsv(row.get(v)) for v in result.variables) + "\n")
    return out.getvalue().encode(), RESULT_FORMATS[fmt]


def _tsv(t: dict | None) -> str:
    term = _ox(t)
    return "" if term is None else str(term).replace("\t", "\\t").replace("\n", "\\n")


def _xml(result: Result) -> str:
    parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    parts += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    parts.append("</head>")
    if result.form == "ASK":
        parts.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        parts.append("<results>")
        for row in result.rows:
            parts.append("<result>")
            for v, t in row.items():
                if t["type"] == "uri":
                    inner = f"<uri>{escape(t['value'])}</uri>"
                elif t["type"] == "bnode":
                    inner = f"<bnode>{escape(t['value'])}</bnode>"
                else:
                    attrs = (f" xml:lang={quoteattr(t['xml:lang'])}" if "xml:lang" in t else "") + \
                        (f" datatype={quoteattr(t['datatype'])}" if "datatype" in t else "")
                    inner = f"<literal{attrs}>{escape(t['value'])}</literal>"
                parts.append(f"<binding name={quoteattr(v)}>{inner}</binding>")
            parts.append("</result>")
        parts.append("</results>")
    parts.append("</sparql>\n")
    return "\n".join(parts)


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
    if chosen:
        match = [q for q in queries if q["name"] == chosen]
        text = match[0]["text"] if match else None
    result = error = None
    labels: dict[str, str] = {}
    if text:
        try:
            result, _ = execute(text)
            labels = label_map(result)
        except ProtocolError as e:
            error = e
    status = 200 if error is None else error.status
    return render_template("sparql/query.html", queries=queries, text=text or prefix_block() + "\nSELECT * WHERE {\n  ?s ?p ?o\n} LIMIT 20\n",
                           result=result, error=error, labels=labels, row_cap=current_app.config["ROW_CAP"],
                           download=lambda fmt: url_for("sparql.endpoint", query=text, format=fmt)), status


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
