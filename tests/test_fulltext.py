"""The full-text index the build keeps (issue #25): what was said and written, found by phrase, by words and inside
words, grouped by kind with snippets and lines; kept in step with every generation, file by file."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from kg import constants as C
from kg.cli import main
from kg.store import fulltext
from kg.store.build import build
from web import create_app, db

from .conftest import SAMPLE

TEXT = SAMPLE.read_text(encoding="utf-8")


def rows(root) -> list[tuple]:
    con = sqlite3.connect(root / fulltext.INDEX)
    try:
        return con.execute("SELECT kind, iri, text FROM texts").fetchall()
    finally:
        con.close()


def search(root, q: str, **params) -> dict:
    db.reset()
    client = create_app({"STORE": str(root)}).test_client()
    found = client.get("/search.json", query_string={"q": q, **params}).get_json()
    db.reset()
    return found["texts"]


@pytest.fixture
def store(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(SAMPLE, reports)
    root = tmp_path / "store"
    assert build([reports], root).published
    return root, reports


def test_every_kind_of_text_is_indexed_with_its_entity_and_line(store):
    root, _ = store
    found = rows(root)
    kinds = {k for k, _, _ in found}
    assert {"argument", "explanation", "evidence", "turn", "finding", "question", "takeaway", "comment", "key point",
            "summary", "full report"} <= kinds
    turns = [(i, t) for k, i, t in found if k == "turn"]
    # A turn is indexed sentence by sentence, each row linked to its turn.
    kenya = [t for i, t in turns if i.endswith("/intervention/2")]
    assert "Thank you, Chair." in kenya and any(t.startswith("We also support a dedicated thematic group") for t in kenya)


def test_a_phrase_words_and_parts_of_words_are_found_grouped_by_kind(store):
    root, _ = store
    phrase = search(root, "voluntary fund")
    kinds = {g["kind"]: g for g in phrase["kinds"]}
    assert {"turn", "question", "explanation"} <= set(kinds)
    hit = kinds["turn"]["hits"][0]
    assert hit["href"].startswith("/id/meeting/2024-12-04-oewg-10th-session-meeting-3/intervention/")
    assert "<mark>voluntary fund</mark>" in hit["snippet"] and hit["line"] == 7 and hit["meeting_label"]
    words = search(root, "fund voluntary governed")  # not a phrase: all the words
    assert words["total"] >= 1 and all("govern" in h["snippet"].lower() for g in words["kinds"] for h in g["hits"])
    assert search(root, "volunt")["total"] >= phrase["total"]  # inside a word (trigrams)
    assert search(root, "nothing like this is said")["total"] == 0


def test_one_kind_is_paged_through(store, monkeypatch):
    from web import fulltext as web_fulltext
    root, _ = store
    monkeypatch.setattr(web_fulltext, "KIND_PAGE", 1)
    first, second = search(root, "thematic group", kind="turn"), search(root, "thematic group", kind="turn", tpage=2)
    assert [g["kind"] for g in first["kinds"]] == ["turn"] and first["pages"] >= 2 and second["page"] == 2
    assert first["kinds"][0]["hits"][0]["iri"] != second["kinds"][0]["hits"][0]["iri"]


def test_the_index_follows_each_generation_file_by_file(store):
    root, reports = store
    assert search(root, "voluntary fund")["total"] > 0
    (reports / SAMPLE.name).write_text(TEXT.replace("voluntary fund", "trust fund"), encoding="utf-8")
    assert build([reports], root).published
    assert search(root, "voluntary fund")["total"] == 0 and search(root, "trust fund")["total"] > 0
    files = json.loads((root / "current" / C.GRAPH_FILES).read_text())[C.GRAPH_TEXTS]
    con = sqlite3.connect(root / fulltext.INDEX)
    assert {n for (n,) in con.execute("SELECT name FROM files")} == set(files.values())
    con.close()
    res = CliRunner().invoke(main, ["remove", SAMPLE.name, "--store", str(root)])
    assert res.exit_code == 0 and rows(root) == []


def test_an_index_a_killed_build_left_behind_is_not_read_and_the_next_build_mends_it(store):
    root, reports = store
    con = sqlite3.connect(root / fulltext.INDEX)
    with con:
        con.execute("UPDATE meta SET value = 'gen-999999' WHERE key = 'generation'")
    con.close()
    db.reset()
    client = create_app({"STORE": str(root)}).test_client()
    assert client.get("/search.json", query_string={"q": "voluntary fund"}).get_json()["texts"] is None
    assert client.get("/search", query_string={"q": "voluntary fund"}).status_code == 200
    db.reset()
    assert not build([reports], root).published  # nothing to publish, but the index catches up
    assert search(root, "voluntary fund")["total"] > 0


def test_a_store_built_before_the_index_gets_it_from_its_next_build(store):
    root, reports = store
    gen = root / "current"
    listed = json.loads((gen / C.GRAPH_FILES).read_text())
    del listed[C.GRAPH_TEXTS]  # as an older version wrote it
    (gen / C.GRAPH_FILES).write_text(json.dumps(listed))
    (root / fulltext.INDEX).unlink()
    (reports / "2024-12-05-copy.txt").write_text(TEXT.replace("4 Dec 2024", "5 Dec 2024").replace(
        "third meeting", "fourth meeting"), encoding="utf-8")
    res = build([reports], root, allow_duplicate_meetings=True)
    assert res.published
    meetings = {i.split("/meeting/")[1].split("/")[0] for _, i, _ in rows(root)}
    assert len(meetings) == 2 and "2024-12-04-oewg-10th-session-meeting-3" in meetings  # the older graph's, backfilled


def test_the_real_reports_find_ransomware_and_paragraph_35(built_store):
    root = built_store[0]
    ransomware = {g["kind"]: [h["iri"].rsplit("/", 2)[-2:] for h in g["hits"]] for g in search(root, "ransomware")["kinds"]}
    assert ["argument", "5"] in ransomware.get("explanation", []) and ["intervention", "18"] in ransomware.get("turn", [])
    p35 = {g["kind"]: [h["label"] for h in g["hits"]] for g in search(root, "paragraph 35")["kinds"]}
    assert any("Viet Nam" in label for label in p35["turn"]) and p35.get("explanation")
    assert search(root, "DTG international law")["total"] >= 1


def test_a_common_word_is_counted_and_ranked_within_a_bound(store, monkeypatch):
    from web import fulltext as web_fulltext
    root, _ = store
    every = search(root, "the")
    monkeypatch.setattr(web_fulltext, "MATCHES", 5)
    bounded = search(root, "the")
    assert every["total"] > 5 and not every["more"]
    assert bounded["total"] == 5 and bounded["more"] and sum(g["count"] for g in bounded["kinds"]) == 5
    db.reset()
    html = create_app({"STORE": str(root)}).test_client().get("/search", query_string={"q": "the"}).get_data(as_text=True)
    assert "More than 5 passages" in html
    db.reset()
