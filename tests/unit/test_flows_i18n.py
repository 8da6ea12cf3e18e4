"""Flows summed over a range of years in Spanish, French and Indonesian: the sentence, hovers,
key, HTML export, the notice of a bad range and the control hold none of the atlas's English."""

from __future__ import annotations

import pytest

from dashboard import i18n
from dashboard.i18n import _
from dashboard.layers import routes
from dashboard.state import Choices, from_query
from tests.english import english_in, english_words
from tests.unit.test_i18n_map_routes import LANGUAGES, map_texts, no_english

CHOICES = Choices(
    regions=(),
    types=(),
    forms=(),
    layers=("routes",),
    indicator_years={"tip-tier": [2007]},
    default_indicator="tip-tier",
)


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize(
    "changes",
    [
        {"flowyears": (2002, 2007)},
        {"flowyears": (2002, 2007), "flows": "1"},
        {"flowyears": (2002, 2007), "flowscale": "subregion"},
        {"flowyears": (2002, 2006), "flowcountry": "KHM", "flowdir": "in"},
        {"flowyears": (1990, 1995)},  # none: the sentence says so
    ],
)
def test_flows_over_a_range_have_no_english(mixed_atlas, code, changes):
    no_english(map_texts(mixed_atlas, code, **changes), code, mixed_atlas)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_notice_and_the_control_have_no_english(mixed_atlas, code):
    with i18n.language(code):
        __, notices = from_query("?flowyears=banana", CHOICES)
        texts = [*notices, routes.flow_years_help(mixed_atlas), _(routes.FLOW_YEARS_LABEL)]
        texts.append(
            routes.flow_years_input(mixed_atlas, routes.ViewState(indicator="tip-tier", year=2007)).placeholder
        )
    assert len(texts) == 4
    assert english_in(texts, code) == []
    assert english_words(texts) == []


def test_the_range_is_said_in_each_language(mixed_atlas):
    es = map_texts(mixed_atlas, "es", flowyears=(2002, 2007), flows="1")
    (sentence,) = [t for t in es if "flujos contabilizados entre países" in t]
    assert "personas contabilizadas en 2002–2007 y sumadas" in sentence
    assert "Flujos contabilizados: personas, suma de 2002–2007" in es
    fr = map_texts(mixed_atlas, "fr", flowyears=(2002, 2007))
    assert any(t.startswith("Personnes comptées en 2002–2007, additionnées\u00a0: ") for t in fr)
    with i18n.language("id"):
        __, notices = from_query("?flowyears=2019-banana", CHOICES)
    assert notices == ["Rentang tahun '2019-banana' tidak dikenal: ditampilkan arus yang terhitung pada 2007."]
