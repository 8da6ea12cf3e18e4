"""``/brief/<iso3>.html``: a one-page printable brief of a country profile.

Print-ready HTML, A4 portrait, that prints to PDF from any browser and opens offline: system
fonts, the CSS in a ``<style>``, the map inset an inline SVG, and no URL of any kind. Text from
the data is escaped everywhere: the Jinja2 template autoescapes, and the SVG builder escapes
the few strings it writes itself.

The inset is drawn from the 1:50m outlines, read once per process. It is projected simply
(equirectangular, longitudes scaled by the cosine of the country's latitude) and simplified to
about half an SVG unit, so that even Indonesia's thousands of islands stay a few dozen KB.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import babel.dates
import babel.lists
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from flask import Flask, Response, abort, request
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from dashboard import formatting as fmt
from dashboard import i18n
from dashboard.data import loaded, state_from
from dashboard.downloads import header_notices
from dashboard.exports.boundaries import cut_at_antimeridian
from dashboard.i18n import N_, _, ngettext
from dashboard.profile import DIRECTION_WORDS, Profile, ProgramLine, Reading, country_profile
from dashboard.security import LOCKED_DOCUMENT, capped_notice
from geodata import Atlas
from geodata.boundaries import read_boundaries
from geodata.loader import BOUNDARIES_FILE
from geodata.vocabulary import PROGRAM_TYPES

TEMPLATES = Path(__file__).parent / "templates"
_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,  # every string from the data is escaped, whatever the file is called
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

# The inset: an SVG of this size in its own units (4:3, as the frame is made).
INSET_WIDTH, INSET_HEIGHT = 480.0, 360.0
MIN_FRAME = 4.0  # degrees: a small country still shows the countries around it
PAD = 0.12  # of the frame's larger side, around the country and its route partners
REACH = 5.0  # degrees: islands this close to the main landmass (or half its size) are framed with it
SIMPLIFY = 0.5  # SVG units: about a tenth of a millimetre on paper

SVG_NS = "http://www.w3.org/2000/svg"
PRECISIONS = {
    "exact": N_("exact point"),
    "town": N_("town centre"),
    "city": N_("city centre"),
    "country": N_("country only, no site given"),
}
# Words the brief shows from the profile, translated where
# shown (``_(text)`` in the template); a text the catalogs do not know is data, marked lang="en".
SHOWN_WORDS = (
    N_("Origin, to"),
    N_("Destination, from"),
    N_("Internal, within"),
    N_("no data"),
    N_("suppressed small count"),
)

_BOUNDARIES: dict[tuple[str, int], gpd.GeoDataFrame] = {}


def brief_boundaries(atlas: Atlas) -> gpd.GeoDataFrame:
    """The atlas's country outlines for the inset, read once per process and file.

    Unrepaired on purpose: Russia's and Fiji's rings cross the antimeridian, and must be cut
    there before they are repaired (:func:`dashboard.exports.boundaries.cut_at_antimeridian`);
    :func:`brief_html` does so for the few outlines a brief draws.
    """
    path = Path(atlas.directory) / BOUNDARIES_FILE
    key = (str(path.resolve()), path.stat().st_mtime_ns)
    if key not in _BOUNDARIES:
        _BOUNDARIES[key] = read_boundaries(path, atlas.countries["iso_numeric"], repair=set())
    return _BOUNDARIES[key]


# --- the map inset ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    """Where the inset looks: a projection centred on the country and the box it shows."""

    lon0: float
    lat0: float
    kx: float  # cos(lat0): degrees of longitude to degrees of latitude
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # projected

    def project(self, geometry: BaseGeometry) -> BaseGeometry:
        """Each part moved by 360° to lie within 180° of the centre, then projected."""
        parts, shifted = [], False
        for part in _polygons(geometry):
            middle = (part.bounds[0] + part.bounds[2]) / 2
            shift = -360.0 if middle - self.lon0 > 180 else 360.0 if middle - self.lon0 < -180 else 0.0
            shifted |= shift != 0.0
            parts.append(
                shapely.transform(
                    part, lambda xy, s=shift: np.column_stack(((xy[:, 0] + s - self.lon0) * self.kx, xy[:, 1]))
                )
            )
        # Parts cut at 180° meet again once moved: merge them, so that no seam is drawn there.
        return shapely.union_all(parts) if shifted else shapely.multipolygons(parts)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        """A point in SVG units."""
        lon = (lon - self.lon0 + 180) % 360 - 180 + self.lon0
        return self.svg_x((lon - self.lon0) * self.kx), self.svg_y(lat)

    @property
    def scale(self) -> float:
        return INSET_WIDTH / (self.bounds[2] - self.bounds[0])

    def svg_x(self, x: float) -> float:
        return (x - self.bounds[0]) * self.scale

    def svg_y(self, y: float) -> float:
        return (self.bounds[3] - y) * self.scale

    def lonlat_boxes(self) -> list[BaseGeometry]:
        """The frame in longitude and latitude, and its copies 360° east and west."""
        x0, y0, x1, y1 = self.bounds
        west, east = self.lon0 + x0 / self.kx, self.lon0 + x1 / self.kx
        return [box(west + s, y0, east + s, y1) for s in (-360.0, 0.0, 360.0)]


def _polygons(geometry: BaseGeometry) -> list[BaseGeometry]:
    return [p for p in shapely.get_parts(shapely.get_parts(geometry)) if p.geom_type == "Polygon" and not p.is_empty]


def _valid(geometry: BaseGeometry) -> BaseGeometry:
    return geometry if geometry.is_valid else cut_at_antimeridian(geometry)


def _main_bounds(geometry: BaseGeometry) -> tuple[float, float, float, float]:
    """The bounds of the largest part and of the parts near it (not a far-off overseas territory)."""
    parts = sorted(_polygons(geometry), key=lambda p: p.area, reverse=True)
    x0, y0, x1, y1 = parts[0].bounds
    rest, grown = parts[1:], True
    while grown:
        grown, far = False, []
        reach = max(REACH, 0.5 * math.hypot(x1 - x0, y1 - y0))
        for part in rest:
            a, b, c, d = part.bounds
            if max(a - x1, x0 - c, b - y1, y0 - d, 0.0) <= reach:
                x0, y0, x1, y1 = min(x0, a), min(y0, b), max(x1, c), max(y1, d)
                grown = True
            else:
                far.append(part)
        rest = far
    return x0, y0, x1, y1


def _frame_around(lon0: float, lat0: float, shapes: Sequence[BaseGeometry]) -> _Frame:
    """A 4:3 frame around the main parts of ``shapes`` (lon/lat), padded, at least MIN_FRAME wide."""
    frame = _Frame(lon0, lat0, max(math.cos(math.radians(lat0)), 0.2))
    boxes = [_main_bounds(frame.project(s)) for s in shapes if _polygons(s)]
    if boxes:
        x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    else:
        x0 = x1 = 0.0
        y0 = y1 = lat0
    pad = PAD * max(x1 - x0, y1 - y0)
    width, height = max(x1 - x0 + 2 * pad, MIN_FRAME), max(y1 - y0 + 2 * pad, MIN_FRAME)
    width, height = max(width, height * INSET_WIDTH / INSET_HEIGHT), max(height, width * INSET_HEIGHT / INSET_WIDTH)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return _Frame(frame.lon0, frame.lat0, frame.kx, (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2))


def _path(frame: _Frame, geometry: BaseGeometry, keep_specks: bool = False) -> str:
    """SVG path data of a projected geometry, clipped to the frame and simplified."""
    tolerance = SIMPLIFY / frame.scale
    clipped = geometry.simplify(tolerance, preserve_topology=True).intersection(box(*frame.bounds).buffer(tolerance))
    rings = []
    for polygon in _polygons(clipped):
        if not keep_specks and polygon.area * frame.scale**2 < 1.0:
            continue  # smaller than a square unit: invisible at print size
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.asarray(ring.coords)
            xs, ys = (
                np.round((xy[:, 0] - frame.bounds[0]) * frame.scale, 1),
                np.round((frame.bounds[3] - xy[:, 1]) * frame.scale, 1),
            )
            points = [f"{x:g},{y:g}" for x, y in zip(xs[:-1], ys[:-1], strict=True)]
            points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
            if len(points) >= 3:
                rings.append("M" + " ".join(points) + "Z")
    return "".join(rings)


@dataclass(frozen=True)
class Inset:
    """The map inset: inline SVG markup and what it shows, in words."""

    svg: Markup
    description: str
    partners: int  # route partners outlined
    sites: int  # program sites drawn, of which
    open_sites: int  # placed at the country's centre (no site given)
    outside: int  # program sites outside the frame (not drawn)


def _sites(atlas: Atlas, profile: Profile) -> list[tuple[int, ProgramLine, pd.Series]]:
    rows = atlas.programs[atlas.programs["iso3"] == profile.iso3].set_index("program_id", drop=False)
    return [(number, line, rows.loc[line.program_id]) for number, line in enumerate(profile.programs, start=1)]


def _words(items: Sequence[str]) -> str:
    """``A, B and C`` in English; the current language's list otherwise (CLDR, through Babel)."""
    if i18n.lang() != i18n.DEFAULT:
        return babel.lists.format_list(list(items), locale=i18n.locale(i18n.lang()))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _name(atlas: Atlas, iso3: str) -> str:
    """A country's name in the current language (CLDR), the data's in English."""
    return i18n.country_name(iso3, str(atlas.countries["name"].get(iso3, iso3)))


def make_inset(atlas: Atlas, profile: Profile, boundaries: gpd.GeoDataFrame | None) -> Inset | None:
    """The country filled, its neighbours grey, its route partners outlined, its program sites marked.

    Returns ``None`` if the boundaries have no outline for the country.
    """
    iso3 = profile.iso3
    if boundaries is None or iso3 not in boundaries.index:
        return None
    country = _valid(boundaries.geometry[iso3])
    if not _polygons(country):
        return None
    partners = sorted(set(_partner_codes(atlas, iso3)) & set(boundaries.index))
    label = atlas.countries.loc[iso3, ["label_lon", "label_lat"]]
    if label.notna().all():
        lon0, lat0 = float(label.iloc[0]), float(label.iloc[1])
    else:
        centre = country.representative_point()
        lon0, lat0 = centre.x, centre.y
    name = i18n.country_name(iso3, profile.name)
    partner_shapes = {p: _valid(boundaries.geometry[p]) for p in partners}
    frame = _frame_around(lon0, lat0, [country, *partner_shapes.values()])

    candidates: set[str] = set()
    for lonlat in frame.lonlat_boxes():
        candidates |= set(boundaries.index[boundaries.sindex.query(lonlat)])
    neighbours = []
    for code in sorted(candidates - {iso3}):
        d = _path(frame, frame.project(_valid(boundaries.geometry[code])))
        if d:
            neighbours.append((code, d))
    country_d = _path(frame, frame.project(country), keep_specks=True)
    partner_paths = [(p, _path(frame, frame.project(s))) for p, s in partner_shapes.items()]

    parts = [
        f'<rect class="sea" width="{INSET_WIDTH:g}" height="{INSET_HEIGHT:g}"/>',
        '<g class="neighbours">',
        *(f'<path d="{d}"><title>{html.escape(_name(atlas, c))}</title></path>' for c, d in neighbours),
        "</g>",
        f'<path class="country" d="{country_d}"><title>{html.escape(name)}</title></path>',
        '<g class="partners">',
        *(f'<path d="{d}"/>' for _, d in partner_paths if d),
        "</g>",
    ]
    for code in partners:
        lon, lat = atlas.countries.loc[code, ["label_lon", "label_lat"]]
        if pd.notna(lon) and pd.notna(lat):
            x, y = frame.point(float(lon), float(lat))
            if 0 <= x <= INSET_WIDTH and 0 <= y <= INSET_HEIGHT:
                parts.append(
                    f'<text class="partner-name" x="{x:.1f}" y="{y:.1f}">{html.escape(_name(atlas, code))}</text>'
                )

    taken: list[tuple[float, float]] = []
    drawn = at_country = outside = 0
    for number, _line, site in _sites(atlas, profile):
        if pd.isna(site["map_lon"]) or pd.isna(site["map_lat"]):
            outside += 1
            continue
        x, y = frame.point(float(site["map_lon"]), float(site["map_lat"]))
        if not (0 <= x <= INSET_WIDTH and 0 <= y <= INSET_HEIGHT):
            outside += 1
            continue
        while any(abs(x - a) < 14 and abs(y - b) < 14 for a, b in taken):
            x += 16  # markers on one spot side by side, so that each number stays readable
        taken.append((x, y))
        open_ = site["site_precision"] == "country"
        at_country += open_
        drawn += 1
        kind = "site open" if open_ else "site"
        parts.append(
            f'<g class="{kind}"><circle cx="{x:.1f}" cy="{y:.1f}" r="7"/>'
            f'<text x="{x:.1f}" y="{y + 3.2:.1f}">{number}</text></g>'
        )

    said = [_("{country} filled, neighbouring countries in grey").format(country=name)]
    if partners:
        said.append(
            ngettext("route partner {countries} outlined", "route partners {countries} outlined", len(partners)).format(
                countries=_words([_name(atlas, p) for p in partners])
            )
        )
    if drawn:
        sites = ngettext(
            "{count} program site numbered as in the programs table",
            "{count} program sites numbered as in the programs table",
            drawn,
        ).format(count=i18n.integer(drawn))
        if at_country:
            sites = _("{sites} ({count} placed at the country's centre: no site given)").format(
                sites=sites, count=i18n.integer(at_country)
            )
        said.append(sites)
    description = _("Map of {country} and its region: {parts}.").format(country=name, parts=i18n.semicolons(said))
    label_text = html.escape(description)
    svg = (
        f'<svg xmlns="{SVG_NS}" class="inset" viewBox="0 0 {INSET_WIDTH:g} {INSET_HEIGHT:g}" '
        f'role="img" aria-label="{label_text}"><title>{label_text}</title>' + "".join(parts) + "</svg>"
    )
    return Inset(Markup(svg), description, len(partners), drawn, at_country, outside)


def _partner_codes(atlas: Atlas, iso3: str) -> list[str]:
    """ISO3 codes of the countries at the other end of the country's routes."""
    routes = atlas.routes
    ends = pd.concat(
        [
            routes.loc[routes["origin_iso3"] == iso3, "destination_iso3"],
            routes.loc[routes["destination_iso3"] == iso3, "origin_iso3"],
        ]
    )
    return [str(c) for c in ends.dropna().unique() if c != iso3]


# --- the page -----------------------------------------------------------------------------------


def _value(reading: Reading) -> str:
    """The reading without its unit, which has a column of its own (written so by the profile:
    cutting the unit off the text would leave Spanish "12,6 millones de")."""
    return reading.bare or reading.text


def _year(reading: Reading, year: int) -> str:
    if reading.year is None:
        return "\u2014"
    if reading.fallback:
        return _("{year} (latest before {chosen})").format(year=reading.year, chosen=year)
    return str(reading.year)


def _english_region(atlas: Atlas, iso3: str) -> str:
    """The country's M49 sub-region and region as the data names them (in English)."""
    country = atlas.countries.loc[iso3]
    return ", ".join(
        str(country[c]) for c in ("un_subregion", "un_region") if isinstance(country[c], str) and country[c]
    )


def _types(site: pd.Series) -> tuple[str, Markup]:
    """A program's types, each named in the current language (the vocabulary's names, marked
    there), and `` lang="en"`` if one of them is not translated."""
    names = [PROGRAM_TYPES.get(t, t) for t in site["types"]]
    english = [_english(name) for name in names]
    return ", ".join(_(name) for name in names), next((e for e in english if e), Markup(""))


def _source_ids(atlas: Atlas, profile: Profile, year: int) -> list[str]:
    """Every source cited on the page, in order of first appearance."""
    cells: list[object] = [atlas.countries.loc[profile.iso3, "source"]]
    indicators = atlas.indicators[atlas.indicators["iso3"] == profile.iso3]
    for reading in profile.readings:
        if reading.year is not None:
            row = indicators[(indicators["indicator"] == reading.indicator) & (indicators["year"] == reading.year)]
            cells += list(row["source"])
    routes = atlas.routes
    cells += list(
        routes.loc[(routes["origin_iso3"] == profile.iso3) | (routes["destination_iso3"] == profile.iso3), "source"]
    )
    cells += list(atlas.programs.loc[atlas.programs["iso3"] == profile.iso3, "source"])
    ids: Iterable[str] = (s.strip() for cell in cells if isinstance(cell, str) for s in cell.split(";"))
    return [s for s in dict.fromkeys(ids) if s in atlas.sources.index]


def brief_html(
    atlas: Atlas,
    iso3: str,
    year: int,
    threshold: int,
    boundaries: gpd.GeoDataFrame | None,
    notices: Sequence[str] = (),
    generated: dt.date | None = None,
) -> str:
    """A one-page printable brief of one country, as a standalone HTML document.

    Parameters
    ----------
    atlas : Atlas
    iso3 : str
        ISO 3166 alpha-3 code of a country in ``atlas.countries``.
    year : int
        Indicators are for this year, or the latest earlier year the data has.
    threshold : int
        Counts of people below it read "fewer than N".
    boundaries : geopandas.GeoDataFrame or None
        Country outlines by ISO3, in WGS84, as :func:`brief_boundaries` gives them (not repaired
        before the antimeridian cut, which would turn Russia into a band around the world);
        ``None`` leaves the map out.
    notices : sequence of str
        Notes on the request (values that fell back to defaults), shown at the top.
    generated : datetime.date, optional
        The date in the footer; today by default.

    Returns
    -------
    str
        HTML with no URL in it but the SVG namespace.

    Raises
    ------
    KeyError
        If ``iso3`` is not a country of the atlas.
    """
    if iso3 not in atlas.countries.index:
        raise KeyError(f"No country {iso3!r} in the atlas")
    profile = country_profile(atlas, iso3, year, threshold)
    sources = atlas.sources
    language = i18n.lang()
    day = generated or dt.date.today()
    return _ENV.get_template("brief.html").render(
        lang=language,
        name=i18n.country_name(iso3, profile.name),
        data=_DATA if language != i18n.DEFAULT else "",
        region_lang=_DATA if language != i18n.DEFAULT and profile.region == _english_region(atlas, iso3) else "",
        profile=profile,
        year=year,
        threshold=threshold,
        inset=make_inset(atlas, profile, boundaries),
        readings=[(r, _value(r), _year(r, year)) for r in profile.readings],
        routes=[(DIRECTION_WORDS.get(r.direction, r.direction), r) for r in profile.routes],
        programs=[
            (number, line, *_types(site), _(PRECISIONS.get(str(site["site_precision"]), str(site["site_precision"]))))
            for number, line, site in _sites(atlas, profile)
        ],
        sources=[
            sources.loc[s, ["publisher", "document", "date"]].to_dict() for s in _source_ids(atlas, profile, year)
        ],
        notices=list(notices),
        generated=day.isoformat()
        if language == i18n.DEFAULT
        else babel.dates.format_date(day, "long", locale=language),
    )


_DATA = Markup(' lang="en"')  # on an element whose text is data, as its source wrote it (in English)


def _english(text: object) -> Markup:
    """`` lang="en"`` for a text shown as the data has it, in a page in another language: a text
    with words that the catalogs do not translate (a number, or an empty cell, is no language)."""
    if i18n.lang() == i18n.DEFAULT or not isinstance(text, str) or not re.match(r"\D*[A-Za-z]{2}", text):
        return Markup("")
    if text[:1].isdigit() or text in _catalog_words(i18n.lang()):
        return Markup("")  # a number (formatted by the atlas), or the atlas's words (either language)
    return _DATA


@functools.cache
def _catalog_words(language: str) -> frozenset[str]:
    """Every message of the language's catalog, in English and as translated: what is not data."""
    catalog: dict[object, str] = getattr(i18n.translations(language), "_catalog", {})
    return frozenset([key for key in catalog if isinstance(key, str)] + [value for value in catalog.values() if value])


def _shown(text: object) -> object:
    """A text of the profile or the catalogue in the page's language, where the catalogs know it."""
    return _(text) if isinstance(text, str) and text else text


_ENV.globals.update(
    _=_, ngettext=ngettext, integer=i18n.integer, en=_english, tr=_shown, indicator_unit=fmt.indicator_unit
)


# The brief has no script and loads nothing: only its inline styles (and its inline SVG map).
BRIEF_CSP = "; ".join(("default-src 'none'", "style-src 'unsafe-inline'", *LOCKED_DOCUMENT))


def register_brief(server: Flask) -> None:
    """Add ``/brief/<iso3>.html``: the brief, for the year the query asks (as the app reads it)."""

    @server.route("/brief/<iso3>.html")
    def brief(iso3: str) -> Response:
        data = loaded()
        code = iso3.strip().upper()
        if code not in data.atlas.countries.index:
            abort(
                404,
                description=_("No country with the ISO 3166 alpha-3 code {code} in the atlas.").format(
                    code=repr(iso3[:10])
                ),
            )
        query = request.query_string.decode("utf-8", "replace")
        state, notices = state_from(query)
        page = brief_html(data.atlas, code, state.year, data.facts.threshold, brief_boundaries(data.atlas), notices)
        response = Response(page, mimetype="text/html")
        # The page needs nothing from anywhere: say so, so that a browser refuses if it ever did.
        response.headers["Content-Security-Policy"] = BRIEF_CSP
        if notices:  # in English, as the downloads' (the page says them in its language)
            response.headers["X-Atlas-Notice"] = capped_notice(header_notices(query)[1])
        return response
