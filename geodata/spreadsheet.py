"""What a spreadsheet would run as a formula: the one rule for every CSV the atlas writes
(downloads, import reports), so that text from data or an upload stays text when opened."""

from __future__ import annotations

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defused(text: str) -> str:
    """``text`` as a cell a spreadsheet shows rather than runs (a leading ``'``)."""
    return "'" + text if text.startswith(FORMULA_START) else text
