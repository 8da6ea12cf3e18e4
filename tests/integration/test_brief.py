"""The country brief in headless Chromium, network blocked: it prints to one A4 page and asks for nothing."""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver

from dashboard.brief import brief_boundaries, brief_html
from geodata import load_atlas
from tests.integration.conftest import chromium_options

pytestmark = pytest.mark.browser

SCREENSHOT = Path(os.environ.get("ATLAS_BRIEF_SCREENSHOT", "/tmp/brief-idn.png"))
PDF = Path(os.environ.get("ATLAS_BRIEF_PDF", "/tmp/brief-idn.pdf"))
A4_POINTS = (595.0, 842.0)  # 210 x 297 mm


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    """Headless Chromium that cannot reach any host: names do not resolve and the proxy is a closed port."""
    driver = webdriver.Chrome(
        options=chromium_options("--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9")
    )
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 1800, "deviceScaleFactor": 1, "mobile": False}
    )
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def open_brief(driver: webdriver.Chrome, page: str, path: Path) -> list[str]:
    """Open the brief from a file; return every URL the browser asked for."""
    path.write_text(page, encoding="utf-8")
    driver.get_log("performance")  # drop what earlier pages logged
    driver.get_log("browser")
    driver.get(path.as_uri())
    driver.execute_script("return document.fonts.ready")
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def print_pdf(driver: webdriver.Chrome) -> bytes:
    """The page as the browser's "Save as PDF" makes it: the page size and margins from its CSS."""
    result = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    return base64.b64decode(result["data"])


def pages(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height in points of each page object (``/Type /Page``, not the ``/Pages`` tree)."""
    sizes = []
    for match in re.finditer(rb"/Type\s*/Page(?![s\w])", pdf):
        obj = pdf[pdf.rfind(b" obj", 0, match.start()) : pdf.find(b"endobj", match.end())]
        box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", obj)
        assert box, obj[:200]
        sizes.append((float(box.group(1)), float(box.group(2))))
    return sizes


@pytest.mark.parametrize("iso3", ["IDN", "GHA"])
def test_brief001_prints_to_one_a4_page_offline(browser, atlas, tmp_path: Path, iso3: str) -> None:
    page = brief_html(atlas, iso3, 2007, 11, brief_boundaries(atlas))
    path = tmp_path / f"brief {iso3}.html"
    assert open_brief(browser, page, path) == [path.as_uri()]
    assert browser.execute_script("return document.querySelectorAll('svg[role=img] path.country').length") == 1
    pdf = print_pdf(browser)
    sizes = pages(pdf)
    assert len(sizes) == 1, f"{iso3} brief prints to {len(sizes)} pages"
    width, height = sizes[0]
    assert abs(width - A4_POINTS[0]) < 1.5 and abs(height - A4_POINTS[1]) < 1.5
    if iso3 == "IDN":
        PDF.write_bytes(pdf)
        browser.save_screenshot(str(SCREENSHOT))
        assert SCREENSHOT.stat().st_size > 50_000
    assert browser.get_log("browser") == []
