"""The "Add data" panel: drop a file, watch it read, read its report; the datasets kept, each
with its source line, a switch to hide it and a button to remove it."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.data import AtlasData
from dashboard.editors import may_edit, signed_in
from dashboard.state import ViewState
from geodata.importers import REGISTRY
from geodata.importers.files import MAX_BYTES

BUNDLED_LABEL = "Bundled: PRM fact sheet 2007, TIP 2007 tiers, Gapminder"
TEMPLATES = ("programs", "routes", "indicators")
# Problems listed in the panel; the downloadable report has all of them.
PANEL_PROBLEMS = 30


def dataset_options(data: AtlasData) -> list[dict[str, str]]:
    return [{"label": BUNDLED_LABEL, "value": "bundled"}] + [
        {"label": d.name, "value": d.slug} for d in data.atlas.datasets
    ]


def create_datasets_control(data: AtlasData, state: ViewState) -> html.Fieldset:
    """Which datasets the map shows (``datasets=`` in the URL): hidden while only the bundled one exists."""
    shown = [] if state.datasets == ("none",) else list(state.datasets or data.choices.datasets)
    return html.Fieldset(
        [
            html.Legend("Datasets", className="form-label fw-semibold mb-1 fs-6"),
            dbc.Checklist(id="datasets", options=dataset_options(data), value=shown),
            html.Small("Untick a dataset to hide its rows.", className="text-body-secondary d-block"),
        ],
        className="mb-3",
        hidden=len(data.choices.datasets) < 2,
    )


def source_line(dataset: Any) -> str:
    counts = ", ".join(f"{n:,} {table}" for table, n in dataset.counts.items() if table != "catalogue")
    publisher = dataset.publisher or "Unknown publisher"
    return f"{publisher}; {dataset.file_name}; imported {dataset.imported_at[:10]}; {counts}"


def create_dataset_list(data: AtlasData, editor: bool = True) -> html.Div:
    items = []
    for d in data.atlas.datasets:
        items.append(
            html.Li(
                [
                    html.Div([html.Span(d.name, className="fw-semibold", lang=""), f" ({d.layout})"]),
                    html.Small(source_line(d), className="d-block text-body-secondary"),
                    html.Div(
                        [
                            html.A("Report (CSV)", href=f"/download/report/{d.slug}.csv", className="me-3"),
                            None
                            if not editor
                            else dcc.ConfirmDialogProvider(
                                html.Button(
                                    "Remove",
                                    type="button",
                                    className="btn btn-outline-danger btn-sm",
                                    **{"aria-label": f"Remove the dataset {d.name}"},  # type: ignore[arg-type]
                                ),
                                id={"type": "remove-dataset", "slug": d.slug},
                                message=f"Remove the dataset “{d.name}” and its rows? The file itself is not touched.",
                            ),
                        ],
                        className="mt-1",
                    ),
                ],
                className="mb-2",
            )
        )
    for slug, problems in data.atlas.skipped.items():
        items.append(
            html.Li(
                [
                    html.Div(
                        [html.Span(slug, className="fw-semibold"), " — not shown: its rows no longer pass the checks"]
                    ),
                    html.Small(str(problems[0]) if problems else "", className="d-block text-danger"),
                ]
            )
        )
    if not items:
        return html.Div(html.P("No imported datasets yet.", className="text-body-secondary mb-0"), id="dataset-list")
    return html.Div(
        [html.H3("Imported datasets", className="h6 mt-3"), html.Ul(items, className="list-unstyled mb-0")],
        id="dataset-list",
    )


def create_sign_in(editor: bool) -> html.P | html.Form | None:
    """For a viewer, a link to sign in instead of the upload; for a signed-in editor, a way out."""
    if not editor:
        return html.P(html.A("Sign in to add data", href="/login"), className="mb-2")
    name = signed_in()
    if not name:
        return None  # editing from the same machine: nobody to sign out
    return html.Form(
        [f"Signed in as {name}. ", html.Button("Sign out", type="submit", className="btn btn-link btn-sm p-0")],
        action="/logout",
        method="POST",
        className="small mb-2",
    )


def create_add_data_panel(data: AtlasData) -> html.Details:
    """The panel; the upload and the Remove buttons only for someone who may change data."""
    editor = may_edit()
    layouts = [{"label": "Detect from the columns", "value": ""}] + [
        {"label": importer.label, "value": key} for key, importer in REGISTRY.items()
    ]
    templates = [
        html.Li(
            [
                f"{kind.capitalize()}: ",
                html.A("blank", href=f"/download/template/{kind}.csv"),
                " · ",
                html.A("example", href=f"/download/template/{kind}-example.csv"),
                " · ",
                html.A("xlsx", href=f"/download/template/{kind}.xlsx"),
            ]
        )
        for kind in TEMPLATES
        if kind in REGISTRY
    ]
    return html.Details(
        [
            html.Summary("Add data", className="atlas-drawer-toggle"),
            html.P(
                "UNODC GLOTIP (data_glotip.xlsx or its CSV), CTDC extracts, TIP tier placements by year, or your "
                "own programs, routes and indicators in the atlas's templates. CSV or XLSX, up to "
                f"{MAX_BYTES // 2**20} MB. Every row is used or reported; nothing is stored from a file that fails.",
                className="small",
            ),
            create_sign_in(editor),
            # Kept in the page for viewers too (the callbacks name them), only hidden; the server refuses anyway.
            html.Div(
                [
                    html.Div(
                        [
                            html.Label("Layout", htmlFor="add-data-layout", className="form-label mb-1"),
                            dcc.Dropdown(
                                id="add-data-layout", options=layouts, value="", clearable=False, searchable=False
                            ),
                        ],
                        className="mb-2",
                    ),
                    html.Div(
                        [
                            html.Label("Name (optional)", htmlFor="add-data-name", className="form-label mb-1"),
                            dcc.Input(id="add-data-name", type="text", className="form-control", maxLength=80),
                        ],
                        className="mb-2",
                    ),
                    html.Div(
                        [
                            html.Label(
                                "Publisher (optional)", htmlFor="add-data-publisher", className="form-label mb-1"
                            ),
                            dcc.Input(id="add-data-publisher", type="text", className="form-control", maxLength=200),
                        ],
                        className="mb-2",
                    ),
                    html.Div(
                        dcc.Upload(
                            html.Div(
                                [
                                    "Drop a file here, or ",
                                    html.Span("choose one", className="text-decoration-underline"),
                                ]
                            ),
                            id="add-data-upload",
                            accept=".csv,.txt,.tsv,.xlsx,.xlsm",
                            max_size=MAX_BYTES,
                            className="atlas-upload",
                            className_active="atlas-upload atlas-upload-active",
                        ),
                        # dcc.Upload drops a file over max_size without a word: assets/upload.js says so here.
                        id="add-data-drop",
                        **{"data-max-bytes": str(MAX_BYTES)},  # type: ignore[arg-type]
                    ),
                ],
                hidden=not editor,
            ),
            html.P(id="add-data-too-big", className="text-danger small mb-0", role="alert"),
            dbc.Progress(id="add-data-progress", value=0, label="", className="mt-2", style={"height": "1.4rem"}),
            html.Div(id="add-data-report", role="status", **{"aria-live": "polite"}),  # type: ignore[arg-type]
            html.Button(
                "Download the report (CSV)",
                id="add-data-report-download",
                type="button",
                className="btn btn-outline-dark btn-sm mt-2",
                hidden=True,
            ),
            dcc.Download(id="add-data-report-file"),
            dcc.Store(id="add-data-result", storage_type="session"),
            dcc.Location(id="add-data-reload", refresh=True),
            html.H3("Templates", className="h6 mt-3") if templates else None,
            html.Ul(templates, className="small mb-0") if templates else None,
            create_dataset_list(data, editor),
        ],
        id="add-data",
        className="atlas-panel mt-3",
    )


def report_children(result: dict[str, Any] | None) -> list[Any]:
    """The report of the last import, as the panel shows it (all text escaped by Dash)."""
    if not result:
        return []
    lines = list(result.get("lines", []))
    head, problems = lines[: result.get("summary", len(lines))], lines[result.get("summary", len(lines)) :]
    colour = "success" if result.get("ok") else "danger"
    shown = problems[:PANEL_PROBLEMS]
    more = len(problems) - len(shown)
    return [
        dbc.Alert(result.get("headline", ""), color=colour, className="mt-2 mb-1 py-2"),
        html.Pre("\n".join(head), className="atlas-report small mb-1"),
        html.Pre("\n".join(shown), className="atlas-report small mb-1") if shown else None,
        html.P(f"… and {more:,} more in the downloadable report.", className="small") if more > 0 else None,
    ]


def register_import_downloads(server: Any) -> None:
    """``/download/template/<kind>[-example].<csv|xlsx>`` and ``/download/report/<dataset>.csv``."""
    import re

    import flask

    from dashboard.data import loaded
    from geodata.importers.report import ImportReport

    @server.route("/download/template/<name>")
    def template_download(name: str) -> flask.Response:
        match = re.fullmatch(r"(programs|routes|indicators)(-example)?\.(csv|xlsx)", name)
        if match is None:
            flask.abort(404)
        from geodata.importers.templates import template_file

        kind, example, fmt = match.groups()
        mime = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = flask.Response(template_file(kind, bool(example), fmt), mimetype=mime)
        response.headers["Content-Disposition"] = f'attachment; filename="atlas-{name}"'
        return response

    @server.route("/download/report/<slug>.csv")
    def report_download(slug: str) -> flask.Response:
        dataset = next((d for d in loaded().atlas.datasets if d.slug == slug), None)
        if dataset is None:
            flask.abort(404)
        csv = ImportReport.from_dict(dict(dataset.report)).to_csv()
        response = flask.Response(csv, mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="import-report-{slug}.csv"'
        return response
