"""Fixtures shared by both tiers."""

from __future__ import annotations

import os
import tempfile

import pytest

# Every test, and every app a test starts, keeps imported datasets in a store of its own, never in
# the user's data directory.
os.environ.setdefault("ATLAS_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='atlas-test-store-')}/atlas.sqlite")


@pytest.fixture(scope="session")
def atlas_app():
    """One app per test session: Dash hands global callbacks to the first app that serves.

    Both tiers use it (the unit tests through ``app.server.test_client()``, the browser tests
    through ``dash_duo``), so it lives here and nowhere else.
    """
    from dashboard.factory import create_app

    return create_app()
