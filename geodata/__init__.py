"""The atlas's data layer: load, validate and normalise the tables. Knows nothing of Dash."""

from geodata.loader import BUNDLED_DIR, MAIN_TABLES, REFERENCE_TABLES, Atlas, load_atlas
from geodata.problems import DataError, Problem

__all__ = ["BUNDLED_DIR", "MAIN_TABLES", "REFERENCE_TABLES", "Atlas", "DataError", "Problem", "load_atlas"]
