"""The report layouts DiploAI has used, each read by a module of its own into the same kg.read.report.Report.

A layout module defines NAME, `detect(lines) -> bool` (from headings only) and
`read(lines, path, accept_partial) -> Report`. To add a layout, write one module beside these and
list it in LAYOUTS, most specific first (see docs/architecture.md).
"""

from __future__ import annotations

from kg.read import headings
from kg.read.fields import heading_is
from kg.read.layouts import event_report, glance
from kg.read.reader import Line, ReportError
from kg.read.report import Report

LAYOUTS = (event_report, glance)


def read(lines: list[Line], path: str, accept_partial: bool = False) -> Report:
    """Read *lines* with the first layout that recognises them, or raise ReportError naming the line that fits none.

    Headings one letter off are mended first, with a warning each (kg/read/headings.py)."""
    lines, mended = headings.correct(lines, path)
    for layout in LAYOUTS:
        if layout.detect(lines):
            report = layout.read(lines, path, accept_partial)
            report.layout = layout.NAME
            report.warnings[:0] = mended
            return report
    first = _first_unfitting(lines)
    raise ReportError(path, first.no, "layout", f"{first.text[:80]!r} fits no known report layout: expected "
                      + " or ".join(f"{layout.EXPECTS!r} ({layout.NAME})" for layout in LAYOUTS)
                      + " after the title and date; is this a DiploAI session report?")


def _first_unfitting(lines: list[Line]) -> Line:
    """The first line after the title and the date lines: where every layout expects its first heading."""
    from kg.read.header import date_line
    for i, ln in enumerate(lines):
        if i == 0 or date_line(ln, "", []) or ln.text == lines[0].text:
            continue
        if any(heading_is(ln.text, n) for n in ("event desciption", "event description")):
            continue
        return ln
    return lines[-1]
