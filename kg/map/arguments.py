"""Map a report's speaker blocks: arguments, their agreement lists as stated, and the positions they take."""

from __future__ import annotations

from rdflib import Literal, URIRef

from kg.map import statements
from kg.map.resolve import norm
from kg.vocab import ACT, BASIS, CDO, DIRECTION, RDFS, STANCE, XSD


class ArgumentsMixin:
    """The arguments section of kg.map.mapper.Mapper (which gives the helpers used here: node, add, unit, actor…)."""

    def arguments(self) -> None:
        self.by_title: dict[str, list[tuple[URIRef, URIRef | None]]] = {}
        for n, (b, a) in enumerate(self.r.arguments, start=1):
            arg, pos = self.node("argument", n), self.node("position", n)
            part = self.participation(b.name)
            who = self.g.value(part, CDO.participant)
            self.unit(arg, CDO.Argument, a.title, a.line)
            self.add(arg, CDO.title, a.title)
            self.g.add((arg, CDO.order, Literal(n, datatype=XSD.integer)))
            self.g.add((arg, CDO.inEvent, self.event))
            self.g.add((arg, CDO.inParticipation, part))
            self.add(arg, CDO.speakerLabel, b.name)
            if who is not None:
                self.g.add((arg, CDO.madeBy, who))
            self.text(arg, CDO.explanation, a.explanation)
            self.text(arg, CDO.evidence, a.evidence)
            if a.discussion_point:
                dp = self.node("discussion-point", a.discussion_point.text)
                self.unit(dp, CDO.DiscussionPoint, a.discussion_point.text, None)
                self.g.remove((dp, CDO.sourceLine, None))
                self.g.add((dp, CDO.inEvent, self.event))
                self.g.add((arg, CDO.hasDiscussionPoint, dp))
            self.topics(arg, a.topics)
            # The lists as the report states them; what agrees with what is derived from positions (kg/map/alignment.py).
            for prop, names in ((CDO.agreedWith, a.agreed_with), (CDO.disagreedWith, a.disagreed_with)):
                for other in {o for t in names if (o := self.actor(t.text)) is not None}:
                    self.g.add((arg, prop, other))
            for prop, points in ((CDO.agreedOn, a.agreed_on), (CDO.disagreedOn, a.disagreed_on)):
                for t in points:
                    self.add(arg, prop, t.text)
                    self.points.append((arg, prop, t.text))
            self.by_title.setdefault(norm(a.title), []).append((arg, who))
            explanation = a.explanation.text if a.explanation else ""
            group = self.g.value(part, CDO.onBehalfOf)
            read = statements.argument(a.title, explanation, self.res, who, group, self.chair, self.process)
            self.position(pos, read, who, a.line, b.name, derived_from=arg)

    def position(self, pos: URIRef, read, who: URIRef | None, line: int | None, name: str,
                 derived_from: URIRef | None = None, basis: str = "argument") -> None:
        """Describe a position read from a statement: holder, stance, act, direction, targets, groups spoken for."""
        s = read.stance
        # A person the reference data lacks is labelled in this graph (never by the IRI's slug).
        holder = str(self.g.value(who, RDFS.label) or self.res.label(who)) if who is not None else name
        self.unit(pos, CDO.Position, f"{holder}: {self.res.label(STANCE[s.stance])} {s.object_text}", line)
        if derived_from is not None:
            self.g.add((pos, CDO.derivedFrom, derived_from))
        self.g.add((pos, CDO.basis, BASIS[basis]))
        self.g.add((pos, CDO.inEvent, self.event))
        self.g.add((pos, CDO.stance, STANCE[s.stance]))
        self.g.add((pos, CDO.speechAct, ACT[s.act]))
        self.g.add((pos, CDO.direction, DIRECTION[s.direction]))
        self.add(pos, CDO.stanceRule, s.rule)
        self.add(pos, CDO.targetText, s.object_text)
        if who is not None:
            self.g.add((pos, CDO.positionOf, who))
        for group in read.holders.groups:
            self.g.add((pos, CDO.onBehalfOf, group))
        for target in read.targets:
            self.g.add((pos, CDO.target, target))
