"""Query results: collect them under a row and byte cap, and serialize them in the formats we offer.

Used inside the query workers (which send back finished bytes, so the web process never holds
more than one capped answer) and by the query page, which renders the collected rows itself.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.export import FORMATS, SERIAL_PREFIXES
from kg.query.cells import defuse, defuse_csv, defuse_tsv, defuse_tsv_cell

# The one table of result formats: name → media type (SELECT/ASK); graphs use kg.export.FORMATS.
RESULT_FORMATS = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                  "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_FORMATS = {k: FORMATS[k] for k in ("turtle", "ntriples", "jsonld")}


@dataclass
class Result:
    """A capped answer: SELECT rows as term dicts, a boolean, or triples, and why it was cut if it was."""

    form: str
    variables: list[str]
    rows: list[dict]
    boolean: bool | None
    triples: list[tuple]
    truncated: bool
    cut_by: str = ""  # "rows" or "bytes" when truncated


def term(t) -> dict | None:
    """Encode a pyoxigraph term as a SPARQL JSON results term."""
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            d["datatype"] = t.datatype.value
        return d
    return {"type": "literal", "value": str(t)}


def _size(d: dict | None) -> int:
    return 0 if d is None else 24 + sum(len(v) for v in d.values())


def form_of(res) -> str:
    """Tell a pyoxigraph result's query form from its type."""
    if isinstance(res, (bool, ox.QueryBoolean)):
        return "ASK"
    if isinstance(res, ox.QueryTriples) or isinstance(res, list):
        return "CONSTRUCT"
    return "SELECT"


def collect(res, cap: int, byte_cap: int = 1 << 62) -> Result:
    """Turn pyoxigraph results into a Result of at most *cap* rows and about *byte_cap* bytes of values."""
    form = form_of(res)
    if form == "ASK":
        return Result(form, [], [], bool(res), [], False)
    size = 0
    if form == "CONSTRUCT":
        triples = []
        for t in res:
            if len(triples) == cap:
                return Result(form, [], [], None, triples, True, "rows")
            tr = (term(t.subject), term(t.predicate), term(t.object))
            size += sum(_size(x) for x in tr)
            if size > byte_cap:
                return Result(form, [], [], None, triples, True, "bytes")
            triples.append(tr)
        return Result(form, [], [], None, triples, False)
    names = [v.value for v in res.variables]
    rows = []
    for sol in res:
        if len(rows) == cap:
            return Result(form, names, rows, None, [], True, "rows")
        row = {n: term(sol[n]) for n in names if sol[n] is not None}
        size += sum(_size(x) for x in row.values())
        if size > byte_cap:
            return Result(form, names, rows, None, [], True, "bytes")
        rows.append(row)
    return Result(form, names, rows, None, [], False)


# The engine's own result writers, and the fewest bytes one row takes in each: below cap × that many
# bytes an answer cannot hold more than cap rows. CSV and TSV end every row with a newline.
_NATIVE = {"json": (ox.QueryResultsFormat.JSON, 3), "xml": (ox.QueryResultsFormat.XML, 17),
           "csv": (ox.QueryResultsFormat.CSV, 2), "tsv": (ox.QueryResultsFormat.TSV, 1)}


class _Over(Exception):
    """The engine's writer passed the byte cap."""


class _CappedBuffer:
    """A binary sink that refuses to grow past *limit* bytes."""

    def __init__(self, limit: int):
        self.limit, self.parts, self.size = limit, [], 0

    def write(self, b) -> int:
        self.size += len(b)
        if self.size > self.limit:
            raise _Over
        self.parts.append(bytes(b))
        return len(b)

    def flush(self) -> None:
        pass


def _rows_within(body: bytes, fmt: str, cap: int) -> bool:
    """Tell whether a natively written SELECT answer has at most *cap* rows, counting only when it must."""
    if len(body) <= cap * _NATIVE[fmt][1]:
        return True
    if fmt == "json":
        # Each row opens one brace, and the head and results three more; braces in values only add
        # to the count. Parsing the answer to count its rows cost 0.5 ms at 70 KB.
        return body.count(b"{") - 3 <= cap or len(json.loads(body)["results"]["bindings"]) <= cap
    if fmt == "xml":
        return body.count(b"<result>") <= cap  # '<' inside a value is written &lt;
    return body.count(b"\n") - 1 <= cap  # an upper bound: a CSV value may hold a newline


def has_native(form: str, fmt: str) -> bool:
    """Tell whether answers of *form* in *fmt* go through the engine's writer (graphs keep our prefixes,
    CSV and TSV booleans our header)."""
    return form != "CONSTRUCT" and fmt in _NATIVE and not (form == "ASK" and fmt in ("csv", "tsv"))


def native(res, fmt: str, cap: int, byte_cap: int) -> bytes | None:
    """Serialize a SELECT or ASK answer with the engine's own writer; None if it passed a cap.

    *res* is consumed either way: the caller runs the query again through collect() to cut it.
    """
    sink = _CappedBuffer(byte_cap)
    try:
        res.serialize(sink, format=_NATIVE[fmt][0])
    except Exception:
        if sink.size > byte_cap:
            return None
        raise
    body = b"".join(sink.parts)
    if form_of(res) == "SELECT" and not _rows_within(body, fmt, cap):
        return None
    return defuse_csv(body) if fmt == "csv" else defuse_tsv(body) if fmt == "tsv" else body


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
    """Serialize a result in a named format; return (body, media type)."""
    if fmt in GRAPH_FORMATS:
        f = GRAPH_FORMATS[fmt]
        triples = [ox.Triple(_ox(s), _ox(p), _ox(o)) for s, p, o in result.triples]
        out = io.BytesIO()
        ox.serialize(triples, out, f.rdf_format, prefixes=SERIAL_PREFIXES if fmt == "turtle" else None)
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
            w.writerow([defuse(row[v]["value"]) if v in row else "" for v in result.variables])
    else:
        out.write("\t".join("?" + v for v in result.variables) + "\n")
        for row in result.rows:
            out.write("\t".join(_tsv(row.get(v)) for v in result.variables) + "\n")
    return out.getvalue().encode(), RESULT_FORMATS[fmt]


def _tsv(t: dict | None) -> str:
    node = _ox(t)
    return "" if node is None else defuse_tsv_cell(str(node).replace("\t", "\\t").replace("\n", "\\n"))


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


def labelled(result: Result, labels: dict[str, str], fmt: str) -> bytes:
    """A SELECT answer as CSV or TSV with a label column beside each column that holds IRIs ("state" →
    "state_label"): what the query page's table shows, for a spreadsheet."""
    with_iris = [v for v in result.variables if any(r.get(v, {}).get("type") == "uri" for r in result.rows)]
    header: list[str] = []
    for v in result.variables:
        header += [v, v + "_label"] if v in with_iris else [v]

    def cells(row: dict) -> list[str]:
        out = []
        for v in result.variables:
            t = row.get(v)
            out.append(defuse(t["value"]) if t else "")
            if v in with_iris:
                out.append(defuse(labels.get(t["value"], "")) if t and t["type"] == "uri" else "")
        return out
    buf = io.StringIO()
    if fmt == "csv":
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(header)
        for row in result.rows:
            w.writerow(cells(row))
    else:
        buf.write("\t".join(header) + "\n")
        for row in result.rows:
            buf.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells(row)) + "\n")
    return buf.getvalue().encode("utf-8")
