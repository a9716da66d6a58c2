"""The lists a build keeps per report graph for the pages (kg/store/entries.py, web/entries.py) against the store."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from kg import constants as C
from kg.store import entries as kept_entries
from kg.store.generations import current_path
from kg.store.pool import Entries, Labels

from .conftest import rows

POSITION = "?p cdo:stance ?s ; cdo:inEvent ?event ; cdo:targetText ?text . ?event cdo:date ?date ."
ARGUMENT = "?arg a cdo:Argument ; cdo:title ?title ; cdo:inEvent ?event . ?event cdo:date ?date . OPTIONAL { ?arg cdo:order ?order }"


def store_lists(store) -> dict:
    """What the pages list, as the plain queries over the store say (each list newest first)."""
    out = {}
    for name, link in (("held", "?p cdo:positionOf ?k"), ("on_behalf", "?p cdo:onBehalfOf ?k"), ("on_target", "?p cdo:target ?k")):
        found = defaultdict(list)
        for r in rows(store, f"""SELECT DISTINCT ?k ?p ?key WHERE {{ {link} . {POSITION}
                BIND(CONCAT(STR(?date), " ", STR(?p)) AS ?key) }} ORDER BY ?k DESC(?key)"""):
            found[r["k"]].append(r["p"])
        out[name] = dict(found)
    found = defaultdict(list)
    for r in rows(store, f"SELECT DISTINCT ?k ?arg ?date ?order WHERE {{ ?arg cdo:topic ?k . {ARGUMENT} }} ORDER BY ?k DESC(?date) ?order ?arg"):
        found[r["k"]].append(r["arg"])
    out["on_topic"] = dict(found)
    dated = defaultdict(dict)  # every actor's labelled events, newest first (the person page's query)
    for r in rows(store, """SELECT DISTINCT ?k ?event ?date WHERE { ?part cdo:participant ?k ; cdo:inEvent ?event .
            ?event rdfs:label ?label . OPTIONAL { ?event cdo:date ?date } }"""):
        dated[r["k"]][r["event"]] = max(dated[r["k"]].get(r["event"], ""), r["date"] or "")
    out["took_part"] = {k: sorted(v, key=lambda e: (v[e], e), reverse=True) for k, v in dated.items()}
    for name, q in (("holder_counts", "?p cdo:positionOf ?k"), ("target_counts", "?p cdo:target ?k"),
                    ("topic_counts", "?p cdo:topic ?k . ?p a cdo:Argument")):
        out[name] = {r["k"]: int(r["n"]) for r in rows(store, f"SELECT ?k (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {q} }} GROUP BY ?k")}
    return out


def kept_lists(root: Path) -> dict:
    """The same, from the entries the build kept with the current generation (as the web reads them)."""
    from web.entries import _read
    found = _read.__wrapped__(str(current_path(root)))
    assert found is not None, "the generation keeps no entries"
    return {"held": found.held, "on_behalf": found.on_behalf, "on_target": found.on_target, "on_topic": found.on_topic,
            "took_part": found.took_part,
            **{k: dict(getattr(found, k)) for k in ("holder_counts", "target_counts", "topic_counts")}}


def test_the_kept_lists_are_the_stores(built_store, store):
    kept, asked = kept_lists(built_store[0]), store_lists(store)
    assert kept == asked
    assert len(kept["held"]) > 20 and max(len(v) for v in kept["on_target"].values()) > 10 and kept["on_topic"]


def test_a_graph_without_its_entries_has_the_pages_ask_the_store(built_store, tmp_path):
    import shutil

    from web.entries import _read
    shutil.copytree(built_store[0], tmp_path / "store", symlinks=True)  # the generations and their pool of files
    gen = current_path(tmp_path / "store")
    assert _read.__wrapped__(str(gen)) is not None
    entries = Entries(gen)
    first = entries.path(sorted(entries.names)[0])
    first.write_bytes(_entries(positions=[[0]]))
    assert _read.__wrapped__(str(gen)) is None
    first.unlink()
    assert _read.__wrapped__(str(gen)) is None


def _entries(**parts) -> bytes:
    """An entries file of the current version naming two IRIs and nothing else, with *parts* replaced."""
    base = {"v": kept_entries.VERSION, "iris": ["p", "e"], "dates": [], "positions": [], "arguments": [], "took_part": [],
            "labelled": []}
    return json.dumps({**base, **parts}).encode()


def test_undamaged_entries_are_read():  # the cases below differ from these only in their damage
    assert kept_entries.loads(_entries()) is not None
    got = kept_entries.loads(_entries(dates=[[1, "2024-01-02"]], positions=[[0, 1, None, [], [], True]], took_part=[[0, 1]],
                                      labelled=[1]))
    assert got["positions"] == [["p", "e", None, [], [], True]] and got["took_part"] == [("p", "e")]


@pytest.mark.parametrize("damage", [
    b"{not json", b"[]", b'{"v": 1, "dates": {}, "positions": [], "arguments": []}',  # the first version
    _entries(v=kept_entries.VERSION - 1),  # another version
    _entries(positions=[[0, None, None, [], [], True]]),  # listed, no date
    _entries(positions=[[0, None, 5, [], [], False]]),  # no such IRI
    _entries(positions=[[0, None, -1, [], [], False]]),  # a negative number would name the last IRI
    _entries(took_part=[[-2, 1]]),
    _entries(labelled=[-1]),
    _entries(iris=[3])])
def test_damaged_entries_are_not_read(damage):
    assert kept_entries.loads(damage) is None


def test_one_reports_entries_say_what_its_triples_say():
    from rdflib import Literal, URIRef
    cdo, rdf = "https://w3id.org/cyberdiplo/ontology#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    u = URIRef
    ev, p1, p2, a1 = (u("https://x.example/" + n) for n in ("e", "p1", "p2", "a1"))
    triples = {(ev, u(cdo + "date"), Literal("2024-01-02")), (p1, u(rdf), u(cdo + "Position")), (p1, u(cdo + "inEvent"), ev),
               (p1, u(cdo + "stance"), u("https://x.example/s")), (p1, u(cdo + "targetText"), Literal("t")),
               (p1, u(cdo + "target"), u("https://x.example/t")), (p1, u(cdo + "positionOf"), u("https://x.example/KEN")),
               (p2, u(cdo + "positionOf"), u("https://x.example/KEN")),  # no stance, no event: counted, not listed
               (a1, u(rdf), u(cdo + "Argument")), (a1, u(cdo + "inEvent"), ev), (a1, u(cdo + "title"), Literal("x")),
               (a1, u(cdo + "order"), Literal(3)), (a1, u(cdo + "topic"), u("https://x.example/topic"))}
    got = kept_entries.loads(kept_entries.dumps(kept_entries.of_triples(triples)))
    assert got["dates"] == {str(ev): "2024-01-02"}
    assert got["positions"] == [[str(p1), str(ev), "https://x.example/KEN", [], ["https://x.example/t"], True],
                                [str(p2), None, "https://x.example/KEN", [], [], False]]
    assert got["arguments"] == [[str(a1), str(ev), 3, ["https://x.example/topic"], True]]


def test_entries_are_kept_with_each_report_graph_and_only_those(built_store):
    from kg.store.generations import Listing
    gen = current_path(built_store[0])
    listed = Listing.of_generation(gen).reports
    files = Entries(gen)
    assert all(files.path(g) is not None for g in listed)
    assert set(files.names) == set(listed)


def test_pages_show_the_same_from_the_lists_as_from_the_store(built_store, store, monkeypatch):
    """Every state, person, group, target, issue and topic page: the same positions and arguments, counts,
    pages and query links whether chosen from the kept lists or asked of the store (pages of 7, so that
    the real reports' lists run to several pages: the first, the second and one past the last)."""
    from web import create_app, entries, pictures
    monkeypatch.setattr(pictures, "POSITIONS_PAGE", 7)
    monkeypatch.setattr(pictures, "ARGUMENTS_PAGE", 7)
    app = create_app({"STORE": str(built_store[0]), "ISOLATE_WORKERS": False, "TESTING": True})
    kinds = {"State": pictures.state_view, "Person": pictures.person_view, "Group": pictures.group_view,
             "Issue": pictures.issue_view, "Instrument": pictures.target_view, "Mechanism": pictures.target_view}
    views = [(kinds[r["k"]], r["x"]) for r in rows(store, f"""SELECT DISTINCT ?x ?k WHERE {{ ?x a ?type .
        VALUES (?type ?k) {{ {" ".join(f'(cdo:{k} "{k}")' for k in kinds)} }} }}""")]
    views += [(pictures.topic_view, r["t"]) for r in rows(store, "SELECT DISTINCT ?t WHERE { ?a cdo:topic ?t }")]
    assert len(views) > 100
    listed = paged = 0
    for page in (1, 2, 10**6):
        for view, iri in views:
            with app.test_request_context(f"/?positions={page}&behalf={page}&own={page}&arguments={page}"):
                assert entries.lists() is not None
                kept = view(iri)
                with monkeypatch.context() as m:
                    m.setattr(entries, "lists", lambda: None)
                    asked = view(iri)
            assert kept == asked, iri
            lists = [v for v in kept.values() if isinstance(v, dict) and "rows" in v]
            listed += sum(len(v["rows"]) for v in lists)
            paged += page == 2 and any(v["page"] == 2 for v in lists)
    assert listed > 500 and paged >= 10


def test_the_home_page_counts_the_same_from_the_lists_as_from_the_store(built_store, monkeypatch):
    from web import create_app, entries, home
    app = create_app({"STORE": str(built_store[0]), "ISOLATE_WORKERS": False, "TESTING": True})
    with app.test_request_context("/"):
        assert entries.lists() is not None
        kept = home.home_data()
        monkeypatch.setattr(entries, "lists", lambda: None)
        asked = home.home_data()
    assert kept == asked
    assert len(kept["states"]) >= 4 and len(kept["topics"]) >= 4 and len(kept["targets"]) >= 4 and kept["events"]


def store_labels(store) -> set:
    """The store's labels the search matches: all but those of mentions (C.UNSEARCHED)."""
    return {(r["s"], r["l"]) for r in rows(store, """SELECT DISTINCT ?s ?l WHERE {
        ?s rdfs:label|skos:prefLabel|skos:altLabel|cdo:iso3166Alpha3 ?l . FILTER(isIRI(?s)) }""") if C.UNSEARCHED not in r["s"]}


def kept_labels(root: Path) -> set:
    """The labels the search reads, as the web gathers them from the files the build kept."""
    from web import create_app, search
    with create_app({"STORE": str(root), "ISOLATE_WORKERS": False}).test_request_context():
        found = search._kept_labels()
    assert found is not None, "the generation keeps no labels"
    return found


def test_the_search_reads_the_stores_labels_from_the_kept_files(built_store, store, monkeypatch):
    from web import create_app, search
    assert kept_labels(built_store[0]) == store_labels(store)
    app = create_app({"STORE": str(built_store[0]), "ISOLATE_WORKERS": False})
    with app.test_request_context():
        kept = search.search_page("viet nam", 1, 25), search.search_page("capacity", 2, 25)
    monkeypatch.setattr(search, "_kept_labels", lambda: None)
    app = create_app({"STORE": str(built_store[0]), "ISOLATE_WORKERS": False})
    with app.test_request_context():
        asked = search.search_page("viet nam", 1, 25), search.search_page("capacity", 2, 25)
    assert kept == asked and kept[0]["total"] >= 1 and kept[1]["total"] > 25


@pytest.mark.parametrize("damage", [b"{not json", b'[["https://x.example/a", "A"]]', b'{"v": 1, "prefix": "", "labels": []}',
                                    b'{"v": 2, "prefix": "", "labels": ["ab"]}', b'{"v": 2, "prefix": "", "labels": [["a"]]}',
                                    b'{"v": 2, "prefix": "", "labels": [["a", 1]]}', b'{"v": 2, "prefix": "", "labels": [["", "A"]]}',
                                    b'{"v": 2, "prefix": 3, "labels": []}', b'{"v": 2, "labels": []}', b"3",
                                    b'{"v": 2, "prefix": "", "labels": [["a", "A", "x"]]}',  # one column too many
                                    b'{"v": 2, "prefix": "", "labels": [["a", "A"], ["b"]]}',
                                    b'{"v": 2, "prefix": "", "labels": [["a", "A"], {"b": "B"}]}',
                                    b'{"v": 2, "prefix": "", "labels": [["a", "A"], [null, "B"]]}'])
def test_damaged_labels_are_not_read(damage):
    assert kept_entries.loads_labels(damage) is None


def test_labels_read_back_as_written():
    from rdflib import Literal, URIRef
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    for iris in ([], ["https://x.example/m"], ["https://x.example/id/m", "https://x.example/id/m/p/1", "https://x.example/id/m/p/2",
                                                 "https://x.example/id/person/q", "urn:x:y"]):
        triples = {(URIRef(i), label, Literal("label of " + i)) for i in iris}
        assert kept_entries.loads_labels(kept_entries.labels_of(triples)) == sorted((i, "label of " + i) for i in iris)


def test_a_graph_without_its_labels_has_the_search_ask_the_store(built_store, tmp_path):
    import shutil
    root = tmp_path / "store"
    shutil.copytree(built_store[0], root, symlinks=True)
    assert kept_labels(root)
    labels = Labels(current_path(root))
    labels.path(sorted(labels.names)[0]).write_bytes(b'["ab"]')
    from web import create_app, search
    with create_app({"STORE": str(root), "ISOLATE_WORKERS": False}).test_request_context():
        assert search._kept_labels() is None
        assert search.search_page("viet nam", 1, 25)["total"] >= 1  # from the store


@pytest.mark.parametrize("source", ["lists", "store"])
def test_a_persons_events_are_paged_newest_first_with_every_role(tmp_path, monkeypatch, source):
    """Every person's events, page by page, are the plain query's, newest first, each role listed (the sample
    as three meetings, two events a page), chosen from the kept lists or asked of the store."""
    from kg.store.build import build
    from kg.store.generations import open_read_only
    from web import create_app, entries, pictures
    if source == "store":
        monkeypatch.setattr(entries, "lists", lambda: None)

    from .test_add_one import _corpus
    root = tmp_path / "store"
    assert build([_corpus(tmp_path)], root).published
    store = open_read_only(root)
    monkeypatch.setattr(pictures, "EVENTS_PAGE", 2)
    app = create_app({"STORE": str(root), "ISOLATE_WORKERS": False})
    people = [r["x"] for r in rows(store, "SELECT DISTINCT ?x WHERE { ?x a cdo:Person }")]
    paged = 0
    for iri in people:
        # A person's events include those of the offices they hold (the Chair's participations are the office's).
        who = " ".join(f"<{x}>" for x in [iri] + [r["o"] for r in rows(store, f"SELECT ?o WHERE {{ ?o cdo:heldBy <{iri}> }}")])
        plain = rows(store, f"""SELECT DISTINCT ?event ?label ?role ?date WHERE {{ VALUES ?who {{ {who} }} ?part cdo:participant ?who ; cdo:inEvent ?event .
            ?event rdfs:label ?label . OPTIONAL {{ ?part cdo:roleText ?role }} OPTIONAL {{ ?event cdo:date ?date }} }}""")
        newest = sorted({r["event"]: r["date"] or "" for r in plain}.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        want = [(e, r["label"], r["role"]) for e, _ in newest for r in sorted(plain, key=lambda r: (r["label"], r["role"] or "")) if r["event"] == e]
        got, page = [], 1
        while True:
            with app.test_request_context(f"/?events={page}"):
                found = pictures.person_view(iri)["events"]
            got += [(r["event"], r["label"], r["role"]) for r in found["rows"]]
            if found["next"] is None:
                break
            page += 1
        assert got == want, iri
        paged += len(newest) == 3 and page == 2
    assert paged >= 1
    if source == "lists":
        with app.test_request_context("/"):
            assert entries.lists() is not None and entries.lists().took_part  # the page did choose from them


@pytest.mark.parametrize("layout", ["pool", "own folders"])
def test_a_build_writes_the_lists_an_older_version_did_not(tmp_path, layout):
    """A store built before the lists existed gets them from its next build, once, even with nothing to convert
    (whether its files are in the pool or, older still, in the generation's own folders)."""
    from kg.store.build import build
    from kg.store.generations import Listing, open_read_only
    from kg.store.pool import Dumps

    from .test_add_one import _corpus
    from .test_dumps import as_before_the_pool
    src, root = _corpus(tmp_path), tmp_path / "store"
    assert build([src], root).published
    old = current_path(root)
    if layout == "pool":  # as an older version left it: Turtle only
        listed = json.loads((old / C.GRAPH_FILES).read_text())
        (old / C.GRAPH_FILES).write_text(json.dumps({C.GRAPH_DUMPS: listed[C.GRAPH_DUMPS]}))
    else:
        as_before_the_pool(old, kinds=(C.GRAPH_DUMPS,))
    graphs = sorted(Listing.of_generation(old).reports)
    (Dumps(old).path(graphs[0])).unlink()  # and one graph without its Turtle: read from the store
    told = []
    result = build([src], root, notice=told.append)
    assert result.published and not result.built and current_path(root) != old
    assert any("older version" in t for t in told)
    assert kept_lists(root) == store_lists(open_read_only(root)) and kept_labels(root) == store_labels(open_read_only(root))
    again = build([src], root)
    assert not again.published  # written once: the next build has nothing to do


def test_an_upgrade_writes_only_the_kind_a_graph_lacks(tmp_path, monkeypatch):
    """A store whose entries are of an older format keeps its labels files as they are, without making them again."""
    import os

    from kg.store.build import build
    from kg.store.generations import Listing, open_read_only

    from .test_add_one import _corpus
    src, root = _corpus(tmp_path), tmp_path / "store"
    assert build([src], root).published
    old = current_path(root)
    listed = json.loads((old / C.GRAPH_FILES).read_text())
    del listed[C.GRAPH_ENTRIES]  # as a version with another entries format left it
    (old / C.GRAPH_FILES).write_text(json.dumps(listed))
    graphs = sorted(Listing.of_generation(old).reports)
    labels_before = {g: os.stat(Labels(old).path(g)).st_ino for g in graphs}

    def made_again(triples):
        raise AssertionError("labels made for a graph that has them")
    monkeypatch.setattr(kept_entries, "labels_of", made_again)
    assert build([src], root).published
    monkeypatch.undo()
    new = current_path(root)
    assert {g: os.stat(Labels(new).path(g)).st_ino for g in graphs} == labels_before
    assert Entries(new).present(graphs) == set(graphs)
    assert kept_lists(root) == store_lists(open_read_only(root)) and kept_labels(root) == store_labels(open_read_only(root))


def test_the_label_index_ranks_as_a_plain_scan_does(built_store, store):
    """rank_labels (labels found by str.find in two long strings) against a plain scan of every (IRI, label)."""
    from kg.map.resolve import norm
    from web import create_app, search

    def plain(text, pairs):
        q = norm(text)
        if not q:
            return []
        squashed, best = q.replace(" ", ""), {}
        for iri, lab in pairs:
            key = norm(lab)
            flat = key.replace(" ", "")
            if q in key:
                rank = 0 if key == q else 1 if key.startswith(q) else 2 if (" " + q) in (" " + key) else 3
            elif squashed in flat:
                rank = 0 if flat == squashed else 1 if flat.startswith(squashed) else 3
            else:
                continue
            cand = (rank, len(key), lab)
            if iri not in best or cand < best[iri]:
                best[iri] = cand
        return [(iri, c[2]) for iri, c in sorted(best.items(), key=lambda kv: (kv[1], kv[0]))]
    pairs = store_labels(store)
    queries = ["viet nam", "VietNam", "african", "capacity building", "un", "a", "e", "the", "cyber security", "oewg",
               "(", "2025", "ken", "Türkiye", "d", "no such words at all", "  ", "-", "chair", "tg 1", "agenda item 5"]
    with create_app({"STORE": str(built_store[0]), "ISOLATE_WORKERS": False}).test_request_context():
        for text in queries:
            assert search.rank_labels(text) == plain(text, pairs), text
        assert len(search.rank_labels("a")) > 500
    index = search.LabelIndex([("https://x.example/1", "Alpha beta"), ("https://x.example/2", "Alpha beta"),
                               ("https://x.example/3", ""), ("https://x.example/4", "beta"), ("https://x.example/5", "Beta-beta")])
    assert index.found("beta", index.keys, index.key_starts) == [0, 2, 3]  # each row once, however often it matches
    assert index.key(1) == "" and index.key(3) == "beta beta" and index.flat(3) == "betabeta"
    assert index.iris[0] == ["https://x.example/1", "https://x.example/2"]


def test_an_actors_events_are_its_labelled_ones_newest_first():
    """As the person page's query: events without a label left out, an event's latest date across graphs,
    undated events last, ties by IRI; each event once however many participations name it."""
    from web.entries import Lists

    def graph(dates, took_part, labelled):
        return {"dates": dates, "positions": [], "arguments": [], "took_part": took_part, "labelled": labelled}
    found = Lists([graph({"e1": "2024-01-01", "e2": "2024-03-01"}, [("a", "e1"), ("a", "e2"), ("a", "e3"), ("a", "e4"),
                                                                   ("a", "e1"), ("b", "e2")], ["e1", "e2", "e4"]),
                   graph({"e1": "2024-05-01"}, [("a", "e5"), ("a", "e6")], ["e5", "e6", "e3x"])])
    assert found.events_of("a") == ["e1", "e2", "e6", "e5", "e4"]  # e1 dated again later; e3 has no label
    assert found.events_of("b") == ["e2"] and found.events_of("c") == []
