"""`qayd report audit` and `qayd report gdpr access|erasure`: the audit evidence report and the privacy documents.

Each command builds the whole PDF first and writes the file only at the end (a failed or interrupted build leaves
nothing behind), then prints where it wrote it and how many pages it has.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from core.cli.common import end_progress, json_option, print_json, progress_printer, state
from core.cli.report import period_options, resolve_period, write_pdf
from core.reports import Built

EXIT_BROKEN = 1  # the audit chain does not verify, or the erasure certificate's signature does not
LANGS = click.Choice(["en", "ar"])

lang_option = click.option("--lang", type=LANGS, default="en", show_default=True, help="Language of the document.")
out_option = click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
                          help="The PDF file to write (default: the document's own name in the current folder).")


def _done(built: Built, path: Path, as_json: bool, **extra: object) -> None:
    if as_json:
        print_json({"file": path, "pages": built.pages, "title": built.title, **extra})
    else:
        click.echo(f"Wrote {path} ({built.pages} page{'s' if built.pages != 1 else ''}).")


@click.command("audit")
@period_options
@lang_option
@out_option
@json_option
def audit(start: date | None, end: date | None, period: str | None, lang: str, out: Path | None,
          as_json: bool) -> None:
    """Audit evidence report: the chain verified, its checkpoints, the period's entries; exit 1 if broken."""
    from core.reports import audit_evidence

    first, last = resolve_period(start, end, period, required=False)
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
    if not evidence.report.ok:  # the entries verify, but an outside head or an issued document does not
        if not as_json:
            click.echo("The audit chain's entries verify, but a head outside it or an issued document does not; "
                       "the report names them.", err=True)
        raise click.exceptions.Exit(EXIT_BROKEN)


@click.group("gdpr")
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
    from core.reports import build_access_report

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
    from core.reports import certificate_document

    ctx = state().company()
    printer = progress_printer("Printing")
    document = certificate_document(ctx, request=ident, lang=lang, progress=printer)
    end_progress(printer)
    _done(document.built, write_pdf(document.built, out), as_json, verified=document.verified)
    if not document.verified:
        if not as_json:
            click.echo("The certificate's signature does NOT verify; the document says so.", err=True)
        raise click.exceptions.Exit(EXIT_BROKEN)
