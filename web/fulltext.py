"""Search what was said and written: the full-text index the build keeps (kg/store/fulltext.py), grouped by kind.

The query is tried as a phrase first ("paragraph 35"), then as all of its words of three letters or more
("DTG international law" finds "DTG on international law"); trigram tokens match inside words
("ransom" finds "ransomware’s"). Each hit links to its argument, turn, finding… with the line it came
from and a snippet around the words found. The index is read-only here; one connection per generation,
used under a lock (a query takes milliseconds). An index that is missing or that a killed build left
behind another generation answers nothing: the page then shows the label search alone.
"""

from __future__ import annotations

import re
import threading
import time

from markupsafe import Markup, escape

from kg.store import fulltext

from . import db
from .labels import cached, labels_for

PER_KIND = 5     # hits shown per kind on the first results page
KIND_PAGE = 20   # hits a page when one kind is paged through
# At most this many passages are counted and ranked per search: ranking every match of a common word ("the")
# took 3 s at 1,000 reports (10,000 matches: 1.1 s), and a search is a page thread's. Past it the page says
# "more than", and the passages ranked are the first this many in the index's order.
MATCHES = 2_000
_WORD = re.compile(r"[^\W_][\w'’\-]*")
RETRY = 5.0      # seconds before a missing or lagging index is looked at again


class _Index:
    """The served generation's index: one read-only connection, used under a lock (a query takes milliseconds);
    an index that is missing or behind is looked for again every RETRY seconds (a build may catch it up)."""

    def __init__(self):
        self.con, self.checked, self.lock = None, -RETRY, threading.Lock()

    def connection(self, gen):
        if self.con is None and time.monotonic() - self.checked >= RETRY:
            self.checked = time.monotonic()
            con = fulltext.connect(gen.parent)
            if con is not None and fulltext.synced(con) != gen.name:
                con.close()
                con = None
            self.con = con
        return self.con


def _index():
    """The served generation's _Index and its connection, or (None, None) without an index."""
    gen = db.current_generation()
    if gen is None:
        return None, None
    index = cached("fulltext", _Index)  # per generation: a new one opens the new generation's index
    with index.lock:
        return index, index.connection(gen)


def expressions(text: str) -> list[str]:
    """The FTS5 queries to try in turn: the words as a phrase, then all of them (each of three letters or more)."""
    words = _WORD.findall(text.casefold())
    out = []
    phrase = " ".join(words)
    if len(phrase) >= 3:
        out.append('"' + phrase.replace('"', '""') + '"')
    long = [w for w in words if len(w) >= 3]
    if len(long) > 1 or (long and len(words) > 1):
        out.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long))
    return out


def search(text: str, kind: str | None = None, page: int = 1) -> dict | None:
    """{"total", "more" (past MATCHES), "kinds": [{"kind", "count", "hits"}], "kind", "page", "pages"}; None
    without an index."""
    index, con = _index()
    if con is None:
        return None
    for expr in expressions(text):
        with index.lock:  # one pass over the first MATCHES + 1 matches, each with its rank; the rest in Python
            found = con.execute("SELECT kind, iri, line, text, graph, rank FROM texts WHERE texts MATCH ? LIMIT ?",
                                (expr, MATCHES + 1)).fetchall()
        if not found:
            continue
        more = len(found) > MATCHES
        found = sorted(found[:MATCHES], key=lambda r: r[5])
        counts: dict[str, int] = {}
        for r in found:
            counts[r[0]] = counts.get(r[0], 0) + 1
        if kind:
            pages = max(1, -(-counts.get(kind, 0) // KIND_PAGE))
            page = min(max(1, page), pages)
            rows = [r[:5] for r in found if r[0] == kind][(page - 1) * KIND_PAGE: page * KIND_PAGE]
        else:  # the best PER_KIND of each kind
            pages, rows, shown = 1, [], {}
            for r in found:
                if shown.get(r[0], 0) < PER_KIND:
                    shown[r[0]] = shown.get(r[0], 0) + 1
                    rows.append(r[:5])
        return _grouped(text, counts, more, rows, kind, page, pages)
    return {"total": 0, "more": False, "kinds": [], "kind": kind, "page": 1, "pages": 1}


def _grouped(text: str, counts: dict, more: bool, rows: list, kind: str | None, page: int, pages: int) -> dict:
    from .security import href
    meetings = {g: g.replace("/graph/", "/meeting/", 1) for g in {r[4] for r in rows}}
    labels = labels_for({r[1] for r in rows} | set(meetings.values()))
    by_kind: dict[str, list] = {}
    for k, iri, line, body, graph in rows:
        by_kind.setdefault(k, []).append({
            "iri": iri, "href": href(iri), "label": labels.get(iri, iri), "line": line, "kind": k,
            "meeting": meetings[graph], "meeting_href": href(meetings[graph]), "meeting_label": labels.get(meetings[graph], ""),
            "snippet": snippet(body, text)})
    order = {k: i for i, k in enumerate(fulltext.KINDS)}
    kinds = [{"kind": k, "count": n, "hits": by_kind.get(k, [])}
             for k, n in sorted(counts.items(), key=lambda kv: order.get(kv[0], 99)) if not kind or k == kind]
    return {"total": sum(counts.values()), "more": more, "kinds": kinds, "kind": kind, "page": page, "pages": pages}


def snippet(body: str, text: str, width: int = 220) -> Markup:
    """*body* cut around the first word of *text* found in it, the words found marked (escaped HTML)."""
    found = _WORD.findall(text.casefold())
    # The phrase first (it is the longest), then each word: "paragraph 35" is marked whole where it stands whole.
    words = sorted({" ".join(found)} | {w for w in found if len(w) >= 3} or {text.casefold().strip()}, key=len,
                   reverse=True)
    pattern = re.compile("|".join(re.escape(w) for w in words if w), re.I) if any(words) else None
    first = pattern.search(body) if pattern else None
    start = max(0, (first.start() if first else 0) - width // 3)
    if start:
        start = body.find(" ", start) + 1 or start
    cut = body[start:start + width]
    parts, at = [], 0
    for m in pattern.finditer(cut) if pattern else ():
        parts += [escape(cut[at:m.start()]), Markup("<mark>"), escape(m.group()), Markup("</mark>")]
        at = m.end()
    parts.append(escape(cut[at:]))
    return Markup(("…" if start else "") + "".join(str(p) for p in parts) + ("…" if start + width < len(body) else ""))
