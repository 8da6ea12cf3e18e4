"""The view state and its URL form, as a pure, tested pair.

``to_query(state, choices)`` leaves defaults out and joins several values with ``~``
(``?region=bali-process~rcm&type=protection``); ``from_query(query, choices)`` accepts anything,
keeps what it understands and returns a notice for each value it had to drop. Old parameter
names and values go through ordered migrations first, so that shared links keep working.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

MULTI_SEPARATORS = ("~", ",")

# Renamed query parameters, oldest first: (old name, new name).
PARAM_MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("regions", "region"),
    ("types", "type"),
    ("forms", "form"),
)
# Short or former slugs for values: parameter -> {old: new}.
VALUE_MIGRATIONS: dict[str, dict[str, str]] = {
    "region": {"bali": "bali-process", "puebla-process": "rcm"},
}


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


def default_state(choices: Choices) -> ViewState:
    return ViewState(
        indicator=choices.default_indicator,
        year=choices.latest_year(choices.default_indicator),
        layers=_ordered(choices.default_layers or choices.layers, choices.layers),
    )


def _ordered(values: Iterable[str], allowed: Sequence[str]) -> tuple[str, ...]:
    wanted = set(values)
    return tuple(v for v in allowed if v in wanted)


def normalise(state: ViewState, choices: Choices) -> ViewState:
    """Put multi-values in display order without duplicates (one state, one URL, one cache key)."""
    return replace(
        state,
        regions=_ordered(state.regions, choices.regions),
        types=_ordered(state.types, choices.types),
        forms=_ordered(state.forms, choices.forms),
        layers=_ordered(state.layers, choices.layers),
        datasets=_shown_datasets(state.datasets, choices),
    )


def _shown_datasets(values: Iterable[str], choices: Choices) -> tuple[str, ...]:
    """The datasets shown, in the atlas's order; every one of them is the same as "all" (``()``),
    and ``("none",)`` hides them all."""
    values = list(values)
    if values == ["none"]:
        return ("none",)
    shown = _ordered(values, choices.datasets)
    return () if len(shown) == len(choices.datasets) else shown


def to_query(state: ViewState, choices: Choices) -> str:
    """The URL query (with a leading ``?``, or empty) for ``state``, defaults left out."""
    state = normalise(state, choices)
    default = default_state(choices)
    params: list[tuple[str, str]] = []
    for name, values in (("region", state.regions), ("type", state.types), ("form", state.forms)):
        if values:
            params.append((name, "~".join(values)))
    if state.indicator != default.indicator:
        params.append(("indicator", state.indicator))
    if state.year != choices.latest_year(state.indicator):
        params.append(("year", str(state.year)))
    if state.layers != default.layers:
        params.append(("layers", "~".join(state.layers) or "none"))
    if state.country:
        params.append(("country", state.country))
    if state.select:
        params.append(("select", state.select))
    if state.datasets:
        params.append(("datasets", "~".join(state.datasets)))
    return "?" + urlencode(params, safe="~") if params else ""


PARAMS = ("region", "type", "form", "indicator", "year", "layers", "country", "select", "datasets")


def _known(params: dict[str, list[str]], notices: list[str], quiet: bool = False) -> dict[str, list[str]]:
    """The parameters this atlas reads, names in lower case (``Region`` is ``region``); any other
    is left out with a notice (``quiet``: kept, for a later pass after the old names' migration)."""
    known = {name for name in PARAMS} | {old for old, _ in PARAM_MIGRATIONS}
    out: dict[str, list[str]] = {}
    for name, values in params.items():
        lowered = name.strip().lower()
        if lowered in known:
            out.setdefault(lowered, []).extend(values)
        elif quiet:
            out[name] = list(values)
        else:
            notices.append(f"Unknown parameter {name[:40]!r} ignored.")
    return out


def _migrate(params: dict[str, list[str]]) -> dict[str, list[str]]:
    for old, new in PARAM_MIGRATIONS:
        if old in params:
            params.setdefault(new, []).extend(params.pop(old))
    for name, renames in VALUE_MIGRATIONS.items():
        if name in params:
            params[name] = [renames.get(v, v) for v in _split(params[name])]
    return params


def _split(raw: Iterable[str]) -> list[str]:
    values: list[str] = []
    for item in raw:
        for sep in MULTI_SEPARATORS[1:]:
            item = item.replace(sep, MULTI_SEPARATORS[0])
        values += [v.strip().lower() for v in item.split(MULTI_SEPARATORS[0]) if v.strip()]
    return values


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
    params = _known(_migrate(_known(params, notices, quiet=True)), notices)
    state = default_state(choices)

    def pick(name: str, allowed: Sequence[str], what: str) -> tuple[str, ...]:
        values = _split(params.get(name, []))
        unknown = [v for v in values if v not in allowed]
        if unknown:
            notices.append(f"Unknown {what} {', '.join(repr(v[:40]) for v in unknown)} ignored.")
        return _ordered(values, allowed)

    regions = pick("region", choices.regions, "region")
    types = pick("type", choices.types, "program type")
    forms = pick("form", choices.forms, "form of exploitation")

    indicator = state.indicator
    if "indicator" in params:
        asked = params["indicator"][-1].strip().lower()
        if asked in choices.indicator_years:
            indicator = asked
        else:
            notices.append(f"Unknown indicator {asked[:40]!r}: showing {indicator}.")
    years = choices.indicator_years[indicator]
    year = choices.latest_year(indicator)
    if "year" in params:
        asked = params["year"][-1].strip()
        if re.fullmatch(r"[0-9]{1,4}", asked) and int(asked) in years:  # not str.isdigit: "²" is a digit
            year = int(asked)
        else:
            notices.append(f"No {indicator} data for year {asked[:10]!r}: showing {year}.")

    layers = state.layers
    if "layers" in params:
        raw = _split(params["layers"])
        # Only "none" switches every layer off; a value with no known layer leaves the default.
        layers = () if raw == ["none"] else pick("layers", choices.layers, "layer") or state.layers

    country = ""
    if "country" in params:
        asked = params["country"][-1].strip().upper()
        if asked in choices.countries:
            country = asked
        elif asked:
            notices.append(f"Unknown country code {asked[:10]!r}: no profile opened.")
    select = ""
    if "select" in params:
        asked = params["select"][-1].strip()  # ids are free text: case matters
        if asked in choices.selectable:
            select = asked
        elif asked:
            notices.append(f"Nothing called {asked[:40]!r} to highlight.")

    datasets: tuple[str, ...] = ()
    if "datasets" in params:
        if _split(params["datasets"]) == ["none"]:
            datasets = ("none",)
        else:
            datasets = _shown_datasets(pick("datasets", choices.datasets, "dataset"), choices)

    return ViewState(indicator, year, regions, types, forms, layers, country, select, datasets), notices
