"""The "Add data" panel: drop a file, watch it read, read its report; the datasets kept, each
with its source line, a switch to hide it and a button to remove it."""

from __future__ import annotations

import re
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import i18n
from dashboard.data import AtlasData
from dashboard.editors import may_edit, signed_in
from dashboard.i18n import N_, _, ngettext, pgettext
from dashboard.state import ViewState
from geodata.importers import REGISTRY
from geodata.importers.files import MAX_BYTES
from geodata.importers.report import ImportReport
from geodata.problems import Problem, say

# How a geodata message is said on this page: words from the catalog, numbers by Babel, country
# names from CLDR ("'Alemania' read as Germany" reads "leído como Alemania" in Spanish).
IN_PAGE_LANGUAGE = (_, i18n.integer, i18n.country_name)

BUNDLED_LABEL = N_("Bundled: PRM fact sheet 2007, TIP 2007 tiers, Gapminder")
TEMPLATES = ("programs", "routes", "indicators")
# Each template's heading in the list of templates.
TEMPLATE_LABELS = {"programs": N_("Programs:"), "routes": N_("Routes:"), "indicators": N_("Indicators:")}
# Problems listed in the panel; the downloadable report has all of them.
PANEL_PROBLEMS = 30


def counted_rows(n: int, table: str) -> str:
    """``1 route``, ``1,500 indicator values``, in the page's language."""
    count = i18n.integer(n)
    if table == "indicators":
        return ngettext("{count} indicator value", "{count} indicator values", n).format(count=count)
    if table == "routes":
        return ngettext("{count} route", "{count} routes", n).format(count=count)
    if table == "programs":
        return ngettext("{count} program site", "{count} program sites", n).format(count=count)
    return ngettext("{count} row of {table}", "{count} rows of {table}", n).format(count=count, table=table)


def counted(counts: dict[str, int]) -> str:
    """What a dataset holds, table by table (``1 indicator value, 2 routes``)."""
    return ", ".join(counted_rows(int(n), table) for table, n in counts.items() if table != "catalogue")


def dataset_options(data: AtlasData) -> list[dict[str, str]]:
    return [{"label": _(BUNDLED_LABEL), "value": "bundled"}] + [
        {"label": d.name, "value": d.slug} for d in data.atlas.datasets
    ]


def create_datasets_control(data: AtlasData, state: ViewState) -> html.Fieldset:
    """Which datasets the map shows (``datasets=`` in the URL): hidden while only the bundled one exists."""
    shown = [] if state.datasets == ("none",) else list(state.datasets or data.choices.datasets)
    return html.Fieldset(
        [
            html.Legend(_("Datasets"), className="form-label fw-semibold mb-1 fs-6"),
            dbc.Checklist(id="datasets", options=dataset_options(data), value=shown),
            html.Small(_("Untick a dataset to hide its rows."), className="text-body-secondary d-block"),
        ],
        className="mb-3",
        hidden=len(data.choices.datasets) < 2,
    )


def source_line(dataset: Any) -> list[Any]:
    """Who published a dataset, its file, when it was imported and what it holds (the publisher
    and the file's name are data, marked as such)."""
    parts: dict[str, Any] = {
        "publisher": html.Span(dataset.publisher, lang="") if dataset.publisher else _("Unknown publisher"),
        "file": html.Span(dataset.file_name, lang=""),
        "date": dataset.imported_at[:10],
        "counts": counted(dict(dataset.counts)),
    }
    return with_data(_("{publisher}; {file}; imported {date}; {counts}"), parts)


def with_data(template: str, values: dict[str, Any]) -> list[Any]:
    """``template`` (translated) with its placeholders filled: a text as it is, a component (data in
    an element of its own, with its ``lang``) put in its place."""
    children: list[Any] = []
    for piece in re.split(r"(\{\w+\})", template):
        value = values.get(piece[1:-1]) if piece.startswith("{") and piece.endswith("}") else None
        if value is not None or piece:
            children.append(piece if value is None else value)
    # Neighbouring texts as one (a test or a screen reader reads one sentence, not its pieces).
    merged: list[Any] = []
    for child in children:
        if isinstance(child, str) and merged and isinstance(merged[-1], str):
            merged[-1] += child
        else:
            merged.append(child)
    return merged


def layout_label(layout: str) -> str:
    """The name of a file's layout (an importer's), in the page's language; the key where the
    importer is gone."""
    importer = REGISTRY.get(layout)
    return _(importer.label) if importer is not None else layout


def create_dataset_list(data: AtlasData, editor: bool = True) -> html.Div:
    items = []
    for d in data.atlas.datasets:
        items.append(
            html.Li(
                [
                    html.Div([html.Span(d.name, className="fw-semibold", lang=""), f" ({layout_label(d.layout)})"]),
                    html.Small(source_line(d), className="d-block text-body-secondary"),
                    html.Div(
                        [
                            html.A(_("Report (CSV)"), href=report_href(d.slug), className="me-3"),
                            None
                            if not editor
                            else dcc.ConfirmDialogProvider(
                                html.Button(
                                    _("Remove"),
                                    type="button",
                                    className="btn btn-outline-danger btn-sm",
                                    **{"aria-label": _("Remove the dataset {name}").format(name=d.name)},  # type: ignore[arg-type]
                                ),
                                id={"type": "remove-dataset", "slug": d.slug},
                                message=_(
                                    "Remove the dataset “{name}” and its rows? The file itself is not touched."
                                ).format(name=d.name),
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
                        [
                            html.Span(slug, className="fw-semibold", lang=""),
                            _(" — not shown: its rows no longer pass the checks"),
                        ]
                    ),
                    html.Small(problem_children(problems[0]) if problems else "", className="d-block text-danger"),
                ]
            )
        )
    if not items:
        return html.Div(html.P(_("No imported datasets yet."), className="text-body-secondary mb-0"), id="dataset-list")
    return html.Div(
        [html.H3(_("Imported datasets"), className="h6 mt-3"), html.Ul(items, className="list-unstyled mb-0")],
        id="dataset-list",
    )


def create_sign_in(editor: bool) -> html.P | html.Form | None:
    """For a viewer, a link to sign in instead of the upload; for a signed-in editor, a way out."""
    if not editor:
        return html.P(html.A(_("Sign in to add data"), href=login_href()), className="mb-2")
    name = signed_in()
    if not name:
        return None  # editing from the same machine: nobody to sign out
    return html.Form(
        [
            _("Signed in as {name}.").format(name=name) + " ",
            html.Button(_("Sign out"), type="submit", className="btn btn-link btn-sm p-0"),
        ],
        action="/logout" if i18n.lang() == i18n.DEFAULT else f"/logout?lang={i18n.lang()}",
        method="POST",
        className="small mb-2",
    )


def create_add_data_panel(data: AtlasData) -> html.Details:
    """The panel; the upload and the Remove buttons only for someone who may change data."""
    editor = may_edit()
    layouts = [{"label": _("Detect from the columns"), "value": ""}] + [
        {"label": _(importer.label), "value": key} for key, importer in REGISTRY.items()
    ]
    templates = [
        html.Li(
            [
                _(TEMPLATE_LABELS[kind]) + " ",
                html.A(_("blank"), href=f"/download/template/{kind}.csv"),
                " · ",
                html.A(_("example"), href=f"/download/template/{kind}-example.csv"),
                " · ",
                html.A("xlsx", href=f"/download/template/{kind}.xlsx"),
            ]
        )
        for kind in TEMPLATES
        if kind in REGISTRY
    ]
    return html.Details(
        [
            html.Summary(_("Add data"), className="atlas-drawer-toggle"),
            html.P(
                _(
                    "UNODC GLOTIP (data_glotip.xlsx or its CSV), CTDC extracts, TIP tier placements by year, or "
                    "your own programs, routes and indicators in the atlas's templates. CSV or XLSX, up to "
                    "{size} MB. Every row is used or reported; nothing is stored from a file that fails."
                ).format(size=i18n.integer(MAX_BYTES // 2**20)),
                className="small",
            ),
            create_sign_in(editor),
            # Kept in the page for viewers too (the callbacks name them), only hidden; the server refuses anyway.
            html.Div(
                [
                    html.Div(
                        [
                            html.Label(
                                pgettext("a file's layout", "Layout"),
                                htmlFor="add-data-layout",
                                className="form-label mb-1",
                            ),
                            dcc.Dropdown(
                                id="add-data-layout", options=layouts, value="", clearable=False, searchable=False
                            ),
                        ],
                        className="mb-2",
                    ),
                    html.Div(
                        [
                            html.Label(_("Name (optional)"), htmlFor="add-data-name", className="form-label mb-1"),
                            dcc.Input(id="add-data-name", type="text", className="form-control", maxLength=80),
                        ],
                        className="mb-2",
                    ),
                    html.Div(
                        [
                            html.Label(
                                _("Publisher (optional)"), htmlFor="add-data-publisher", className="form-label mb-1"
                            ),
                            dcc.Input(id="add-data-publisher", type="text", className="form-control", maxLength=200),
                        ],
                        className="mb-2",
                    ),
                    html.Div(
                        dcc.Upload(
                            html.Div(
                                with_data(
                                    _("Drop a file here, or {choose}"),
                                    {"choose": html.Span(_("choose one"), className="text-decoration-underline")},
                                )
                            ),
                            id="add-data-upload",
                            accept=".csv,.txt,.tsv,.xlsx,.xlsm",
                            max_size=MAX_BYTES,
                            className="atlas-upload",
                            className_active="atlas-upload atlas-upload-active",
                        ),
                        # dcc.Upload drops a file over max_size without a word: assets/upload.js says so here.
                        id="add-data-drop",
                        **upload_texts(),  # type: ignore[arg-type]
                    ),
                ],
                hidden=not editor,
            ),
            html.P(id="add-data-too-big", className="text-danger small mb-0", role="alert"),
            dbc.Progress(id="add-data-progress", value=0, label="", className="mt-2", style={"height": "1.4rem"}),
            html.Div(id="add-data-report", role="status", **{"aria-live": "polite"}),  # type: ignore[arg-type]
            html.Button(
                _("Download the report (CSV)"),
                id="add-data-report-download",
                type="button",
                className="btn btn-outline-dark btn-sm mt-2",
                hidden=True,
            ),
            dcc.Download(id="add-data-report-file"),
            dcc.Store(id="add-data-result", storage_type="session"),
            dcc.Location(id="add-data-reload", refresh=True),
            html.H3(_("Templates"), className="h6 mt-3") if templates else None,
            html.Ul(templates, className="small mb-0") if templates else None,
            create_dataset_list(data, editor),
        ],
        id="add-data",
        className="atlas-panel mt-3",
    )


def login_href() -> str:
    """The sign-in page, in the page's language."""
    code = i18n.lang()
    return "/login" if code == i18n.DEFAULT else f"/login?lang={code}&next=%2F%3Flang%3D{code}"


def report_href(slug: str) -> str:
    """A dataset's import report (CSV), in the page's language."""
    href = f"/download/report/{slug}.csv"
    return href if i18n.lang() == i18n.DEFAULT else f"{href}?lang={i18n.lang()}"


# What assets/upload.js says when a dropped file is larger than an import takes.
TOO_BIG = N_("{name} is {size} MB; the largest file accepted is {limit} MB. Nothing was read or stored.")


def upload_texts() -> dict[str, str]:
    """The upload zone's data attributes: the size limit, and upload.js's words in the page's
    language (``{name}``, ``{size}`` and ``{limit}`` filled in by the script, numbers written the
    language's way)."""
    return {
        "data-max-bytes": str(MAX_BYTES),
        "data-too-big": _(TOO_BIG),
        "data-lang": i18n.lang(),
    }


def problem_text(problem: Problem) -> str:
    """``file:row: column: what``, the what in the page's language."""
    return problem.said(*IN_PAGE_LANGUAGE)


def problem_children(problem: Problem) -> list[Any]:
    """``file:row: column: what`` as the panel shows it: where (a file's and a column's names, as
    the file has them) marked as data, what in the page's language."""
    where = f"{problem.file}:{problem.row}: {problem.column}:"
    return [html.Span(where, lang=""), " " + say(problem.message, *IN_PAGE_LANGUAGE)]


def lines_children(lines: list[list[Any] | str]) -> list[Any]:
    """Lines (each a text, or texts and elements) as the children of a ``<pre>``."""
    children: list[Any] = []
    for number, line in enumerate(lines):
        if number:
            children.append("\n")
        children.extend(line if isinstance(line, list) else [line])
    return children


HEADLINES = {
    "added": N_("Imported “{name}” ({counts})."),
    "replaced": N_("Replaced “{name}” ({counts})."),
    "unchanged": N_("Already imported, unchanged: “{name}” ({counts})."),
}


def headline(result: dict[str, Any]) -> list[Any]:
    """What the last import did, in a sentence (the dataset's and the file's names as data)."""
    if not result.get("ok"):
        return with_data(
            _("{file} was not imported; nothing was stored."), {"file": html.Span(result.get("file_name", ""), lang="")}
        )
    template = HEADLINES.get(str(result.get("status")), HEADLINES["added"])
    return with_data(
        _(template),
        {"name": html.Span(result.get("name", ""), lang=""), "counts": counted(dict(result.get("counts", {})))},
    )


def result_report(result: dict[str, Any]) -> ImportReport:
    """The report an import's result keeps (see dashboard.callbacks.imports.run_import)."""
    return ImportReport.from_dict(dict(result.get("report") or {"file": result.get("file_name", "")}))


def report_lines(result: dict[str, Any]) -> tuple[list[list[Any] | str], list[list[Any] | str], int]:
    """The report's head, its first problems (:data:`PANEL_PROBLEMS`) and how many more, in the
    page's language (the file's name, and where each problem is, marked as data)."""
    report = result_report(result)
    head: list[list[Any] | str] = list(report.summary(*IN_PAGE_LANGUAGE)) if result.get("ok") else []
    named = f"{report.file}: "
    if head and isinstance(head[0], str) and head[0].startswith(named):
        head[0] = [html.Span(report.file, lang=""), head[0][len(report.file) :]]
    shown: list[list[Any] | str] = [problem_children(p) for p in report.problems[:PANEL_PROBLEMS]]
    return head, shown, max(0, len(report.problems) - PANEL_PROBLEMS)


def report_csv(result: dict[str, Any]) -> str:
    """The whole report as CSV, in the page's language."""
    return result_report(result).to_csv(*IN_PAGE_LANGUAGE)


def report_children(result: dict[str, Any] | None) -> list[Any]:
    """The report of the last import, as the panel shows it (all text escaped by Dash), made in
    the page's language from what the import kept (its messages' templates and values)."""
    if not result:
        return []
    colour = "success" if result.get("ok") else "danger"
    if "report" in result:
        title: Any = headline(result)
        head, shown, more = report_lines(result)
    else:  # a result kept in the browser's session by an older version: its English text
        lines = [str(line) for line in result.get("lines", [])]
        cut = int(result.get("summary", len(lines)))
        title, head, shown = result.get("headline", ""), list(lines[:cut]), list(lines[cut:][:PANEL_PROBLEMS])
        more = max(0, len(lines) - cut - PANEL_PROBLEMS)
    more_text = ngettext(
        "… and {count} more in the downloadable report.", "… and {count} more in the downloadable report.", more
    ).format(count=i18n.integer(more))
    return [
        dbc.Alert(title, color=colour, className="mt-2 mb-1 py-2"),
        html.Pre(lines_children(head), className="atlas-report small mb-1") if head else None,
        html.Pre(lines_children(shown), className="atlas-report small mb-1") if shown else None,
        html.P(more_text, className="small") if more > 0 else None,
    ]


def register_import_downloads(server: Any) -> None:
    """``/download/template/<kind>[-example].<csv|xlsx>`` and ``/download/report/<dataset>.csv``."""
    import flask

    from dashboard.data import loaded

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
        csv = ImportReport.from_dict(dict(dataset.report)).to_csv(*IN_PAGE_LANGUAGE)
        response = flask.Response(csv, mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="import-report-{slug}.csv"'
        return response
