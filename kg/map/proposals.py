"""Read a proposal to the negotiated text out of one sentence: the action asked for, the wording, the reason.

A sentence proposes when a request cue ("we recommend", "requested", "urge that … be retained", "it may be
helpful to state", "calls for", "proposed") governs an action on text: delete, reinstate, add, amend, replace,
keep or move ("the deletion of", "be reintroduced in", "its inclusion once again"). The action is the first one
after the request cue, except that a cue of restoring ("once again", "reinstate", "restore") wins over add and
keep in the same clause: asking to include again what was dropped is reinstating it. What it is about (the
provisions and versions cited) is kg/map/provisions.py's; who proposed and who backed it is kg/map/negotiation.py's.

Endorsements are read here too: "as proposed by Brazil", "in line with the proposal of Egypt", "we support
France's proposal", "cautious against the new proposal", with the direction of the sentence that makes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_REQUEST = re.compile(
    r"\b(?:recommend\w*|request\w*|urg(?:e|es|ed|ing)|(?<!the )(?<!a )(?<!new )propos(?:e|es|ed|ing)|call(?:s|ed|ing)?\s+(?:for|on)|"
    r"encourag\w+|suggest\w*|ask(?:s|ed|ing)?|seek\w*|sought|would\s+like\s+to\s+see|wish(?:es|ed)?\s+to\s+see|"
    r"(?:should|must|shall)\s+(?:also\s+|rather\s+)?be\s+(?=(?:delet|remov|retain|reinstat|restor|add|includ|specifi|amend|"
    r"replac|mov|reflect|reintroduc|kept|maintain|reincorporat|insert)\w*)|"
    r"invit\w+|(?:may|would)(?:,?\s+\w+,?)?\s+be\s+(?:helpful|useful|better)|see\s+merit|"
    r"advocat\w+|insist\w*|we\s+are\s+open\s+to)\b|^(?:request|call|proposal|push)\b", re.I)
_NEGATED = re.compile(r"\b(?:not|never|no longer|cannot|can't|don't|do not|does not|did not)\s+(?:\w+\s+){0,2}$", re.I)
_ACTIONS = (
    ("reinstate", r"reinstat\w*|reintroduc\w*|restor\w*|restitution|reincorporat\w*|re-?insert\w*|bring\s+back|brought\s+back|"
                  r"put\s+back|once\s+again"),
    ("delete", r"delet\w*|remov\w*|strik\w*|drop(?:s|ped|ping)?|eliminat\w*|omit\w*|take\s+out"),
    ("keep", r"retain\w*|retention|keep(?!\s+in\s+mind)|kept|maintain\w*|maintenance|preserv\w*"),
    ("replace", r"replac\w*|substitut\w*|to\s+read|instead\s+of|reformulat\w*|re-?word\w*|rephras\w*|formulation"),
    ("move", r"mov(?:e|ed|ing)\b(?=.{0,60}\bto\b)|relocat\w*"),
    ("add", r"add(?:s|ed|ing|ition)?|includ\w*|inclusion|insert\w*|incorporat\w*|reflect\w*|introduc\w*|"
            r"specif(?:y|ies|ied|ying)|the\s+following\s+(?:\w+\s+)?(?:language|text|wording|formulation)|state\s+that|recogni[sz]\w*|reference\s+to|integrat\w*|new\s+proposal"),
    ("amend", r"amend\w*|modif\w*|revis\w*|chang\w*|clarif\w*|standardi[sz]\w*|adjust\w*|strengthen\w*|streamlin\w*|"
              r"refin\w*|rework\w*"),
)
_ACTION = re.compile("|".join(f"(?P<{name}>\\b(?:{rx})\\b)" for name, rx in _ACTIONS), re.I)
_QUOTE = re.compile(r"[“\"‘]([^”\"’]{2,200})[”\"’]|(?<![A-Za-z])'([^']{2,200})'(?![A-Za-z])")
_WHY = re.compile(r"\b(?:so as to|in order to|to ensure|to avoid|so that|because|since|given that|as it|as they|"
                  r"which would|to reflect|to address)\b", re.I)
# "this sentence", "these two paragraphs", "it": what the request is about is what the sentence before cited
_ANAPHOR = re.compile(r"\b(?:this|these|those|such)\s+(?:\w+\s+)?(?:paragraphs?|sentences?|language|text|provisions?|"
                      r"wording|elements?|formulations?|references?|sub-?paragraphs?)\b|\b(?:it|its|their|them)\b", re.I)
_POINTED = re.compile(r"\b(?:this|these|those)\s+(?:\w+\s+)?(?:paragraphs?|sentences?|provisions?|sub-?paragraphs?)\b", re.I)
# Someone else's request, reported ("some of you have asked for …") or addressed ("if you could suggest …").
_OTHERS = re.compile(r"\b(?:some\s+of\s+you|(?:some|several|many|other)\s+delegations|others|you\S*)\s+(?:\w+\W*\s+){0,3}$", re.I)
_CLAUSE = re.compile(r",\s+(?:and|but|while|whereas)\s+|;\s*")
_TO_READ = re.compile(r"\bto\s+read[,:]?\s+[“\"‘']?(?P<w>.+?)[”\"’']?(?=\s+as\s+a\s+(?:possible\s+)?compromise|[.;]|$)", re.I)
_TEXTUAL = re.compile(r"\b(?:paragraphs?|sub-?paragraphs?|text|language|draft|report|annex|section|wording|formulation|"
                      r"sentence|reference|chapeau)\b", re.I)
# Whose proposal a sentence refers to: "as proposed by Brazil", "Brazil's proposal", "the proposal of/by/from Brazil".
_NAME = r"[A-Z][\w.-]*(?:\s+(?:of\s+|the\s+|and\s+)?[A-Z][\w.-]*){0,5}"  # "Republic of Korea", "the African Group"
_BY = re.compile(rf"\b(?:as\s+)?(?:proposed|suggested|put\s+forward)\s+by\s+(?:the\s+)?(?P<a>{_NAME})|"
                 rf"\b(?P<b>{_NAME})[’']s?\s+(?:compromise\s+|new\s+|concrete\s+)?(?:proposal|suggestion|formulation)|"
                 rf"\b(?:proposal|suggestion|formulation)\s+(?:of|by|from|(?:made|put\s+forward)\s+(?:\w+\s+)?by)\s+(?:the\s+)?(?P<c>{_NAME})")
_YOURS = re.compile(r"\byour\s+(?:\w+\s+)?proposal\b", re.I)  # said to the Chair
_UNNAMED = re.compile(r"\b(?:the|this|that)\s+(?:new\s+)?proposal\b", re.I)
_AGAINST = re.compile(r"\b(?:oppos\w*|reject\w*|object\w*|cannot\s+(?:support|accept|agree)|can\s*not\s+(?:support|accept)|"
                      r"not\s+in\s+a\s+position\s+to\s+(?:support|accept)|unable\s+to\s+(?:support|accept)|cautio\w*\s+against|"
                      r"against|concern\w*\s+(?:about|over|with)|disagree\w*|resist\w*|not\s+support\w*)\b", re.I)
_FOR = re.compile(r"\b(?:support\w*|welcom\w*|endors\w*|agree\w*|join\w*|back\w*|in\s+line\s+with|echo\w*|appreciat\w*|"
                  r"favou?r\w*|align\w*|second\w*|flexib\w*|can\s+(?:accept|live\s+with)|accept\w*)\b", re.I)


@dataclass(frozen=True)
class Ask:
    """What a proposing sentence asks: the action, the wording quoted, the reason given, where the request starts."""

    action: str
    wording: tuple[str, ...]
    rationale: str | None
    at: int                 # where the request cue starts (the proposer is named before it in a summary's prose)
    anaphoric: bool         # "it", "these two paragraphs": what it is about is in the sentence before
    pointed: bool           # "this sentence", "these two paragraphs": the sentence before's provisions, surely
    textual: bool           # it talks about text (paragraph, language, wording…) even when it cites no number
    wording_at: int         # where the wording to read or the reason starts: what is cited after is not the target
    clause_at: int          # where the request's clause starts ("…, and in paragraph 35G we would like …")


@dataclass(frozen=True)
class Endorsement:
    """A sentence's reference to someone's proposal, and whether it backs or resists it."""

    proposer: str | None    # the name as written, None for "the new proposal"
    direction: str          # "for" or "against"
    action: str | None      # what the proposal does, when the sentence says ("the inclusion of … as proposed by")
    at: int = 0             # where the reference starts (a summary names who backs it before)


def ask(sentence: str) -> Ask | None:
    """Return what *sentence* proposes to do to the text, or None when it proposes nothing."""
    for req in _REQUEST.finditer(sentence):
        if _NEGATED.search(sentence[:req.start()]) or _OTHERS.search(sentence[:req.start()]):
            continue
        after = sentence[req.start():]
        acts = [(m.start(), m.lastgroup) for m in _ACTION.finditer(after)]
        if not acts:
            continue
        action = acts[0][1]
        clause = re.split(r"[;:]|\.\s", after, maxsplit=1)[0]
        if action in ("add", "keep") and re.search(_ACTIONS[0][1], clause, re.I):
            action = "reinstate"
        wording = tuple(q for m in _QUOTE.finditer(sentence) for q in m.groups() if q)
        to_read = _TO_READ.search(sentence, req.start())
        if to_read and not wording:
            wording = (to_read.group("w").strip(),)
        why = _WHY.search(sentence, req.start())
        clause = [m.end() for m in _CLAUSE.finditer(sentence, 0, req.start())]
        return Ask(action, wording, sentence[why.start():].strip(" .") if why else None, req.start(),
                   bool(_ANAPHOR.search(sentence)), bool(_POINTED.search(sentence)), bool(_TEXTUAL.search(sentence)),
                   min(to_read.start() if to_read else len(sentence), why.start() if why else len(sentence)),
                   clause[-1] if clause else 0)
    return None


def textual(sentence: str) -> bool:
    """Tell whether *sentence* speaks of text: a paragraph, language, wording, the draft."""
    return bool(_TEXTUAL.search(sentence))


def endorsements(sentence: str) -> list[Endorsement]:
    """Return the proposals *sentence* refers to ("as proposed by Brazil", "the new proposal") and its direction."""
    out = []
    for m in _BY.finditer(sentence):
        name = (m.group("a") or m.group("b") or m.group("c")).strip()
        name = re.sub(r"^(?:the|we|our)\s+", "", name, flags=re.I)
        if name.lower() in ("we", "our", "this", "the", "that", "chair’", "chair'"):
            continue
        out.append(Endorsement(name, _direction(sentence, m.start()), _action_before(sentence, m.start()), m.start()))
    for m in _YOURS.finditer(sentence):
        out.append(Endorsement("Chair", _direction(sentence, m.start()), _action_before(sentence, m.start()), m.start()))
    if not out:
        for m in _UNNAMED.finditer(sentence):
            out.append(Endorsement(None, _direction(sentence, m.start()), "add", m.start()))
    return [e for e in out if e.direction is not None]


def _direction(sentence: str, at: int) -> str | None:
    """Return "for" or "against" as the cue nearest before the reference says, None when the sentence says neither."""
    before = sentence[:at]
    spans = [(m.start(), m.end()) for m in _AGAINST.finditer(before)]
    against = [a for a, _ in spans]
    backing = [m.start() for m in _FOR.finditer(before) if not any(a <= m.start() < b for a, b in spans)]
    if not against and not backing:
        return None
    return "against" if against and (not backing or against[-1] > backing[-1]) else "for"


def _action_before(sentence: str, at: int) -> str | None:
    acts = [m.lastgroup for m in _ACTION.finditer(sentence[:at])]
    return acts[-1] if acts else None
