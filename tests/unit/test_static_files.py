"""Static files: the partial plotly.js bundle, the shapes' preload, cache headers and compression."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.figure import SHAPES_URL
from dashboard.static_files import IMMUTABLE

ASSETS = Path(__file__).resolve().parents[2] / "assets"
BUNDLE = ASSETS / "vendor" / "plotly-geo.min.js"


def test_the_bundle_is_the_plotly_js_that_plotly_ships():
    from plotly.offline import get_plotlyjs_version

    header = BUNDLE.read_text(encoding="utf-8")[:200]
    assert f"plotly.js (geo - minified) v{get_plotlyjs_version()}" in header
    assert (ASSETS / "vendor" / "plotly-geo.min.js.LICENSE.txt").exists()


def test_the_bundle_fetches_nothing_from_outside():
    bundle = BUNDLE.read_text(encoding="utf-8")
    # Its only default that names a place to fetch from is the map shapes', and that is local.
    assert re.findall(r"topojsonURL:\{[^}]*\}", bundle) == [
        'topojsonURL:{valType:"string",noBlank:!0,dflt:"/assets/topojson/"}'
    ]


def test_the_page_preloads_the_shapes_plotly_fetches(atlas_app):
    html = atlas_app.server.test_client().get("/").get_data(as_text=True)
    head = html.split("</head>")[0]
    assert f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{SHAPES_URL}">' in head
    assert (ASSETS / SHAPES_URL.removeprefix("/assets/")).exists()
    # The map's own figure asks for the same file, so the preload is used, not fetched twice.
    assert "plotly-geo.min.js" in html


def get(client, url: str):
    # What a browser sends over plain HTTP (over HTTPS or to localhost it adds br and zstd).
    response = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    response.get_data()  # read the (streamed) body inside the test, as a browser would
    response.close()
    return response


def test_versioned_static_files_are_kept_a_year_and_compressed(atlas_app):
    client = atlas_app.server.test_client()
    html = client.get("/").get_data(as_text=True)
    bundle = re.search(r'src="(/assets/vendor/plotly-geo\.min\.js\?m=[^"]+)"', html)[1]
    suite = re.search(r'src="(/_dash-component-suites/dash/dcc/dash_core_components\.v[^"]+)"', html)[1]
    for url in (bundle, suite):
        response = get(client, url)
        assert response.headers["Cache-Control"] == IMMUTABLE
        # Assets are streamed from disk: flask-compress compresses streams with anything but gzip.
        assert response.headers["Content-Encoding"] in ("gzip", "deflate")
    shapes = get(client, SHAPES_URL)
    assert shapes.headers["Content-Encoding"] == "deflate"
    assert "immutable" not in shapes.headers["Cache-Control"]
    assert "ETag" in shapes.headers
    # The page itself and unversioned files are not kept.
    assert "max-age" not in client.get("/").headers.get("Cache-Control", "")
    assert "immutable" not in client.get("/assets/atlas.js").headers.get("Cache-Control", "")


def test_the_bundle_turns_every_traces_arrow_heads():
    """plotly.js 4.1.1 sets up marker angles for a geo map's first trace only; the vendored bundle
    reads each trace (scripts/rebuild_derived.py fix_marker_angles; tests/integration/test_map.py
    map007 sees the arrows on the page)."""
    bundle = BUNDLE.read_text(encoding="utf-8")
    assert re.search(r"\w=\w\[0\]\[0\]\.trace;\w\._geo=", bundle) is None
    assert len(re.findall(r"\w=(\w)\[(\w)\]\[0\]\.trace;\w\._geo=", bundle)) == 1
