"""`qayd report ...`: printable compliance documents (PDF/A-3, English or Arabic), and what their commands share:
the period options and writing the finished file whole."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from core.files import private_dir, write_private
from core.reports.document import Built
from core.reports.errors import ReportError


def day(text: str | None, option: str) -> date | None:
    """--from/--to as a date; a clear error naming the option otherwise."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ReportError(f"{option} {text!r} is not a date.", fix="Write it as YYYY-MM-DD, e.g. 2026-11-30.") from None


def resolve_period(start: str | None, end: str | None, period: str | None, *,
                   required: bool) -> tuple[date | None, date | None]:
    """The first and last day from --from/--to or --period (one way or the other, not both). Without `required`,
    no period at all means the whole history."""
    from core.reports.vat_return import parse_period

    if period is not None:
        if start is not None or end is not None:
            raise click.UsageError("Give either --period or --from/--to, not both.")
        return parse_period(period)
    first, last = day(start, "--from"), day(end, "--to")
    if required and (first is None or last is None):
        raise click.UsageError("Give the period: --from YYYY-MM-DD --to YYYY-MM-DD, or --period 2026-Q4|2026-11.")
    if first is not None and last is not None and first > last:
        raise ReportError(f"The period starts ({first}) after it ends ({last}).", fix="Give --from before --to.")
    return first, last


def required_period(start: str | None, end: str | None, period: str | None) -> tuple[date, date]:
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


def register(cli: click.Group) -> click.Group:
    from core.cli import report_audit_cmds, report_tax_cmds

    @cli.group()
    def report() -> None:
        """Printable compliance documents: VAT return, ZATCA submissions, audit evidence, privacy (PDF/A-3)."""

    report_tax_cmds.register(report)
    report_audit_cmds.register(report)
    return report
