"""`qayd config check`: the effective settings, where each came from, and every problem."""

from __future__ import annotations

import click

from core.cli.common import json_option, print_json, print_table, state
from core.config import check_settings, describe
from core.secrets import keyring_problem


def _keyring_problems(source: str) -> list[str]:
    """The master key is to live in the OS keyring: say so when this machine has none, with both ways out (every
    command that opens the company would stop on it anyway, with exit 7, later and less plainly)."""
    why = keyring_problem()
    if why is None:
        return []
    return [f'secrets.master_key_source = "keyring" (from {source}): {why}, so Qayd cannot keep its master key. '
            "Fix: set QAYD_MASTER_KEY_SOURCE=file (a key file only you can read; or env with QAYD_MASTER_KEY), "
            "or install and unlock a keyring backend (GNOME Keyring or KWallet on Linux, Keychain on macOS, "
            "Credential Manager on Windows)."]


@click.group()
def config() -> None:
    """Settings: defaults, the config file and QAYD_* variables."""


@config.command("check")
@json_option
def config_check(as_json: bool) -> None:
    """Print the effective configuration and its problems; exit 3 when there are any."""
    st = state()
    settings, problems = check_settings(environ=st.environ, config_file=st.config_file, overrides=st.overrides)
    if settings is not None and settings.secrets.master_key_source == "keyring":
        source = settings.sources.get("secrets.master_key_source", "default")
        where = str(settings.config_file) if source == "file" else source.removeprefix("env ")
        problems += _keyring_problems(where)
    rows = describe(settings) if settings is not None else []
    if as_json:
        print_json({"settings": [{"name": n, "value": v, "source": s} for n, v, s in rows],
                    "problems": problems})
    else:
        if rows:
            print_table(("Setting", "Value", "Source"), rows)
        for problem in problems:
            click.echo(f"PROBLEM {problem}", err=True)
        click.echo("No problems." if not problems else f"{len(problems)} problem(s).", err=bool(problems))
    if problems:
        raise click.exceptions.Exit(3)
