"""What they said (issue #25): a speaker's turns on its page, a person's with those of the offices they hold,
a meeting's transcript, each a page at a time."""

from __future__ import annotations

import re

import pytest

from web import create_app, db

MEETING = "/id/meeting/2024-12-04-oewg-10th-session-meeting-3"


@pytest.fixture(scope="module")
def sample_store(sample_only_store):
    return sample_only_store


@pytest.fixture
def client(sample_store):
    db.reset()
    yield create_app({"STORE": str(sample_store)}).test_client()
    db.reset()


def said(html: str) -> str:
    return html.split('id="statements"')[1].split("</section>")[0]


def test_a_state_page_lists_its_turns_and_the_arguments_it_made(client):
    html = client.get("/id/state/KEN").get_data(as_text=True)
    part = said(html)
    assert "2 turns in the transcripts" not in part and "1 turn in the transcripts" in part
    assert "I speak on behalf of the African Group" in part  # its turn, verbatim
    assert "Call for restoration of the thematic group on international law" in part  # an argument it made
    assert "Good morning" not in part  # the Chair's turn is not Kenya's


def test_the_chairs_turns_are_on_the_office_and_on_the_person_who_holds_it(client):
    office = said(client.get("/id/office/oewg-2021-2025-chair").get_data(as_text=True))
    person = client.get("/id/person/burhan-gafoor").get_data(as_text=True)
    assert "3 turns in the transcripts" in office and "3 turns in the transcripts" in said(person)
    assert "I open the third meeting" in said(person)
    took_part = person.split("<h2>Took part in</h2>")[1].split("<h2>")[0]
    assert "None recorded" not in took_part and "2024-12-04-oewg-10th-session-meeting-3" in took_part


def test_statements_come_a_page_at_a_time(client, monkeypatch):
    from web import statements
    monkeypatch.setattr(statements, "STATEMENTS_PAGE", 1)
    first = said(client.get("/id/office/oewg-2021-2025-chair").get_data(as_text=True))
    second = said(client.get("/id/office/oewg-2021-2025-chair?turns=2").get_data(as_text=True))
    assert "page 1 of 3" in first and "page 2 of 3" in second
    turn = re.compile(r'href="[^"]*/intervention/(\d+)"')
    assert turn.findall(first) == ["1"] and turn.findall(second) == ["3"]  # in the order they were taken


def test_the_meeting_page_has_its_transcript_paged(client, monkeypatch):
    from web import statements
    whole = client.get(MEETING).get_data(as_text=True).split('id="transcript"')[1].split("<h2>")[0]
    assert whole.count("<blockquote>") == 7 and "Researchers can help the mechanism" in whole
    monkeypatch.setattr(statements, "TRANSCRIPT_PAGE", 3)
    db.reset()
    page3 = client.get(MEETING + "?turns=3").get_data(as_text=True).split('id="transcript"')[1].split("<h2>")[0]
    assert "7 turns · page 3 of 3" in page3 and page3.count("<blockquote>") == 1 and "Researchers" in page3


def test_viet_nams_page_lists_its_turns(built_store):
    db.reset()
    app = create_app({"STORE": str(built_store[0])})
    html = said(app.test_client().get("/id/state/VNM").get_data(as_text=True))
    with app.app_context():
        st = db.store()
    turns = [r["text"].value for r in st.query(
        "SELECT ?text WHERE { ?t cdo:speaker state:VNM ; cdo:text ?text }", use_default_graph_as_union=True,
        prefixes={"cdo": "https://w3id.org/cyberdiplo/ontology#", "state": "https://w3id.org/cyberdiplo/id/state/"})]
    assert len(turns) >= 2 and f"{len(turns)} turns in the transcripts" in html
    for text in turns:
        assert text[:80].replace("'", "&#39;").replace('"', "&#34;") in html
    db.reset()
