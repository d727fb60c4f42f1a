"""`qayd config check`: the effective settings, where each came from, and every problem."""

from __future__ import annotations

import click

from core.cli.common import json_option, print_json, print_table, state
from core.config import check_settings, describe


def register(cli: click.Group) -> None:
    @cli.group()
    def config() -> None:
        """Settings: defaults, the config file and QAYD_* variables."""

    @config.command("check")
    @json_option
    def config_check(as_json: bool) -> None:
        """Print the effective configuration and its problems; exit 3 when there are any."""
        st = state()
        settings, problems = check_settings(environ=st.environ, config_file=st.config_file, overrides=st.overrides)
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
