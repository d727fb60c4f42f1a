"""`qayd report vat` and `qayd report zatca`: the VAT return summary and the ZATCA submission report.

Each builds the whole PDF first and writes the file only at the end (a cancelled or failed build leaves nothing
behind), then prints where it wrote it and how many pages it has; `--json` prints the figures instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from core.cli.common import end_progress, json_option, print_json, progress_printer, state
from core.cli.report import period_options, required_period, write_pdf
from core.cli.report_figures import attached_json, print_vat_figures
from core.reports import Built

LANGS = click.Choice(["en", "ar"])


def _options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed((
        period_options,
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


@click.command("vat")
@_options
def vat(start: date | None, end: date | None, period: str | None, lang: str, out: Path | None,
        as_json: bool) -> None:
    """VAT return summary: boxes 1 to 6 of the KSA VAT return (sales) from the documents issued in the period."""
    from core.reports import build_vat_return
    from core.reports import vat_return_figures as vat_return

    first, last = required_period(start, end, period)
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
    if out is None:  # no file asked for: the figures on the terminal too, and where the PDF went
        print_vat_figures(attached_json(built.pdf, "vat-return.json"))
    _print_pdf(built, out)


@click.command("zatca")
@_options
def zatca(start: date | None, end: date | None, period: str | None, lang: str, out: Path | None,
          as_json: bool) -> None:
    """ZATCA submission report: cleared, reported, rejected, pending and unsubmitted documents of the period."""
    from core.reports import build_zatca_report, zatca_summary

    first, last = required_period(start, end, period)
    ctx = state().company()
    if as_json:
        with ctx.uow(write=False, channel="cli") as uow:
            print_json(zatca_summary(uow, first, last))
        return
    printer = progress_printer("ZATCA submissions")
    built = build_zatca_report(ctx, start=first, end=last, lang=lang, progress=printer)
    end_progress(printer)
    _print_pdf(built, out)
