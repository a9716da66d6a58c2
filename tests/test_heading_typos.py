"""Headings one letter off (issue #25): read as the heading they mean, with a warning naming the file and
line, never data dropped; a line one letter from two headings is refused (exit 2)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from rdflib.compare import to_isomorphic

from kg.check.prepared import default_resolver
from kg.cli import main
from kg.map.mapper import map_report
from kg.read.headings import meant, one_edit
from kg.read.parser import parse_file
from kg.read.reader import ReportError
from kg.vocab import CDO

from .conftest import SAMPLE

TEXT = SAMPLE.read_text(encoding="utf-8")

# (the heading as the sample has it, a one-letter typo of it, what the typo lost before)
TYPOS = [
    ("Explanation", "Explantion", "an argument's explanation became part of its title"),
    ("Disagreed with", "Disagred with", "the listed states became topics"),
    ("Full session report", "Full sesion report", "the full report's sections"),
    ("Summary", "Sumary", "the summary"),
    ("Speakers", "Speakres", "refused, blaming another section"),
    ("Agreed with", "Agreed wtih", "the agreeing states"),
    ("Topics", "Toppics", "the topics"),
    ("Major discussion point", "Major discusion point", "the discussion point"),
    ("Key takeaways", "Key takeaway", "the key takeaways"),
    ("Follow-up questions", "Follow-up qestions", "the questions"),
    ("Speech time", "Speech tme", "the speech figures"),
]


def graph(text: str, name: str = SAMPLE.name):
    data = text.encode()
    g = map_report(parse_file(name, data), default_resolver(), data)
    g.remove((None, CDO.sha256, None))
    return to_isomorphic(g)


@pytest.fixture(scope="module")
def clean():
    return graph(TEXT)


def first_line(text: str, heading: str) -> int:
    """The number of the first line that is exactly *heading*."""
    return next(i for i, ln in enumerate(text.split("\n"), 1) if ln.strip() == heading)


@pytest.mark.parametrize("right,typo,lost", TYPOS, ids=[t[1] for t in TYPOS])
def test_a_heading_one_letter_off_gives_the_same_graph_with_a_warning(clean, right, typo, lost):
    pattern = re.compile(rf"^{re.escape(right)}$", re.M)
    assert pattern.search(TEXT), f"the sample has no line {right!r}"
    line = first_line(TEXT, right)
    text = pattern.sub(typo, TEXT, count=1)
    report = parse_file(SAMPLE.name, text.encode())
    assert any(f"{SAMPLE.name}:{line}: [headings] {typo!r} read as" in w for w in report.warnings), report.warnings
    assert graph(text) == clean, f"{typo!r} for {right!r}: {lost}"


def test_kg_build_prints_the_warning_and_builds(tmp_path):
    path = tmp_path / SAMPLE.name
    path.write_text(TEXT.replace("\nExplanation\n", "\nExplantion\n", 1), encoding="utf-8")
    res = CliRunner().invoke(main, ["build", str(path), "--store", str(tmp_path / "store")])
    assert res.exit_code == 0, res.output
    assert f"{path.name}:" in res.output and "'Explantion' read as 'Explanation'" in res.output


def test_a_line_one_letter_from_two_headings_is_refused_naming_it():
    line = first_line(TEXT, "Speakers")
    text = re.sub(r"^Speakers$", "Speakerr", TEXT, count=1, flags=re.M)
    with pytest.raises(ReportError) as err:
        parse_file(SAMPLE.name, text.encode())
    assert err.value.line == line and "'speaker'" in str(err.value) and "'speakers'" in str(err.value)


def test_text_near_a_heading_is_left_alone():
    for text in ("Evidence", "Estonia", "Reason", "Speakers:", "– Takeaway", "Summary of the day.", "Chair: Summary",
                 "Topic", "Development", "Cybersecurity", "Legal and regulatory", "Kenya"):
        assert meant(text) == [], text


def test_one_edit():
    assert one_edit("summary", "sumary") and one_edit("speakers", "speakres") and one_edit("topics", "topicz")
    assert not one_edit("summary", "summary") and not one_edit("summary", "smuary x") and not one_edit("topics", "tpoicz")


def test_a_missing_required_heading_is_blamed_where_it_was_expected():
    text = re.sub(r"^Speakers$", "Speakers of the day", TEXT, count=1, flags=re.M)  # not a heading any more
    with pytest.raises(ReportError) as err:
        parse_file(SAMPLE.name, text.encode())
    assert err.value.section == "speakers"
    assert err.value.line == first_line(TEXT, "Session at a glance"), "blamed a line far after where it was expected"
