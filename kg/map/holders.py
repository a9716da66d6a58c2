"""Find who holds a statement: the actors its subject names, else the speaker it is reported under.

A statement's subject is the words before its first verb: "Egypt, Nigeria and Tunisia opposed …",
"On behalf of the African Group, Nigeria urged …", "A group of like-minded states, delivered by
Liechtenstein, opposed …", "Brazil's proposal … was welcomed". Asides that name someone else are not
the subject ("Kenya, aligning itself with the African Group, stressed …", "France, backed by Germany,
proposed …"). A group named with a state that delivers it ("speaking for", "on behalf of", "delivered
by", "through") is the group spoken for; the state holds the position. No actor in the subject ("They",
"The delegation", "Participants") leaves the speaker. Courtesy titles ("Dr.", "Ambassador", "H.E.")
are not part of a person's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import URIRef

from kg.vocab import CDO

# Words that end a subject: the verbs statements are made with (cue verbs are found by kg.map.stance).
_VERBS = re.compile(
    r"(?<![\w-])(?:said|says|stated|noted|made|makes|took|takes|thanked|thanks|put|puts|was|were|is|are|has|have|had|"
    r"asked|asks|expressed|expresses|emphasi[sz]ed|emphasi[sz]es|stressed|stresses|highlighted|highlights|underscored|underlined|"
    r"argued|argues|reported|described|explained|presented|shared|raised|sought|voiced|drew|flagged|felt|believes|believed|"
    r"considered|considers|hoped|hopes|wanted|wants|maintained|maintains|recognised|recognized|joined|remained|remains|could|"
    r"would|did|does|do|will|cannot|can|called|calls|urged|urges|requested|requests|proposed|proposes|suggested|suggests|"
    r"supported|supports|backed|endorsed|welcomed|welcomes|appreciated|opposed|opposes|objected|rejected|rejects|dissociated|"
    r"regretted|regrets|warned|warns|cautioned|lamented|deplored|criticised|criticized|advocated|insisted|demanded|pressed|"
    r"pushed|favoured|favored|championed|applauded|hailed|condemned|denounced|feared|questioned|recommended|preferred|"
    r"reiterated|appealed|encouraged|indicated|signalled|signaled|showed|offered|agreed|disagreed|aligned|aligns|align|"
    r"commended|praised|worried|doubted|insists|demands|opened|outlined|recalled|informed|briefed|spoke|stood|underlines)(?![\w-])",
    re.I)
# Asides naming someone who is not the subject.
_ASIDE = re.compile(r",\s*(?:aligning|aligned|associating|(?:backed|supported|joined|seconded)\s+by|echoing|like|along with|"
                    r"in line with|following|together with)\b[^,]*(?:,|$)", re.I)
_DELIVERY = re.compile(r"\b(?:speaking\s+(?:for|on behalf of)|on behalf of|for the|delivered by|through|representing|via)\b", re.I)
_BEHALF = re.compile(r"\b(?:on behalf of|speaking for)\s+([^,.;]+)", re.I)


def subject(text: str) -> str:
    """Return the words before the statement's first verb (all of *text* if it has none: a caller may pass
    the words before the stance cue), asides that name others taken out."""
    t = _ASIDE.sub(",", " ".join(text.split()))
    m = _VERBS.search(t)
    return t[: m.start()] if m else t


@dataclass
class Holders:
    """Who holds a statement: the actors holding it and the groups spoken for; *from_text* when its words named them."""

    actors: list[URIRef] = field(default_factory=list)
    groups: list[URIRef] = field(default_factory=list)
    from_text: bool = False

    def all(self) -> set[URIRef]:
        return set(self.actors) | set(self.groups)


def holders(text: str, res, speaker: URIRef | None = None, group: URIRef | None = None,
            chair: URIRef | None = None) -> Holders:
    """Return who holds the statement *text*: the actors its subject names (a group delivered by a
    state is spoken for), else *speaker* speaking for *group*."""
    subj = subject(text)
    found = [a for a in res.actors_in(subj, chair if re.match(r"^\W*(?:the\s+)?chair", subj, re.I) else None,
                                      organizations=True)] if subj else []
    person = _person(subj, res)
    if person is not None and not found:
        found = [person]
    if not found:
        return Holders([speaker] if speaker is not None else [], [group] if group is not None else [])
    groups = [a for a in found if res.kind(a) == CDO.Group]
    states = [a for a in found if a not in groups]
    # "… made a statement on behalf of a group of like-minded countries, supporting …": the group spoken
    # for may follow the verb; nothing else after it is the subject.
    for m in _BEHALF.finditer(text):
        groups += [a for a in res.actors_in(m.group(1)) if res.kind(a) == CDO.Group and a not in groups]
    if groups and states and (_DELIVERY.search(subj) or _BEHALF.search(text)):
        return Holders(states, groups, True)
    if groups and not states and speaker is not None and _DELIVERY.search(subj):
        return Holders([speaker], groups, True)
    return Holders(states + [g for g in groups if g not in states], [], True)


def _person(subj: str, res) -> URIRef | None:
    """A person the subject names ('Dr. Samuel Reyes'), titles stripped."""
    from kg.map.resolve import looks_like_person, person_iri, strip_titles

    words = strip_titles(subj.strip(" ,")).strip()
    if words.lower().startswith("the "):
        return None
    return person_iri(words) if looks_like_person(words) else None


def one_word_names(report, res, chair: URIRef | None = None) -> dict[str, str]:
    """Return the one-word speaker headings of *report* ("Darkwah") with the one full name the report gives
    elsewhere (its speakers list, transcript, headings) that holds the word, warning on the report; a heading none
    or several names hold is kept as written, warned. A state, group, organization or the Chair is a name already."""
    from kg.map.resolve import strip_titles

    known = {strip_titles(n) for n in [sp.name for sp in report.speakers] + [t.speaker for t in report.turns if t.speaker]
             + [b.name for b in report.blocks]}
    aliases: dict[str, str] = {}
    for b in report.blocks:
        word = b.name.strip()
        if " " in word or word in aliases or res.speaker(word, chair).iri is not None:
            continue
        fits = sorted({n for n in known if len(n.split()) > 1 and word.casefold() in (w.casefold() for w in n.split())})
        where = f"{report.path}:{b.line}: [speakers]"
        if len(fits) == 1:
            aliases[word] = fits[0]
            report.warnings.append(f"{where} one-word speaker heading {word!r} read as {fits[0]!r} (the report's full name for it)")
        else:
            report.warnings.append(f"{where} one-word speaker heading {word!r} names no state, group or organization and "
                                   + (f"could be any of {fits}" if fits else "no full name in the report holds it") + "; kept as written")
    return aliases
