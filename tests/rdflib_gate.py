"""The gate as it was before issue #12 (rdflib's parser and algebra), kept as a reference for tests/test_gate_differential.py."""

from __future__ import annotations

from dataclasses import dataclass

from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.query.gate import Refused, decode_escapes  # the same refusal and escape reading as the new gate

_MAX_DEPTH = 200


@dataclass(frozen=True)
class Checked:
    """A query that passed the gate: its text (escapes decoded) and its form (SELECT, ASK, CONSTRUCT, DESCRIBE)."""

    text: str
    form: str


def _depth(text: str) -> int:
    depth = best = 0
    for ch in text:
        if ch in "{(":
            depth += 1
            best = max(best, depth)
        elif ch in "})":
            depth -= 1
    return best


def _walk(node, seen: set[int]):
    """Yield every CompValue in an algebra tree (iteratively: a deep tree must not blow the stack)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, CompValue):
            yield n
            stack.extend(n.values())
        elif isinstance(n, dict):
            stack.extend(n.values())
        elif isinstance(n, (list, tuple, set)):
            stack.extend(n)


def check(query: str, prefixes: dict[str, str]) -> Checked:
    """Return the checked query, or raise Refused (400 syntax, 403 update/SERVICE/LOAD)."""
    text = decode_escapes(query)
    if _depth(text) > _MAX_DEPTH:
        raise Refused(400, f"the query nests deeper than {_MAX_DEPTH} levels")
    header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
    try:
        parsed = parseQuery(header + text)
    except ParseException as exc:
        try:
            parseUpdate(header + text)
        except Exception:  # not an update either (rdflib raises assorted errors on junk)
            raise Refused(400, f"SPARQL syntax error: {exc.msg}", exc.lineno - len(prefixes), exc.col) from None
        raise Refused(403, "updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE…) are refused: this endpoint is read-only") from None
    except RecursionError:
        raise Refused(400, "the query is too deeply nested to parse") from None
    try:
        algebra = translateQuery(parsed)
    except RecursionError:
        raise Refused(400, "the query is too deeply nested to analyse") from None
    except Exception as exc:  # rdflib raises plain Exceptions for some semantic errors (e.g. unknown prefix)
        raise Refused(400, f"SPARQL error: {exc}") from None
    for comp in _walk(algebra.algebra, set()):
        if comp.name == "ServiceGraphPattern":
            raise Refused(403, "SERVICE (federated query) is refused: this endpoint makes no outbound requests")
    form = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
            "DescribeQuery": "DESCRIBE"}.get(algebra.algebra.name, "SELECT")
    return Checked(text, form)
