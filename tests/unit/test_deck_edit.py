"""Editing a deck: add, rename, move, delete and undo as pure functions on the deck value."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.deck import (
    MAX_VIEWS,
    UNDO_DEPTH,
    Deck,
    DeckError,
    SavedView,
    add_view,
    delete_view,
    dump_deck,
    index_after_delete,
    index_after_move,
    move_view,
    remember,
    rename_view,
    undo,
)


def deck_of(*titles: str) -> Deck:
    return Deck(views=tuple(SavedView(title, {"region": "rcm"} if title == "B" else {}) for title in titles))


def titles(deck: Deck) -> list[str]:
    return [view.title for view in deck.views]


def test_add_appends_and_refuses_a_full_deck() -> None:
    assert titles(add_view(deck_of("A"), SavedView("B", {}))) == ["A", "B"]
    full = Deck(views=tuple(SavedView(f"V{i}", {}) for i in range(MAX_VIEWS)))
    with pytest.raises(DeckError, match=f"at most {MAX_VIEWS} views"):
        add_view(full, SavedView("one more", {}))


def test_rename_cleans_the_title_and_keeps_the_state() -> None:
    deck = rename_view(deck_of("A", "B"), 1, "  RCM\tmembers  ")
    assert deck.views[1] == SavedView("RCM members", {"region": "rcm"})
    assert rename_view(deck, 1, "   ") == deck  # nothing typed: the title stays
    assert rename_view(deck, 0, "x" * 500).views[0].title == "x" * 120


def test_move_up_and_down_stops_at_either_end() -> None:
    deck = deck_of("A", "B", "C")
    assert titles(move_view(deck, 2, -1)) == ["A", "C", "B"]
    assert titles(move_view(deck, 0, 1)) == ["B", "A", "C"]
    assert move_view(deck, 0, -1) == deck
    assert move_view(deck, 2, 1) == deck


def test_delete_removes_one_view() -> None:
    assert titles(delete_view(deck_of("A", "B", "C"), 1)) == ["A", "C"]
    assert delete_view(deck_of("A"), 0) == Deck()


@pytest.mark.parametrize("index", [-1, 3, 10**20, "1", None, True, 1.0])
def test_a_position_out_of_range_or_not_a_number_raises_index_error(index: object) -> None:
    deck = deck_of("A", "B", "C")
    for edit in (
        lambda: rename_view(deck, index, "X"),  # type: ignore[arg-type]
        lambda: move_view(deck, index, 1),  # type: ignore[arg-type]
        lambda: delete_view(deck, index),  # type: ignore[arg-type]
    ):
        with pytest.raises(IndexError):
            edit()


def test_undo_gives_back_each_deck_before_a_change_in_turn() -> None:
    first = deck_of("A", "B", "C")
    history: tuple[Deck, ...] = ()
    renamed = rename_view(first, 0, "Z")
    history = remember(history, first)
    deleted = delete_view(renamed, 2)
    history = remember(history, renamed)
    assert titles(deleted) == ["Z", "B"]
    back, history = undo(history)
    assert back == renamed
    back, history = undo(history)
    assert back == first and history == ()
    with pytest.raises(IndexError, match="nothing to undo"):
        undo(history)


def test_the_history_keeps_only_the_latest_decks() -> None:
    history: tuple[Deck, ...] = ()
    for i in range(UNDO_DEPTH + 5):
        history = remember(history, deck_of(str(i)))
    assert len(history) == UNDO_DEPTH
    assert titles(history[-1]) == [str(UNDO_DEPTH + 4)]


@given(st.integers(1, 8).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1), st.integers(-1, n - 1))))
def test_the_view_shown_is_followed_through_a_move(case: tuple[int, int, int]) -> None:
    count, index, current = case
    deck = Deck(views=tuple(SavedView(f"V{i}", {}) for i in range(count)))
    for offset in (-1, 1):
        moved = move_view(deck, index, offset)
        after = index_after_move(current, index, offset, count)
        if current < 0:
            assert after == -1
        else:
            assert moved.views[after] == deck.views[current]


@given(st.integers(1, 8).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1), st.integers(-1, n - 1))))
def test_the_view_shown_is_followed_through_a_delete(case: tuple[int, int, int]) -> None:
    count, index, current = case
    deck = Deck(views=tuple(SavedView(f"V{i}", {}) for i in range(count)))
    after = index_after_delete(current, index)
    if current in (index, -1):
        assert after == -1
    else:
        assert delete_view(deck, index).views[after] == deck.views[current]


def test_edited_decks_still_write_the_versioned_format() -> None:
    deck = move_view(rename_view(deck_of("A", "B"), 0, "First"), 1, -1)
    assert dump_deck(deck).startswith('{\n  "version": 1,\n  "views": [')


@pytest.mark.parametrize("editing", [False, True])
def test_a_deck_item_names_every_control(editing: bool) -> None:
    from dashboard.layout import deck_item

    item = json.dumps(deck_item(1, "Lake Volta", 3, current=True, editing=editing).to_plotly_json(), default=str)
    wanted = ["New title for view 2", "Keep the new title"] if editing else ["Rename view 2", "Delete view 2"]
    assert all(text in item for text in wanted)
