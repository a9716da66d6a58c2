"""Read a heading with a one-letter typo as the heading it means, and say so; refuse one that could be two.

DiploAI's headings are fixed words, and the section readers match them exactly: "Explantion" made an
argument's explanation part of its title, "Disagred with" turned a list of states into topics, "Full
sesion report" dropped the full report, "Sumary" the summary, all with exit 0. Before a layout reads
a report, every heading-shaped line one edit (a letter added, dropped, changed, or two swapped) from
a known heading is rewritten to it, with a warning naming the file and line; a line one edit from two
different headings is refused (exit 2), since either reading could be wrong.

Heading-shaped: not a list item, no colon inside, no sentence end, and six to forty characters once
bold, '#' and a trailing colon are set aside; headings and lines shorter than six letters are matched
exactly only ("Topic" is a word a value may be).
"""

from __future__ import annotations

from kg.read.fields import (
    AGREEMENT_KINDS,
    ARGUMENT_FIELDS,
    ASSESSMENT_FIELDS,
    COMMENT_FIELDS,
    DIFFERENCE_KINDS,
    FINDING_FIELDS,
    QUESTION_FIELDS,
    TAKEAWAY_KINDS,
    is_item,
    key,
)
from kg.read.reader import Line, ReportError

SECTIONS = {"session at a glance", "speakers", "full session report", "session transcript", "agreements",
            "differences", "takeaways", "thought provoking comments", "follow-up questions", "event report",
            "table of contents", "knowledge graph of debate", "session report", "session reports", "event description"}
GLANCE = {"summary", "keypoints", "key points", "major discussion points", "overall purpose", "overall tone",
          "overall goal", "overall assessment", "speech speed", "speech length", "speech time"}
KNOWN = frozenset(SECTIONS | GLANCE | ARGUMENT_FIELDS | FINDING_FIELDS | ASSESSMENT_FIELDS | COMMENT_FIELDS
                  | QUESTION_FIELDS | set(AGREEMENT_KINDS) | set(DIFFERENCE_KINDS) | set(TAKEAWAY_KINDS))
_BY_LENGTH: dict[int, list[str]] = {}
for _name in KNOWN:
    if len(_name) >= 6:
        _BY_LENGTH.setdefault(len(_name), []).append(_name)


def one_edit(a: str, b: str) -> bool:
    """Tell whether *a* and *b* differ by exactly one insertion, deletion, substitution or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:] or (i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:])
    return a[i:] == b[i + 1:]


def meant(text: str) -> list[str]:
    """The known headings a heading-shaped line is one edit from (none for an exact heading or other text)."""
    k = key(text)
    if k in KNOWN or not 6 <= len(k) <= 40 or ":" in k or k.endswith((".", "?", "!", ",", ";")) or is_item(text):
        return []
    return sorted(n for size in (len(k) - 1, len(k), len(k) + 1) for n in _BY_LENGTH.get(size, ()) if one_edit(k, n))


def correct(lines: list[Line], path: str) -> tuple[list[Line], list[str]]:
    """Return *lines* with one-letter typos of headings mended, and a warning for each; raise ReportError
    (exit 2) for a line one letter from two headings."""
    out, warnings = [], []
    for ln in lines:
        found = meant(ln.text)
        if len(found) > 1:
            raise ReportError(path, ln.no, "headings", f"{ln.text.strip()!r} is one letter from "
                              + " and from ".join(repr(n) for n in found) + "; correct the heading")
        if found:
            fixed = found[0][0].upper() + found[0][1:]
            warnings.append(f"{path}:{ln.no}: [headings] {ln.text.strip()!r} read as {fixed!r} (one letter from it)")
            out.append(Line(ln.no, fixed))
        else:
            out.append(ln)
    return out, warnings
