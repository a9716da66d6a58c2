"""Honest alignment: who agreed and disagreed with whom, derived from what they said.

DiploAI lists, under each argument, actors who "agreed with" and "disagreed with" it; the lists name
allies on both sides and are kept as stated (`cdo:agreedWith`, `cdo:disagreedWith`), never counted
here. What is counted is derived from positions (kg/map/alignment.py, docs/stance.md): an argument's
maker agrees with an actor that takes the same side on one of its targets (a mechanism or an
instrument) in the same meeting, disagrees with one that takes the opposite side, and is mixed with
one that does both on different targets (`cdo:agreeingActor`, `cdo:disagreeingActor`,
`cdo:mixedActor`, and between actors the symmetric `cdo:agreesWith`, `cdo:disagreesWith`, `cdo:mixedWith`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

import pyoxigraph as ox

from kg import constants as C
from kg.store import tallies

from . import db

SOURCE = ("From positions, not from DiploAI\u2019s \u201cAgreed with\u201d and \u201cDisagreed with\u201d lists: two actors agree on an "
          "argument where they take the same side on one of its mechanisms or instruments in the same meeting, disagree where "
          "they take opposite sides, and are mixed where they do both on different ones.")
# What the converter derived from positions, by kind (kg/map/alignment.py; one table in kg/store/tallies.py).
KINDS, KIND_VALUES = tallies.KINDS, tallies.KIND_VALUES


@dataclass
class Pair:
    """Two actors (a < b by IRI) and the number of arguments on which one listed the other, by kind."""

    a: str
    b: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def count(self, kind: str) -> int:
        return self.counts[kind]

    @property
    def total(self) -> int:
        return sum(self.count(k) for k in KINDS)

    @property
    def kind(self) -> str:
        """The kind that dominates; a tie between agreeing and disagreeing is mixed."""
        agree, disagree, mixed = (self.count(k) for k in KINDS)
        if mixed >= max(agree, disagree) or agree == disagree:
            return "mixed"
        return "agree" if agree > disagree else "disagree"


def pairs(event: str | None = None, kind_of_actor: str | None = None) -> list[Pair]:
    """Every unordered pair of distinct actors listed on one another's arguments (in one event, or all).

    Reads what the converter derived from each argument's lists (kg/map/mapper.py, Mapper.alignment):
    cdo:agreeingActor, cdo:disagreeingActor, cdo:mixedActor; shapes/checks/alignment-misread-violation.rq
    holds them to the lists and keeps the maker out.

    Over the whole store, from the tallies the build kept with the generation (kg/store/tallies.py: asking
    the engine took 1.1 s at 1,000 reports and 22 s at 10,000); in one event, or where none were
    kept, counted per maker and listed actor by the engine, without reading the arguments' IRIs.
    The two directions of a pair add up because an argument has one maker (shapes/cdo-shapes.ttl:
    madeBy, at most one; its IRI is its report's)."""
    # The actors of a kind are read once and matched here: two type lookups per row in the query
    # tripled its time (1.1 → 4.1 s at 1,000 reports).
    kind = {r["s"].value for r in db.query(f"SELECT DISTINCT ?s WHERE {{ ?s a {kind_of_actor} }}")} if kind_of_actor else None
    found: dict[tuple[str, str], Pair] = {}
    counts = _counted(event) if event else kept()
    for (maker, other, k), n in (counts if counts is not None else _counted(None)).items():
        if kind is not None and (maker not in kind or other not in kind):
            continue
        a, b = sorted((maker, other))
        found.setdefault((a, b), Pair(a, b)).counts[k] += n
    return sorted(found.values(), key=lambda p: (p.a, p.b))


def _counted(event: str | None) -> tallies.Tallies:
    """Count by the engine: {(maker, listed actor, kind): arguments}, in one event or all.

    For one event the three properties are a UNION under the event's arguments: with VALUES, Oxigraph
    started from every listed actor of the store (16 s for a meeting page at 10,000 reports; 6 ms now)."""
    if not event:
        return tallies.of_store(db.store())
    listed = " UNION ".join(f'{{ ?arg <{p}> ?other BIND("{k}" AS ?kind) }}' for p, k in tallies.KIND_OF.items())
    return tallies.Tallies({(r["maker"].value, r["other"].value, r["kind"].value): int(r["n"].value)
                            for r in db.query(f"""SELECT ?maker ?other ?kind (COUNT(DISTINCT ?arg) AS ?n) WHERE {{
                                ?arg cdo:inEvent {ox.NamedNode(event)} ; cdo:madeBy ?maker . {listed}
                            }} GROUP BY ?maker ?other ?kind""")})


def kept() -> tallies.Tallies | None:
    """The tallies the build kept with the generation being served (kg/store/tallies.py), or None (a remote
    store, or a generation made before they were kept): then the engine counts."""
    gen = db.current_generation()
    return _read(str(gen)) if gen is not None else None


@lru_cache(maxsize=2)
def _read(generation: str) -> tallies.Tallies | None:
    return tallies.read(generation)  # a published generation never changes: its path is key enough


@lru_cache(maxsize=2)
def _by_actor(generation: str) -> dict[str, dict[str, dict[str, int]]]:
    """actor → other actor → kind → arguments, both directions added (what counts_with answers)."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    for (maker, other, kind), n in (_read(generation) or {}).items():
        if maker == other:
            continue
        for a, b in ((maker, other), (other, maker)):
            out.setdefault(a, {}).setdefault(b, dict.fromkeys(KINDS, 0))[kind] += n
    return out


def counts_with(actor: str) -> dict[str, dict[str, int]]:
    """For one actor, {other actor: {kind: number of arguments}}: the same counts as its pairs in pairs().

    From the generation's tallies (indexed by actor once per generation), or else asked of the store
    for this actor alone: one index lookup per argument it made or was listed on (13-24 ms for a
    state at 1,000 reports).
    The arguments are counted without reading their IRIs; VALUES stays outside the UNION (inside it,
    Oxigraph's plan took 30 times as long)."""
    if kept() is not None:
        return {other: dict(c) for other, c in _by_actor(str(db.current_generation())).get(actor, {}).items()}
    n = ox.NamedNode(actor)
    found: dict[str, dict[str, int]] = {}
    for row in db.query(f"""SELECT ?other ?kind (COUNT(DISTINCT ?arg) AS ?n) WHERE {{
            {KIND_VALUES}
            {{ ?arg cdo:madeBy {n} ; ?p ?other }} UNION {{ ?arg ?p {n} ; cdo:madeBy ?other }}
            FILTER(?other != {n}) }} GROUP BY ?other ?kind"""):
        found.setdefault(row["other"].value, dict.fromkeys(KINDS, 0))[row["kind"].value] = int(row["n"].value)
    return found


def pair_query(a: str, b: str, event: str | None = None) -> str:
    """The SPARQL that lists the positions behind one pair (each matrix cell and edge links to it)."""
    scope = f" ; cdo:inEvent {ox.NamedNode(event)}" if event else ""
    return f"""# The positions behind one pair: where the two took the same side (agreed) or opposite sides (disagreed), on what
SELECT ?meeting ?relation ?target ?holder ?position ?basis ?source WHERE {{
  VALUES (?cls ?relation) {{ (cdo:DerivedAgreement "agreed") (cdo:DerivedDisagreement "disagreed") }}
  ?alignment a ?cls ; cdo:between {ox.NamedNode(a)} , {ox.NamedNode(b)}{scope} ;
     cdo:onTarget ?target ; cdo:inEvent ?meeting ; cdo:fromPosition ?position .
  ?position cdo:positionOf ?holder ; cdo:basis ?basis ; cdo:derivedFrom ?source .
}} ORDER BY ?meeting ?relation ?target ?holder ?position"""


def pair_url(a: str, b: str, event: str | None = None) -> str:
    """A short link to one pair's arguments (/alignment/pair redirects to the query page)."""
    return "/alignment/pair?" + urlencode({"a": a, "b": b, **({"event": event} if event else {})})


def network_data(found: list[Pair], labels: dict[str, str], hrefs: dict[str, str | None], event: str | None = None) -> dict:
    """Nodes and edges for the interactive network (web/frontend/src/graph.js)."""
    nodes = sorted({p.a for p in found} | {p.b for p in found})
    return {
        "nodes": [{"id": n, "label": labels.get(n, n.rsplit("/", 1)[-1]), "href": hrefs.get(n)} for n in nodes],
        "edges": [{"source": p.a, "target": p.b, "kind": p.kind, "weight": p.total, "href": pair_url(p.a, p.b, event),
                   "title": f"{labels.get(p.a, p.a)} \u2013 {labels.get(p.b, p.b)}: "
                            + ", ".join(f"{k} {p.count(k)}" for k in KINDS)} for p in found],
    }


def state_pairs() -> list[Pair]:
    return pairs(kind_of_actor=f"<{C.ONTOLOGY_NS}State>")


def most_listed(found: list[Pair], n: int) -> list[Pair]:
    """The pairs among the *n* actors with the most arguments in pairs (ties by IRI).

    A matrix of every state is 37,000 cells once ~190 states have spoken (15 MB of SVG at 1,000
    reports); the query below lists every pair."""
    weight: dict[str, int] = {}
    for p in found:
        for actor in (p.a, p.b):
            weight[actor] = weight.get(actor, 0) + p.total
    top = set(sorted(weight, key=lambda a: (-weight[a], a))[:n])
    return [p for p in found if p.a in top and p.b in top]


ALL_STATE_PAIRS = f"""# Every pair of states listed on one another's arguments: one row per maker, listed state and kind
SELECT ?maker ?listed ?kind (COUNT(DISTINCT ?arg) AS ?arguments) WHERE {{
  {KIND_VALUES}
  ?arg cdo:madeBy ?maker ; ?p ?listed .
  ?maker a cdo:State . ?listed a cdo:State .
}} GROUP BY ?maker ?listed ?kind ORDER BY DESC(?arguments) ?maker ?listed"""
