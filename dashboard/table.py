"""The tables under the map: each layer's rows in view (the map's text alternative).

The grids hold every row of the atlas from the first page on; a filter change sends only the ids
of the rows in view (the ``in-view`` store), and the grids hide the others with AG Grid's
external filter (``atlasInView`` in ``assets/atlas.js``). Rows never travel twice.
"""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
from dash import dcc, html

from dashboard import formatting as fmt
from dashboard.i18n import _
from dashboard.layers import DATA_TEXT, REGISTRY, Facts, Layer, Table
from dashboard.view import View


def tabled() -> list[tuple[Layer, Table]]:
    """The layers with rows in the tables, top layer first (program sites above routes)."""
    return [(layer, layer.table) for layer in reversed(REGISTRY.values()) if layer.table is not None]


def grid_id(layer: Layer) -> str:
    return f"{layer.key}-grid"


def in_view(view: View) -> list[str]:
    """The ids of the grids' rows a view shows."""
    return [row_id for _layer, table in tabled() for row_id in table.in_view(view)]


def columns(table: Table) -> list[dict[str, Any]]:
    """A table's column definitions, headers in the current language (the layers mark them ``N_``).

    A column of data (``"cellRenderer": DATA_TEXT``) marks its cells ``lang="en"``, all but the
    atlas's own words in it ("unknown" where the data says nothing), given here in the page's language.
    """
    made = []
    for column in table.columns:
        column = {**column, "headerName": _(column["headerName"])} if "headerName" in column else dict(column)
        if column.get("cellRenderer") == DATA_TEXT:
            column["cellRendererParams"] = {"atlasWords": [fmt.unknown()]}
        made.append(column)
    return made


def grid_words() -> dict[str, str]:
    """The words AG Grid writes itself (its ``localeText``): the overlays a reader can meet and
    what a screen reader hears on the rows and headers. The msgids are AG Grid's own English."""
    return {
        "noRowsToShow": _("No Rows To Show"),
        "noMatchingRows": _("No Matching Rows"),
        "loadingOoo": _("Loading..."),
        "ariaRowToggleSelection": _("Press Space to toggle row selection"),
        "ariaSortableColumn": _("Press ENTER to sort"),
        "ariaMenuColumn": _("Press ALT DOWN to open column menu"),
        "ariaLabelColumnMenu": _("Column Menu"),
    }


def _grid(grid_id: str, columns: list[dict[str, Any]], rows: list[dict[str, Any]], selected: str) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id,
        rowData=rows,
        columnDefs=columns,
        # Headers wrap rather than cut: French and Spanish headers run 20-30% longer than English.
        defaultColDef={
            "sortable": True,
            "resizable": True,
            "wrapText": True,
            "autoHeight": True,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
        },
        getRowId="params.data.id",
        selectedRows=[r for r in rows if r["id"] == selected],
        dashGridOptions={
            # Rows not in view are hidden, not removed (see the module's docstring).
            "isExternalFilterPresent": {"function": "true"},
            "doesExternalFilterPass": {"function": "atlasInView(params)"},
            "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
            "domLayout": "autoHeight",
            "quickFilterText": "",
            "localeText": grid_words(),
            "ensureDomOrder": True,
            "suppressCellFocus": False,
        },
        className="ag-theme-alpine atlas-grid",
        style={"width": "100%"},
    )


def create_tables(view: View, facts: Facts) -> html.Section:
    """A searchable, sortable table of each layer's rows in view (program sites, routes)."""
    selected = view.state.select
    grids: list[Any] = []
    for layer, table in tabled():
        grids.append(html.H3(_(table.title), className="h6" + (" mt-3" if grids else "")))
        grids.append(_grid(grid_id(layer), columns(table), table.rows(view.atlas, facts), selected))
    return html.Section(
        [
            dcc.Store(id="in-view", data=in_view(view)),
            html.H2(_("In view, as a table"), className="h5 mt-3"),
            html.Div(
                [
                    html.Label(_("Search the tables"), htmlFor="table-search", className="form-label mb-0 me-2"),
                    dcc.Input(
                        id="table-search",
                        type="search",
                        debounce=0.3,
                        placeholder=_("e.g. Indonesia, IOM"),
                        className="form-control",
                        style={"maxWidth": "22rem"},
                    ),
                ],
                className="d-flex align-items-center gap-2 mb-2",
            ),
            *grids,
        ],
        className="atlas-tables",
        **{"aria-label": _("Programs and routes in view")},  # type: ignore[arg-type]
    )
