"""Find what a sentence cites of the negotiated text: document versions, sections, paragraphs and annexes.

Delegates cite the draft as "paragraph 43(d)(i)", "34G", "35 G", "paragraph 35, subparagraph G", "paragraph 43
subparagraph DI", "paragraphs 34R and 36", "paragraph three", "section D", "section C and D of the fourth report",
"Annex C" and the draft itself as "Rev.2", "REV-2" or, transcribed, "RAP2", "URF 2", "BREF II". This module reads
those forms into `Cited` items with their character spans; kg/map/negotiation.py decides which version each
provision belongs to (it needs the meeting) and writes the triples. Names of documents and versions come from the
reference data (ontology/reference/documents.ttl), so a new transcription variant is one hidden label there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.vocab import CDO

_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen twenty").split()
_WORD_NUM = {w: str(i) for i, w in enumerate(_WORDS)}
# A paragraph number: digits or a number word, then sub-letters in any of the forms delegates use.
_SUB = (r"(?:\s*\((?P<l1>[a-z])\)(?:\s*\((?P<r1>[ivx]{1,4})\))?"                 # 43(d)(i)
        r"|(?P<l2>[A-Za-z])(?![A-Za-z])(?:\s*\((?P<r2>[ivx]{1,4})\))?"          # 34G, 34g(ii)
        r"|\s(?P<l3>[B-HJ-Z])(?=[\s,.;:)]|$)"                                  # 35 G (not "16 I think")
        r"|,?\s+sub-?paragraph\s+\(?(?P<l4>[a-zA-Z])\)?(?:\s*\(?(?P<r4>[ivxIVX]{1,4})\)?(?![A-Za-z]))?)")  # 43 subparagraph DI
_NUM = rf"(?P<n>\d{{1,3}}(?![\d.]\d)|(?:{'|'.join(_WORDS)})(?![a-z]))(?:{_SUB})?"
_ONE_NUM = re.compile(_NUM, re.I)
_DIGIT_NUM = re.compile(_NUM.replace("|(?:" + "|".join(_WORDS) + ")(?![a-z])", ""), re.I)  # after the first: digits only
_PARA_HEAD = re.compile(r"(?:\b|(?<=in))(?:sub-?)?para(?:graph)?s?\.?\s+(?:no\.\s*)?", re.I)
_LIST_SEP = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s+(?:to|through)\s+|\s*[-–]\s*)(?:para(?:graph)?s?\.?\s+)?", re.I)
_BARE = re.compile(r"(?<![\w/.,-])(?P<n>\d{2})\s?(?P<l>[A-Z])(?![\w’'-])")
_SECTION = re.compile(r"\b[Ss]ections?\s+(?P<a>[A-H])(?![\w’'])(?P<more>(?:\s*(?:,|and|&)\s*[A-H](?![\w’']))*)")
_ANNEX = re.compile(r"\b[Aa]nnex(?:es)?\s+(?P<a>[A-Z]{1,3}|\d{1,2})(?![\w’'])")
_OF = re.compile(r"\s*,?\s*(?:of|in|from|under)\s+(?:the\s+)?", re.I)
# Words that place a provision in the version before the one under negotiation.
_EARLIER = re.compile(r"\b(?:former|earlier|previous|old|deleted|dropped|removed)\s+(?:\w+\s+){0,2}$", re.I)
_GONE_AFTER = re.compile(r"^\W{0,3}\s*(?:which|that)\s+(?:has|have|had)\s+(?:now\s+)?been\s+(?:deleted|removed|dropped)", re.I)
_GONE_BEFORE = re.compile(r"\b(?:(?:deletion|removal|elimination|omission|loss|reinstatement|restoration|reintroduction)\s+of|"
                          r"reinstat(?:e|ing)|restor(?:e|ing)|reintroduc(?:e|ing)|bring\s+back)\s+(?:the\s+)?(?:former\s+)?$", re.I)
# "paragraphs 34R and 36 be reinstated": a paragraph to bring back is one the version under negotiation dropped
_BACK_AFTER = re.compile(r"^\s*(?:should|must|shall|to|could)?\s*(?:also\s+)?be\s+(?:reinstated|restored|reintroduced|brought\s+back)", re.I)
_OF_ANNEX = re.compile(r"\s*,?\s*(?:of|in)\s+(?:the\s+)?[Aa]nnex\s+(?P<a>[A-Z]{1,3}|\d{1,2})(?![\w’'])")
_REQUEST_BEFORE = re.compile(r"\b(?:recommend|request|propose|suggest|call for|ask for|seek|urge)\w*\s+(?:the\s+)?$", re.I)
# Ways of naming the version under negotiation without naming it.
_CURRENT = re.compile(r"\b(?:the\s+)?(?:current|present|latest|revised|this)\s+(?:draft|text|version)(?:\s+of\s+the\s+text)?\b", re.I)


@dataclass(frozen=True)
class Cited:
    """One citation in a sentence: *kind* is version, document, current, section, paragraph or annex."""

    start: int
    end: int
    words: str
    kind: str
    ref: URIRef | None = None          # the version or document named, or a curated provision
    number: tuple[str, ...] = ()       # ("43", "d", "i"), ("D",), ("I",)
    of: "Cited | None" = None          # the document or version the text says it is of ("… of Rev.1")
    earlier: bool = False              # the text calls it former, earlier or deleted
    annex: str | None = None           # the annex it is said to be in ("para 12 of Annex I")


def _variants(label: str) -> str:
    """Return a pattern for *label* with dots, hyphens and spaces optional between its parts."""
    parts = re.findall(r"[A-Za-z]+|\d+", label)
    body = r"[\s.\-/]*".join(re.escape(p) for p in parts)
    if parts and parts[-1].isdigit():
        body += r"(?:\.0)?"
    return body


class Documents:
    """The reference data's documents and versions, and the names they are cited by."""

    def __init__(self, reference: Graph):
        self.graph = reference
        self.versions = set(reference.subjects(RDF.type, CDO.DocumentVersion))
        self.works = set(reference.subjects(RDF.type, CDO.NegotiationDocument))
        self.curated = {s for s in reference.subjects(CDO.inVersion, None)}
        names: list[tuple[str, URIRef]] = []
        for s in self.versions | self.works | self.curated:
            for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
                names += [(str(o), s) for o in reference.objects(s, p)]
        names.sort(key=lambda x: -len(x[0]))  # longest first: "fourth annual progress report" before "final report"
        # One lookbehind before the alternation, not one in each branch: inside a word it fails at once, where the
        # branches were each tried at every character (a third of the map stage's time).
        self._pattern = re.compile("(?<![A-Za-z0-9])(?:" + "|".join(f"(?P<d{i}>{_variants(n)})" for i, (n, _) in enumerate(names))
                                   + ")(?![A-Za-z0-9])", re.I)
        self._refs = [s for _, s in names]

    @cached_property
    def work_of(self) -> dict[URIRef, URIRef]:
        return {v: w for v, w in self.graph.subject_objects(CDO.versionOf)}

    @cached_property
    def drafts(self) -> dict[URIRef, int]:
        """The versions of documents negotiated through several versions, with their order: what a meeting negotiates."""
        works = [self.work_of[v] for v in self.versions]
        return {v: int(self.graph.value(v, CDO.versionOrder) or 0) for v in self.versions if works.count(self.work_of[v]) > 1}

    def previous(self, version: URIRef) -> URIRef | None:
        return self.graph.value(version, CDO.previousVersion)

    def only_version(self, work: URIRef) -> URIRef | None:
        """Return the latest version the reference data gives *work* (an adopted document has one)."""
        vs = sorted(self.graph.subjects(CDO.versionOf, work), key=lambda v: int(self.graph.value(v, CDO.versionOrder) or 0))
        return vs[-1] if vs else None

    def label(self, iri: URIRef) -> str:
        return str(self.graph.value(iri, SKOS.prefLabel) or self.graph.value(iri, RDFS.label) or iri)

    def names_in(self, text: str) -> list[Cited]:
        out = []
        for m in self._pattern.finditer(text):
            ref = self._refs[int(m.lastgroup[1:])]
            kind = "version" if ref in self.versions else "document" if ref in self.works else "annex"
            out.append(Cited(m.start(), m.end(), m.group(0), kind, ref))
        out += [Cited(m.start(), m.end(), m.group(0), "current") for m in _CURRENT.finditer(text)]
        return out

    def find(self, text: str) -> list[Cited]:
        """Return what *text* (a sentence) cites, in text order: names of versions and documents, then provisions."""
        names = self.names_in(text)
        taken = [(c.start, c.end) for c in names]
        found: list[Cited] = []

        def free(a: int, b: int) -> bool:
            return not any(a < e and s < b for s, e in taken)

        def of(end: int) -> Cited | None:
            """The document or version named right after a provision ("… of the fourth report")."""
            m = _OF.match(text, end)
            return next((c for c in names if m and m.start() <= c.start <= m.end() and c.kind != "annex"), None)

        def earlier(start: int, end: int) -> bool:
            before = text[max(0, start - 60):start]
            if _EARLIER.search(before) or _GONE_AFTER.match(text[end:end + 60]) or _BACK_AFTER.match(text[end:end + 60]):
                return True
            gone = _GONE_BEFORE.search(before)  # "the deletion of paragraph 9", unless asked for: "recommend the deletion of"
            return bool(gone) and not _REQUEST_BEFORE.search(before[:gone.start()])

        for m in _PARA_HEAD.finditer(text):
            pos = m.end()
            items = []
            while True:
                n = (_ONE_NUM if not items else _DIGIT_NUM).match(text, pos)
                if not n or not free(n.start(), n.end()):
                    break
                items.append(n)
                pos = n.end()
                sep = _LIST_SEP.match(text, pos)
                if not sep or not _DIGIT_NUM.match(text, sep.end()):
                    break
                pos = sep.end()
            ranged = [i for i in range(1, len(items)) if re.search(r"\b(?:to|through)\b|[-–]",
                                                                    text[items[i - 1].end():items[i].start()])]
            if not items:
                continue
            start, end = m.start(), items[-1].end()
            # each number with its own words: "paragraphs 34R", "36"; those a range implies with the range's words
            numbers = [(_number(n), start if k == 0 else n.start(), n.end()) for k, n in enumerate(items)]
            for i in ranged:  # "paragraphs 3 to 5": the paragraphs between are cited too
                (lo, a, _), (hi, _, b) = numbers[i - 1], numbers[i]
                if len(lo) == len(hi) == 1 and lo[0].isdigit() and hi[0].isdigit() and 0 < int(hi[0]) - int(lo[0]) <= 10:
                    numbers += [((str(k),), items[i - 1].start(), b) for k in range(int(lo[0]) + 1, int(hi[0]))]
            whole, gone, inside = of(end), earlier(start, end), _OF_ANNEX.match(text, end)
            for num, a, b in numbers:
                found.append(Cited(a, b, text[a:b], "paragraph", None, num, whole, gone, inside and inside.group("a")))
            if inside:  # "of Annex I" places the paragraph; it is not a citation of the annex by itself
                taken.append((inside.start(), inside.end()))
            taken.append((start, end))
        for m in _BARE.finditer(text):
            near = text[max(0, m.start() - 80):m.start()]
            if free(m.start(), m.end()) and re.search(r"paragraph|\b(?:reinstat|delet|retain|restor|keep)\w*\s+$|\brefer(?:ence)?s?\s+to,?\s+$", near, re.I):
                num = (m.group("n"), m.group("l").lower())
                found.append(Cited(m.start(), m.end(), m.group(0), "paragraph", None, num, of(m.end()),
                                   earlier(m.start(), m.end())))
                taken.append((m.start(), m.end()))
        for m in _SECTION.finditer(text):
            letters = [m.group("a")] + re.findall(r"[A-H]", m.group("more"))
            whole = of(m.end())
            for a in letters:
                found.append(Cited(m.start(), m.end(), m.group(0), "section", None, (a,), whole))
        for m in _ANNEX.finditer(text):
            if free(m.start(), m.end()):
                found.append(Cited(m.start(), m.end(), m.group(0), "annex", None, (m.group("a").upper(),), of(m.end())))
        return sorted(names + found, key=lambda c: (c.start, c.kind))


def _number(m: re.Match) -> tuple[str, ...]:
    """Return ("43", "d", "i") for a matched paragraph number."""
    n = m.group("n").lower()
    n = _WORD_NUM.get(n, n)
    letter = next((m.group(g) for g in ("l1", "l2", "l3", "l4") if m.group(g)), None)
    roman = next((m.group(g) for g in ("r1", "r2", "r4") if m.group(g)), None)
    if m.group("l4") and not roman and len(m.group("l4")) == 1:
        # "subparagraph DI": the transcript runs the letter and the roman numeral together
        rest = m.string[m.end("l4"):m.end()]
        roman = rest.strip(" ()") or None
    out = (n,) + ((letter.lower(),) if letter else ()) + ((roman.lower(),) if roman else ())
    return out

