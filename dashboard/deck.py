"""Saved views and decks: a named list of views, as a small versioned JSON file.

A view's ``state`` is the atlas's URL query as a JSON object of strings, with exactly the
parameters of :mod:`dashboard.state` and the values as the URL writes them::

    {
      "version": 1,
      "views": [
        {"title": "RCM members", "state": {"region": "rcm"}},
        {"title": "Lake Volta", "state": {"region": "western-africa", "country": "GHA"}}
      ]
    }

Like kepler.gl's schema manager, a deck says which version of the format it is written in and
is validated on load; decks in an older format go through an ordered list of migrations
(:data:`MIGRATIONS`, one per version step) first, and decks newer than this atlas are refused.

Formats
-------
Version 0, the first prototype's format (it wrote no ``"version"`` key)::

    {"slides": [{"name": "RCM members", "url": "http://localhost:8050/?regions=rcm"}]}

``name`` is the title and ``url`` the address of the view (only its query is read, and only the
parameters the atlas knows; the rest, such as a tracking tag an address picked up, was ignored
by the prototype too).

Version 1, the current one: ``{"version": 1, "views": [{"title": ..., "state": {...}}]}``.
A title is stripped of surrounding spaces and has 1 to 120 characters, none of them control
characters; ``state`` may be left out for the atlas's default view.

Loading
-------
:func:`load_deck` either refuses a file with one :class:`DeckError` whose message says what is
wrong and where, or returns the deck and a list of notices. A file that is not a deck (not JSON,
wrong shape, unknown parameter, a newer version, too large) is refused; *values* this atlas does
not know (a region or route missing from this copy of the data) do not refuse the deck: they
are dropped as :func:`dashboard.state.from_query` drops them from a link, with a notice naming
the view. The states of a loaded deck are normalised (defaults left out, multi-values in display
order), so ``load_deck(dump_deck(deck))`` gives back ``deck`` for any deck loaded or saved here.
"""

from __future__ import annotations

import difflib
import json
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from dashboard import i18n
from dashboard.i18n import _, pgettext
from dashboard.state import BY_NAME, NAMES, Choices, ViewState, current_name, from_query, to_query

CURRENT_VERSION = 1
MAX_BYTES = 1_000_000
MAX_VIEWS = 200
MAX_TITLE = 120
UNDO_DEPTH = 10  # decks kept for Undo; each travels with every deck edit, so a few are enough

# The URL parameters of dashboard/state.py, in the order a saved state lists them.
PARAMETERS: tuple[str, ...] = NAMES


class DeckError(ValueError):
    """A file refused as a deck; ``str(error)`` is a full sentence to show the user."""


@dataclass(frozen=True)
class SavedView:
    """One named view: its title and its URL query parameters (``{"region": "rcm"}``)."""

    title: str
    state: dict[str, str]


@dataclass(frozen=True)
class Deck:
    """A list of saved views, in the order a presenter steps through them."""

    version: int = CURRENT_VERSION
    views: tuple[SavedView, ...] = ()


# --- Parameters and queries --------------------------------------------------------------------


def state_to_params(state: ViewState, choices: Choices) -> dict[str, str]:
    """The URL parameters of ``state`` as a deck stores them: defaults left out, values as strings.

    Parameters
    ----------
    state : ViewState
    choices : Choices

    Returns
    -------
    dict of str to str
        ``{"region": "bali-process~rcm", "type": "protection"}``; empty for the default view.
    """
    parsed = parse_qs(to_query(state, choices).lstrip("?"), keep_blank_values=True)
    return {name: values[-1] for name, values in parsed.items()}


def params_to_query(params: Mapping[str, str]) -> str:
    """The URL query (with a leading ``?``, or empty) for saved parameters, in parameter order."""
    rank = {name: i for i, name in enumerate(PARAMETERS)}
    items = sorted(params.items(), key=lambda item: rank.get(item[0], len(rank)))
    return "?" + urlencode(items, safe="~") if items else ""


def _ordered_params(params: Mapping[str, str]) -> dict[str, str]:
    rank = {name: i for i, name in enumerate(PARAMETERS)}
    return dict(sorted(params.items(), key=lambda item: rank.get(item[0], len(rank))))


# --- Schemas, one per version --------------------------------------------------------------------


def _no_control_characters(text: str) -> str:
    # Cs: a lone surrogate ("\ud800" in JSON) cannot be written back as UTF-8.
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in text):
        raise PydanticCustomError("control_characters", "contains control characters")
    return text


Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE),
    AfterValidator(_no_control_characters),
]


def _known_parameters(state: dict[str, str]) -> dict[str, str]:
    for name in state:
        if current_name(name) is None:  # a former name is still read, as from_query reads it in a link
            close = difflib.get_close_matches(name, PARAMETERS, n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            raise PydanticCustomError(
                "unknown_parameter",
                'unknown parameter "{name}"{hint}',
                {"name": name[:40], "hint": hint, "close": close[0] if close else ""},
            )
    return state


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class _Envelope(BaseModel):
    """What every version shares: the version number (none in version 0)."""

    model_config = ConfigDict(strict=True, extra="allow")
    version: Annotated[StrictInt, Field(ge=0)] = 0


class _SlideV0(_Strict):
    name: Title
    url: str


class _DeckV0(_Strict):
    version: StrictInt = 0
    slides: list[_SlideV0] = Field(max_length=MAX_VIEWS)


class _ViewV1(_Strict):
    title: Title
    state: Annotated[dict[str, str], AfterValidator(_known_parameters)] = Field(default_factory=dict)


class _DeckV1(_Strict):
    version: StrictInt
    views: list[_ViewV1] = Field(max_length=MAX_VIEWS)


# SCHEMAS[v] validates a deck of version v; MIGRATIONS[v] turns a valid version v into v + 1.
SCHEMAS: tuple[type[BaseModel], ...] = (_DeckV0, _DeckV1)


# --- Migrations ----------------------------------------------------------------------------------


def migrate_v0_to_v1(deck: dict[str, Any]) -> dict[str, Any]:
    """Turn the prototype's ``{"slides": [{"name", "url"}]}`` into version 1.

    Each slide's name becomes the title and the query of its address becomes the state. Former
    parameter names (``regions``) take their current names; parameters the atlas never had are
    left out; a parameter given twice keeps its last value, or all of them for multi-valued ones.
    """
    views = []
    for slide in deck["slides"]:
        query = parse_qs(urlsplit(slide["url"]).query, keep_blank_values=True)
        state: dict[str, list[str]] = {}
        for name, values in query.items():
            current = current_name(name)
            if current is not None:
                state.setdefault(current, []).extend(values)
        joined = {name: "~".join(values) if BY_NAME[name].codec.multi else values[-1] for name, values in state.items()}
        views.append({"title": slide["name"], "state": joined})
    return {"version": 1, "views": views}


MIGRATIONS: tuple[Callable[[dict[str, Any]], dict[str, Any]], ...] = (migrate_v0_to_v1,)


# --- Messages ------------------------------------------------------------------------------------


def _json_kind(value: Any) -> str:
    """What a JSON value is, as the messages below name it ("not {kind}")."""
    if isinstance(value, dict):
        return pgettext("a JSON value", "an object")
    if isinstance(value, list):
        return pgettext("a JSON value", "a list")
    if isinstance(value, str):
        return pgettext("a JSON value", "text")
    if isinstance(value, bool):
        return pgettext("a JSON value", "true/false")
    if isinstance(value, int | float):
        return pgettext("a JSON value", "a number")
    return pgettext("a JSON value", "null")


def _number(value: Any) -> str:
    """A whole number read from a file, written the language's way (anything else as it is)."""
    return i18n.integer(value) if type(value) is int else str(value)


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _explain(error: Mapping[str, Any], doc: Mapping[str, Any]) -> str:
    """One sentence for the first problem pydantic found, naming the view (or slide) it is in."""
    loc, kind, value = tuple(error["loc"]), error["type"], error.get("input")
    if not loc or len(loc) == 1:
        field = str(loc[0]) if loc else ""
        if kind == "too_long":
            return _("A deck holds at most {most} views; this one has {count}.").format(
                most=i18n.integer(MAX_VIEWS), count=_number(error["ctx"]["actual_length"])
            )
        if kind == "missing":
            return _('Not a deck: no "{field}" list.').format(field=field)
        if kind == "list_type":
            return _('Not a deck: "{field}" must be a list, not {kind}.').format(field=field, kind=_json_kind(value))
        if kind == "extra_forbidden":
            return _('Not a deck: unknown field "{field}".').format(field=field[:40])
        # pydantic's own words: a case the deck format does not reach today
        return _('Not a deck: "{field}" {problem}.').format(field=field, problem=error["msg"])

    collection, index = str(loc[0]), int(loc[1])
    slides = collection == "slides"
    raw = doc[collection][index]
    named = raw.get("name" if slides else "title") if isinstance(raw, dict) else None
    number = i18n.integer(index + 1)
    if isinstance(named, str) and named.strip() and len(loc) > 2 and loc[2] not in ("title", "name"):
        title = named.strip()[:40]
        where = (_('Slide {number} ("{title}")') if slides else _('View {number} ("{title}")')).format(
            number=number, title=title
        )
    else:
        where = (_("Slide {number}") if slides else _("View {number}")).format(number=number)
    if len(loc) == 2:
        if kind == "model_type":
            template = (
                _("{where}: not an object with a name and a url, but {kind}.")
                if slides
                else _("{where}: not an object with a title and a state, but {kind}.")
            )
            return template.format(where=where, kind=_json_kind(value))
        return f"{where}: {error['msg']}."  # pydantic's own words: no case the format reaches today

    field = str(loc[2])
    if kind == "extra_forbidden":
        return _('{where}: unknown field "{field}".').format(where=where, field=field[:40])
    if kind == "missing":
        missing = {
            "title": _("{where}: the title is missing."),
            "name": _("{where}: the name is missing."),
            "url": _("{where}: the url is missing."),
        }
        return missing.get(field, _('{where}: the field "{field}" is missing.')).format(where=where, field=field)
    if field in ("title", "name"):
        is_title = field == "title"
        messages = {
            "string_type": _("{where}: the title must be text, not {kind}.")
            if is_title
            else _("{where}: the name must be text, not {kind}."),
            "string_too_short": _("{where}: the title is empty.") if is_title else _("{where}: the name is empty."),
            "string_too_long": _("{where}: the title is longer than {most} characters.")
            if is_title
            else _("{where}: the name is longer than {most} characters."),
            "control_characters": _("{where}: the title contains control characters.")
            if is_title
            else _("{where}: the name contains control characters."),
        }
        template = messages.get(kind, "{where}: {problem}.")  # pydantic's own words (as above)
        return template.format(where=where, kind=_json_kind(value), most=i18n.integer(MAX_TITLE), problem=error["msg"])
    if field == "url":
        return _("{where}: the url must be text, not {kind}.").format(where=where, kind=_json_kind(value))
    # field == "state"
    if len(loc) == 4:
        return _('{where}: the value of "{name}" must be text in quotes, not {value}.').format(
            where=where, name=str(loc[3])[:40], value=_shown(value)
        )
    if kind == "dict_type":
        return _("{where}: the state must be an object of parameters, not {kind}.").format(
            where=where, kind=_json_kind(value)
        )
    if kind == "unknown_parameter":
        context = error.get("ctx") or {}
        if context.get("close"):
            return _('{where}: unknown parameter "{name}" (did you mean "{close}"?).').format(
                where=where, name=context.get("name", ""), close=context["close"]
            )
        return _('{where}: unknown parameter "{name}".').format(where=where, name=context.get("name", ""))
    return f"{where}: {error['msg']}."  # pydantic's own words: no case the format reaches today


def _first_error(error: ValidationError, doc: Mapping[str, Any]) -> DeckError:
    # Problems with the deck as a whole first, then views in order.
    def rank(item: Mapping[str, Any]) -> tuple[int, int]:
        loc = item["loc"]
        return (0, 0) if len(loc) < 2 else (1, int(loc[1]))

    return DeckError(_explain(sorted(error.errors(), key=rank)[0], doc))


# --- Loading and saving --------------------------------------------------------------------------


def _parse(text: str | bytes) -> Any:
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise DeckError(
            _("The file is larger than {size} MB: not a deck.").format(size=i18n.integer(MAX_BYTES // 1_000_000))
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DeckError(_("Not a deck: the file is not UTF-8 text.")) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise DeckError(_("Not a deck: the file is empty."))
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as error:
        raise DeckError(
            _("Not a deck: the file is not JSON (line {line}, column {column}).").format(
                line=i18n.integer(error.lineno), column=i18n.integer(error.colno)
            )
        ) from None
    except RecursionError:
        raise DeckError(_("Not a deck: the file is nested too deeply.")) from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise DeckError(_("Not a deck: it holds a number too long to read.")) from None
    try:
        # A lone surrogate ("\ud800" in JSON) is text no file or page can hold.
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise DeckError(_("Not a deck: it holds text that is not valid Unicode (a lone surrogate).")) from None
    return doc


def _version(doc: Any) -> int:
    if not isinstance(doc, dict):
        raise DeckError(
            _('Not a deck: the file holds {kind}, not an object with "version" and "views".').format(
                kind=_json_kind(doc)
            )
        )
    try:
        version = _Envelope.model_validate(doc).version
    except ValidationError as error:
        kind = error.errors()[0]["type"]
        if kind == "greater_than_equal":
            raise DeckError(
                _("Not a deck: there is no deck version {version}.").format(version=_number(doc["version"]))
            ) from None
        raise DeckError(
            _("Not a deck: the version must be a whole number, not {value}.").format(value=_shown(doc["version"]))
        ) from None
    if version > CURRENT_VERSION:
        raise DeckError(
            _("This deck is version {version}; this atlas reads decks up to version {current}.").format(
                version=i18n.integer(version), current=i18n.integer(CURRENT_VERSION)
            )
        )
    if "version" not in doc and "slides" not in doc:
        # Version 0 is recognised by its slides; anything else without a version is no deck.
        raise DeckError(
            _('Not a deck: no "version" number.')
            if "views" in doc
            else _('Not a deck: no "{field}" list.').format(field="views")
        )
    return version


_Model = TypeVar("_Model", bound=BaseModel)


def _validate(schema: type[_Model], doc: dict[str, Any]) -> _Model:
    try:
        return schema.model_validate(doc)
    except ValidationError as error:
        raise _first_error(error, doc) from None


def load_deck(text: str | bytes, choices: Choices) -> tuple[Deck, list[str]]:
    """Read a deck file, migrating older versions, or refuse it with one clear message.

    Parameters
    ----------
    text : str or bytes
        The file's contents (bytes are read as UTF-8).
    choices : Choices
        What this atlas can show; a view's values are checked against it.

    Returns
    -------
    (Deck, list of str)
        The deck in the current version, its states normalised, and one notice (naming the
        view) for each value this atlas does not know and left out. The notices are empty for
        a deck made from this atlas's data.

    Raises
    ------
    DeckError
        If the file is not a deck this atlas can read; the message says what and where.
    """
    doc = _parse(text)
    for step in range(_version(doc), CURRENT_VERSION):
        _validate(SCHEMAS[step], doc)
        try:
            doc = MIGRATIONS[step](doc)
        except ValueError as error:  # an address urlsplit cannot read ("http://[::1")
            raise DeckError(_("Not a deck: an address in it does not read ({error}).").format(error=error)) from None
    model = _validate(_DeckV1, doc)

    views: list[SavedView] = []
    notices: list[str] = []
    for number, view in enumerate(model.views, start=1):
        state, dropped = from_query(params_to_query(view.state), choices)
        notices += [
            _('View {number} ("{title}"): {notice}').format(
                number=i18n.integer(number), title=view.title[:40], notice=notice
            )
            for notice in dropped
        ]
        views.append(SavedView(title=view.title, state=state_to_params(state, choices)))
    return Deck(version=CURRENT_VERSION, views=tuple(views)), notices


def dump_deck(deck: Deck) -> str:
    """The deck as stable, readable JSON (version first, parameters in order), ending in a newline.

    Raises
    ------
    ValueError
        If ``deck.version`` is not :data:`CURRENT_VERSION` (only the current format is written).
    """
    if deck.version != CURRENT_VERSION:
        raise ValueError(f"dump_deck writes version {CURRENT_VERSION} decks, not version {deck.version}")
    doc = {
        "version": deck.version,
        "views": [{"title": view.title, "state": _ordered_params(view.state)} for view in deck.views],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def clean_title(text: str | None, fallback: str) -> str:
    """A title a deck accepts, made from what the user typed: spaces for control characters,
    stripped, at most 120 characters; ``fallback`` if nothing is left.
    """
    cleaned = "".join(" " if unicodedata.category(char) in ("Cc", "Cs") else char for char in text or "")
    return cleaned.strip()[:MAX_TITLE].strip() or fallback


# --- Editing ------------------------------------------------------------------------------------
# Each edit takes a deck and gives a new one; a view is named by its position (0 for the first).
# Positions come from the page, which may be stale or crafted: one out of range raises IndexError.


def _at(deck: Deck, index: int) -> SavedView:
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(deck.views):
        raise IndexError(f"no view at position {index!r} in a deck of {len(deck.views)}")
    return deck.views[index]


def add_view(deck: Deck, view: SavedView) -> Deck:
    """``deck`` with ``view`` added at the end.

    Raises
    ------
    DeckError
        If the deck already holds :data:`MAX_VIEWS` views (a longer one would not load again).
    """
    if len(deck.views) >= MAX_VIEWS:
        raise DeckError(
            _("A deck holds at most {most} views: delete one before saving another.").format(
                most=i18n.integer(MAX_VIEWS)
            )
        )
    return replace(deck, views=(*deck.views, view))


def rename_view(deck: Deck, index: int, title: str | None) -> Deck:
    """``deck`` with view ``index`` titled ``title`` (cleaned as :func:`clean_title`; empty keeps the old one)."""
    view = _at(deck, index)
    views = list(deck.views)
    views[index] = replace(view, title=clean_title(title, view.title))
    return replace(deck, views=tuple(views))


def move_view(deck: Deck, index: int, offset: int) -> Deck:
    """``deck`` with view ``index`` moved ``offset`` places (-1 up, 1 down), stopping at either end."""
    view = _at(deck, index)
    target = min(max(index + offset, 0), len(deck.views) - 1)
    views = [v for i, v in enumerate(deck.views) if i != index]
    views.insert(target, view)
    return replace(deck, views=tuple(views))


def delete_view(deck: Deck, index: int) -> Deck:
    """``deck`` without view ``index``."""
    _at(deck, index)
    return replace(deck, views=deck.views[:index] + deck.views[index + 1 :])


def index_after_move(current: int, index: int, offset: int, count: int) -> int:
    """Where the view shown (at ``current``; -1 for none) is after view ``index`` moved ``offset`` places."""
    if not 0 <= current < count:
        return -1
    target = min(max(index + offset, 0), count - 1)
    if current == index:
        return target
    if index < current <= target:
        return current - 1
    if target <= current < index:
        return current + 1
    return current


def index_after_delete(current: int, index: int) -> int:
    """Where the view shown (at ``current``) is after view ``index`` is deleted; -1 if it was that one."""
    if current == index or current < 0:
        return -1
    return current - 1 if current > index else current


def remember(history: Sequence[Deck], deck: Deck) -> tuple[Deck, ...]:
    """The undo history with ``deck`` (the deck before a change) added; the oldest go past :data:`UNDO_DEPTH`."""
    return (*history, deck)[-UNDO_DEPTH:]


def undo(history: Sequence[Deck]) -> tuple[Deck, tuple[Deck, ...]]:
    """The deck before the last change, and the history without it.

    Raises
    ------
    IndexError
        If there is nothing to undo.
    """
    if not history:
        raise IndexError("nothing to undo")
    return history[-1], tuple(history[:-1])


def example_deck_path() -> Path:
    """The example deck shipped with the app, built from the fact sheet's programs and routes."""
    return Path(__file__).with_name("decks") / "fact-sheet.json"
