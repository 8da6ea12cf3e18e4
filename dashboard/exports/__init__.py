"""Exports of a view that leave the app: a standalone interactive HTML map (folium, offline).

``folium_map.export_view_html`` makes the page, ``boundaries.export_boundaries`` the country
shapes it draws, and each map layer draws itself into a ``canvas.Canvas``. The submodules are
imported by name: the layers import ``canvas``, and ``folium_map`` imports the layers.
"""
