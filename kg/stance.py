"""Choose a position's stance from an argument title by a small, ordered, documented rule set.

Each rule matches the opening cue of a title ("Support for …", "Concern about …") and names a
stance of the stance scheme. The object after the cue is the position's target text. When the
object is itself a loss ("removal of X", "lack of X", "deletion of X"), a negative cue flips: being
disappointed by the removal of X means wanting X, so "Disappointment with removal of X" supports X.
The first matching rule wins; titles no rule matches are 'observes' (neutral), never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ADJ = r"(?:(?:strong|firm|continued|broad|full|general|cautious|deep|serious|clear|explicit|renewed|particular)\s+)?"
_LOSS = re.compile(r"^(?:the\s+)?(?:removal|deletion|reduction|lack|absence|elimination|exclusion|omission|loss|"
                   r"dropping|weakening|dilution|erosion)\s+(?:of|in|from)\s+", re.I)
_RESTORE = r"(?:restoration|reinstatement|reincorporation|reintroduction|return|restore|reinstate|reincorporate|retention)"


@dataclass(frozen=True)
class Rule:
    """One cue: its name (recorded on the position), pattern, and stance concept slug."""

    name: str
    pattern: re.Pattern
    stance: str
    flips_on_loss: bool = False


def _r(name: str, pattern: str, stance: str, flips: bool = False) -> Rule:
    return Rule(name, re.compile(pattern, re.I), stance, flips)


RULES: tuple[Rule, ...] = (
    _r("cannot-support", r"^(?:cannot|can't|could not|unable to|will not|won't)\s+(?:support|accept|agree(?:\s+to|\s+with)?)\s+", "rejects"),
    _r("rejection", r"^" + _ADJ + r"(?:rejection|rejects?|opposition|objection|objects?)\s+(?:of|to)\s+", "rejects"),
    _r("restoration", r"^" + _ADJ + r"(?:call|calls|request|requests|demand|demands|plea|push|appeal|need|proposal)\s+(?:for|to)\s+(?:the\s+)?" + _RESTORE + r"\s+(?:of\s+)?", "calls-for-restoration"),
    _r("deletion", r"^" + _ADJ + r"(?:call|calls|request|requests|demand|proposal)\s+(?:for|to)\s+(?:the\s+)?(?:delet(?:e|ion)|remov(?:e|al)|drop(?:ping)?|strik(?:e|ing))\s+(?:of\s+)?", "calls-for-deletion"),
    _r("clarification", r"^" + _ADJ + r"(?:request|requests|call|calls|need|needs|plea|question|questions|query|queries|seeking)\s+(?:for|on|about|of|to)?\s*(?:greater\s+|more\s+|further\s+)?(?:clarity|clarification|clarify|clarifying)\s*(?:on|of|about|regarding|for|over)?\s*", "requests-clarification"),
    _r("support", r"^" + _ADJ + r"(?:support|backing|endorsement|championing)\s+(?:for|of|to)\s+", "supports"),
    _r("welcome", r"^" + _ADJ + r"(?:welcome|welcomes|welcoming|appreciation|praise|commendation|recognition)\s+(?:for|of|to)?\s*", "welcomes"),
    _r("regret", r"^" + _ADJ + r"(?:disappointment|regret|regrets|frustration|dissatisfaction|dismay)\s+(?:with|over|about|at|for|on|that)?\s*", "regrets", True),
    _r("concern", r"^" + _ADJ + r"(?:concern|concerns|worry|worries|alarm|unease)\s+(?:about|over|with|regarding|for|at|on|that)?\s*", "expresses-concern", True),
    _r("caution", r"^" + _ADJ + r"(?:caution|warning|warnings|warns?)\s+(?:against|about|on|over|of|that)?\s*", "cautions-against"),
    _r("proposal", r"^" + _ADJ + r"(?:proposal|proposals|suggestion|suggestions|proposes?|suggests?)\s+(?:for|of|to|that)?\s*", "proposes"),
    _r("achievement", r"^(?P<obj>.+?)\s+(?:(?:highlighted|viewed|seen|hailed|praised|recognized|recognised)\s+)?as\s+(?:an?\s+|the\s+)?"
       r"(?:(?:important|outstanding|significant|major|main|key|great|remarkable|positive|real)\s+)*"
       r"(?:achievements?|success(?:es)?|progress|strengths?|outcomes?|evolution)\b", "welcomes"),
    _r("call", r"^" + _ADJ + r"(?:call|calls|request|requests|demand|demands|need|needs|emphasis|push|plea|appeal|advocacy|insistence|preference)\s+(?:for|to|on|of)\s+", "calls-for"),
)
DEFAULT = "observes"


@dataclass(frozen=True)
class Stance:
    """The outcome: stance slug, the rule that chose it, and the object text it is about."""

    stance: str
    rule: str
    object_text: str


def classify(title: str) -> Stance:
    """Return the stance an argument *title* expresses, by the first matching rule."""
    t = re.sub(r"\s+", " ", title).strip()
    for rule in RULES:
        m = rule.pattern.match(t)
        if not m:
            continue
        obj = (m.group("obj") if "obj" in rule.pattern.groupindex else t[m.end():]).strip()
        if rule.flips_on_loss:
            loss = _LOSS.match(obj)
            if loss:
                return Stance("regrets-removal", rule.name + "+loss", obj[loss.end():].strip() or obj)
        return Stance(rule.stance, rule.name, obj or t)
    return Stance(DEFAULT, "default", t)
