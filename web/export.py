"""Downloads: the whole graph (streamed), one meeting's graph, the ontology, the shapes, and a VoID/DCAT description."""

from __future__ import annotations

import io
import threading
from datetime import datetime, timezone

import pyoxigraph as ox
from flask import Blueprint, Response, abort, request, send_file, stream_with_context

from kg import constants as C
from kg.export import FORMATS, export as dump
from kg.store import report_index

from . import db

bp = Blueprint("export", __name__, url_prefix="/export")


def _stream(store, fmt: str, graph: str | None, folder=None):
    """Yield the serialization in chunks as pyoxigraph writes it (a pipe, so memory stays flat)."""
    import os
    r, w = os.pipe()

    def write():
        try:  # the client may go away mid-download: the pipe breaks on a write or on the final flush
            with os.fdopen(w, "wb") as out:
                dump(store, out, fmt, graph, folder)
        except BrokenPipeError:
            pass

    t = threading.Thread(target=write, daemon=True)
    t.start()
    with os.fdopen(r, "rb") as inp:
        while chunk := inp.read(65536):
            yield chunk
    t.join()


def _fmt() -> str:
    name = request.args.get("format", "turtle")
    if name not in FORMATS:
        abort(400, description="unknown format; one of " + ", ".join(FORMATS))
    return name


@bp.route("/graph")
def whole():
    fmt = _fmt()
    f = FORMATS[fmt]
    return Response(stream_with_context(_stream(db.store(), fmt, None, db.current_generation())), mimetype=f.media_type,
                    headers={"Content-Disposition": f'attachment; filename="cyberdiplo{f.suffix}"'})


@bp.route("/meeting/<slug>")
def meeting(slug: str):
    fmt = _fmt()
    graph = C.DATA_NS + "graph/" + slug
    try:
        node = ox.NamedNode(graph)
    except ValueError:
        abort(404)
    if not db.store().contains_named_graph(node):
        abort(404, description=f"no meeting {slug}")
    f = FORMATS[fmt]
    return Response(stream_with_context(_stream(db.store(), fmt, graph, db.current_generation())), mimetype=f.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{slug}{f.suffix}"'})


@bp.route("/ontology.ttl")
def ontology():
    return send_file(C.ONTOLOGY_FILE, mimetype="text/turtle")


@bp.route("/shapes.ttl")
def shapes():
    return send_file(C.SHAPES_FILE, mimetype="text/turtle")


# The endpoint and the dump are named relative to the server's root (`</sparql>` in the Turtle), which a
# client resolves against the URL it fetched the description from. The description was made per Host
# header and cached per Host: 35,000 Host headers kept 35,000 copies (+430 MB) until the next build.
_PLACEHOLDER = "https://void.invalid"


def void_description() -> bytes:
    """Describe the dataset in VoID and DCAT: counts, license, source reports, build time (once per generation:
    counting the quads took 7.5 s at 10,000 reports and listing the reports by query 1 s)."""
    from .browse import cached
    return cached("void", lambda: _void(_PLACEHOLDER).replace(b"<" + _PLACEHOLDER.encode() + b"/", b"</"))


def _void(base: str) -> bytes:
    st = db.store()
    ds = ox.NamedNode(C.DATA_NS + "dataset")
    V, D, DCT, XSD = ("http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/",
                      "http://www.w3.org/2001/XMLSchema#")
    gen = db.current_generation()
    when = datetime.fromtimestamp(gen.stat().st_mtime, timezone.utc) if gen else datetime.now(timezone.utc)
    built = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    listing = db.listing()  # the build's own list: no query over every report
    triples = [
        (ds, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(V + "Dataset")),
        (ds, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(D + "Dataset")),
        (ds, ox.NamedNode(DCT + "title"), ox.Literal("Knowledge graph of UN cyber diplomacy (DiploAI reports)")),
        (ds, ox.NamedNode(DCT + "license"), ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")),
        (ds, ox.NamedNode(DCT + "modified"), ox.Literal(built, datatype=ox.NamedNode(XSD + "dateTime"))),
        (ds, ox.NamedNode(V + "triples"), ox.Literal(str(db.quads()), datatype=ox.NamedNode(XSD + "integer"))),
        (ds, ox.NamedNode(V + "sparqlEndpoint"), ox.NamedNode(base + "/sparql")),
        (ds, ox.NamedNode(V + "dataDump"), ox.NamedNode(base + "/export/graph?format=nquads")),
        (ds, ox.NamedNode(V + "uriSpace"), ox.Literal(C.DATA_NS)),
        (ds, ox.NamedNode(V + "vocabulary"), ox.NamedNode(C.ONTOLOGY_NS)),
    ]
    for g, (sha, name) in sorted((listing.reports if listing is not None else report_index(st)).items()):
        src = ox.NamedNode(g)
        triples += [(ds, ox.NamedNode(DCT + "source"), ox.Literal(name)),
                    (ds, ox.NamedNode(V + "subset"), src),
                    (src, ox.NamedNode(DCT + "source"), ox.Literal(name)),
                    (src, ox.NamedNode("https://w3id.org/cyberdiplo/ontology#sha256"), ox.Literal(sha))]
    out = io.BytesIO()
    ox.serialize([ox.Triple(*t) for t in triples], out, ox.RdfFormat.TURTLE,
                 prefixes={"void": V, "dcat": D, "dcterms": DCT, "xsd": XSD})
    return out.getvalue()


def well_known_void():
    return Response(void_description(), mimetype="text/turtle")
