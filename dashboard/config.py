"""One place for settings: explicit argument > environment variable (``ATLAS_*``) > default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import AliasGenerator, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from geodata import BUNDLED_DIR

ENV_PREFIX = "ATLAS_"


class Config(BaseSettings):
    """Settings of one app instance; built from the ``ATLAS_*`` environment, keywords win.

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
    cache_socket_timeout : float
        Seconds the app waits for Redis to connect or answer before computing without it
        (``ATLAS_CACHE_SOCKET_TIMEOUT``).
    cache_retry_seconds : float
        After a cache failure, seconds the app goes without the cache before trying it again
        (``ATLAS_CACHE_RETRY_SECONDS``).
    suppression_threshold : int
        Victim counts below this are shown as "fewer than N", never exactly
        (``ATLAS_SUPPRESSION_THRESHOLD``); 11 follows CTDC's k-anonymity.
    debug : bool
        Dash debug mode (``ATLAS_DEBUG``); on for ``1``, ``true``, ``yes`` or ``on``, off for
        anything else.
    database_url : str
        SQLAlchemy URL of the store of imported datasets (``ATLAS_DATABASE_URL``); empty: a
        SQLite file in the user's data directory (``XDG_DATA_HOME`` is honoured).
    editors : str
        Who may import and remove datasets once signed in (``ATLAS_EDITORS``): ``name=hash``
        pairs separated by spaces or commas, each hash made by werkzeug's
        ``generate_password_hash``. Empty: only a visitor on the same machine may (the app
        bound to 127.0.0.1, on a laptop); set, only signed-in editors may.
    secret_key : SecretStr
        Signs the editors' session cookies (``ATLAS_SECRET_KEY``); required with ``editors``.
    secure_cookies : bool
        Send the session cookie over https only (``ATLAS_SECURE_COOKIES``): on behind https.
    jobs_redis_url : str
        Redis URL of the queue that imports wait in for a Celery worker (``ATLAS_JOBS_REDIS_URL``,
        see :mod:`dashboard.jobs`); empty: each import runs in a process the web worker starts.
        Not the cache's Redis setting: a cache may be down or evict keys, a queue must not lose
        a job, and a queue needs a Celery worker running beside the web workers.

    Raises
    ------
    pydantic.ValidationError
        A value that does not parse; the message names the variable (``ATLAS_CACHE_TIMEOUT``).
    """

    # pydantic-settings matches either case-insensitively (``atlas_debug`` would count) or on the
    # field name as written (``ATLAS_debug``); the upper-case aliases keep ``ATLAS_DEBUG`` the only
    # spelling, and keywords still use the field names.
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        case_sensitive=True,
        frozen=True,
        alias_generator=AliasGenerator(validation_alias=lambda name: f"{ENV_PREFIX}{name.upper()}"),
        validate_by_name=True,
        validate_by_alias=True,
    )

    data_dir: Path = BUNDLED_DIR
    cache_type: str = "SimpleCache"
    cache_redis_url: str = ""
    cache_timeout: int = 3600
    cache_socket_timeout: float = 0.25
    cache_retry_seconds: float = 5.0
    suppression_threshold: int = 11
    debug: bool = False
    database_url: str = ""
    editors: str = ""
    secret_key: SecretStr = SecretStr("")
    secure_cookies: bool = False
    jobs_redis_url: str = ""

    @field_validator("debug", "secure_cookies", mode="before")
    @classmethod
    def _debug_word(cls, value: object) -> object:
        # Debug mode only when clearly asked: a typo such as ATLAS_DEBUG=debug leaves it off
        # instead of failing to start.
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on")
        return value


def load_config(**explicit: object) -> Config:
    """Build a :class:`Config`: explicit keyword > ``ATLAS_<NAME>`` environment variable > default.

    A keyword given as ``None`` counts as not given.
    """
    given: dict[str, Any] = {name: value for name, value in explicit.items() if value is not None}
    return Config(**given)
