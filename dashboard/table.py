"""The table under the map: the programs and routes in view as rows (the map's text alternative).

The grids hold every row of the atlas from the first page on; a filter change sends only the ids
of the rows in view (the ``in-view`` store), and the grids hide the others with AG Grid's
external filter (``atlasInView`` in ``assets/atlas.js``). Rows never travel twice.
"""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from dashboard import formatting as fmt
from dashboard.layers.routes import drawable
from dashboard.view import View
from geodata import Atlas
from geodata.vocabulary import EXPLOITATION_FORMS, PROGRAM_TYPES

TABLES_LABEL: dict[str, Any] = {"aria-label": "Programs and routes in view"}
PROGRAM_COLUMNS = [
    {"field": "program", "headerName": "Program", "flex": 3, "minWidth": 220},
    {"field": "types", "headerName": "Types", "flex": 2, "minWidth": 160},
    {"field": "country", "headerName": "Country", "flex": 1, "minWidth": 110},
    {"field": "site", "headerName": "Site", "flex": 2, "minWidth": 160},
    {"field": "precision", "headerName": "Site precision", "flex": 1, "minWidth": 100},
    {"field": "years", "headerName": "Years", "flex": 1, "minWidth": 110},
    {"field": "figures", "headerName": "Figures", "flex": 2, "minWidth": 160},
    {"field": "partner", "headerName": "Partner", "flex": 2, "minWidth": 160},
    {"field": "source", "headerName": "Source", "flex": 2, "minWidth": 160},
]
ROUTE_COLUMNS = [
    {"field": "origin", "headerName": "From", "flex": 1, "minWidth": 120},
    {"field": "destination", "headerName": "To", "flex": 1, "minWidth": 120},
    {"field": "form", "headerName": "Form of exploitation", "flex": 1, "minWidth": 150},
    {"field": "detail", "headerName": "Detail", "flex": 2, "minWidth": 180},
    {"field": "victims", "headerName": "Who", "flex": 2, "minWidth": 160},
    {"field": "years", "headerName": "Year", "flex": 1, "minWidth": 110},
    {"field": "count", "headerName": "Count", "flex": 1, "minWidth": 110},
    {"field": "on_map", "headerName": "On the map", "flex": 1, "minWidth": 90},
    {"field": "source", "headerName": "Source", "flex": 2, "minWidth": 160},
]


def in_view(view: View) -> list[str]:
    """The ids of the grids' rows a view shows (programs, then routes)."""
    return [f"program:{site['program_id']}" for site in view.program_records] + [
        f"route:{route['route_id']}" for route in view.route_records
    ]


_MADE: dict[tuple[int, int], dict[str, dict[int, dict[str, Any]]]] = {}


def _made(atlas: Atlas, threshold: int) -> dict[str, dict[int, dict[str, Any]]]:
    key = (id(atlas), threshold)
    if key not in _MADE:
        _MADE.clear()
        _MADE[key] = {
            "programs": dict(zip(atlas.programs.index, _program_rows(atlas, atlas.programs, threshold), strict=True)),
            "routes": dict(zip(atlas.routes.index, _route_rows(atlas, atlas.routes, threshold), strict=True)),
        }
    return _MADE[key]


def _program_rows(atlas: Atlas, programs: pd.DataFrame, threshold: int) -> list[dict[str, Any]]:
    names = atlas.countries["name"]
    rows = []
    for _, site in programs.iterrows():
        figures = fmt.people_figures(site, threshold)
        rows.append(
            {
                "id": f"program:{site['program_id']}",
                "program": site["program"],
                "types": ", ".join(PROGRAM_TYPES[t] for t in site["types"]),
                "country": names[site["iso3"]],
                "site": site["site"],
                "precision": site["site_precision"],
                "years": fmt.years(site["year_start"], site["year_end"], site["reported_year"]),
                "figures": "; ".join(figures) or fmt.UNKNOWN,
                "partner": site["partner"] if isinstance(site["partner"], str) else fmt.UNKNOWN,
                "source": fmt.cite(atlas.sources, site["source"]),
            }
        )
    return rows


def _route_rows(atlas: Atlas, routes: pd.DataFrame, threshold: int) -> list[dict[str, Any]]:
    names = atlas.countries["name"]
    on_map = drawable(routes, atlas.countries)

    rows = []
    for row, route in routes.iterrows():
        count = fmt.route_count(route, threshold)
        rows.append(
            {
                "id": f"route:{route['route_id']}",
                "origin": fmt.place(names, route["origin_iso3"], route["origin_label"]),
                "destination": fmt.place(names, route["destination_iso3"], route["destination_label"]),
                "form": EXPLOITATION_FORMS[route["form"]].label,
                "detail": route["detail"] if isinstance(route["detail"], str) else "",
                "victims": route["victims"] if isinstance(route["victims"], str) else fmt.UNKNOWN,
                "years": fmt.years(route["year_start"], route["year_end"], route["reported_year"]),
                "count": count,
                "on_map": "yes" if on_map[row] else "no (no country named)",
                "source": fmt.cite(atlas.sources, route["source"]),
            }
        )
    return rows


def _grid(grid_id: str, columns: list[dict[str, Any]], rows: list[dict[str, Any]], selected: str) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id,
        rowData=rows,
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "wrapText": True, "autoHeight": True},
        getRowId="params.data.id",
        selectedRows=[r for r in rows if r["id"] == selected],
        dashGridOptions={
            # Rows not in view are hidden, not removed (see the module's docstring).
            "isExternalFilterPresent": {"function": "true"},
            "doesExternalFilterPass": {"function": "atlasInView(params)"},
            "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
            "domLayout": "autoHeight",
            "quickFilterText": "",
            "ensureDomOrder": True,
            "suppressCellFocus": False,
        },
        className="ag-theme-alpine atlas-grid",
        style={"width": "100%"},
    )


def create_tables(atlas: Atlas, view: View, threshold: int) -> html.Section:
    """Two searchable, sortable tables: programs and routes in view."""
    selected = view.state.select
    made = _made(atlas, threshold)
    return html.Section(
        [
            dcc.Store(id="in-view", data=in_view(view)),
            html.H2("In view, as a table", className="h5 mt-3"),
            html.Div(
                [
                    html.Label("Search the tables", htmlFor="table-search", className="form-label mb-0 me-2"),
                    dcc.Input(
                        id="table-search",
                        type="search",
                        debounce=0.3,
                        placeholder="e.g. Indonesia, IOM",
                        className="form-control",
                        style={"maxWidth": "22rem"},
                    ),
                ],
                className="d-flex align-items-center gap-2 mb-2",
            ),
            html.H3("Program sites", className="h6"),
            _grid("programs-grid", PROGRAM_COLUMNS, list(made["programs"].values()), selected),
            html.H3("Routes", className="h6 mt-3"),
            _grid("routes-grid", ROUTE_COLUMNS, list(made["routes"].values()), selected),
        ],
        className="atlas-tables",
        **TABLES_LABEL,
    )
