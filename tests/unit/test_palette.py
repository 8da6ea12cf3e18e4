"""The map's colours stay apart for people with deuteranopia or protanopia, and no category is
told by colour alone."""

from __future__ import annotations

import itertools

import colorspacious
import numpy as np
import pytest

from dashboard.palette import FORM_STYLES, NO_DATA_COLOUR, PROGRAM_STYLES, ROLE_STYLES, TIER_COLOURS

# CAM02-UCS colour difference below which two map colours are hard to tell apart at a glance.
MIN_DELTA_E = 12.0

PALETTES = {
    "forms of exploitation": [colour for colour, _ in FORM_STYLES.values()],
    "program types": [colour for colour, _ in PROGRAM_STYLES.values()],
    "TIP tiers and no data": [*TIER_COLOURS.values(), NO_DATA_COLOUR],
}


def rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float) / 255


def seen_by(vision: str, hex_colour: str) -> np.ndarray:
    if vision == "normal":
        return rgb(hex_colour)
    space = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
    return np.clip(colorspacious.cspace_convert(rgb(hex_colour), space, "sRGB1"), 0, 1)


def closest_pair(colours: list[str], vision: str) -> tuple[float, str, str]:
    return min(
        (float(colorspacious.deltaE(seen_by(vision, a), seen_by(vision, b), input_space="sRGB1")), a, b)
        for a, b in itertools.combinations(colours, 2)
    )


@pytest.mark.parametrize("vision", ["normal", "deuteranomaly", "protanomaly"])
@pytest.mark.parametrize("palette", list(PALETTES))
def test_colours_stay_apart(palette, vision):
    distance, a, b = closest_pair(PALETTES[palette], vision)
    assert distance >= MIN_DELTA_E, f"{palette}: {a} and {b} differ by only {distance:.1f} ({vision})"


def test_the_check_catches_a_red_green_pair():
    # Red and green of equal lightness look alike to a deuteranope: the check must say so.
    distance, _, _ = closest_pair(["#d62728", "#2ca02c"], "deuteranomaly")
    assert distance < MIN_DELTA_E


def test_tiers_darken_with_severity():
    lightness = [colorspacious.cspace_convert(rgb(c), "sRGB1", "CAM02-UCS")[0] for c in TIER_COLOURS.values()][:4]
    assert lightness == sorted(lightness, reverse=True)


def test_every_category_has_a_second_channel():
    # Forms: their own dash; program types and roles: their own marker shape.
    assert len({dash for _, dash in FORM_STYLES.values()}) == len(FORM_STYLES)
    assert len({symbol for _, symbol in PROGRAM_STYLES.values()}) == len(PROGRAM_STYLES)
    assert len({symbol for _, symbol in ROLE_STYLES.values()}) == len(ROLE_STYLES)
