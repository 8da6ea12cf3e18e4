"""Source and destination countries, derived from the routes in view.

A dark outline marks every country a route in view starts or ends in, so it reads on top of
any choropleth; a marker at the country's label point says which role (shape and fill, not
colour alone): origin, destination, both, or internal trafficking only.
"""

from __future__ import annotations

from dashboard import formatting as fmt
from dashboard.layers import Layer, LayerContext, Trace
from dashboard.layers.palette import ROLE_STYLES
from dashboard.view import ROLE_LABELS, View
from geodata.vocabulary import EXPLOITATION_FORMS

GROUP = "roles"


def _partners(routes: list[dict[str, object]], iso3: str, names: dict[str, str]) -> str:
    """``to Thailand (forced begging)``-style lines for one country's routes in view."""
    lines = []
    for route in routes:
        form = EXPLOITATION_FORMS[str(route["form"])].label.lower()
        origin, destination = route["origin_iso3"], route["destination_iso3"]
        if origin == iso3 and destination == iso3:
            lines.append(f"within the country ({form})")
        elif origin == iso3:
            lines.append(f"to {names.get(str(destination)) or route['destination_label']} ({form})")
        elif destination == iso3:
            lines.append(f"from {names.get(str(origin)) or route['origin_label']} ({form})")
    return "<br>".join(fmt.esc(line) for line in dict.fromkeys(lines))


def traces(view: View, ctx: LayerContext) -> list[Trace]:
    records = view.role_records
    if not records:
        return []
    routes = view.route_records
    raw_names = ctx.raw_names  # escaped once, with the whole line
    out: list[Trace] = [
        {
            "type": "choropleth",
            "locationmode": "ISO-3",
            "locations": [r["iso3"] for r in records],
            "z": [0] * len(records),
            "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
            "showscale": False,
            "showlegend": False,
            "hoverinfo": "skip",
            "name": "Countries on routes in view",
            "marker": {"line": {"color": "#111111", "width": 2.5}},
        }
    ]
    for role, (fill, symbol) in ROLE_STYLES.items():
        rows = [r for r in records if r["role"] == role]
        if not rows:
            continue
        out.append(
            {
                "type": "scattergeo",
                "mode": "markers",
                "lon": [round(float(r["lon"]), 3) for r in rows],
                "lat": [round(float(r["lat"]), 3) for r in rows],
                "name": ROLE_LABELS[role],
                "legendgroup": GROUP,
                "legendgrouptitle": {"text": "Countries on routes"} if len(out) == 1 else None,
                "marker": {"symbol": symbol, "size": 15, "color": fill, "line": {"color": "#000000", "width": 2}},
                "customdata": [
                    [ctx.names[r["iso3"]], _partners(routes, str(r["iso3"]), raw_names), f"country:{r['iso3']}"]
                    for r in rows
                ],
                "hovertemplate": f"<b>%{{customdata[0]}}</b> — {fmt.esc(ROLE_LABELS[role].lower())}"
                "<br>%{customdata[1]}<extra></extra>",
            }
        )
    for trace in out:
        if trace.get("legendgrouptitle") is None:
            trace.pop("legendgrouptitle", None)
    return out


LAYER = Layer(
    key="roles",
    label="Source and destination countries",
    needs={
        "routes": ("origin_iso3", "destination_iso3", "origin_label", "destination_label", "form"),
        "countries": ("name", "label_lon", "label_lat"),
    },
    traces=traces,
    reads=("regions", "forms", "year", "datasets"),
)
