"""The one per-process memo (dashboard.derived): a value lives as long as what it is derived from."""

from __future__ import annotations

import gc
import weakref

import pandas as pd

from dashboard import derived as derived_module
from dashboard.derived import derived


class Value:
    """A value that takes weak references, to see when the memo lets it go."""


def test_made_once_per_owner_and_key():
    table = pd.DataFrame({"a": [1]})
    calls: list[str] = []

    def make(name: str) -> str:
        calls.append(name)
        return name

    assert derived(table, "x", lambda: make("x")) == "x"
    assert derived(table, "x", lambda: make("again")) == "x"
    assert derived(table, ("x", 11), lambda: make("x11")) == "x11"
    assert derived(pd.DataFrame({"a": [1]}), "x", lambda: make("other")) == "other"  # another owner
    assert calls == ["x", "x11", "other"]


def test_values_go_with_their_owner():
    table = pd.DataFrame({"a": [1]})
    value = derived(table, "x", Value)
    gone = weakref.ref(value)
    del value, table
    gc.collect()
    assert gone() is None


def test_a_new_owner_at_an_old_address_gets_its_own_values(monkeypatch):
    # CPython reuses a freed object's address; the memo must not hand the old values to the new owner.
    monkeypatch.setattr(derived_module, "id", lambda _: 1, raising=False)
    first = pd.DataFrame({"a": [1]})
    assert derived(first, "x", lambda: "first") == "first"
    second = pd.DataFrame({"a": [2]})  # alive together, one address
    assert derived(second, "x", lambda: "second") == "second"
    del first
    gc.collect()  # the first owner's going must not take the second's values with it
    assert derived(second, "x", lambda: "again") == "second"
