"""One place for settings: explicit argument > environment variable (``ATLAS_*``) > default."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from geodata import BUNDLED_DIR


@dataclass(frozen=True)
class Config:
    """Settings of one app instance.

    Attributes
    ----------
    data_dir : Path
        Data directory to load (``ATLAS_DATA_DIR``); the bundled data by default.
    cache_type : str
        Flask-Caching backend (``ATLAS_CACHE_TYPE``): ``SimpleCache`` (in-process, default),
        ``RedisCache``, ``FileSystemCache`` or ``NullCache`` (no caching: a filter change then takes
        about half as long again as a first visit with a cache, as no layer's traces are reused).
    cache_redis_url : str
        Redis URL when ``cache_type`` is ``RedisCache`` (``ATLAS_CACHE_REDIS_URL``).
    cache_timeout : int
        Seconds a cached table is kept (``ATLAS_CACHE_TIMEOUT``).
    suppression_threshold : int
        Victim counts below this are shown as "fewer than N", never exactly
        (``ATLAS_SUPPRESSION_THRESHOLD``); 11 follows CTDC's k-anonymity.
    debug : bool
        Dash debug mode (``ATLAS_DEBUG``); off unless asked.
    database_url : str
        SQLAlchemy URL of the store of imported datasets (``ATLAS_DATABASE_URL``); empty: a
        SQLite file in the user's data directory (``XDG_DATA_HOME`` is honoured).
    """

    data_dir: Path = BUNDLED_DIR
    cache_type: str = "SimpleCache"
    cache_redis_url: str = ""
    cache_timeout: int = 3600
    suppression_threshold: int = 11
    debug: bool = False
    database_url: str = ""


def _parse(kind: type, text: str) -> object:
    if kind is bool:
        return text.strip().lower() in ("1", "true", "yes", "on")
    return kind(text)


def load_config(**explicit: object) -> Config:
    """Build a :class:`Config`: explicit keyword > ``ATLAS_<NAME>`` environment variable > default."""
    values: dict[str, object] = {}
    types = {
        "data_dir": Path,
        "cache_type": str,
        "cache_redis_url": str,
        "cache_timeout": int,
        "suppression_threshold": int,
        "debug": bool,
        "database_url": str,
    }
    for field in fields(Config):
        if explicit.get(field.name) is not None:
            values[field.name] = explicit[field.name]
        elif (env := os.environ.get(f"ATLAS_{field.name.upper()}")) is not None:
            values[field.name] = _parse(types[field.name], env)
    return Config(**values)  # type: ignore[arg-type]
