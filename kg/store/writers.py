"""Write converted report graphs into a store: an unpublished pyoxigraph generation (with the files kept per graph)
or a SPARQL 1.1 Update endpoint. kg/store/build.py decides what to write; these write it."""

from __future__ import annotations

import pyoxigraph as ox

from kg.iris import inferred_graph
from kg.store.dumps import turtle_gz
from kg.store.pool import GraphFiles
from kg.store.remote import RemoteStore


class LocalWriter:
    """Write report graphs into an unpublished pyoxigraph generation, in batches.

    Graphs are gathered as N-Quads and bulk-loaded some megabytes at a time: a transactional load
    per report kept every write in RocksDB's memtables (build memory grew with the corpus: 2.1 GiB
    at 1,000 reports) and cost about 0.2 s a report; bulk loading needs no transaction, and the
    generation is not published until the build is known good, so none is needed."""

    BATCH_BYTES = 32 << 20
    COMPACT_AFTER = 100  # graphs: compacting costs ~2 % of such a build and speeds every later read

    def __init__(self, store: ox.Store, files: tuple[GraphFiles, ...]):
        self.store = store
        self.dumps, self.entries, self.labels, self.texts = files
        self.pending: list[bytes] = []
        self.size = 0
        self.written = 0
        self.sizes: dict[str, int] = {}  # quads of each graph written (one N-Triples line each)

    def replace(self, graph: str, ntriples: bytes, turtle: bytes | None = None, entries: bytes | None = None,
                labels: bytes | None = None, texts: bytes | None = None, inferred: bytes = b"",
                inferred_turtle: bytes | None = None) -> None:
        """Replace *graph* by these triples (*turtle*: the same as gzipped Turtle, made here if not given;
        *entries*, *labels* and *texts*: what a report graph lists for the pages, the search and the full-text
        index, kg/store/entries.py and kg/store/fulltext.py; none for the reference graphs), and its graph of entailments
        (kg.iris.inferred_graph) by *inferred* (none: no such graph)."""
        self._load(graph, ntriples, turtle)
        for files, data in ((self.entries, entries), (self.labels, labels), (self.texts, texts)):
            if data:
                files.write(graph, data)
            else:
                files.drop(graph)
        if inferred:
            self._load(inferred_graph(graph), inferred, inferred_turtle)
        else:
            self._remove(inferred_graph(graph))

    def _load(self, graph: str, ntriples: bytes, turtle: bytes | None) -> None:
        self.dumps.write(graph, turtle or turtle_gz(ntriples))
        node = ox.NamedNode(graph)
        if self.store.contains_named_graph(node):
            self.store.remove_graph(node)
        # Each N-Triples line ends in " .\n" (a newline inside a literal is written escaped).
        self.pending.append(ntriples.replace(b" .\n", f" {node} .\n".encode()))
        self.sizes[graph] = ntriples.count(b"\n")
        self.size += len(ntriples)
        self.written += 1
        if self.size >= self.BATCH_BYTES:
            self.flush()

    def drop(self, graph: str) -> None:
        self._remove(graph)
        self._remove(inferred_graph(graph))
        for files in (self.entries, self.labels, self.texts):
            files.drop(graph)

    def _remove(self, graph: str) -> None:
        node = ox.NamedNode(graph)
        if self.store.contains_named_graph(node):
            self.store.remove_graph(node)
        self.dumps.drop(graph)
        self.sizes[graph] = 0  # gone: the listing forgets it

    def flush(self) -> None:
        """Load what is pending."""
        if self.pending:
            self.store.bulk_load(b"".join(self.pending), format=ox.RdfFormat.N_QUADS)
            self.pending, self.size = [], 0

    def finish(self) -> None:
        """Load the rest; after a large build, compact the bulk-loaded files once (faster reads after).

        Then forget the store: the generation's publish() closes it by dropping the last reference,
        and a reference kept here had it closed only after its folder was moved into place."""
        self.flush()
        if self.written >= self.COMPACT_AFTER:
            self.store.optimize()
        self.store = None


class RemoteWriter:
    """Write report graphs to a SPARQL 1.1 Update endpoint, one atomic request per graph."""

    def __init__(self, remote: RemoteStore):
        self.remote = remote

    def replace(self, graph: str, ntriples: bytes, turtle: bytes | None = None, entries: bytes | None = None,
                labels: bytes | None = None, texts: bytes | None = None, inferred: bytes = b"",
                inferred_turtle: bytes | None = None) -> None:
        self.remote.replace_graphs({graph: ntriples, inferred_graph(graph): inferred})

    def drop(self, graph: str) -> None:
        self.remote.drop_graph(graph)
        self.remote.drop_graph(inferred_graph(graph))
