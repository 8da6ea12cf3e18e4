"""Map layers: one module each, one contract, one registry.

A layer owns everything about itself: the table columns it needs (checked when the atlas is
loaded), the view-state fields it reads, what it pre-computes from the data (kept with the atlas
by :func:`dashboard.derived.derived`), its plotly traces (from which the key beside the map is
drawn), its drawing in the HTML export, its rows in the tables under the map, its clause of the
sentence above the map, and the sources it cites. The figure, the key, the sources list, the
tables, the summary sentence and every export iterate the registry, so a new layer is one new
module, listed in :func:`_registry` (or added with :func:`register`).

Traces are plain dicts: the figure is built on every filter change and skipping plotly's
validation keeps that fast. The registry's order is the drawing order, bottom to top.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from dashboard import i18n
from dashboard.derived import derived
from dashboard.i18n import N_
from dashboard.state import ViewState
from dashboard.view import View, columns_of
from geodata import Atlas, Problem
from geodata.problems import Message

if TYPE_CHECKING:
    from dashboard.exports.canvas import Canvas


@dataclass(frozen=True)
class Facts:
    """What every layer and renderer reads of one atlas besides its tables: country names (escaped
    for plotly.js, and as in the data), the points the map draws countries at, sub-regions, short
    citations, and the suppression threshold. Made once per atlas and threshold (:func:`facts_of`)."""

    threshold: int
    names: Mapping[str, str]  # HTML-escaped, by ISO3, in the language of the request
    raw_names: Mapping[str, str]  # not escaped, in the language of the request
    label_points: Mapping[str, tuple[float, float]]  # (lon, lat) of each country the map can draw at
    subregions: Mapping[str, str]  # HTML-escaped M49 sub-region, by ISO3, in the language of the request
    sources: pd.DataFrame = field(repr=False, compare=False)
    _citations: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def cite(self, cell: str) -> str:
        """HTML-escaped short citation of a ``;``-separated source cell."""
        from dashboard.formatting import cite, esc

        if cell not in self._citations:
            self._citations[cell] = esc(cite(self.sources, cell))
        return self._citations[cell]


class CountryNames(Mapping[str, str]):
    """Country names by ISO3 in the language of the request (CLDR's, else the data's), each
    written by ``write`` (escaped for plotly.js, or as it is); made once per language."""

    def __init__(self, as_in_data: Mapping[str, str], write: Callable[[str], str]) -> None:
        self._as_in_data = as_in_data
        self._write = write
        self._by_language: dict[str, dict[str, str]] = {}

    def _names(self) -> dict[str, str]:
        language = i18n.lang()
        names = self._by_language.get(language)
        if names is None:
            names = {iso3: self._write(i18n.country_name(iso3, name)) for iso3, name in self._as_in_data.items()}
            self._by_language[language] = names
        return names

    def __getitem__(self, iso3: str) -> str:
        return self._names()[iso3]

    def __iter__(self) -> Iterator[str]:
        return iter(self._as_in_data)

    def __len__(self) -> int:
        return len(self._as_in_data)


# M49 sub-regions as the data names them -> their M49 code, where CLDR's English name differs.
def facts_of(atlas: Atlas, threshold: int = 11) -> Facts:
    """The :class:`Facts` of ``atlas`` (made once per atlas and threshold)."""
    from dashboard.formatting import esc, region_name

    def make() -> Facts:
        countries = atlas.countries
        as_in_data = {str(iso3): str(name) for iso3, name in countries["name"].items()}
        drawn = countries.dropna(subset=["label_lon", "label_lat"])
        return Facts(
            threshold=threshold,
            names=CountryNames(as_in_data, esc),
            raw_names=CountryNames(as_in_data, str),
            label_points={
                str(iso3): (float(x), float(y))
                for iso3, x, y in zip(drawn.index, drawn["label_lon"], drawn["label_lat"], strict=True)
            },
            subregions={
                str(iso3): esc(region_name(str(name))) for iso3, name in countries["un_subregion"].dropna().items()
            },
            sources=atlas.sources,
        )

    return derived(atlas, ("facts", threshold), make)


Trace = dict[str, object]

# Up to this many rows, the program and route layers draw every row of the atlas, a row out of view
# keeping its place with no coordinates: a filter change then sends coordinates only. Above it
# they draw the rows in view alone, as sending every row's coordinates would cost more.
EVERY_ROW_LIMIT = 2000


def rows_to_draw(table: pd.DataFrame, in_view: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records a layer draws: every row of ``table`` (up to :data:`EVERY_ROW_LIMIT`), or those in view."""
    return columns_of(table).records() if len(table) <= EVERY_ROW_LIMIT else in_view


def factored_hover(
    fields: list[list[str]], ids: list[str] | None, layout: Callable[[list[str]], str]
) -> tuple[list[list[str]], str]:
    """One hover template and per-point ``customdata`` for points whose hover text is ``layout(fields)``.

    A field with the same value at every point goes into the template once; the others become
    ``%{customdata[i]}``. Each point's ``customdata`` ends with its id (what a click selects),
    when ``ids`` are given.
    It keeps a trace small: the sites of one program share all but their place and figures.
    """
    parts: list[str] = []
    kept: list[tuple[str, ...]] = []
    for column in zip(*fields, strict=True):
        if len(set(column)) == 1 and "%{" not in column[0]:  # "%{" would read as a placeholder
            parts.append(column[0])
        else:
            parts.append(f"%{{customdata[{len(kept)}]}}")
            kept.append(column)
    cells = list(zip(*kept, strict=True)) if kept else [() for _ in fields]
    if ids is None:
        return [list(row) for row in cells], layout(parts)
    return [[*row, point] for row, point in zip(cells, ids, strict=True)], layout(parts)


def _no_sources(view: View) -> Iterable[str]:
    return ()


# The cell renderer of a table column that holds data as its source wrote it (a program's name, a
# partner, a source): its cells are marked lang="en" (assets/atlas.js, dashboard.table.columns).
DATA_TEXT = "DataText"


@dataclass(frozen=True)
class Table:
    """A layer's rows in the tables under the map (the map's text alternative).

    ``rows`` gives every row of the atlas the layer can draw, each a dict of plain text with an
    ``id`` (what the map's click and the URL's ``select=`` name); ``in_view`` the ids a view shows.
    The grid holds every row and hides those not in view (``dashboard.table``).
    ``title`` and the columns' ``headerName`` are English, marked with ``N_``: the table shows them
    translated (``_()``).
    """

    title: str
    columns: tuple[dict[str, Any], ...]  # AG Grid column definitions
    rows: Callable[[Atlas, Facts], list[dict[str, Any]]]
    in_view: Callable[[View], list[str]]


@dataclass(frozen=True)
class Layer:
    """One layer of the map, and everything about it.

    ``reads`` names the :class:`~dashboard.state.ViewState` fields its traces depend on (through
    the view's tables or directly): two states that agree on them get the same traces. The
    figure patch redraws a layer only when one of them changes, and the app caches a layer's
    traces under them (``tests/unit/test_layers.py`` checks that each declaration is complete).

    Attributes
    ----------
    key, label : str
        Its name in URLs (``layers=``) and in the layer switches (``label`` in English, marked
        with ``N_``, and shown translated with ``_()``).
    needs : mapping
        Table -> the columns it reads; checked when the atlas is loaded (:func:`check_needs`).
    traces : callable
        ``(view, facts) -> list of plotly trace dicts``; the key beside the map is read off them.
    reads : tuple of str
        The state fields the traces depend on.
    toggleable : bool
        Listed in the layer switches; otherwise drawn whenever it has something to draw.
    key_reads : tuple of str
        The fields its part of the key depends on (the key is drawn from every row, unfiltered).
    prepare : callable, optional
        ``(atlas, facts) -> None``: makes what the layer pre-computes from the data (its hover
        texts, say), so that the first visitor does not wait for it. The layer keeps what it
        makes with :func:`dashboard.derived.derived`.
    cites : callable
        ``view -> source cells`` (``;``-separated ids) of what the layer shows in that view.
    describe : callable, optional
        ``(view, facts) -> str``: its clause of the sentence that says what the map shows.
    table : Table, optional
        Its rows in the tables under the map.
    folium : callable, optional
        ``(view, facts, canvas)``: draws the layer into the HTML export
        (:class:`dashboard.exports.canvas.Canvas`), key included.
    frame : callable, optional
        ``(view, facts) -> (lon, lat) points`` the map should show, or ``[]``: the top layer
        that asks for a window gets it (the profile frames its country); else the regions' window.
    """

    key: str
    label: str
    needs: Mapping[str, tuple[str, ...]]
    traces: Callable[[View, Facts], list[Trace]]
    reads: tuple[str, ...]
    toggleable: bool = True
    key_reads: tuple[str, ...] = ()
    prepare: Callable[[Atlas, Facts], object] | None = None
    cites: Callable[[View], Iterable[str]] = _no_sources
    describe: Callable[[View, Facts], str] | None = None
    table: Table | None = None
    folium: Callable[[View, Facts, Canvas], None] | None = None
    frame: Callable[[View, Facts], list[tuple[float, float]]] | None = None


def _registry() -> dict[str, Layer]:
    from dashboard.layers import choropleth, outside, profile, programs, roles, routes, selection

    layers = (
        choropleth.LAYER,
        outside.LAYER,
        roles.LAYER,
        profile.LAYER,
        routes.LAYER,
        programs.LAYER,
        selection.LAYER,
    )
    return {layer.key: layer for layer in layers}


def register(layer: Layer, before: str | None = None) -> None:
    """Add ``layer`` to the registry, drawn under the layer ``before`` (or on top of all).

    The layers in ``_registry`` are registered when this package is imported; a layer from
    elsewhere (a plug-in, a test) must be registered before the app loads its data.
    """
    entries = [(key, value) for key, value in REGISTRY.items() if key != layer.key]
    at = next((i for i, (key, _) in enumerate(entries) if key == before), len(entries))
    entries.insert(at, (layer.key, layer))
    REGISTRY.clear()
    REGISTRY.update(entries)


def check_needs(atlas: Atlas) -> list[Problem]:
    """A problem for each column a layer needs that ``atlas`` lacks (at the table's file, row 0)."""
    problems = []
    for layer in REGISTRY.values():
        for table, columns in layer.needs.items():
            frame = getattr(atlas, table, None)
            if not isinstance(frame, pd.DataFrame):
                needs_table = Message(N_("the {layer} layer needs this table"), layer=repr(layer.key))
                problems.append(Problem(f"{table}.csv", 0, "-", needs_table))
                continue
            have = {*frame.columns, frame.index.name}
            needs_column = N_("the {layer} layer needs this column")
            problems += [
                Problem(f"{table}.csv", 0, column, Message(needs_column, layer=repr(layer.key)))
                for column in columns
                if column not in have
            ]
    return problems


def is_on(layer: Layer, view: View | ViewState) -> bool:
    state = view.state if isinstance(view, View) else view
    return layer.key in state.layers or not layer.toggleable


def reading(layer: Layer, state: ViewState, fields: tuple[str, ...] | None = None) -> str:
    """What ``layer`` draws for ``state``, as a key: equal keys, equal traces.

    ``fields`` instead of the layer's ``reads`` (its ``key_reads``, for its part of the key).
    """
    if not is_on(layer, state):
        return f"{layer.key}:off"
    # Each field written by its parameter's codec (dashboard.state.PARAMETERS), as the URL writes it.
    return f"{layer.key}:" + state.key(layer.reads if fields is None else fields)


REGISTRY: dict[str, Layer] = _registry()


def traces_by_layer(view: View, facts: Facts, only: set[str] | None = None) -> dict[str, list[Trace]]:
    """The traces of each layer switched on in ``view.state`` (or of ``only`` those), in drawing order."""
    return {
        key: layer.traces(view, facts) if is_on(layer, view) else []
        for key, layer in REGISTRY.items()
        if only is None or key in only
    }


def source_ids_in_view(view: View) -> list[str]:
    """The ids of the sources cited by what the layers switched on show, in the order of ``sources.csv``."""
    cells: set[str] = set()
    for layer in REGISTRY.values():
        if is_on(layer, view):
            cells.update(str(cell) for cell in layer.cites(view))
    cited = {source.strip() for cell in cells for source in cell.split(";")}
    return [str(source) for source in view.atlas.sources.index if source in cited]
