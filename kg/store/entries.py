"""What each report graph lists for the pages: its positions and arguments, kept beside the generation.

An entity page lists the positions held by a state or a group, or taken on a mechanism, an
instrument or an issue, newest first, 50 a page; a topic page lists its arguments the same way.
Asked of the store, a page's count and its choice of 50 cost a join per position over the union
of every report graph (~20 µs a pattern a row) and a sort that reads each key from disk: 1-2 s for
a mechanism's 4,500 positions at 1,000 reports, 12-27 s at 10,000. A build knows each report's
positions as it converts it, so the worker writes them down (a few KB a report) and the pages
choose from these lists in Python; only the 50 shown are asked of the store.

Layout: `files/entries-v3/<sha1 of the graph IRI>.<digest>.json` in the store folder (kg/constants.py: the
version is in the name), kept like the graph's Turtle (kg/pool.GraphFiles: shared by the generations that
list it, a new file for a changed graph, forgotten with its graph). A build writes the files of graphs an older version made
(backfill); until then, or where a file is damaged, the pages ask the store (web/entries.py decides).

A graph's file: {"v": VERSION, "iris": [every IRI it names, each once], "dates": [[event, date]],
  "positions": [[position, event, holder, [on behalf of], [targets], listable]],
  "arguments": [[argument, event, order, [topics], listable]],
  "took_part": [[actor, event]], "labelled": [event]}
where every IRI is a number into "iris" (a report repeats its event's and its speakers' IRIs in every
row: half the bytes, 24 → 12 MB at 1,000 reports; reading them all took about as long, 0.5 s),
*event*, *holder* and *order* may be null, and *listable* says whether the item has what its page's query asks for (a position: a
stance, a target text and an event with a date; an argument: a title and an event with a date). A
position or an argument lives in one report graph only (its IRI is its meeting's), so the lists of
every graph together are the store's. *took_part* pairs each actor with an event of one of its
participations (a person's page lists their events, newest first: a webinar moderator took part in
5,000 at 10,000 reports, 3–8 s as a query); *labelled* names the events named here that have a label
here, and "dates" holds the dates of every event named (version 3: version 2 had no participations).
"""

from __future__ import annotations

import json

from kg import constants as C

VERSION = int(C.GRAPH_ENTRIES.rsplit("-v", 1)[1])  # the folder's name says which
LABELS_VERSION = int(C.GRAPH_LABELS.rsplit("-v", 1)[1])
CDO = C.ONTOLOGY_NS
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_WANTED = {RDF_TYPE, RDFS_LABEL, *(CDO + p for p in ("inEvent", "date", "positionOf", "onBehalfOf", "target", "stance",
                                                     "targetText", "topic", "title", "order", "participant"))}


def of_triples(triples) -> dict:
    """Return one report graph's entries from its triples (rdflib terms, asserted and inferred)."""
    props: dict[str, dict[str, list[str]]] = {}
    for s, p, o in triples:
        p = str(p)
        if p in _WANTED:
            props.setdefault(str(s), {}).setdefault(p, []).append(str(o))
    dates = {s: min(v[CDO + "date"]) for s, v in props.items() if CDO + "date" in v}

    def one(v: dict, p: str) -> str | None:
        return min(v[p]) if p in v else None  # functional in the shapes; min() keeps it deterministic

    positions, arguments, took_part = [], [], set()
    for s, v in sorted(props.items()):
        if CDO + "participant" in v:
            took_part.update((actor, event) for actor in v[CDO + "participant"] for event in v.get(CDO + "inEvent", ()))
        types = set(v.get(RDF_TYPE, ()))
        event = one(v, CDO + "inEvent")
        dated = event is not None and event in dates
        if CDO + "Position" in types or CDO + "target" in v or CDO + "positionOf" in v:
            listable = dated and CDO + "stance" in v and CDO + "targetText" in v
            positions.append([s, event, one(v, CDO + "positionOf"), sorted(set(v.get(CDO + "onBehalfOf", ()))),
                              sorted(set(v.get(CDO + "target", ()))), listable])
        if CDO + "Argument" in types:
            order = one(v, CDO + "order")
            arguments.append([s, event, int(order) if order is not None and order.isdecimal() else None,
                              sorted(set(v.get(CDO + "topic", ()))), dated and CDO + "title" in v])
    used = {row[1] for row in positions + arguments} | {e for _, e in took_part}
    labelled = sorted(e for e in used if e is not None and RDFS_LABEL in props.get(e, {}))
    return {"dates": {e: d for e, d in sorted(dates.items()) if e in used}, "positions": positions, "arguments": arguments,
            "took_part": sorted(took_part), "labelled": labelled}


LABELS = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
          "http://www.w3.org/2004/02/skos/core#altLabel", CDO + "iso3166Alpha3")  # what the search reads (web/search.py)


def labels_of(triples) -> bytes:
    """Return the labels of the graph's IRIs that the search reads, as JSON (each (IRI, label) once).

    Kept per report graph beside its entries (`gen-…/labels-v2/`): the first search of a generation
    read every label of the store from the engine (4.3 s of 224,000 labels at 1,000 reports).
    {"v": LABELS_VERSION, "prefix": P, "labels": [[IRI, label], ...]}, where an IRI under P (the IRI most
    of the graph's labelled IRIs sit under: its meeting's) is written as what follows P, "/…": half the bytes."""
    from collections import Counter

    from rdflib import URIRef
    found = sorted({(str(s), str(o)) for s, p, o in triples if isinstance(s, URIRef) and str(p) in LABELS
                    and C.UNSEARCHED not in str(s)})  # mentions: the search finds their provision
    under = Counter(s.rsplit("/", 2)[0] for s, _ in found if s.count("/") > 4)
    prefix = under.most_common(1)[0][0] if under else ""
    cut = len(prefix)
    rows = [[s[cut:] if prefix and s.startswith(prefix + "/") else s, label] for s, label in found]
    return json.dumps({"v": LABELS_VERSION, "prefix": prefix, "labels": rows}, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def loads_labels(data: bytes) -> list[tuple[str, str]] | None:
    """Read a graph's labels as (IRI, label) pairs; None when damaged or of another version."""
    try:
        found = json.loads(data)
        prefix, rows = found["prefix"], found["labels"]
        ok = (found["v"] == LABELS_VERSION and type(prefix) is str and type(rows) is list
              and all(type(r) is list and len(r) == 2 and type(r[0]) is str and r[0] and type(r[1]) is str for r in rows))
    except (ValueError, TypeError, KeyError):
        return None
    return [(prefix + s if s[0] == "/" else s, label) for s, label in rows] if ok else None


def dumps(entries: dict) -> bytes:
    """Write *entries* (of_triples) with each IRI once."""
    iris: dict[str, int] = {}

    def n(iri: str | None) -> int | None:
        return None if iri is None else iris.setdefault(iri, len(iris))
    positions = [[n(p), n(e), n(h), [n(g) for g in b], [n(t) for t in ts], ok] for p, e, h, b, ts, ok in entries["positions"]]
    arguments = [[n(a), n(e), order, [n(t) for t in ts], ok] for a, e, order, ts, ok in entries["arguments"]]
    dates = [[n(e), d] for e, d in entries["dates"].items()]
    took_part = [[n(a), n(e)] for a, e in entries["took_part"]]
    labelled = [n(e) for e in entries["labelled"]]
    return json.dumps({"v": VERSION, "iris": list(iris), "dates": dates, "positions": positions, "arguments": arguments,
                       "took_part": took_part, "labelled": labelled}, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def loads(data: bytes, intern: dict[str, str] | None = None) -> dict | None:
    """Read a graph's entries as of_triples made them; None when they are damaged or of another version.

    *intern*: strings already read, so that an IRI named in many files is one string in memory."""
    try:
        found = json.loads(data)
        if found["v"] != VERSION:
            return None
        # By number, not by position in a list: a damaged file's -1 would name the last IRI instead of failing.
        names = dict(enumerate(found["iris"] if intern is None else [intern.setdefault(s, s) for s in found["iris"]]))
        positions = [[names[p], None if e is None else names[e], None if h is None else names[h], [names[g] for g in b],
                      [names[t] for t in ts], ok is True] for p, e, h, b, ts, ok in found["positions"]]
        arguments = [[names[a], None if e is None else names[e], order, [names[t] for t in ts], ok is True]
                     for a, e, order, ts, ok in found["arguments"]]
        dates = {names[e]: d for e, d in found["dates"]}
        took_part = [(names[a], names[e]) for a, e in found["took_part"]]
        labelled = [names[e] for e in found["labelled"]]
        if (not all(isinstance(s, str) for s in names.values()) or not all(isinstance(d, str) for d in dates.values())
                or any(row[-1] and row[1] not in dates for row in positions + arguments)):
            return None
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    return {"dates": dates, "positions": positions, "arguments": arguments, "took_part": took_part, "labelled": labelled}


def missing(generation, graphs) -> list[str]:
    """The report *graphs* of the generation folder without their entries, labels or texts (built by an older version)."""
    from kg.store.pool import Entries, Labels, Texts
    have = [files.present(graphs) for files in (Entries(generation), Labels(generation), Texts(generation))]
    return [g for g in graphs if any(g not in h for h in have)]


def backfill(files, store, graphs) -> None:
    """Write the entries or labels *graphs* lack into an unpublished generation (its per-graph *files*:
    Turtle, entries, labels), from each graph's Turtle (or, without one, from the *store*): once, for
    graphs an older version built.

    About 45 ms a graph (the Turtle parsed again): upgrading a store added 44 s to one build at 1,000 reports,
    442–513 s at 10,000."""
    import gzip

    import pyoxigraph as ox
    from rdflib import BNode, URIRef

    from kg.store.fulltext import texts_of
    turtle, entries, labels, texts = files
    # Only the kind a graph lacks: an upgrade to a new entries format keeps the labels (and the pool one copy of each).
    has_entries, has_labels, has_texts = entries.present(graphs), labels.present(graphs), texts.present(graphs)

    def term(t):
        return URIRef(t.value) if isinstance(t, ox.NamedNode) else BNode(t.value) if isinstance(t, ox.BlankNode) else t.value
    for g in graphs:
        found = turtle.path(g)
        if found is not None:
            quads = ox.parse(gzip.decompress(found.read_bytes()), ox.RdfFormat.TURTLE)
        else:
            quads = store.quads_for_pattern(None, None, None, ox.NamedNode(g))
        triples = [(term(q.subject), q.predicate.value, term(q.object)) for q in quads]
        if g not in has_entries:
            entries.write(g, dumps(of_triples(triples)))
        if g not in has_labels:
            labels.write(g, labels_of(triples))
        if g not in has_texts:
            texts.write(g, texts_of(triples))
