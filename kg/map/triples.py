"""A report's triples as the converter builds them: a set with the few lookups the mapper makes.

rdflib's Graph costs about 20 µs to add a triple and 5 µs a triple to read back (its store keeps
contexts for every triple); the mapper adds ~3,000 per report and nothing downstream needs more
than a set, except the reference paths (pySHACL, owlrl), which take `graph()`. Only the calls the
mapper makes are offered, with rdflib's meaning: `value(s, p)` is any one value, `remove` and `in`
take None for "any object".
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from rdflib import Graph

from kg.vocab import bind


class Triples:
    """Triples of one report, indexed by subject and predicate, and by predicate."""

    def __init__(self):
        self._all: set = set()
        self._sp: dict = defaultdict(set)  # (s, p) → objects
        self._p: dict = defaultdict(set)   # p → subjects

    def add(self, t: tuple) -> None:
        if t not in self._all:
            s, p, o = t
            self._all.add(t)
            self._sp[(s, p)].add(o)
            self._p[p].add(s)

    def remove(self, t: tuple) -> None:
        s, p, o = t
        objects = self._sp.get((s, p))
        if not objects:
            return
        for obj in ([o] if o is not None else list(objects)):
            if obj in objects:
                objects.discard(obj)
                self._all.discard((s, p, obj))
        if not objects:
            del self._sp[(s, p)]
            self._p[p].discard(s)

    def set(self, t: tuple) -> None:
        """Make *t*'s object the only one of its subject and predicate."""
        self.remove((t[0], t[1], None))
        self.add(t)

    def value(self, s, p):
        for o in self._sp.get((s, p), ()):
            return o
        return None

    def objects(self, s, p) -> Iterator:
        return iter(list(self._sp.get((s, p), ())))

    def subjects(self, p, o=None) -> Iterator:
        found = self._p.get(p, ())
        return iter([s for s in found if o is None or o in self._sp[(s, p)]])

    def __contains__(self, t: tuple) -> bool:
        s, p, o = t
        if o is None:
            return bool(self._sp.get((s, p)))
        return t in self._all

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def graph(self) -> Graph:
        """The same triples as an rdflib Graph with the project's prefixes (the API and the reference paths)."""
        g = bind(Graph())
        for t in self._all:
            g.add(t)
        return g
