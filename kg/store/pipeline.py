"""Convert one report file: read → parse → map → validate → infer, in a worker process."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from kg.check.infer import InferenceError, entailments
from kg.check.prepared import default_resolver
from kg.check.validate import validate_graph
from kg.iris import is_safe_iri
from kg.map.mapper import map_triples, meeting_slug
from kg.read.parser import parse_file
from kg.read.reader import ReportError
from kg.store import entries as page_entries
from kg.store.dumps import turtle_gz
from kg.store.fulltext import texts_of
from kg.store.tallies import of_triples
from kg.vocab import ID, ntriples


@dataclass
class Converted:
    """A converted report, ready to load: its named graph and N-Triples, or why it was rejected."""

    path: str
    sha256: str
    graph_iri: str = ""
    ntriples: bytes = b""  # the asserted triples
    turtle: bytes = b""  # the same triples as gzipped Turtle (kg/store/dumps.py), made here in the worker
    inferred_nt: bytes = b""  # the entailments, for the graph kg.iris.inferred_graph(graph_iri)
    inferred_turtle: bytes = b""
    entries: bytes = b""  # what its graph lists for the pages, as JSON (kg/store/entries.py)
    labels: bytes = b""  # its IRIs' labels, for the search (kg/store/entries.py)
    texts: bytes = b""  # its texts, for the full-text index (kg/store/fulltext.py)
    asserted: int = 0
    inferred: int = 0
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what the reader noticed (no date line, a partial report…)
    meeting: str = ""  # the meeting's key (kg.store.generations.meeting_key), for numbered meetings of a process
    tallies: Counter = field(default_factory=Counter)  # its arguments' alignment counts (kg/store/tallies.py)
    error: str = ""
    exit_code: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def graph_iri(slug: str) -> str:
    """Return the named graph IRI a report's triples live in."""
    return str(ID["graph/" + slug])


def _meeting_key(g: Graph) -> str:
    from rdflib.namespace import RDF

    from kg.store.generations import meeting_key
    from kg.vocab import CDO
    for ev in g.subjects(RDF.type, CDO.Meeting):
        session, number, date = g.value(ev, CDO.partOfSession), g.value(ev, CDO.meetingNumber), g.value(ev, CDO.date)
        if session is not None and number is not None and date is not None:
            part = g.value(ev, CDO.part)
            return meeting_key(str(session), str(number), str(date), str(part) if part is not None else None)
    return ""


def convert(path: str, infer: bool = True, accept_partial: bool = False, reasoner: str = "compiled",
            validator: str = "compiled") -> Converted:
    """Convert the report at *path*; never raises for bad input (the error is in the result)."""
    t0 = time.perf_counter()
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return Converted(path, "", error=f"{path}:0: [file] cannot read: {exc.strerror}", exit_code=2)
    out = Converted(path, hashlib.sha256(data).hexdigest())
    try:
        report = parse_file(path, data, accept_partial)
        t1 = time.perf_counter()
        g = map_triples(report, default_resolver(), data)
        out.notices = list(report.warnings)  # the reader's, and the mapper's (a one-word speaker heading read as a name)
        t2 = time.perf_counter()
        asserted = set(g)  # read once: validation, inference and the N-Triples take it from here
        asserted_nt = ntriples(asserted)
        outcome = validate_graph(g, validator=validator, triples=asserted, ntriples=asserted_nt)
        t3 = time.perf_counter()
        out.warnings = [str(p) for p in outcome.problems if p.severity != "Violation"]
        if not outcome.conforms:
            out.error = f"{path}:0: [validation] the report's graph does not conform to the shapes:\n{outcome.text()}"
            out.exit_code = 1
            return out
        extra = entailments(g, reasoner, asserted) if infer else set()
        t4 = time.perf_counter()
    except ReportError as exc:
        out.error, out.exit_code = str(exc), 2
        return out
    except InferenceError as exc:
        out.error, out.exit_code = f"{path}:0: [inference] {exc}", 1
        return out
    full = asserted | extra
    iris = {t for triple in full for t in triple if isinstance(t, URIRef)}
    bad = sorted(str(t) for t in iris if not is_safe_iri(str(t)))
    if bad:  # a bug, not bad input: every IRI is minted through iris.mint
        out.error, out.exit_code = f"{path}:0: [mapping] unsafe IRI {bad[0]!r}", 1
        return out
    out.graph_iri = graph_iri(meeting_slug(report))
    out.meeting = _meeting_key(g)
    out.tallies = of_triples(full)
    out.entries = page_entries.dumps(page_entries.of_triples(full))
    out.labels = page_entries.labels_of(full)
    out.texts = texts_of(full)
    out.ntriples, out.inferred_nt = asserted_nt, ntriples(extra)  # entailments never repeat an asserted triple
    out.turtle = turtle_gz(out.ntriples)
    out.inferred_turtle = turtle_gz(out.inferred_nt) if extra else b""
    out.asserted, out.inferred = len(g), len(extra)
    out.seconds = {"parse": t1 - t0, "map": t2 - t1, "validate": t3 - t2, "infer": t4 - t3,
                   "serialize": time.perf_counter() - t4}
    return out
