"""`qayd report insights`: the insights report of a period (PDF/A-3 with charts, English or Arabic), or its JSON.

It runs the checks afresh over the period (a report is evidence: the run is recorded in the audit chain), builds the
whole PDF and writes the file only at the end; `--json` prints the same figures the PDF attaches.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from core.cli.common import end_progress, json_option, print_json, progress_printer, state
from core.cli.report import period_options, required_period, write_pdf
from core.cli.report_tax import LANGS


@click.command("insights")
@period_options
@click.option("--lang", type=LANGS, default="en", show_default=True,
              help="Language of the document (and of the customer names in --json).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              help="The PDF file to write (default: the document's own name in the current folder).")
@json_option
def insights(start: date | None, end: date | None, period: str | None, lang: str, out: Path | None,
             as_json: bool) -> None:
    """Insights report: the period's findings with their evidence and actions, what could not be judged, expected
    collections, and charts of sales, VAT due and receivables with the forecast."""
    from core.reports import build_insights_report, gather_insights_report

    first, last = required_period(start, end, period)
    ctx = state().company()
    printer = progress_printer("Insights report")
    if as_json:
        report = gather_insights_report(ctx, first, last, lang=lang, progress=printer)
        end_progress(printer)
        print_json(report.as_json())
        return
    built = build_insights_report(ctx, start=first, end=last, lang=lang, progress=printer)
    end_progress(printer)
    path = write_pdf(built, out)
    click.echo(f"Wrote {path} ({built.pages} page{'s' if built.pages != 1 else ''}).")
