"""Rendered pages kept per store generation (the data cannot change until the next build), keyed by what the page
reads, bounded in entries and bytes; and how many pages one address may have made at once."""

from __future__ import annotations

import threading

from flask import Response, current_app, request

from .labels import cached
from .security import PAGER_PARAMS, ClientLimiter, client_address

PAGE_CACHE_SIZE = 1024
PAGE_CACHE_BYTES = 64 << 20
# The query parameters entity pages read: every other parameter is ignored by the page, and so by the
# cache key (`?z=1`, `?z=2`… each rendered the page anew and kept a copy). Pagers' numbers are read as the
# page reads them, so `page=01` and `page=1` are one entry.


def page_key(view) -> tuple:
    """The cache key of this request's page: path, the parameters pages read, and the negotiated view."""
    args = tuple((k, min(max(1, request.args.get(k, 1, type=int)), 10**6)) for k in PAGER_PARAMS if k in request.args)
    return request.path, request.args.get("iri", ""), args, getattr(view, "name", view)


_renders = ClientLimiter()


class PageCache:
    """Rendered pages of one generation, least recently used first out, within an entry and a byte budget."""

    def __init__(self, entries: int = PAGE_CACHE_SIZE, size: int = PAGE_CACHE_BYTES):
        from collections import OrderedDict
        self.items: OrderedDict = OrderedDict()
        self.entries, self.budget, self.size = entries, size, 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            hit = self.items.get(key)
            if hit is not None:
                self.items.move_to_end(key)
            return hit

    def put(self, key, body: bytes, status: int, headers: list) -> None:
        if len(body) > self.budget // 8:  # one huge page must not empty the cache
            return
        with self.lock:
            old = self.items.pop(key, None)
            self.size += len(body) - (len(old[0]) if old else 0)
            self.items[key] = (body, status, headers)
            while len(self.items) > self.entries or self.size > self.budget:
                self.size -= len(self.items.popitem(last=False)[1][0])


def page_cached(make, view=None):
    """Serve a page from the generation's PageCache (the data cannot change until the next build); *view* is
    the negotiated format (None: HTML), part of the key instead of the Accept header's text."""
    key = page_key(view)
    cache = cached("pages", PageCache)
    hit = cache.get(key)
    if hit is not None:
        body, status, headers = hit
        return Response(body, status=status, headers=headers)
    # A page not yet made costs up to a second of a page thread: one address may have only a few made at once,
    # so twelve clients asking for pages nobody has seen cannot hold every thread while `/` waits.
    with _renders.slot(client_address(), current_app.config["RENDERS_PER_CLIENT"]) as ok:
        if not ok:
            return Response("too many pages asked for at once from this address; try again in a moment\n", 429,
                            {"Retry-After": "2", "Content-Type": "text/plain; charset=utf-8"})
        resp = make()
    if isinstance(resp, tuple):
        resp = Response(resp[0], status=resp[1])
    if resp.status_code in (200, 404):
        cache.put(key, resp.get_data(), resp.status_code, list(resp.headers.items()))
    return resp
