"""The house a newcomer reads (issue #25): every module of kg/ and web/ imports, no two modules import each other
round a circle (imports inside functions count: they hide a circle, they do not break it), none is over 400
lines, and kg/'s folders are the pipeline: a stage imports only the stages before it."""

from __future__ import annotations

import ast
import importlib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kg", "web")
MAX_LINES = 400


def modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            if "node_modules" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            out[name[: -len(".__init__")] if name.endswith(".__init__") else name] = path
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules *name* imports, anywhere in its text (a submodule's import of its own package aside)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            targets = [f"{target}.{a.name}" for a in node.names] + ([target] if node.module else [])
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        found |= {t for t in targets if t in known and t != name and not name.startswith(t + ".")}
    return found


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, without recursion)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on.add(start)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    x = stack.pop()
                    on.discard(x)
                    comp.append(x)
                    if x == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def test_every_module_imports():
    for name in modules():
        if not name.endswith(".__main__"):  # `python -m kg` runs the command line when imported
            importlib.import_module(name)


def test_no_import_circles():
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    assert circles(graph) == []


def test_the_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_module_is_over_400_lines():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


# kg/'s stage packages in pipeline order (docs/architecture.md); the query gate stands apart, used by the command
# line and the web app. The shared modules (constants, vocab, iris, procs) import no stage.
STAGES = {"read": 1, "map": 2, "check": 3, "store": 4, "query": None}
SHARED = {"kg.constants", "kg.vocab", "kg.iris", "kg.procs"}


def stage_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "kg" and parts[1] in STAGES else None


def test_each_stage_imports_only_the_stages_before_it():
    known = modules()
    wrong = []
    for name, path in known.items():
        if not name.startswith("kg."):
            continue
        here = stage_of(name)
        for target in imports(name, path, known):
            there = stage_of(target)
            if there is None or there == here:
                continue
            if name in SHARED or here == "query" or there == "query" and here is not None or \
                    (here is not None and STAGES[here] is not None and STAGES[there] is not None and STAGES[there] > STAGES[here]):
                wrong.append((name, target))
    assert wrong == []
    assert {stage_of(n) for n in known} >= set(STAGES)  # every stage has its folder
