"""The command line opens fast: `--version` and `--help` load no command group, and the lazy mapping stays true.

Each check runs the real entry point in a fresh interpreter (an in-process run would find everything the test
session already imported) and reads `sys.modules` after it answered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

import core.cli
from core import __version__
from core.cli.lazy import LazyGroup

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("sqlalchemy", "lxml", "reportlab", "psycopg", "cryptography", "pydantic", "pikepdf", "httpx", "keyring",
         "saxonche", "signxml", "alembic", "PySide6", "smtplib", "jinja2", "email")
# What answering --help or --version may load of Qayd: the root group, its lazy loader, the start-up switch (gc)
# and the error tree.
LIGHT_CORE = {"core", "core.cli", "core.cli.lazy", "core.startup", "core.errors", "core.files", "core.findings"}
PROBE = """
import json, sys
from core.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print("\\nMODULES " + json.dumps(sorted(sys.modules)) + " EXIT " + str(code))
"""


def probe(*args: str, env: dict[str, str] | None = None) -> tuple[str, set[str], int]:
    """Run `qayd ARGS` in a fresh interpreter: what it printed, every module it loaded, and its exit code."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=env or dict(os.environ), check=False)
    head, _, tail = done.stdout.rpartition("\nMODULES ")
    assert tail, done.stderr[-2000:]
    modules, _, code = tail.rpartition(" EXIT ")
    return head, set(json.loads(modules)), int(code)


def heavy_in(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in HEAVY}


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("-h",)])
def test_version_and_help_load_no_command_group(args: tuple[str, ...]) -> None:
    out, modules, code = probe(*args)
    assert code == 0
    assert (f"qayd, version {__version__}" in out) if args == ("--version",) else ("invoice" in out)
    assert heavy_in(modules) == set()
    assert {m for m in modules if m == "core" or m.startswith("core.")} <= LIGHT_CORE


def test_group_help_loads_only_that_group() -> None:
    """`qayd invoice --help` imports the invoice room, not the PDF, XML or PostgreSQL stacks."""
    out, modules, code = probe("invoice", "--help")
    assert code == 0 and "issue" in out and "list" in out
    assert heavy_in(modules) & {"lxml", "reportlab", "psycopg", "pikepdf", "httpx"} == set()
    assert "core.cli.zatca" not in modules and "core.cli.report" not in modules


def test_the_root_help_lists_every_group() -> None:
    out, _, _ = probe("--help")
    listed = [line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.startswith("  ")]
    assert listed == sorted(core.cli.COMMANDS)


def lazy_groups() -> list[tuple[str, LazyGroup]]:
    """Every lazy group in the tree, found by walking it (loading each command)."""
    found: list[tuple[str, LazyGroup]] = []

    def walk(path: str, group: click.Group) -> None:
        if isinstance(group, LazyGroup):
            found.append((path, group))
        ctx = click.Context(group, info_name=path)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if isinstance(command, click.Group):
                walk(f"{path} {name}", command)

    walk("qayd", core.cli.cli)
    return found


def test_the_tree_has_the_known_lazy_groups() -> None:
    assert [path for path, _ in lazy_groups()] == ["qayd", "qayd gdpr", "qayd report"]


@pytest.mark.parametrize(("path", "group"), lazy_groups(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_lazy_entry_exists_with_its_name_and_help(path: str, group: LazyGroup) -> None:
    assert group.lazy, path
    for name, (target, short_help) in group.lazy.items():
        command = group.load(name)
        assert command.name == name, f"{path} {name}: {target} is named {command.name!r}"
        assert short_help == command.get_short_help_str(10**6), f"{path} {name}: the mapping's help is stale"
        assert not command.hidden


@pytest.mark.parametrize(("path", "group"), lazy_groups(), ids=lambda v: v if isinstance(v, str) else "")
def test_lazy_listing_matches_clicks_own(path: str, group: LazyGroup) -> None:
    """An unloaded copy of the group prints the same command table as click prints for the loaded commands."""
    fresh = LazyGroup(group.name, lazy=group.lazy, help=group.help)
    for width in (60, 80, 110):
        assert command_table(fresh, width) == eager_table(group, width), f"{path} at width {width}"


def test_an_unknown_command_is_a_usage_error_without_loading_any_group() -> None:
    _out, modules, code = probe("invoices", "list")
    assert code == 2
    assert not {m for m in modules if m.startswith("core.cli.")} - LIGHT_CORE


def test_a_wrong_mapping_is_caught() -> None:
    group = LazyGroup("g", lazy={"x": ("core.cli.lazy:LazyGroup", "not a command")})
    with pytest.raises(TypeError, match="not a click command"):
        group.load("x")


def command_table(group: click.Group, width: int) -> str:
    ctx = click.Context(group, info_name=group.name)
    formatter = click.HelpFormatter(width=width)
    group.format_commands(ctx, formatter)
    return formatter.getvalue()


def eager_table(group: click.Group, width: int) -> str:
    """click's own rendering of the commands, every one loaded (click.Group.format_commands, not the lazy one)."""
    ctx = click.Context(group, info_name=group.name)
    plain = click.Group(group.name, commands={n: c for n in group.list_commands(ctx)
                                              if (c := group.get_command(ctx, n)) is not None})
    return command_table(plain, width)
