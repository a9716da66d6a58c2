"""The files kept per named graph beside the store: each graph's Turtle (kg/store/dumps.py), and each report graph's
entries for the pages and labels for the search (kg/store/entries.py) and texts for the full-text index
(kg/store/fulltext.py).

Layout: a pool in the store folder shared by its generations, `files/<kind>/<sha1 of the graph IRI>.<digest
of the bytes><suffix>` (kg/constants.py names the kinds; a format's version is in its kind's name), and in
each generation `files.json`, which of them are its graphs' (`GraphFiles`). A new generation starts from
the list of the one it copies, so no file is linked, copied or ever written again; publishing deletes the
files no kept generation lists (`sweep`). A generation made before the pool keeps its files in its own
folders (`gen-…/<kind>/<sha1 of the graph IRI><suffix>`): it is read as it is, and the next build carries
them into the pool by hard links, once (`start`).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from kg import constants as C


def file_name(graph: str, suffix: str = ".ttl.gz") -> str:
    """The name of a graph's file in a generation folder of the layout before the pool (still read)."""
    return hashlib.sha1(graph.encode("utf-8")).hexdigest() + suffix


class GraphFiles:
    """One kind of file kept per named graph (its Turtle, its entries for the pages, its labels), as one
    generation sees them.

    The files lie in the store folder's pool (`files/<kind>/`), shared by the generations, each named by
    its graph and its bytes, never written twice; a generation lists which file is each graph's in its
    `files.json`. A new generation starts from its base's list (no file touched), a build adds the files
    it writes and forgets the graphs it drops, and publishing sweeps the files no kept generation lists.
    A generation made before the pool keeps its files in its own folder (`gen-…/<kind>/<sha1 of the
    graph>`); it is read as it is, and the next build moves on from it (`start`).
    """

    def __init__(self, generation: Path, folder: str = C.GRAPH_DUMPS, suffix: str = ".ttl.gz",
                 names: dict[str, str] | None = None):
        self.generation = Path(generation)
        self.folder, self.suffix = folder, suffix
        self.pool = self.generation.parent / C.GRAPH_POOL / folder
        # {graph: file name in the pool}; None: a generation from before the pool, its files in its folder.
        if names is None:
            listed = _listed(self.generation)
            names = listed.get(folder, {}) if listed is not None else None
        self.names = names

    def write(self, graph: str, data: bytes) -> None:
        """Keep *data* as *graph*'s file (in a generation being built)."""
        name = f"{file_name(graph, '')}.{hashlib.sha256(data).hexdigest()[:24]}{self.suffix}"
        final = self.pool / name
        if not final.exists():  # named by its bytes: a file already there holds these
            self.pool.mkdir(parents=True, exist_ok=True)
            tmp = final.with_name(final.name + ".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, final)
        self.names[graph] = name

    def drop(self, graph: str) -> None:
        self.names.pop(graph, None)

    def path(self, graph: str) -> Path | None:
        if self.names is None:
            found = self.generation / self.folder / file_name(graph, self.suffix)
        else:
            name = self.names.get(graph)
            found = self.pool / name if name else None
        return found if found is not None and found.is_file() else None

    def present(self, graphs) -> set[str]:
        """Those of *graphs* that have a file of this kind (one folder listing for the older layout)."""
        if self.names is not None:
            return {g for g in graphs if g in self.names}
        try:
            have = set(os.listdir(self.generation / self.folder))
        except OSError:
            return set()
        return {g for g in graphs if file_name(g, self.suffix) in have}

    def read_all(self, graphs, parse) -> list | None:
        """Each of *graphs*' files as *parse* reads its bytes, or None if one is missing, unreadable (a
        generation removed under a long-lived reader) or damaged (*parse* returns None): then the caller
        asks the store."""
        with gc_paused():
            return self._read_all(graphs, parse)

    def _read_all(self, graphs, parse) -> list | None:
        out = []
        for g in graphs:
            found = self.path(g)
            try:
                data = parse(found.read_bytes()) if found is not None else None
            except OSError:
                return None
            if data is None:
                return None
            out.append(data)
        return out


_paused = 0
_pausing = threading.Lock()


@contextmanager
def gc_paused():
    """Hold Python's cyclic garbage collector while reading or indexing a generation's files in bulk.

    Decoding them makes millions of lists and strings, none in a cycle, and each allocation past a threshold
    starts a collection that walks every object the process already holds. When the last thread is done,
    what they made is moved out of the collector's reach (`gc.freeze`: freed as usual when no longer used,
    never walked again; only garbage in a cycle made meanwhile would stay) before the collector comes back:
    else its first collection walks every object made in the pause (1–3 s at 10,000 reports)."""
    global _paused
    with _pausing:
        _paused += 1
        gc.disable()
    try:
        yield
    finally:
        with _pausing:
            _paused -= 1
            if not _paused:
                gc.freeze()
                gc.enable()


def _listed(generation: Path) -> dict | None:
    """A generation's `files.json` ({kind: {graph: name}}), or None for a generation made before the pool.

    Read once per process while the file is the same (4.9 MB at 10,000 reports: a build asks for it five times)."""
    try:
        st = os.stat(Path(generation) / C.GRAPH_FILES)
    except FileNotFoundError:
        return None
    except OSError:
        return {}
    return _read_listed(str(generation), (st.st_ino, st.st_mtime_ns, st.st_size))


@lru_cache(maxsize=4)
def _read_listed(generation: str, stamp: tuple) -> dict:
    try:
        data = json.loads((Path(generation) / C.GRAPH_FILES).read_bytes())
    except (OSError, ValueError):
        return {}  # unreadable: every graph without its files, so pages and export ask the store
    if not isinstance(data, dict):
        return {}
    return {kind: names for kind, names in data.items()
            if isinstance(names, dict) and all(isinstance(n, str) and "/" not in n for n in names.values())}


class Dumps(GraphFiles):
    """The Turtle files of one generation."""


class Entries(GraphFiles):
    """The page entries of one generation (kg/store/entries.py)."""

    def __init__(self, generation: Path, names: dict[str, str] | None = None):
        super().__init__(generation, C.GRAPH_ENTRIES, ".json", names)


class Labels(GraphFiles):
    """The labels the search reads, of each report graph of one generation (kg/entries.labels_of)."""

    def __init__(self, generation: Path, names: dict[str, str] | None = None):
        super().__init__(generation, C.GRAPH_LABELS, ".json", names)


class Texts(GraphFiles):
    """The texts the full-text index holds, of each report graph of one generation (kg/fulltext.texts_of)."""

    def __init__(self, generation: Path, names: dict[str, str] | None = None):
        super().__init__(generation, C.GRAPH_TEXTS, ".json", names)


def per_graph(generation: Path) -> tuple[GraphFiles, ...]:
    """Every kind of file a generation keeps per graph, as the generation lists them."""
    return Dumps(generation), Entries(generation), Labels(generation), Texts(generation)


def start(tmp: Path, base: Path | None, graphs) -> tuple[GraphFiles, ...]:
    """The per-graph files of a new generation folder *tmp*: those of *base* (its list copied), to change.

    A *base* from before the pool has its files (of *graphs*, the graphs it holds) hard-linked into the pool
    once, named after that generation."""
    out = []
    for files in per_graph(base) if base is not None else ():
        if files.names is not None:
            names = dict(files.names)
        elif not (files.generation / files.folder).is_dir():
            names = {}  # a kind the generation never had: the build writes it for every graph (backfill)
        else:
            names = {}
            for g in files.present(graphs):
                name = f"{file_name(g, '')}.{base.name}{files.suffix}"
                files.pool.mkdir(parents=True, exist_ok=True)
                if not (files.pool / name).exists():
                    os.link(files.generation / files.folder / file_name(g, files.suffix), files.pool / name)
                names[g] = name
        out.append(type(files)(tmp, names=names))
    return tuple(out) if out else (Dumps(tmp, names={}), Entries(tmp, names={}), Labels(tmp, names={}), Texts(tmp, names={}))


def save(files: tuple[GraphFiles, ...], folder: Path) -> None:
    """Write the generation's list of its files into its unpublished *folder*."""
    data = {f.folder: f.names for f in files}
    (folder / C.GRAPH_FILES).write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")


def lists(files: tuple[GraphFiles, ...]) -> dict[str, set[str]]:
    """{kind: the file names a generation lists}."""
    return {f.folder: set((f.names or {}).values()) for f in files}


def sweep(root: Path, gone: list[dict[str, set[str]]], kept: list[dict[str, set[str]]], everything: bool = False) -> None:
    """Delete from the pool the files that generations just removed listed (*gone*) and the kept ones do not
    (*kept*); with *everything*, every file no kept generation lists (what a killed build wrote, or an older
    version). Run under the build lock, after publishing, so no build is adding any."""
    pool = root / C.GRAPH_POOL
    kinds = set(os.listdir(pool)) if everything and pool.is_dir() else {k for g in gone for k in g}
    for kind in kinds:
        keep = set().union(*(k.get(kind, set()) for k in kept))
        try:
            fd = os.open(pool / kind, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:  # gone, or not a folder of ours
            continue
        try:
            names = os.listdir(fd) if everything else set().union(*(g.get(kind, set()) for g in gone))
            for name in names:
                if name not in keep:
                    try:
                        os.unlink(name, dir_fd=fd)
                    except FileNotFoundError:
                        pass
        finally:
            os.close(fd)
