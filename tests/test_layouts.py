"""Reports as they come (issue #9): layout variants made from the real reports at test time, the older
event-report layout, summary citations down to the transcript turn, truncated reports."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.namespace import RDF

from kg.check.prepared import default_resolver
from kg.map.mapper import map_report
from kg.read.parser import parse_file
from kg.read.reader import ReportError
from kg.store.generations import current_path, open_read_only
from kg.store.pipeline import convert
from kg.vocab import CDO

from .conftest import FIXTURES, SAMPLE, rows

KG = [sys.executable, "-m", "kg.cli"]
OLD_LAYOUT = FIXTURES / "2023-11-20-event-report-layout.txt"


def counts(report) -> dict:
    """The units a report holds, as the tests compare them across variants."""
    args = [a for _, a in report.arguments]
    return {"speakers": len(report.speakers), "blocks": len(report.blocks), "arguments": len(args),
            "evidence": sum(a.evidence is not None for a in args),
            "agreed": sum(len(a.agreed_with) + len(a.agreed_on) for a in args),
            "disagreed": sum(len(a.disagreed_with) + len(a.disagreed_on) for a in args),
            "turns": len(report.turns), "findings": len(report.findings), "key points": len(report.key_points),
            "comments": len(report.comments), "questions": len(report.questions)}


def graph_counts(g: Graph) -> dict:
    return {"arguments": len(set(g.subjects(RDF.type, CDO.Argument))),
            "evidence": len(set(g.subjects(CDO.evidence, None))),
            "agreed": len(set(g.triples((None, CDO.agreedWith, None)))) + len(set(g.triples((None, CDO.agreedOn, None)))),
            "turns": len(set(g.subjects(RDF.type, CDO.Intervention)))}


# -- variants of the current layout, each made from a real report -------------------------------------
def _glance_capital_utc(t: str) -> str:
    t = t.replace("Session at a glance", "Session at a Glance", 1)
    return re.sub(r"^(\d{1,2} \w{3} \d{4} [\d:h -]+h)$", r"\1 UTC", t, count=1, flags=re.M)


def _glued(t: str) -> str:
    t = t.replace("Session at a glance", "Session at a glanceSummary, keypoints, and speakers overview", 1)
    return t.replace("\nSession transcript\n", "\nSession transcriptExplore the full transcript of the session\n", 1)


def _zone_cest(t: str) -> str:
    return re.sub(r"^(\d{1,2} \w{3} \d{4} [\d:h -]+h)$", r"\1 CEST", t, count=1, flags=re.M)


def _no_date_line(t: str) -> str:
    return re.sub(r"^\d{1,2} \w{3} \d{4} [\d:h -]+h\n", "", t, count=1, flags=re.M)


def _title_differs(t: str) -> str:
    first, rest = t.split("\n", 1)
    date = re.search(r"^\d{1,2} \w{3} \d{4} [\d:h -]+h$", rest, re.M)
    tail = rest[date.end():]
    if tail.lstrip("\n").startswith(first):  # the title repeated after the date: make it differ
        tail = tail.replace(first, first + " (second reading)", 1)
    else:
        tail = "\n\n" + first + " (second reading)" + tail
    return first + "\n" + rest[: date.end()] + tail


def _event_description(t: str) -> str:
    return t.replace("Session at a glance", "Event desciption\n\nAn invented description of the event, two "
                     "sentences long. It says what the session was about.\n\nSession at a glance", 1)


def _plain_discussion_points(t: str) -> str:
    m = re.search(r"^## Major Discussion Points:?\s*$", t, re.M | re.I)
    end = t.find("\n## ", m.end())
    return t[: m.start()] + "Major discussion points:" + t[m.end(): end].replace("\n– ", "\n• ") + t[end:]


VARIANTS = {"glance-capital-g-and-utc": _glance_capital_utc, "glued-headings": _glued, "zone-cest": _zone_cest,
            "no-date-line": _no_date_line, "title-differs": _title_differs, "event-description": _event_description,
            "plain-discussion-points": _plain_discussion_points}


@pytest.fixture(scope="module")
def variant_files(reports_dir, tmp_path_factory) -> dict:
    out = {}
    folder = tmp_path_factory.mktemp("variants")
    for src in sorted(reports_dir.glob("*.txt")):
        for name, change in VARIANTS.items():
            text = change(src.read_text(encoding="utf-8"))
            assert text != src.read_text(encoding="utf-8"), (name, src.name)
            path = folder / name / src.name
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            out[(name, src.name)] = (src, path)
    return out


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_each_variant_keeps_every_unit_and_the_times(variant_files, variant):
    for (name, _), (src, path) in variant_files.items():
        if name != variant:
            continue
        original, read = parse_file(src), parse_file(path)
        assert counts(read) == counts(original)
        converted = convert(str(path), infer=False)
        assert converted.exit_code == 0, converted.error
        g = Graph().parse(data=converted.ntriples.decode(), format="nt")
        assert graph_counts(g) == graph_counts(map_report(original, default_resolver(), src.read_bytes()))
        if variant == "no-date-line":
            assert read.start is None and read.day == original.start.date()
            assert any("no date line" in w for w in read.warnings)
        elif variant == "glance-capital-g-and-utc":
            assert read.start.utcoffset() == timedelta(0) and read.start.replace(tzinfo=None) == original.start
            assert read.end.replace(tzinfo=None) == original.end
        elif variant == "zone-cest":
            assert read.start.utcoffset() == timedelta(hours=2) and read.start.isoformat().endswith("+02:00")
            assert read.start.replace(tzinfo=None) == original.start
        else:
            assert (read.start, read.end) == (original.start, original.end)
        if variant == "title-differs":
            assert read.title == original.title and read.alt_title.text.endswith("(second reading)")
        if variant == "event-description":
            assert read.description.text.startswith("An invented description")


def test_every_variant_builds_with_exit_0(variant_files, tmp_path):
    paths = [str(p) for _, p in variant_files.values()]
    folder = tmp_path / "all"
    folder.mkdir()
    for (name, _), (_, p) in variant_files.items():  # one folder, one file name each
        (folder / f"{p.stem[:10]}-{name}-{p.stem[11:]}.txt").write_bytes(p.read_bytes())
    proc = subprocess.run(KG + ["build", str(folder), "--store", str(tmp_path / "store"), "--allow-duplicate-meetings",
                                "--no-infer"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"{len(paths)} built" in proc.stdout
    assert "no date line" in proc.stderr  # the warning reaches the user


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(["lower", "upper", "title", "as is"]), spaces=st.sampled_from([" ", "  ", "\t"]),
       glue=st.sampled_from(["", "Overview of the part", "Summary, keypoints, and speakers overview"]),
       colon=st.booleans(), hashes=st.sampled_from(["", "# ", "## "]), which=st.integers(0, 1))
def test_headings_vary_and_every_unit_still_reaches_the_graph(reports_dir, case, spaces, glue, colon, hashes, which):
    src = sorted(reports_dir.glob("*.txt"))[which]
    text = src.read_text(encoding="utf-8")
    original = counts(parse_file(src))

    def vary(m: re.Match) -> str:
        h = m.group(1)
        h = {"lower": h.lower(), "upper": h.upper(), "title": h.title(), "as is": h}[case].replace(" ", spaces)
        return hashes + h + (glue if glue else (":" if colon else ""))

    headings = r"(Session at a glance|Session transcript|Full session report|Agreements|Differences|Takeaways|" \
               r"Thought provoking comments|Follow-up questions)"
    varied = re.sub(r"^" + headings + r"$", vary, text, flags=re.M)
    report = parse_file(src.name, varied.encode("utf-8"))
    assert counts(report) == original
    g = map_report(report, default_resolver(), varied.encode("utf-8"))
    assert len(set(g.subjects(RDF.type, CDO.Argument))) == original["arguments"]


# -- the older layout ---------------------------------------------------------------------------------
def test_the_older_layout_reads_into_the_same_report():
    old, new = parse_file(OLD_LAYOUT), parse_file(SAMPLE)
    assert old.layout.startswith("2023-2024") and new.layout.startswith("2025-2026")
    assert counts(old) == counts(new)
    assert old.disclaimer.text.startswith("This fixture") and old.start.year == 2023
    assert [b.name for b in old.blocks] == [b.name for b in new.blocks]


def test_the_older_layout_builds(tmp_path):
    proc = subprocess.run(KG + ["build", str(OLD_LAYOUT), "--store", str(tmp_path / "s")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    found = rows(open_read_only(tmp_path / "s"), "SELECT ?l WHERE { ?r a cdo:Report ; cdo:layout ?l }")
    assert found == [{"l": "2023-2024 event-report layout"}]


def test_an_unknown_layout_is_exit_2_naming_the_first_line_that_fits_none(tmp_path):
    f = tmp_path / "2024-01-01-notes.txt"
    f.write_text("Meeting notes\n\n10 Jul 2025 14:00h - 17:00h\n\nWhat we heard\n\nA lot.\n", encoding="utf-8")
    proc = subprocess.run(KG + ["build", str(f), "--store", str(tmp_path / "s")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert f"{f}:5: [layout]" in proc.stderr and "'What we heard' fits no known report layout" in proc.stderr


# -- citations down to the transcript turn --------------------------------------------------------------
def cited_sample(tmp_path: Path, extra: str = "") -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    first = "none of its words come from a real record."
    assert first in text
    text = text.replace(first, first[:-1] + " [1-2][4]." + extra, 1)
    text = text.replace("how the voluntary fund could be set up.", "how the voluntary fund could be set up [6].", 1)
    path = tmp_path / SAMPLE.name
    path.write_text(text, encoding="utf-8")
    return path


def test_summary_sentences_link_to_the_turns_they_cite(tmp_path):
    path = cited_sample(tmp_path)
    report = parse_file(path)
    assert "[" not in report.summary.text and "real record." in report.summary.text
    cited = [s for s in report.sentences if s.cited]
    assert [s.cited for s in cited] == [[(1, 2), (4, 4)], [(6, 6)]]
    root = tmp_path / "store"
    proc = subprocess.run(KG + ["build", str(path), "--store", str(root), "--no-infer"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    found = rows(open_read_only(root), """SELECT ?o ?turn ?first WHERE { ?e cdo:hasSummarySentence ?s . ?s cdo:order ?o ;
        cdo:citesTurn ?turn . ?turn cdo:firstLine ?first } ORDER BY ?o ?first""")
    turns = {t.first: n for n, t in enumerate(report.turns, start=1)}
    expect = sorted({(str(k), n) for k, s in enumerate(report.sentences, start=1) for lo, hi in s.cited
                     for t in report.turns if t.first <= hi and lo <= t.last for n in [turns[t.first]]})
    assert sorted((r["o"], int(r["turn"].rsplit("/", 1)[1])) for r in found) == expect
    from web import create_app, db
    db.reset()
    client = create_app({"STORE": str(root)}).test_client()
    html = client.get("/id/meeting/2024-12-04-oewg-10th-session-meeting-3").get_data(as_text=True)
    assert 'class="citation"' in html and "/intervention/" in html
    db.reset()


def test_a_citation_outside_the_transcript_is_a_validation_error(tmp_path):
    path = cited_sample(tmp_path, " A last claim [999].")
    converted = convert(str(path), infer=False)
    assert converted.exit_code == 1 and "cites transcript line 999" in converted.error


# -- truncated reports ------------------------------------------------------------------------------
def test_a_truncated_report_is_refused_and_the_store_untouched(reports_dir, tmp_path):
    src = sorted(reports_dir.glob("*.txt"))[0]
    data = src.read_bytes()
    cut = tmp_path / src.name
    cut.write_bytes(data[: int(len(data) * 0.6)])
    root = tmp_path / "store"
    assert subprocess.run(KG + ["build", str(SAMPLE), "--store", str(root)], capture_output=True).returncode == 0
    before = current_path(root)
    proc = subprocess.run(KG + ["build", str(cut), "--store", str(root)], capture_output=True, text=True)
    assert proc.returncode == 2
    last = [ln for ln in cut.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()][-1]
    lineno = cut.read_bytes().count(b"\n") + 1
    assert f"{cut}:{lineno}:" in proc.stderr and "ends early" in proc.stderr and last.strip()[-30:] in proc.stderr
    assert "--accept-partial" in proc.stderr
    assert current_path(root) == before
    ok = subprocess.run(KG + ["build", str(cut), "--store", str(root), "--accept-partial"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    found = rows(open_read_only(root), "SELECT ?p WHERE { ?r a cdo:Report ; cdo:partial ?p }")
    assert found == [{"p": "true"}]


def test_a_report_without_its_disclaimer_is_truncated_even_at_a_sentence_end():
    text = SAMPLE.read_text(encoding="utf-8")
    cut = text[: text.index("Disclaimer:")]
    with pytest.raises(ReportError, match="no closing disclaimer"):
        parse_file(SAMPLE.name, cut.encode())
    assert parse_file(SAMPLE.name, cut.encode(), accept_partial=True).partial
