"""Each named graph of a generation kept as gzipped Turtle beside the store, so the Turtle export copies
bytes instead of decoding every quad.

The engine reads back about 70,000 quads a second on a two-core machine (each term's string is looked
up on disk), which bounds any export that goes through it: 14 minutes for 10,000 reports. Written at
build time, by the worker that converts the report (about 25 ms a report), a graph's Turtle is what
was loaded into the store, its lines sorted so that each subject's triples are written together.

Kept in the store folder's pool of per-graph files, `files/turtle/` (kg/store/pool.py). A graph without a file
(a store built before these existed) is exported by the engine, as before.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg import constants as C
from kg.store.pool import Dumps


def turtle_gz(ntriples: bytes) -> bytes:
    """Write N-Triples as gzipped Turtle with the project's prefixes, each subject's triples together."""
    lines = sorted(ntriples.splitlines(keepends=True))
    out = io.BytesIO()
    ox.serialize(ox.parse(b"".join(lines), ox.RdfFormat.N_TRIPLES), out, ox.RdfFormat.TURTLE, prefixes=C.SERIAL_PREFIXES)
    # mtime=0: the same bytes from the same triples. Level 1: 5x smaller in 4 ms; level 6 saved 20 % more in 3x the time.
    return gzip.compress(out.getvalue(), compresslevel=1, mtime=0)


def export_turtle(store: ox.Store, generation: Path, out: IO[bytes], graphs: list[str] | None = None) -> None:
    """Write the store (or some named *graphs*) as Turtle: each graph's file where there is one, else the engine.

    The prefixes are written once; a file's own identical prefix lines are skipped."""
    dumps = Dumps(generation)
    header = b"".join(f"@prefix {p}: <{ns}> .\n".encode() for p, ns in C.SERIAL_PREFIXES.items())
    out.write(header)
    nodes = [ox.NamedNode(g) for g in graphs if store.contains_named_graph(ox.NamedNode(g))] if graphs \
        else sorted(store.named_graphs(), key=lambda g: g.value)
    if not graphs and next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        _engine(store, out, ox.DefaultGraph())
    for g in nodes:
        found = dumps.path(g.value)
        try:
            text = gzip.decompress(found.read_bytes()) if found else None
        except FileNotFoundError:  # the generation was removed under a long download; the open store still has it
            text = None
        if text is None:
            _engine(store, out, g)
            continue
        body = _without_prefixes(text)
        out.write(body if body is not None else text)


def _without_prefixes(text: bytes) -> bytes | None:
    """The Turtle after its leading @prefix lines, if they are the ones the header declared (else None)."""
    end, declared = 0, {}
    while text.startswith(b"@prefix ", end):
        nl = text.index(b"\n", end)
        name, _, iri = text[end + 8:nl].decode("utf-8").partition(": <")
        declared[name] = iri.removesuffix("> .")
        end = nl + 1
    return text[end:] if declared == C.SERIAL_PREFIXES else None


def _engine(store: ox.Store, out: IO[bytes], graph) -> None:
    """Write one graph (a NamedNode or the DefaultGraph) by the engine, with its own prefix lines (Turtle
    allows a prefix declared again)."""
    quads = store.quads_for_pattern(None, None, None, graph)
    ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), out, ox.RdfFormat.TURTLE, prefixes=C.SERIAL_PREFIXES)
