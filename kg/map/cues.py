"""The words a statement takes a stance with, and the words around them that turn it.

Each cue names a speech act (supports, opposes, concern, request, observation), a default direction toward
what follows it (for, against, neutral) and a concept of the stance scheme. Negated cues come first and are
longer, so "did not support" wins over the "support" inside it. Strong cues are stance words; weak ones
(evaluations, modal verbs) count only where no strong cue does; named ones ("the proposal", "Progress Report")
name a thing rather than take a stance. kg/map/stance.py reads them over clauses; docs/stance.md says how they
were written and scored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
LOSS_WORDS = {**dict.fromkeys(("removal", "removing", "deletion", "deleting", "deletions", "elimination", "eliminating", "exclusion",
                                "omission", "omitting", "loss", "dropping", "scrapping", "abolition", "abandonment", "downgrading"),
                               "regrets-removal"),
               **dict.fromkeys(("lack", "absence", "weakening", "dilution", "erosion", "shrinking", "diminishing", "limited", "slow", "little",
                                "insufficient", "inadequate"), "regrets-lack"),
               **dict.fromkeys(("reduction", "reducing", "fewer", "cut", "cuts"), "regrets-reduction")}
LOSS = re.compile(r"^(?:about|over|with|at|regarding|on|to|that|for|from)?\s*(?:the\s+|any\s+|a\s+|further\s+)*(?P<word>"
                   + "|".join(LOSS_WORDS) + r")\b\s*(?:of|in|from|to)?\s*", _F)
CHANGE = re.compile(r"^(?:about|over|with|at|regarding|on|to)?\s*(?:the\s+|any\s+|these\s+|those\s+|a\s+|further\s+|number of\s+)*"
                     r"(?:revisions?|changes?|alterations?|amendments?|modifications?)\s+(?:to|of|in|that)\b", _F)
LOSS_SAID = re.compile(r"\b(?:was|were|is|are|had been|has been|have been|being|be|been)\s+(?:\w+\s+)?(?:dropped|removed|deleted|omitted|"
                        r"diluted|weakened|cut|excluded|eliminated|left out|kept out|missing|absent|lost|reduced|downgraded|sidelined|"
                        r"ignored|overlooked|given insufficient|not\s+(?:\w+\s+)?(?:mentioned|reflected|included|addressed|retained|"
                        r"captured|referenced|given))\b|\b(?:no clear|no longer|not enough|too little|insufficient|inadequate|without|"
                        r"fails? to|does(?:n[’']t| not)\s+(?:\w+\s+)?(?:include|capture|reflect|cover|address|mention)|overlook\w*|omit\w*|is not taking|are not taking|to (?:drop|remove|delete|eliminate|exclude|cut|scrap)|"
                        r"undermin\w+|erod\w+|weaken\w*)\b", _F)
RESTORE = re.compile(r"\b(?:restor\w+|reinstat\w+|reincorporat\w+|reintroduc\w+|return|retain\w*|retention|keep(?:ing)?|maintain\w*|"
                      r"preserv\w+|back)\b", _F)
DELETE = re.compile(r"^(?:\S+\s+){0,4}?(?:delet\w+|remov\w+|drop(?:ping)?|strik\w+|exclu\w+|avoid\w*|refrain\w*|reopen\w*|"
                     r"eliminat\w+|not (?:to )?(?:include|reopen|mention))\b", _F)
# The words that say "restore" or "delete" once the stance concept says it ("calls for restoration of" X).
RESTORE_HEAD = re.compile(r"^(?:the\s+)?(?:restoration|reinstatement|reincorporation|reintroduction|return|retention)\s+(?:of\s+|to\s+)?|"
                           r"^(?:to\s+)?(?:restore|reinstate|reincorporate|reintroduce|retain|bring back)\s+", _F)
DELETE_HEAD = re.compile(r"^(?:the\s+)?(?:deletion|removal|elimination|exclusion|dropping)\s+(?:of\s+)?|"
                          r"^(?:to\s+)?(?:delete|remove|drop|strike|eliminate|exclude)\s+", _F)
PREDICATIVE = re.compile(r"(?:\bis|\bwas|\bare|\bwere|[’']s|\bbe|\bbeen|\bfound it|\bfind it)\s+(?:(?:really|very|deeply|quite|so|most|extremely|particularly)\s+)*$", _F)
LEAD = re.compile(r"^(?:(?:for|of|to|on|about|over|with|at|regarding|against|from|in|into|upon)\s+)+", _F)
# Someone reporting what others said: a poll, participants, respondents.
REPORTED = re.compile(r"^\W*(?:the\s+|most\s+|many\s+|some\s+|several\s+)*(?:participants?|respondents?|attendees|poll|survey|audience)\b"
                       r"|\bparticipant feedback|\b(?:reports?|reported|summari[sz]es|identifies|highlights divergent views|presents these|said|noted|found|"
                       r"showed|indicated)\s+(?:that\s+|from\s+|of\s+|among\s+)?(?:the\s+|most\s+|many\s+|some\s+|several\s+)*(?:participants|respondents|attendees|"
                       r"responses|(?:the\s+)?poll)\b|\b(?:the\s+)?(?:poll|survey)\s+(?:showed|found|indicated|results?)\b", _F | re.S)
# Where a clause starts, and what kind of clause it starts.
CONTRAST = re.compile(r"(?:;\s*|,?\s+)\b(but|however|yet|though|although|while|whilst|whereas|albeit)\b,?\s*", _F)
LEADING = re.compile(r"^(?:while|whilst|whereas|although|though|despite|notwithstanding)\b[^,]*,\s*", _F)
# Words after which the object is a qualifier, not what the position is about ("X as departure from Y").
QUALIFIER = re.compile(r"\s+as\s+|,?\s+though\s+|\s+rather than\s+", _F)
# Heads too generic to name a target: the explanation's first sentence says what they are.
GENERIC = re.compile(r"\b(?:proposal|procedure|approach|initiative|participation|process|language)\b", _F)
# Before a participle, words that make it describe others ("a majority position supporting …").
DESCRIBED = re.compile(r"\b(?:camps?|positions?|majority|minority|those|states|countries|delegations|members|others|"
                        r"voices|views|proposals?)\s+$", _F)
OTHERS = re.compile(r"\b(?:a|the)\s+(?:majority|minority)\s+$|\b(?:camps?|others)\s+$", _F)


CUE_BY_NAME = {c.name: c for c in CUES} | {"reported-views": Cue("reported-views", re.compile("$^"), "observation", "neutral", "observes"),
                                            "mixed-evaluation": Cue("mixed-evaluation", re.compile("$^"), "observation", "neutral", "observes", False),
                                            "default": Cue("default", re.compile("$^"), "observation", "neutral", "observes", False)}
