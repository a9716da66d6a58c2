"""Map a parsed Report to an rdflib Graph: one event, its speakers, arguments, positions and findings."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg.iris import mint, safe_slug, slug
from kg.map.alignment import AlignmentMixin
from kg.map.arguments import ArgumentsMixin
from kg.map.findings import FindingsMixin
from kg.map.holders import one_word_names
from kg.map.negotiation import NegotiationMixin
from kg.map.resolve import Resolver, organization_in
from kg.map.triples import Triples
from kg.read.reader import clean_text
from kg.read.report import Report, Text
from kg.vocab import CDO, RDF, RDFS, SKOS, TOPIC, TOPIC_SCHEME, XSD

_ORDINALS = {w: i for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                                        "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
                                        "nineteenth twentieth".split(), start=1)}
_SESSION = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\s+substantive\s+session", re.I)
_MEETING = re.compile(r"\b(?:(\d{1,2})(?:st|nd|rd|th)|(" + "|".join(_ORDINALS) + r"))\s+meeting\b", re.I)
_PART = re.compile(r"\bpart\s+(\d{1,2})\b", re.I)
_AGENDA = re.compile(r"\bagenda\s+item\s+(\d{1,3})\b", re.I)


def meeting_slug(report: Report) -> str:
    """Return the event's IRI segment: the file name's slug, starting with the event's date."""
    stem = safe_slug(Path(report.path).stem)
    day = report.day.isoformat()
    return stem if stem.startswith(day) else f"{day}-{stem}"


class Mapper(ArgumentsMixin, FindingsMixin, NegotiationMixin, AlignmentMixin):
    """Build one report's graph. Use map_report() rather than this class directly."""

    def __init__(self, report: Report, resolver: Resolver, sha256: str):
        self.r, self.res = report, resolver
        self.g = Triples()  # not an rdflib Graph: adding to one cost ~20 µs a triple (kg/map/triples.py)
        self.m = meeting_slug(report)
        self.event = mint("meeting", self.m)
        self.report = mint("report", self.m)
        self.sha256 = sha256
        self.actors: dict[URIRef, str] = {}
        self.points: list[tuple[URIRef, URIRef, str]] = []  # (argument, agreedOn|disagreedOn, point)
        self.aliases: dict[str, str] = {}  # one-word speaker headings and the full names they stand for

    # -- helpers -------------------------------------------------------------------------------
    def node(self, kind: str, key: str | int) -> URIRef:
        return mint("meeting", self.m, kind, str(key) if isinstance(key, int) else safe_slug(key))

    def add(self, s, p, o) -> None:
        if o is None:
            return
        if isinstance(o, str):
            o = Literal(clean_text(o))
        self.g.add((s, p, o))

    def unit(self, s: URIRef, cls: URIRef, label: str, line: int | None) -> None:
        """Type a minted node, label it, and record where in which report it came from."""
        self.g.add((s, RDF.type, cls))
        self.add(s, RDFS.label, _short(label))
        self.g.add((s, CDO.fromReport, self.report))
        if line:
            self.g.add((s, CDO.sourceLine, Literal(line, datatype=XSD.integer)))

    def text(self, s, p, t: Text | None) -> None:
        if t is not None and t.text:
            self.add(s, p, t.text)

    def actor(self, name: str) -> URIRef | None:
        """Resolve a speaker name to an actor IRI, describing persons the reference data lacks."""
        name = self.aliases.get(name.strip(), name)
        a = self.res.speaker(name, self.chair)
        if a.iri is not None and a.kind == CDO.Person and (a.iri, None, None) not in self.res.graph:
            spelled = Literal(clean_text(re.sub(r"\s*\(.*\)$", "", name)))
            if a.iri not in self.actors:  # the first spelling (the Speakers section's) is the label
                self.g.add((a.iri, RDF.type, CDO.Person))
                self.g.add((a.iri, RDFS.label, spelled))
                self.g.add((a.iri, CDO.fromReport, self.report))
            elif (a.iri, RDFS.label, spelled) not in self.g:
                self.g.add((a.iri, SKOS.altLabel, spelled))
        if a.iri is not None:
            self.actors.setdefault(a.iri, name)
        return a.iri

    def topics(self, s: URIRef, names: list[str]) -> None:
        for name in names:
            concept = self.res.lookup(name)
            if concept is None or not str(concept).startswith(str(TOPIC)):
                concept = TOPIC[slug(name) or "unnamed"]
                if (concept, RDF.type, SKOS.Concept) not in self.g and not str(concept) in self.res.known_topics:
                    self.g.add((concept, RDF.type, SKOS.Concept))
                    self.g.add((concept, SKOS.inScheme, TOPIC_SCHEME))
                    self.g.add((concept, SKOS.prefLabel, Literal(clean_text(name))))
            self.g.add((s, CDO.topic, concept))

    # -- sections ------------------------------------------------------------------------------
    def build(self) -> Triples:
        self.event_and_process()
        self.speakers()
        self.transcript()
        self.summary_sentences()
        self.arguments()
        self.findings()
        self.takeaways()
        self.comments_and_questions()
        self.full_report()
        self.transcript_positions()
        self.finding_positions()
        self.negotiation()
        self.derive_alignment()
        return self.g

    def event_and_process(self) -> None:
        r, ev = self.r, self.event
        blurb = " ".join(x for x in (r.title, r.summary.text if r.summary else "") if x)
        processes = [t for t in self.res.mentions(blurb) if t in self.res.mechanisms]
        webinar = "webinar" in r.title.lower()
        cls = CDO.Webinar if webinar else CDO.Meeting
        label = f"{r.title} ({r.day.isoformat()})"
        session_no = _first_int(_SESSION, blurb)
        meeting_no = _first_int(_MEETING, blurb)
        process = processes[0] if processes else None
        if not webinar and process and session_no:
            label = f"{self.res.label(process)}, session {session_no}" + (f", meeting {meeting_no}" if meeting_no else "") \
                + f" ({r.day.isoformat()})"
        self.unit(ev, cls, label, r.title_line)
        self.add(ev, CDO.title, r.title)
        if r.start is not None:  # a report with no date line gives the day only
            self.g.add((ev, CDO.startTime, Literal(r.start.isoformat(), datatype=XSD.dateTime)))
            self.g.add((ev, CDO.endTime, Literal(r.end.isoformat(), datatype=XSD.dateTime)))
        self.g.add((ev, CDO.date, Literal(r.day.isoformat(), datatype=XSD.date)))
        self.text(ev, CDO.alternativeTitle, r.alt_title)
        self.text(ev, CDO.eventDescription, r.description)
        self.text(ev, CDO.summary, r.summary)
        self.text(ev, CDO.overallPurpose, r.purpose)
        self.text(ev, CDO.overallTone, r.tone)
        self.g.add((ev, CDO.reportedIn, self.report))
        if webinar or not (process and session_no):
            for p in processes:
                self.g.add((ev, CDO.discusses, p))
        else:
            session = mint("session", safe_slug(self.res.local(process)), str(session_no))
            self.g.add((session, RDF.type, CDO.Session))
            self.add(session, RDFS.label, f"{self.res.label(process)}, substantive session {session_no}")
            self.g.add((session, CDO.sessionNumber, Literal(session_no, datatype=XSD.integer)))
            self.g.add((session, CDO.sessionOf, process))
            self.g.add((session, CDO.fromReport, self.report))
            self.g.add((ev, CDO.partOfSession, session))
            if meeting_no:
                self.g.add((ev, CDO.meetingNumber, Literal(meeting_no, datatype=XSD.integer)))
        part = _first_int(_PART, r.title)
        if part and not webinar:
            self.g.add((ev, CDO.part, Literal(part, datatype=XSD.integer)))
        item = _first_int(_AGENDA, r.title)
        if item and not webinar and process:
            # One node per process and number, shared by every meeting on the item; what one report
            # calls the item stays on its meeting (its title), so the shared node holds nothing to disagree on.
            ai = mint("agenda-item", safe_slug(self.res.local(process)), str(item))
            self.g.add((ai, RDF.type, CDO.AgendaItem))
            self.add(ai, RDFS.label, f"{self.res.label(process)}, agenda item {item}")
            self.g.add((ai, CDO.itemNumber, Literal(item, datatype=XSD.integer)))
            self.g.add((ai, CDO.agendaItemOf, process))
            self.g.add((ai, CDO.fromReport, self.report))
            self.g.add((ev, CDO.onAgendaItem, ai))
        for n, (title, t) in enumerate(r.key_points, start=1):
            kp = self.node("key-point", n)
            self.unit(kp, CDO.KeyPoint, title, t.line)
            self.add(kp, CDO.title, title)
            self.text(kp, CDO.text, t)
            self.g.add((kp, CDO.order, Literal(n, datatype=XSD.integer)))
            self.g.add((ev, CDO.hasKeyPoint, kp))
        self.process = process  # what "the working group" and "the process" name in this meeting's statements
        # The office that chairs: the mechanism's own (reference data), else one minted for this event.
        self.chair = self.res.office_of(process) if process else None
        if self.chair is None:
            self.chair = mint("office", self.m + "-chair")
            self.unit(self.chair, CDO.Office, f"Chair of {label}", None)
        rep = self.report
        self.g.add((rep, RDF.type, CDO.Report))
        self.add(rep, RDFS.label, f"DiploAI report: {label}")
        self.add(rep, CDO.title, r.title)
        self.add(rep, CDO.sha256, self.sha256)
        self.add(rep, CDO.sourcePath, Path(r.path).name)
        self.g.add((rep, CDO.reportOf, ev))
        if r.disclaimer:
            self.add(rep, CDO.disclaimer, r.disclaimer.text)
        if r.layout:
            self.add(rep, CDO.layout, r.layout)
        if r.partial:
            self.g.add((rep, CDO.partial, Literal(True)))

    def participation(self, name: str) -> URIRef:
        iri = self.actor(name)
        key = self.res.local(iri) if iri is not None else name
        p = self.node("participation", key)
        if (p, RDF.type, CDO.Participation) not in self.g:
            bare = re.sub(r"\s*\(.*\)$", "", name)
            self.unit(p, CDO.Participation, f"{bare} at {_short(self.r.title, 80)}", None)
            self.g.add((p, CDO.inEvent, self.event))
            if iri is not None:
                self.g.add((p, CDO.participant, iri))
        self.add(p, CDO.speakerLabel, name)
        self.spoken_for(p, name)
        return p

    def speakers(self) -> None:
        self.aliases = one_word_names(self.r, self.res, self.chair)
        for sp in self.r.speakers:
            p = self.participation(sp.name)
            self.g.set((p, CDO.sourceLine, Literal(sp.line, datatype=XSD.integer)))
            self.add(p, CDO.roleText, sp.role or None)
            group = self.res.group_in(sp.role)
            if group is not None:
                self.g.add((p, CDO.onBehalfOf, group))
            org = organization_in(sp.role)
            iri = self.g.value(p, CDO.participant)
            if org and iri is not None and (iri, RDF.type, CDO.Person) in self.g:
                o = mint("organization", safe_slug(org))
                self.g.add((o, RDF.type, CDO.Organization))
                self.add(o, RDFS.label, org)
                self.g.add((o, CDO.fromReport, self.report))
                self.g.add((iri, CDO.affiliatedWith, o))
        for b in self.r.blocks:
            p = self.participation(b.name)
            if self.g.value(p, CDO.sourceLine) is None:
                self.g.add((p, CDO.sourceLine, Literal(b.line, datatype=XSD.integer)))
            for prop, v in ((CDO.wordsPerMinute, b.words_per_minute), (CDO.wordCount, b.words),
                            (CDO.speechSeconds, b.seconds)):
                if v is not None:
                    self.g.add((p, prop, Literal(v, datatype=XSD.integer)))

    def transcript(self) -> None:
        for n, t in enumerate(self.r.turns, start=1):
            i = self.node("intervention", n)
            self.unit(i, CDO.Intervention, f"Turn {n}" + (f": {t.speaker}" if t.speaker else ""), t.line)
            self.g.add((i, CDO.order, Literal(n, datatype=XSD.integer)))
            self.g.add((i, CDO.inEvent, self.event))
            self.add(i, CDO.text, t.text)
            if t.first:
                self.g.add((i, CDO.firstLine, Literal(t.first, datatype=XSD.integer)))
                self.g.add((i, CDO.lastLine, Literal(t.last, datatype=XSD.integer)))
            if t.speaker:
                self.add(i, CDO.speakerLabel, t.speaker)
                who = self.actor(t.speaker)
                if who is not None:
                    self.g.add((i, CDO.speaker, who))

    def summary_sentences(self) -> None:
        """Link each summary sentence to the transcript turns whose lines it cites (none cited: no link)."""
        if not any(s.cited for s in self.r.sentences):
            return
        spans = [(t.first, t.last, self.node("intervention", n)) for n, t in enumerate(self.r.turns, start=1)]
        for k, s in enumerate(self.r.sentences, start=1):
            node = self.node("summary-sentence", k)
            self.unit(node, CDO.SummarySentence, s.text, s.line)
            self.add(node, CDO.text, s.text)
            self.g.add((node, CDO.order, Literal(k, datatype=XSD.integer)))
            self.g.add((self.event, CDO.hasSummarySentence, node))
            for lo, hi in s.cited:
                for n in range(lo, hi + 1):
                    self.g.add((node, CDO.citedLine, Literal(n, datatype=XSD.integer)))
                for first, last, turn in spans:
                    if first <= hi and lo <= last:
                        self.g.add((node, CDO.citesTurn, turn))

def _first_int(rx: re.Pattern, text: str) -> int | None:
    m = rx.search(text)
    if not m:
        return None
    for g in m.groups():
        if g:
            return int(g) if g.isdigit() else _ORDINALS[g.lower()]
    return None


def _short(text: str, n: int = 200) -> str:
    """Shorten *text* to at most *n* characters, at a word boundary, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= n:
        return text
    cut = text[: n - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:-") + "…"


def map_report(report: Report, resolver: Resolver, data: bytes) -> Graph:
    """Return the graph of one parsed report; *data* is the file's bytes, for its hash."""
    return map_triples(report, resolver, data).graph()


def map_triples(report: Report, resolver: Resolver, data: bytes) -> Triples:
    """Return the triples of one parsed report (what the build converts; map_report() wraps them in a Graph)."""
    return Mapper(report, resolver, hashlib.sha256(data).hexdigest()).build()
