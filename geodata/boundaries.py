"""Country boundaries (Natural Earth via world-atlas) and the spatial checks that use them.

Known defects of world-atlas 50m, handled here: five features carry no ISO id (Somaliland,
Kosovo, N. Cyprus, Indian Ocean Ter., Siachen Glacier) and are dropped; "Ashmore and Cartier
Is." shares Australia's id, so features are dissolved by id; a few geometries (Russia, Fiji,
Antarctica) are invalid and are repaired with ``make_valid``; the TopoJSON carries no CRS, so
WGS84 is set explicitly.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import Geod
from shapely.ops import nearest_points

WGS84 = "EPSG:4326"
# A site may lie this far outside its country's 1:50m outline (coasts and lakes are coarse).
SITE_TOLERANCE_KM = 25.0
_GEOD = Geod(ellps="WGS84")


def read_boundaries(path: Path, iso_numeric: pd.Series, repair: set[str] | None = None) -> gpd.GeoDataFrame:
    """Read the world-atlas TopoJSON into one valid geometry per ISO 3166 alpha-3 code.

    Parameters
    ----------
    path : Path
        The ``countries-50m.json`` TopoJSON file.
    iso_numeric : pandas.Series
        ISO numeric code indexed by alpha-3 code (the countries table).
    repair : set of str, optional
        Repair only these countries' invalid geometries (all by default). Repairing every
        country takes a sixth of a second; the loader needs only the countries it checks.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``iso3``, in WGS84.
    """
    raw = gpd.read_file(path, layer="countries")
    raw = raw[raw["id"].notna()].set_crs(WGS84, allow_override=True)
    numeric = iso_numeric.dropna().astype(int)
    alpha3_of = pd.Series(numeric.index, index=numeric.values)
    alpha3_of = alpha3_of[~alpha3_of.index.duplicated()]
    raw["iso3"] = raw["id"].astype(int).map(alpha3_of)
    raw = raw[raw["iso3"].notna()]
    invalid = ~raw.is_valid & (raw["iso3"].isin(repair) if repair is not None else True)
    raw.loc[invalid, "geometry"] = raw.loc[invalid, "geometry"].make_valid()
    shared = raw["iso3"].duplicated(keep=False)
    merged = raw[shared].dissolve(by="iso3")
    return pd.concat([raw[~shared].set_index("iso3")[["geometry"]], merged[["geometry"]]]).sort_index()


def sites_outside_country(
    sites: pd.DataFrame, boundaries: gpd.GeoDataFrame, tolerance_km: float = SITE_TOLERANCE_KM
) -> pd.DataFrame:
    """Sites that are not inside, nor within ``tolerance_km`` of, their stated country.

    Parameters
    ----------
    sites : pandas.DataFrame
        Columns ``iso3``, ``lon``, ``lat`` (rows without coordinates are skipped).
    boundaries : geopandas.GeoDataFrame
        From :func:`read_boundaries`.

    Returns
    -------
    pandas.DataFrame
        The offending rows of ``sites`` with ``found_in`` (the country the point falls in, or
        empty) and ``distance_km`` (to the stated country; NaN if it has no boundary).
        ``boundaries`` should hold every country, so that ``found_in`` can name any of them.
    """
    located = sites.dropna(subset=["lon", "lat"])
    points = gpd.GeoDataFrame(located[["iso3"]], geometry=gpd.points_from_xy(located["lon"], located["lat"]), crs=WGS84)
    outlines = boundaries.reset_index().rename(columns={"iso3": "found_in"})
    joined = gpd.sjoin(points, outlines, how="left", predicate="within")
    found_in = joined.groupby(level=0)["found_in"].agg(lambda s: s.dropna().iloc[0] if s.notna().any() else "")
    suspects = located[found_in.reindex(located.index) != located["iso3"]]
    rows = []
    for idx, site in suspects.iterrows():
        distance = float("nan")
        if site["iso3"] in boundaries.index:
            point = points.geometry[idx]
            near = nearest_points(boundaries.geometry[site["iso3"]], point)[0]
            distance = _GEOD.inv(point.x, point.y, near.x, near.y)[2] / 1000
        if not distance <= tolerance_km:
            rows.append({**site.to_dict(), "found_in": found_in[idx], "distance_km": distance, "row": idx})
    return pd.DataFrame(rows, columns=[*sites.columns, "found_in", "distance_km", "row"]).set_index("row")
