"""What the CLI commands share: settings and the open company, output as text or JSON, progress on stderr."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import click

from core import startup
from core.cli.tables import print_table as print_table  # re-exported: every command prints its tables with it
from core.findings import Finding, cap_findings

if TYPE_CHECKING:  # loaded when a command first needs them, so `qayd --help` and `--version` stay instant
    from core.config import Settings
    from core.uow import Context

T = TypeVar("T")

json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
# --limit and --offset: a bound SQLite can hold (an integer beyond 2^63 would fail in the driver, not as input).
ROWS = click.IntRange(0, 10**9)


@dataclass
class CliState:
    overrides: dict[str, object]
    config_file: Path | None
    _settings: Settings | None = None
    _company: Context | None = None
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    command: str | None = None  # the command group, the `job` of this command's log lines
    correlation_id: str | None = None  # the id every log line and crash file of this command carries
    crash_hooks: bool = False  # a `qayd` process of its own: native crashes and thread errors leave crash files

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from core.config import load_settings
            from core.support import configure_logging, set_log_fields

            self._settings = load_settings(environ=self.environ, config_file=self.config_file,
                                           overrides=self.overrides)
            configure_logging(self._settings, "qayd")  # the JSON-lines log, for this command (closed in close())
            if self.crash_hooks:  # not in a process running many commands (the tests): the hooks would stack
                from core.support import install_crash_handlers

                install_crash_handlers(self._settings, "qayd")
            set_log_fields(company=self._settings.company)
        return self._settings

    def company(self, *, create: bool = False) -> Context:
        if self._company is None:
            from core.bootstrap import open_company

            self._company = open_company(self.settings, create=create, environ=self.environ)
            from core.support import set_log_fields

            set_log_fields(device=self._company.device_id)
            startup.settle()  # what answering needs is loaded: collect as usual from here
        return self._company

    def new_company(self, fill: Callable[[Context], T]) -> tuple[Context, T]:
        """Create the configured company and fill it as one step (core.bootstrap.new_company); it becomes this
        command's company."""
        from core.bootstrap import new_company

        self._company, result = new_company(self.settings, fill, environ=self.environ)
        return self._company, result

    def close(self) -> None:
        if self._company is not None:
            self._company.close()
        if self._settings is not None:
            from core.support import remove_logging

            remove_logging("qayd")


def state() -> CliState:
    obj = click.get_current_context().find_root().obj
    assert isinstance(obj, CliState)
    return obj


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Path):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(to_jsonable(v) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        return {k: to_jsonable(getattr(value, k)) for k in value.__dataclass_fields__}
    return value


def print_json(value: Any) -> None:
    click.echo(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2))


def print_findings(findings: Sequence[Finding], *, arabic: bool = False) -> None:
    for f in cap_findings(list(findings)):
        message, fix = (f.message_ar or f.message, f.fix_ar or f.fix) if arabic else (f.message, f.fix)
        click.echo(f"{f.severity.value.upper():7} {f.field}: [{f.rule}] {message}")
        if fix:
            click.echo(f"        fix: {fix}")


def progress_printer(label: str) -> Callable[[float, str], None] | None:
    """A progress line on stderr when it is a terminal; silent in pipes and CI logs."""
    if not sys.stderr.isatty():
        return None

    def show(fraction: float, message: str) -> None:
        width = 30
        done = int(width * max(0.0, min(1.0, fraction)))
        sys.stderr.write(f"\r{label} [{'#' * done}{'.' * (width - done)}] {fraction:5.1%} {message}   ")
        sys.stderr.flush()

    return show


def end_progress(printer: Callable[[float, str], None] | None) -> None:
    if printer is not None:
        sys.stderr.write("\n")
