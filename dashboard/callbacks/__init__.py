"""Callbacks: parse inputs into a ViewState, call the pure functions, return. No data logic."""

from dashboard.callbacks import controls, deck, imports, present, view  # noqa: F401  (registers the callbacks)
