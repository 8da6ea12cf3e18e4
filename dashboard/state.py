"""The view state and its URL form, as a pure, tested pair.

``to_query(state, choices)`` leaves defaults out and joins several values with ``~``
(``?region=bali-process~rcm&type=protection``); ``from_query(query, choices)`` accepts anything,
keeps what it understands and returns a notice for each value it had to drop. Old parameter
names and values go through ordered migrations first, so that shared links keep working.

Each field of :class:`ViewState` is declared once, in :data:`PARAMETERS`: its URL name, how its
value is written (its :class:`Codec`), its default, its allowed values and its notice. The URL,
the deck format (:mod:`dashboard.deck`), the controls (:mod:`dashboard.callbacks.view`) and the
cache keys (:meth:`ViewState.key`) are all derived from that list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, urlencode

from dashboard.i18n import DEFAULT as DEFAULT_LANGUAGE
from dashboard.i18n import LANGUAGES, N_, gettext

MULTI_SEPARATORS = ("~", ",")
FLOW_TOPS = ("10", "25", "50", "100", "all")  # how many counted flows a view can draw ("all": every one)


@dataclass(frozen=True)
class Choices:
    """What a view can be made of, in display order (read from the loaded atlas)."""

    regions: Sequence[str]
    types: Sequence[str]
    forms: Sequence[str]
    layers: Sequence[str]
    indicator_years: Mapping[str, Sequence[int]]
    default_indicator: str
    default_layers: Sequence[str] = ()
    countries: Sequence[str] = ()  # ISO3 codes a profile can be opened for
    selectable: Sequence[str] = ()  # "program:<program_id>" and "route:<route_id>"
    datasets: Sequence[str] = ()  # "bundled" and the slug of each imported dataset

    def latest_year(self, indicator: str) -> int:
        return max(self.indicator_years[indicator])


@dataclass(frozen=True)
class ViewState:
    """One view of the atlas. Empty ``regions``/``types``/``forms`` mean "all"."""

    indicator: str
    year: int
    regions: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    layers: tuple[str, ...] = field(default_factory=tuple)
    country: str = ""  # ISO3 of the country whose profile is open, or ""
    select: str = ""  # the program site or route highlighted on the map and in the table, or ""
    datasets: tuple[str, ...] = ()  # the datasets shown; empty: all of them
    flows: str = "50"  # how many counted flows are drawn, strongest first ("all": every one)
    flowscale: str = "country"  # counted flows between countries, or between UN sub-regions
    flowcountry: str = ""  # only the flows into or out of this country (ISO3), or ""
    flowdir: str = "both"  # with flowcountry: flows "in" to it, "out" of it, or "both"
    flowfrom: str = ""  # only the flows out of this region or dialogue (a ``regions`` key), or ""
    flowto: str = ""  # only the flows into this region or dialogue (a ``regions`` key), or ""
    flowyears: tuple[int, ...] = ()  # (first, last): counted flows summed over those years; (): the view's year
    lang: str = DEFAULT_LANGUAGE  # the language of the atlas's own words (dashboard.i18n)

    def key(self, fields: Iterable[str]) -> str:
        """``fields`` of this state as a cache key, each value written as its parameter's codec writes it.

        Equal states give equal keys and states that differ in one of ``fields`` different ones
        (``regions=bali-process~rcm&year=2007``).
        """
        return urlencode([(name, FIELDS[name].codec.encode(getattr(self, name))) for name in fields], safe="~")


# --- Codecs: how one parameter's value is written in a URL and read back -------------------------


def _ordered(values: Iterable[str], allowed: Sequence[str]) -> tuple[str, ...]:
    wanted = set(values)
    return tuple(v for v in allowed if v in wanted)


def _split(raw: Iterable[str]) -> list[str]:
    values: list[str] = []
    for item in raw:
        for sep in MULTI_SEPARATORS[1:]:
            item = item.replace(sep, MULTI_SEPARATORS[0])
        values += [v.strip().lower() for v in item.split(MULTI_SEPARATORS[0]) if v.strip()]
    return values


class Codec:
    """How a parameter's value is written in a URL, read back from one, and shown by its control."""

    multi = False

    def encode(self, value: Any) -> str:
        return str(value)

    def decode(self, raw: Sequence[str], allowed: Sequence[Any]) -> tuple[Any, list[str]]:
        """The value in the URL's values ``raw`` (``None``: none understood, the default stands),
        and the values dropped as unknown (for the notice)."""
        raise NotImplementedError

    def normal(self, value: Any, allowed: Sequence[Any]) -> Any:
        """The one form of ``value`` (one state, one URL, one cache key)."""
        return value

    def from_control(self, value: Any) -> list[str]:
        """The URL values for what a control holds (``None``: nothing, the default)."""
        return [] if value is None else [str(value)]

    def to_control(self, value: Any, allowed: Sequence[Any]) -> Any:
        """What the parameter's control holds for ``value``."""
        return value


@dataclass(frozen=True)
class Multi(Codec):
    """Several values joined with ``~`` (or ``,``), in display order; none of them is the default.

    ``none`` is what a lone ``none`` reads as (``None``: it is a value like any other), and
    ``every_is_default``: every allowed value at once is written as the default, ``()``.
    """

    none: tuple[str, ...] | None = None
    every_is_default: bool = False
    multi = True

    def encode(self, value: Any) -> str:
        return "none" if self.none is not None and value == self.none else "~".join(value)

    def decode(self, raw: Sequence[str], allowed: Sequence[Any]) -> tuple[Any, list[str]]:
        values = _split(raw)
        if self.none is not None and values == ["none"]:
            return self.none, []
        # A value with nothing understood leaves the default (it says so in its notice).
        return self.normal(values, allowed) or None, [v for v in values if v not in allowed]

    def normal(self, value: Any, allowed: Sequence[Any]) -> Any:
        if self.none is not None and tuple(value) == self.none:
            return self.none
        shown = _ordered(value, allowed)
        return () if self.every_is_default and len(shown) == len(allowed) else shown

    def from_control(self, value: Any) -> list[str]:
        if value is None:
            return []
        # An empty control means none of them where "none" says so, else the default.
        return [str(v) for v in value] or (["none"] if self.none is not None else [])

    def to_control(self, value: Any, allowed: Sequence[Any]) -> Any:
        if self.none is not None and value == self.none:
            return []
        return list(allowed if self.every_is_default and not value else value)


@dataclass(frozen=True)
class Single(Codec):
    """One value, the last given, in ``case`` ("lower", "upper", or "kept": an id is free text and
    its case matters); ``quiet_blank``: an empty value is the default, without a notice."""

    case: str = "lower"
    quiet_blank: bool = False

    def decode(self, raw: Sequence[str], allowed: Sequence[Any]) -> tuple[Any, list[str]]:
        asked = raw[-1].strip()
        asked = asked.lower() if self.case == "lower" else asked.upper() if self.case == "upper" else asked
        if asked in allowed:
            return asked, []
        return None, [asked] if asked or not self.quiet_blank else []

    def to_control(self, value: Any, allowed: Sequence[Any]) -> Any:
        return value or None


class Year(Codec):
    """A year, written in digits: the last one given."""

    def decode(self, raw: Sequence[str], allowed: Sequence[Any]) -> tuple[Any, list[str]]:
        asked = raw[-1].strip()
        if re.fullmatch(r"[0-9]{1,4}", asked) and int(asked) in allowed:  # not str.isdigit: "²" is a digit
            return int(asked), []
        return None, [asked]


class YearSpans(Sequence[tuple[int, int]]):
    """Every range of years ``(first, last)`` with ``lower <= first <= last <= upper``, in order,
    as a sequence (what :class:`YearRange` allows), without holding them."""

    def __init__(self, lower: int, upper: int) -> None:
        self.lower, self.upper = lower, upper

    def __len__(self) -> int:
        n = self.upper - self.lower + 1
        return n * (n + 1) // 2

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        first = self.lower
        while index > self.upper - first:  # each first year holds the ranges to every later year
            index -= self.upper - first + 1
            first += 1
        return (first, first + index)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        for first in range(self.lower, self.upper + 1):
            for last in range(first, self.upper + 1):
                yield (first, last)

    def __contains__(self, value: object) -> bool:
        return (
            isinstance(value, tuple)
            and len(value) == 2
            and all(isinstance(year, int) for year in value)
            and self.lower <= value[0] <= value[1] <= self.upper
        )


class YearRange(Codec):
    """A range of years, ``2015-2019`` (``2015..2019`` and ``2015–2019`` read too; one year,
    ``2015``, is a range of one): the last one given, read as ``(first, last)``, in order."""

    def encode(self, value: Any) -> str:
        if not value:
            return ""
        first, last = value
        return str(first) if first == last else f"{first}-{last}"

    def decode(self, raw: Sequence[str], allowed: Sequence[Any]) -> tuple[Any, list[str]]:
        asked = raw[-1].strip()
        if not asked:
            return None, []
        found = re.fullmatch(r"([0-9]{4})(?:\s*(?:-|–|\.\.|:)\s*([0-9]{4}))?", asked)
        if found:
            years = sorted(int(y) for y in found.groups() if y is not None)
            if (years[0], years[-1]) in allowed:
                return (years[0], years[-1]), []
        return None, [asked]

    def from_control(self, value: Any) -> list[str]:
        # A text box holds the range as the URL writes it (a range slider, [first, last]); empty: the view's year.
        if isinstance(value, list | tuple) and len(value) == 2:
            return [f"{value[0]}-{value[1]}"]
        return [] if value is None or not str(value).strip() else [str(value)]

    def to_control(self, value: Any, allowed: Sequence[Any]) -> Any:
        return self.encode(value) or None


# --- The parameters ------------------------------------------------------------------------------

# Of the choices and the fields decoded so far (a parameter comes after those it depends on).
Rule = Callable[[Choices, Mapping[str, Any]], Any]


def _always(value: Any) -> Rule:
    return lambda choices, fields: value


@dataclass(frozen=True)
class Param:
    """One view parameter: a field of :class:`ViewState` and how the URL and a control hold it.

    ``notice`` is the sentence for a value dropped as unknown, formatted with ``value`` (the
    dropped values quoted, each cut to ``cut`` characters), ``default`` (what stands instead)
    and the fields decoded before it. ``control`` is the id of the control that sets it, if any.
    """

    field: str
    name: str
    codec: Codec
    allowed: Rule
    notice: str
    default: Rule = _always(())
    cut: int = 40
    control: str | None = None


# In URL order: a parameter's allowed values and default may depend on those before it.
PARAMETERS: tuple[Param, ...] = (
    Param(
        "regions", "region", Multi(), lambda c, f: c.regions, N_("Unknown region {value} ignored."), control="region"
    ),
    Param("types", "type", Multi(), lambda c, f: c.types, N_("Unknown program type {value} ignored."), control="type"),
    Param(
        "forms",
        "form",
        Multi(),
        lambda c, f: c.forms,
        N_("Unknown form of exploitation {value} ignored."),
        control="form",
    ),
    Param(
        "indicator",
        "indicator",
        Single(),
        lambda c, f: tuple(c.indicator_years),
        N_("Unknown indicator {value}: showing {default}."),
        default=lambda c, f: c.default_indicator,
        control="indicator",
    ),
    Param(
        "year",
        "year",
        Year(),
        lambda c, f: c.indicator_years.get(f["indicator"], ()),
        N_("No {indicator} data for year {value}: showing {default}."),
        default=lambda c, f: c.latest_year(f["indicator"]),
        cut=10,
        control="year",
    ),
    Param(
        "layers",
        "layers",
        Multi(none=()),  # only "none" switches every layer off
        lambda c, f: c.layers,
        N_("Unknown layer {value} ignored."),
        default=lambda c, f: _ordered(c.default_layers or c.layers, c.layers),
        control="layers",
    ),
    Param(
        "country",
        "country",
        Single(case="upper", quiet_blank=True),
        lambda c, f: c.countries,
        N_("Unknown country code {value}: no profile opened."),
        default=_always(""),
        cut=10,
        control="country",
    ),
    Param(
        "select",
        "select",
        Single(case="kept", quiet_blank=True),
        lambda c, f: c.selectable,
        N_("Nothing called {value} to highlight."),
        default=_always(""),
    ),
    Param(
        "datasets",
        "datasets",
        Multi(none=("none",), every_is_default=True),
        lambda c, f: c.datasets,
        N_("Unknown dataset {value} ignored."),
        control="datasets",
    ),
    # Counted flows (dashboard.flows): how many are drawn, at what scale, into or out of which country.
    Param(
        "flows",
        "flows",
        Single(),
        _always(FLOW_TOPS),
        N_("Unknown number of flows {value}: drawing the strongest {default}."),
        default=_always("50"),
        cut=10,
        control="flows",
    ),
    Param(
        "flowscale",
        "flowscale",
        Single(),
        _always(("country", "subregion")),
        N_("Unknown flow scale {value}: flows between countries."),
        default=_always("country"),
        cut=20,
        control="flowscale",
    ),
    Param(
        "flowcountry",
        "flowcountry",
        Single(case="upper", quiet_blank=True),
        lambda c, f: c.countries,
        N_("Unknown country code {value}: flows of every country shown."),
        default=_always(""),
        cut=10,
        control="flowcountry",
    ),
    Param(
        "flowdir",
        "flowdir",
        Single(),
        _always(("both", "in", "out")),
        N_("Unknown flow direction {value}: flows both ways."),
        default=_always("both"),
        cut=10,
        control="flowdir",
    ),
    # Flows between regions A and B: from A (``flowfrom=``), to B (``flowto=``), or from A to B.
    Param(
        "flowfrom",
        "flowfrom",
        Single(quiet_blank=True),
        lambda c, f: c.regions,
        N_("Unknown region {value}: flows from every region shown."),
        default=_always(""),
        cut=40,
        control="flowfrom",
    ),
    Param(
        "flowto",
        "flowto",
        Single(quiet_blank=True),
        lambda c, f: c.regions,
        N_("Unknown region {value}: flows to every region shown."),
        default=_always(""),
        cut=40,
        control="flowto",
    ),
    Param(
        "flowyears",
        "flowyears",
        YearRange(),
        _always(YearSpans(1900, 2100)),
        N_("Unknown range of years {value}: flows counted in {year} shown."),
        default=_always(()),
        cut=20,
        control="flowyears",
    ),
    # No control of its own in the view: the picker reloads the page in the language chosen. An
    # unknown one leaves the page in the browser's language (dashboard.i18n.request_language),
    # which need not be English.
    Param(
        "lang",
        "lang",
        Single(),
        _always(tuple(LANGUAGES)),
        N_("Unknown language {value} ignored."),
        default=_always(DEFAULT_LANGUAGE),
        cut=10,
    ),
)
NAMES: tuple[str, ...] = tuple(param.name for param in PARAMETERS)
BY_NAME: dict[str, Param] = {param.name: param for param in PARAMETERS}
FIELDS: dict[str, Param] = {param.field: param for param in PARAMETERS}
CONTROLLED: tuple[Param, ...] = tuple(param for param in PARAMETERS if param.control)


# --- URL migrations ------------------------------------------------------------------------------

# A change of the URL's parameters (names, values or meaning), as a function of the parsed query.
Migration = Callable[[dict[str, list[str]]], dict[str, list[str]]]


def renamed(old: str, new: str) -> Migration:
    """The migration for parameter ``old`` now called ``new`` (values given under both are kept)."""

    def migrate(params: dict[str, list[str]]) -> dict[str, list[str]]:
        if old not in params:
            return params
        out = {name: values for name, values in params.items() if name != old}
        out[new] = [*out.get(new, []), *params[old]]
        return out

    migrate.__doc__ = f"?{old}= is now ?{new}=."
    return migrate


def values_renamed(name: str, renames: Mapping[str, str]) -> Migration:
    """The migration for values of parameter ``name`` that have new slugs (``{old: new}``)."""

    def migrate(params: dict[str, list[str]]) -> dict[str, list[str]]:
        if name not in params:
            return params
        return {**params, name: [renames.get(value, value) for value in _split(params[name])]}

    migrate.__doc__ = f"Values of ?{name}= renamed: {dict(renames)}."
    return migrate


# Oldest first, each applied to the result of the one before, as owid-grapher's GrapherUrlMigrations.
URL_MIGRATIONS: tuple[Migration, ...] = (
    renamed("regions", "region"),
    renamed("types", "type"),
    renamed("forms", "form"),
    values_renamed("region", {"bali": "bali-process", "puebla-process": "rcm"}),
)


def migrate(params: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The parsed query ``params`` after every migration of :data:`URL_MIGRATIONS`, in order."""
    out = {name: list(values) for name, values in params.items()}
    for step in URL_MIGRATIONS:
        out = step(out)
    return out


def current_name(name: str) -> str | None:
    """The parameter ``name`` stands for today (``regions`` -> ``region``), or ``None`` if none."""
    if name in BY_NAME:
        return name
    names = list(migrate({name: []}))
    return names[0] if names != [name] and len(names) == 1 and names[0] in BY_NAME else None


# --- The state and its URL -----------------------------------------------------------------------


def default_state(choices: Choices) -> ViewState:
    fields: dict[str, Any] = {}
    for param in PARAMETERS:
        fields[param.field] = param.default(choices, fields)
    return ViewState(**fields)


def normalise(state: ViewState, choices: Choices) -> ViewState:
    """Put multi-values in display order without duplicates (one state, one URL, one cache key)."""
    fields = vars(state)
    return replace(
        state,
        **{p.field: p.codec.normal(fields[p.field], p.allowed(choices, fields)) for p in PARAMETERS if p.codec.multi},
    )


def to_query(state: ViewState, choices: Choices) -> str:
    """The URL query (with a leading ``?``, or empty) for ``state``, defaults left out."""
    fields = vars(normalise(state, choices))
    params = [
        (param.name, param.codec.encode(fields[param.field]))
        for param in PARAMETERS
        if fields[param.field] != param.default(choices, fields)
    ]
    return "?" + urlencode(params, safe="~") if params else ""


def _lowered(params: dict[str, list[str]], notices: list[str], quiet: bool = False) -> dict[str, list[str]]:
    """The parameters this atlas reads, names in lower case (``Region`` is ``region``); any other
    is left out with a notice (``quiet``: kept, for a later pass after the old names' migration)."""
    out: dict[str, list[str]] = {}
    for name, values in params.items():
        lowered = name.strip().lower()
        if current_name(lowered) is not None:
            out.setdefault(lowered, []).extend(values)
        elif quiet:
            out[name] = list(values)
        else:
            notices.append(gettext("Unknown parameter {name} ignored.").format(name=repr(name[:40])))
    return out


def from_query(query: str | Mapping[str, Sequence[str]], choices: Choices) -> tuple[ViewState, list[str]]:
    """Parse a URL query into a state, tolerating junk.

    Parameters
    ----------
    query : str or mapping
        ``"?region=rcm&type=protection"`` (leading ``?`` optional), or parsed parameters.
    choices : Choices

    Returns
    -------
    (ViewState, list of str)
        The state, and one readable notice for each value that was unknown or malformed and
        fell back to its default. Never raises.
    """
    if isinstance(query, str):
        params = parse_qs(query.lstrip("?"), keep_blank_values=True)
    else:
        params = {k: list(v) if not isinstance(v, str) else [v] for k, v in query.items()}
    notices: list[str] = []
    params = _lowered(migrate(_lowered(params, notices, quiet=True)), notices)
    fields: dict[str, Any] = {}
    for param in PARAMETERS:
        default = param.default(choices, fields)
        raw = params.get(param.name)
        value, dropped = param.codec.decode(raw, param.allowed(choices, fields)) if raw else (None, [])
        if dropped:
            shown = ", ".join(repr(v[: param.cut]) for v in dropped)
            notices.append(gettext(param.notice).format(value=shown, default=default, **fields))
        fields[param.field] = default if value is None else value
    return ViewState(**fields), notices
