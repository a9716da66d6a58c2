"""Answers to the canned queries, computed once per published generation and then served from memory.

A canned query is text we wrote (web/queries/*.rq), known to end: it may run longer than a user's
query (CANNED_TIMEOUT, 120 s by default; at 10,000 reports eight of them take 10 to 40 s and a
user's deadline of 10 s stopped them with 503). The data cannot change until the next build, so
each answer (per format) is computed once per generation: requests that come while it is being
computed wait for it instead of starting it again, and an error is not remembered. The answers
of a generation are held up to CACHE_BYTES (the oldest go first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Callable

from .labels import cached

CACHE_BYTES = 256 << 20
_lock = threading.Lock()


def normalized(text: str) -> str:
    """The text as the canned file holds it: a browser's form sends a textarea's lines ending in CRLF."""
    return text.replace("\r\n", "\n").strip()


@lru_cache(maxsize=1)
def _canned() -> frozenset[str]:
    from .canned import canned
    return frozenset(normalized(q["text"]) for q in canned())


def is_canned(text: str) -> bool:
    return normalized(text) in _canned()


class _Slot:
    def __init__(self):
        self.done = threading.Event()
        self.value = None
        self.error: BaseException | None = None
        self.size = 0


def answer(key: tuple, run: Callable[[], object], wait: float) -> object:
    """Return run()'s value for *key* in this generation: computed by the first request, shared after."""
    cache: OrderedDict = cached("canned-answers", OrderedDict)
    with _lock:
        slot = cache.get(key)
        owner = slot is None
        if owner:
            slot = cache[key] = _Slot()
        else:
            cache.move_to_end(key)
    if owner:
        try:
            slot.value = run()
            slot.size = _size(slot.value)
            with _lock:
                while sum(s.size for s in cache.values()) > CACHE_BYTES and len(cache) > 1:
                    cache.popitem(last=False)
        except BaseException as exc:
            slot.error = exc
            with _lock:
                if cache.get(key) is slot:
                    del cache[key]
        finally:
            slot.done.set()
    elif not slot.done.wait(wait):
        from .executor import QueryTimeout
        raise QueryTimeout(f"the query ran longer than {wait:g} s and was stopped")
    if slot.error is not None:
        raise slot.error
    return slot.value


def _size(value) -> int:
    """Bytes an answer holds, roughly: its body, or 300 bytes a term of its rows."""
    body = getattr(value, "body", None)
    if body is not None:
        return len(body)
    rows = getattr(value, "rows", None) or []
    return 300 * sum(len(r) for r in rows) + 1024
