"""The shared fixtures do what the other tests take for granted."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def atlas_env(monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", "/somewhere/else")
    monkeypatch.setenv("ATLAS_CACHE", "none")
    monkeypatch.setenv("NOT_ATLAS_KEPT", "1")


def test_clean_env_removes_every_atlas_variable(atlas_env, clean_env):
    assert [name for name in os.environ if name.startswith("ATLAS_")] == []
    assert os.environ["NOT_ATLAS_KEPT"] == "1"


def test_variant_changes_one_cell_and_nothing_else(tiny):
    before = (tiny.path / "programs.csv").read_text(encoding="utf-8").splitlines()
    tiny.set_cell("programs.csv", 3, "lat", "-6.5")
    after = (tiny.path / "programs.csv").read_text(encoding="utf-8").splitlines()

    assert [i for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new] == [2]
    assert after[2].endswith(",106.87,-6.5,city,,,2007,,1300,,,,prm-2007")
