"""The pages' lists of positions and arguments, read from the entries the build kept per report graph.

kg/store/entries.py says what a graph's file holds and why. Here the files of the generation being served
are read once (a few KB a report: ~0.1 s at 1,000 reports) and indexed by holder, group, target
and topic, newest first; a page then takes its count and its 50 IRIs from a list instead of asking
the store to join and sort every position (web/pictures.py labels only those 50). A remote store,
or a generation with a report graph without its file (made by an older version), has no lists:
`lists()` returns None and the pages ask the store as before.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from kg.store import entries as kept_entries
from kg.store.generations import Listing
from kg.store.pool import Entries, gc_paused

from . import db


class Lists:
    """Positions and arguments of one generation, by what a page lists them under, newest first."""

    def __init__(self, graphs: list[dict]):
        self.position_key: dict[str, str] = {}  # position → "date IRI" (the pages' order, newest first)
        self.behalf: dict[str, tuple[str, ...]] = {}
        held, on_behalf, on_target = defaultdict(list), defaultdict(list), defaultdict(list)
        self.holder_counts, self.target_counts, self.topic_counts = defaultdict(int), defaultdict(int), defaultdict(int)
        on_topic = defaultdict(list)
        took_part, self.event_date, labelled = defaultdict(list), {}, set()
        for found in graphs:
            dates = found["dates"]
            for event, date in dates.items():  # an event dated in several graphs sorts by its latest date, as a query's max
                if date > self.event_date.get(event, ""):
                    self.event_date[event] = date
            for actor, event in found["took_part"]:
                took_part[actor].append(event)
            labelled.update(found["labelled"])
            for iri, event, holder, behalf, targets, listable in found["positions"]:
                if holder is not None:
                    self.holder_counts[holder] += 1
                for t in targets:
                    self.target_counts[t] += 1
                if not listable:
                    continue
                self.position_key[iri] = dates[event] + " " + iri
                if holder is not None:
                    held[holder].append(iri)
                for g in behalf:
                    on_behalf[g].append(iri)
                for t in targets:
                    on_target[t].append(iri)
                if behalf:
                    self.behalf[iri] = tuple(behalf)
            for iri, event, order, topics, listable in found["arguments"]:
                for t in topics:
                    self.topic_counts[t] += 1
                    if listable:
                        on_topic[t].append((dates[event], -(order if order is not None else -1), iri))
        newest = self.position_key.__getitem__
        self.held = {k: sorted(v, key=newest, reverse=True) for k, v in held.items()}
        self.on_behalf = {k: sorted(v, key=newest, reverse=True) for k, v in on_behalf.items()}
        self.on_target = {k: sorted(v, key=newest, reverse=True) for k, v in on_target.items()}
        # An actor's events, each once, newest first (undated last), then by IRI, as the person page's query sorts them.
        self.took_part = {}
        for actor, events in took_part.items():
            self.took_part[actor] = sorted({e for e in events if e in labelled},
                                           key=lambda e: (self.event_date.get(e, ""), e), reverse=True)
        # Newest first, then in the report's order (one without an order first, as SPARQL sorts unbound), then by
        # IRI: two stable sorts.
        self.on_topic = {}
        for k, v in on_topic.items():
            v.sort(key=lambda r: r[2])
            v.sort(key=lambda r: (r[0], r[1]), reverse=True)
            self.on_topic[k] = [iri for _, _, iri in v]

    def newest_first(self, iris) -> list[str]:
        """These positions (each once) in the pages' order."""
        return sorted(set(iris), key=self.position_key.__getitem__, reverse=True)

    def held_by(self, actor: str) -> list[str]:
        return self.held.get(actor, [])

    def on_behalf_of(self, group: str) -> list[str]:
        return self.on_behalf.get(group, [])

    def on_targets(self, targets) -> list[str]:
        targets = list(targets)
        if len(targets) == 1:
            return self.on_target.get(targets[0], [])
        return self.newest_first(p for t in targets for p in self.on_target.get(t, ()))

    def own_of_members(self, group: str, members) -> list[str]:
        """Positions held by the group's members and not taken on its behalf."""
        return self.newest_first(p for m in members for p in self.held.get(m, ()) if group not in self.behalf.get(p, ()))

    def on_topic_of(self, topic: str) -> list[str]:
        return self.on_topic.get(topic, [])

    def events_of(self, actor: str) -> list[str]:
        """The labelled events the actor took part in, newest first."""
        return self.took_part.get(actor, [])


_reading = threading.Lock()  # one reader: a page that comes while warm() reads waits for it instead of reading again


def lists() -> Lists | None:
    """The lists of the generation being served, or None (a remote store, or entries missing)."""
    gen = db.current_generation()
    if gen is None:
        return None
    with _reading:
        return _read(str(gen))


def warm(generation: Path) -> None:
    """Read the lists of a generation just opened, in the background (0.5 s at 1,000 reports), so that
    the first page that needs them finds them read."""
    def read():
        try:
            with _reading:
                _read(str(generation))
        except Exception:  # noqa: BLE001 - a head start only: the page that needs the lists reads them and reports
            pass
    threading.Thread(target=read, name="kg-lists", daemon=True).start()


db.ON_OPEN.append(warm)


@lru_cache(maxsize=2)
def _read(generation: str) -> Lists | None:
    """Read every report graph's entries (a published generation never changes: its path is key enough)."""
    strings: dict[str, str] = {}
    with gc_paused():  # millions of new objects and no cycle among them (kg.store.pool.gc_paused)
        graphs = Entries(Path(generation)).read_all(Listing.of_generation(Path(generation)).reports,
                                                    lambda data: kept_entries.loads(data, strings))
        return Lists(graphs) if graphs is not None else None
