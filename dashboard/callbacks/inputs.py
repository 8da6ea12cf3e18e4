"""What a callback receives from the browser, made safe to use.

A callback's inputs and states arrive as whatever JSON the request holds: a stale page, a
browser's storage written by an older version, or a crafted request can send a list where text
is expected, or text no response can carry (a lone surrogate). Callbacks pass their values
through these first, so junk reads as "nothing" instead of failing the request.
"""

from __future__ import annotations

from typing import Any


def text(value: Any) -> str:
    """``value`` if it is text (a lone surrogate becomes "?"), else ""."""
    if not isinstance(value, str):
        return ""
    return value.encode("utf-8", "replace").decode("utf-8") if not value.isascii() else value


def texts(value: Any) -> list[str] | None:
    """A list of text values (others dropped), or ``None`` for ``None`` (a control not on the page)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [text(value)]
    if not isinstance(value, list):
        return []
    return [text(item) if isinstance(item, str) else str(item) for item in value if isinstance(item, str | int)]


def mapping(value: Any) -> dict[str, Any] | None:
    """``value`` if it is a JSON object, else ``None``."""
    return value if isinstance(value, dict) else None


def counts(value: Any) -> dict[str, int]:
    """A JSON object of whole numbers (as the figure's trace slots), else an empty one."""
    if not isinstance(value, dict):
        return {}
    good = all(isinstance(k, str) and type(v) is int and 0 <= v < 10_000 for k, v in value.items())
    return value if good else {}


def control(value: Any) -> Any:
    """A control's value: a whole number (the year), text, a list of texts, or ``None``; anything else ""."""
    if value is None or (type(value) is int):
        return value
    if isinstance(value, list):
        return texts(value)
    return text(value)
