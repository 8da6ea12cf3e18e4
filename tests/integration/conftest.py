"""Browser tests: the real app in headless Debian Chromium, driven by dash.testing's ``dash_duo``."""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

from selenium.webdriver.chrome.options import Options

CHROMIUM = os.environ.get("ATLAS_TEST_CHROMIUM", "/usr/bin/chromium")


class RecordingOptions(Options):
    """Chrome options that also keep the performance log (every network request).

    dash.testing sets ``goog:loggingPrefs`` to browser logs only; this keeps both.
    """

    def set_capability(self, name: str, value: object) -> None:
        if name == "goog:loggingPrefs" and isinstance(value, dict):
            value = {**value, "performance": "ALL"}
        super().set_capability(name, value)


def chromium_options(*extra_flags: str, options: Options | None = None) -> Options:
    """Headless Debian Chromium as these tests run it (quiet: no background traffic of its own)."""
    options = options or Options()
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1920,1080",
        *extra_flags,
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "SEVERE"})
    return options


def pytest_setup_options() -> Options:
    return chromium_options(options=RecordingOptions())


def requested_urls(driver) -> list[str]:
    """Every URL the browser asked for since the last call (from the performance log)."""
    import json

    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def callbacks_requested(driver) -> list[str]:
    """The outputs of every Dash callback the browser asked the server for since the last call."""
    import json

    outputs = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        request = message.get("params", {}).get("request", {})
        if message["method"] == "Network.requestWillBeSent" and "_dash-update-component" in request.get("url", ""):
            outputs.append(json.loads(request.get("postData") or "{}").get("output", ""))
    return outputs


def outside_hosts(urls: list[str], allowed: tuple[str, ...] = ("127.0.0.1", "localhost")) -> list[str]:
    return [
        u for u in urls if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).hostname not in allowed
    ]
