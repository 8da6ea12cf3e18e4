"""Where background jobs (the "Add data" imports) run.

On a laptop (no ``ATLAS_JOBS_REDIS_URL``) Dash's diskcache manager runs a job in a process that
the web process starts: nothing else to run, but the job dies with that web worker. In an office
Dash's Celery manager puts it in a queue in Redis, and Celery worker processes, apart from the web
workers, run it: a gunicorn restart loses no job and every host's web workers share the queue.
The worker (:mod:`dashboard.worker`) runs with the web workers' ``ATLAS_*`` environment::

    celery -A dashboard.worker worker --concurrency 2

A job's result and progress travel back through Redis (the Celery result backend); the dataset
it stores reaches every web worker through the store's revision (:func:`dashboard.data.refresh`).
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import diskcache
from dash import CeleryManager, DiskcacheManager

from dashboard.config import Config, load_config
from dashboard.data import loaded

if TYPE_CHECKING:
    from celery import Celery

JOBS_DIR = Path(tempfile.gettempdir()) / "counter-trafficking-atlas-jobs"


@functools.cache
def celery_for(redis_url: str) -> Celery:
    """The Celery app whose broker and result backend are the Redis at ``redis_url`` (one per process)."""
    from celery import Celery  # here: a laptop, without the queue, starts 0.1 s sooner

    app = Celery("counter-trafficking-atlas", broker=redis_url, backend=redis_url)
    app.conf.update(
        # An import takes seconds to minutes: a worker reserves one job at a time and leaves the
        # next to whichever worker is free.
        worker_prefetch_multiplier=1,
        # Acknowledged when done, not when taken: a job whose Celery worker dies half-way is run
        # again once Redis's visibility timeout (an hour) has passed. Safe, as an import is all or
        # nothing and importing the same file again changes nothing.
        task_acks_late=True,
        broker_connection_retry_on_startup=True,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
    )
    return app


def create_manager(config: Config) -> CeleryManager | DiskcacheManager:
    """Dash's background callback manager: Celery on ``config.jobs_redis_url`` if set, else diskcache."""
    if config.jobs_redis_url:
        return CeleryManager(celery_for(config.jobs_redis_url))
    return DiskcacheManager(diskcache.Cache(str(JOBS_DIR)))


def job_config() -> Config:
    """The settings a job runs with: those of the app in this process (the diskcache manager's job
    process is forked from the web worker), else the ``ATLAS_*`` environment (a Celery worker runs no
    app, and shares nothing with the web workers but that environment, Redis and the store)."""
    try:
        config = loaded().config
    except RuntimeError:  # no app in this process
        config = None
    return config or load_config()
