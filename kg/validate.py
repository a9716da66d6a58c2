"""Validate a graph against the SHACL shapes and the SPARQL checks in shapes/checks/."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyshacl
import rdflib.plugins.sparql
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from . import constants as C
from . import vocab

# Never let a FROM clause in a check make rdflib fetch a file or URL (hardening R2).
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
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


@lru_cache(maxsize=1)
def _schema() -> Graph:
    """Return the ontology's class and property hierarchy: what sh:class needs to see subclasses."""
    g = Graph()
    for p in (RDFS.subClassOf, RDFS.subPropertyOf):
        for s, o in vocab.ontology_graph().subject_objects(p):
            g.add((s, p, o))
    for s, p, o in vocab.ontology_graph().triples((None, RDF.type, None)):
        if o in (OWL.Class, SH.NodeShape):
            g.add((s, p, o))
    for s, p, o in vocab.ontology_graph():  # the concept schemes
        if str(s).startswith(C.DATA_NS):
            g.add((s, p, o))
    return g


def with_context(g: Graph) -> Graph:
    """Return *g* plus the ontology's hierarchy and the reference data it links to.

    The whole reference graph goes in (a few thousand triples): sh:class on a linked state's links
    needs their types, and a partial copy would make the reference shapes fail on what was left out.
    """
    data = Graph()
    data += g
    data += _schema()
    data += vocab.reference_graph()
    return data


@lru_cache(maxsize=1)
def _context() -> Graph:
    """The ontology hierarchy and reference data, built once per process (see with_context)."""
    return with_context(Graph())


def validate_graph(g: Graph, context: bool = True) -> Outcome:
    """Validate *g* (with ontology and reference context unless *context* is False).

    The context graph is built once per process; a report's own triples are added to it for the
    validation and taken out again afterwards, so the data pySHACL sees is exactly g + context
    (copying some ten thousand context triples per report cost more than validating them).
    """
    if not context:
        return _validate(g)
    data = _context()
    added = [t for t in g if t not in data]
    for t in added:
        data.add(t)
    try:
        return _validate(data)
    finally:
        for t in added:
            data.remove(t)


def _validate(data: Graph) -> Outcome:
    _, results, _ = pyshacl.validate(
        data, shacl_graph=vocab.shapes_graph(), inference="none", advanced=False, do_owl_imports=False,
        allow_warnings=True, inplace=True, abort_on_first=False, meta_shacl=False)
    problems = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        sev = results.value(r, SH.resultSeverity)
        source = results.value(r, SH.sourceShape)
        problems.append(Problem(
            str(sev).rsplit("#", 1)[-1], str(results.value(r, SH.focusNode)), _name(results.value(r, SH.resultPath)),
            str(results.value(r, SH.resultMessage) or ""), _shape_name(vocab.shapes_graph(), source)))
    problems += run_checks(data)
    return Outcome(problems)


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


def run_checks(data: Graph) -> list[Problem]:
    """Run the SPARQL checks on *data*; every row is a Violation."""
    out = []
    for name, query in checks():
        for row in data.query(query):
            out.append(Problem("Violation", str(row.focus), "", str(row.message), name))
    return out
