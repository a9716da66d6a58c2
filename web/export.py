"""Downloads: the whole graph (streamed), one meeting's graph, the ontology, the shapes, and a VoID/DCAT description."""

from __future__ import annotations

import io
import threading

import pyoxigraph as ox
from flask import Blueprint, Response, abort, request, send_file, stream_with_context

from kg import constants as C
from kg.export import FORMATS, void
from kg.export import export as dump

from . import db
from .labels import cached

bp = Blueprint("export", __name__, url_prefix="/export")


def _stream(store, fmt: str, graph: str | None, folder=None, entailments: bool = True):
    """Yield the serialization in chunks as pyoxigraph writes it (a pipe, so memory stays flat)."""
    import os
    r, w = os.pipe()
    base = request.url_root.rstrip("/")  # read here: the writing thread has no request

    def write():
        try:  # the client may go away mid-download: the pipe breaks on a write or on the final flush
            with os.fdopen(w, "wb") as out:
                dump(store, out, fmt, graph, folder, base, entailments)
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


def stream_graph(graph: str, fmt: str) -> Response:
    """One named graph alone in format *fmt*, streamed (with the labels of what it names from the other graphs):
    what a graph's IRI dereferences to. A report's entailments are their own graph, `<graph>/inferred`."""
    f = FORMATS[fmt]
    return Response(stream_with_context(_stream(db.store(), fmt, graph, db.current_generation(), entailments=False)),
                    mimetype=f.media_type)


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
    """Describe the dataset in VoID and DCAT (kg.export.void: counts, licence, source reports, build time), once per
    generation: counting the quads took 7.5 s at 10,000 reports and listing the reports by query 1 s."""

    def make() -> bytes:
        out = io.BytesIO()
        ox.serialize([q.triple for q in void(db.store(), db.current_generation(), _PLACEHOLDER)], out, ox.RdfFormat.TURTLE,
                     prefixes={"void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#",
                               "dcterms": "http://purl.org/dc/terms/", "xsd": "http://www.w3.org/2001/XMLSchema#"})
        return out.getvalue().replace(b"<" + _PLACEHOLDER.encode() + b"/", b"</")
    return cached("void", make)


def well_known_void():
    return Response(void_description(), mimetype="text/turtle")
