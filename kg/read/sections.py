"""Read the sections every DiploAI layout shares: glance, speakers, full report, transcript, speaker blocks,
agreements, differences, takeaways, comments and questions. Layout modules (kg/read/layouts/) find where
each section starts and hand the lines here."""

from __future__ import annotations

import re

from kg.read import fields
from kg.read.citations import sentences, strip_citations
from kg.read.fields import heading_is, item_text, key, split_topics, strip_bold
from kg.read.reader import Line, ReportError
from kg.read.report import Argument, Assessment, Comment, Finding, Question, Report, Section, Speaker, SpeakerBlock, Text, Turn

_FIGURE = {"speech speed": re.compile(r"^(\d{1,6}) words per minute$", re.I),
           "speech length": re.compile(r"^(\d{1,9}) words$", re.I),
           "speech time": re.compile(r"^(\d{1,9}) seconds$", re.I)}
_TURN = re.compile(r"^([^\s:][^:]{0,80}?):\s+(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")

# The top-level sections in the order reports give them; None marks the unheaded speaker blocks.
REQUIRED = ("session at a glance", "speakers", "session transcript")
ORDER = ("session at a glance", "speakers", "full session report", "session transcript", None,
         "agreements", "differences", "takeaways", "thought provoking comments", "follow-up questions")


def is_disclaimer(ln: Line) -> bool:
    return ln.text.lower().startswith("disclaimer:")


def split(lines: list[Line], path: str) -> dict:
    """Find each top-level section's span [start, end) of indexes; the heading line itself is at start."""
    found: dict = {}
    pos = 0
    for n, name in enumerate(ORDER):
        if name is None:
            idx = next((i for i in range(pos, len(lines)) if _is_block_start(lines, i)), None)
        else:
            # Search only up to the next section's heading: "Speakers" is also a field of every finding, and a
            # misspelt section heading matched one of those, thousands of lines on.
            later = [m for m in ORDER[n + 1:] if m is not None]
            idx = None
            for i in range(pos, len(lines)):
                if heading_is(lines[i].text, name):
                    idx = i
                    break
                if any(heading_is(lines[i].text, m) for m in later):
                    break
        if idx is None:
            if name in REQUIRED:
                # Blamed where it was expected: after the last section found (the end of the file named the
                # wrong section, thousands of lines away).
                after = lines[max(pos - 1, 0)]
                prev = next((n for n, i in reversed(found.items()) if i == pos - 1), None)
                where = f"after the '{prev or 'speaker blocks'}' heading on line {after.no}" if pos else "in the report"
                raise ReportError(path, after.no, name, f"required section '{name}' not found {where} (searched to "
                                  f"line {lines[-1].no}); is its heading misspelt by more than a letter, or is this "
                                  f"not a DiploAI session report?")
            continue
        found[name] = idx
        pos = idx + 1
    starts = sorted(found.items(), key=lambda kv: kv[1])
    end_all = len(lines) - (1 if is_disclaimer(lines[-1]) else 0)
    return {name: (s, starts[i + 1][1] if i + 1 < len(starts) else end_all) for i, (name, s) in enumerate(starts)}


def section_at(spans: dict, index: int) -> str:
    """Name the section the line at *index* falls in (for messages)."""
    inside = [name for name, (s, e) in spans.items() if s <= index < e]
    return (inside[0] or "speaker blocks") if inside else "end"


def _body(lines: list[Line], spans: dict, name) -> list[Line]:
    if name not in spans:
        return []
    start, end = spans[name]
    return lines[start + (0 if name is None else 1): end]


def read_body(report: Report, lines: list[Line], spans: dict, path: str) -> Report:
    """Fill *report* from the sections *spans* locates in *lines*."""
    _glance(report, _body(lines, spans, "session at a glance"))
    report.speakers = _speakers(_body(lines, spans, "speakers"))
    if "full session report" in spans:
        report.full_text, report.sections = _full_report(_body(lines, spans, "full session report"))
    known = [s.name for s in report.speakers] + [b.name for b in _blocks_names(_body(lines, spans, None))]
    report.turns = _transcript(_body(lines, spans, "session transcript"), known)
    report.blocks = _blocks(_body(lines, spans, None), path)
    for name, kinds in (("agreements", fields.AGREEMENT_KINDS), ("differences", fields.DIFFERENCE_KINDS)):
        if name in spans:
            f, a = _findings(_body(lines, spans, name), kinds, name)
            report.findings += f
            report.assessments += a
    if "takeaways" in spans:
        report.takeaways = _takeaways(_body(lines, spans, "takeaways"))
    if "thought provoking comments" in spans:
        report.comments, a = _comments(_body(lines, spans, "thought provoking comments"))
        report.assessments += a
    if "follow-up questions" in spans:
        report.questions = _questions(_body(lines, spans, "follow-up questions"))
    return report


def _glance(report: Report, body: list[Line]) -> None:
    parts = fields.subsections(body, {"summary", "keypoints", "key points", "major discussion points", "overall purpose",
                                      "overall purpose/goal", "overall goal", "overall tone"})
    for name, part in parts:
        if name == "summary":
            report.sentences = sentences(part)
            if any(s.cited for s in report.sentences):  # the summary text is kept without its citations
                part = [Line(ln.no, strip_citations(ln.text)) for ln in part]
            report.summary = fields.join(part)
        elif name == "major discussion points":
            for ln in part:
                title, _, rest = item_text(ln.text).partition(":")
                if rest:
                    report.key_points.append((strip_bold(title).strip(), Text(strip_bold(rest).strip(), ln.no)))
                elif report.key_points:  # a wrapped item continues the previous one
                    t, prev = report.key_points[-1]
                    report.key_points[-1] = (t, Text(prev.text + "\n" + ln.text, prev.line))
        elif name.startswith("overall purpose") or name == "overall goal":
            report.purpose = fields.join(part)
        elif name == "overall tone":
            report.tone = fields.join(part)


def _speakers(body: list[Line]) -> list[Speaker]:
    out = []
    for ln in body:
        if not fields.is_item(ln.text):
            continue
        text = item_text(ln.text)
        m = re.match(r"^\*\*(.+?)\*\*\s*(?:[–—-]\s*(.*))?$", text)
        if m:
            name, role = m.group(1), m.group(2) or ""
        else:
            name, _, role = re.split(r"\s+[–—]\s+|\s+-\s+", text, maxsplit=1)[0], "", text.partition(" – ")[2]
        name = strip_bold(name).strip(" :")
        if name and not name.lower().startswith("none"):
            out.append(Speaker(name, strip_bold(role).strip(), ln.no))
    return out


def _full_report(body: list[Line]) -> tuple[str, list[Section]]:
    sections: list[Section] = []
    paras: list[str] = []
    for ln in body:
        m = _HEADING.match(ln.text)
        if m:
            sections.append(Section(strip_bold(m.group(2)).strip(), len(m.group(1)), ln.no, ""))
        elif sections:
            s = sections[-1]
            s.text = (s.text + "\n\n" + ln.text) if s.text else ln.text
            s.lines.append(ln.no)
        paras.append(ln.text)
    return "\n\n".join(paras), sections


def _transcript(body: list[Line], known: list[str]) -> list[Turn]:
    names = {key(n) for n in known}
    turns: list[Turn] = []
    for n, ln in enumerate(body, start=1):  # n: the transcript line summaries cite
        m = _TURN.match(ln.text)
        if m and (key(m.group(1)) in names or (len(m.group(1).split()) <= 6 and m.group(1)[0].isupper()
                                                and not re.search(r"[.?!,;\"“”]", m.group(1)))):
            turns.append(Turn(m.group(1).strip(), m.group(2).strip(), ln.no, n, n, [ln.no]))
        elif turns:
            turns[-1].text += "\n" + ln.text
            turns[-1].last = n
            turns[-1].lines.append(ln.no)
        else:  # text before any speaker: keep it, attributed to no one
            turns.append(Turn("", ln.text, ln.no, n, n, [ln.no]))
    return turns


def _is_block_start(lines: list[Line], i: int) -> bool:
    """A speaker block opens with a one-letter index line, the name, then figures or an argument."""
    t = lines[i].text
    if not (len(t) == 1 and t.isalpha() and i + 2 < len(lines)):
        return False
    after = key(lines[i + 2].text)
    return after == "speech speed" or (i + 3 < len(lines) and key(lines[i + 3].text) == "explanation")


def _blocks_names(body: list[Line]) -> list[SpeakerBlock]:
    return [SpeakerBlock(body[i + 1].text, body[i + 1].no) for i in range(len(body)) if _is_block_start(body, i)]


def _blocks(body: list[Line], path: str) -> list[SpeakerBlock]:
    starts = [i for i in range(len(body)) if _is_block_start(body, i)]
    out = []
    for n, s in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(body)
        block = SpeakerBlock(strip_bold(body[s + 1].text), body[s + 1].no)
        i = s + 2
        while i + 1 < end and key(body[i].text) in _FIGURE:
            name, value = key(body[i].text), body[i + 1]
            m = _FIGURE[name].match(value.text)
            if not m:
                raise ReportError(path, value.no, "speaker " + block.name, f"{name}: expected a number like "
                                  f"'{ {'speech speed': '120 words per minute', 'speech length': '900 words', 'speech time': '300 seconds'}[name]}', got {value.text[:60]!r}")
            setattr(block, {"speech speed": "words_per_minute", "speech length": "words", "speech time": "seconds"}[name],
                    int(m.group(1)))
            i += 2
        for item in fields.items(body[i:end], fields.ARGUMENT_FIELDS, head_next={"explanation"}):
            arg = Argument(item.head, item.line)
            arg.explanation = item.text("explanation")
            arg.evidence = item.text("evidence")
            arg.discussion_point = item.text("major discussion point")
            arg.topics = split_topics(item.text("topics"))
            arg.agreed_with = item.list("agreed with")
            arg.disagreed_with = item.list("disagreed with")
            arg.agreed_on = item.list("agreed on")
            arg.disagreed_on = item.list("disagreed on")
            block.arguments.append(arg)
        out.append(block)
    return out


def _findings(body: list[Line], kinds: dict, about: str) -> tuple[list[Finding], list[Assessment]]:
    findings, assessments = [], []
    kind = None
    for name, part in fields.subsections(body, set(kinds) | {"overall assessment", "similar viewpoints"}):
        if name == "overall assessment":
            item = fields.items([Line(0, "_")] + part, fields.ASSESSMENT_FIELDS, head_next=set())[0]
            level = item.text("consensus level") or item.text("disagreement level")
            assessments.append(Assessment(about, part[0].no if part else 0, item.text("summary"), level))
            continue
        kind = kinds.get(name, kind)
        for item in fields.items(part, fields.FINDING_FIELDS, head_next={"speakers", "speaker"}):
            if kind is None:
                continue
            f = Finding(kind, item.head, item.line, head_is_title=kind not in ("SimilarViewpoint", "PartialAgreement"))
            f.speakers = item.list("speakers") + item.list("speaker")
            f.arguments = item.list("arguments")
            f.summary, f.explanation = item.text("summary"), item.text("explanation")
            f.topics = split_topics(item.text("topics"))
            findings.append(f)
    return findings, assessments


def _takeaways(body: list[Line]) -> dict[str, list[Text]]:
    out: dict[str, list[Text]] = {}
    for name, part in fields.subsections(body, set(fields.TAKEAWAY_KINDS)):
        out.setdefault(fields.TAKEAWAY_KINDS[name], []).extend(Text(item_text(ln.text), ln.no) for ln in part)
    return out


def _comments(body: list[Line]) -> tuple[list[Comment], list[Assessment]]:
    comments, assessments = [], []
    for name, part in fields.subsections([Line(0, "comments")] + body, {"comments", "overall assessment"}):
        if name == "overall assessment":
            assessments.append(Assessment("comments", part[0].no if part else 0, fields.join(part), None))
            continue
        for item in fields.items(part, fields.COMMENT_FIELDS, head_next={"speaker", "speakers"}):
            comments.append(Comment(item.head, item.line, item.text("speaker") or item.text("speakers"),
                                    item.text("reason"), item.text("impact")))
    return comments, assessments


def _questions(body: list[Line]) -> list[Question]:
    return [Question(item.head, item.line, item.text("speaker") or item.text("speakers"), item.text("explanation"))
            for item in fields.items(body, fields.QUESTION_FIELDS, head_next={"speaker", "speakers"})]
