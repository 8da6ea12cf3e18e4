"""What plotly.js itself writes on the map, in the page's language.

plotly.js has words of its own (its mode bar's tooltips: "Zoom in", "Reset", "Download plot as a
PNG") and numbers of its own (the key's colour bar ticks). Both follow the graph's ``config``:
``locale`` names the language and ``locales`` carries its dictionary and number format. The
words are the atlas's catalogs' (so a translator finds them beside the rest, and Indonesian, which
plotly.js's own locales leave without a dictionary, has them too); the separators are Babel's.
"""

from __future__ import annotations

from typing import Any

import babel.numbers

from dashboard import i18n
from dashboard.i18n import N_, gettext

# plotly.js's own English, exactly as its geo mode bar asks for it (plotly.js src/components/modebar).
PLOTLY_WORDS = (
    N_("Zoom in"),
    N_("Zoom out"),
    N_("Pan"),
    N_("Reset"),
    N_("Show closest data on hover"),
    N_("Download plot as a PNG"),
    N_("Download plot"),
    N_("Sorry, there was a problem downloading your image!"),
    N_("Double-click on legend to isolate one trace"),
)


def graph_locale() -> dict[str, Any]:
    """The ``locale`` and ``locales`` entries of a ``dcc.Graph`` config for the current language."""
    code = i18n.lang()
    if code == i18n.DEFAULT:
        return {"locale": code}
    where = i18n.locale(code)
    return {
        "locale": code,
        "locales": {
            code: {
                "dictionary": {english: gettext(english) for english in PLOTLY_WORDS},
                "format": {
                    "decimal": babel.numbers.get_decimal_symbol(where),
                    "thousands": babel.numbers.get_group_symbol(where),
                },
            }
        },
    }
