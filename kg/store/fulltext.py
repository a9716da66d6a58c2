"""The full-text index the build keeps: every argument, explanation, evidence, transcript sentence, finding,
question, takeaway, comment and summary of the store's reports, in one SQLite FTS5 table (trigram tokens, so
"ransom" finds "ransomware’s" and "paragraph 35" finds the phrase).

Each report graph's texts are written by its worker as a file of the pool (`files/texts-v1/`, kept like its
entries and labels, kg/store/pool.py); `search.sqlite` in the store folder indexes the current generation's files
and no others. Publishing a generation brings it up to date file by file (`sync`): the rows of files the
generation no longer lists are deleted (each file's rows are one range of row ids), those of files it adds
are inserted, and the generation's name is recorded, so a reader can tell an index that a killed build left
behind (it then searches labels only until the next build).

A graph's file: {"v": VERSION, "rows": [[IRI, kind, text, line], ...]}; *line* is the report's line, or for
a transcript sentence the transcript's line (what summaries cite), or null.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from kg import constants as C

VERSION = int(C.GRAPH_TEXTS.rsplit("-v", 1)[1])
INDEX = "search.sqlite"
CDO = C.ONTOLOGY_NS
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FINDINGS = {"AgreementPoint", "SimilarViewpoint", "UnexpectedConsensus", "DifferentViewpoint", "UnexpectedDifference",
            "PartialAgreement"}
TAKEAWAYS = {"KeyTakeaway", "ActionItem", "UnresolvedIssue", "SuggestedCompromise"}
# (classes, property, kind): the texts a researcher searches, and what each is called on the results page.
FIELDS = [({"Argument"}, "title", "argument"), ({"Argument"}, "explanation", "explanation"),
          ({"Argument"}, "evidence", "evidence"), ({"Intervention"}, "text", "turn"),
          (FINDINGS, "title", "finding"), (FINDINGS, "summary", "finding"), (FINDINGS, "explanation", "finding"),
          ({"FollowUpQuestion"}, "text", "question"), ({"FollowUpQuestion"}, "explanation", "question"),
          (TAKEAWAYS, "text", "takeaway"), ({"ThoughtProvokingComment"}, "quote", "comment"),
          ({"ThoughtProvokingComment"}, "reason", "comment"), ({"KeyPoint"}, "text", "key point"),
          ({"Meeting", "Webinar"}, "summary", "summary"), ({"ReportSection"}, "text", "full report")]
KINDS = list(dict.fromkeys(kind for _, _, kind in FIELDS))  # in the order the results page shows them
_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[\"“(]?[A-Z0-9])")


def texts_of(triples) -> bytes:
    """One report graph's texts, as the file the build keeps (rdflib terms or strings)."""
    wanted = {CDO + p for _, p, _ in FIELDS} | {RDF_TYPE, CDO + "sourceLine", CDO + "firstLine"}
    props: dict[str, dict[str, list[str]]] = {}
    for s, p, o in triples:
        p = str(p)
        if p in wanted:
            props.setdefault(str(s), {}).setdefault(p, []).append(str(o))
    rows = []
    for s, v in sorted(props.items()):
        types = {t[len(CDO):] for t in v.get(RDF_TYPE, ()) if t.startswith(CDO)}
        line = _int(min(v[CDO + "sourceLine"])) if CDO + "sourceLine" in v else None
        for classes, prop, kind in FIELDS:
            if not types & classes:
                continue
            for text in sorted(v.get(CDO + prop, ())):
                if kind == "turn":
                    first = _int(min(v[CDO + "firstLine"])) if CDO + "firstLine" in v else None
                    for k, part in enumerate(text.split("\n")):
                        rows += [[s, kind, sentence, first + k if first is not None else None]
                                 for sentence in _SENTENCE.split(part) if sentence.strip()]
                else:
                    rows.append([s, kind, text, line])
    return json.dumps({"v": VERSION, "rows": rows}, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _int(text: str) -> int | None:
    return int(text) if text.isdecimal() else None


def loads(data: bytes) -> list[list] | None:
    """A graph's rows, or None when the file is damaged or of another version."""
    try:
        found = json.loads(data)
        rows = found["rows"]
        ok = found["v"] == VERSION and type(rows) is list and all(
            type(r) is list and len(r) == 4 and type(r[0]) is str and type(r[1]) is str and type(r[2]) is str
            and (r[3] is None or type(r[3]) is int) for r in rows)
    except (ValueError, TypeError, KeyError):
        return None
    return rows if ok else None


def connect(root: Path, write: bool = False) -> sqlite3.Connection | None:
    """The store's index (created when *write*); None where a reader finds none."""
    path = Path(root) / INDEX
    if not write:
        if not path.is_file():
            return None
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        return con
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.executescript("""
        CREATE TABLE IF NOT EXISTS files(name TEXT PRIMARY KEY, first INTEGER, last INTEGER);
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
        CREATE VIRTUAL TABLE IF NOT EXISTS texts USING fts5(text, iri UNINDEXED, kind UNINDEXED, line UNINDEXED,
                                                            graph UNINDEXED, tokenize='trigram');""")
    return con


def synced(con: sqlite3.Connection) -> str | None:
    """The name of the generation the index was last brought up to date with."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def sync(root: Path, generation: Path) -> None:
    """Bring the index in the store folder *root* up to date with *generation* (under the build lock)."""
    from kg.store.pool import Texts
    files = Texts(generation)
    if files.names is None:
        return  # a generation from before the pool: no texts to index
    want = {name: graph for graph, name in files.names.items()}
    con = connect(root, write=True)
    try:
        with con:
            have = {name: (first, last) for name, first, last in con.execute("SELECT name, first, last FROM files")}
            for name in set(have) - set(want):
                first, last = have[name]
                con.execute("DELETE FROM texts WHERE rowid BETWEEN ? AND ?", (first, last))
                con.execute("DELETE FROM files WHERE name = ?", (name,))
            for name in sorted(set(want) - set(have)):
                graph = want[name]
                found = files.path(graph)
                rows = loads(found.read_bytes()) if found is not None else None
                if rows is None:
                    continue  # damaged: the graph goes unindexed (its labels are still searched)
                if not rows:
                    con.execute("INSERT INTO files VALUES (?, 0, -1)", (name,))
                    continue
                start = (con.execute("SELECT max(rowid) FROM texts").fetchone()[0] or 0) + 1
                con.executemany("INSERT INTO texts(rowid, text, iri, kind, line, graph) VALUES (?, ?, ?, ?, ?, ?)",
                                [(start + i, text, iri, kind, line, graph) for i, (iri, kind, text, line) in enumerate(rows)])
                con.execute("INSERT INTO files VALUES (?, ?, ?)", (name, start, start + len(rows) - 1))
            con.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (Path(generation).name,))
    finally:
        con.close()


def catch_up(root: Path, generation: Path | None) -> None:
    """Sync the index if it is not of *generation* (a build killed between publishing and syncing)."""
    if generation is None:
        return
    con = connect(root)
    behind = con is None or synced(con) != Path(generation).name
    if con is not None:
        con.close()
    if behind:
        sync(root, generation)
