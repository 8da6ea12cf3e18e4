"""Exports of a view that leave the app: a standalone interactive HTML map (folium, offline)."""

from dashboard.exports.boundaries import export_boundaries
from dashboard.exports.folium_map import export_view_html

__all__ = ["export_boundaries", "export_view_html"]
