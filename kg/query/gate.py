"""Decide, from the query's tokens and before the engine runs it, whether a user's SPARQL may run at all.

Three readings, and a query runs only if none of them finds SERVICE, LOAD or an update:
1. The text as written, tokenized as SPARQL's grammar does (its terminals: PN_PREFIX, PN_LOCAL, VARNAME,
   LANGTAG, numbers, the four string forms, IRIREF; comments end at CR or LF). It must tokenize
   completely: a character the grammar has no token for is refused (400, with its position), so the
   decision is never left to a reading that gave up. Bare words end where SPARQL's keywords do (a dot
   is not part of one), a local name neither starts nor ends with a dot, and `<` opens an IRI only
   where the grammar allows an IRI: after an operand inside an expression it is "less than".
2. The text with \\u escapes applied first, as the grammar says. Oxigraph applies them only inside
   strings and IRIs; another engine behind `kg serve --endpoint` may not. Only its 403 counts.
3. The engine itself (`confirm`; `confirm_apart` in a child process where the caller must not run the
   engine): every "service" in the text (any case) is replaced by letters that are no keyword, and
   the altered text must still parse in Oxigraph. Inside a string, an IRI, a comment,
   a variable or a local name the change is harmless; where Oxigraph reads SERVICE as the keyword the
   altered text cannot parse, and the query is refused whatever readings 1 and 2 concluded.

Being stricter than the grammar is deliberate: any bare word or prefix that *starts* with "service"
is refused. Readings 1 and 2 are linear in the query's length; reading 3 runs the engine on an empty
store and is done inside the query worker (or `kg query`'s child), under the deadline.
tests/test_gate_differential.py checks all of it against Oxigraph with a loopback oracle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_MAX_DEPTH = 200
UPDATE_WORDS = {"insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with"}
QUERY_WORDS = {"select": "SELECT", "ask": "ASK", "construct": "CONSTRUCT", "describe": "DESCRIBE"}

# SPARQL 1.1's character classes (section 19.8), as regular-expression classes.
_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F"
         "\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_U = _BASE + "_"
_CHARS = _U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = rf"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = rf"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"

# One alternation, tried in order at each position. "lt" is the IRI-or-operator `<`, decided by context.
_TOKEN = re.compile(rf"""
    (?P<ws>[\x20\t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<lt><)
  | (?P<var>[?$][{_U}0-9][{_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)
  | (?P<name>(?:{_PREFIX})?:(?:{_LOCAL})?)
  | (?P<word>[A-Za-z][A-Za-z0-9_]*)
  | (?P<number>[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+)
  | (?P<open>[{{(\[])
  | (?P<close>[}})\]])
  | (?P<punct>\^\^|\|\||&&|!=|>=|[.,;*+\-/!=>|^?$])
""", re.X | re.S)
_IRI = re.compile(r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>")
_LE = re.compile(r"<=?")
# Tokens after which, inside an expression, `<` compares: what ends an operand.
_OPERAND_END = {"var", "string", "iri", "name", "number", "lang", "close", "bnode"}
# Keywords after which the next `(` opens an expression rather than a collection or a path.
_EXPRESSION_OPENERS = {"filter", "bind", "having", "by", "asc", "desc", "as"}
_NOT_CALLS = {"a", "where", "optional", "minus", "graph", "union", "values", "from", "named", "select", "construct",
              "describe", "ask", "prefix", "base", "distinct", "reduced", "limit", "offset", "silent", "service",
              "exists", "not", "in", "undef", "true", "false"}
_SERVICE = re.compile("service", re.I)  # re's IGNORECASE also folds "ſ" (U+017F) to "s", as casefold() does


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


SERVICE_REFUSED = "SERVICE (federated query) is refused: queries here make no outbound requests"


def decode_escapes(text: str) -> str:
    """Apply SPARQL's \\u / \\U escapes to the whole text, as the grammar says, before tokenizing."""
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
    """Yield (kind, text, offset) for every token of *text*; raise Refused (400) where no token starts.

    `<` is read as the grammar reads it: an IRI where an IRI may stand, "less than" (kind "punct")
    after an operand inside an expression. Expressions are the brackets opened after FILTER, BIND,
    HAVING, BY, ASC, DESC, a function's name, in a SELECT's projection, or inside another expression.
    """
    pos, end = 0, len(text)
    stack: list[str] = []  # "expr", "term" (collections, paths, VALUES rows) or "group" per open bracket
    prev_kind, prev_word = None, None
    projection = modifiers = False  # between SELECT and its WHERE / after GROUP, ORDER, HAVING
    while pos < end:
        m = _TOKEN.match(text, pos)
        if m is None:
            line, col = _position(text, pos)
            if text[pos] in "\"'":
                raise Refused(400, "SPARQL syntax error: unterminated string", line, col)
            raise Refused(400, f"SPARQL syntax error: unexpected character {text[pos]!r}", line, col)
        kind, tok = m.lastgroup, m.group()
        if kind == "lt":
            in_expression = bool(stack) and stack[-1] == "expr"
            iri = None if in_expression and prev_kind in _OPERAND_END else _IRI.match(text, pos)
            if iri is not None:
                kind, tok = "iri", iri.group()
            else:
                kind, tok = "punct", _LE.match(text, pos).group()
        pos += len(tok)
        if kind in ("ws", "comment"):
            continue
        if kind == "word":
            w = tok.casefold()
            if w == "select":
                projection = True
            elif w in ("where", "from"):
                projection = False
            elif w in ("group", "order", "having"):
                modifiers = True
            elif w in ("limit", "offset", "values"):
                modifiers = False
        elif kind == "open":
            if tok == "{":
                stack.append("group")
                projection = modifiers = False
            elif tok == "[":
                stack.append("term")
            else:
                called = (prev_kind == "word" and prev_word not in _NOT_CALLS) or (
                    prev_kind in ("iri", "name") and bool(stack) and stack[-1] == "expr")
                opens_expression = (prev_kind == "word" and prev_word in _EXPRESSION_OPENERS) or called
                stack.append("expr" if (stack and stack[-1] == "expr") or projection or modifiers
                             or opens_expression else "term")
        elif kind == "close":
            if stack:
                stack.pop()
            if tok == "}":
                modifiers = False
        yield kind, tok, pos - len(tok)
        prev_kind, prev_word = kind, (tok.casefold() if kind == "word" else None)


def check(query: str, prefixes: dict[str, str] | None = None) -> Checked:
    """Return what the gate learnt of *query*, or raise Refused (403 SERVICE/update, 400 malformed).

    The text as written must tokenize completely (that is how Oxigraph reads it); the text with \\u
    escapes applied is read too, and a refusal of what must never run (403) in either reading wins.
    With *prefixes* (those the engine predeclares), a prefix neither they nor the query declare is
    refused (400) by name, where the engine's message listed the grammar's character ranges.
    """
    raw = raw_error = None
    try:
        raw = _scan(query, prefixes)
    except Refused as r:
        if r.status == 403:
            raise
        raw_error = r
    try:
        _scan(decode_escapes(query))
    except Refused as r:
        if r.status == 403:
            raise
    if raw_error is not None:
        raise raw_error
    return raw


def confirm(query: str, prefixes: dict[str, str] | None = None) -> None:
    """Refuse (403) *query* if Oxigraph reads SERVICE in it where the readings of `check` did not.

    Every "service" in the text is replaced by as many Z's; if the query parses and the altered one
    does not, one of them was the keyword. Runs the engine on an empty store: call it where a query
    may be killed (a worker, a child process), never in the web process.
    """
    if not _SERVICE.search(query):
        return
    import pyoxigraph as ox
    empty = ox.Store()

    def parses(text: str) -> bool:
        try:
            res = empty.query(text, prefixes=prefixes)
            if isinstance(res, ox.QuerySolutions):
                res.variables  # noqa: B018 (evaluation is lazy past this point; parsing is done)
        except SyntaxError:
            return False
        except Exception:  # an evaluation error on an empty store: it parsed
            return True
        return True

    altered = _SERVICE.sub(lambda m: "Z" * len(m.group()), query)
    if not parses(altered) and parses(query):
        raise Refused(403, SERVICE_REFUSED)


def _confirm_child(conn, query: str, prefixes, parent: int) -> None:
    from kg.procs import die_with_parent, isolate_network
    die_with_parent(parent)
    isolate_network()
    try:
        confirm(query, prefixes)
        conn.send(None)
    except Refused as r:
        conn.send((r.status, r.message))


def confirm_apart(query: str, prefixes: dict[str, str] | None, timeout: float) -> None:
    """`confirm` for a process that must not run the engine on a user's text (the web process of `kg serve
    --endpoint`): in a spawned child without network, killed at *timeout* (then refused, 503)."""
    if not _SERVICE.search(query):
        return
    import multiprocessing as mp
    import os
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_confirm_child, args=(child, query, prefixes, os.getpid()), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise Refused(503, f"the query could not be checked within {timeout:g} s")
        verdict = parent.recv()
    except EOFError:
        raise Refused(503, "the query could not be checked (its checking process died)") from None
    finally:
        proc.kill()
        proc.join(5)
    if verdict is not None:
        raise Refused(*verdict)


_PAIRS = {"{": "}", "(": ")", "[": "]"}


def _unmatched(text: str, tok: str, pos: int, last: tuple[str, int] | None) -> Refused:
    """A closing bracket that closes nothing, or the wrong one, in the user's terms (the editor adds a '}' when
    '{' is typed, so a '}' typed too is one too many)."""
    line, col = _position(text, pos)
    if last is None:
        return Refused(400, f"this '{tok}' closes nothing: there is one '{tok}' too many (the editor adds the closing "
                            f"bracket when you type the opening one; delete one of them)", line, col)
    at_line, at_col = _position(text, last[1])
    return Refused(400, f"this '{tok}' closes the '{last[0]}' opened at line {at_line}, column {at_col}, which "
                        f"needs '{_PAIRS[last[0]]}'", line, col)


def _unknown_prefix(text: str, tok: str, pos: int, known: set[str]) -> Refused:
    line, col = _position(text, pos)
    name = tok.split(":", 1)[0]
    listed = ", ".join(f"{p}:" for p in sorted(known) if p)
    return Refused(400, f"unknown prefix '{name}:'; declare it (PREFIX {name}: <…>) or use a known one: {listed}",
                   line, col)


def _scan(text: str, prefixes: dict[str, str] | None = None) -> Checked:
    depth = 0
    form = None
    first_word = None
    has_dataset = False
    known = set(prefixes) if prefixes is not None else None
    declaring = False
    opened: list[tuple[str, int]] = []  # the brackets open, with where they opened
    for kind, tok, pos in tokens(text):
        if kind == "open":
            depth += 1
            opened.append((tok, pos))
            if depth > _MAX_DEPTH:
                line, col = _position(text, pos)
                raise Refused(400, f"the query nests deeper than {_MAX_DEPTH} levels", line, col)
        elif kind == "close":
            depth -= 1
            if not opened or _PAIRS[opened[-1][0]] != tok:
                raise _unmatched(text, tok, pos, opened[-1] if opened else None)
            opened.pop()
        if kind == "word" and tok.casefold() == "prefix":
            declaring = True
            continue
        if kind == "name" and declaring:
            declaring = False
            if known is not None:
                known.add(tok.split(":", 1)[0])
        elif kind == "name" and known is not None and tok.split(":", 1)[0] not in known:
            raise _unknown_prefix(text, tok, pos, known)
        if kind in ("name", "word"):
            word = tok.split(":", 1)[0].casefold()
            if word.startswith("service") or (kind == "word" and "service" in word):
                raise Refused(403, SERVICE_REFUSED + ("" if word == "service" and kind == "word" else
                              f" (a word or prefix containing 'service' is refused too: rename {tok.split(':', 1)[0]!r})"))
            if kind == "name":
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
    if opened:
        tok, pos = opened[-1]
        line, col = _position(text, pos)
        raise Refused(400, f"the '{tok}' at line {line}, column {col} is never closed ('{_PAIRS[tok]}' missing)", line, col)
    return Checked(form, has_dataset)
