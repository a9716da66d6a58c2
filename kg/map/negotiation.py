"""Map what a report says about the negotiated text: the versions and provisions it cites, the proposals made.

Every sentence of the transcript, the arguments, the findings, the full report, the summary and the follow-up
questions is read for citations (kg/map/provisions.py). A provision belongs to the version the sentence names
("paragraph 1 of resolution 75/240", "section D of the fourth report"), else to the version before the one under
negotiation when the text calls it former, earlier or deleted ("the former paragraph 43B"), else to the version
under negotiation: the draft version the report cites most (Rev.2 in a second reading of Rev.2). A paragraph cited
after an annex of the draft in the same statement is that annex's ("Annex I … paragraph 8"). Each citation is a
cdo:Mention with its words, sentence and line; each proposal (kg/map/proposals.py) is one cdo:Proposal per
proposer, action and provisions, stated wherever the report says it, with who backed or resisted it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rdflib import URIRef

from kg.constants import DATA_NS
from kg.iris import mint, safe_slug
from kg.map import proposals as asks
from kg.map.provisions import Cited
from kg.read.citations import split as sentences
from kg.vocab import CDO, DIRECTION, PROPOSAL_ACTION, RDF, RDFS, SKOS

_THE_ANNEX = re.compile(r"\bthe\s+[Aa]nnex\b(?!\s+[A-Z0-9])")
_KIND_CLASS = {"annex": CDO.Annex, "section": CDO.DocumentSection, "paragraph": CDO.Paragraph}


@dataclass
class Unit:
    """A piece of report text, the node it belongs to, the file line of each of its lines, who said it."""

    source: URIRef
    text: str
    lines: list[int]
    speaker: URIRef | None = None
    kind: str = "statement"          # statement (a speaker's) or summary (the report's) or question
    sep: str = "\n"

    def line_at(self, offset: int) -> int | None:
        if not self.lines:
            return None
        k = self.text.count(self.sep, 0, offset)
        return self.lines[min(k, len(self.lines) - 1)]


class NegotiationMixin:
    """The negotiated text in kg.map.mapper.Mapper (which gives the helpers used here: node, add, unit, actor…)."""

    def negotiation(self) -> None:
        docs = self.res.documents
        read = [(u, off, s, docs.find(s)) for u in self._units() for off, s in sentences(u.text)]
        drafts = Counter(c.ref for _, _, _, cs in read for c in cs if c.ref in docs.drafts)
        self.negotiated = max(drafts, key=lambda v: (drafts[v], docs.drafts[v])) if drafts else None
        if self.negotiated is not None:
            self.g.add((self.event, CDO.negotiatesVersion, self.negotiated))
        self.proposals: dict[tuple, URIRef] = {}
        self.own_words: set[URIRef] = set()  # proposals their proposer states (not only known from others' replies)
        pending, mentions, source, annex, before = [], 0, None, None, ((), False, False, False)
        for u, off, sent, cites in read:
            if u.source != source:  # an argument's explanation follows its title: "it" may be what the title cites
                source, annex, before = u.source, None, ((), False, False, False)
            targets = []
            for c in cites:
                if c.kind == "annex" and c.ref is None and c.of is None:
                    annex = c  # later paragraphs of the statement are this annex's, unless placed otherwise
                iri = self.cited(c, annex)
                if iri is None:
                    continue
                mentions += 1
                self.mention(mentions, iri, c, u, off, sent)
                targets.append((iri, off + c.start))
            if annex is not None and _THE_ANNEX.search(sent) and not any(c.kind == "annex" for c in cites):
                iri = self.cited(annex, None)  # "the Annex", after "Annex I" in the same statement
                if iri is not None:
                    targets.append((iri, off + _THE_ANNEX.search(sent).start()))
            self.read_proposals(u, off, sent, targets, before, pending)
            # what "it" or "these paragraphs" in the next sentence may point back to
            # (carried while the sentences between cite nothing and speak of no text), and whether it or the one
            # before it spoke of text ("the paragraph on …")
            cited = tuple(dict.fromkeys(t for t, _ in targets if self.is_provision(t)))
            before = (cited or before[0], bool(cited), asks.textual(sent), before[2])
        for item in pending:
            self.respond(*item)
        self.positions_on_proposals()

    def positions_on_proposals(self) -> None:
        """Give a position the proposal its argument states or answers: the stance then has a referent (the
        argument's maker must be the proposer or the respondent)."""
        for kind, who_p in ((CDO.Proposal, CDO.proposedBy), (CDO.ProposalResponse, CDO.respondent)):
            for node in list(self.g.subjects(RDF.type, kind)):
                proposal = node if kind == CDO.Proposal else self.g.value(node, CDO.responseTo)
                who = self.g.value(node, who_p)
                for source in self.g.objects(node, CDO.statedIn):
                    if "/argument/" in str(source) and self.g.value(source, CDO.madeBy) == who:
                        position = URIRef(str(source).replace("/argument/", "/position/"))
                        if (position, CDO.derivedFrom, source) in self.g:
                            self.g.add((position, CDO.aboutProposal, proposal))

    # -- what is cited ---------------------------------------------------------------------------
    def _units(self):
        """Yield the report's texts in order: transcript, arguments, findings, full report, questions, summary."""
        r = self.r
        yield Unit(self.report, r.title, [r.title_line], None, "summary")  # "… paragraph 1 of resolution 75/240"
        for n, t in enumerate(r.turns, start=1):
            who = self.g.value(self.node("intervention", n), CDO.speaker)
            yield Unit(self.node("intervention", n), t.text, t.lines or [t.line], who)
        for n, (_, a) in enumerate(r.arguments, start=1):
            arg = self.node("argument", n)
            who = self.g.value(arg, CDO.madeBy)
            yield Unit(arg, a.title, [a.line], who)
            for t in (a.explanation, a.evidence):
                if t is not None and t.text:
                    yield Unit(arg, t.text, [t.line], who)
        for n, f in enumerate(r.findings, start=1):
            node = self.node("finding", n)
            for t in (f.head, f.summary.text if f.summary else "", f.explanation.text if f.explanation else ""):
                if t:
                    yield Unit(node, t, [f.line], None, "summary")
        for n, s in enumerate(r.sections, start=1):
            if s.text:
                yield Unit(self.node("section", n), s.text, s.lines or [s.line], None, "summary", "\n\n")
        for n, q in enumerate(r.questions, start=1):
            yield Unit(self.node("question", n), q.text, [q.line], None, "question")
        for n, (_, t) in enumerate(r.key_points, start=1):
            yield Unit(self.node("key-point", n), t.text, [t.line], None, "summary")
        if r.summary is not None:
            # the report (an entity) stands for its summary: what PROV derives from must not be the meeting (an activity)
            yield Unit(self.report, r.summary.text, [r.summary.line], None, "summary")

    def cited(self, c: Cited, annex: Cited | None) -> URIRef | None:
        """Return the IRI of what *c* cites: a version or document, a curated provision, or a minted provision."""
        docs = self.res.documents
        if c.kind in ("version", "document") or c.ref is not None:
            return c.ref
        if c.kind == "current":
            return None
        home = self.negotiated
        if c.of is not None:
            if c.of.kind == "version":
                home = c.of.ref
            elif c.of.kind == "document":
                home = self.negotiated if self.negotiated is not None and docs.work_of.get(self.negotiated) == c.of.ref \
                    else docs.only_version(c.of.ref)
        elif c.earlier and home is not None:
            home = docs.previous(home)
        if home is None:
            return None  # nothing says which text: no provision is minted rather than one guessed
        levels: list[tuple[str, tuple[str, ...]]] = []
        if c.kind == "paragraph" and c.annex:
            levels.append(("annex", (c.annex,)))
        elif c.kind == "paragraph" and annex is not None and c.of is None and home in (self.negotiated, docs.previous(self.negotiated)):
            levels.append(("annex", annex.number))
        levels.append((c.kind, c.number))
        return self.provision(home, levels)

    def provision(self, version: URIRef, levels: list[tuple[str, tuple[str, ...]]]) -> URIRef:
        """Mint the provision (and the provisions it is part of) under *version*: …/rev-2/annex/i/paragraph/8."""
        base = str(version)[len(DATA_NS):].split("/")
        docs, segs, parent, names = self.res.documents, [], None, []
        for kind, number in levels:
            for k in range(1, len(number) + 1 if kind == "paragraph" else 2):
                part = number[:k]
                segs_here = segs + [kind, safe_slug("-".join(part).lower())]
                shown = part[0] + "".join(f"({x})" for x in part[1:]) if kind == "paragraph" else part[0]
                iri = mint(*base, *segs_here)
                label = ", ".join([docs.label(version)] + names + [f"{'Annex' if kind == 'annex' else kind} {shown}"])
                if (iri, CDO.inVersion, version) not in self.g:
                    self.unit(iri, _KIND_CLASS[kind], label, None)
                    self.g.add((iri, CDO.inVersion, version))
                    self.add(iri, CDO.provisionNumber, shown)
                    # how delegates say it, for the search: "paragraph 35(g)", "section D", "Annex I"
                    self.add(iri, SKOS.altLabel, f"{'Annex' if kind == 'annex' else kind} {shown}")
                    if parent is not None:
                        self.g.add((iri, CDO.partOfProvision, parent))
                parent = iri
            segs = segs_here
            names.append(f"{'Annex' if kind == 'annex' else kind} {shown}")
        return parent

    def mention(self, k: int, iri: URIRef, c: Cited, u: Unit, off: int, sent: str) -> None:
        node = self.node("mention", k)
        self.unit(node, CDO.Mention, f"“{c.words.strip()}”: {self.target_label(iri)}", u.line_at(off + c.start))
        self.g.add((node, CDO.mentionOf, iri))
        self.g.add((node, CDO.mentionedIn, u.source))
        self.g.add((node, CDO.inEvent, self.event))
        self.add(node, CDO.citedAs, c.words.strip())
        self.add(node, CDO.sentence, sent)
        self.g.add((u.source, CDO.citesProvision if self.is_provision(iri) else CDO.citesDocument, iri))

    def is_provision(self, iri: URIRef) -> bool:
        return (iri, CDO.inVersion, None) in self.g or (iri, CDO.inVersion, None) in self.res.graph

    def holder(self, who: URIRef) -> str:
        """A person the reference data lacks is labelled in this graph, never by the IRI's slug."""
        return str(self.g.value(who, RDFS.label) or self.res.label(who))

    def target_label(self, iri: URIRef) -> str:
        return str(self.g.value(iri, RDFS.label) or self.res.documents.label(iri))

    # -- what is proposed ------------------------------------------------------------------------
    def read_proposals(self, u: Unit, off: int, sent: str, targets: list, before: list, pending: list) -> None:
        if u.kind == "question":
            return
        line = u.line_at(off)
        named = asks.endorsements(sent)
        own = [e for e in named if e.proposer is None or self.named(e.proposer) != u.speaker]
        a = None if own and any(e.proposer for e in own) else asks.ask(sent)
        if a is not None:
            who = u.speaker or self.named(sent[:a.at])
            aim = self.aim(a, u, off, sent, targets, before)
            if who is not None and aim:
                self.own_words.add(self.proposal(who, a.action, aim, a.wording, a.rationale, u.source, line, sent))
        for e in own:
            for who in ([u.speaker] if u.speaker is not None else self.named_all(sent[:e.at])):
                self.endorse(who, e, u, line, sent, targets, pending)

    def endorse(self, who, e: asks.Endorsement, u: Unit, line, sent, targets, pending) -> None:
        """Queue *who* backing or resisting a proposal: a named one's ("France's proposal"), else, for "the new
        proposal", the proposal of whoever issues the version under negotiation (the Chair issues the drafts)."""
        if e.proposer is not None:
            by = self.named(e.proposer)
        elif self.negotiated is not None:
            by = self.res.graph.value(self.res.documents.work_of.get(self.negotiated), CDO.issuedBy)
        else:
            by = None
        if who is not None and by is not None and who != by:
            aim = list(dict.fromkeys(t for t, _ in targets if self.is_provision(t))) or \
                ([self.negotiated] if self.negotiated is not None else [])
            pending.append((who, by, e, aim, u.source, line, sent))

    def aim(self, a: asks.Ask, u: Unit, off: int, sent: str, targets: list, before: tuple) -> list:
        """Return what a proposal is about: the provisions it cites (not those inside the wording it proposes),
        else those of the sentence before when it points back ("these two paragraphs", "it"), else the version
        under negotiation when it speaks of text ("the language", "the paragraph on …")."""
        docs, lo, hi = self.res.documents, off + a.clause_at, off + a.wording_at
        cited = [t for t, at in targets if at < hi]
        if any(at >= lo for t, at in targets if at < hi):  # the request's own clause cites something: only that
            cited = [t for t, at in targets if lo <= at < hi]
        provisions = [t for t in cited if self.is_provision(t)]
        if provisions and not (a.pointed and before[0]):
            return provisions
        # the provisions last cited in the statement, whether the sentence before cited them, whether it or the one
        # before it spoke of text
        earlier, fresh, was_textual = before[0], before[1], before[2] or before[3]
        if earlier and (a.pointed or (a.anaphoric and fresh and not cited)):
            return list(earlier)
        versions = [t for t in cited if t in docs.versions or t in docs.works]
        if self.negotiated is not None and (versions or a.textual or (a.anaphoric and was_textual)):
            return [self.negotiated]
        return [v for v in versions if v in docs.versions]

    def named(self, text: str) -> URIRef | None:
        """Return the first state, group or office *text* names (a summary's "The Republic of Korea requested…")."""
        found = self.named_all(text)
        return found[0] if found else None

    def named_all(self, text: str) -> list[URIRef]:
        """Return the states, groups and the Chair *text* names, in text order, each once."""
        return self.res.actors_in(text, self.chair)

    def proposal(self, who, action, aim, wording, rationale, source, line, sent) -> URIRef:
        key = (who, action, frozenset(aim))
        node = self.proposals.get(key)
        if node is None:
            tail = "-".join(str(t).rstrip("/").rsplit("/", 3)[-1] if "/paragraph/" not in str(t)
                            else "p" + str(t).rsplit("/", 1)[-1] for t in sorted(aim))
            node = self.proposals[key] = self.node("proposal", f"{self.res.local(who)}-{action}-{tail}")
            holder = self.holder(who)
            what = ", ".join(self.target_label(t) for t in aim)
            self.unit(node, CDO.Proposal, f"{holder}: {action} {what}" + (f" “{wording[0]}”" if wording else ""), line)
            self.g.add((node, CDO.proposedBy, who))
            self.g.add((node, CDO.proposalAction, PROPOSAL_ACTION[action]))
            self.g.add((node, CDO.inEvent, self.event))
            for t in aim:
                self.g.add((node, CDO.proposalTarget, t))
            self.add(node, CDO.sentence, sent)
        for w in wording:
            self.add(node, CDO.proposedWording, w)
        if rationale and (node, CDO.rationale, None) not in self.g:
            self.add(node, CDO.rationale, rationale)
        self.g.add((node, CDO.statedIn, source))
        return node

    def respond(self, who, by, e, targets, source, line, sent) -> None:
        """Record *who* backing or resisting *by*'s proposal: the one on the same text, else *by*'s first."""
        mine = [(k, p) for k, p in self.proposals.items() if k[0] == by]
        same = [p for k, p in mine if any(self.is_provision(t) for t in set(targets) & k[2])]  # the same provision
        own = [p for _, p in mine if p in self.own_words]
        if not same and e.action is None and len(own) != 1:
            return  # "your proposal" with nothing to say which of theirs: not guessed
        node = (same or own or [None])[0]
        if node is None:
            if not targets or e.action is None:
                return  # nothing says what the proposal was
            node = self.proposal(by, e.action, targets, (), None, source, line, sent)
        r = URIRef(f"{node}/response/{safe_slug(self.res.local(who))}")
        if (r, CDO.respondent, who) not in self.g:  # one response per actor and proposal, stated wherever it is
            verb = "backs" if e.direction == "for" else "resists"
            self.unit(r, CDO.ProposalResponse, f"{self.holder(who)} {verb} {self.g.value(node, RDFS.label)}", line)
            self.add(r, CDO.sentence, sent)
        self.g.add((r, CDO.respondent, who))
        self.g.add((r, CDO.responseTo, node))
        self.g.add((r, CDO.responseDirection, DIRECTION[e.direction]))
        self.g.add((r, CDO.statedIn, source))
        self.g.add((r, CDO.inEvent, self.event))
        self.g.add((node, CDO.supportedBy if e.direction == "for" else CDO.opposedBy, who))

