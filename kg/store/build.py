"""Build or update the store from report files: convert in parallel, then publish all or nothing."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg import constants as C
from kg import vocab
from kg.check.infer import reference_closure, useful
from kg.iris import inferred_graph
from kg.procs import die_with_parent
from kg.store import entries as page_entries
from kg.store import fulltext, tallies
from kg.store.generations import Listing, NewGeneration, build_lock, current_path, graph_sizes
from kg.store.hashes import FileHashes
from kg.store.pipeline import Converted, convert
from kg.store.remote import RemoteStore
from kg.store.writers import LocalWriter, RemoteWriter

CDO_SHA = URIRef(C.ONTOLOGY_NS + "sha256")


class BuildInputError(Exception):
    """Raise when the paths given to build name no report files."""


@dataclass
class BuildResult:
    """What a build did."""

    built: list[Converted] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rejected: list[Converted] = field(default_factory=list)
    published: bool = False
    triples: int = 0

    @property
    def exit_code(self) -> int:
        return max([r.exit_code for r in self.rejected], default=C.EXIT_OK)


def find_reports(paths: Iterable[str | Path]) -> list[Path]:
    """Return the report files named by *paths* (folders are searched for *.txt), sorted, without repeats."""
    found: list[tuple[Path, str]] = []  # (as named, resolved)
    for p in map(Path, paths):
        if p.is_dir():
            found += _txt_files(p)
        elif p.is_file():
            found.append((p, str(p.resolve())))
        elif p.exists():
            raise BuildInputError(f"{p}: not a regular file (a FIFO, socket or device); give report files or folders")
        else:
            raise BuildInputError(f"{p}: no such file or folder")
    seen, out = set(), []
    for f, real in found:
        if real not in seen:
            seen.add(real)
            out.append(f)
    return out


def _txt_files(folder: Path) -> list[tuple[Path, str]]:
    """Return (path, resolved path) of the *.txt regular files under *folder* but README.txt, in the order
    of sorted(folder.rglob("*.txt")) (links to folders are not followed).

    One scandir per folder, the folder resolved once and paths kept as text until the end: rglob,
    is_file, resolve and sorting Paths took 1.7 s at 10,000 files."""
    found, todo = [], [((), os.fspath(folder), str(folder.resolve()))]
    while todo:
        parts, given, real = todo.pop()
        with os.scandir(given) as entries:
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    todo.append(((*parts, e.name), e.path, os.path.join(real, e.name)))
                elif e.name.endswith(".txt") and e.name.lower() != "readme.txt" and e.is_file():
                    found.append(((*parts, e.name), os.path.realpath(e.path) if e.is_symlink() else os.path.join(real, e.name)))
    found.sort()  # by parts, as Paths compare
    return [(folder.joinpath(*parts), real) for parts, real in found]


def reference_digest() -> str:
    """Return the hash of the ontology and reference files (and the base IRI), to tell when to reload them."""
    h = hashlib.sha256(C.BASE.encode())
    for f in (C.ONTOLOGY_FILE, C.SCHEMES_FILE, *C.REFERENCE_FILES):
        h.update(f.read_bytes())
    return h.hexdigest()


def reference_dataset() -> tuple[bytes, bytes]:
    """Return (ontology N-Triples, reference N-Triples with their useful OWL RL entailments)."""
    onto = vocab.load(C.ONTOLOGY_FILE)  # the schemes go with the reference data only: no triple in both graphs
    ref = Graph()
    ref += vocab.reference_graph()
    for t in reference_closure():
        if t not in onto and useful(t):
            ref.add(t)
    return _stable(onto).serialize(format="nt", encoding="utf-8"), _stable(ref).serialize(format="nt", encoding="utf-8")


def _stable(g: Graph) -> Graph:
    """Replace blank nodes (OWL lists, disjointness axioms) by Skolem IRIs named from the canonical labelling,
    so two builds of the same input dump byte-identical N-Quads (a store would mint fresh blank node ids)."""
    # imported here: only when the reference files changed
    from rdflib.compare import to_canonical_graph
    canon = to_canonical_graph(g)
    return canon.skolemize(authority=C.BASE.rstrip("/"), basepath="/.well-known/genid/")


def memory_estimate_of(size: int) -> int:
    """Bytes of memory converting a report of *size* bytes may take at worst (kg/constants.py: how it was measured)."""
    return C.WORKER_BASE_RSS + min(size, C.MAX_REPORT_BYTES) * C.RSS_PER_REPORT_BYTE


def memory_estimate(path: Path) -> int:
    """memory_estimate_of the file at *path* (a file that cannot be read is refused at once: nothing)."""
    try:
        return memory_estimate_of(Path(path).stat().st_size)
    except OSError:
        return C.WORKER_BASE_RSS


def admits(running: list[int], estimate: int, jobs: int) -> bool:
    """Tell whether a report of *estimate* bytes may start beside those *running* (their estimates): a free worker,
    and their memory together within C.BUILD_MEMORY (a report alone always may)."""
    return len(running) < jobs and (not running or sum(running) + estimate <= C.BUILD_MEMORY)


def _converted(files: list[Path], jobs: int, infer: bool, accept_partial: bool = False,
               reasoner: str = "compiled", validator: str = "compiled") -> Iterator[Converted]:
    """Convert *files*, yielding each result as it is ready, in file order.

    Workers are spawned (not forked: they must not inherit the build lock or anything else open here)
    and die with this process, so a killed build leaves nothing running that holds the store.
    """
    if jobs <= 1 or len(files) <= 2:  # starting workers costs more than it saves
        for f in files:
            yield convert(str(f), infer, accept_partial, reasoner, validator)
        return
    import multiprocessing as mp  # imported here: adding one report needs no pool (~25 ms of imports)
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        # Reports go to the workers in order, as many at once as there are workers and as their estimated
        # memory fits in C.BUILD_MEMORY (one large report converts alone); results come back in order.
        waiting, running = deque(files), deque()
        while waiting or running:
            while waiting and admits([m for _, m in running], memory_estimate(waiting[0]), jobs):
                f = waiting.popleft()
                running.append((pool.submit(convert, str(f), infer, accept_partial, reasoner, validator),
                                memory_estimate(f)))
            yield running.popleft()[0].result()


def build(paths: Iterable[str | Path], root: Path, *, prune: bool = False, keep_going: bool = False,
          jobs: int | None = None, infer: bool = True, endpoint: RemoteStore | None = None,
          allow_duplicate_meetings: bool = False, accept_partial: bool = False, reasoner: str = "compiled",
          validator: str = "compiled", tick: Callable[[Converted], None] = lambda r: None,
          announce: Callable[[int], None] = lambda n: None,
          notice: Callable[[str], None] = lambda m: None) -> BuildResult:
    """Bring the store at *root* (or the remote *endpoint*; *root* then only holds the build lock) in line
    with the reports named by *paths*; see docs/architecture.md.

    Converted graphs are written into the new generation as they arrive (memory stays flat in the
    number of reports); the generation is published only if nothing was rejected (or --keep-going).
    """
    root = Path(root)
    files = find_reports(paths)
    if not files:
        raise BuildInputError("no report files (*.txt) in " + ", ".join(map(str, paths)))
    result = BuildResult()
    with build_lock(root):
        base = current_path(root)
        if endpoint is not None:
            listing, base = Listing.of_store(endpoint), endpoint
        else:
            listing = Listing({}, {}, None, {}) if base is None else Listing.of_generation(base)
        index, meetings, ref_hash = listing.reports, listing.meetings, listing.reference
        names = {f.name for f in files}
        known = set(index.values())
        stored_by_sha = {sha: name for sha, name in index.values()}
        todo, first_of = [], {}
        hashes = FileHashes(root)
        for f in files:
            sha = hashes.sha(f)
            if (sha, f.name) in known:
                result.skipped.append(str(f))
            elif sha in stored_by_sha and (stored_by_sha[sha] in names or not prune):
                result.skipped.append(str(f))
                notice(f"{f}: skipped: the same bytes are already stored as {stored_by_sha[sha]}")
            elif sha in first_of:
                result.skipped.append(str(f))
                notice(f"{f}: skipped: the same bytes as {first_of[sha]}")
            else:
                first_of[sha] = f
                todo.append(f)
        hashes.save()
        announce(len(todo))
        todo_names = {f.name for f in todo}
        # Graphs a file of this build replaces (same file name) or --prune drops do not count as duplicates of it.
        going = {g for g, (_, name) in index.items() if name in todo_names or (prune and name not in names)}
        seen_meeting = {key: index[g][1] for g, key in meetings.items() if g not in going and g in index}
        by_graph: dict[str, Converted] = {}
        writer = gen = None
        digest = reference_digest()
        try:
            for r in _converted(todo, jobs or min(os.cpu_count() or 1, len(todo) or 1), infer, accept_partial, reasoner,
                                   validator):
                tick(r)
                for n in r.notices:
                    notice(n)
                if not r.error and r.graph_iri in by_graph:
                    r.error = (f"{r.path}:0: [file] gives the same meeting IRI as {by_graph[r.graph_iri].path}; "
                               "rename one of the files")
                    r.exit_code = C.EXIT_USAGE
                if not r.error and r.meeting and r.meeting in seen_meeting and not allow_duplicate_meetings:
                    r.error = (f"{r.path}:0: [file] reports the same meeting ({r.meeting.rsplit('/', 1)[-1]}) as "
                               f"{seen_meeting[r.meeting]}; pass --allow-duplicate-meetings if both belong in the graph")
                    r.exit_code = C.EXIT_USAGE
                if r.error:
                    result.rejected.append(r)
                    continue
                by_graph[r.graph_iri] = r
                if r.meeting:
                    seen_meeting.setdefault(r.meeting, Path(r.path).name)
                if endpoint is not None or (result.rejected and not keep_going):
                    continue  # remote: written only once the build is known good; local: already failing
                if writer is None:
                    gen, writer = _open_generation(root, digest, ref_hash)
                writer.replace(r.graph_iri, r.ntriples, r.turtle, r.entries, r.labels, r.texts, r.inferred_nt, r.inferred_turtle)
                r.ntriples = r.turtle = r.entries = r.labels = r.texts = r.inferred_nt = r.inferred_turtle = b""  # written: free it
            # A graph this build wrote is never stale: a renamed file (pruned under its old name) can keep its IRI.
            built_names = {Path(r.path).name for r in by_graph.values()}
            stale = [g for g, (sha, name) in index.items()
                     if g not in by_graph and (name in built_names or (prune and name not in names))]
            if result.rejected and not keep_going:
                if gen is not None:
                    gen.discard()
                return result
            older = page_entries.missing(base, [g for g in index if g not in by_graph and g not in stale]) \
                if endpoint is None and base is not None else []
            if not by_graph and not stale and digest == ref_hash and base is not None and not older:
                if endpoint is None:
                    fulltext.catch_up(root, base)  # a build killed after publishing left the index behind
                return result  # up to date: nothing to publish
            if endpoint is not None:
                remote = RemoteWriter(endpoint)
                _reference(remote, digest, ref_hash)
                for g in stale:
                    remote.drop(g)
                for g, r in sorted(by_graph.items()):
                    remote.replace(g, r.ntriples, inferred=r.inferred_nt)
                    r.ntriples = r.inferred_nt = b""
                result.removed, result.built = stale, sorted(by_graph.values(), key=lambda r: r.graph_iri)
                result.triples = len(endpoint)
                result.published = True
                return result
            if gen is None:
                gen, writer = _open_generation(root, digest, ref_hash)
            for g in stale:
                writer.drop(g)
            if older:  # graphs an older version built: their lists for the pages, once
                page_entries.backfill(gen.files, gen.store, older)
                notice(f"{root}: the pages' lists, labels and texts written for {len(older)} graphs built by an older version")
            writer.finish()  # lets go of the store: publish() must close it before moving its folder
            _listing_after(listing, stale, by_graph.values(), digest, writer.sizes, gen.store).write(gen.tmp)
            _keep_tallies(base, gen, stale + [g for g in by_graph if g in index], list(by_graph.values()))
            result.removed, result.built = stale, sorted(by_graph.values(), key=lambda r: r.graph_iri)
            result.triples = sum(r.asserted + r.inferred for r in result.built)
            gen.publish()
            result.published = True
        except BaseException:
            if gen is not None:
                gen.discard()
            raise
    return result


def _keep_tallies(base: Path | None, gen: NewGeneration, dropped: list[str], built: list[Converted]) -> None:
    """Write the new generation's alignment tallies: the previous ones, less the graphs it drops or
    replaces (asked of the previous generation graph by graph), plus the converted reports' own."""
    kept = tallies.Kept.read(base) if base is not None else tallies.Kept()
    if kept is None:  # the previous generation kept none (an older version made it): count once
        tallies.Kept.of(tallies.of_store(gen.store)).write(gen.tmp)
        return
    old = ox.Store.read_only(str(base)) if dropped else None
    for g in dropped:
        kept.add(tallies.of_store(old, g), -1)
    for r in built:
        kept.add(r.tallies)
    kept.write(gen.tmp)


def _listing_after(before: Listing, dropped: Iterable[str], written: Iterable[Converted], reference: str,
                   sizes: dict[str, int], store: ox.Store) -> Listing:
    """Return the listing of the generation *before* becomes once *dropped* are gone and *written* stored
    (*sizes*: the quads of every graph written, reports and reference graphs; where the previous sizes are
    not known, the new generation's *store* is counted once)."""
    gone = set(dropped) | {inferred_graph(g) for g in dropped}
    kept = graph_sizes(store) if before.sizes is None else \
        {g: n for g, n in {**{g: n for g, n in before.sizes.items() if g not in gone}, **sizes}.items() if n}
    out = Listing({g: v for g, v in before.reports.items() if g not in gone},
                  {g: k for g, k in before.meetings.items() if g not in gone}, reference, kept)
    for r in written:
        out.reports[r.graph_iri] = (r.sha256, Path(r.path).name)
        out.meetings.pop(r.graph_iri, None)
        if r.meeting:
            out.meetings[r.graph_iri] = r.meeting
    return out


def _open_generation(root: Path, digest: str, ref_hash: str | None) -> tuple[NewGeneration, "LocalWriter"]:
    """Start the new generation (with the reference graphs brought up to date) and its writer."""
    gen = NewGeneration(root)
    writer = LocalWriter(gen.store, gen.files)
    _reference(writer, digest, ref_hash)
    return gen, writer


def _reference(writer, digest: str, ref_hash: str | None) -> None:
    """Write the ontology and reference graphs when their files changed since the store was built."""
    if digest != ref_hash:
        onto_nt, ref_nt = reference_dataset()
        writer.replace(C.ONTOLOGY_GRAPH, onto_nt)
        marker = f"<{C.REFERENCE_GRAPH}> <{CDO_SHA}> {ox.Literal(digest)} .\n".encode()
        writer.replace(C.REFERENCE_GRAPH, ref_nt + marker)


def remove(names: Iterable[str], root: Path) -> list[str]:
    """Drop the reports with these file names or graph IRIs from the store; return the graphs removed."""
    wanted = set(names)
    with build_lock(root):
        base = current_path(root)
        if base is None:
            return []
        listing = Listing.of_generation(base)
        gone = [g for g, (_, name) in listing.reports.items() if g in wanted or name in wanted]
        if not gone:
            return []
        gen = NewGeneration(root)
        try:
            for g in gone:
                for graph in (g, inferred_graph(g)):
                    gen.store.remove_graph(ox.NamedNode(graph))
                    for files in gen.files:
                        files.drop(graph)
            _listing_after(listing, gone, (), listing.reference, {}, gen.store).write(gen.tmp)
            _keep_tallies(base, gen, gone, [])
            gen.publish()
        except BaseException:
            gen.discard()
            raise
    return gone
