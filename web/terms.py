"""Name and fold terms on entity pages: human labels, the most specific types, inferred duplicates folded.

OWL RL inference stores, beside `cdo:startTime`, the same value under `schema:startDate` and
`prov:startedAtTime`; a page shows it once, under the asserted (most specific) property, and
names the others on demand. The hierarchy is read from the ontology graph once per generation.
"""

from __future__ import annotations

import re
from collections import defaultdict

from kg import constants as C

from . import db
from .labels import bundled, cached  # noqa: F401 (bundled: the entity pages' standard labels)

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DEFINITION = "http://www.w3.org/2004/02/skos/core#definition"


def hierarchy() -> dict[str, dict[str, set[str]]]:
    """Strict super-properties and super-classes of each ontology term (transitively)."""
    def make():
        found = {"props": defaultdict(set), "classes": defaultdict(set)}
        for kind, path in (("props", "rdfs:subPropertyOf+|owl:equivalentProperty"), ("classes", "rdfs:subClassOf+|owl:equivalentClass")):
            for row in db.query(f"SELECT ?a ?b WHERE {{ GRAPH <{C.ONTOLOGY_GRAPH}> {{ ?a {path} ?b }} FILTER(isIRI(?b) && ?a != ?b) }}"):
                found[kind][row["a"].value].add(row["b"].value)
        return found
    return cached("hierarchy", make)


def _below(a: str, b: str, supers: dict[str, set[str]]) -> bool:
    """True when *a* is more specific than *b*; of two equivalent terms the project's own is the more specific."""
    if b not in supers.get(a, ()):
        return False
    if a not in supers.get(b, ()):
        return True
    return a.startswith(C.ONTOLOGY_NS) and not b.startswith(C.ONTOLOGY_NS)


def most_specific(types: list[str]) -> tuple[list[str], list[str]]:
    """Split *types* into the most specific ones and those they imply."""
    supers = hierarchy()["classes"]
    implied = {t for t in types if any(_below(o, t, supers) for o in types if o != t)}
    return [t for t in types if t not in implied], [t for t in types if t in implied]


def fold(outgoing: dict[str, list]) -> list[tuple[str, list, list[str]]]:
    """Group (property, values) so each value shows once, under its most specific property.

    Returns (property, values, [properties the same values are also stated under])."""
    supers = hierarchy()["props"]
    holders: dict[str, set[str]] = defaultdict(set)
    for p, objs in outgoing.items():
        for o in objs:
            holders[str(o)].add(p)
    rows, also = {}, defaultdict(set)
    for p, objs in outgoing.items():
        kept = []
        for o in objs:
            finer = [q for q in holders[str(o)] if q != p and _below(q, p, supers)]
            if finer:
                for q in finer:
                    also[q].add(p)
            else:
                kept.append(o)
        if kept:
            rows[p] = sorted(kept, key=natural)
    return [(p, objs, sorted(also[p])) for p, objs in rows.items()]


_NUMBERS = re.compile(r"(\d+)")


def natural(term) -> tuple:
    """Sort key that orders 'turn 3' before 'turn 11'.

    The split puts numbers at odd places: asking each part isdigit() read "²" as a number (int() then raised,
    failing the page of anything with a value like "10²")."""
    parts = _NUMBERS.split(getattr(term, "value", str(term)))
    return tuple((0, int(x), "") if i % 2 else (1, 0, x) for i, x in enumerate(parts))
