"""The country whose profile is open, outlined, with its partners on the routes in view.

Not a layer one switches: it follows the profile (``country=`` in the URL, a click on the map,
the profile picker). The map also frames the country while the profile is open
(:func:`dashboard.figure.geo_window`), so that a profile opened from a link shows where the
country is.
"""

from __future__ import annotations

from dashboard import i18n
from dashboard.exports.canvas import Canvas, KeyEntry, KeyGroup
from dashboard.i18n import N_, _, ngettext
from dashboard.layers import Facts, Layer, Trace
from dashboard.palette import PROFILE_COLOUR
from dashboard.view import View

GROUP = "profile"
WIDTH, PARTNER_WIDTH = 5, 3  # pixels: the country's outline reads from the back of a room


def partners(view: View) -> list[str]:
    """The countries the profile's country shares a route in view with (ISO3, in the atlas's order)."""
    country = view.state.country
    found: set[str] = set()
    for route in view.route_records:
        ends = {route["origin_iso3"], route["destination_iso3"]}
        if country in ends:
            found |= {str(end) for end in ends if isinstance(end, str) and end != country}
    return [iso3 for iso3 in view.atlas.countries.index if iso3 in found]


def _outline(name: str, locations: list[str], width: float) -> Trace:
    return {
        "type": "choropleth",
        "locationmode": "ISO-3",
        "locations": locations,
        "z": [0] * len(locations),
        "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
        "showscale": False,
        "showlegend": False,
        "hoverinfo": "skip",
        "name": name,
        "marker": {"line": {"color": PROFILE_COLOUR, "width": width}},
    }


def _key_entry(name: str, width: float) -> Trace:
    """The key's entry for an outline: a trace with no point, drawn as an open square of its colour."""
    return {
        "type": "scattergeo",
        "mode": "markers",
        "lon": [None],
        "lat": [None],
        "name": name,
        "legendgroup": GROUP,
        "hoverinfo": "skip",
        "marker": {"symbol": "square-open", "size": 15, "color": PROFILE_COLOUR, "line": {"width": width}},
    }


def traces(view: View, facts: Facts) -> list[Trace]:
    country = view.state.country
    if not country or country not in facts.label_points:
        return []
    name = facts.names[country]  # escaped: plotly.js reads names as markup
    out = [
        _outline(_("{country}: profile open").format(country=name), [country], WIDTH),
        _key_entry(_("{country} (profile)").format(country=name), WIDTH),
    ]
    near = [iso3 for iso3 in partners(view) if iso3 in facts.label_points]
    if near:
        out[1:1] = [_outline(_("Its route partners"), near, PARTNER_WIDTH)]
        out.append(_key_entry(_("Its partners on the routes in view"), PARTNER_WIDTH))
    out[-1 if not near else -2]["legendgrouptitle"] = {"text": _("Country profile")}
    return out


def describe(view: View, facts: Facts) -> str:
    country = view.state.country
    if not country:
        return ""
    near = partners(view)
    name = facts.raw_names.get(country, country)
    if not near:
        return _("{country} outlined").format(country=name)
    return ngettext(
        "{country} outlined, with {count} route partner ({partners})",
        "{country} outlined, with {count} route partners ({partners})",
        len(near),
    ).format(country=name, count=i18n.integer(len(near)), partners=", ".join(facts.raw_names[p] for p in near))


def draw_folium(view: View, facts: Facts, canvas: Canvas) -> None:
    country = view.state.country
    if not country:
        return
    near = partners(view)
    for iso3 in near:
        canvas.edges[iso3] = {"color": PROFILE_COLOUR, "weight": PARTNER_WIDTH}
    canvas.edges[country] = {"color": PROFILE_COLOUR, "weight": WIDTH}
    name = facts.raw_names.get(country, country)
    entries = [KeyEntry(_("{country} (profile)").format(country=name), _square(WIDTH))]
    if near:
        entries.append(KeyEntry(_("Its partners on the routes in view"), _square(PARTNER_WIDTH)))
    canvas.key.append(KeyGroup(_("Country profile"), tuple(entries)))


def _square(width: float) -> str:
    return (
        '<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">'
        f'<rect x="3" y="3" width="14" height="14" fill="none" stroke="{PROFILE_COLOUR}" '
        f'stroke-width="{width / 1.5:g}"/>'
        "</svg>"
    )


def frame(view: View, facts: Facts) -> list[tuple[float, float]]:
    """The country, while its profile is open. Not its partners: they follow the filters, and the
    window must not move (and undo the user's zoom) on every filter change."""
    country = view.state.country
    return [facts.label_points[country]] if country in facts.label_points else []


LAYER = Layer(
    key="profile",
    label=N_("Country in profile"),
    needs={"countries": ("name", "label_lon", "label_lat"), "routes": ("origin_iso3", "destination_iso3")},
    traces=traces,
    reads=(
        "country",
        "regions",
        "forms",
        "year",
        "datasets",
        "flowfrom",
        "flowto",
        "flowyears",
        "flowcountry",
        "flowdir",
    ),
    toggleable=False,
    describe=describe,
    folium=draw_folium,
    frame=frame,
)
