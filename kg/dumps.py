"""Each named graph of a generation kept as gzipped Turtle beside the store, so the Turtle export copies
bytes instead of decoding every quad.

The engine reads back about 70,000 quads a second on a two-core machine (each term's string is looked
up on disk), which bounds any export that goes through it: 14 minutes for 10,000 reports. Written at
build time, by the worker that converts the report (about 25 ms a report), a graph's Turtle is what
was loaded into the store, its lines sorted so that each subject's triples are written together.

Layout: `gen-000007/turtle/<sha1 of the graph IRI>.ttl.gz`. A new generation hard-links the files of
the one it copies and replaces a file by writing a new one and renaming it over the link, so no
published file is ever written to. A graph without a file (a store built before these existed) is
exported by the engine, as before. The pages' entries of each graph (kg/entries.py) are kept the same
way in `entries-v2/` and `labels-v2/` (`GraphFiles`; kg/constants.py names the folders).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from . import constants as C


def turtle_gz(ntriples: bytes) -> bytes:
    """Write N-Triples as gzipped Turtle with the project's prefixes, each subject's triples together."""
    from .export import SERIAL_PREFIXES
    lines = sorted(ntriples.splitlines(keepends=True))
    out = io.BytesIO()
    ox.serialize(ox.parse(b"".join(lines), ox.RdfFormat.N_TRIPLES), out, ox.RdfFormat.TURTLE, prefixes=SERIAL_PREFIXES)
    # mtime=0: the same bytes from the same triples. Level 1: 5x smaller in 4 ms; level 6 saved 20 % more in 3x the time.
    return gzip.compress(out.getvalue(), compresslevel=1, mtime=0)


def file_name(graph: str, suffix: str = ".ttl.gz") -> str:
    return hashlib.sha1(graph.encode("utf-8")).hexdigest() + suffix


class GraphFiles:
    """One file per named graph in a folder of a generation (its Turtle, its entries for the pages)."""

    def __init__(self, generation: Path, folder: str = C.GRAPH_DUMPS, suffix: str = ".ttl.gz"):
        self.dir = Path(generation) / folder
        self.suffix = suffix

    def link_from(self, base: Path) -> None:
        """Start with the files of the generation *base* (hard links: no bytes copied).

        Linked by name between the two folders' descriptors: the kernel then resolves one name per file,
        not two whole paths (10,000 files: 0.15 s a folder instead of 0.23–0.38 s)."""
        self.dir.mkdir(exist_ok=True)
        source = Path(base) / self.dir.name
        if not source.is_dir():
            return
        src, dst = os.open(source, os.O_RDONLY | os.O_DIRECTORY), os.open(self.dir, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for name in os.listdir(src):
                os.link(name, name, src_dir_fd=src, dst_dir_fd=dst, follow_symlinks=False)
        finally:
            os.close(src)
            os.close(dst)

    def write(self, graph: str, data: bytes) -> None:
        self.dir.mkdir(exist_ok=True)
        final = self.dir / file_name(graph, self.suffix)
        tmp = final.with_name(final.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, final)  # replaces the link, never the linked file the published generation reads

    def drop(self, graph: str) -> None:
        (self.dir / file_name(graph, self.suffix)).unlink(missing_ok=True)

    def path(self, graph: str) -> Path | None:
        found = self.dir / file_name(graph, self.suffix)
        return found if found.is_file() else None

    def read_all(self, graphs, parse) -> list | None:
        """Each of *graphs*' files as *parse* reads its bytes, or None if one is missing, unreadable (a
        generation removed under a long-lived reader) or damaged (*parse* returns None): then the caller
        asks the store."""
        out = []
        for g in graphs:
            try:
                found = parse((self.dir / file_name(g, self.suffix)).read_bytes())
            except OSError:
                return None
            if found is None:
                return None
            out.append(found)
        return out


class Dumps(GraphFiles):
    """The Turtle files of one generation folder."""


class Entries(GraphFiles):
    """The page entries of one generation folder (kg/entries.py)."""

    def __init__(self, generation: Path):
        super().__init__(generation, C.GRAPH_ENTRIES, ".json")


class Labels(GraphFiles):
    """The labels the search reads, of each report graph of one generation folder (kg/entries.labels_of)."""

    def __init__(self, generation: Path):
        super().__init__(generation, C.GRAPH_LABELS, ".json")


def per_graph(generation: Path) -> tuple[GraphFiles, ...]:
    """Every kind of file a generation keeps per graph: what a new generation links, a build writes and drops."""
    return Dumps(generation), Entries(generation), Labels(generation)


def export_turtle(store: ox.Store, generation: Path, out: IO[bytes], graph: str | None = None) -> None:
    """Write the store (or one named *graph*) as Turtle: each graph's file where there is one, else the engine.

    The prefixes are written once; a file's own identical prefix lines are skipped."""
    from .export import SERIAL_PREFIXES
    dumps = Dumps(generation)
    header = b"".join(f"@prefix {p}: <{ns}> .\n".encode() for p, ns in SERIAL_PREFIXES.items())
    out.write(header)
    graphs = [ox.NamedNode(graph)] if graph else sorted(store.named_graphs(), key=lambda g: g.value)
    if not graph and next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        _engine(store, out, ox.DefaultGraph())
    for g in graphs:
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
    from .export import SERIAL_PREFIXES
    end, declared = 0, {}
    while text.startswith(b"@prefix ", end):
        nl = text.index(b"\n", end)
        name, _, iri = text[end + 8:nl].decode("utf-8").partition(": <")
        declared[name] = iri.removesuffix("> .")
        end = nl + 1
    return text[end:] if declared == SERIAL_PREFIXES else None


def _engine(store: ox.Store, out: IO[bytes], graph) -> None:
    """Write one graph (a NamedNode or the DefaultGraph) by the engine, with its own prefix lines (Turtle
    allows a prefix declared again)."""
    from .export import SERIAL_PREFIXES
    quads = store.quads_for_pattern(None, None, None, graph)
    ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), out, ox.RdfFormat.TURTLE, prefixes=SERIAL_PREFIXES)
