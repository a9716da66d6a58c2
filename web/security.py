"""Headers every response carries, link-safety and per-client limits."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import quote, urlencode

from flask import Flask, Response, abort, request
from markupsafe import Markup, escape

from kg import constants as C

CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
_SCHEME = re.compile(r"^(https?)://", re.I)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def install(app: Flask) -> None:
    @app.after_request
    def headers(resp: Response) -> Response:
        cacheable(resp)
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "no-referrer"
        return resp

    app.jinja_env.filters["href"] = href
    app.jinja_env.filters["local"] = local_path
    app.jinja_env.filters["kind"] = term_kind
    app.jinja_env.globals["link"] = link


def link(iri, text) -> Markup:
    """Render a link to *iri* reading *text* (escaped), or the text alone when *iri* is no safe target.

    A function rather than a Jinja macro: a state page at 1,000 reports renders 500 links, and the
    macro call cost 50 µs each."""
    target = href(iri)
    inner = "<bdi>" + str(escape("" if text is None else text)) + "</bdi>"  # str(): Markup + str would escape the tags
    return Markup('<a href="' + str(escape(target)) + '">' + inner + "</a>" if target else inner)


# The query parameters of entity pages' pagers: the page cache's key reads these alone, and links keep only them.
PAGER_PARAMS = ("page", "positions", "behalf", "own", "arguments", "events", "speakers", "findings", "takeaways",
                "summary", "turns")  # "turns": a speaker's statements, a meeting's transcript


def page_url(param: str, n: int) -> str:
    """This page's URL with *param*=n and its other pagers kept (an entity page has several); other parameters
    are dropped, as the page cache ignores them."""
    args = {k: v for k, v in request.args.items() if k != param and (k in PAGER_PARAMS or k in ("iri", "format"))}
    return quote(request.path, safe="/-._~") + "?" + urlencode({**args, param: n})


def cacheable(resp: Response) -> None:
    """ETag, Cache-Control and gzip for finished GET answers (the data change only when a build publishes)."""
    if request.method != "GET" or resp.status_code != 200 or resp.is_streamed or resp.direct_passthrough:
        return
    resp.headers.setdefault("Cache-Control", "public, max-age=60")
    resp.add_etag()
    resp.make_conditional(request)
    if resp.status_code != 200:
        return
    body = resp.get_data()
    textual = resp.mimetype.startswith("text/") or resp.mimetype.endswith(("json", "xml", "turtle", "triples", "quads"))
    if len(body) > 1400 and textual and "gzip" in request.headers.get("Accept-Encoding", ""):
        import gzip
        resp.set_data(gzip.compress(body, 5))
        resp.headers["Content-Encoding"] = "gzip"
        resp.headers["Vary"] = ", ".join(v for v in (resp.headers.get("Vary"), "Accept-Encoding") if v)


def term_kind(t) -> str:
    """Return 'uri', 'bnode' or 'literal' for a pyoxigraph term or a SPARQL JSON term."""
    if isinstance(t, dict):
        return t.get("type", "literal")
    name = type(t).__name__
    return {"NamedNode": "uri", "BlankNode": "bnode"}.get(name, "literal")


def local_path(iri: str) -> str | None:
    """Return the app path that serves *iri*, for IRIs the project mints; else None."""
    if iri.startswith(C.DATA_NS):
        return "/id/" + quote(iri[len(C.DATA_NS):], safe="/-._~")
    return None


# Standard vocabularies: their terms are not described in our store, so they link to their own IRI.
VOCABULARIES = tuple(ns for p, ns in C.PREFIXES.items()
                     if p in ("rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "org", "foaf", "schema", "prov"))


def href(iri: str) -> str | None:
    """Return a safe link target for *iri*: our own path, an http(s) URL, or None (render as text only)."""
    if not isinstance(iri, str):
        return None
    return _href(iri)


@lru_cache(maxsize=1 << 16)
def _href(iri: str) -> str | None:
    # Cached: a state page at 1,000 reports links 1,500 IRIs; quoting them took 28 ms of its first visit
    # under the profiler.
    if _CONTROL.search(iri.strip()) or iri != iri.strip():
        return None
    mine = local_path(iri)
    if mine:
        return mine
    if iri.startswith(C.BASE) or iri.startswith(C.ONTOLOGY_NS):
        return "/resource?iri=" + quote(iri, safe="")
    if iri.startswith(VOCABULARIES) and not any(c in iri for c in "\"'<> "):
        return iri  # the vocabulary's own page (a known namespace, never an arbitrary target)
    if _SCHEME.match(iri):
        return "/resource?iri=" + quote(iri, safe="")  # browse it here; never an open redirect
    return None


def checked_iri(value: str | None) -> str:
    """Return an IRI from a request, or abort 400 when it is missing or could inject a header."""
    if not value or len(value) > 4096 or _CONTROL.search(value) or any(c in value for c in '<>"{}|^`\\'):
        abort(400, description="not a usable IRI")
    return value


class ClientLimiter:
    """Count queries in flight per client address; refuse past the limit (the caller answers 429)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}

    @contextmanager
    def slot(self, client: str, limit: int):
        with self.lock:
            if self.counts.get(client, 0) >= limit:
                yield False
                return
            self.counts[client] = self.counts.get(client, 0) + 1
        try:
            yield True
        finally:
            with self.lock:
                self.counts[client] -= 1
                if not self.counts[client]:
                    del self.counts[client]


def client_address() -> str:
    return request.remote_addr or "unknown"
