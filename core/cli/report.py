"""`qayd report ...`: printable compliance documents (PDF/A-3, English or Arabic), and what their commands share:
the period options and writing the finished file whole. The commands live in report_tax (vat, zatca) and
report_audit (audit, gdpr), each imported only when one of its commands runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from core.cli.dates import FIRST_DAY, LAST_DAY, check_order, range_options
from core.cli.lazy import LazyGroup
from core.files import private_dir, write_private
from core.reports import Built


def resolve_period(start: date | None, end: date | None, period: str | None, *,
                   required: bool) -> tuple[date | None, date | None]:
    """The first and last day (both included, Saudi time) from --from/--to or --period (one way or the other, not
    both). Without `required`, no period at all means the whole history."""
    from core.reports import parse_period

    if period is not None:
        if start is not None or end is not None:
            raise click.UsageError("Give either --period or --from/--to, not both.")
        try:
            first, last = parse_period(period)
        except (ValueError, OverflowError):  # "9999-12" ends on a day whose next month is year 10000
            first = last = date.max
        if first < FIRST_DAY or last > LAST_DAY:  # "9999" has no day after its end to bound it with
            raise click.BadParameter(f"{period!r} is out of range: give a period from {FIRST_DAY.year} to "
                                     f"{LAST_DAY.year}.", param_hint="--period")
        return first, last
    if required and (start is None or end is None):
        raise click.UsageError("Give the period: --from YYYY-MM-DD --to YYYY-MM-DD (both days included), "
                               "or --period 2026-Q4|2026-11.")
    check_order(start, end)
    return start, end


def period_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--from/--to (inclusive Saudi days) and --period, as every report takes them."""
    command = click.option("--period", help="A quarter (2026-Q4), a month (2026-11) or a year (2026) instead of "
                                            "--from/--to.")(command)
    return range_options("First day of the period", "Last day of the period")(command)


def required_period(start: date | None, end: date | None, period: str | None) -> tuple[date, date]:
    first, last = resolve_period(start, end, period, required=True)
    assert first is not None and last is not None
    return first, last


def write_pdf(built: Built, out: Path | None) -> Path:
    """Write the finished PDF through a temporary file, so a failed or cancelled write leaves no half file."""
    target = out if out is not None else Path.cwd() / built.filename
    if not target.name or target.is_dir():  # --out "" or a folder: the report goes in it, under its own name
        target = target / built.filename
    private_dir(target.parent, own=False)
    return write_private(target, built.pdf)


COMMANDS = {
    "vat": ("core.cli.report_tax:vat",
                "VAT return summary: boxes 1 to 6 of the KSA VAT return (sales) from the documents issued in the "
                "period."),
    "zatca": ("core.cli.report_tax:zatca",
                "ZATCA submission report: cleared, reported, rejected, pending and unsubmitted documents of the "
                "period."),
    "payments": ("core.cli.report_payments:payments",
                "Payments report: each payment of the period with its invoice, gross, refunds, fees and net; totals "
                "per provider against the payouts that settle them; unmatched payments apart."),
    "insights": ("core.cli.report_insights:insights",
                "Insights report: the period's findings with their evidence and actions, what could not be judged, "
                "expected collections, and charts of sales, VAT due and receivables with the forecast."),
    "audit": ("core.cli.report_audit:audit",
                "Audit evidence report: the chain verified, its checkpoints, the period's entries; exit 1 if broken."),
    "gdpr": ("core.cli.report_audit:gdpr",
                "Privacy documents: the access request report and the erasure certificate."),
}


@click.group(cls=LazyGroup, lazy=COMMANDS)
def report() -> None:
    """Printable compliance documents: VAT return, ZATCA submissions, audit evidence, privacy (PDF/A-3)."""
