"""Values derived from an object (an atlas, one of its tables), kept exactly as long as it lives.

The app's one per-process memo for what depends only on the data: hover texts, plain columns,
indicator slices, table rows. A value is filed under the object it is derived from and a key
naming what else it depends on (the suppression threshold, say); when that object is collected,
its values go with it. So a new atlas (after an import) can never be handed the values of an
old one whose address it happens to reuse, which a cache keyed on ``id()`` alone could do.

What the view state changes (the rows in view, a layer's traces) is not kept here but in
Flask-Caching, under the state (:func:`dashboard.data.memoized`).

Values are kept per language (:func:`dashboard.i18n.lang`): a hover text made for a Spanish page
is never handed to an English one.

A value must not hold its owner (a strong reference would keep the owner alive for ever);
hold a ``weakref`` to it instead, or only the parts it needs.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from dashboard import i18n

T = TypeVar("T")

# id(owner) -> (a weak reference to the owner, its values by key)
_KEPT: dict[int, tuple[weakref.ref[Any], dict[Hashable, Any]]] = {}


def derived(owner: object, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, made once per ``owner`` and ``key`` and kept while ``owner`` lives.

    Parameters
    ----------
    owner : object
        What the value is derived from; any object that takes weak references (a DataFrame,
        an :class:`~geodata.Atlas`).
    key : hashable
        Names the value and whatever else it depends on, e.g. ``("routes.hover", 11)``.
    compute : callable
        Makes the value; called at most once per owner and key (twice at worst, by two
        threads at once: it must be a pure function of its inputs).
    """
    key = (key, i18n.lang())  # text is made in the request's language: each keeps its own
    ident = id(owner)
    entry = _KEPT.get(ident)
    if entry is None or entry[0]() is not owner:
        entry = (weakref.ref(owner, _forgetter(ident)), {})
        _KEPT[ident] = entry
    values = entry[1]
    if key not in values:
        values[key] = compute()
    return values[key]  # type: ignore[no-any-return]


def _forgetter(ident: int) -> Callable[[weakref.ref[Any]], None]:
    def forget(ref: weakref.ref[Any]) -> None:
        entry = _KEPT.get(ident)
        if entry is not None and entry[0] is ref:  # not a newer owner at the same address
            del _KEPT[ident]

    return forget
