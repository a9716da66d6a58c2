"""How entity pages order and fold values (web/terms.py)."""

from __future__ import annotations

from web.terms import natural


def test_values_sort_with_their_numbers_as_numbers():
    values = ["turn 11", "turn 3", "turn 3a", "Turn 2", "area 10²", "area 9²", "", "turn ٣"]
    assert sorted(values, key=natural) == ["", "Turn 2", "area 9²", "area 10²", "turn 3", "turn ٣", "turn 3a", "turn 11"]


def test_a_superscript_figure_is_text_not_a_number():  # "²".isdigit() is true; int("²") raises
    assert natural("10²") == ((1, 0, ""), (0, 10, ""), (1, 0, "²"))
