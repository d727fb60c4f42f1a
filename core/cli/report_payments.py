"""`qayd report payments`: payouts reconciled to invoices for a period (PDF/A-3, or the figures as JSON)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from core.cli.common import end_progress, json_option, print_json, progress_printer, state
from core.cli.report import period_options, required_period, write_pdf

LANGS = click.Choice(["ar", "en", "both"])


@click.command("payments")
@period_options
@click.option("--lang", type=LANGS, default="both", show_default=True,
              help="Language of the document: Arabic, English, or both (Arabic first).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              help="The PDF file to write (default: the document's own name in the current folder).")
@json_option
def payments(start: date | None, end: date | None, period: str | None, lang: str, out: Path | None,
             as_json: bool) -> None:
    """Payments report: each payment of the period with its invoice, gross, refunds, fees and net; totals per
    provider against the payouts that settle them; unmatched payments apart."""
    from core.reports import build_payments_report, gather_payments_report

    first, last = required_period(start, end, period)
    ctx = state().company()
    if as_json:
        print_json(gather_payments_report(ctx, first, last).as_json())
        return
    printer = progress_printer("Payments report")
    built = build_payments_report(ctx, start=first, end=last, lang=lang, progress=printer)
    end_progress(printer)
    path = write_pdf(built, out)
    click.echo(f"Wrote {path} ({built.pages} page{'s' if built.pages != 1 else ''}).")
