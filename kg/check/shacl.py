"""Validate a report's graph against the project's shapes without pySHACL's per-node overhead.

The shapes use a small part of SHACL core: class targets, simple predicate paths, and the
components listed in COMPONENTS. They are read once into plain Python; a report's triples and the
ontology-plus-reference context are indexed as subject → predicate → objects dictionaries (the
context once per process), and each focus node of the report is checked against its shapes. The
semantics follow pySHACL's own (datatype well-formedness, string forms, literal comparison), and
pySHACL stays the reference: `kg build --validator pyshacl` uses it, and tests/test_shacl.py holds
the two to the same results on every shape fixture and report. A shape using anything else raises
Unsupported when the shapes are read, and validation falls back to pySHACL.

Only the report's own subjects are focus nodes: every path is a forward predicate, so a result on a
node depends on that node's own triples and on its values' types; the reference data, which the
tests validate on its own, cannot change unless the report states something about it, and then
that node is one of the report's subjects.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD


class Unsupported(Exception):
    """The shapes use something this validator does not implement: use pySHACL."""


# Parameters a shape may have: constraint components and what only describes the shape.
COMPONENTS = {SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.minLength, SH.pattern, SH.flags, SH.languageIn,
              SH["in"], SH.hasValue, SH.minInclusive, SH.maxInclusive, SH.node, SH["or"], SH.lessThanOrEquals, SH.nodeKind}
DESCRIPTIVE = {RDF.type, SH.targetClass, SH.property, SH.path, SH.message, SH.severity, SH.name, SH.description,
               RDFS.label, RDFS.comment}
# Looked up once: rdflib's namespace attribute access is slow in the inner loop.
MIN_COUNT, MAX_COUNT, CLASS, DATATYPE, MIN_LENGTH = SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.minLength
HAS_VALUE, MIN_INCLUSIVE, MAX_INCLUSIVE, NODE, OR, LESS_EQ = (SH.hasValue, SH.minInclusive, SH.maxInclusive, SH.node,
                                                              SH["or"], SH.lessThanOrEquals)
TYPE = RDF.type
NODE_KIND = SH.nodeKind
# sh:nodeKind's values and the kinds of term each admits
_KINDS = {SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,), SH.BlankNodeOrIRI: (BNode, URIRef),
          SH.BlankNodeOrLiteral: (BNode, Literal), SH.IRIOrLiteral: (URIRef, Literal)}
_PYTHON_TYPES = {XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
                 XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}


@dataclass
class Shape:
    """A node or property shape: its parameters, property shapes and what reports name it by."""

    node: object
    params: dict = field(default_factory=dict)
    properties: list = field(default_factory=list)
    path: URIRef | None = None
    severity: str = "Violation"
    message: str = ""
    per_value: bool = False  # has a constraint checked on each value (not only counts, sh:hasValue, sh:node)


@dataclass(frozen=True)
class Result:
    severity: str
    focus: object
    path: object
    message: str
    source: object  # the shape the result comes from


def _by_predicate() -> defaultdict:
    return defaultdict(set)  # a named function, not a lambda: an Index must pickle (kg/check/prepared.py)


class Index:
    """subject → predicate → set of objects, over one or more graphs."""

    def __init__(self, *graphs: Graph):
        self.spo: dict = defaultdict(_by_predicate)
        for g in graphs:
            for s, p, o in g:
                self.spo[s][p].add(o)

    def values(self, s, p) -> set:
        found = self.spo.get(s)
        return found.get(p, set()) if found else set()


class Validator:
    """The shapes of a shapes graph, read once; validate(report index, context index) per report."""

    def __init__(self, shapes: Graph):
        self.sg = shapes
        self.shapes: dict = {}
        self.targets: dict = defaultdict(list)  # class → node shapes targeting it
        for node in set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(SH.targetClass, None)):
            shape = self.shape(node)
            for cls in shapes.objects(node, SH.targetClass):
                self.targets[cls].append(shape)
        self.sg = None  # every shape is read: the graph is not kept (kg/check/prepared.py pickles a Validator)

    def shape(self, node) -> Shape:
        if node in self.shapes:
            return self.shapes[node]
        sg = self.sg
        shape = Shape(node)
        self.shapes[node] = shape
        for p, o in sg.predicate_objects(node):
            if p in COMPONENTS:
                shape.params.setdefault(p, []).append(o)
            elif p not in DESCRIPTIVE:
                raise Unsupported(f"{p} on shape {node}")
        path = sg.value(node, SH.path)
        if path is not None and not isinstance(path, URIRef):
            raise Unsupported(f"a complex path on shape {node}")
        shape.path = path
        severity = sg.value(node, SH.severity)
        shape.severity = str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"
        message = sg.value(node, SH.message)
        shape.message = str(message) if message is not None else ""
        for prop in sg.objects(node, SH.property):
            shape.properties.append(self.shape(prop))
        for nested in shape.params.get(NODE, ()):
            self.shape(nested)
        shape.params["_or"] = [[self.shape(member) for member in Collection(sg, lst)] for lst in shape.params.get(OR, [])]
        if SH.pattern in shape.params:
            flags = str(shape.params[SH.flags][0]) if SH.flags in shape.params else ""
            shape.params["_regex"] = re.compile(str(shape.params[SH.pattern][0]),
                                                (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0) |
                                                (re.S if "s" in flags else 0) | (re.X if "x" in flags else 0))
        if SH.languageIn in shape.params:
            shape.params["_langs"] = {str(x).lower() for x in Collection(sg, shape.params[SH.languageIn][0])}
        if SH["in"] in shape.params:
            shape.params["_in"] = set(Collection(sg, shape.params[SH["in"]][0]))
        shape.per_value = bool(shape.params.keys() - {MIN_COUNT, MAX_COUNT, HAS_VALUE, NODE, OR, "_or"} or shape.params["_or"])
        return shape

    # -- validation ------------------------------------------------------------------------------
    def validate(self, report, context: Index, superclasses: dict) -> list[Result]:
        """Check every subject of *report* (a Graph or a set of triples) against the node shapes that target its classes."""
        own = Index(report)
        data = _Union(own, context)
        out: list[Result] = []
        for focus in list(own.spo):  # the report's subjects (read before lookups can add keys)
            classes = set()
            for t in data.values(focus, TYPE):
                classes.add(t)
                classes |= superclasses.get(t, set())
            shapes = {id(shape): shape for cls in classes for shape in self.targets.get(cls, ())}
            for shape in shapes.values():  # a node of two target classes of one shape is checked once
                out += self.check(shape, focus, data, superclasses)
        return out

    def conforms(self, shape: Shape, focus, data, superclasses) -> bool:
        return not self.check(shape, focus, data, superclasses)

    def check(self, shape: Shape, focus, data, superclasses) -> list[Result]:
        values = data.values(focus, shape.path) if shape.path is not None else {focus}
        out = [Result(shape.severity, focus, shape.path, shape.message or msg, shape.node)
               for msg in self.failures(shape, focus, values, data, superclasses)]
        for nested in shape.params.get(NODE, ()):
            for v in values:
                inner = self.check(self.shapes[nested], v, data, superclasses)
                if inner:  # pySHACL reports the failure and, as its sh:detail, the nested results
                    out.append(Result(shape.severity, focus, shape.path,
                                      shape.message or f"Value does not conform to Shape {_n(nested)}", shape.node))
                    out += inner
        for prop in shape.properties:
            out += self.check(prop, focus, data, superclasses)
        return out

    def failures(self, shape: Shape, focus, values: set, data, superclasses) -> list[str]:
        """One message per failing value (per focus for counts and sh:hasValue), as pySHACL reports them."""
        p, out = shape.params, []
        if MIN_COUNT in p and len(values) < int(p[MIN_COUNT][0]):
            out.append(f"Less than {p[MIN_COUNT][0]} values on {_n(focus)}->{_n(shape.path)}")
        if MAX_COUNT in p and len(values) > int(p[MAX_COUNT][0]):
            out.append(f"More than {p[MAX_COUNT][0]} values on {_n(focus)}->{_n(shape.path)}")
        for wanted in p.get(HAS_VALUE, ()):
            if wanted not in values:
                out.append(f"Node {_n(focus)}->{_n(shape.path)} does not contain a value in the set: ['{wanted}']")
        if not values or not shape.per_value:
            return out
        classes, datatypes, lengths = p.get(CLASS, ()), p.get(DATATYPE, ()), p.get(MIN_LENGTH, ())
        lows, highs, others = p.get(MIN_INCLUSIVE, ()), p.get(MAX_INCLUSIVE, ()), p.get(LESS_EQ, ())
        regex, langs, allowed, alternatives = p.get("_regex"), p.get("_langs"), p.get("_in"), p["_or"]
        kinds = p.get(NODE_KIND, ())
        for v in values:
            for kind in kinds:
                if not isinstance(v, _KINDS.get(kind, ())):
                    out.append(f"Value is not of Node Kind sh:{str(kind).rsplit('#', 1)[-1]}")
            for cls in classes:
                if not _instance(v, cls, data, superclasses):
                    out.append(f"Value does not have class {_n(cls)}")
            for dt in datatypes:
                if not _has_datatype(v, dt):
                    out.append(f"Value is not Literal with datatype {_n(dt)}")
            for n in lengths:
                if int(n) > 0 and (isinstance(v, BNode) or len(_string(v)) < int(n)):
                    out.append(f"String length not >= {n}")
            if regex is not None and (isinstance(v, BNode) or not (regex.match(_string(v)) or regex.search(_string(v)))):
                out.append(f"Value does not match pattern '{p[SH.pattern][0]}'")
            if langs is not None:
                lang = v.language if isinstance(v, Literal) else None
                if not (lang and (lang.lower() in langs or lang.split("-")[0].lower() in langs or "*" in langs)):
                    out.append(f"String language is not in {sorted(langs)}")
            if allowed is not None and v not in allowed:
                out.append("Value not in list")
            for low in lows:
                if not _compares(v, low, lambda c: c >= 0):
                    out.append(f"Value is not >= {low}")
            for high in highs:
                if not _compares(v, high, lambda c: c <= 0):
                    out.append(f"Value is not <= {high}")
            for members in alternatives:
                if not any(self.conforms(m, v, data, superclasses) for m in members):
                    out.append("Node does not conform to one or more shapes in sh:or")
            for other in others:
                out += [f"Value of {_n(focus)}->{_n(shape.path)} not <= {_n(other)}"
                        for w in data.values(focus, other) if not _less_or_equal(v, w)]
        return out


class _Union:
    """The report's index over the context's: the data graph pySHACL would see."""

    def __init__(self, report: Index, context: Index):
        self.report, self.context = report, context

    def values(self, s, p) -> set:
        mine, theirs = self.report.values(s, p), self.context.values(s, p)
        return mine | theirs if mine and theirs else mine or theirs


def superclass_closure(index: Index) -> dict:
    """class → every class it is a subclass of (transitively), from the data's rdfs:subClassOf."""
    direct = defaultdict(set)
    for s, preds in index.spo.items():
        for o in preds.get(RDFS.subClassOf, ()):
            direct[s].add(o)
    closure = {}
    for cls in direct:
        seen, todo = set(), list(direct[cls])
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo += direct.get(c, ())
        closure[cls] = seen
    return closure


def _instance(v, cls, data, superclasses) -> bool:
    if isinstance(v, Literal):
        return False
    return any(t == cls or cls in superclasses.get(t, ()) for t in data.values(v, TYPE))


def _has_datatype(v, dt) -> bool:
    """pySHACL's sh:datatype: the literal has the datatype and is well formed (a plain literal is xsd:string)."""
    if not isinstance(v, Literal):
        return False
    if v.datatype == dt:
        if getattr(v, "ill_typed", None) is True:
            return False
        kind = _PYTHON_TYPES.get(dt)
        return kind is None or isinstance(v.value, kind)
    if dt == RDFS.Literal or (dt == RDFS.Datatype and v.datatype):
        return True
    if v.datatype is None and v.language is None and dt == XSD.string:
        return isinstance(v.value, (str, bytes))
    return dt == RDF.langString and bool(v.language)


def _string(v) -> str:
    if isinstance(v, Literal) and v.value is not None and v.datatype in (None, RDF.langString, XSD.string):
        return str(v.value)
    return str(v)


_NUMBERS = (int, float, Decimal)


def _compares(v, bound, ok) -> bool:
    if not isinstance(v, Literal) or isinstance(v.value, str) != isinstance(bound.value, str):
        return False
    a, b = v.value, bound.value
    if isinstance(a, _NUMBERS) and isinstance(b, _NUMBERS) and not isinstance(a, bool) and not isinstance(b, bool):
        return ok((a > b) - (a < b))  # every bound in our shapes is a number: no need to import pySHACL
    try:
        from pyshacl.rdfutil.compare import compare_literal  # pySHACL's own ordering of other literals
        return ok(compare_literal(v, bound))
    except (TypeError, NotImplementedError):
        return False


def _less_or_equal(v, w) -> bool:
    """pySHACL's sh:lessThanOrEquals on one pair: strings with strings, other literals by value."""
    def plain(x):
        if isinstance(x, URIRef):
            return str(x), True
        if isinstance(x, Literal) and isinstance(x.value, str):
            return x.value, True
        return x, False
    (a, a_str), (b, b_str) = plain(v), plain(w)
    if a_str != b_str:
        return False
    try:
        return bool(a <= b)
    except TypeError:
        return False


def _n(term) -> str:
    return f"<{term}>" if isinstance(term, URIRef) else str(term)
