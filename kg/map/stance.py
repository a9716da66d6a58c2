"""Choose a position's stance from an argument title by a small, ordered, documented rule set.

Each rule matches the opening cue of a title ("Support for …", "Concern about …") and names a
stance of the stance scheme. The object after the cue is the position's target text. When the
object is itself a loss ("removal of X", "lack of X", "deletion of X"), a negative cue flips: being
disappointed by the removal of X means wanting X, so "Disappointment with removal of X" supports X.
The first matching rule wins; titles no rule matches are 'observes' (neutral), never a guess.

Each position records two readings besides the stance phrase: the speech act (supports, opposes,
concern, request, observation: what the speaker does) and the direction toward what the argument is
about (for, against, neutral), so "concern about the removal of X" is a concern *for* X. Where the
title alone says nothing (a bare noun phrase, as webinar reports often have), the explanation is
read: a speaker reporting others' views (a poll, participants) observes; words of success or of
disappointment in it give the act and the direction; both kinds at once stay an observation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ADJ = r"(?:(?:strong|firm|continued|broad|full|general|cautious|deep|serious|clear|explicit|renewed|particular)\s+)?"
# What a loss word says the speaker regrets (and so wants): the target gone, cut down, or too little of it.
_LOSSES = {**dict.fromkeys(("removal", "deletion", "elimination", "exclusion", "omission", "loss", "dropping"),
                           "regrets-removal"),
           **dict.fromkeys(("lack", "absence", "weakening", "dilution", "erosion"), "regrets-lack"),
           "reduction": "regrets-reduction"}
_LOSS = re.compile(r"^(?:the\s+)?(?P<word>" + "|".join(_LOSSES) + r")\s+(?P<prep>of|in|from)\s+", re.I)
# A shortfall inside the object ("doesn't capture", "fails to") means the speaker wants more of it.
_SHORTFALL = re.compile(r"\b(?:does(?:n[’']t| not)|do(?:n[’']t| not)|fails? to|insufficient|inadequate|not enough|"
                        r"too little|overlook\w*|omit\w*)\b", re.I)
# Reading an explanation: someone reporting what others said, and words of success or of regret.
_REPORTED = re.compile(r"\b(?:reports?|summari[sz]es|identifies|highlights divergent views|presents these)\b.*"
                       r"\b(?:participants?|poll|responses)\b", re.I | re.S)
_GOOD = re.compile(r"\b(?:success(?:ful(?:ly)?)?|achievements?|accomplishments?|beneficial|effective|valuable|value|"
                   r"benefits?|opportunit(?:y|ies)|validation|progress|growth|crucial|strengths?|prais\w+|welcom\w+|"
                   r"appreciat\w+|positive|help(?:s|ed)?)\b", re.I)
_BAD = re.compile(r"\b(?:disappoint\w*|frustrat\w*|concerns?|worr\w+|problematic|regret\w*|minimal|fails?|"
                  r"limitations?|setbacks?|limited|slow)\b", re.I)
# Words after which the object is a qualifier, not what the position is about ("X as departure from Y").
_QUALIFIER = re.compile(r"\s+as\s+|,?\s+though\s+|\s+rather than\s+", re.I)
# Heads too generic to name a target: the explanation's first sentence says what they are.
_GENERIC = re.compile(r"\b(?:proposal|procedure|approach|initiative|participation|process|language)\b", re.I)
_RESTORE = r"(?:restoration|reinstatement|reincorporation|reintroduction|return|restore|reinstate|reincorporate|retention)"


@dataclass(frozen=True)
class Rule:
    """One cue: its name (recorded on the position), pattern, stance concept slug, speech act and direction."""

    name: str
    pattern: re.Pattern
    stance: str
    act: str
    direction: str
    flips_on_loss: bool = False


def _r(name: str, pattern: str, stance: str, act: str, direction: str, flips: bool = False) -> Rule:
    return Rule(name, re.compile(pattern, re.I), stance, act, direction, flips)


RULES: tuple[Rule, ...] = (
    _r("cannot-support", r"^(?:cannot|can't|could not|unable to|will not|won't)\s+(?:support|accept|agree(?:\s+to|\s+with)?)\s+", "rejects", "opposes", "against"),
    _r("rejection", r"^" + _ADJ + r"(?:rejection|rejects?|opposition|objection|objects?)\s+(?:of|to)\s+", "rejects", "opposes", "against"),
    _r("restoration", r"^" + _ADJ + r"(?:call|calls|request|requests|demand|demands|plea|push|appeal|need|proposal)\s+(?:for|to)\s+(?:the\s+)?" + _RESTORE + r"\s+(?:of\s+)?", "calls-for-restoration", "request", "for"),
    _r("deletion", r"^" + _ADJ + r"(?:call|calls|request|requests|demand|proposal)\s+(?:for|to)\s+(?:the\s+)?(?:delet(?:e|ion)|remov(?:e|al)|drop(?:ping)?|strik(?:e|ing))\s+(?:of\s+)?", "calls-for-deletion", "request", "against"),
    _r("clarification", r"^" + _ADJ + r"(?:request|requests|call|calls|need|needs|plea|question|questions|query|queries|seeking)\s+(?:for|on|about|of|to)?\s*(?:greater\s+|more\s+|further\s+)?(?:clarity|clarification|clarify|clarifying)\s*(?:on|of|about|regarding|for|over)?\s*", "requests-clarification", "request", "neutral"),
    _r("support", r"^" + _ADJ + r"(?:support|backing|endorsement|championing)\s+(?:for|of|to)\s+", "supports", "supports", "for"),
    _r("welcome", r"^" + _ADJ + r"(?:welcome|welcomes|welcoming|appreciation|praise|commendation|recognition)\s+(?:for|of|to)?\s*", "welcomes", "supports", "for"),
    _r("regret", r"^" + _ADJ + r"(?:disappointment|regret|regrets|frustration|dissatisfaction|dismay)\s+(?:with|over|about|at|for|on|that)?\s*", "regrets", "concern", "against", True),
    # Concerns about practicalities (selection, scheduling) are about how, not whether: neither for nor against.
    _r("practical-concern", r"^(?:practical|procedural|logistical|operational)\s+(?:concern|concerns|worries)\s+(?:about|over|with|regarding|on)\s+", "expresses-concern", "concern", "neutral"),
    _r("concern", r"^" + _ADJ + r"(?:concern|concerns|worry|worries|alarm|unease)\s+(?:about|over|with|regarding|for|at|on|that)?\s*", "expresses-concern", "concern", "against", True),
    _r("caution", r"^" + _ADJ + r"(?:caution|warning|warnings|warns?)\s+(?:against|about|on|over|of|that)?\s*", "cautions-against", "concern", "against"),
    _r("proposal", r"^" + _ADJ + r"(?:proposal|proposals|suggestion|suggestions|proposes?|suggests?)\s+(?:for|of|to|that)?\s*", "proposes", "request", "for"),
    _r("shortfall", r"^(?:limited|little|slow|minimal|no)\s+(?:progress|advancement|movement)\s+(?:on|in|towards?)\s+", "regrets-lack", "concern", "for"),
    _r("at-the-expense", r"^.+?\s+at\s+(?:the\s+)?(?:expense|cost)\s+of\s+", "regrets-lack", "concern", "for"),
    _r("unchanged", r"^(?P<obj>.+?)\s+remains?\s+(?:largely\s+|essentially\s+|still\s+)?(?:unchanged|limited|constrained|stalled)\b", "regrets-lack", "concern", "for"),
    _r("disappointing", r"^(?P<obj>.+?)\s+(?:is\s+|are\s+|was\s+|were\s+)?(?:disappointing|regrettable|worrying|concerning)$", "regrets", "concern", "against", True),
    _r("achievement", r"^(?P<obj>.+?)\s+(?:(?:highlighted|viewed|seen|hailed|praised|recognized|recognised)\s+)?as\s+(?:an?\s+|the\s+)?"
       r"(?:(?:important|outstanding|significant|major|main|key|great|remarkable|positive|real)\s+)*"
       r"(?:achievements?|success(?:es)?|progress|strengths?|outcomes?|evolution)\b", "welcomes", "supports", "for"),
    _r("success", r"^success\s+(?:measured\s+by|of|in|through)\s+", "welcomes", "supports", "for"),
    _r("call", r"^" + _ADJ + r"(?:call|calls|request|requests|demand|demands|need|needs|emphasis|push|plea|appeal|advocacy|insistence|preference|importance)\s+(?:for|to|on|of)\s+", "calls-for", "request", "for"),
)
DEFAULT = "observes"


@dataclass(frozen=True)
class Stance:
    """The outcome: stance slug, the rule that chose it, the object text, speech act, direction, and the
    text to find targets in (the object without its qualifiers)."""

    stance: str
    rule: str
    object_text: str
    act: str = "observation"
    direction: str = "neutral"
    about: str = ""

    @property
    def needs_context(self) -> bool:
        """True when the object's head is too generic to name a target ("the new proposal")."""
        return bool(_GENERIC.search(self.about)) or self.rule.startswith("default")


def _about(obj: str) -> str:
    return _QUALIFIER.split(obj, maxsplit=1)[0].strip() or obj


def classify(title: str, explanation: str = "") -> Stance:
    """Return the stance an argument *title* expresses, by the first matching rule, reading *explanation*
    where the title alone says nothing or the speaker reports others' views."""
    t = re.sub(r"\s+", " ", title).strip()
    if explanation and _REPORTED.search(explanation):
        return Stance(DEFAULT, "reported-views", t, "observation", "neutral", t)
    for rule in RULES:
        m = rule.pattern.match(t)
        if not m:
            continue
        obj = (m.group("obj") if "obj" in rule.pattern.groupindex else t[m.end():]).strip() or t
        if rule.flips_on_loss:
            loss = _LOSS.match(obj)
            if loss:
                stance = _LOSSES[loss.group("word").lower()]
                # "the reduction from three to two groups" keeps its preposition: "regrets the reduction from …"
                rest = obj[loss.start("prep") if stance == "regrets-reduction" else loss.end():].strip() or obj
                name = {"regrets-removal": "+loss", "regrets-lack": "+lack", "regrets-reduction": "+reduction"}[stance]
                return Stance(stance, rule.name + name, rest, rule.act, "for", _about(rest))
            if _SHORTFALL.search(obj):
                return Stance("regrets-lack", rule.name + "+shortfall", obj, rule.act, "for", _about(obj))
        return Stance(rule.stance, rule.name, obj, rule.act, rule.direction, _about(obj))
    good, bad = bool(_GOOD.search(t + " " + explanation)), bool(_BAD.search(t + " " + explanation))
    if good and not bad:
        return Stance("welcomes", "default+explanation-positive", t, "supports", "for", t)
    if bad and not good:
        return Stance("expresses-concern", "default+explanation-negative", t, "concern", "against", t)
    return Stance(DEFAULT, "default", t, "observation", "neutral", t)


def first_sentence(text: str) -> str:
    """The explanation's first sentence, where a report says what a generic title is about."""
    m = re.match(r"(.+?[.!?])(?:\s|$)", text.strip(), re.S)
    return m.group(1) if m else text.strip()
