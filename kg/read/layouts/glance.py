"""The 2025–2026 layout: title, date line, 'Session at a glance' … 'Follow-up questions', a closing disclaimer.

Variants read here: headings in any case and spacing or glued to their subtitle ('Session at a
glanceSummary, keypoints, and speakers overview'), a date line with a time zone, no date line, the
title repeated (or repeated differently), an 'Event desciption' block before the glance.
"""

from __future__ import annotations

from kg.read.fields import heading_is
from kg.read.header import read_header
from kg.read.reader import Line, ReportError
from kg.read.report import Report, Text
from kg.read.sections import is_disclaimer, read_body, section_at, split

NAME = "2025-2026 session-at-a-glance layout"
EXPECTS = "Session at a glance"
_TERMINAL = tuple(".!?…\"”’)]:")


def detect(lines: list[Line]) -> bool:
    return any(heading_is(ln.text, "session at a glance") for ln in lines[:400])


def read(lines: list[Line], path: str, accept_partial: bool) -> Report:
    start = next(i for i, ln in enumerate(lines) if heading_is(ln.text, "session at a glance"))
    report = read_header(lines[:start], path, EXPECTS)
    body = lines[start:]
    spans = split(body, path)
    if not is_disclaimer(body[-1]):
        truncated(report, body, spans, path, accept_partial, "no closing disclaimer")
    read_body(report, body, spans, path)
    if is_disclaimer(body[-1]):
        report.disclaimer = Text(body[-1].text.split(":", 1)[1].strip(), body[-1].no)
    return report


def truncated(report: Report, body: list[Line], spans: dict, path: str, accept_partial: bool, why: str) -> None:
    """Refuse a report that ends early (exit 2), or with *accept_partial* mark it partial and warn."""
    last = body[-1]
    mid = "" if last.text.endswith(_TERMINAL) else ", mid-sentence"
    where = section_at(spans, len(body) - 1)
    message = (f"the report ends early ({why}): the last line read, line {last.no} in the {where} section{mid}, is "
               f"{last.text[-70:]!r}")
    if not accept_partial:
        raise ReportError(path, last.no, where, message + "; pass --accept-partial to build it anyway, marked partial")
    report.partial = True
    report.warnings.append(f"{path}:{last.no}: [{where}] {message}; built as a partial report")
