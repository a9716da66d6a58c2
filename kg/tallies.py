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

import json
from collections import Counter
from pathlib import Path

from . import constants as C

FILE = "alignment.json"
CDO = C.ONTOLOGY_NS
# What kg/map_arguments.py derives from each argument's lists, by kind (the same table as web/alignment.KIND_VALUES).
KIND_OF = {CDO + "agreeingActor": "agree", CDO + "disagreeingActor": "disagree", CDO + "mixedActor": "mixed"}
_COUNT = """SELECT ?maker ?other ?kind (COUNT(DISTINCT ?arg) AS ?n) WHERE {{ {graph}
  VALUES (?p ?kind) {{ (<{a}> "agree") (<{d}> "disagree") (<{m}> "mixed") }}
  ?arg <{made}> ?maker ; ?p ?other . {close} }} GROUP BY ?maker ?other ?kind"""

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
    text = _COUNT.format(graph=f"GRAPH <{graph}> {{" if graph else "", close="}" if graph else "",
                         a=CDO + "agreeingActor", d=CDO + "disagreeingActor", m=CDO + "mixedActor", made=CDO + "madeBy")
    kw = {} if graph else {"use_default_graph_as_union": True}
    return Counter({(r["maker"].value, r["other"].value, r["kind"].value): int(r["n"].value)
                    for r in store.query(text, **kw)})


KINDS = ("agree", "disagree", "mixed")


def read(folder: Path) -> Tallies | None:
    """Return the tallies kept in the generation *folder*, or None (none kept, or damaged)."""
    try:
        data = json.loads((Path(folder) / FILE).read_text(encoding="utf-8"))
        actors, flat = data["actors"], data["counts"]
        if len(flat) % 4 or not all(isinstance(a, str) for a in actors) or not all(type(x) is int for x in flat):
            return None
        return Counter({(actors[flat[i]], actors[flat[i + 1]], KINDS[flat[i + 2]]): flat[i + 3]
                        for i in range(0, len(flat), 4)})
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return None


def write(folder: Path, tallies: Tallies) -> None:
    """Keep *tallies* in the unpublished generation *folder*: the actors' IRIs once, then four numbers a
    count (maker, listed actor, kind, arguments): 2 MB at 10,000 reports, where rows of IRIs took 10 MB
    and 0.3 s to read."""
    actors = sorted({a for m, o, _ in tallies for a in (m, o)})
    at = {a: i for i, a in enumerate(actors)}
    kind = {k: i for i, k in enumerate(KINDS)}
    flat: list[int] = []
    for (m, o, k), n in sorted(tallies.items()):
        if n > 0:
            flat += (at[m], at[o], kind[k], n)
    (Path(folder) / FILE).write_text(json.dumps({"actors": actors, "counts": flat}, separators=(",", ":")),
                                     encoding="utf-8")


def updated(before: Tallies, dropped: list[Tallies], added: list[Tallies]) -> Tallies:
    """Return *before* less the *dropped* graphs' tallies plus the *added* graphs'."""
    out = Counter(before)
    for t in dropped:
        out.subtract(t)
    for t in added:
        out.update(t)
    return Counter({k: n for k, n in out.items() if n > 0})
