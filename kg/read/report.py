"""Hold what a report says, section by section, before it becomes RDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class Text:
    """A piece of text and the line it starts on."""

    text: str
    line: int


@dataclass
class Speaker:
    """A speaker as the Speakers section lists them."""

    name: str
    role: str
    line: int


@dataclass
class Turn:
    """One transcript turn."""

    speaker: str
    text: str
    line: int
    first: int = 0  # the transcript lines (1-based, within the transcript section) this turn spans
    last: int = 0
    lines: list[int] = field(default_factory=list)  # the file line of each line of text


@dataclass
class Argument:
    """An argument in a speaker's block."""

    title: str
    line: int
    explanation: Text | None = None
    evidence: Text | None = None
    discussion_point: Text | None = None
    topics: list[str] = field(default_factory=list)
    agreed_with: list[Text] = field(default_factory=list)
    agreed_on: list[Text] = field(default_factory=list)
    disagreed_with: list[Text] = field(default_factory=list)
    disagreed_on: list[Text] = field(default_factory=list)


@dataclass
class SpeakerBlock:
    """A speaker's figures and arguments."""

    name: str
    line: int
    words_per_minute: int | None = None
    words: int | None = None
    seconds: int | None = None
    arguments: list[Argument] = field(default_factory=list)


@dataclass
class Finding:
    """An agreement or difference item; *kind* names its class (AgreementPoint, DifferentViewpoint…)."""

    kind: str
    head: str
    line: int
    head_is_title: bool
    speakers: list[Text] = field(default_factory=list)
    arguments: list[Text] = field(default_factory=list)
    summary: Text | None = None
    explanation: Text | None = None
    topics: list[str] = field(default_factory=list)


@dataclass
class Assessment:
    """An 'Overall assessment' block."""

    about: str
    line: int
    summary: Text | None = None
    level: Text | None = None


@dataclass
class Comment:
    """A thought-provoking comment."""

    quote: str
    line: int
    speaker: Text | None = None
    reason: Text | None = None
    impact: Text | None = None


@dataclass
class Question:
    """A follow-up question."""

    text: str
    line: int
    speakers: Text | None = None
    explanation: Text | None = None


@dataclass
class Section:
    """A headed section of the full session report."""

    heading: str
    level: int
    line: int
    text: str
    lines: list[int] = field(default_factory=list)  # the file line of each paragraph of text


@dataclass
class Sentence:
    """A summary sentence, its text without citations, and the transcript lines it cites."""

    text: str
    line: int
    cited: list[tuple[int, int]] = field(default_factory=list)  # inclusive (first, last) transcript line ranges


@dataclass
class Report:
    """Everything one report says."""

    path: str
    title: str
    title_line: int
    day: date
    start: datetime | None
    end: datetime | None
    date_line: int
    layout: str = ""
    alt_title: Text | None = None
    description: Text | None = None
    partial: bool = False
    warnings: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    summary: Text | None = None
    key_points: list[tuple[str, Text]] = field(default_factory=list)
    purpose: Text | None = None
    tone: Text | None = None
    speakers: list[Speaker] = field(default_factory=list)
    full_text: str = ""
    sections: list[Section] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    blocks: list[SpeakerBlock] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    takeaways: dict[str, list[Text]] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    disclaimer: Text | None = None

    @property
    def arguments(self) -> list[tuple[SpeakerBlock, Argument]]:
        """Return every (block, argument) pair in report order."""
        return [(b, a) for b in self.blocks for a in b.arguments]
