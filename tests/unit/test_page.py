"""The first page: what the browser gets before any callback."""

from __future__ import annotations

import json
import re


def test_the_page_carries_its_layout_once(atlas_app):
    client = atlas_app.server.test_client()
    html = client.get("/").get_data(as_text=True)
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', html, re.S)[1])
    # The layout comes with /_dash-layout; a second copy for debug tools would double the page.
    assert "validation_layout" not in config
    assert len(html) < 20_000
    assert client.get("/_dash-layout").status_code == 200
