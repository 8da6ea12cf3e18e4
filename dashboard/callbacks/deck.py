"""Saved views: save, rename, reorder, delete and undo; load, replace and download decks.

The deck lives in the browser's local storage (``dcc.Store(storage_type="local")``), so a
presenter's deck survives a reload on the same laptop; the JSON file carries it elsewhere. The
edits are the pure functions of :mod:`dashboard.deck`; these callbacks read the page's values
through :mod:`dashboard.callbacks.inputs`, call them and say what was done. Loading a file or the
example over a deck that holds views waits for a confirmation (``deck-pending`` holds the deck
read, ``deck-confirm`` asks). Every change keeps the deck before it in ``deck-history`` for Undo.
Stepping through the deck happens in the browser (``atlas.deckStep`` in assets/atlas.js); a
deck loaded or replaced starts again before its first view (``deck-index`` -1).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, html, no_update

from dashboard import i18n
from dashboard.callbacks import inputs
from dashboard.data import loaded, state_from
from dashboard.deck import (
    UNDO_DEPTH,
    Deck,
    DeckError,
    SavedView,
    add_view,
    clean_title,
    delete_view,
    dump_deck,
    example_deck_path,
    index_after_delete,
    index_after_move,
    load_deck,
    move_view,
    remember,
    rename_view,
    state_to_params,
    undo,
)
from dashboard.i18n import N_, _, ngettext
from dashboard.layout import deck_item

EMPTY = Deck(version=1, views=())

# The titles of the example deck (dashboard/decks/fact-sheet.json), marked for the catalogs: the
# example is loaded with its titles in the page's language (the test keeps the two alike).
EXAMPLE_TITLES = (
    N_("Programs and routes in the 2007 fact sheet"),
    N_("Lake Volta: children in Ghana's fisheries"),
    N_("Indonesia to Malaysia: domestic labour and sexual exploitation"),
    N_("Cambodian children begging in Bangkok"),
    N_("Dominican women deceived into prostitution in Argentina"),
    N_("Reuniting victims with their families in the United States"),
    N_("RCM members: capacity-building workshops"),
    N_("Bali Process members"),
    N_("IGC participants"),
    N_("The $50 million initiative: prevention and protection"),
)


def _as_store(deck: Deck) -> dict[str, Any]:
    return json.loads(dump_deck(deck))


def _from_store(stored: Any) -> Deck:
    """The deck in the store, or an empty one if there is none or it does not read."""
    if not stored:
        return EMPTY
    try:
        deck, _notices = load_deck(json.dumps(stored), loaded().choices)
    except (DeckError, TypeError, ValueError):  # TypeError: keys that are not text
        return EMPTY
    return deck


def _history_from(stored: Any) -> tuple[Deck, ...]:
    """The undo history in the store (decks before each change, oldest first); junk reads as none."""
    if not isinstance(stored, list):
        return ()
    return tuple(_from_store(item) for item in stored[-UNDO_DEPTH:])


def _history_to(history: tuple[Deck, ...]) -> list[dict[str, Any]]:
    return [_as_store(deck) for deck in history]


def _views(count: int) -> str:
    """``3 views``: how many views a deck holds, as the messages below say it."""
    return ngettext("{count} view", "{count} views", count).format(count=i18n.integer(count))


def example_deck() -> str:
    """The example deck's file, its titles in the current language."""
    text = example_deck_path().read_text(encoding="utf-8")
    if i18n.lang() == i18n.DEFAULT:
        return text
    doc = json.loads(text)
    for view in doc.get("views", []):
        view["title"] = _(view["title"])
    return json.dumps(doc, ensure_ascii=False)


def _index(value: Any) -> int:
    return value if type(value) is int else -1


def _read_upload(contents: str, filename: str) -> tuple[str, str]:
    """The dropped file's text and how to name it; raises DeckError if it is not UTF-8 text."""
    try:
        return base64.b64decode(contents.split(",", 1)[1]).decode("utf-8"), filename or _("the file")
    except (IndexError, ValueError, UnicodeDecodeError):
        if filename:
            raise DeckError(_("{filename}: not a deck (not UTF-8 text).").format(filename=filename)) from None
        raise DeckError(_("The file: not a deck (not UTF-8 text).")) from None


@callback(
    output={
        "deck": Output("deck", "data"),
        "message": Output("deck-message", "children"),
        "title": Output("deck-title", "value"),
        "history": Output("deck-history", "data"),
        "pending": Output("deck-pending", "data"),
        "hidden": Output("deck-confirm", "hidden"),
        "question": Output("deck-confirm-text", "children"),
        "index": Output("deck-index", "data", allow_duplicate=True),
        "editing": Output("deck-editing", "data", allow_duplicate=True),
        "upload": Output("deck-upload", "contents"),
    },
    inputs=[
        Input("deck-save", "n_clicks"),
        Input("deck-example", "n_clicks"),
        Input("deck-upload", "contents"),
        Input("deck-replace", "n_clicks"),
        Input("deck-cancel", "n_clicks"),
    ],
    state=[
        State("deck-upload", "filename"),
        State("deck-title", "value"),
        State("rendered", "data"),
        State("deck", "data"),
        State("deck-history", "data"),
        State("deck-pending", "data"),
    ],
    prevent_initial_call=True,
)
def change_deck(
    save: Any,
    example: Any,
    contents: Any,
    replace: Any,
    cancel: Any,
    filename: Any,
    title: Any,
    rendered: Any,
    stored: Any,
    history: Any,
    pending: Any,
) -> dict[str, Any]:
    """Add the current view, or read the example or a dropped file and replace the deck by it.

    A deck that holds views is replaced only after "Replace" is pressed; "Cancel" keeps it. A
    file that is not a valid deck is refused with its reason; the current deck stays as it is.
    """
    out: dict[str, Any] = {
        "deck": no_update,
        "message": no_update,
        "title": no_update,
        "history": no_update,
        "pending": no_update,
        "hidden": no_update,
        "question": no_update,
        "index": no_update,
        "editing": no_update,
        "upload": no_update,
    }
    trigger = ctx.triggered_id
    deck = _from_store(stored)

    def replaced_by(new: Deck, message: str) -> dict[str, Any]:
        # Stepping starts again before the first view: the first Right shows view 1.
        return out | {
            "deck": _as_store(new),
            "message": message,
            "history": _history_to(remember(_history_from(history), deck)),
            "pending": None,
            "hidden": True,
            "index": -1,
            "editing": -1,
        }

    if trigger == "deck-save":
        state, _notices = state_from(inputs.text(rendered))
        fallback = _("View {number}").format(number=i18n.integer(len(deck.views) + 1))
        view = SavedView(clean_title(inputs.text(title), fallback), state_to_params(state, loaded().choices))
        try:
            added = add_view(deck, view)
        except DeckError as error:
            return out | {"message": str(error)}
        message = _("Saved \u201c{title}\u201d as view {number}.").format(
            title=view.title, number=i18n.integer(len(added.views))
        )
        # A save leaves stepping and an open question as they are.
        keep = dict.fromkeys(("pending", "hidden", "index", "editing"), no_update)
        return replaced_by(added, message) | keep | {"title": ""}

    if trigger in ("deck-replace", "deck-cancel"):
        waiting = inputs.mapping(pending) or {}
        if trigger == "deck-cancel" or "deck" not in waiting:
            return out | {
                "pending": None,
                "hidden": True,
                "message": _("Kept your {views}.").format(views=_views(len(deck.views))),
            }
        return replaced_by(_from_store(waiting["deck"]), inputs.text(waiting.get("message")))

    if trigger == "deck-example":
        text, source = example_deck(), _("the example deck")
    else:
        contents = inputs.text(contents)
        if not contents:
            return out
        # Cleared, so that dropping the same file again (after Cancel, say) reads it again.
        out["upload"] = None
        try:
            text, source = _read_upload(contents, inputs.text(filename))
        except DeckError as error:
            return out | {"message": _("{error} Your deck is unchanged.").format(error=error)}
    try:
        new, notices = load_deck(text, loaded().choices)
    except DeckError as error:
        return out | {"message": _("{source}: {error} Your deck is unchanged.").format(source=source, error=error)}
    loaded_from = _("Loaded {views} from {source}.").format(views=_views(len(new.views)), source=source)
    message = " ".join([loaded_from, *notices])
    if not deck.views:
        return replaced_by(new, message)
    question = _("Replace your {views} with the {new_views} of {source}?").format(
        views=_views(len(deck.views)), new_views=_views(len(new.views)), source=source
    )
    return out | {
        "pending": {"deck": _as_store(new), "message": message},
        "hidden": False,
        "question": question,
        "message": "",
    }


@callback(
    Output("deck", "data", allow_duplicate=True),
    Output("deck-message", "children", allow_duplicate=True),
    Output("deck-history", "data", allow_duplicate=True),
    Output("deck-index", "data", allow_duplicate=True),
    Output("deck-editing", "data"),
    Input("deck-undo", "n_clicks"),
    Input({"type": "deck-up", "index": ALL}, "n_clicks"),
    Input({"type": "deck-down", "index": ALL}, "n_clicks"),
    Input({"type": "deck-delete", "index": ALL}, "n_clicks"),
    Input({"type": "deck-rename", "index": ALL}, "n_clicks"),
    Input({"type": "deck-rename-ok", "index": ALL}, "n_clicks"),
    Input({"type": "deck-rename-input", "index": ALL}, "n_submit"),
    Input({"type": "deck-rename-cancel", "index": ALL}, "n_clicks"),
    State({"type": "deck-rename-input", "index": ALL}, "value"),
    State("deck", "data"),
    State("deck-history", "data"),
    State("deck-index", "data"),
    prevent_initial_call=True,
)
def edit_deck(
    undo_clicks: Any,
    up: Any,
    down: Any,
    delete: Any,
    rename: Any,
    rename_ok: Any,
    rename_submit: Any,
    rename_cancel: Any,
    new_titles: Any,
    stored: Any,
    history: Any,
    current: Any,
) -> tuple[Any, ...]:
    """Undo the last change, or rename, move or delete the view whose button was pressed."""
    nothing = (no_update,) * 5
    trigger = ctx.triggered_id
    deck, past, current = _from_store(stored), _history_from(history), _index(current)
    if trigger == "deck-undo":
        try:
            before, past = undo(past)
        except IndexError:
            return no_update, _("Nothing to undo."), no_update, no_update, no_update
        message = _("Undone: the deck is back to its {views} before the last change.").format(
            views=_views(len(before.views))
        )
        return _as_store(before), message, _history_to(past), -1, -1
    # A list drawn again fires its new buttons with no click: only a real press counts.
    if not isinstance(trigger, dict) or not (ctx.triggered and ctx.triggered[0].get("value")):
        return nothing
    kind, index = trigger.get("type"), _index(trigger.get("index"))
    try:
        title = deck_title(deck, index)
        if kind == "deck-rename":
            return no_update, no_update, no_update, no_update, index
        if kind == "deck-rename-cancel":
            return no_update, "", no_update, no_update, -1
        if kind in ("deck-rename-ok", "deck-rename-input"):
            typed = next((inputs.text(v) for v in inputs.texts(new_titles) or []), "")
            new = rename_view(deck, index, typed)
            message = _("Renamed view {number} \u201c{title}\u201d.").format(
                number=i18n.integer(index + 1), title=new.views[index].title
            )
            after = current
        elif kind in ("deck-up", "deck-down"):
            offset = -1 if kind == "deck-up" else 1
            new = move_view(deck, index, offset)
            place = min(max(index + offset, 0), len(deck.views) - 1) + 1
            message = _("Moved \u201c{title}\u201d to place {place} of {count}.").format(
                title=title, place=i18n.integer(place), count=i18n.integer(len(new.views))
            )
            after = index_after_move(current, index, offset, len(deck.views))
        elif kind == "deck-delete":
            new = delete_view(deck, index)
            message = _("Deleted \u201c{title}\u201d. Undo brings it back.").format(title=title)
            after = index_after_delete(current, index)
        else:
            return nothing
    except (IndexError, ValueError):  # a position from a stale page or a crafted request
        return nothing
    if new == deck:
        return no_update, message, no_update, no_update, -1
    return _as_store(new), message, _history_to(remember(past, deck)), after, -1


def deck_title(deck: Deck, index: int) -> str:
    """The title of view ``index``; IndexError if there is none."""
    if not 0 <= index < len(deck.views):
        raise IndexError(index)
    return deck.views[index].title


@callback(
    Output("deck-list", "children"),
    Input("deck", "data"),
    Input("deck-index", "data"),
    Input("deck-editing", "data"),
)
def list_deck(stored: Any, index: Any, editing: Any) -> list[Any]:
    deck = _from_store(stored)
    if not deck.views:
        return [
            html.Li(
                _("No saved views yet: name this view and press Save, or load the example deck."),
                className="atlas-deck-empty",
            )
        ]
    current, editing = _index(index), _index(editing)
    return [
        deck_item(i, view.title, len(deck.views), current=i == current, editing=i == editing)
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
