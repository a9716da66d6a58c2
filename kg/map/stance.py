"""Read what a statement does and which way it leans, wherever in the sentence it is said.

A cue is a verb or noun of stance ("opposed", "called for", "regret", "could not accept", "welcomed")
found anywhere in a clause, not only at a title's opening. Each cue names a speech act (supports,
opposes, concern, request, observation) and a default direction toward what follows it (for, against,
neutral). The words after the cue, to the end of its clause, are the object; the object turns the
direction where a reader would: being against or worried about a loss ("the removal of X", "that X was
dropped", "no clear procedures for X") is being *for* X, and asking for or backing a deletion is
being *against* it. Negation is a cue of its own ("did not support", "no objection", "not convinced"),
so the longer, negated match wins over the bare verb inside it.

Which cue speaks for the sentence: clauses after "but", "however", "yet" or a mid-sentence "though"
win ("welcomed X but regretted Y" is the regret); clauses led by "while", "whilst", "whereas",
"albeit" or a leading "although" are concessions and lose ("dissociated from paragraph 27, while
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

from kg.read.citations import split

_F = re.I


@dataclass(frozen=True)
class Cue:
    """One kind of stance word: name (recorded on the position), pattern, act, direction, stance concept, strength."""

    name: str
    pattern: re.Pattern
    act: str
    direction: str
    stance: str
    strong: bool = True
    named: bool = False  # a thing named rather than a stance taken ("the proposal"): weaker than an observation


def _c(name, pattern, act, direction, stance, strong=True, named=False) -> Cue:
    return Cue(name, re.compile(r"(?<![\w-])(?:" + pattern + r")(?![\w-])", _F), act, direction, stance, strong, named)


_NEG = r"(?:can ?not|can[’']t|could ?not|couldn[’']t|unable to|not able to|not in a position to|will not|won[’']t|" \
       r"would not|wouldn[’']t|did not|didn[’']t|does not|doesn[’']t|do not|don[’']t|not)"
CUES: tuple[Cue, ...] = (
    # Negated cues first: the longer match wins over the bare verb it holds.
    _c("no-position", r"(?:did not|does not|not) (?:take|taking) (?:a |any )?position|no position", "observation", "neutral", "observes"),
    _c("cannot-support", _NEG + r"\s+(?:\w+\s+)?(?:support\w*|accept\w*|agree(?:s|d)?\s+(?:to|with)|endors\w+|go along(?: with)?|join\w*|see (?:any )?merits?|back)"
       r"|no support", "opposes", "against", "rejects"),
    _c("no-objection", r"(?:not|no|never|without)\s+(?:\w+\s+)?(?:oppos\w+|object(?:s|ed|ing)?|objections?(?!\s+(?:procedure|rule|basis|modalit\w*))|"
       r"difficult(?:y|ies)|problems?)", "supports", "for", "supports"),
    _c("mixed", r"mixed (?:feelings|views|reactions|assessment)|ambivalen\w+", "observation", "neutral", "observes"),
    _c("no-concern", r"(?:no|not|without)\s+(?:\w+\s+)?(?:concerns?|concerned|worr\w+)", "observation", "neutral", "observes"),
    _c("not-convinced", r"not convinced|unconvinced|not persuaded", "concern", "against", "expresses-concern"),
    _c("greeting", r"welcom\w*\s+(?:all\s+|the\s+)?(?:delegates|delegations|participants|everyone|everybody|audience|attendees|panel\w*|"
       r"guests|colleagues|speakers|you)(?:\s+back)?|welcom\w*\s+back|welcome to", "observation", "neutral", "observes"),
    _c("document-name", r"(?:annual\s+)?progress\s+reports?", "observation", "neutral", "observes", strong=False, named=True),
    # Clarification before request: "asked what", "sought clarity".
    _c("clarification", r"(?:request|requests|call|calls|need|needs|plea|question|questions)\s+(?:for|on|about)\s+(?:greater\s+|more\s+|further\s+)?"
       r"(?:clarity|clarification)|(?:sought|seek\w*)\s+(?:a\s+)?(?:better|clearer|further)\s+understanding|clarif\w+|clarity|ask(?:s|ed|ing)?\s+(?:\w+\s+)?(?:what|how|whether|why|which|when|who|about)|"
       r"(?:sought|seek\w*|requested|wanted)\s+(?:further\s+|more\s+|additional\s+)?(?:details|information|explanations?)|"
       r"raised questions?|questions?\s+(?:about|on|regarding|over)|quer(?:y|ied|ies)|inquir\w+|wonder\w*",
       "request", "neutral", "requests-clarification"),
    _c("doubt", r"question(?:s|ed)?\s+whether|doubts?|doubted|sceptic\w*|skeptic\w*", "concern", "against", "expresses-concern"),
    # Concerns about practicalities (selection, scheduling) are about how, not whether: neither for nor against.
    _c("practical-concern", r"(?:practical|procedural|logistical|operational)\s+(?:concerns?|worries)", "concern", "neutral", "expresses-concern"),
    _c("at-the-expense", r"at\s+(?:the\s+)?(?:expense|cost)\s+of", "concern", "for", "regrets-lack"),
    _c("caution", r"warn(?:s|ed|ing)?|caution(?:s|ed|ing)?|cautious", "concern", "against", "cautions-against"),
    _c("regret", r"regret\w*|disappoint\w*|frustrat\w*|dismay\w*|deplor\w+|lament\w*|dissatisf\w+|would have preferred", "concern", "against", "regrets"),
    _c("concern", r"concern(?:s|ed)?|worr(?:y|ies|ied|ying)|fears?|feared|alarm(?:ed|ing)?|reservations?|disconcert\w*|uneas\w+|"
       r"troubl(?:ed|ing)|denounc\w+|condemn\w*|find(?:s)? it strange|(?:the )?risks? (?:that|of)|drew attention to|flag\w* (?:the )?risk",
       "concern", "against", "expresses-concern"),
    _c("opposition", r"oppos(?:e|es|ed|ing|ition)|object(?:s|ed|ing)?\s+to|objections?|reject(?:s|ed|ing|ion)?|dissociat\w+|"
       r"(?:is|was|are|were|remains?|remained|argued|spoke|stood)\s+(?:firmly\s+|strongly\s+)?against|criticis\w+|criticiz\w+|"
       r"critical of|resist(?:s|ed|ing|ance)?|disagree\w*|red lines?|unacceptable", "opposes", "against", "rejects"),
    _c("proposal", r"propos(?:e|es|ed|ing)|suggest(?:s|ed|ing)?|put forward", "request", "for", "proposes"),
    # A proposal named is often someone else's ("took note of the proposal"): weak, where a title opens on it.
    _c("proposal-named", r"proposals?|suggestions?", "request", "for", "proposes", strong=False, named=True),
    _c("call", r"call(?:s|ed|ing)?\s+(?:for|on|upon)|urg(?:e|es|ed|ing)|request(?:s|ed|ing)?|ask(?:s|ed|ing)?\s+(?:for|that|to)|"
       r"advocat\w+|argu(?:e|es|ed|ing)\s+for|emphasis\s+(?:on|that)|insistence\s+on|(?:push|press)(?:es|ed|ing)?\s+for|demand\w*|insist\w*|needs?\s+(?:for|to)|needed|"
       r"(?:stress|emphasi[sz]|underscor|underlin|highlight|reiterat)\w*\s+(?:the need|the importance|the call)|"
       r"sought(?!\s+to\b)|seek(?:s|ing)?(?!\s+to\b)|recommend(?:s|ed|ing)?|want(?:s|ed)?(?!\s+to\b)|want(?:s|ed)?\s+to\s+see|wish(?:es|ed)? to see|hop(?:e|es|ed|ing)\s+(?:that|for|to)|"
       r"prefer(?:s|red|ring|ence)?|appeal(?:s|ed|ing)?\s+(?:to|for)|encourag(?:e|es|ed|ing)(?!\s+by)|invit(?:e|es|ed|ing) (?:delegations|states|all)",
       "request", "for", "calls-for"),
    _c("support", r"support(?:s|ed|ing|ive)?|back(?:s|ed|ing)?(?!\s+(?:to|by|on|from)\b)|endors\w+|champion\w*|in favou?r of|favou?r(?:s|ed|ing)?|"
       r"favou?rabl[ey]|(?:was|is|were|are)\s+(?:\w+\s+)?(?:pleased|glad|happy|encouraged)|encouraged by|"
       r"recogni[sz]\w*\s+(?:the\s+)?(?:value|importance|merits?|contribution)|(?:could|can|would)\s+(?:\w+\s+)?(?:accept|support|live with|go along with|join)|"
       r"flexib\w+|join(?:s|ed|ing)?\s+(?:the\s+|in\s+)?consensus|underlin\w+\s+the\s+value|valued|values|(?:see|sees|saw)\s+(?:\w+\s+)?merits?|"
       r"(?:find|finds|found|considers?|considered)\s+it\s+appropriate", "supports", "for", "supports"),
    _c("welcome", r"welcom\w*|appreciat\w+|prais\w+|commend\w*|applaud\w*|hail(?:s|ed)?|thank(?:s|ed|ing)?", "supports", "for", "welcomes"),
    _c("progress", r"(?:made|making|real|good|significant|substantial)\s+progress", "supports", "for", "welcomes"),
    _c("shortfall", r"(?:slow|limited|little|minimal|no|lack of)\s+(?:progress|advancement|movement)|"
       r"remain(?:s|ed)?\s+(?:\w+\s+)?(?:the same|unchanged|stalled|constrained)|"
       r"(?:does|do|did)(?:n[’']t| not)\s+(?:\w+\s+)?(?:capture|reflect|include|address|cover)|"
       r"(?:is|are|was|were)\s+not\s+(?:\w+\s+)?(?:reflected|captured|included|addressed)|overlook\w*", "concern", "for", "regrets-lack"),
    # Weak: evaluations and modal verbs count only where no strong cue does.
    _c("evaluation", r"success(?:es|ful|fully)?|achievements?|accomplishments?|able to|milestones?|balanced|useful|valuable|crucial|essential|positive(?:ly)?|"
       r"beneficial|effective(?:ly)?|flourish\w*|growth|strengths?|opportunit(?:y|ies)|helped|enabled|facilitated|serves?",
       "supports", "for", "welcomes", strong=False),
    _c("evaluation-bad", r"problematic|uncertain\w*|limitations?|setbacks?|obstacles?|shortcomings?|weakness\w*|"
       r"insufficient|inadequate|disadvantag\w+", "concern", "against", "expresses-concern", strong=False),
    _c("modal", r"must|should|ought to", "request", "for", "calls-for", strong=False),
    _c("observation", r"not(?:e|ed|es|ing)|took note|take note|observ\w+|describ\w+|explain\w+|report(?:s|ed|ing)?|shar(?:e|ed|es|ing)|"
       r"present\w*|outlin\w+|recall\w*|said|stated|mentioned|informed|briefed", "observation", "neutral", "observes", strong=False),
)

# What turns a direction: a loss named after the cue, a loss said of it, a shortfall, a restoration.
_LOSS_WORDS = {**dict.fromkeys(("removal", "removing", "deletion", "deleting", "deletions", "elimination", "eliminating", "exclusion",
                                "omission", "omitting", "loss", "dropping", "scrapping", "abolition", "abandonment", "downgrading"),
                               "regrets-removal"),
               **dict.fromkeys(("lack", "absence", "weakening", "dilution", "erosion", "shrinking", "diminishing", "limited", "slow", "little",
                                "insufficient", "inadequate"), "regrets-lack"),
               **dict.fromkeys(("reduction", "reducing", "fewer", "cut", "cuts"), "regrets-reduction")}
_LOSS = re.compile(r"^(?:about|over|with|at|regarding|on|to|that|for|from)?\s*(?:the\s+|any\s+|a\s+|further\s+)*(?P<word>"
                   + "|".join(_LOSS_WORDS) + r")\b\s*(?:of|in|from|to)?\s*", _F)
_CHANGE = re.compile(r"^(?:about|over|with|at|regarding|on|to)?\s*(?:the\s+|any\s+|these\s+|those\s+|a\s+|further\s+|number of\s+)*"
                     r"(?:revisions?|changes?|alterations?|amendments?|modifications?)\s+(?:to|of|in|that)\b", _F)
_LOSS_SAID = re.compile(r"\b(?:was|were|is|are|had been|has been|have been|being|be|been)\s+(?:\w+\s+)?(?:dropped|removed|deleted|omitted|"
                        r"diluted|weakened|cut|excluded|eliminated|left out|kept out|missing|absent|lost|reduced|downgraded|sidelined|"
                        r"ignored|overlooked|given insufficient|not\s+(?:\w+\s+)?(?:mentioned|reflected|included|addressed|retained|"
                        r"captured|referenced|given))\b|\b(?:no clear|no longer|not enough|too little|insufficient|inadequate|without|"
                        r"fails? to|does(?:n[’']t| not)\s+(?:\w+\s+)?(?:include|capture|reflect|cover|address|mention)|overlook\w*|omit\w*|is not taking|are not taking|to (?:drop|remove|delete|eliminate|exclude|cut|scrap)|"
                        r"undermin\w+|erod\w+|weaken\w*)\b", _F)
_RESTORE = re.compile(r"\b(?:restor\w+|reinstat\w+|reincorporat\w+|reintroduc\w+|return|retain\w*|retention|keep(?:ing)?|maintain\w*|"
                      r"preserv\w+|back)\b", _F)
_DELETE = re.compile(r"^(?:\S+\s+){0,4}?(?:delet\w+|remov\w+|drop(?:ping)?|strik\w+|exclu\w+|avoid\w*|refrain\w*|reopen\w*|"
                     r"eliminat\w+|not (?:to )?(?:include|reopen|mention))\b", _F)
# The words that say "restore" or "delete" once the stance concept says it ("calls for restoration of" X).
_RESTORE_HEAD = re.compile(r"^(?:the\s+)?(?:restoration|reinstatement|reincorporation|reintroduction|return|retention)\s+(?:of\s+|to\s+)?|"
                           r"^(?:to\s+)?(?:restore|reinstate|reincorporate|reintroduce|retain|bring back)\s+", _F)
_DELETE_HEAD = re.compile(r"^(?:the\s+)?(?:deletion|removal|elimination|exclusion|dropping)\s+(?:of\s+)?|"
                          r"^(?:to\s+)?(?:delete|remove|drop|strike|eliminate|exclude)\s+", _F)
_PREDICATIVE = re.compile(r"(?:\bis|\bwas|\bare|\bwere|[’']s|\bbe|\bbeen|\bfound it|\bfind it)\s+(?:(?:really|very|deeply|quite|so|most|extremely|particularly)\s+)*$", _F)
_LEAD = re.compile(r"^(?:(?:for|of|to|on|about|over|with|at|regarding|against|from|in|into|upon)\s+)+", _F)
# Someone reporting what others said: a poll, participants, respondents.
_REPORTED = re.compile(r"^\W*(?:the\s+|most\s+|many\s+|some\s+|several\s+)*(?:participants?|respondents?|attendees|poll|survey|audience)\b"
                       r"|\bparticipant feedback|\b(?:reports?|reported|summari[sz]es|identifies|highlights divergent views|presents these|said|noted|found|"
                       r"showed|indicated)\s+(?:that\s+|from\s+|of\s+|among\s+)?(?:the\s+|most\s+|many\s+|some\s+|several\s+)*(?:participants|respondents|attendees|"
                       r"responses|(?:the\s+)?poll)\b|\b(?:the\s+)?(?:poll|survey)\s+(?:showed|found|indicated|results?)\b", _F | re.S)
# Where a clause starts, and what kind of clause it starts.
_CONTRAST = re.compile(r"(?:;\s*|,?\s+)\b(but|however|yet|though|although|while|whilst|whereas|albeit)\b,?\s*", _F)
_LEADING = re.compile(r"^(?:while|whilst|whereas|although|though|despite|notwithstanding)\b[^,]*,\s*", _F)
# Words after which the object is a qualifier, not what the position is about ("X as departure from Y").
_QUALIFIER = re.compile(r"\s+as\s+|,?\s+though\s+|\s+rather than\s+", _F)
# Heads too generic to name a target: the explanation's first sentence says what they are.
_GENERIC = re.compile(r"\b(?:proposal|procedure|approach|initiative|participation|process|language)\b", _F)
# Before a participle, words that make it describe others ("a majority position supporting …").
_DESCRIBED = re.compile(r"\b(?:camps?|positions?|majority|minority|those|states|countries|delegations|members|others|"
                        r"voices|views|proposals?)\s+$", _F)
_OTHERS = re.compile(r"\b(?:a|the)\s+(?:majority|minority)\s+$|\b(?:camps?|others)\s+$", _F)
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
        return bool(_GENERIC.search(self.about)) or self.rule.startswith("default")

    @property
    def says_something(self) -> bool:
        """True when a cue other than a bare observation chose it."""
        return self.act != "observation" or self.rule in ("reported-views", "no-position", "no-concern", "mixed-evaluation")


def _clauses(text: str) -> list[tuple[int, int, str]]:
    """Split *text* into (start, end, kind) clauses; kind is 'main', 'after-contrast' or 'concession'."""
    out, pos, kind = [], 0, "main"
    lead = _LEADING.match(text)
    if lead:
        out.append((0, lead.end(), "concession"))
        pos = lead.end()
    for m in _CONTRAST.finditer(text, pos):
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
    return _QUALIFIER.split(obj, maxsplit=1)[0].strip() or obj


def _turn(cue: Cue, obj: str) -> tuple[str, str, str, str]:
    """Return (stance, direction, object text, rule suffix) once the object has had its say."""
    if cue.act in ("concern", "opposes") and cue.direction == "against" and _CHANGE.match(obj):
        # Worried about, or against, the changes made to X: for X as it was.
        return cue.stance, "for", obj, "+change"
    loss = _LOSS.match(obj)
    if cue.act in ("concern", "opposes") and cue.direction == "against":
        if loss:
            stance = _LOSS_WORDS[loss.group("word").lower()] if cue.act == "concern" else cue.stance
            # "the reduction from three to two groups" keeps its preposition: "regrets the reduction from …"
            rest = obj[loss.end("word") if stance == "regrets-reduction" else loss.end():].strip() or obj
            return stance, "for", rest if cue.act == "concern" else obj, "+loss"
        if _LOSS_SAID.search(obj) or cue.name == "regret" and obj.lower().startswith(("stronger", "more", "clearer")):
            return cue.stance, "for", obj, "+shortfall"
    if cue.act in ("request", "supports") and cue.direction == "for":
        if _RESTORE.search(obj[:60]) and cue.act == "request":
            return "calls-for-restoration", "for", _RESTORE_HEAD.sub("", obj) or obj, "+restore"
        if loss and loss.group("word").lower() in ("removal", "removing", "deletion", "deleting", "deletions", "elimination",
                                                     "eliminating", "exclusion", "dropping", "scrapping", "abolition") \
                or _DELETE.match(obj):
            if cue.act == "request":
                return "calls-for-deletion", "against", _DELETE_HEAD.sub("", obj) or obj, "+deletion"
            return cue.stance, "against", obj, "+deletion"
    return cue.stance, cue.direction, obj, ""


def read(text: str) -> list[Stance]:
    """Return the readings of *text*, the one that speaks for it first (an observation if none does)."""
    t = re.sub(r"\s+", " ", text).strip()
    if not t:
        return []
    if _REPORTED.search(t):
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
    readings: list[tuple[tuple, Stance]] = []
    for s, e, cue in hits:
        before = t[max(0, s - 40):s]
        if _DESCRIBED.search(before) and t[s:e].lower().endswith("ing") or _OTHERS.search(before):
            continue  # "camps supporting X", "a minority seeks Y": others described, not a stance taken
        n, kind = kind_at(s)
        end = clauses[n][1]
        obj = _LEAD.sub("", t[e:end].strip(" ,.;:")) or t
        if t[s:e].lower().endswith(("ing", "able")) and _PREDICATIVE.search(t[max(clauses[n][0], s - 40):s]):
            # "… was removed, and that's really disappointing": what is judged comes before the judgement.
            obj = t[clauses[n][0]:s].strip(" ,.;:") or obj
        stance, direction, shown, suffix = _turn(cue, obj)
        # The sentence's voice: strong over weak, the last contrast over what it answers, main over concession,
        # then the first said; an observation only where nothing else is said.
        last_contrast = max((i for i, c in enumerate(clauses) if c[2] == "after-contrast"), default=-1)
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
    """Return the stance of an argument: its *title* where a strong cue says it, else the first sentence
    of *explanation* that says something, else a weak cue of either; targets are read in the title."""
    t = re.sub(r"\s+", " ", title).strip()
    if explanation and _REPORTED.search(first_sentence(explanation)):
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


CUE_BY_NAME = {c.name: c for c in CUES} | {"reported-views": Cue("reported-views", re.compile("$^"), "observation", "neutral", DEFAULT),
                                            "mixed-evaluation": Cue("mixed-evaluation", re.compile("$^"), "observation", "neutral", DEFAULT, False),
                                            "default": Cue("default", re.compile("$^"), "observation", "neutral", DEFAULT, False)}


def sentences(text: str) -> list[str]:
    """Split *text* into sentences (an abbreviation such as 'Rev. 2' or 'para. 5' does not end one)."""
    return [s for _, s in split(text or "") if s.strip()]


def first_sentence(text: str) -> str:
    """The explanation's first sentence, where a report says what a generic title is about."""
    found = sentences(text)
    return found[0] if found else text.strip()
