"""The language peek (core.config_file) agrees with the validated settings, from the same sources in the same order."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from core.config import Language, load_settings
from core.config_file import LANGUAGES, peek_language


def test_the_peek_knows_the_languages_the_settings_accept() -> None:
    assert set(LANGUAGES) == set(get_args(Language))


@pytest.mark.parametrize(("override", "env_value", "file_value", "expected"), [
    (None, None, None, "en"),
    (None, None, "ar", "ar"),
    (None, "ar", "en", "ar"),  # the variable over the file
    ("en", "ar", "ar", "en"),  # the command line over both
    ("ar", None, "en", "ar"),
])
def test_the_peek_reads_what_the_settings_will_hold(
        tmp_path: Path, override: str | None, env_value: str | None, file_value: str | None, expected: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'language = "{file_value}"\n' if file_value else "", "utf-8")
    env = {"QAYD_CONFIG": str(config), "QAYD_DATA_DIR": str(tmp_path / "data")}
    if env_value:
        env["QAYD_LANGUAGE"] = env_value
    assert peek_language(override, env) == expected
    assert load_settings(environ=env, overrides={"language": override}).language == expected


@pytest.mark.parametrize("text", ['language = "fr"\n', "language = [\n", b"\xff\xfe".decode("latin-1")])
def test_what_the_peek_cannot_read_draws_in_english_and_the_validation_names_it(tmp_path: Path, text: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text, "utf-8")
    assert peek_language(None, {"QAYD_CONFIG": str(config)}) == "en"
    assert peek_language(None, {"QAYD_CONFIG": str(tmp_path / "missing.toml")}) == "en"
    assert peek_language(None, {"QAYD_CONFIG": str(config), "QAYD_LANGUAGE": "xx"}) == "en"
