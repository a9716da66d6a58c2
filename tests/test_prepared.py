"""What a conversion derives from the ontology, reference data and shapes, kept pickled (kg/check/prepared.py),
and the whole-word name search that replaced ~200 compiled patterns (kg/map/resolve.py)."""

from __future__ import annotations

import pickle
import random
import re

from kg import constants as C
from kg.check import prepared as P
from kg.check.shacl import Index
from kg.check.validate import checks_on_store
from kg.map.mapper import map_triples
from kg.map.resolve import _whole_words, norm
from kg.read.parser import parse_file

from .conftest import SAMPLE


def _facts(p: P.Prepared, data: bytes):
    """What the sample becomes through *p*: its triples, the shapes' results, the rules' closure."""
    report = parse_file(SAMPLE.name, data)
    triples = set(map_triples(report, p.resolver, data))
    shapes, index, closure = p.shapes
    results = sorted(map(str, shapes.validate(triples, index, closure)))
    return triples, results, p.rules.close(triples)


def test_the_prepared_inputs_read_back_work_as_made(tmp_path, monkeypatch):
    monkeypatch.setattr(C, "CACHE_DIR", tmp_path)
    made = P.make()
    cached = P.prepared.__wrapped__()  # made and written to tmp_path; read back below
    assert list(tmp_path.glob("prepared-*.pickle"))
    read = pickle.loads(next(tmp_path.glob("prepared-*.pickle")).read_bytes())
    assert isinstance(cached, P.Prepared) and isinstance(read, P.Prepared)
    assert read.reference_triples == made.reference_triples and len(made.reference_triples) > 1000
    assert read.resolver.names == made.resolver.names and read.resolver.targets == made.resolver.targets
    assert read.context_nt == made.context_nt
    assert read.shapes[1].spo == made.shapes[1].spo and read.shapes[2] == made.shapes[2]
    assert read.rules.supers_c == made.rules.supers_c and read.rules.chains == made.rules.chains
    data = SAMPLE.read_bytes()
    assert _facts(read, data) == _facts(made, data)
    other = data.replace(b"Kenya", b"Wakanda")  # a name the reference data does not know
    assert _facts(read, other) == _facts(made, other) != _facts(made, data)


def test_the_prepared_inputs_are_made_again_when_code_or_data_change(tmp_path, monkeypatch):
    sources = P.sources()
    assert {C.ONTOLOGY_FILE, C.SHAPES_FILE, *C.REFERENCE_FILES} <= set(sources)
    assert {"resolve.py", "shacl.py", "rules.py", "infer.py", "prepared.py"} <= {p.name for p in sources}
    monkeypatch.setattr(C, "CACHE_DIR", tmp_path)
    made = []
    monkeypatch.setattr(P, "make", lambda: made.append(1) or P.Prepared(frozenset(), None, None, None, b""))
    P.prepared.__wrapped__()
    P.prepared.__wrapped__()
    assert made == [1]
    (cached,) = tmp_path.glob("prepared-*.pickle")
    cached.write_bytes(pickle.dumps({"not": "prepared"}))  # a pickle of something else is not trusted
    P.prepared.__wrapped__()
    assert made == [1, 1]
    code = tmp_path / "kg.py"
    code.write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(P, "sources", lambda: (*sources, code))
    P.prepared.__wrapped__()
    code.write_text("x = 2\n", encoding="utf-8")
    P.prepared.__wrapped__()
    assert made == [1, 1, 1, 1]


def test_a_validation_index_pickles():
    index = Index()
    index.spo["s"]["p"].add("o")
    assert pickle.loads(pickle.dumps(index)).values("s", "p") == {"o"}


def test_the_checks_store_holds_the_prepared_context():
    from kg.check.validate import _check_store
    assert _check_store().context == P.prepared().context_nt
    assert checks_on_store(map_triples(parse_file(SAMPLE.name, SAMPLE.read_bytes()),
                                       P.prepared().resolver, SAMPLE.read_bytes()).graph()) == []


def _pattern_spans(name: str, text: str) -> list[tuple[int, int]]:
    rx = re.compile(r"(?<![a-z0-9])" + re.escape(name) + r"(?![a-z0-9])")
    return [m.span() for m in rx.finditer(text)]


def test_whole_words_are_found_where_the_pattern_found_them():
    rng = random.Random(3)
    letters = "ab 1-é"  # word and non-word characters, repeats that overlap
    for _ in range(50_000):
        name = "".join(rng.choice(letters) for _ in range(rng.randint(1, 3))).strip() or "a"
        text = "".join(rng.choice(letters) for _ in range(rng.randint(0, 14)))
        assert list(_whole_words(name, text)) == _pattern_spans(name, text), (name, text)
    resolver = P.prepared().resolver
    lines = [norm(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    found = 0
    for name, _, _ in resolver.targets:
        for line in lines:
            spans = _pattern_spans(name, line)
            assert list(_whole_words(name, line)) == spans, (name, line)
            found += len(spans)
    assert found > 50
