"""`qayd report audit` and `qayd report gdpr access|erasure`: the audit evidence report and the privacy documents.

Each command builds the whole PDF first and writes the file only at the end (a failed or interrupted build leaves
nothing behind), then prints where it wrote it and how many pages it has.
"""

from __future__ import annotations

import calendar
import os
import re
from datetime import date
from pathlib import Path

import click

from core.cli.common import end_progress, json_option, print_json, progress_printer, state
from core.reports.document import Built
from core.reports.errors import ReportError

EXIT_BROKEN = 1  # the audit chain does not verify, or the erasure certificate's signature does not
LANGS = click.Choice(["en", "ar"])

lang_option = click.option("--lang", type=LANGS, default="en", show_default=True, help="Language of the document.")
out_option = click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
                          help="The PDF file to write (default: the document's own name in the current folder).")


def parse_period(text: str) -> tuple[date, date]:
    """"2026-Q4" (a quarter), "2026-11" (a month) or "2026" (a year) as its first and last day."""
    value = text.strip().upper()
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", value):
        year, quarter = int(match[1]), int(match[2])
        first_month = 3 * quarter - 2
        return date(year, first_month, 1), date(year, first_month + 2,
                                                calendar.monthrange(year, first_month + 2)[1])
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if match := re.fullmatch(r"\d{4}", value):
        return date(int(value), 1, 1), date(int(value), 12, 31)
    raise ReportError(f"{text!r} is not a period.",
                      fix="Write a quarter (2026-Q4), a month (2026-11) or a year (2026).")


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ReportError(f"{option} {text!r} is not a date.", fix="Write it as YYYY-MM-DD, e.g. 2026-11-30.") from None


def resolve_period(start: str | None, end: str | None, period: str | None) -> tuple[date | None, date | None]:
    if period is not None:
        if start is not None or end is not None:
            raise click.UsageError("Give either --period or --from/--to, not both.")
        return parse_period(period)
    first, last = _day(start, "--from"), _day(end, "--to")
    if first is not None and last is not None and first > last:
        raise ReportError(f"The period starts ({first}) after it ends ({last}).", fix="Give --from before --to.")
    return first, last


def write_pdf(built: Built, out: Path | None) -> Path:
    """Write the finished PDF (through a temporary file, so a failed write leaves no half file)."""
    target = out if out is not None else Path.cwd() / built.filename
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(built.pdf)
    os.replace(partial, target)
    return target


def _done(built: Built, path: Path, as_json: bool, **extra: object) -> None:
    if as_json:
        print_json({"file": path, "pages": built.pages, "title": built.title, **extra})
    else:
        click.echo(f"Wrote {path} ({built.pages} page{'s' if built.pages != 1 else ''}).")


def register(report: click.Group) -> None:
    """Add `audit` and the `gdpr` group to `qayd report`."""

    @report.command("audit")
    @click.option("--from", "start", metavar="YYYY-MM-DD", help="First day of the period (Riyadh time).")
    @click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day of the period (Riyadh time).")
    @click.option("--period", help="A quarter (2026-Q4), a month (2026-11) or a year (2026) instead of --from/--to.")
    @lang_option
    @out_option
    @json_option
    def audit(start: str | None, end: str | None, period: str | None, lang: str, out: Path | None,
              as_json: bool) -> None:
        """Audit evidence report: the chain verified, its checkpoints, the period's entries; exit 1 if broken."""
        from core.reports.audit_report import audit_evidence

        first, last = resolve_period(start, end, period)
        ctx = state().company()
        printer = progress_printer("Verifying and printing")
        evidence = audit_evidence(ctx, start=first, end=last, lang=lang, progress=printer)
        end_progress(printer)
        path = write_pdf(evidence.built, out)
        broken = evidence.report.broken
        _done(evidence.built, path, as_json, intact=evidence.report.ok,
              broken_at=None if broken is None else broken.seq)
        if broken is not None:
            if not as_json:
                click.echo(f"The audit chain is BROKEN at entry {broken.seq} ({broken.kind.value}); "
                           "the report describes the break.", err=True)
            raise click.exceptions.Exit(EXIT_BROKEN)

    @report.group("gdpr")
    def gdpr() -> None:
        """Privacy documents: the access request report and the erasure certificate."""

    @gdpr.command("access")
    @click.argument("request")
    @click.option("--export-dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
                  help="The folder `qayd gdpr access` wrote for this request: its files are listed with their "
                       "SHA-256 and checked against its manifest.")
    @lang_option
    @out_option
    @json_option
    def access(request: str, export_dir: Path | None, lang: str, out: Path | None, as_json: bool) -> None:
        """Access request report for REQUEST (DSR-…): what is held, why, for how long, who read it."""
        from core.reports.privacy_reports import build_access_report

        ctx = state().company()
        printer = progress_printer("Printing")
        built = build_access_report(ctx, request=request, lang=lang, export_dir=export_dir, progress=printer)
        end_progress(printer)
        _done(built, write_pdf(built, out), as_json)

    @gdpr.command("erasure")
    @click.argument("ident", metavar="DSR-REF|CERT-ID")
    @lang_option
    @out_option
    @json_option
    def erasure_certificate(ident: str, lang: str, out: Path | None, as_json: bool) -> None:
        """Erasure certificate for a request (DSR-…) or certificate id, its signature verified; exit 1 if not."""
        from core.reports.privacy_reports import certificate_document

        ctx = state().company()
        printer = progress_printer("Printing")
        document = certificate_document(ctx, request=ident, lang=lang, progress=printer)
        end_progress(printer)
        _done(document.built, write_pdf(document.built, out), as_json, verified=document.verified)
        if not document.verified:
            if not as_json:
                click.echo("The certificate's signature does NOT verify; the document says so.", err=True)
            raise click.exceptions.Exit(EXIT_BROKEN)
