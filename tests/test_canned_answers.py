"""Canned queries answer what the real reports say, checked against a reading of the report text that
shares no code with the converter: speech figures per speaker block, the unresolved issues, suggested
compromises and follow-up questions of each report, item for item."""

from __future__ import annotations

import re

import pytest

from kg import constants as C

from .conftest import REPORTS, rows

REAL = {"2025-07-10-oewg-11th-session-meeting-6.txt": "2025-07-10", "2025-07-23-webinar-un-cyber-dialogue.txt": "2025-07-23"}


def canned(name: str) -> str:
    return (C.ROOT / "web" / "queries" / f"{name}.rq").read_text(encoding="utf-8")


def lines(name: str) -> list[str]:
    return [line.strip() for line in (REPORTS / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def between(text: list[str], start: str, end: str) -> list[str]:
    i = text.index(start)
    j = text.index(end, i + 1)
    return text[i + 1:j]


def speech_figures(text: list[str]) -> list[tuple[str, int, int, int]]:
    """(speaker, seconds, words, words per minute) of every speaker block: the name comes just before 'Speech speed'."""
    out = []
    for i, line in enumerate(text):
        if line == "Speech speed":
            wpm = int(re.match(r"(\d+)", text[i + 1]).group(1))
            assert text[i + 2] == "Speech length" and text[i + 4] == "Speech time"
            words, seconds = int(text[i + 3].split()[0]), int(text[i + 5].split()[0])
            out.append((text[i - 1], seconds, words, wpm))
    return out


@pytest.fixture(scope="module")
def texts(reports_dir):
    return {name: lines(name) for name in REAL}


def test_speaking_time_is_each_speaker_blocks_figures(store, texts):
    found = rows(store, canned("speaking-time-by-delegation"))
    for name, day in REAL.items():
        got = sorted((r["speaker"], int(r["seconds"]), int(r["words"]), int(r["wordsPerMinute"]))
                     for r in found if f"({day})" in r["meeting"])
        assert got == sorted(speech_figures(texts[name])), name


def test_unresolved_issues_and_compromises_are_the_reports_items_in_order(store, texts):
    issues = rows(store, canned("unresolved-issues-of-each-meeting"))
    compromises = rows(store, canned("suggested-compromises"))
    for name, day in REAL.items():
        text = texts[name]
        assert [r["issue"] for r in issues if r["date"] == day] == between(text, "Unresolved issues", "Suggested compromises")
        assert sorted(r["compromise"] for r in compromises if r["date"] == day) == \
            sorted(between(text, "Suggested compromises", "Thought provoking comments"))


def test_follow_up_questions_are_the_reports_questions_with_their_askers(store, texts):
    found = rows(store, canned("follow-up-questions-and-who-asked-them"))
    for name, day in REAL.items():
        text = texts[name]
        start = text.index("Follow-up questions") + 1
        end = next(i for i in range(start, len(text)) if text[i].startswith("Disclaimer"))
        section = text[start:end]
        questions = [section[i] for i in range(len(section) - 1) if section[i + 1] in ("Speaker", "Speakers")]
        got = {r["question"] for r in found if f"({day})" in r["meeting"]}
        assert got == set(questions), name
        assert len(questions) >= 3


def test_thought_provoking_comments_are_the_reports_with_their_speakers(store, texts):
    found = rows(store, canned("thought-provoking-comments"))
    for name, day in REAL.items():
        section = between(texts[name], "Thought provoking comments", "Follow-up questions")
        comments = [(section[i + 2], section[i]) for i in range(len(section) - 2) if section[i + 1] == "Speaker"]
        got = sorted((r["speaker"], r["quote"]) for r in found if f"({day})" in r["meeting"])
        assert got == sorted(comments) and len(comments) >= 3, name
