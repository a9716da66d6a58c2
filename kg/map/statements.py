"""Read one statement whole: what it does (kg.map.stance), what it is about (the resolver's targets) and
who holds it (kg.map.holders). What the mapper reads for arguments, transcript sentences and findings,
and what tests/test_statements.py scores against the gold statements."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from kg.map import stance as stances
from kg.map.holders import Holders, holders, subject


@dataclass
class Statement:
    """A statement read: its stance, its targets in text order, and who holds it."""

    stance: stances.Stance
    targets: list[URIRef]
    holders: Holders


def argument(title: str, explanation: str, res, speaker: URIRef | None = None, group: URIRef | None = None,
             chair: URIRef | None = None, process: URIRef | None = None) -> Statement:
    """Read a DiploAI argument: its title and explanation, made by *speaker* (speaking for *group*)."""
    s = stances.classify(title, explanation)
    # "Support for X": X follows the cue; "X as major success": X comes first, and the whole title names it.
    targets = res.mentions(s.about if s.at == 0 else stances.about(title), process)
    if explanation and (s.needs_context or not targets):
        # A generic title ("the new proposal") or one naming nothing: the explanation's first
        # sentence says what it is about.
        targets += [t for t in res.mentions(stances.first_sentence(explanation), process) if t not in targets]
    # The argument is its maker's; its explanation can only say which group the maker spoke for.
    first = stances.first_sentence(explanation) if explanation else ""
    said = holders(first, res, speaker, group, chair) if first else Holders()
    groups = (said.groups if said.from_text and speaker in said.actors else []) or ([group] if group is not None else [])
    if speaker is None and said.from_text:
        return Statement(s, targets, said)
    return Statement(s, targets, Holders([speaker] if speaker is not None else [], groups, said.from_text))


def sentence(text: str, res, speaker: URIRef | None = None, group: URIRef | None = None,
             chair: URIRef | None = None, process: URIRef | None = None, first_person: bool = False) -> Statement:
    """Read one sentence (of a transcript turn, a finding or a summary) said by *speaker* or about the actors it
    names; in a speaker's own words (*first_person*), the speaker holds it whoever else the sentence names."""
    readings = stances.read(text)
    s = readings[0] if readings else stances.Stance(stances.DEFAULT, "default", text)
    t = " ".join(text.split())
    if first_person:
        who = Holders([speaker] if speaker is not None else [], [group] if group is not None else [])
    else:
        # Who said it is named in the clause of the cue ("The Chair streamlined …, while Egypt and Nigeria opposed …"),
        # else before it.
        start = stances.clause_start(t, s.at)
        who = holders(t[start:s.at] if s.at else t, res, speaker, group, chair)
        if not who.from_text and start:
            who = holders(t[:s.at], res, speaker, group, chair)
    # What it is about: everything after its subject (a subject naming a thematic group is not its target).
    subj = subject(t[:s.at] if s.at else t)
    return Statement(s, res.mentions(t[len(subj):] if t.startswith(subj) else t, process), who)

