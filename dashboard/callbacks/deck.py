"""Saved views: save the current view into the deck, list it, load and download decks.

The deck lives in the browser's local storage (``dcc.Store(storage_type="local")``), so a
presenter's deck survives a reload on the same laptop; the JSON file carries it elsewhere.
Stepping through the deck happens in the browser (``atlas.deckStep`` in assets/atlas.js).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, html, no_update

from dashboard.callbacks import inputs
from dashboard.data import loaded, state_from
from dashboard.deck import (
    Deck,
    DeckError,
    SavedView,
    clean_title,
    dump_deck,
    example_deck_path,
    load_deck,
    state_to_params,
)


def _as_store(deck: Deck) -> dict[str, Any]:
    return json.loads(dump_deck(deck))


def _from_store(stored: Any) -> Deck:
    """The deck in the store, or an empty one if there is none or it does not read."""
    if not stored:
        return Deck(version=1, views=())
    try:
        deck, _ = load_deck(json.dumps(stored), loaded().choices)
    except DeckError:
        return Deck(version=1, views=())
    return deck


@callback(
    Output("deck", "data"),
    Output("deck-message", "children"),
    Output("deck-title", "value"),
    Input("deck-save", "n_clicks"),
    Input("deck-example", "n_clicks"),
    Input("deck-upload", "contents"),
    State("deck-upload", "filename"),
    State("deck-title", "value"),
    State("rendered", "data"),
    State("deck", "data"),
    prevent_initial_call=True,
)
def change_deck(
    save: Any, example: Any, contents: str | None, filename: str | None, title: str | None, rendered: str, stored: Any
) -> tuple[Any, Any, Any]:
    """Add the current view, or replace the deck by the example or an uploaded file.

    A file that is not a valid deck is refused with its reason; the current deck stays as it is.
    """
    contents, filename = inputs.text(contents), inputs.text(filename)
    title, rendered = inputs.text(title), inputs.text(rendered)
    choices = loaded().choices
    trigger = ctx.triggered_id
    if trigger == "deck-save":
        deck = _from_store(stored)
        state, _ = state_from(rendered or "")
        view = SavedView(title=clean_title(title, f"View {len(deck.views) + 1}"), state=state_to_params(state, choices))
        added = Deck(version=deck.version, views=(*deck.views, view))
        return _as_store(added), f"Saved \u201c{view.title}\u201d as view {len(added.views)}.", ""
    if trigger == "deck-example":
        text = example_deck_path().read_text(encoding="utf-8")
        source = "the example deck"
    else:
        if not contents:
            return no_update, no_update, no_update
        try:
            text = base64.b64decode(contents.split(",", 1)[1]).decode("utf-8")
        except (IndexError, ValueError, UnicodeDecodeError):
            return (
                no_update,
                f"{filename or 'The file'}: not a deck (not UTF-8 text). Your deck is unchanged.",
                no_update,
            )
        source = filename or "the file"
    try:
        deck, notices = load_deck(text, choices)
    except DeckError as error:
        return no_update, f"{source}: {error} Your deck is unchanged.", no_update
    note = f"Loaded {len(deck.views)} views from {source}."
    return _as_store(deck), " ".join([note, *notices]), no_update


@callback(Output("deck-list", "children"), Input("deck", "data"), Input("deck-index", "data"))
def list_deck(stored: Any, index: int | None) -> list[Any]:
    deck = _from_store(stored)
    if not deck.views:
        return [html.Li("No saved views yet: name this view and press Save, or load the example deck.")]
    return [
        html.Li(
            html.Button(
                view.title,
                id={"type": "deck-open", "index": i},
                n_clicks=0,
                type="button",
                className="btn btn-link btn-sm p-0" + (" current" if i == index else ""),
            )
        )
        for i, view in enumerate(deck.views)
    ]


@callback(
    Output("deck-file", "data"),
    Input("deck-download", "n_clicks"),
    State("deck", "data"),
    prevent_initial_call=True,
)
def download_deck(clicks: Any, stored: Any) -> dict[str, str]:
    return {"content": dump_deck(_from_store(stored)), "filename": "atlas-deck.json", "type": "application/json"}


clientside_callback(
    ClientsideFunction(namespace="atlas", function_name="deckStep"),
    Output("url", "search", allow_duplicate=True),
    Output("deck-index", "data"),
    Input("deck-next", "n_clicks"),
    Input("deck-prev", "n_clicks"),
    Input({"type": "deck-open", "index": ALL}, "n_clicks"),
    State("deck", "data"),
    State("deck-index", "data"),
    prevent_initial_call=True,
)
