"""The on-disk store: pyoxigraph generations published by an atomic symlink swap, under a build lock.

Layout of a store folder:
    current -> gen-000007     the published generation (readers open this, read-only)
    gen-000006, gen-000007    the previous generation is kept for readers still holding it
    files/turtle/             each graph as gzipped Turtle, for the export (kg/store/dumps.py), named by its bytes (kg/store/pool.py)
    files/entries-v3/         each report graph's positions, arguments and participations, for the pages' lists (kg/store/entries.py)
    files/labels-v2/          each report graph's labels, for the search (kg/store/entries.py)
    gen-000007/files.json     which of those files are its graphs' (shared between generations, never rewritten)
    gen-000007/reports.json   its reports' hashes, file names and meetings, for the next build (Listing)
    gen-000007/alignment.json its alignment tallies, for the alignment and state pages (kg/store/tallies.py)
    build.lock                held (flock) by the one build allowed at a time
    file-hashes.json          the last build's report hashes by size, time and inode (kg/store/hashes.py; a cache)
    tmp-gen-000008            a build in progress; left over only if a build was killed, and removed by the next

A build copies the current generation (a RocksDB checkpoint: hard links, cheap), changes the copy and
only then repoints `current`. A failed, interrupted or killed build never touches what readers see.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import constants as C
from kg.iris import inferred_graph
from kg.store.pool import lists, per_graph, save, start, sweep

REPORTS_QUERY = """
PREFIX cdo: <%s>
SELECT ?g ?sha ?name WHERE { GRAPH ?g { ?r a cdo:Report ; cdo:sha256 ?sha ; cdo:sourcePath ?name } }
""" % C.ONTOLOGY_NS
MEETINGS_QUERY = """
PREFIX cdo: <%s>
SELECT ?g ?session ?number ?date ?part WHERE { GRAPH ?g {
  ?e a cdo:Meeting ; cdo:reportedIn ?r ; cdo:partOfSession ?session ; cdo:meetingNumber ?number ; cdo:date ?date .
  OPTIONAL { ?e cdo:part ?part } } }
""" % C.ONTOLOGY_NS


class StoreBusy(Exception):
    """Raise when another build holds the store's lock."""


class StoreUnwritable(Exception):
    """Raise when the store folder cannot be written (read-only file system, permissions)."""


class StoreMissing(Exception):
    """Raise when a command needs a built store and there is none."""


def current_path(root: Path) -> Path | None:
    """Return the published generation's folder, or None if nothing was ever built."""
    link = root / "current"
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def open_read_only(root: Path) -> ox.Store:
    """Open the published generation for reading."""
    path = current_path(Path(root))
    if path is None:
        raise StoreMissing(f"no store at {root}: run `kg build` first (or pass --store)")
    return ox.Store.read_only(str(path))


def report_index(store: ox.Store) -> dict[str, tuple[str, str]]:
    """Return {named graph IRI: (sha256, file name)} for every report in *store*."""
    return {row["g"].value: (row["sha"].value, row["name"].value) for row in store.query(REPORTS_QUERY)}


def meeting_key(session: str, number: str, date: str, part: str | None) -> str:
    """Name one meeting of a process: two reports with the same key report the same meeting."""
    return f"{session} meeting {number} on {date}" + (f" part {part}" if part else "")


def meeting_index(store) -> dict[str, str]:
    """Return {named graph IRI: meeting key} for every report of a numbered meeting in *store*."""
    return {row["g"].value: meeting_key(row["session"].value, row["number"].value, row["date"].value,
                                        row["part"].value if row["part"] is not None else None)
            for row in store.query(MEETINGS_QUERY)}


def graph_sizes(store) -> dict[str, int]:
    """Return {named graph IRI: quads} for every graph of *store* (a full count: seconds at scale)."""
    return {r["g"].value: int(r["n"].value)
            for r in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}


def reference_hash(store) -> str | None:
    """Return the hash of the ontology and reference files the store's reference graphs were made from."""
    graph = ox.NamedNode(C.REFERENCE_GRAPH)
    for q in store.quads_for_pattern(graph, ox.NamedNode(C.ONTOLOGY_NS + "sha256"), None, graph):
        return q.object.value
    return None


@dataclass
class Listing:
    """What a build needs to know of a generation: its reports ({graph: (sha256, file name)}), their
    meetings ({graph: meeting key}) and the hash of the reference data it holds.

    Asking the store took a one-report build 0.5 s at 1,000 reports (two queries over every report
    graph) and grows with the corpus; a build writes the listing into the generation it publishes
    (as `reports.json`, beside the store it describes) and the next build reads it in milliseconds.
    A generation without one (made by an older version) or with a damaged one is asked instead.
    *sizes* ({graph: quads}, every graph the build wrote) give the store's size without counting it
    (7.5 s at 10,000 reports); None where they are not known (a store asked, an older listing)."""

    reports: dict[str, tuple[str, str]]
    meetings: dict[str, str]
    reference: str | None
    sizes: dict[str, int] | None = None

    @classmethod
    def of_store(cls, store) -> Listing:
        return cls(report_index(store), meeting_index(store), reference_hash(store))

    @classmethod
    def of_generation(cls, folder: Path) -> Listing:
        """Read *folder*'s listing, or ask its store when there is none to trust."""
        try:
            data = json.loads((folder / C.REPORTS_LIST).read_text(encoding="utf-8"))
            reports = {g: (sha, name) for g, (sha, name) in data["reports"].items()}
            meetings = {g: key for g, key in data["meetings"].items() if g in reports and isinstance(key, str)}
            sizes = data.get("sizes")
            if not (isinstance(sizes, dict) and all(type(n) is int and n >= 0 for n in sizes.values())):
                sizes = None
            if all(isinstance(v, str) for pair in reports.values() for v in pair) and isinstance(data["reference"], str):
                return cls(reports, meetings, data["reference"], sizes)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        return cls.of_store(ox.Store.read_only(str(folder)))

    def write(self, folder: Path) -> None:
        """Write the listing into the unpublished generation *folder*."""
        data = {"reference": self.reference, "reports": self.reports, "meetings": self.meetings}
        if self.sizes is not None:
            data["sizes"] = self.sizes
        (folder / C.REPORTS_LIST).write_text(json.dumps(data, sort_keys=True), encoding="utf-8")


@contextmanager
def build_lock(root: Path):
    """Hold the store's build lock, or raise StoreBusy at once if another build has it."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        # O_CLOEXEC: no program this build starts holds the lock after it (pool workers are spawned, not forked).
        probe = root / f".write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
        fd = os.open(root / "build.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise StoreUnwritable(f"cannot write the store at {root}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise StoreBusy(f"another `kg build` is writing {root}; try again when it has finished") from None
            raise
        yield
    finally:
        os.close(fd)


class NewGeneration:
    """A writable copy of the current generation that becomes current only on publish()."""

    def __init__(self, root: Path):
        self.root = root
        self.killed = False  # a build was killed: the pool may hold files no generation lists
        for stale in root.glob("tmp-gen-*"):  # left by a killed build
            shutil.rmtree(stale, ignore_errors=True)
            self.killed = True
        gens = sorted(root.glob("gen-*"))
        number = int(gens[-1].name.split("-")[1]) + 1 if gens else 1
        self.name = f"gen-{number:06d}"
        self.tmp = root / f"tmp-{self.name}"
        base = current_path(root)
        graphs = ()
        if base is not None:
            # Through a read-only handle: a read-write open would replay and delete the published
            # generation's write-ahead log and rewrite its MANIFEST under running readers.
            ox.Store.read_only(str(base)).backup(str(self.tmp))
            if not (base / C.GRAPH_FILES).exists():  # made before the pool: its files move there once
                reports = Listing.of_generation(base).reports
                graphs = [*reports, *map(inferred_graph, reports), C.ONTOLOGY_GRAPH, C.REFERENCE_GRAPH]
        self.store = ox.Store(str(self.tmp))
        self.files = start(self.tmp, base, graphs)  # its per-graph files: the base's list, to change

    def publish(self) -> Path:
        """Flush, move into place and atomically repoint `current`; keep one older generation."""
        self.store.flush()
        del self.store
        save(self.files, self.tmp)
        final = self.root / self.name
        os.replace(self.tmp, final)
        link_tmp = self.root / "current.tmp"
        if link_tmp.is_symlink() or link_tmp.exists():
            link_tmp.unlink()
        link_tmp.symlink_to(final.name)
        os.replace(link_tmp, self.root / "current")
        dir_fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        gens = sorted(self.root.glob("gen-*"))
        gone = [lists(per_graph(old)) for old in gens[:-2]]
        for old in gens[:-2]:
            shutil.rmtree(old, ignore_errors=True)
        # The files the removed generations listed and the kept ones do not; after a killed build (or when
        # the previous generation is from before the pool), whatever none lists.
        previous = per_graph(gens[-2]) if len(gens) > 1 else ()
        everything = self.killed or any(f.names is None for f in previous)
        sweep(self.root, gone, [lists(self.files), lists(previous)], everything)
        import sqlite3

        from kg.store.fulltext import sync
        try:
            sync(self.root, final)  # the full-text index follows the generation, file by file
        except (sqlite3.Error, OSError):
            pass  # published all the same: the index says which generation it is of, and the next build catches up
        return final

    def discard(self) -> None:
        """Throw the unpublished copy away."""
        if hasattr(self, "store"):
            del self.store
        shutil.rmtree(self.tmp, ignore_errors=True)
        # and the files it put in the pool: whatever no published generation lists
        sweep(self.root, [], [lists(per_graph(g)) for g in self.root.glob("gen-*")], everything=True)
