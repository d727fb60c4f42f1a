"""`qayd report vat` and `qayd report zatca`: the VAT return summary and the ZATCA submission report.

Each builds the whole PDF first and writes the file only at the end (a cancelled or failed build leaves nothing
behind), then prints where it wrote it and how many pages it has; `--json` prints the figures instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from core.cli.common import end_progress, json_option, print_json, progress_printer, state
from core.reports.document import Built

LANGS = click.Choice(["en", "ar"])


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-10-01.",
                                 param_hint=option) from None


def resolve_period(start: str | None, end: str | None, period: str | None) -> tuple[date, date]:
    """The first and last day from --from/--to or --period (exactly one of the two ways)."""
    from core.reports.vat_return import parse_period

    if period is not None:
        if start is not None or end is not None:
            raise click.UsageError("Give either --period or --from/--to, not both.")
        return parse_period(period)
    first, last = _day(start, "--from"), _day(end, "--to")
    if first is None or last is None:
        raise click.UsageError("Give the period: --from YYYY-MM-DD --to YYYY-MM-DD, or --period 2026-Q4|2026-11.")
    return first, last


def write_pdf(built: Built, out: Path | None) -> Path:
    """Write the finished PDF through a temporary file, so a failed write leaves no half file."""
    target = out if out is not None else Path.cwd() / built.filename
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(built.pdf)
    os.replace(partial, target)
    return target


def _options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed((
        click.option("--from", "start", metavar="YYYY-MM-DD", help="First day of the period (Riyadh time)."),
        click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day of the period (Riyadh time)."),
        click.option("--period", help="A quarter (2026-Q4), a month (2026-11) or a year (2026) instead of "
                                      "--from/--to."),
        click.option("--lang", type=LANGS, default="en", show_default=True, help="Language of the document."),
        click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
                     help="The PDF file to write (default: the document's own name in the current folder)."),
        json_option,
    )):
        command = option(command)
    return command


def _print_pdf(built: Built, out: Path | None) -> None:
    path = write_pdf(built, out)
    click.echo(f"Wrote {path} ({built.pages} page{'s' if built.pages != 1 else ''}).")


def register(report: click.Group) -> None:
    """Add `vat` and `zatca` to `qayd report`."""

    @report.command("vat")
    @_options
    def vat(start: str | None, end: str | None, period: str | None, lang: str, out: Path | None,
            as_json: bool) -> None:
        """VAT return summary: boxes 1 to 6 of the KSA VAT return (sales) from the documents issued in the period."""
        from core.reports.vat_return import build_vat_return, vat_return

        first, last = resolve_period(start, end, period)
        ctx = state().company()
        printer = progress_printer("VAT return")
        if as_json:
            with ctx.uow(write=False, channel="cli") as uow:
                figures = vat_return(uow, first, last, progress=printer)
            end_progress(printer)
            print_json(figures)
            return
        built = build_vat_return(ctx, start=first, end=last, lang=lang, progress=printer)
        end_progress(printer)
        _print_pdf(built, out)

    @report.command("zatca")
    @_options
    def zatca(start: str | None, end: str | None, period: str | None, lang: str, out: Path | None,
              as_json: bool) -> None:
        """ZATCA submission report: cleared, reported, rejected, pending and unsubmitted documents of the period."""
        from core.reports.zatca_report import build_zatca_report, zatca_summary

        first, last = resolve_period(start, end, period)
        ctx = state().company()
        if as_json:
            with ctx.uow(write=False, channel="cli") as uow:
                print_json(zatca_summary(uow, first, last))
            return
        printer = progress_printer("ZATCA submissions")
        built = build_zatca_report(ctx, start=first, end=last, lang=lang, progress=printer)
        end_progress(printer)
        _print_pdf(built, out)
