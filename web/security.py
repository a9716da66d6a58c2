"""Headers every response carries, link-safety and per-client limits."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from urllib.parse import quote

from flask import Flask, Response, abort, request

from kg import constants as C

CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
_SCHEME = re.compile(r"^(https?)://", re.I)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def install(app: Flask) -> None:
    @app.after_request
    def headers(resp: Response) -> Response:
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "no-referrer"
        return resp

    app.jinja_env.filters["href"] = href
    app.jinja_env.filters["local"] = local_path
    app.jinja_env.filters["kind"] = term_kind


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


def href(iri: str) -> str | None:
    """Return a safe link target for *iri*: our own path, an http(s) URL, or None (render as text only)."""
    if not isinstance(iri, str) or _CONTROL.search(iri.strip()) or iri != iri.strip():
        return None
    mine = local_path(iri)
    if mine:
        return mine
    if iri.startswith(C.BASE) or iri.startswith(C.ONTOLOGY_NS):
        return "/resource?iri=" + quote(iri, safe="")
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
