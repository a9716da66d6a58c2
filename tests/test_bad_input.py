"""Bad and varied input: clear errors naming file, line and section; layout variations give the same graph."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import URIRef
from rdflib.compare import to_isomorphic

from kg.check.prepared import default_resolver
from kg.iris import is_safe_iri, mint, safe_slug, slug
from kg.map.mapper import map_report
from kg.read.parser import parse_file
from kg.read.reader import ReportError, clean_text
from kg.vocab import CDO

from .conftest import SAMPLE

TEXT = SAMPLE.read_text(encoding="utf-8")


def graph_of(data: bytes, name: str = SAMPLE.name, drop=(CDO.sha256,)):
    g = map_report(parse_file(name, data), default_resolver(), data)
    for p in drop:
        g.remove((None, p, None))
    return g


@pytest.mark.parametrize("data,line,section,words", [
    (b"", 0, "file", "empty"),
    (b"   \n\n\t\n", 0, "file", "empty"),
    (b"\x00\x01\x02" * 100, 1, "file", "binary"),
    ("Title\n\n10 Jul 2025 14:00h - 17:00h\n\nSession at a glance\n".encode("utf-16"), 1, "file", "UTF-16"),
    (TEXT.encode()[:400] + b"\xff" + TEXT.encode()[400:], 1 + TEXT.encode()[:400].count(b"\n"), "file", "not UTF-8"),
    (b"Just some notes\nabout a meeting\n", 2, "layout", "fits no known report layout"),
    (TEXT.split("Session transcript")[0].encode(), 0, "session transcript", "required section"),
    (TEXT.replace("4 Dec 2024 10:00h - 13:00h", "sometime in December").encode(), 1, "header", "date line"),
    (TEXT.replace("4 Dec 2024 10:00h", "31 Feb 2024 10:00h").encode(), 3, "header", "impossible date"),
    (TEXT.replace("131 words per minute", "fast").encode(), 0, "speaker Kenya", "speech speed"),
])
def test_bad_input_is_a_clear_error(data, line, section, words):
    with pytest.raises(ReportError) as err:
        parse_file("bad.txt", data)
    e = err.value
    assert e.path == "bad.txt" and e.section == section and words in e.message
    if line:
        assert e.line == line
    assert str(e).startswith(f"bad.txt:{e.line}: [{section}]")


def test_oversized_file_is_refused_before_reading(tmp_path, monkeypatch):
    import kg.read.reader
    monkeypatch.setattr(kg.read.reader, "MAX_REPORT_BYTES", 1000)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(ReportError, match="cap"):
        parse_file(big)


@pytest.mark.parametrize("variant", [
    lambda t: t.replace("\n", "\r\n"),
    lambda t: t.replace("\n", "\r"),
    lambda t: "\ufeff" + t,
    lambda t: t.replace("\n", "  \n"),
    lambda t: t.replace("– ", "- "),
    lambda t: t.replace("\x00", "") + "\x00",
])
def test_layout_variations_give_the_same_graph(variant):
    base = graph_of(TEXT.encode())
    other = graph_of(variant(TEXT).encode("utf-8"))
    assert to_isomorphic(base) == to_isomorphic(other)


def test_blank_lines_do_not_matter():
    squeezed = re.sub(r"\n\s*\n", "\n", TEXT)
    drop = (CDO.sha256, CDO.sourceLine)
    assert to_isomorphic(graph_of(TEXT.encode(), drop=drop)) == to_isomorphic(graph_of(squeezed.encode(), drop=drop))


def test_control_characters_and_surrogates_are_cleaned():
    assert clean_text("a\x00b\x07c\td\ud800e") == "abc\tde"


def test_iris_are_slugged_and_collision_free():
    assert safe_slug("A B") == safe_slug("a b")  # names differing only in case are one person
    names = ["a<b>", "{}|^`", '"', "../../etc", "#x?y", "Ünïcode", "a b", "a_b", "", "javascript:alert(1)"]
    iris = [mint("person", safe_slug(n)) for n in names]
    assert all(is_safe_iri(str(i)) for i in iris)
    assert len(set(iris)) == len(iris)
    assert safe_slug("Madeline Murphy Hall") == safe_slug("Madeline Murphy-Hall") == "madeline-murphy-hall"
    assert slug("Côte d’Ivoire") == "cote-divoire"
    with pytest.raises(ValueError):
        mint("person", "a b")


LINES = TEXT.splitlines()
nasty = st.text(alphabet=st.characters(blacklist_categories=()), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["drop", "dup", "insert", "swap", "truncate"]),
                          st.integers(0, len(LINES) - 1), nasty), max_size=6))
def test_mutated_reports_fail_only_with_report_error_and_mint_safe_iris(mutations):
    lines = list(LINES)
    for op, i, junk in mutations:
        i = min(i, len(lines) - 1) if lines else 0
        if not lines:
            break
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, junk)
        elif op == "swap":
            lines[i], lines[-1 - i] = lines[-1 - i], lines[i]
        else:
            lines[i] = lines[i][: len(junk)]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    try:
        report = parse_file("fuzz.txt", data)
    except ReportError as e:
        assert e.path == "fuzz.txt" and e.section
        return
    g = map_report(report, default_resolver(), data)
    for node in g.all_nodes():
        if isinstance(node, URIRef):
            assert is_safe_iri(str(node)), node
    g.serialize(format="nt")  # rdflib would raise on a bad IRI or a lone surrogate


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_the_reader(data):
    try:
        parse_file("random.bin", data)
    except ReportError:
        pass


@pytest.mark.parametrize("iri", ["https://x.example/a b", "https://x.example/a<b", "https://x.example/a>b", 'https://x.example/a"b',
                                 "https://x.example/a{b", "https://x.example/a}b", "https://x.example/a|b", "https://x.example/a^b",
                                 "https://x.example/a`b", "https://x.example/a\\b", "https://x.example/a\nb", "https://x.example/a\x00b",
                                 "https://x.example/a\x1fb", "https://x.example/a\tb", "relative/path", "", "https://x.example/a\x7fb"])
def test_an_iri_that_would_need_escaping_or_is_not_absolute_is_unsafe(iri):
    assert not is_safe_iri(iri)


@pytest.mark.parametrize("iri", ["https://w3id.org/cyberdiplo/id/state/CHN", "urn:x:y", "https://x.example/T%C3%BCrkiye",
                                 "https://x.example/Türkiye", "https://x.example/a#b?c=d&e=f"])
def test_an_absolute_iri_without_such_characters_is_safe(iri):
    assert is_safe_iri(iri)
