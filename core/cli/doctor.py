"""`qayd doctor [--json] [--deep]`: every health check, what it found and the fix; exit 1 when one fails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from core.cli.common import end_progress, print_json, print_table, progress_printer, state

if TYPE_CHECKING:
    from core.health import Report

STATUS_WORDS = {"ok": "OK", "warn": "WARN", "fail": "FAIL"}


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (what the support bundle keeps).")
@click.option("--deep", is_flag=True, help="Verify every audit entry and issued document, and SQLite's full "
              "integrity check (slower).")
@click.option("--offline", is_flag=True, help="Only the checks that read this machine (no portal, central or "
              "mail server).")
def doctor(as_json: bool, deep: bool, offline: bool) -> None:
    """Check this install's health: store, audit chain, secrets, ZATCA, clocks, central, mail, payments."""
    printer = progress_printer("Checking") if not as_json else None
    try:
        report = health_report(deep=deep, network=not offline, progress=printer)
    finally:
        end_progress(printer)
    if as_json:
        print_json(report.to_json())
    else:
        print_report(report)
    if report.failed:
        raise click.exceptions.Exit(1)


def health_report(*, deep: bool = False, network: bool = True, scans: bool = True,
                  progress: Callable[[float, str], None] | None = None) -> Report:
    """run_checks on this command's company; a company whose master key cannot be had is a failed check, not an
    error (the secret store's check names it), so doctor and status still answer."""
    from core.errors import SecretStoreError
    from core.health import run_checks, unopened_report

    st = state()
    try:
        ctx = st.company()
    except SecretStoreError as exc:
        from core.clock import system_clock

        return unopened_report(exc, system_clock())
    return run_checks(ctx, st.settings, deep=deep, network=network, scans=scans, progress=progress)


def print_report(report: Report) -> None:
    print_table(["Check", "Status", "Found", "Fix"],
                [(c.id, STATUS_WORDS[str(c.status)], c.found, c.fix if str(c.status) != "ok" else "")
                 for c in report.checks])
    counts = {s: sum(1 for c in report.checks if str(c.status) == s) for s in STATUS_WORDS}
    click.echo(f"\n{counts['ok']} ok, {counts['warn']} warning(s), {counts['fail']} failure(s)"
               + (" (deep)" if report.deep else "") + ".")


def write_metrics(path: Path) -> None:
    """The Prometheus textfile of the local checks (server mode: after each cycle of a scheduled command)."""
    from core.health import run_checks, write_textfile

    st = state()
    write_textfile(run_checks(st.company(), st.settings, network=False, scans=False), path)


metrics_option = click.option(
    "--metrics-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="After each run, write the health checks' figures here as a Prometheus textfile (node_exporter).")
