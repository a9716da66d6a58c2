"""Resolve names in a report to the reference data: states, groups, mechanisms, instruments, offices."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg import vocab
from kg.iris import folds_away, mint, safe_slug, short_hash, slug
from kg.map.provisions import Documents

CDO = vocab.CDO
_QUALIFIED = re.compile(r"^(.*?)\s*\((?:(?:speaking\s+)?(?:for|on behalf of)\s+)?(.*?)\)\s*$", re.I)
_BEHALF = re.compile(r"on behalf of\s+(.+?)(?:[,;.]|$)", re.I)
_AT_ORG = re.compile(r"\bat\s+([^,;]+)")
_MISSION = re.compile(r"\b(Permanent Mission of [^,;]+)")


@lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    """Fold *text* for name matching: accents, case, hyphens, apostrophes, a leading 'the'.

    Remembered: speaker names and labels recur in every block of a report and across reports."""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()
    t = re.sub(r"[\-‐–—_/\s]", " ", t)  # whitespace too: a newline between two words must not join them
    t = re.sub(r"[^a-z0-9() ]+", "", t)
    t = re.sub(r"\s+", " ", t).strip()
    return t[4:] if t.startswith("the ") else t


_POSSESSIVE = re.compile(r"(?<=[^\W\d_])['’]s?(?![^\W_])")
_SPELLINGS = ((re.compile(r"\b(behavio|favo|hono|labo|endeavo)r(s|al|ed|ing|able|ably)?\b", re.I), r"\1ur\2"),
              (re.compile(r"\b(cent|theat)er(s)?\b", re.I), r"\1re\2"),
              (re.compile(r"\bdefense\b", re.I), "defence"),
              (re.compile(r"\bprogram(s)?\b", re.I), r"programme\1"),
              (re.compile(r"\b([a-z]{3,}[aeiou][a-z]*?)iz(e|es|ed|ing|ation|ations)\b", re.I), r"\1is\2"))
_THE_PROCESS = re.compile(r"\b(?:the|this|our|its) (?:working group|process)\b")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Fold what names the same thing differently before matching names in running text: possessives
    ("OEWG's", "ransomware’s") and US spellings ("behavior", "operationalize") read as their base and UK forms."""
    t = _POSSESSIVE.sub("", text)
    for rx, to in _SPELLINGS:
        t = rx.sub(to, t)
    return t


@dataclass(frozen=True)
class Actor:
    """A resolved speaker: the actor IRI (None when unknown), its class, the group spoken for."""

    iri: URIRef | None
    kind: URIRef | None
    label: str
    on_behalf_of: URIRef | None = None


class Resolver:
    """Look names up in the reference data by prefLabel, rdfs:label and altLabel."""

    def __init__(self, reference: Graph):
        self.names: dict[str, tuple[URIRef, URIRef]] = {}
        self.targets: list[tuple[str, URIRef]] = []
        self.graph = reference
        self.mechanisms = set(reference.subjects(RDF.type, CDO.Mechanism))
        self.known_topics = {str(s) for s in reference.subjects(SKOS.inScheme, vocab.TOPIC_SCHEME)}
        kinds = {}
        for s, o in reference.subject_objects(RDF.type):
            kinds.setdefault(s, set()).add(o)
        for s, ks in kinds.items():
            kind = self._kind(ks)
            if kind is None:
                continue
            for p in (SKOS.prefLabel, RDFS.label, SKOS.altLabel):
                for lab in reference.objects(s, p):
                    n = norm(str(lab))
                    self.names.setdefault(n, (s, kind))
                    if kind in (CDO.Mechanism, CDO.Instrument, CDO.Issue):
                        self.targets.append((norm(fold(str(lab))), s, 1 if kind == CDO.Issue else 0))
        # Longest names first, so 'dedicated thematic group on capacity building' beats 'DTG'; of equal names,
        # the instrument or mechanism beats the issue it embodies.
        self.targets.sort(key=lambda t: (-len(t[0]), t[2], t[0], str(t[1])))
        # Each name can only match where its first word stands as a word of the text: index the
        # patterns by that word, so a text tries tens of patterns rather than every name.
        self._by_word: dict[str, list[int]] = {}
        self._always: list[int] = []
        for i, (n, _, _) in enumerate(self.targets):
            first = re.match(r"[a-z0-9]+", n)
            if first:
                self._by_word.setdefault(first.group(0), []).append(i)
            else:
                self._always.append(i)

    @staticmethod
    def _kind(types: set) -> URIRef | None:
        for k, cls in ((CDO.State, (CDO.MemberState, CDO.ObserverState)),
                       (CDO.Group, (CDO.RegionalGroup, CDO.NegotiatingGroup, CDO.AdHocGroup)),
                       (CDO.Mechanism, (CDO.Mechanism,)), (CDO.Office, (CDO.Office,)), (CDO.Person, (CDO.Person,)),
                       (CDO.Organization, (CDO.Organization,)),
                       (CDO.Instrument, (CDO.ThematicGroup, CDO.Directory, CDO.Fund, CDO.Portal, CDO.Programme,
                                         CDO.Framework)), (CDO.Issue, (CDO.Issue,))):
            if types & set(cls):
                return k
        return None

    @cached_property
    def documents(self):
        """The negotiation documents and the names they are cited by (compiled once per resolver)."""
        return Documents(self.graph)

    @cached_property
    def actor_names(self) -> list[tuple[str, URIRef]]:
        """Every name of a state or group, longest first: who a summary's sentence is about."""
        return [(n, iri) for n, iri in self.speaker_names if self.kind(iri) != CDO.Organization]

    @cached_property
    def speaker_names(self) -> list[tuple[str, URIRef]]:
        """Every name of a state, group or organization, longest first: who a statement's subject names."""
        return sorted(((n, iri) for n, (iri, kind) in self.names.items()
                       if kind in (CDO.State, CDO.Group, CDO.Organization)), key=lambda x: (-len(x[0]), x[0]))

    def kind(self, iri: URIRef) -> URIRef | None:
        """Return the kind (cdo:State, cdo:Group, cdo:Organization…) the reference data gives *iri*."""
        return self._kinds.get(iri)

    @cached_property
    def _kinds(self) -> dict[URIRef, URIRef]:
        return {iri: kind for iri, kind in self.names.values()}

    def actors_in(self, text: str, chair: URIRef | None = None, organizations: bool = False) -> list[URIRef]:
        """Return the states and groups *text* names (and *chair* for "the Chair"; organizations if asked), in
        text order, each once: who a summary's sentence is about ("Germany and Chile supported France's proposal")."""
        t = norm(fold(text))
        said = re.search(r"\bchair(?:person|man|woman)?\b", t)
        hits = [(said.start(), chair)] if said and chair is not None else []
        taken: list[tuple[int, int]] = []
        for name, iri in self.speaker_names if organizations else self.actor_names:  # longest first: "Republic of Korea" before "Korea"
            for start, end in _whole_words(name, t):
                if not any(start < e and s < end for s, e in taken):
                    taken.append((start, end))
                    hits.append((start, iri))
        return list(dict.fromkeys(iri for _, iri in sorted(hits, key=lambda h: h[0])))

    def label(self, iri: URIRef) -> str:
        """Return the reference label of *iri*, or its last IRI segment."""
        return str(self.graph.value(iri, SKOS.prefLabel) or self.graph.value(iri, RDFS.label) or self.local(iri))

    @staticmethod
    def local(iri: URIRef) -> str:
        """Return the last segment of *iri*."""
        return str(iri).rstrip("/").rsplit("/", 1)[-1]

    def office_of(self, process: URIRef) -> URIRef | None:
        """Return the Chair office the reference data gives the process, if any."""
        return self.graph.value(process, CDO.hasOffice)

    def lookup(self, name: str, kind: URIRef | None = None) -> URIRef | None:
        """Return the reference IRI named *name* (of *kind* if given), or None."""
        hit = self.names.get(norm(name))
        if hit and (kind is None or hit[1] == kind):
            return hit[0]
        return None

    def group_in(self, text: str) -> URIRef | None:
        """Return the group a role text says the speaker speaks on behalf of."""
        m = _BEHALF.search(text)
        return self.lookup(m.group(1), CDO.Group) if m else None

    def speaker(self, name: str, chair: URIRef | None = None) -> Actor:
        """Resolve a speaker name such as 'Viet Nam', 'Nigeria (African Group)', 'Chair' or a person."""
        name = re.sub(r"\s+", " ", name).strip()
        whole = self.names.get(norm(name))
        if whole and whole[1] in (CDO.State, CDO.Group, CDO.Person, CDO.Organization):
            return Actor(whole[0], whole[1], name)
        m = _QUALIFIED.match(name)
        if m and m.group(1):
            inner = self.speaker(m.group(1), chair)
            group = self.lookup(m.group(2), CDO.Group)
            return Actor(inner.iri, inner.kind, name, group or inner.on_behalf_of)
        if norm(name) in ("chair", "chairperson", "chairman", "chairwoman", "mr chair", "madam chair") and chair:
            return Actor(chair, CDO.Office, name)
        if looks_like_person(strip_titles(name)):
            return Actor(person_iri(strip_titles(name)), CDO.Person, name)
        return Actor(None, None, name)

    def mentions(self, text: str, process: URIRef | None = None) -> list[URIRef]:
        """Return the mechanisms, instruments and issues *text* names, in text order; longer names win overlaps.
        Where the meeting's *process* is known, "the working group" and "the process" name it."""
        t = norm(fold(text))
        taken: list[tuple[int, int, URIRef]] = []
        tried = set(self._always)
        for word in set(re.findall(r"[a-z0-9]+", t)):
            tried.update(self._by_word.get(word, ()))
        for i in sorted(tried):  # in the same order: longest names first
            n, iri, _ = self.targets[i]
            for start, end in _whole_words(n, t):
                if not any(start < e and s < end for s, e, _ in taken):
                    taken.append((start, end, iri))
        if process is not None:
            for m in _THE_PROCESS.finditer(t):
                if not any(m.start() < e and s < m.end() for s, e, _ in taken):
                    taken.append((m.start(), m.end(), process))
        found: list[URIRef] = []
        for _, _, iri in sorted(taken, key=lambda x: x[0]):  # in the order the text names them
            if iri not in found:
                found.append(iri)
        return found


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _whole_words(name: str, text: str):
    """Yield (start, end) of each occurrence of *name* in *text* not inside a word, left to right without
    overlaps: what re.finditer gives for (?<![a-z0-9])name(?![a-z0-9]). Nothing to prepare, where the
    270 patterns were compiled in each process (0.03 s) and kept beside the resolver."""
    i = text.find(name)
    while i >= 0:
        j = i + len(name)
        if (i == 0 or text[i - 1] not in _WORD_CHARS) and (j == len(text) or text[j] not in _WORD_CHARS):
            yield i, j
            i = text.find(name, j)
        else:
            i = text.find(name, i + 1)


TITLES = re.compile(r"^(?:(?:H\.?\s?E\.?|Dr\.?|Prof\.?|Professor|Ambassador|Amb\.?|Mr\.?|Mrs\.?|Ms\.?|Madam|Sir|Dame|"
                    r"Excellency|His Excellency|Her Excellency|Minister|Deputy)\s+)+", re.I)


def strip_titles(name: str) -> str:
    """Return *name* without courtesy titles: 'H.E. Maria Gonzalez' -> 'Maria Gonzalez' (the person, not the honour)."""
    bare = TITLES.sub("", name.strip())
    return bare if bare.strip() else name.strip()


_PARTICLES = {"de", "da", "del", "van", "von", "der", "bin", "al", "el", "la", "le", "di", "du", "dos"}


def _name_word(w: str) -> bool:
    # A capitalised word in any script ('Иванов', 'Núñez'), or a letter of a script without case.
    return w[0].isalpha() and not w[0].islower() and all(c.isalpha() or c in "’'.-" for c in w)


def looks_like_person(name: str) -> bool:
    """Tell whether *name* reads like a person's name: 2 to 5 capitalised words (any script), no digits."""
    words = name.split()
    return 2 <= len(words) <= 5 and _name_word(words[0]) and all(_name_word(w) or w in _PARTICLES for w in words) \
        and not any(c.isdigit() for c in name)


def person_iri(name: str) -> URIRef:
    """Mint a person's IRI from the folded name, so hyphen and space spellings are one person.

    Letters that ASCII folding drops (Cyrillic, Chinese…) are kept by a hash of the name written
    the same way: no two different names share an IRI.
    """
    folded = " ".join(norm(name).replace("(", "").replace(")", "").split())
    if folds_away(name):
        canon = " ".join(re.sub(r"[\-‐–—_]", " ", unicodedata.normalize("NFKC", name).casefold()).split())
        return mint("person", (slug(folded) + "-" if slug(folded) else "h-") + short_hash(canon))
    return mint("person", safe_slug(folded))


def organization_in(role: str) -> str | None:
    """Return the organization a speaker's role text names ('… at Microsoft, …'), or None."""
    m = _MISSION.search(role) or _AT_ORG.search(role)
    if not m:
        return None
    org = m.group(1).strip().rstrip(".")
    return org if 1 < len(org) <= 120 else None


def split_names(text: str, known=lambda name: False) -> list[str]:
    """Split 'A and B', 'A, B and C' into names, unless a qualifier in brackets holds the separators.

    Whole names *known* to the reference data are kept whole, however many 'and's they hold
    ('Trinidad and Tobago', 'United Kingdom of Great Britain and Northern Ireland').
    """
    if "(" in text or known(text):
        return [text.strip()]
    out: list[str] = []
    for part in (p.strip() for p in re.split(r",\s*", text)):
        words = [w.strip() for w in re.split(r"\s+and\s+|\s*&\s*", part) if w.strip()]
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):  # the longest run of pieces that names someone known
                name = " and ".join(words[i:j])
                if j == i + 1 or known(name):
                    out.append(name)
                    i = j
                    break
    return [n for n in out if n]
