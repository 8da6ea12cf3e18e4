"""Country shapes for the HTML export: simplified once per data directory and kept in memory.

The 1:50m outlines are far finer than an overview map needs; simplified to ``TOLERANCE``
degrees (about 5 km) and rounded to 0.01 degree they keep the export's file under a megabyte.
Antarctica is left out: Web Mercator stretches it across the bottom of the map, and the app's
world view leaves it out too.

Leaflet draws longitudes as they are, so a ring that crosses the antimeridian (Russia's
Chukotka, Fiji) would be drawn as a band across the whole map. Such polygons are cut at 180°
before they are repaired: ``make_valid`` on the uncut ring turns it into such a band.
"""

from __future__ import annotations

from pathlib import Path

import antimeridian
import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geodata import Atlas
from geodata.boundaries import read_boundaries
from geodata.loader import BOUNDARIES_FILE

TOLERANCE = 0.05  # degrees
DECIMALS = 2  # of a degree: about 1 km
LEFT_OUT = ("ATA",)

_CACHE: dict[tuple[str, int, float], gpd.GeoDataFrame] = {}


def _polygons(geometry: BaseGeometry) -> list[BaseGeometry]:
    return [part for part in shapely.get_parts(geometry) if part.geom_type in ("Polygon", "MultiPolygon")]


def _crosses_antimeridian(polygon: BaseGeometry) -> bool:
    rings = [polygon.exterior, *polygon.interiors]
    return any(bool(np.any(np.abs(np.diff(np.asarray(ring.coords)[:, 0])) > 180)) for ring in rings)


def cut_at_antimeridian(geometry: BaseGeometry) -> BaseGeometry:
    """``geometry`` with every polygon that crosses 180° cut into its eastern and western parts, made valid.

    The cut is :func:`antimeridian.fix_polygon`'s. Segments are taken as straight in longitude and
    latitude (``great_circle=False``), as the maps draw them, so a cut meets 180° where the drawn
    outline does. The outlines are wound clockwise, TopoJSON's way; ``fix_winding`` turns them
    round without a warning per ring.
    """
    parts: list[BaseGeometry] = []
    # Only the polygons that cross go through antimeridian: it walks every point in Python, and
    # Russia has 99 parts, of which two cross.
    for polygon in shapely.get_parts(shapely.get_parts(geometry)):
        if polygon.geom_type == "Polygon" and _crosses_antimeridian(polygon):
            polygon = antimeridian.fix_polygon(polygon, great_circle=False, fix_winding=True)
        parts.extend(shapely.get_parts(polygon))
    merged = shapely.union_all(parts)
    valid = merged if merged.is_valid else shapely.make_valid(merged)
    return shapely.union_all(_polygons(valid))


def simplify_boundaries(boundaries: gpd.GeoDataFrame, tolerance: float = TOLERANCE) -> gpd.GeoDataFrame:
    """Cut at the antimeridian, repair, simplify, round; drop the outlines that vanish.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        One geometry per ISO3 code, in WGS84, repaired or not (as
        :func:`geodata.boundaries.read_boundaries` gives with ``repair=set()``).
    tolerance : float
        In degrees.

    Returns
    -------
    geopandas.GeoDataFrame
        Same index and CRS, without :data:`LEFT_OUT`; polygons only.
    """
    kept = boundaries.drop(index=[c for c in LEFT_OUT if c in boundaries.index])
    cut = gpd.GeoSeries([cut_at_antimeridian(g) for g in kept.geometry], index=kept.index, crs=boundaries.crs)
    simple = cut.simplify(tolerance, preserve_topology=True).to_numpy()
    rounded = shapely.transform(simple, lambda xy: np.round(xy, DECIMALS))
    out = gpd.GeoDataFrame(geometry=gpd.GeoSeries(rounded, index=kept.index, crs=boundaries.crs))
    return out[~out.geometry.is_empty]


def export_boundaries(atlas: Atlas, tolerance: float = TOLERANCE) -> gpd.GeoDataFrame:
    """The atlas's country shapes, simplified for the export (read once per file and tolerance).

    Parameters
    ----------
    atlas : Atlas
        Its ``directory`` holds ``boundaries/countries-50m.json``; its countries table maps ISO
        numeric codes to ISO3.
    tolerance : float
        In degrees.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``iso3``, in WGS84.
    """
    path = Path(atlas.directory) / BOUNDARIES_FILE
    key = (str(path.resolve()), path.stat().st_mtime_ns, float(tolerance))
    if key not in _CACHE:
        codes = atlas.countries.drop_duplicates("iso_numeric").dropna(subset=["iso_numeric"])
        # Unrepaired: the antimeridian cut must come before the repair.
        raw = read_boundaries(path, codes["iso_numeric"], repair=set())
        _CACHE[key] = simplify_boundaries(raw, tolerance)
    return _CACHE[key]
