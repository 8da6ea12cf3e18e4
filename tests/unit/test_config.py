"""Settings: explicit argument > ``ATLAS_*`` environment variable > default."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.config import Config, load_config
from geodata import BUNDLED_DIR


def test_defaults(clean_env):
    config = load_config()
    assert config == Config()
    assert config.data_dir == BUNDLED_DIR
    assert (config.cache_type, config.cache_timeout, config.suppression_threshold, config.debug) == (
        "SimpleCache",
        3600,
        11,
        False,
    )


def test_environment_beats_default(clean_env):
    clean_env.setenv("ATLAS_DATA_DIR", "/data/atlas")
    clean_env.setenv("ATLAS_CACHE_TYPE", "RedisCache")
    clean_env.setenv("ATLAS_CACHE_REDIS_URL", "redis://cache:6379/0")
    clean_env.setenv("ATLAS_CACHE_TIMEOUT", "60")
    clean_env.setenv("ATLAS_SUPPRESSION_THRESHOLD", "5")
    clean_env.setenv("ATLAS_DEBUG", "yes")
    assert load_config() == Config(
        data_dir=Path("/data/atlas"),
        cache_type="RedisCache",
        cache_redis_url="redis://cache:6379/0",
        cache_timeout=60,
        suppression_threshold=5,
        debug=True,
    )


def test_explicit_beats_environment(clean_env, tmp_path):
    clean_env.setenv("ATLAS_SUPPRESSION_THRESHOLD", "5")
    clean_env.setenv("ATLAS_DATA_DIR", "/data/atlas")
    clean_env.setenv("ATLAS_DEBUG", "1")
    config = load_config(suppression_threshold=20, data_dir=tmp_path, debug=False)
    assert (config.suppression_threshold, config.data_dir, config.debug) == (20, tmp_path, False)


def test_explicit_none_means_not_given(clean_env):
    clean_env.setenv("ATLAS_CACHE_TIMEOUT", "60")
    assert load_config(cache_timeout=None).cache_timeout == 60
    assert load_config(suppression_threshold=None).suppression_threshold == 11


def test_only_atlas_variables_count(clean_env):
    clean_env.setenv("SUPPRESSION_THRESHOLD", "3")
    clean_env.setenv("atlas_suppression_threshold", "3")
    assert load_config().suppression_threshold == 11


@pytest.mark.parametrize(
    ("text", "debug"),
    [("1", True), ("true", True), ("TRUE", True), (" on ", True), ("yes", True), ("0", False), ("no", False),
     ("off", False), ("", False), ("debug", False)],
)  # fmt: skip
def test_debug_words(clean_env, text, debug):
    clean_env.setenv("ATLAS_DEBUG", text)
    assert load_config().debug is debug


def test_a_malformed_number_is_an_error_not_a_default(clean_env):
    clean_env.setenv("ATLAS_SUPPRESSION_THRESHOLD", "eleven")
    with pytest.raises(ValueError):
        load_config()


def test_an_invalid_environment_value_names_the_variable(clean_env):
    clean_env.setenv("ATLAS_CACHE_TIMEOUT", "abc")
    with pytest.raises(ValueError, match="ATLAS_CACHE_TIMEOUT") as caught:
        load_config()
    assert "'abc'" in str(caught.value)
