"""Validate a graph against the SHACL shapes and the SPARQL checks in shapes/checks/."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from kg import constants as C
from kg import vocab
from kg.check.context import compile_shapes, context_graph, with_context  # noqa: F401 (made in kg/check/context.py)
from kg.check.prepared import prepared

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Problem:
    """One validation result: severity ('Violation', 'Warning', 'Info'), focus node, path, message, source."""

    severity: str
    focus: str
    path: str
    message: str
    source: str

    def __str__(self) -> str:
        path = f" {self.path}" if self.path else ""
        return f"{self.severity}: <{self.focus}>{path}: {self.message} [{self.source}]"


@dataclass
class Outcome:
    """All problems found; conforms when there is no Violation."""

    problems: list[Problem]

    @property
    def conforms(self) -> bool:
        return not any(p.severity == "Violation" for p in self.problems)

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Violation"]

    def text(self, limit: int = 50) -> str:
        shown = [str(p) for p in sorted(self.problems, key=lambda p: (p.severity != "Violation", p.focus, p.path))]
        more = f"\n… and {len(shown) - limit} more" if len(shown) > limit else ""
        return "\n".join(shown[:limit]) + more


VALIDATORS = ("compiled", "pyshacl")


def _compiled():
    """The shapes read for kg.check.shacl with the context indexed (kg/check/prepared.py), or None if they need pySHACL."""
    return prepared().shapes


def validate_graph(g: Graph, context: bool = True, validator: str = "compiled", triples: set | None = None,
                   ntriples: bytes | None = None) -> Outcome:
    """Validate *g* (with ontology and reference context unless *context* is False).

    By default the shapes run in kg.check.shacl and the checks in pyoxigraph, over the report and the
    context indexed once per process; `validator="pyshacl"` (and any graph validated without
    context, such as a Turtle file) goes through pySHACL and rdflib, the reference the tests hold
    the fast path to. For pySHACL the report's triples are added to the cached context graph and
    taken out again afterwards, so the data it sees is exactly g + context.
    *triples* and *ntriples* (g's triples as a set and as N-Triples, when the caller has them) spare
    the fast path reading g again: each pass over an rdflib Graph costs about 5 µs a triple.
    """
    if validator not in VALIDATORS:
        raise ValueError(f"unknown validator {validator!r}")
    compiled = _compiled() if context and validator == "compiled" else None
    if compiled is not None:
        shapes, index, closure = compiled
        problems = [Problem(r.severity, str(r.focus), _name(r.path), r.message, _shape_name(vocab.shapes_graph(), r.source))
                    for r in shapes.validate(g if triples is None else triples, index, closure)]
        return Outcome(problems + checks_on_store(g, ntriples))
    if not context:
        return _validate(g)
    data = context_graph()
    added = [t for t in g if t not in data]
    for t in added:
        data.add(t)
    try:
        return _validate(data)
    finally:
        for t in added:
            data.remove(t)


def _rdflib_sparql() -> None:
    """Import rdflib's SPARQL engine (0.2 s: only the reference paths use it) and never let a FROM clause in
    a check or a shape make it fetch a file or URL (hardening R2)."""
    import rdflib.plugins.sparql
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


def _validate(data: Graph) -> Outcome:
    _rdflib_sparql()
    import pyshacl  # the reference path only
    _, results, _ = pyshacl.validate(
        data, shacl_graph=vocab.shapes_graph(), inference="none", advanced=False, do_owl_imports=False,
        allow_warnings=True, inplace=True, abort_on_first=False, meta_shacl=False)
    return Outcome(results_problems(results) + run_checks(data))


def results_problems(results: Graph) -> list[Problem]:
    """Read the problems of a SHACL validation report graph (pySHACL's, or another engine's: bench/engines.py)."""
    problems = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        sev = results.value(r, SH.resultSeverity)
        source = results.value(r, SH.sourceShape)
        problems.append(Problem(
            str(sev).rsplit("#", 1)[-1], str(results.value(r, SH.focusNode)), _name(results.value(r, SH.resultPath)),
            str(results.value(r, SH.resultMessage) or ""), _shape_name(vocab.shapes_graph(), source)))
    return problems


def _shape_name(shapes: Graph, source) -> str:
    """Name the node shape a result came from (a property shape is named by its node shape)."""
    if source is None:
        return ""
    owner = next(shapes.subjects(SH.property, source), None)
    node = owner if owner is not None else source
    return str(node).rsplit("#", 1)[-1] if isinstance(node, URIRef) else "anonymous shape"


def _name(term) -> str:
    if term is None:
        return ""
    s = str(term)
    for prefix, ns in C.PREFIXES.items():
        if s.startswith(ns):
            return f"{prefix}:{s[len(ns):]}"
    return f"<{s}>"


@lru_cache(maxsize=1)
def checks() -> tuple[tuple[str, str], ...]:
    """Return (name, query text) for every shapes/checks/*-violation.rq."""
    return tuple((p.stem, p.read_text(encoding="utf-8")) for p in sorted(C.CHECKS_DIR.glob("*-violation.rq")))


class _CheckStore:
    """An in-memory pyoxigraph store holding the context; a report is loaded beside it per check run.

    The store is made again every RENEW_AFTER runs: removing a report's quads leaves its strings in
    the store's dictionary, so a build worker grew by about 0.8 MiB a report (1.3 GiB each after
    1,600 reports of a 10,000-report build) and its checks slowed down as the dictionary grew."""

    REPORT = "urn:x-kg:report"
    RENEW_AFTER = 20

    def __init__(self):
        import pyoxigraph as ox
        self.ox = ox
        self.context = prepared().context_nt
        self.runs = 0
        self._renew()

    def _renew(self) -> None:
        ox = self.ox
        self.store = ox.Store()
        self.store.load(self.context, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:x-kg:context"))

    def run(self, g: Graph, ntriples: bytes | None = None) -> list[Problem]:
        ox = self.ox
        self.runs += 1
        if self.runs % self.RENEW_AFTER == 0:
            self._renew()
        graph = ox.NamedNode(self.REPORT)
        self.store.load(vocab.ntriples(g) if ntriples is None else ntriples, ox.RdfFormat.N_TRIPLES, to_graph=graph)
        try:
            out = []
            for name, query in checks():
                for row in self.store.query(query, use_default_graph_as_union=True):
                    out.append(Problem("Violation", row["focus"].value, "", row["message"].value, name))
            return out
        finally:
            self.store.clear_graph(graph)


@lru_cache(maxsize=1)
def _check_store() -> _CheckStore:
    return _CheckStore()


def checks_on_store(g: Graph, ntriples: bytes | None = None) -> list[Problem]:
    """Run the SPARQL checks on *g* (given as *ntriples* if the caller has them) plus the context in
    pyoxigraph (the same rows as run_checks)."""
    return _check_store().run(g, ntriples)


def run_checks(data: Graph) -> list[Problem]:
    """Run the SPARQL checks on *data*; every row is a Violation."""
    _rdflib_sparql()
    out = []
    for name, query in checks():
        for row in data.query(query):
            out.append(Problem("Violation", str(row.focus), "", str(row.message), name))
    return out
