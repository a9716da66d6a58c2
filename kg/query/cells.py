"""Keep spreadsheets from reading a CSV or TSV cell of ours as a formula (CSV injection).

A report's title or a speaker's words can begin with "=", "+", "-" or "@", and a spreadsheet that
opens a query's answer would run such a cell as a formula. As OWASP advises, a cell that begins with
one of those characters, a tab or a carriage return gets a leading apostrophe, which spreadsheets
show as text; a cell that is a plain number ("-5", "+1.5e3") is left as it is, since it cannot be a
formula. In SPARQL's TSV a literal is written in quotes, and the apostrophe goes inside them. The
answer's other consumers see the apostrophe too: it is the price of a format people open in Excel.
"""

from __future__ import annotations

import csv
import io
import re

DANGER = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_CSV_RISK = re.compile(rb'(?:\A|[,\n])"?[=+\-@\t\r]')
_TSV_RISK = re.compile(rb'(?:\A|[\t\n])"?[=+\-@]')


def defuse(value: str) -> str:
    """Return *value* as a spreadsheet will show it as text: a leading apostrophe before a formula character."""
    if value.startswith(DANGER) and not _NUMBER.match(value):
        return "'" + value
    return value


def defuse_csv(body: bytes) -> bytes:
    """Defuse every cell of a CSV answer (RFC 4180, as the engine writes it); unchanged bytes when none needs it."""
    if not _CSV_RISK.search(body):
        return body
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    for row in csv.reader(io.StringIO(body.decode("utf-8"), newline="")):
        w.writerow([defuse(c) for c in row])
    return out.getvalue().encode("utf-8")


def defuse_tsv_cell(cell: str) -> str:
    """Defuse one SPARQL TSV cell: a quoted literal inside its quotes, anything else from its start."""
    if cell.startswith('"'):
        content = cell[1:cell.rfind('"')] if cell.count('"') > 1 else cell[1:]
        return '"' + "'" + cell[1:] if content.startswith(DANGER[:4]) and not _NUMBER.match(content) else cell
    return defuse(cell)


def defuse_tsv(body: bytes) -> bytes:
    """Defuse every cell of a SPARQL TSV answer (tabs and newlines inside values are escaped there)."""
    if not _TSV_RISK.search(body):
        return body
    lines = body.decode("utf-8").split("\n")
    return "\n".join("\t".join(defuse_tsv_cell(c) for c in line.split("\t")) for line in lines).encode("utf-8")
