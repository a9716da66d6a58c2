"""Measure the native SHACL and OWL RL engines (pyshacl-turbo, owlrl-turbo) side by side with pySHACL and owlrl,
the references, and the project's compiled validator and rules: same verdicts, same entailments, time per report.

Run (the native engines are not dependencies of the project; install them beside it first):
    pip install pyshacl-turbo 'rdflib-turbo==0.2.0a15' && pip install --pre owlrl-turbo
    python -m bench.engines [--synthetic N] [--runs R]
rdflib-turbo is pinned because pyshacl-turbo validates an rdflib-turbo dataset only when both were built from
the same engine sources (0.6.5 matches 0.2.0a15, not the newest 0.2.0a19 that owlrl-turbo pulls in).
Inputs: every shape fixture (valid and invalid), the sample, our layout fixture, the real reports when
../shared is there, N synthetic reports made from them, and 40 random corruptions of the sample.
Prints one Markdown table.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF

from kg import vocab
from kg.check import infer
from kg.check import validate as V
from kg.check.prepared import default_resolver
from kg.map.mapper import map_report
from kg.read.parser import parse_file
from kg.vocab import ntriples

from .synth import corrupt, synthesize

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "reports"
SHAPE_FIXTURES = sorted((ROOT / "tests" / "shapes").glob("*/*.ttl"))
OUR_REPORTS = [*sorted((ROOT / "samples").glob("*.txt")), *sorted((ROOT / "tests" / "fixtures").glob("*.txt"))]


def mapped(path: Path) -> Graph:
    data = path.read_bytes()
    return map_report(parse_file(str(path), data, False), default_resolver(), data)


def verdict(outcome_problems) -> Counter:
    """What a validation says: severity, focus, path, shape, and the message only where a shape writes one
    (pySHACL words the ones it makes itself otherwise); tests/test_shacl.py compares by it too."""
    custom = {str(m) for m in vocab.shapes_graph().objects(None, V.SH.message)}
    return Counter((p.severity, p.focus, p.path, p.source, p.message if p.message in custom else "")
                   for p in outcome_problems)


class TurboShapes:
    """pyshacl-turbo with the shapes compiled once and the context loaded once as a native dataset."""

    def __init__(self):
        import pyshacl_turbo
        import rdflib_turbo
        self.shapes = pyshacl_turbo.CompiledShapes(vocab.shapes_graph())
        self.context = rdflib_turbo.Dataset().parse(data=ntriples(set(V.context_graph())), format="nt")

    def problems(self, g: Graph, nt: bytes) -> list:
        data = self.context.copy().parse(data=nt, format="nt")
        _, results, _ = self.shapes.validate(data, allow_warnings=True)
        return V.results_problems(results) + V.checks_on_store(g, nt)  # the SPARQL checks are not SHACL's

    def drop_in(self, g: Graph, nt: bytes) -> list:
        """Its pySHACL-compatible call on an rdflib Graph of report + context, as kg.check.validate gives pySHACL."""
        import pyshacl_turbo
        data = Graph()
        data += V.context_graph()
        data += g
        _, results, _ = pyshacl_turbo.validate(data, shacl_graph=vocab.shapes_graph(), inference="none",
                                               allow_warnings=True)
        return V.results_problems(results) + V.checks_on_store(g, nt)


def chains_with_inverse_steps(onto: Graph) -> set:
    return {s for s, o in onto.subject_objects(OWL.propertyChainAxiom) if any(isinstance(m, BNode) for m in onto.items(o))}


class TurboRules:
    """owlrl-turbo's native OWL RL over ontology + the report's reasoning input (as kg.check.infer gives owlrl)."""

    def __init__(self, leave_out: set = frozenset()):
        import rdflib_turbo
        from rdflib_turbo._operations import (
            _term,  # how rdflib-turbo reads its own JSON terms back
        )
        self.term = _term
        onto = vocab.ontology_graph()
        kept = {t for t in onto if not (t[0] in leave_out and t[1] == OWL.propertyChainAxiom)}
        self.onto = rdflib_turbo.Dataset().parse(data=ntriples(kept), format="nt")

    def entailments(self, asserted: set) -> set:
        data = ntriples(infer.reasoning_facts(asserted))
        delta = self.onto.copy().parse(data=data, format="nt").infer_delta(inference="owlrl")
        quads = json.loads(delta._native.quads_json())
        closed = {tuple(self.term(x) for x in q[:3]) for q in quads}
        errors = delta._last_inference.error_messages  # owlrl writes them as triples; the native engine lists them
        if errors:
            raise infer.InferenceError("inconsistent: " + "; ".join(errors))
        return infer.new_and_useful(closed, asserted)


def timed(fn, runs: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def inputs(synthetic: int, tmp: Path) -> tuple[list[tuple[str, Graph]], list[tuple[str, Graph]]]:
    """(shape fixtures and corruptions, reports): each a list of (name, graph)."""
    fixtures = [(p.parent.name + "/" + p.stem, Graph().parse(p, format="turtle")) for p in SHAPE_FIXTURES]
    rng = random.Random(20261125)
    sample = mapped(OUR_REPORTS[0])
    fixtures += [(f"corruption {i}", corrupt(sample, rng)) for i in range(40)]
    paths = list(OUR_REPORTS)
    if REAL.is_dir():
        real = sorted(REAL.glob("*.txt"))
        paths += real + synthesize(real, tmp, synthetic, seed=11)
    return fixtures, [(p.name, mapped(p)) for p in paths]


def inconsistent() -> Graph:
    """The sample with an event said to be a session: a disjointness every reasoner must report."""
    g = mapped(OUR_REPORTS[0])
    event = next(g.subjects(RDF.type, vocab.CDO.Meeting))
    g.add((URIRef("https://w3id.org/cyberdiplo/id/session/x"), vocab.CDO.partOfSession, event))
    return g


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--synthetic", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3, help="best of R runs per report and engine")
    ap.add_argument("--owlrl-max", type=int, default=6, help="reports timed with owlrl (about a second each)")
    args = ap.parse_args()
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)  # the corruptions' bad literals, logged as tracebacks
    with tempfile.TemporaryDirectory() as tmp:
        fixtures, reports = inputs(args.synthetic, Path(tmp))
    rows = []

    # Validation: every fixture and corruption and every report, each engine's verdict against pySHACL's.
    turbo = TurboShapes()
    engines = {"pySHACL (reference)": lambda g, nt: V.validate_graph(g, validator="pyshacl").problems,
               "compiled (kg.check.shacl + checks)": lambda g, nt: V.validate_graph(g, triples=set(g), ntriples=nt).problems,
               "pyshacl-turbo 0.6.5 + checks, native dataset": turbo.problems,
               "pyshacl-turbo 0.6.5 + checks, rdflib Graph (pySHACL's call)": turbo.drop_in}
    same, secs = Counter(), {name: [] for name in engines}
    for kind, cases in (("fixture", fixtures), ("report", reports)):
        for _, g in cases:
            nt = ntriples(set(g))
            ref = None
            for name, fn in engines.items():
                took, problems = timed(lambda: fn(g, nt), args.runs if kind == "report" else 1)
                ref = verdict(problems) if ref is None else ref
                same[name] += verdict(problems) == ref
                if kind == "report":
                    secs[name].append(took)
    for name in engines:
        rows.append(("validate", name, f"{same[name]}/{len(fixtures) + len(reports)}", secs[name]))

    # Inference: entailments of every report against owlrl's (owlrl timed on the first few only).
    full = chains_with_inverse_steps(vocab.ontology_graph())
    try:
        TurboRules().entailments(set(reports[0][1]))
        refusal = ""
    except Exception as exc:  # noqa: BLE001 - what the engine says is the finding
        refusal = f"{type(exc).__name__}: {exc}"
    partial = TurboRules(leave_out=full)
    left_out = {URIRef(p) for p in full}
    same, secs = Counter(), {"owlrl (reference)": [], "compiled (kg.check.rules)": [], "owlrl-turbo 0.1.0a3": []}
    for i, (_, g) in enumerate(reports):
        asserted = set(g)
        took, ref = timed(lambda: infer.entailments(g, "owlrl", asserted), 1)
        if i < args.owlrl_max:
            secs["owlrl (reference)"].append(took)
        took, fast = timed(lambda: infer.entailments(g, "compiled", asserted), args.runs)
        secs["compiled (kg.check.rules)"].append(took)
        same["compiled (kg.check.rules)"] += fast == ref
        took, native = timed(lambda: partial.entailments(asserted), args.runs)
        secs["owlrl-turbo 0.1.0a3"].append(took)
        same["owlrl-turbo 0.1.0a3"] += native == {t for t in ref if t[1] not in left_out}
    same["owlrl (reference)"] = len(reports)
    for name, s in secs.items():
        rows.append(("infer", name, f"{same[name]}/{len(reports)}", s))
    caught = []
    for name, fn in (("compiled", lambda a: infer.entailments(inconsistent(), "compiled", a)),
                     ("owlrl-turbo", partial.entailments)):
        try:
            fn(set(inconsistent()))
            caught.append(f"{name}: not reported")
        except infer.InferenceError:
            caught.append(f"{name}: reported")

    compiled_p50 = {kind: statistics.median(s) for kind, name, _, s in rows if name.startswith("compiled")}
    print(f"{len(fixtures)} shape fixtures and corruptions, {len(reports)} reports; best of {args.runs} runs per report\n")
    print("| step | engine | same verdict / entailments as the reference | ms per report, p50 | p95 | × compiled |")
    print("|---|---|---|---:|---:|---:|")
    for kind, name, agree, s in rows:
        p50 = statistics.median(s)
        p95 = sorted(s)[int(0.95 * (len(s) - 1))]
        print(f"| {kind} | {name} | {agree} | {p50 * 1000:.1f} | {p95 * 1000:.1f} | {p50 / compiled_p50[kind]:.1f} |")
    print(f"\nowlrl-turbo on the project's ontology: {refusal or 'accepted'}")
    print(f"owlrl-turbo compared without the chains it refuses ({', '.join(sorted(p.rsplit('#', 1)[-1] for p in full))}),"
          " against owlrl's entailments without those properties")
    print("an inconsistent report (an event typed as a session): " + "; ".join(caught))


if __name__ == "__main__":
    main()
