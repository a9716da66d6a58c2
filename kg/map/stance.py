"""Read what a statement does and which way it leans, wherever in the sentence it is said.

A cue is a verb or noun of stance ("opposed", "called for", "regret", "could not accept", "welcomed")
found anywhere in a clause, not only at a title's opening. Each cue names a speech act (supports,
opposes, concern, request, observation) and a default direction toward what follows it (for, against,
neutral). The words after the cue, to the end of its clause, are the object; the object turns the
direction where a reader would: being against or worried about a loss ("the removal of X", "that X was
dropped", "no clear procedures for X") is being *for* X, and asking for or backing a deletion is
being *against* it. Negation is a cue of its own ("did not support", "no objection", "not convinced"),
so the longer, negated match wins over the bare verb inside it.

Which cue speaks for the sentence: clauses after "but", "however" or "yet" win ("welcomed X but
regretted Y" is the regret); clauses led by "while", "whilst", "whereas", "though", "although" or
"albeit" are concessions and lose ("dissociated from paragraph 27, while
appreciating the Chair's efforts" is the dissociation). Otherwise the first strong cue speaks. Weak cues
("should", "a success", "balanced") count only where no strong cue does; greetings ("welcomed
delegates") and document names ("Annual Progress Report") are not cues. Someone reporting what
participants or a poll said observes.

The rules were written on the development split of tests/gold/statements.tsv and the seed reports'
arguments; the test split of the same file is scored, never tuned on (docs/stance.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.map.cues import (
    CHANGE,
    CONTRAST,
    CUE_BY_NAME,
    CUES,
    DELETE,
    DELETE_HEAD,
    DESCRIBED,
    GENERIC,
    LEAD,
    LEADING,
    LOSS,
    LOSS_SAID,
    LOSS_WORDS,
    OTHERS,
    PREDICATIVE,
    QUALIFIER,
    REPORTED,
    RESTORE,
    RESTORE_HEAD,
    Cue,
)
from kg.read.citations import split

DEFAULT = "observes"


@dataclass(frozen=True)
class Stance:
    """A reading: stance slug, the rule that chose it, the object text, speech act, direction, the text to
    find targets in, and where in the read text the cue starts (so a caller can find who said it)."""

    stance: str
    rule: str
    object_text: str
    act: str = "observation"
    direction: str = "neutral"
    about: str = ""
    at: int = 0

    @property
    def needs_context(self) -> bool:
        """True when the object's head is too generic to name a target ("the new proposal")."""
        return bool(GENERIC.search(self.about)) or self.rule.startswith("default")

    @property
    def says_something(self) -> bool:
        """True when a cue other than a bare observation chose it."""
        return self.act != "observation" or self.rule in ("reported-views", "no-position", "no-concern", "mixed-evaluation")


def _clauses(text: str) -> list[tuple[int, int, str]]:
    """Split *text* into (start, end, kind) clauses; kind is 'main', 'after-contrast' or 'concession'."""
    out, pos, kind = [], 0, "main"
    lead = LEADING.match(text)
    if lead:
        out.append((0, lead.end(), "concession"))
        pos = lead.end()
    for m in CONTRAST.finditer(text, pos):
        out.append((pos, m.start(), kind))
        word = m.group(1).lower()
        # "but", "however", "yet" answer what came before; "while", "though"… concede it (the clause before speaks).
        kind = "after-contrast" if word in ("but", "however", "yet") else "concession"
        pos = m.end()
    out.append((pos, len(text), kind))
    return [c for c in out if c[1] > c[0]]


def clause_start(text: str, at: int) -> int:
    """Return where the clause holding offset *at* of *text* starts (who said it is named there)."""
    t = re.sub(r"\s+", " ", text).strip()
    return max((s for s, _, _ in _clauses(t) if s <= at), default=0)


def _hits(text: str) -> list[tuple[int, int, Cue]]:
    """Every cue match, longer (negated, more specific) matches winning over those they cover."""
    found = sorted(((m.start(), m.end(), cue) for cue in CUES for m in cue.pattern.finditer(text)),
                   key=lambda h: (h[0], -(h[1] - h[0])))
    kept: list[tuple[int, int, Cue]] = []
    for s, e, cue in found:
        if not any(s < ke and ks < e for ks, ke, _ in kept):
            kept.append((s, e, cue))
    return kept


def about(obj: str) -> str:
    """Return *obj* without its qualifiers ('X as departure from Y' is about X)."""
    return QUALIFIER.split(obj, maxsplit=1)[0].strip() or obj


def _turn(cue: Cue, obj: str) -> tuple[str, str, str, str]:
    """Return (stance, direction, object text, rule suffix) once the object has had its say."""
    if cue.act in ("concern", "opposes") and cue.direction == "against" and CHANGE.match(obj):
        # Worried about, or against, the changes made to X: for X as it was.
        return cue.stance, "for", obj, "+change"
    loss = LOSS.match(obj)
    if cue.act in ("concern", "opposes") and cue.direction == "against":
        if loss:
            stance = LOSS_WORDS[loss.group("word").lower()] if cue.act == "concern" else cue.stance
            # "the reduction from three to two groups" keeps its preposition: "regrets the reduction from …"
            rest = obj[loss.end("word") if stance == "regrets-reduction" else loss.end():].strip() or obj
            return stance, "for", rest if cue.act == "concern" else obj, "+loss"
        if LOSS_SAID.search(obj) or cue.name == "regret" and obj.lower().startswith(("stronger", "more", "clearer")):
            return cue.stance, "for", obj, "+shortfall"
    if cue.act in ("request", "supports") and cue.direction == "for":
        if RESTORE.search(obj[:60]) and cue.act == "request":
            return "calls-for-restoration", "for", RESTORE_HEAD.sub("", obj) or obj, "+restore"
        if loss and loss.group("word").lower() in ("removal", "removing", "deletion", "deleting", "deletions", "elimination",
                                                     "eliminating", "exclusion", "dropping", "scrapping", "abolition") \
                or DELETE.match(obj):
            if cue.act == "request":
                return "calls-for-deletion", "against", DELETE_HEAD.sub("", obj) or obj, "+deletion"
            return cue.stance, "against", obj, "+deletion"
    return cue.stance, cue.direction, obj, ""


def read(text: str) -> list[Stance]:
    """Return the readings of *text*, the one that speaks for it first (an observation if none does)."""
    t = re.sub(r"\s+", " ", text).strip()
    if not t:
        return []
    if REPORTED.search(t):
        return [Stance(DEFAULT, "reported-views", t, "observation", "neutral", t)]
    clauses = _clauses(t)
    hits = _hits(t)

    def kind_at(pos: int) -> tuple[int, str]:
        for n, (s, e, kind) in enumerate(clauses):
            if s <= pos < e:
                return n, kind
        return len(clauses) - 1, clauses[-1][2]

    if any(cue.name == "mixed" for _, _, cue in hits):
        return [Stance(DEFAULT, "mixed", t, "observation", "neutral", t)]
    last_contrast = max((i for i, c in enumerate(clauses) if c[2] == "after-contrast"), default=-1)
    readings: list[tuple[tuple, Stance]] = []
    for s, e, cue in hits:
        before = t[max(0, s - 40):s]
        if DESCRIBED.search(before) and t[s:e].lower().endswith("ing") or OTHERS.search(before):
            continue  # "camps supporting X", "a minority seeks Y": others described, not a stance taken
        n, kind = kind_at(s)
        end = clauses[n][1]
        obj = LEAD.sub("", t[e:end].strip(" ,.;:")) or t
        if t[s:e].lower().endswith(("ing", "able")) and PREDICATIVE.search(t[max(clauses[n][0], s - 40):s]):
            # "… was removed, and that's really disappointing": what is judged comes before the judgement.
            obj = t[clauses[n][0]:s].strip(" ,.;:") or obj
        stance, direction, shown, suffix = _turn(cue, obj)
        # The sentence's voice: strong over weak, the last contrast over what it answers, main over concession,
        # then the first said; an observation only where nothing else is said.
        key = (cue.named, cue.act == "observation", not cue.strong, kind == "concession",
               -n if kind == "after-contrast" and n >= last_contrast else 0, s)
        readings.append((key, Stance(stance, cue.name + suffix, shown, cue.act, direction, about(shown), s)))
    if not readings:
        return [Stance(DEFAULT, "default", t, "observation", "neutral", t)]
    readings.sort(key=lambda r: r[0])
    best = readings[0][1]
    weak = {r.rule.split("+")[0] for _, r in readings}
    if best.rule.startswith("evaluation") and {"evaluation", "evaluation-bad"} <= weak:
        # Success and trouble in one breath, with no stance word: a description, not a position.
        return [Stance(DEFAULT, "mixed-evaluation", t, "observation", "neutral", t, best.at)]
    if best.rule in ("greeting", "document-name") and len(readings) == 1:
        return [Stance(DEFAULT, best.rule, t, "observation", "neutral", t, best.at)]
    return [r for _, r in readings if r.rule not in ("greeting", "document-name")] or [best]


def classify(title: str, explanation: str = "") -> Stance:
    """Return the stance of an argument: its *title* where a strong cue says it, else its *explanation*'s
    first sentence where a strong cue does, else a weak cue of either; the title names what it is about."""
    t = re.sub(r"\s+", " ", title).strip()
    if explanation and REPORTED.search(first_sentence(explanation)):
        return Stance(DEFAULT, "reported-views", t, "observation", "neutral", t)
    own = read(t)
    # An explanation's first sentence says what the argument does; the rest gives its reasons.
    first = read(first_sentence(explanation)) if explanation else []
    said = [first[0]] if first and first[0].says_something and strong(first[0]) else []
    if own and own[0].says_something and strong(own[0]):
        if said and said[0].act == own[0].act and "+" in said[0].rule and "+" not in own[0].rule:
            # "Caution on X" explained as "warned that deleting X would …": the explanation says which way.
            return Stance(said[0].stance, own[0].rule + "+explained", own[0].object_text, own[0].act, said[0].direction,
                          own[0].about, own[0].at)
        return own[0]
    if said:
        # The act and direction are the explanation's; the title still names the object.
        return Stance(said[0].stance, "explanation:" + said[0].rule, t, said[0].act, said[0].direction, t)
    if own and own[0].says_something:
        return own[0]
    if first and first[0].says_something:
        return Stance(first[0].stance, "explanation:" + first[0].rule, t, first[0].act, first[0].direction, t)
    return Stance(DEFAULT, "default", t, "observation", "neutral", t)


def strong(s: Stance) -> bool:
    """True when a strong cue (a stance word, not an evaluation or a modal verb) chose *s*."""
    return CUE_BY_NAME[s.rule.split("+")[0].split(":")[-1]].strong


def sentences(text: str) -> list[str]:
    """Split *text* into sentences (an abbreviation such as 'Rev. 2' or 'para. 5' does not end one)."""
    return [s for _, s in split(text or "") if s.strip()]


def first_sentence(text: str) -> str:
    """The explanation's first sentence, where a report says what a generic title is about."""
    found = sentences(text)
    return found[0] if found else text.strip()
