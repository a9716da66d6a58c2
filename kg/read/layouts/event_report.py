"""The 2023–2024 layout: 'Event report' and 'Table of contents' before the body, the disclaimer before
the body, a 'Knowledge Graph of Debate' block, and a 'Session report' heading over each speaker's block.

It is read by rewriting those parts into the shape the shared section readers know (the disclaimer
taken out, the contents and graph blocks skipped, each 'Session report' heading turned into the
one-letter line that opens a speaker block) and reading the rest as the current layout does.
"""

from __future__ import annotations

from kg.read.fields import heading_is
from kg.read.header import read_header
from kg.read.layouts.glance import _TERMINAL, truncated
from kg.read.reader import Line, ReportError
from kg.read.report import Report, Text
from kg.read.sections import is_disclaimer, read_body, split

NAME = "2023-2024 event-report layout"
EXPECTS = "Event report"


def detect(lines: list[Line]) -> bool:
    head = lines[:60]
    return any(heading_is(ln.text, "event report") for ln in head) and \
        any(heading_is(ln.text, "table of contents") for ln in head)


def read(lines: list[Line], path: str, accept_partial: bool) -> Report:
    er = next(i for i, ln in enumerate(lines) if heading_is(ln.text, "event report"))
    report = read_header(lines[:er], path, EXPECTS)
    disclaimer = next((ln for ln in lines[er:] if is_disclaimer(ln)), None)
    graph = next((i for i, ln in enumerate(lines) if heading_is(ln.text, "knowledge graph of debate")), None)
    after = max(i for i in (er, graph, lines.index(disclaimer) if disclaimer else None) if i is not None)
    start = next((i for i in range(after, len(lines)) if heading_is(lines[i].text, "session at a glance")), None)
    if start is None:
        raise ReportError(path, lines[after].no, "session at a glance", "required section 'session at a glance' not "
                          f"found after line {lines[after].no}; is this a DiploAI session report?")
    body: list[Line] = []
    rest = lines[start:]
    for i, ln in enumerate(rest):
        if heading_is(ln.text, "session report") and i + 1 < len(rest):
            body.append(Line(ln.no, rest[i + 1].text.lstrip("*")[:1].upper() or "X"))  # a speaker block opens
        elif not is_disclaimer(ln):
            body.append(ln)
    spans = split(body, path)
    if not body[-1].text.endswith(_TERMINAL):
        truncated(report, body, spans, path, accept_partial, "the last line ends mid-sentence")
    read_body(report, body, spans, path)
    if disclaimer is not None:
        report.disclaimer = Text(disclaimer.text.split(":", 1)[1].strip(), disclaimer.no)
    elif not accept_partial:
        raise ReportError(path, lines[er].no, "header", "no disclaimer before the body, as this layout has one")
    return report
