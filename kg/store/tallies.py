"""Alignment tallies: for each argument maker, listed actor and kind, the number of arguments; kept per generation.

The alignment page and state pages count, over every argument of the store, whom each maker's
arguments list as agreeing, disagreeing or mixed (web/alignment.py). Asking the store took 1.1 s
at 1,000 reports and 22 s at 10,000, in the web process. A build knows what it adds and drops, so
it keeps the totals beside the generation it publishes (`alignment.json`): a converted report's
own tallies come from its triples in the worker, a replaced or dropped graph's are asked of the
previous generation for that graph alone, and a generation made before this file existed is
counted once by the store. The sums equal the store's counts because an argument lives in one
report graph only (its IRI is its meeting's; tests/test_tallies.py holds them equal).
"""

from __future__ import annotations

import base64
import json
from array import array
from bisect import bisect_left
from collections import Counter
from itertools import pairwise
from pathlib import Path

from kg import constants as C

FILE = "alignment.json"
CDO = C.ONTOLOGY_NS
KINDS = ("agree", "disagree", "mixed")
# What kg/map/alignment.py derives from positions for each argument, by kind: the one table of them.
KIND_OF = {CDO + "agreeingActor": "agree", CDO + "disagreeingActor": "disagree", CDO + "mixedActor": "mixed"}
KIND_VALUES = "VALUES (?p ?kind) { " + " ".join(f'(cdo:{p[len(CDO):]} "{k}")' for p, k in KIND_OF.items()) + " }"
_COUNT = """SELECT ?maker ?other ?kind (COUNT(DISTINCT ?arg) AS ?n) WHERE {{ {graph}
  ?arg cdo:madeBy ?maker . """ + KIND_VALUES.replace("{", "{{").replace("}", "}}") + """ ?arg ?p ?other . {close}
}} GROUP BY ?maker ?other ?kind"""

Tallies = Counter  # (maker IRI, listed actor IRI, kind) → number of arguments


def of_triples(triples) -> Tallies:
    """Count one report's arguments from its triples (rdflib terms, asserted and inferred)."""
    made = str(CDO + "madeBy")
    makers: dict = {}
    listed = []
    for s, p, o in triples:
        p = str(p)
        if p == made:
            makers.setdefault(s, set()).add(str(o))
        elif p in KIND_OF:
            listed.append((s, str(o), KIND_OF[p]))
    out: Tallies = Counter()
    for arg, other, kind in listed:  # a set of triples: each (argument, kind, actor) once, as COUNT(DISTINCT ?arg)
        for maker in makers.get(arg, ()):
            out[(maker, other, kind)] += 1
    return out


def of_store(store, graph: str | None = None) -> Tallies:
    """Ask *store* (pyoxigraph or remote) for the tallies of one named *graph*, or of all of them."""
    text = _COUNT.format(graph=f"GRAPH <{graph}> {{" if graph else "", close="}" if graph else "")
    return Counter({(r["maker"].value, r["other"].value, r["kind"].value): int(r["n"].value)
                    for r in store.query(text, use_default_graph_as_union=not graph, prefixes={"cdo": CDO})})


_ACTOR_BITS, _KIND_BITS = 20, 2  # a key packs (maker, listed actor, kind): up to a million actors


class Kept:
    """The tallies as a generation keeps them: each actor's IRI once, then the packed keys (maker,
    listed actor, kind) in ascending order with their counts, as machine arrays.

    A build reads, changes by a few hundred counts and writes them again, all in C but a binary
    search per count changed: as a dictionary the same took 0.1 s at 1,000 reports and 0.25 s at
    10,000 (reading and writing 37,000 and 106,000 counts)."""

    def __init__(self, actors: list[str] | None = None, keys: array | None = None, counts: array | None = None):
        self.actors = actors or []
        self.index = {a: i for i, a in enumerate(self.actors)}
        self.keys = keys if keys is not None else array("Q")
        self.counts = counts if counts is not None else array("q")

    @classmethod
    def of(cls, tallies: Tallies) -> Kept:
        kept = cls()
        kept.add(tallies)
        return kept

    @classmethod
    def read(cls, folder: Path) -> Kept | None:
        """Return what the generation *folder* keeps, or None (nothing kept, or damaged)."""
        try:
            data = json.loads((Path(folder) / FILE).read_text(encoding="utf-8"))
            actors = data["actors"]
            keys, counts = array("Q"), array("q")
            keys.frombytes(base64.b64decode(data["keys"], validate=True))
            counts.frombytes(base64.b64decode(data["counts"], validate=True))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        n, mask = len(actors), (1 << _ACTOR_BITS) - 1
        if (not isinstance(actors, list) or not all(isinstance(a, str) for a in actors) or len(keys) != len(counts)
                or any(k >> (_ACTOR_BITS + _KIND_BITS) >= n or (k >> _KIND_BITS) & mask >= n or k & 3 > 2 for k in keys)
                or any(a >= b for a, b in pairwise(keys)) or any(c <= 0 for c in counts)):
            return None
        return cls(actors, keys, counts)

    def write(self, folder: Path) -> None:
        """Keep these tallies in the unpublished generation *folder*."""
        data = {"actors": self.actors, "keys": base64.b64encode(self.keys.tobytes()).decode("ascii"),
                "counts": base64.b64encode(self.counts.tobytes()).decode("ascii")}
        (Path(folder) / FILE).write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")

    def _key(self, maker: str, other: str, kind: str) -> int:
        ids = []
        for actor in (maker, other):
            if actor not in self.index:
                self.index[actor] = len(self.actors)
                self.actors.append(actor)
            ids.append(self.index[actor])
        return (ids[0] << (_ACTOR_BITS + _KIND_BITS)) | (ids[1] << _KIND_BITS) | KINDS.index(kind)

    def add(self, tallies: Tallies, sign: int = 1) -> None:
        """Add (or with sign -1, take away) *tallies*; a count that falls to nothing is dropped."""
        for (maker, other, kind), n in tallies.items():
            key = self._key(maker, other, kind)
            i = bisect_left(self.keys, key)
            if i < len(self.keys) and self.keys[i] == key:
                self.counts[i] += sign * n
                if self.counts[i] <= 0:
                    del self.keys[i], self.counts[i]
            elif sign > 0 and n > 0:
                self.keys.insert(i, key)
                self.counts.insert(i, n)

    def tallies(self) -> Tallies:
        """Return the counts by (maker IRI, listed actor IRI, kind)."""
        mask, actors = (1 << _ACTOR_BITS) - 1, self.actors
        return Counter({(actors[k >> (_ACTOR_BITS + _KIND_BITS)], actors[(k >> _KIND_BITS) & mask], KINDS[k & 3]): n
                        for k, n in zip(self.keys, self.counts)})


def read(folder: Path) -> Tallies | None:
    """Return the tallies kept in the generation *folder*, or None (none kept, or damaged)."""
    kept = Kept.read(folder)
    return kept.tallies() if kept is not None else None
