"""Read the report's recurring shapes: keyword lines, dash lists, subsections and fielded items."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kg.read.reader import Line
from kg.read.report import Text

ARGUMENT_FIELDS = {"explanation", "evidence", "major discussion point", "topics", "agreed with", "agreed on",
                   "disagreed with", "disagreed on"}
FINDING_FIELDS = {"speakers", "speaker", "arguments", "summary", "explanation", "topics"}
ASSESSMENT_FIELDS = {"summary", "consensus level", "disagreement level"}
COMMENT_FIELDS = {"speaker", "speakers", "reason", "impact"}
QUESTION_FIELDS = {"speaker", "speakers", "explanation"}
LIST_FIELDS = {"agreed with", "disagreed with", "speakers", "arguments"}

AGREEMENT_KINDS = {"agreement points": "AgreementPoint", "similar viewpoints": "SimilarViewpoint",
                   "unexpected consensus": "UnexpectedConsensus"}
DIFFERENCE_KINDS = {"different viewpoints": "DifferentViewpoint", "unexpected differences": "UnexpectedDifference",
                    "partial agreements": "PartialAgreement"}
TAKEAWAY_KINDS = {"key takeaways": "KeyTakeaway", "resolutions and action items": "ActionItem",
                  "action items": "ActionItem", "unresolved issues": "UnresolvedIssue",
                  "suggested compromises": "SuggestedCompromise"}

_ITEM = re.compile(r"^(?:[–—\-•]|\*(?!\*))\s+")


def strip_bold(text: str) -> str:
    """Drop Markdown bold and italic markers."""
    return text.replace("**", "").replace("__", "")


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """Normalise a line for keyword matching: no heading marks, bold, trailing colon or case.

    Remembered: the section readers ask for the key of each line about nine times."""
    t = strip_bold(text).strip().lstrip("#").strip().rstrip(":").strip()
    return " ".join(t.split()).casefold()  # str.split() and \s agree on what is white space


@lru_cache(maxsize=1 << 16)
def heading_is(text: str, name: str) -> bool:
    """Tell whether a line is the heading *name*, alone or glued to its subtitle ('Session at a glanceSummary, …').

    Case and spacing do not matter; a glued subtitle starts with a capital right after the name.
    """
    k = key(text)
    if k == name:
        return True
    plain = re.sub(r"\s+", " ", strip_bold(text).strip().lstrip("#").strip())
    return (plain[: len(name)].casefold() == name and len(plain) > len(name)
            and plain[len(name)].isupper() and plain[len(name) - 1].isalpha())


def is_item(text: str) -> bool:
    """Tell whether *text* is a list item ('– x', '- x', '• x', '* x')."""
    return bool(_ITEM.match(text))


def item_text(text: str) -> str:
    """Return a list item's text without its dash."""
    return _ITEM.sub("", text, count=1).strip()


def split_topics(text: Text | None) -> list[str]:
    """Split a Topics value on '|' (or ',' / ';' when no bar is used)."""
    if text is None:
        return []
    parts = re.split(r"\s*\|\s*", text.text) if "|" in text.text else re.split(r"\s*[;,]\s*", text.text)
    return [p.strip() for p in parts if p.strip()]


def join(lines: list[Line]) -> Text | None:
    """Join paragraph lines into one Text, or None when there are none."""
    if not lines:
        return None
    return Text("\n\n".join(ln.text for ln in lines), lines[0].no)


def subsections(body: list[Line], names: set[str]) -> list[tuple[str, list[Line]]]:
    """Cut *body* at lines whose key is one of *names*; text before the first such line is dropped."""
    out: list[tuple[str, list[Line]]] = []
    for ln in body:
        k = key(ln.text)
        name = k if k in names else next((n for n in names if heading_is(ln.text, n)), None)
        if name is not None:
            out.append((name, []))
        elif out:
            out[-1][1].append(ln)
    return out


@dataclass
class Item:
    """A head line followed by keyword fields, each with its value lines."""

    head: str
    line: int
    values: dict[str, list[Line]] = field(default_factory=dict)

    def text(self, name: str) -> Text | None:
        """Return the field's lines joined as one paragraph text."""
        return join(self.values.get(name, []))

    def list(self, name: str) -> list[Text]:
        """Return the field's values one per line, dashes removed."""
        return [Text(strip_bold(item_text(ln.text)), ln.no) for ln in self.values.get(name, [])]


def items(body: list[Line], field_names: set[str], head_next: set[str]) -> list[Item]:
    """Split *body* into items; a head is a line followed by one of *head_next* (or the first line).

    A field's value runs to the next field keyword or the next head, so multi-line values are kept
    and a missing optional field (Evidence, Agreed with…) simply does not appear.
    """
    out: list[Item] = []
    current: str | None = None
    for i, ln in enumerate(body):
        k = key(ln.text)
        nxt = key(body[i + 1].text) if i + 1 < len(body) else ""
        starts = (nxt in head_next and k not in field_names) if head_next else not out
        if starts:
            out.append(Item(strip_bold(item_text(ln.text) if is_item(ln.text) else ln.text).strip(), ln.no))
            current = None
        elif not out:
            continue  # text before the first item has no item to belong to
        elif k in field_names:
            current = k
            out[-1].values.setdefault(k, [])
        elif current is not None:
            out[-1].values[current].append(ln)
    return out
