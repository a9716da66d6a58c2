"""Map what a report concludes: findings and assessments, takeaways, comments and questions, the full report."""

from __future__ import annotations

from rdflib import Literal, URIRef

from kg.iris import slug
from kg.map.resolve import norm, split_names
from kg.vocab import CDO, XSD


class FindingsMixin:
    """The closing sections of kg.map.mapper.Mapper (which gives the helpers used here: node, add, unit, actor…)."""

    def findings(self) -> None:
        for n, f in enumerate(self.r.findings, start=1):
            node = self.node("finding", n)
            self.unit(node, CDO[f.kind], f.head, f.line)
            self.g.add((node, CDO.inEvent, self.event))
            self.g.add((node, CDO.order, Literal(n, datatype=XSD.integer)))
            if f.head_is_title:
                self.add(node, CDO.title, f.head)
                self.text(node, CDO.summary, f.summary)
            else:
                self.add(node, CDO.summary, f.head if f.summary is None else f.head + "\n\n" + f.summary.text)
            self.text(node, CDO.explanation, f.explanation)
            self.topics(node, f.topics)
            people = set()
            for t in f.speakers:
                who = self.actor(t.text)
                if who is not None:
                    people.add(who)
                    self.g.add((node, CDO.involves, who))
            for t in f.arguments:
                hits = self.by_title.get(norm(t.text), [])
                mine = [a for a, who in hits if who in people] or [a for a, _ in hits]
                for a in mine:
                    self.g.add((node, CDO.citesArgument, a))
                if not mine:
                    self.add(node, CDO.citedArgumentTitle, t.text)
        self.link_points()
        for a in self.r.assessments:
            node = self.node("assessment", a.about)
            self.unit(node, CDO.Assessment, f"Overall assessment of the {a.about}", a.line)
            self.add(node, CDO.assesses, a.about)
            self.text(node, CDO.summary, a.summary)
            if a.level is not None:
                self.text(node, CDO.consensusLevel if a.about == "agreements" else CDO.disagreementLevel, a.level)
            self.g.add((self.event, CDO.hasAssessment, node))

    def link_points(self) -> None:
        """Link each "Agreed on" / "Disagreed on" point to the finding of this report that bears its title."""
        titled: dict[str, list[URIRef]] = {}
        for node in self.g.subjects(CDO.title, None):
            if (node, CDO.order, None) in self.g and str(node).startswith(str(self.event) + "/finding/"):
                titled.setdefault(norm(str(self.g.value(node, CDO.title))), []).append(node)
        link = {CDO.agreedOn: CDO.agreedOnFinding, CDO.disagreedOn: CDO.disagreedOnFinding}
        for arg, prop, text in self.points:
            for node in titled.get(norm(text), []):
                self.g.add((arg, link[prop], node))

    def takeaways(self) -> None:
        for kind, items in sorted(self.r.takeaways.items()):
            for n, t in enumerate(items, start=1):
                node = self.said(slug(kind), CDO[kind], n, t.text, t.line, CDO.text)
                self.g.add((node, CDO.order, Literal(n, datatype=XSD.integer)))

    def comments_and_questions(self) -> None:
        for n, c in enumerate(self.r.comments, start=1):
            node = self.said("comment", CDO.ThoughtProvokingComment, n, c.quote, c.line, CDO.quote)
            self.text(node, CDO.reason, c.reason)
            self.text(node, CDO.impact, c.impact)
            if c.speaker:
                self.speakers_of(node, c.speaker.text, [c.speaker.text], CDO.speaker)
        for n, q in enumerate(self.r.questions, start=1):
            node = self.said("question", CDO.FollowUpQuestion, n, q.text, q.line, CDO.text)
            self.text(node, CDO.explanation, q.explanation)
            if q.speakers:
                names = split_names(q.speakers.text, lambda n: self.res.lookup(n) is not None)
                self.speakers_of(node, q.speakers.text, names, CDO.askedBy)

    def said(self, kind: str, cls: URIRef, n: int, text: str, line: int | None, prop: URIRef) -> URIRef:
        """Mint the n-th item of a closing section: its class, label, text and event."""
        node = self.node(kind, n)
        self.unit(node, cls, text, line)
        self.add(node, prop, text)
        self.g.add((node, CDO.inEvent, self.event))
        return node

    def speakers_of(self, node: URIRef, label: str, names: list[str], prop: URIRef) -> None:
        """Record who said it: the label as written, each resolved actor, and any group spoken for."""
        self.add(node, CDO.speakerLabel, label)
        for name in names:
            who = self.actor(name)
            if who is not None:
                self.g.add((node, prop, who))
            self.spoken_for(node, name)

    def spoken_for(self, node: URIRef, name: str) -> None:
        """Record the group a speaker named 'Nigeria (African Group)' spoke for on what they said."""
        group = self.res.speaker(name, self.chair).on_behalf_of
        if group is not None:
            self.g.add((node, CDO.onBehalfOf, group))

    def full_report(self) -> None:
        if self.r.full_text:
            self.add(self.report, CDO.fullText, self.r.full_text)
        stack: list[tuple[int, URIRef]] = []
        for n, s in enumerate(self.r.sections, start=1):
            node = self.node("section", n)
            self.unit(node, CDO.ReportSection, s.heading, s.line)
            self.add(node, CDO.title, s.heading)
            self.add(node, CDO.text, s.text or None)
            self.g.add((node, CDO.headingLevel, Literal(s.level, datatype=XSD.integer)))
            self.g.add((node, CDO.order, Literal(n, datatype=XSD.integer)))
            while stack and stack[-1][0] >= s.level:
                stack.pop()
            self.g.add((stack[-1][1] if stack else self.report, CDO.section, node))
            stack.append((s.level, node))
