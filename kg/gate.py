"""Decide, from the query's tokens and before the engine sees it, whether a user's SPARQL may run at all.

The gate reads the text the way SPARQL tokenizes it: comments ended by either line end (CR or LF),
strings, IRIs, variables and prefixed names skipped as units. Engines differ on \\u escapes: the
grammar applies them to the whole text before parsing, Oxigraph only inside strings and IRIs. So the
gate reads the text both ways and refuses what either reading refuses. It refuses what must never run (SERVICE, updates, LOAD) and leaves
syntax to the engine, which reports errors with a position. It is linear in the query's length and
runs inside the query worker, under the deadline, so a pathological query costs nothing but its slot.

Being stricter than the grammar is deliberate: any bare word or prefix that *starts* with "service"
is refused, because a scannerless parser may read `SERVICE:x` or `SERVICEex:y` as the keyword
followed by a name (see tests/test_gate_differential.py, which checks the gate against Oxigraph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_MAX_DEPTH = 200
UPDATE_WORDS = {"insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with"}
QUERY_WORDS = {"select": "SELECT", "ask": "ASK", "construct": "CONSTRUCT", "describe": "DESCRIBE"}

# One alternation, tried in order at each position; every character of a query falls in some token.
_TOKEN = re.compile(r"""
    (?P<ws>[\x20\t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][^\W]\w*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<name>[^\W\d][\w.\-]*(?::(?:[\w:%.\-]|\\.)*)?|:(?:[\w:%.\-]|\\.)*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<punct>\^\^|\|\||&&|!=|<=|>=|[.,;*+\-/!=<>|^?$])
""", re.X | re.S)


class Refused(Exception):
    """The query may not run: *status* is the HTTP status to answer with."""

    def __init__(self, status: int, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.status, self.message, self.line, self.column = status, message, line, column


@dataclass(frozen=True)
class Checked:
    """A query that passed the gate: its form if the gate could tell it, and whether it names a dataset (FROM)."""

    form: str | None
    has_dataset: bool


def decode_escapes(text: str) -> str:
    """Apply SPARQL's \\u / \\U escapes to the whole text, as the grammar says (and Oxigraph does) before parsing."""
    def sub(m: re.Match) -> str:
        cp = int(m.group(1) or m.group(2), 16)
        if 0xD800 <= cp <= 0xDFFF or cp > 0x10FFFF:
            raise Refused(400, "invalid \\u escape in the query")
        return chr(cp)
    return _ESCAPE.sub(sub, text)


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    return line, offset - max(before.rfind("\n"), before.rfind("\r"))


def tokens(text: str):
    """Yield (kind, text, offset) for every token of *text*; raise Refused on a character no token starts with."""
    pos, end = 0, len(text)
    while pos < end:
        m = _TOKEN.match(text, pos)
        if m is None:
            line, col = _position(text, pos)
            if text[pos] in "\"'":
                raise Refused(400, "SPARQL syntax error: unterminated string", line, col)
            raise Refused(400, f"SPARQL syntax error: unexpected character {text[pos]!r}", line, col)
        kind = m.lastgroup
        if kind not in ("ws", "comment"):
            yield kind, m.group(), pos
        pos = m.end()


def check(query: str) -> Checked:
    """Return what the gate learnt of *query*, or raise Refused (403 SERVICE/update, 400 malformed).

    Read as written (Oxigraph) and with \\u escapes applied first (the grammar): a refusal of what must
    never run (403) in either reading wins; a malformed text (400) is refused only if both readings
    find it malformed, so the engine reports ordinary syntax errors itself, with their position.
    """
    raw = decoded = None
    try:
        raw = _scan(query)
    except Refused as r:
        if r.status == 403:
            raise
        raw_error = r
    try:
        decoded = _scan(decode_escapes(query))
    except Refused as r:
        if r.status == 403 or raw is None:
            raise raw_error if r.status != 403 and raw is None else r from None
    return raw or decoded


def _scan(text: str) -> Checked:
    depth = 0
    form = None
    first_word = None
    has_dataset = False
    for kind, tok, pos in tokens(text):
        if kind == "open":
            depth += 1
            if depth > _MAX_DEPTH:
                line, col = _position(text, pos)
                raise Refused(400, f"the query nests deeper than {_MAX_DEPTH} levels", line, col)
        elif kind == "close":
            depth -= 1
        elif kind == "name":
            word = tok.split(":", 1)[0].casefold()
            if word.startswith("service"):
                raise Refused(403, "SERVICE (federated query) is refused: queries here make no outbound requests"
                              + ("" if word == "service" and ":" not in tok else f" (a prefix or word starting with "
                                 f"'service' is refused too: rename {tok.split(':', 1)[0]!r})"))
            if ":" in tok:
                continue
            if first_word is None and word not in ("prefix", "base"):
                first_word = word
                if word in UPDATE_WORDS:
                    raise Refused(403, "updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE…) are refused: "
                                       "the store is read-only here")
                form = QUERY_WORDS.get(word)
            if word == "from" and depth == 0:
                has_dataset = True
            if word == "load":
                raise Refused(403, "LOAD is refused: the store is read-only here")
    return Checked(form, has_dataset)
