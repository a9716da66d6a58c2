"""Split a summary into sentences and read the transcript-line citations DiploAI puts in them.

2026 reports cite the transcript in brackets: '… would have benefited from more AI support [139-144].'
or '… [4-5][19-22]'. A number is a line of the transcript section (its non-blank lines, from 1).
The sentence text is kept without the brackets; the ranges are kept beside it.
"""

from __future__ import annotations

import re

from kg.read.reader import Line
from kg.read.report import Sentence

_GROUP = re.compile(r"\s*\[(\d{1,6}(?:\s*[-–]\s*\d{1,6})?(?:\s*[,;]\s*\d{1,6}(?:\s*[-–]\s*\d{1,6})?)*)\]")
# A sentence ends at . ! ? (closing quotes and brackets allowed), before citations that may follow it.
_END = re.compile(r"[.!?…][\"”’)]*(?:\s*\[[\d\s,;\-–]+\])*(?=\s+[\"“‘(]?[A-Z0-9]|\s*$)")
_ABBREV = re.compile(r"\b(?:Mr|Ms|Mrs|Dr|Prof|Amb|St|No|Art|para|paras|Rev|e\.g|i\.e|vs|cf|U\.S|U\.N|H\.E)\.$", re.I)
MAX_SPAN = 1000  # a range wider than this is read as its two ends (a typo, not a thousand lines)


def ranges(group: str) -> list[tuple[int, int]]:
    """Read '139-144' or '4-5, 19' into inclusive ranges."""
    out = []
    for part in re.split(r"\s*[,;]\s*", group.strip()):
        a, _, b = (x.strip() for x in re.split(r"([-–])", part, maxsplit=1)) if re.search(r"[-–]", part) else (part, "", part)
        lo, hi = sorted((int(a), int(b)))
        out += [(lo, hi)] if hi - lo <= MAX_SPAN else [(lo, lo), (hi, hi)]
    return out


def strip_citations(text: str) -> str:
    """Return *text* without citation brackets (and without the space they leave before punctuation)."""
    return re.sub(r"\s+([.,;:!?])", r"\1", _GROUP.sub("", text)).strip()


def ends(para: str) -> list[int]:
    """Return where each sentence of one paragraph ends ("Mr." and "Rev." end none), the last at its end."""
    # The abbreviation ends where the sentence would: look at the few characters before it, not the whole prefix.
    out = [m.end() for m in _END.finditer(para) if not _ABBREV.search(para[max(0, m.end() - 12): m.end()])]
    if not out or out[-1] < len(para.rstrip()):
        out.append(len(para))
    return out


def split(text: str) -> list[tuple[int, str]]:
    """Split *text* into (offset, sentence), a new line always ending one (what the converters read for citations
    of the negotiated text, kg/map/negotiation.py)."""
    out, base = [], 0
    for para in text.split("\n"):
        start = 0
        for end in ends(para):
            chunk = para[start:end]
            if chunk.strip():
                out.append((base + start + len(chunk) - len(chunk.lstrip()), chunk.strip()))
            start = end
        base += len(para) + 1
    return out


def sentences(paragraphs: list[Line]) -> list[Sentence]:
    """Split the summary's paragraphs (one per line) into sentences, each with the line ranges it cites."""
    out: list[Sentence] = []
    for ln in paragraphs:
        para, line = ln.text, ln.no
        start = 0
        for end in ends(para):
            chunk = para[start:end].strip()
            start = end
            if not chunk:
                continue
            cited = [r for m in _GROUP.finditer(chunk) for r in ranges(m.group(1))]
            text = strip_citations(chunk)
            if text:
                out.append(Sentence(text, line, cited))
            elif cited and out:  # citations alone after a sentence belong to it
                out[-1].cited += cited
    return out
