"""Positions said outside the arguments, and who agrees or disagrees with whom, derived from positions.

Transcript: a sentence of a speaker's turn that takes a stance in the first person ("we regret the removal
of the group on international law") on something the reference data names is a position of the speaker,
read from that turn and line, linked to the speaker's DiploAI argument that says the same where one does.
A sentence about others ("some of you asked for …") is not the speaker's position.

Summary: a sentence of a finding that names states taking a stance ("Egypt, Nigeria, Tunisia, Colombia and
Ghana strongly opposed the removal of …") gives each state a position, marked as the report's summary.

Alignment: DiploAI's "Agreed with" / "Disagreed with" lists stay on each argument as stated; what they
mean is not taken from them. Two actors agree where they take the same side (both for, or both against)
on the same target in the same meeting, and disagree where they take opposite ones. A side is taken on
what can be created, kept or dropped (an instrument or a mechanism), not on an issue, whose "for" and
"against" readings are framings ("concern about threats", "balanced treatment of threats"); and against
means opposing or asking to drop, not a worry about how a thing works. Each pair is
a node scoped to its meeting and target that links the positions it comes from; on an argument,
cdo:agreeingActor / cdo:disagreeingActor / cdo:mixedActor (both, on different targets) say the same for
its maker's position, which is what the alignment matrix and the networks count. "We align ourselves with
the statement of the African Group" is an alignment the text declares, kept apart.
"""

from __future__ import annotations

import re
from itertools import combinations

from rdflib import URIRef

from kg.map import statements
from kg.map.stance import clause_start, strong
from kg.read.citations import split as sentences
from kg.vocab import ACT, CDO, DIRECTION, RDF, RDFS

_FIRST_PERSON = re.compile(r"\b(?:I|we|my|our|us|this delegation|the delegation)\b", re.I)
_ALIGNS = re.compile(r"\b(?:align(?:s|ed|ing)?|associat(?:e|es|ed|ing))\s+(?:ourselves|myself|itself|themselves|herself|himself)?\s*"
                     r"(?:fully\s+)?with\s+(?:the\s+)?(?:statements?|remarks|position)\s+(?:delivered\s+|made\s+)?"
                     r"(?:by|of|on behalf of)\s+(?P<whom>[^.;]+)", re.I)


class AlignmentMixin:
    """Positions from the transcript and findings, and the derived alignment, in kg.map.mapper.Mapper."""

    def transcript_positions(self) -> None:
        for n, t in enumerate(self.r.turns, start=1):
            turn = self.node("intervention", n)
            who = self.g.value(turn, CDO.speaker)
            if who is None or not t.text or who == self.chair:
                continue  # the Chair's turns run the meeting: thanks, the floor, explaining the text, not positions
            group = self.spoke_for(who)
            own = {w for w in (self.res.label(who), str(self.g.value(who, RDFS.label) or ""), t.speaker) if w}
            for k, (off, sent) in enumerate(sentences(t.text), start=1):
                if not self.res.mentions(sent, self.process):
                    continue  # names nothing a position could be about: not worth reading (most sentences)
                read = statements.sentence(sent, self.res, who, group, self.chair, self.process, first_person=True)
                s = read.stance
                if not read.targets or not s.says_something or s.act == "observation" or not strong(s):
                    continue  # a weak cue ("should", "a success") in running speech is not a position
                said_by = sent[clause_start(sent, s.at):s.at]
                if not (_FIRST_PERSON.search(said_by) or any(w and w.lower() in said_by.lower() for w in own)):
                    continue  # "some of you asked for …": others' words in the speaker's mouth
                line = t.lines[min(t.text.count("\n", 0, off), len(t.lines) - 1)] if t.lines else t.line
                pos = self.node("position", f"turn-{n}-{k}")
                self.position(pos, read, who, line, t.speaker, derived_from=turn, basis="transcript")
                self.add(pos, CDO.text, sent)
                for arg in self.arguments_saying(who, read):
                    self.g.add((pos, CDO.matchesArgument, arg))
            self.declared_alignment(n, turn, who, t)

    def spoke_for(self, who: URIRef) -> URIRef | None:
        """The group *who* spoke for at this meeting (its participation's), if any."""
        return self.g.value(self.node("participation", self.res.local(who)), CDO.onBehalfOf)

    def arguments_saying(self, who: URIRef, read) -> list[URIRef]:
        """The speaker's arguments whose position takes the same direction on a target of *read*."""
        out = []
        for pos in self.g.subjects(CDO.positionOf, who):
            arg = self.g.value(pos, CDO.derivedFrom)
            if arg is None or (arg, RDF.type, CDO.Argument) not in self.g:
                continue
            if self.g.value(pos, CDO.direction) == DIRECTION[read.stance.direction] \
                    and set(self.g.objects(pos, CDO.target)) & set(read.targets):
                out.append(arg)
        return sorted(out)

    def declared_alignment(self, n: int, turn: URIRef, who: URIRef, t) -> None:
        """Record "we align ourselves with the statement of X (delivered by Y)" as the speaker's declared alignment."""
        for k, m in enumerate(_ALIGNS.finditer(t.text), start=1):
            whom = [a for a in self.res.actors_in(m.group("whom")) if a != who]
            if not whom:
                continue
            node = self.node("declared-alignment", f"turn-{n}-{k}")
            line = t.lines[min(t.text.count("\n", 0, m.start()), len(t.lines) - 1)] if t.lines else t.line
            self.unit(node, CDO.DeclaredAlignment, f"{self.res.label(who)} aligns with {', '.join(map(self.res.label, whom))}", line)
            self.g.add((node, CDO.inEvent, self.event))
            self.g.add((node, CDO.aligningActor, who))
            for a in whom:
                self.g.add((node, CDO.alignedWith, a))
            self.g.add((node, CDO.statedIn, turn))
            self.add(node, CDO.text, m.group(0))

    def finding_positions(self) -> None:
        for n, f in enumerate(self.r.findings, start=1):
            node = self.node("finding", n)
            text = f.summary.text if f.summary is not None else ("" if f.head_is_title else f.head)
            for k, (_, sent) in enumerate(sentences(text), start=1):
                read = statements.sentence(sent, self.res, None, None, self.chair, self.process)
                read.holders.groups = []  # each state's own group, below: the sentence names states, not whom they spoke for
                if not read.targets or not read.holders.from_text or read.stance.act == "observation" or not strong(read.stance):
                    continue
                for who in (a for a in read.holders.actors if self.res.kind(a) == CDO.State):
                    pos = self.node("position", f"finding-{n}-{k}-{self.res.local(who)}")
                    group = self.spoke_for(who)
                    read.holders.groups = [group] if group is not None else []
                    self.position(pos, read, who, f.line, self.res.label(who), derived_from=node, basis="summary")
                    self.add(pos, CDO.text, sent)

    # -- who agrees with whom ----------------------------------------------------------------------
    def derive_alignment(self) -> None:
        held = []  # (position, holder, direction, targets, argument or None)
        for pos in self.g.subjects(RDF.type, CDO.Position):
            who, d = self.g.value(pos, CDO.positionOf), self.g.value(pos, CDO.direction)
            if d == DIRECTION["against"] and self.g.value(pos, CDO.speechAct) not in (ACT.opposes, ACT.request):
                continue  # a worry or a criticism of how a thing works is not a side against it
            # Only what can be created, kept or dropped: for or against an issue ("threats", "stakeholder
            # modalities") is how a statement frames it, not a side taken (docs/stance.md, measured).
            targets = {t for t in self.g.objects(pos, CDO.target) if self.res.kind(t) in (CDO.Instrument, CDO.Mechanism)}
            if who is None or d not in (DIRECTION["for"], DIRECTION["against"]) or not targets:
                continue
            src = self.g.value(pos, CDO.derivedFrom)
            held.append((pos, who, d, targets, src if (src, RDF.type, CDO.Argument) in self.g else None))
        pairs: dict[tuple, set] = {}  # (kind, target, a, b) -> positions
        on_argument: dict[tuple, set] = {}  # (argument, other) -> kinds
        for (p1, w1, d1, t1, a1), (p2, w2, d2, t2, a2) in combinations(sorted(held, key=lambda h: str(h[0])), 2):
            if w1 == w2:
                continue
            kind = "agree" if d1 == d2 else "disagree"  # both are for or against (neutral left out above)
            for target in t1 & t2:
                a, b = sorted((w1, w2), key=str)
                pairs.setdefault((kind, target, a, b), set()).update((p1, p2))
                for arg, other in ((a1, w2), (a2, w1)):
                    if arg is not None:
                        on_argument.setdefault((arg, other), set()).add(kind)
        for (kind, target, a, b), positions in sorted(pairs.items(), key=lambda x: tuple(map(str, x[0]))):
            node = self.node("alignment", f"{kind}-{self.res.local(target)}-{self.res.local(a)}-{self.res.local(b)}")
            cls = CDO.DerivedAgreement if kind == "agree" else CDO.DerivedDisagreement
            verb = "agrees with" if kind == "agree" else "disagrees with"
            self.unit(node, cls, f"{self._name(a)} {verb} {self._name(b)} on {self.res.label(target)}", None)
            self.g.add((node, CDO.inEvent, self.event))
            self.g.add((node, CDO.onTarget, target))
            for who in (a, b):
                self.g.add((node, CDO.between, who))
            for p in sorted(positions, key=str):
                self.g.add((node, CDO.fromPosition, p))
        for (arg, other), kinds in on_argument.items():
            prop = CDO.mixedActor if len(kinds) > 1 else CDO.agreeingActor if "agree" in kinds else CDO.disagreeingActor
            self.g.add((arg, prop, other))

    def _name(self, who: URIRef) -> str:
        return str(self.g.value(who, RDFS.label) or self.res.label(who))
