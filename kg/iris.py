"""Mint every IRI the converters emit through one function: readable, deterministic and safe."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pyoxigraph
from rdflib import URIRef

from kg.constants import DATA_NS

_SLUG_DROP = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 60


INFERRED_SUFFIX = "/inferred"


def inferred_graph(graph: str) -> str:
    """Return the named graph that holds the OWL RL entailments of report graph *graph* (its asserted triples
    stay in *graph*): a user can ask for what the report says, what follows from it, or both (the union)."""
    return graph + INFERRED_SUFFIX


def is_inferred_graph(graph: str) -> bool:
    return graph.endswith(INFERRED_SUFFIX)


class UnsafeIRIError(ValueError):
    """Raise when a minted IRI would not be a valid IRIREF (a bug, never user error)."""


def slug(text: str, max_len: int = MAX_SLUG) -> str:
    """Return a lowercase ASCII slug of *text*: accents folded, runs of anything else made one hyphen."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    s = _SLUG_DROP.sub("-", folded).strip("-")
    if len(s) > max_len:
        s = s[:max_len].rstrip("-")
    return s


def short_hash(text: str, n: int = 8) -> str:
    """Return the first *n* hex digits of the SHA-256 of *text* (stable across runs and machines)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:n]


def safe_slug(text: str) -> str:
    """Slug *text*; add a short hash when slugging lost information, so 'a b' and 'a_b' never collide."""
    s = slug(text)
    if not s:
        return "h-" + short_hash(text)
    if s != text:
        return f"{s}-{short_hash(text, 6)}" if _lossy(text, s) else s
    return s


def folds_away(text: str) -> bool:
    """Tell whether ASCII folding drops letters of *text* (not only accents, spacing and punctuation).

    'Иванов', '张伟' and '名前' fold to nothing: whatever folding loses must be kept by a hash.
    """
    for ch in unicodedata.normalize("NFKD", text):
        if ord(ch) < 128 or unicodedata.combining(ch) or unicodedata.category(ch)[0] in "PZ":
            continue
        return True
    return False


def _lossy(text: str, s: str) -> bool:
    # Lossless when the text is the slug but for case, spaces/hyphens and accents that slug() folds
    # the same way for every spelling a report uses ("Murphy Hall" and "Murphy-Hall" are one person).
    if folds_away(text):
        return True
    canon = re.sub(r"[\s\-]+", "-", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())
    canon = re.sub(r"[.,'’`]", "", canon).strip("-")
    return canon != s


def mint(*segments: str) -> URIRef:
    """Join already-slugged *segments* under the data namespace and check the IRI with pyoxigraph."""
    for seg in segments:
        if not seg or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._\-]*", seg):
            raise UnsafeIRIError(f"unsafe IRI segment {seg!r}")
    iri = DATA_NS + "/".join(segments)
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as exc:  # pragma: no cover - the regex above already rules this out
        raise UnsafeIRIError(str(exc)) from exc
    return URIRef(iri)


_NEEDS_ESCAPING = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def is_safe_iri(iri: str) -> bool:
    """Tell whether *iri* is one pyoxigraph accepts and has no characters that need escaping in N-Triples."""
    if _NEEDS_ESCAPING.search(iri):
        return False
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError:
        return False
    return True
