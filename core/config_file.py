"""Where the config file is, and a glance at the UI language in it, without loading the settings model.

`core.config` reads and validates every source (pydantic: about a tenth of a second to load). The desktop paints its
window first and validates after (issue 14), so it needs only the language to draw in: `peek_language` reads it from
the same places in the same order (command line, QAYD_LANGUAGE, the config file), finding the file with the function
`core.config` uses. A value it cannot read is no answer here: the validation after the paint names the problem.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

CONFIG_ENV = "QAYD_CONFIG"
LANGUAGE_ENV = "QAYD_LANGUAGE"
LANGUAGES = ("en", "ar")
DEFAULT_LANGUAGE = "en"


def locate_file(env: Mapping[str, str], config_file: Path | None) -> tuple[Path, str]:
    """The config file's path and where that path came from ("option", "env QAYD_CONFIG" or "default")."""
    if config_file is not None:
        return Path(config_file).expanduser(), "option"
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser(), f"env {CONFIG_ENV}"
    import platformdirs

    return platformdirs.user_config_path("qayd") / "config.toml", "default"


def peek_language(override: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The UI language the settings will most likely hold: the first valid one of the override, QAYD_LANGUAGE and
    the config file's `language`; English otherwise."""
    env = os.environ if environ is None else environ
    if override in LANGUAGES:
        return override
    if env.get(LANGUAGE_ENV) in LANGUAGES:
        return env[LANGUAGE_ENV]
    if LANGUAGE_ENV in env:  # set but not valid: the validation will refuse it; draw in the default meanwhile
        return DEFAULT_LANGUAGE
    path, _source = locate_file(env, None)
    try:
        value = tomllib.loads(path.read_text("utf-8")).get("language")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return DEFAULT_LANGUAGE
    return value if value in LANGUAGES else DEFAULT_LANGUAGE
