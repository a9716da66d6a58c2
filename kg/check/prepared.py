"""Keep what every conversion derives from the ontology, reference data and shapes in one pickle.

A process that converts reports needs the OWL RL closure of the reference data, the name resolver,
the compiled shapes with the context they validate against, the compiled rules and that context as
N-Triples. Deriving them takes a process about 0.45 s (from the cached graphs); reading them back
about 0.15 s. The key covers the files they come from and the package's own
code (the pickle holds its objects), so a change to either makes them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg import constants as C
from kg import vocab


@dataclass(frozen=True)
class Prepared:
    """The derived inputs of a conversion (see the module's docstring)."""

    reference_triples: frozenset  # ontology + reference data, closed under OWL RL
    resolver: object              # kg.map.resolve.Resolver over the reference data
    shapes: object                # (kg.check.shacl.Validator, context Index, superclass closure), or None: pySHACL's path
    rules: object                 # kg.check.rules.Rules of the ontology
    context_nt: bytes             # the validation context (kg.check.validate.with_context) as N-Triples


def sources() -> tuple[Path, ...]:
    """Return the files the prepared inputs depend on: the data files and the package's Python code."""
    code = sorted(Path(__file__).resolve().parents[1].rglob("*.py"))  # the whole kg package
    return (C.ONTOLOGY_FILE, C.SCHEMES_FILE, *C.REFERENCE_FILES, C.SHAPES_FILE, *code)


@lru_cache(maxsize=1)
def prepared() -> Prepared:
    """Return the prepared inputs, from C.CACHE_DIR when they are there (once per process)."""
    return vocab.cached("prepared", sources(), make, Prepared)


def make() -> Prepared:
    """Derive the prepared inputs from the files (from modules that never read this one: no import circle)."""
    from kg.check import closure, context, rules
    from kg.map import resolve
    return Prepared(frozenset(closure.reference_closure()), resolve.Resolver(vocab.reference_graph()),
                    context.compile_shapes(), rules.Rules(vocab.ontology_graph()), vocab.ntriples(context.context_graph()))


def default_resolver():
    """The resolver over the packaged reference data (a kg.map.resolve.Resolver, read once per process)."""
    return prepared().resolver


def compiled_rules():
    """The rules of the packaged ontology (a kg.check.rules.Rules, compiled once, read once per process)."""
    return prepared().rules
