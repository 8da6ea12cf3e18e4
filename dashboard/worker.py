"""The Celery worker that runs background jobs in an office: ``celery -A dashboard.worker worker``.

Run it with the web workers' ``ATLAS_*`` environment (``ATLAS_JOBS_REDIS_URL``,
``ATLAS_DATABASE_URL``, ``ATLAS_DATA_DIR``, ...) and from the same code: Dash names each
background callback's task after a hash of the callback's source, so a worker on other code
would not know the tasks the web workers send. It loads no atlas; a job opens the store itself.
"""

from __future__ import annotations

from dash import CeleryManager

import dashboard.callbacks  # noqa: F401  (declares the background callbacks, which the manager makes tasks)
from dashboard.config import load_config
from dashboard.jobs import celery_for

_url = load_config().jobs_redis_url
if not _url:
    raise RuntimeError("ATLAS_JOBS_REDIS_URL is not set: the worker would not know which queue to take jobs from")

celery_app = celery_for(_url)
# Registers every background callback, declared above, as a task of ``celery_app``.
manager = CeleryManager(celery_app)
