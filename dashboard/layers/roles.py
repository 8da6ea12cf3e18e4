"""Source and destination countries, derived from the routes in view.

A dark outline marks every country a route in view starts or ends in, so it reads on top of
any choropleth; a marker at the country's label point says which role (shape and fill, not
colour alone): origin, destination, both, or internal trafficking only.

Every word the layer writes is in the language of the request (:mod:`dashboard.i18n`); the role
names of the key are :data:`dashboard.view.ROLE_LABELS`, which translates them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashboard import flows as fl
from dashboard import formatting as fmt
from dashboard import i18n
from dashboard.exports.canvas import Canvas, KeyEntry, KeyGroup, symbol_svg
from dashboard.exports.elements import SvgMarker
from dashboard.i18n import N_, _, ngettext
from dashboard.layers import Facts, Layer, Trace
from dashboard.palette import ROLE_STYLES
from dashboard.view import ROLE_LABELS, View, roles_of
from geodata.vocabulary import EXPLOITATION_FORMS

GROUP = "roles"
TITLE = N_("Countries on routes")
# A role as the hover and the HTML export's popup say it, after the country's name.
ROLE_WORDS = {
    "origin": N_("origin country"),
    "destination": N_("destination country"),
    "both": N_("origin and destination"),
    "internal": N_("internal trafficking only"),
}


def role_label(role: str) -> str:
    """A role's name in the key, in the current language (:data:`dashboard.view.ROLE_LABELS` translates)."""
    return ROLE_LABELS[role]


def role_words(role: str) -> str:
    """A role as the hover says it (``origin country``), in the current language."""
    return _(ROLE_WORDS[role])


OUTLINE_COLOUR, OUTLINE_WIDTH = "#111111", 2.5


MAX_LINES = 5  # partner lines in a hover; past that, the partners are counted (thousands of flows)


def partner_lines(routes: list[dict[str, object]], names: Mapping[str, str]) -> dict[str, str]:
    """Each country's hover lines for the routes in view, made in one pass over the routes (escaped):
    ``to Thailand (forced begging)``-style lines, or, past :data:`MAX_LINES` of them, the partners
    and forms counted (``to 12 places, from 30 places; 3 forms``), which keeps the trace small.
    In the language of the request (``names`` are in it too)."""
    within_line, to_line, from_line = (
        _("within the country ({form})"),
        _("to {place} ({form})"),
        _("from {place} ({form})"),
    )
    lines: dict[str, dict[str, None]] = {}
    partners: dict[str, tuple[set[str], set[str], set[str]]] = {}  # to, from, forms
    for route in routes:
        form = form_word(str(route["form"]))
        origin, destination = route["origin_iso3"], route["destination_iso3"]
        if isinstance(origin, str) and origin == destination:
            lines.setdefault(origin, {})[within_line.format(form=form)] = None
            partners.setdefault(origin, (set(), set(), set()))[2].add(form)
            continue
        to = str(names.get(str(destination)) or route["destination_label"])
        source = str(names.get(str(origin)) or route["origin_label"])
        if isinstance(origin, str):
            lines.setdefault(origin, {})[to_line.format(place=to, form=form)] = None
            found = partners.setdefault(origin, (set(), set(), set()))
            found[0].add(to)
            found[2].add(form)
        if isinstance(destination, str):
            lines.setdefault(destination, {})[from_line.format(place=source, form=form)] = None
            found = partners.setdefault(destination, (set(), set(), set()))
            found[1].add(source)
            found[2].add(form)
    out = {}
    for iso3, found_lines in lines.items():
        if len(found_lines) <= MAX_LINES:
            out[iso3] = "<br>".join(fmt.esc(line) for line in found_lines)
            continue
        destinations, origins, forms = partners[iso3]
        counted = [
            ngettext("to {count} place", "to {count} places", len(destinations)).format(
                count=i18n.integer(len(destinations))
            )
            if destinations
            else "",
            ngettext("from {count} place", "from {count} places", len(origins)).format(count=i18n.integer(len(origins)))
            if origins
            else "",
        ]
        of_forms = ngettext("{places}; {count} form", "{places}; {count} forms", len(forms))
        out[iso3] = fmt.esc(of_forms.format(places=", ".join(c for c in counted if c), count=i18n.integer(len(forms))))
    return out


def form_word(form: str) -> str:
    """A form of exploitation as a partner line names it, in lower case (``forced begging``), in
    the current language: English and the other languages write it so within a sentence."""
    return _(EXPLOITATION_FORMS[form].label).lower()


def role_records(view: View, routes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each country's role on ``routes``, the routes in view (:func:`dashboard.flows.route_records`:
    the counted flows of every year of ``flowyears=`` included)."""
    return view.role_records if routes is view.route_records else roles_of(routes, view.atlas.countries)


def traces(view: View, facts: Facts) -> list[Trace]:
    routes = fl.route_records(view)
    records = role_records(view, routes)
    if not records:
        return []
    partners = partner_lines(routes, facts.raw_names)
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
            "name": _("Countries on routes in view"),
            "marker": {"line": {"color": OUTLINE_COLOUR, "width": OUTLINE_WIDTH}},
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
                "name": role_label(role),
                "legendgroup": GROUP,
                "legendgrouptitle": {"text": _(TITLE)} if len(out) == 1 else None,
                "marker": {"symbol": symbol, "size": 15, "color": fill, "line": {"color": "#000000", "width": 2}},
                "customdata": [
                    [facts.names[r["iso3"]], partners.get(str(r["iso3"]), ""), f"country:{r['iso3']}"] for r in rows
                ],
                "hovertemplate": f"<b>%{{customdata[0]}}</b> — {fmt.esc(role_words(role))}"
                "<br>%{customdata[1]}<extra></extra>",
            }
        )
    for trace in out:
        if trace.get("legendgrouptitle") is None:
            trace.pop("legendgrouptitle", None)
    return out


def cites(view: View) -> list[str]:
    return [str(route["source"]) for route in fl.route_records(view)]


MARKER_SIZE = 18  # pixels, in the HTML export


def draw_folium(view: View, facts: Facts, canvas: Canvas) -> None:
    """Each country on a route in view outlined, with a marker of its role at its label point."""
    routes = fl.route_records(view)
    records = role_records(view, routes)
    if not records:
        return
    group = canvas.group(_(LAYER.label))
    lines = partner_lines(routes, facts.raw_names)
    drawn: list[str] = []
    for r in records:
        iso3 = str(r["iso3"])
        canvas.edges[iso3] = {"color": OUTLINE_COLOUR, "weight": OUTLINE_WIDTH}
        fill, symbol = ROLE_STYLES[r["role"]]
        label = role_words(r["role"])
        if r["role"] not in drawn:
            drawn.append(r["role"])
        name = facts.names.get(iso3, fmt.esc(iso3))
        partners = lines.get(iso3, "")
        marker = SvgMarker(
            location=(float(r["lat"]), float(r["lon"])),
            svg=symbol_svg(symbol, fill, MARKER_SIZE, True, fmt.esc(f"country:{iso3}")),
            size=(MARKER_SIZE, MARKER_SIZE),
            class_name=f"atlas-role atlas-role-{r['role']}",
            data=canvas.data,
            z_index_offset=500,
        )
        canvas.bind(marker, f"<b>{name}</b> — {fmt.esc(label)}<br>{partners}", f"<b>{name}</b>").add_to(group)
    entries = [
        KeyEntry(role_label(role), symbol_svg(ROLE_STYLES[role][1], ROLE_STYLES[role][0], 16, True))
        for role in ROLE_STYLES
        if role in drawn
    ]
    note = "<p>" + _("Outlined: a country on a route in view.") + "</p>"
    canvas.key.append(KeyGroup(_(TITLE), tuple(entries), note=note))


LAYER = Layer(
    key="roles",
    label=N_("Source and destination countries"),
    needs={
        "routes": ("origin_iso3", "destination_iso3", "origin_label", "destination_label", "form"),
        "countries": ("name", "label_lon", "label_lat"),
    },
    traces=traces,
    reads=("regions", "forms", "year", "datasets", "flowfrom", "flowto", "flowyears", "flowcountry", "flowdir"),
    cites=cites,
    folium=draw_folium,
)
