"""How figures read: counts with suppression, rounded numbers, years, citations, escaping."""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import pytest

from dashboard import formatting as fmt


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "unknown"),
        (pd.NA, "unknown"),
        (math.nan, "unknown"),
        (0, "0"),  # nobody: nothing to protect
        (1, "fewer than 11"),
        (5, "fewer than 11"),
        (10, "fewer than 11"),
        (11, "11"),
        (62, "62"),
        (1500, "1,500"),
        (np.int64(800_000), "800,000"),
        (5.0, "fewer than 11"),
    ],
)
def test_count(value, text):
    assert fmt.count(value, 11) == text


def test_count_with_another_threshold():
    assert [fmt.count(n, 5) for n in (4, 5)] == ["fewer than 5", "5"]
    assert fmt.count(5, 1) == "5"  # threshold 1: nothing suppressed


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (None, "", "unknown"),
        (math.nan, "years", "unknown"),
        (0, "", "0.0"),
        (12.345, "", "12.3"),
        (70.66, "years", "70.7 years"),
        (99.94, "", "99.9"),
        (123.4, "", "123"),
        (1234.5, "US$", "1,234 US$"),
        (22_873_338, "people", "22.9 million people"),
        (1_000_000, "", "1.0 million"),
        (301_139_947, "", "301.1 million"),
        (1_318_683_096, "people", "1.32 billion people"),
        (-1500, "", "-1,500"),
        (-2_500_000, "", "-2.5 million"),
    ],
)
def test_number(value, unit, text):
    assert fmt.number(value, unit) == text


@pytest.mark.parametrize(("value", "text"), [(999_960_000, "1.00 billion"), (999_999.7, "1.0 million")])
def test_number_rounding_across_a_class(value, text):
    assert fmt.number(value) == text


@pytest.mark.parametrize(
    ("start", "end", "reported", "text"),
    [
        (2005, 2007, None, "2005-2007"),
        (2005, 2005, None, "2005"),
        (2005, None, 2007, "since 2005"),
        (pd.NA, 2007, None, "until 2007"),
        (pd.NA, pd.NA, 2007, "unknown (reported 2007)"),
        (None, None, None, "unknown"),
        (np.int64(2003), np.int64(2007), np.int64(2007), "2003-2007"),
    ],
)
def test_years(start, end, reported, text):
    assert fmt.years(start, end, reported) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("<script>alert('x')</script>", "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"),
        # plotly.js decodes numeric entities, not &quot;
        ('a "quoted" & <b>bold</b>', "a &#34;quoted&#34; &amp; &lt;b&gt;bold&lt;/b&gt;"),
        ("Côte d'Ivoire", "Côte d&#x27;Ivoire"),
        # plotly.js fills %{...} before it decodes entities: a brace from data is never a placeholder
        ("%{lon} %{customdata[0]}", "%&#123;lon} %&#123;customdata[0]}"),
        (1500, "1500"),
        (None, ""),
        (math.nan, ""),
        (pd.NA, ""),
    ],
)
def test_esc(value, text):
    assert fmt.esc(value) == text


def test_cite(more_atlas):
    sources = more_atlas.sources
    assert fmt.cite(sources, "prm-2007") == "U.S. Department of State (2007-04-11)"
    assert (
        fmt.cite(sources, "prm-2007;gapminder") == "U.S. Department of State (2007-04-11); Gapminder Foundation (2007)"
    )
    assert fmt.cite(sources, "prm-2007;prm-2007;nowhere") == "U.S. Department of State (2007-04-11)"
    assert fmt.cite(sources, "nowhere") == ""


def test_people_figures_suppress_small_ones():
    site = {"people_assisted": 1500, "people_reunited": 5, "people_returned": pd.NA}
    assert fmt.people_figures(site, 11) == ["People assisted: 1,500", "Reunited with family: fewer than 11"]


def test_route_count():
    assert fmt.route_count({"count": 5, "count_note": "a few"}, 11) == "fewer than 11"
    assert fmt.route_count({"count": pd.NA, "count_note": "several hundred"}, 11) == "unknown (several hundred)"
    assert fmt.route_count({"count": pd.NA, "count_note": math.nan}, 11) == "unknown"
    assert fmt.route_count({"count": 62, "count_note": math.nan}, 11) == "62"


def test_place():
    names = {"THA": "Thailand"}
    assert fmt.place(names, "THA", "Bangkok") == "Thailand, Bangkok"
    assert fmt.place(names, "THA", math.nan) == "Thailand"
    assert fmt.place(names, math.nan, "at sea") == "at sea"
    assert fmt.place(names, math.nan, math.nan) == "unknown"


@pytest.mark.parametrize(
    ("n", "noun", "plural", "expected"),
    [(1, "route", "", "1 route"), (3, "route", "", "3 routes"), (0, "site", "", "0 sites"),
     (1, "country", "countries", "1 country"), (2, "country", "countries", "2 countries")],
)  # fmt: skip
def test_counted(n, noun, plural, expected):
    assert fmt.counted(n, noun, plural) == expected


def test_a_count_its_publisher_suppressed_reads_as_its_bound():
    # GLOTIP's "<5": never 0, never 5, never "unknown".
    route = {"count": pd.NA, "count_note": pd.NA, "suppressed": True, "suppressed_below": 5}
    assert fmt.route_count(route, 11) == "fewer than 5"
    assert fmt.route_count({**route, "suppressed_below": pd.NA}, 11) == "fewer than 11"
    assert fmt.route_count({**route, "suppressed": False}, 11) == "unknown"
    assert fmt.route_count({**route, "suppressed": np.True_}, 11) == "fewer than 5"  # numpy's flag too
    assert fmt.route_count({**route, "suppressed": pd.NA}, 11) == "unknown"


def test_esc_is_plain_text_again_in_html():
    text = "<b>\"a\" & 'b'</b> %{lon} {{7*7}}"
    assert html.unescape(fmt.esc(text)) == text
