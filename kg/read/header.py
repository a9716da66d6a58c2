"""Read a report's header: title (and a differing repeat of it), date line with its time zone, event description.

A date line reads '10 Jul 2025 14:00h - 17:00h', optionally followed by a zone ('UTC', 'CEST',
'UTC+2', 'GMT-04:00', '+05:30'): a stated offset is kept on the start and end times. With no date
line, the date comes from the title or else the file name, with a warning, and the times are unknown.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from kg.read.fields import heading_is, strip_bold
from kg.read.reader import Line, ReportError
from kg.read.report import Report, Text

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_DATE = re.compile(r"^(\d{1,2}) ([A-Za-z]{3,9})\.? (\d{4}),? +(\d{1,2})[:.](\d{2}) ?h? *[-–] *(\d{1,2})[:.](\d{2}) ?h?"
                   r"(?:\s*(?P<zone>[A-Za-z]{1,5})?\s*(?P<offset>[+\-−]\d{1,2}(?::?\d{2})?)?)?$")
# Zone abbreviations with one meaning; others (IST, CST…) are ambiguous and kept as wall-clock time.
_ZONES = {"utc": 0, "gmt": 0, "z": 0, "cet": 60, "cest": 120, "eet": 120, "eest": 180, "bst": 60, "wet": 0,
          "west": 60, "est": -300, "edt": -240, "pst": -480, "pdt": -420, "jst": 540, "msk": 180}
_TEXT_DATE = re.compile(r"\b(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b|\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),\s+(\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
DESCRIPTION = ("event desciption", "event description")  # sic: DiploAI spells it 'desciption'


def _month(name: str) -> int | None:
    return _MONTHS.get(name[:3].lower()) if name[:3].lower() in _MONTHS and len(name) >= 3 else None


def _zone(zone: str | None, offset: str | None, path: str, line: int, warnings: list[str]) -> timezone | None:
    minutes = None
    if zone:
        minutes = _ZONES.get(zone.lower())
        if minutes is None:
            warnings.append(f"{path}:{line}: [header] time zone {zone!r} is ambiguous or unknown; times kept as written")
    if offset:
        sign = -1 if offset[0] in "-−" else 1
        digits = offset[1:].replace(":", "")
        hours, mins = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
        minutes = (minutes or 0) + sign * (hours * 60 + mins)
    if minutes is None or abs(minutes) > 14 * 60:
        return None
    return timezone(timedelta(minutes=minutes))


def date_line(ln: Line, path: str, warnings: list[str]) -> tuple[datetime, datetime] | None:
    """Return (start, end) if *ln* is a date line, else None; raise ReportError for an impossible date."""
    m = _DATE.match(ln.text)
    if not m:
        return None
    day, mon, year, h1, m1, h2, m2 = m.groups()[:7]
    tz = _zone(m.group("zone"), m.group("offset"), path, ln.no, warnings)
    try:
        start = datetime(int(year), _month(mon) or 0, int(day), int(h1), int(m1), tzinfo=tz)
        end = datetime(int(year), _month(mon) or 0, int(day), int(h2), int(m2), tzinfo=tz)
    except (TypeError, ValueError):
        raise ReportError(path, ln.no, "header", f"impossible date or time {ln.text!r}") from None
    return start, end


def date_in(text: str) -> date | None:
    """Find a calendar date written in *text* ('10 July 2025', 'July 10, 2025', '2025-07-10')."""
    for m in _TEXT_DATE.finditer(text):
        d, mon, y = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(4), m.group(6))
        try:
            if _month(mon):
                return date(int(y), _month(mon), int(d))
        except ValueError:
            continue
    m = _ISO_DATE.search(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return None


def read_header(head: list[Line], path: str, before: str) -> Report:
    """Read the lines before the first body heading (*before* names it, for messages) into a Report."""
    if not head:
        raise ReportError(path, 1, "header", f"no title before '{before}'")
    warnings: list[str] = []
    title = head[0]
    times, date_ln, alt, description = None, 0, None, []
    in_description = False
    for ln in head[1:]:
        if any(heading_is(ln.text, d) for d in DESCRIPTION):
            in_description = True
            continue
        if in_description:
            description.append(ln)
            continue
        if times is None:
            found = date_line(ln, path, warnings)
            if found:
                times, date_ln = found, ln.no
                continue
        if strip_bold(ln.text).strip() != strip_bold(title.text).strip() and alt is None:
            alt = Text(strip_bold(ln.text).strip(), ln.no)
    if times is None and date_line(title, path, warnings):  # a date line and no title
        times, date_ln = date_line(title, path, warnings), title.no
        title = Line(title.no, "Untitled session")
    if times is not None:
        day = times[0].date()
    else:
        day = date_in(title.text) or date_in(Path(path).name)
        if day is None:
            raise ReportError(path, title.no, "header", f"no date line like '10 Jul 2025 14:00h - 17:00h' before "
                              f"'{before}', and no date in the title or the file name")
        origin = "title" if date_in(title.text) else "file name"
        warnings.append(f"{path}:{title.no}: [header] no date line: the date {day.isoformat()} comes from the "
                        f"{origin}; start and end times are unknown")
    report = Report(path=path, title=strip_bold(title.text).strip(), title_line=title.no, day=day,
                    start=times[0] if times else None, end=times[1] if times else None, date_line=date_ln)
    report.alt_title = alt
    if description:
        report.description = Text("\n\n".join(ln.text for ln in description), description[0].no)
    report.warnings += warnings
    return report
