"""Make a folium map open offline: Leaflet inlined, every CDN link dropped.

folium links Leaflet, jQuery, Bootstrap, Font Awesome and Leaflet.awesome-markers from CDNs
(``folium.Map.default_js`` / ``default_css``). The export draws with plain Leaflet only (paths,
``L.divIcon`` markers, its own popup binding), so it inlines the vendored Leaflet that folium
expects and drops the rest. Any other library an element asks for is an error rather than a
silent CDN link: the export must then vendor it too.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import folium
from branca.element import Element, Figure
from folium.elements import JSCSSMixin

from dashboard.exports.elements import HtmlBlock

LEAFLET_VERSION = "1.9.3"  # what folium 0.20's default_js links; tests check they agree
VENDOR_DIR = Path(__file__).parent / "vendor" / f"leaflet-{LEAFLET_VERSION}"

# Libraries folium's Map links by default that nothing in the export uses.
UNUSED = frozenset(
    {
        "jquery",
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)
INLINED = frozenset({"leaflet", "leaflet_css"})

# What a browser would fetch from another host by itself: a script, stylesheet, image, frame or
# media source, a CSS url() or @import, a source map. Links people may click (<a href>) are not
# fetched; the export has none, but Leaflet's script holds one for its attribution prefix.
FETCHED_URL = re.compile(
    r"""<(?:script|link|img|iframe|frame|source|video|audio|embed|object|track|input|image|use)\b[^>]*?"""
    r"""\b(?:src|href|srcset|poster|data|xlink:href)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//"""
    r"""|@import\s+(?:url\(\s*)?["']?\s*(?:https?:)?//"""
    r"""|sourceMappingURL=""",
    re.IGNORECASE,
)


class OfflineError(RuntimeError):
    """The map needs a library that the export does not bundle."""


def outside_references(page: str) -> list[str]:
    """Snippets of ``page`` around every reference a browser would fetch from another host (or a source map)."""
    return [page[max(0, m.start() - 40) : m.end() + 40] for m in FETCHED_URL.finditer(page)]


@cache
def leaflet_js() -> str:
    """Leaflet's minified script, without its source-map comment (a browser could fetch it)."""
    text = (VENDOR_DIR / "leaflet.js").read_text(encoding="utf-8")
    text = re.sub(r"//# sourceMappingURL=\S+\s*$", "", text)
    if "</script" in text.lower():
        raise OfflineError("leaflet.js cannot be inlined: it contains '</script'")
    return text


@cache
def leaflet_css() -> str:
    """Leaflet's stylesheet with its images as data URIs.

    The layer-control icons are vendored and inlined. Default marker images are not: the export
    never draws a default marker, and a ``url()`` left pointing at ``images/`` would be fetched
    relative to wherever the file was saved.
    """
    text = (VENDOR_DIR / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        image = VENDOR_DIR / "images" / match.group(1)
        if not image.is_file():
            return "none"
        data = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    text = re.sub(r"url\(images/([\w.-]+\.png)\)", inline, text)
    if "</style" in text.lower():
        raise OfflineError("leaflet.css cannot be inlined: it contains '</style'")
    return text


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def render_offline(m: folium.Map) -> str:
    """Render ``m`` as one HTML page that loads nothing from elsewhere.

    Raises
    ------
    OfflineError
        If an element links a library that is neither inlined here nor known to be unused, or
        if the page still references an outside URL.
    """
    figure = m.get_root()
    assert isinstance(figure, Figure)
    for element in _walk(figure):
        if not isinstance(element, JSCSSMixin):
            continue
        names = {name for name, _ in [*element.default_js, *element.default_css]}
        unknown = names - INLINED - UNUSED
        if unknown:
            raise OfflineError(f"{type(element).__name__} needs {sorted(unknown)}, which the export does not bundle")
        # Instance attributes: the class lists (shared by every folium map in the process) stay as they are.
        element.default_js = []
        element.default_css = []
    # As values (HtmlBlock), not Element(text): Element compiles its text as a Jinja2 template.
    figure.header.add_child(HtmlBlock(f"<style>{leaflet_css()}</style>"), name="leaflet_css", index=1)
    figure.header.add_child(HtmlBlock(f"<script>{leaflet_js()}</script>"), name="leaflet", index=2)
    page = figure.render()
    found = outside_references(page)
    if found:
        raise OfflineError(f"the page still references outside URLs: {found[:3]}")
    return page
