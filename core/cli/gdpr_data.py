"""`qayd gdpr access|erase|purge|certificate`: access exports, erasure with its certificate, the retention purge."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from core.cli.common import end_progress, json_option, print_json, print_table, progress_printer, state
from core.clock import saudi_date
from core.errors import ValidationError
from core.findings import Finding
from core.privacy import erasure, export_subject, retention

EXIT_INVALID = 1


def _plan_rows(items: list[erasure.PlanItem], *, kept: bool) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for item in items:
        held = (item.basis, item.held_until.isoformat() if item.held_until else "") if kept else ()
        rows.append((item.record, ", ".join(item.fields), *held, item.description_en))
    return rows


def _print_plan(plan: erasure.ErasurePlan) -> None:
    if plan.erased_at is not None:
        click.echo(f"{plan.subject} was erased on {saudi_date(plan.erased_at)}.")
    click.echo(f"Erasure of {plan.subject}")
    click.echo(f"\nERASED ({len(plan.erase)}): overwritten now, unrecoverable afterwards")
    if plan.erase:
        print_table(("record", "fields", "what"), _plan_rows(plan.erase, kept=False))
    click.echo(f"\nKEPT ({len(plan.keep)}): restricted, kept for the law, then purged")
    if plan.keep:
        print_table(("record", "fields", "basis", "until", "what"), _plan_rows(plan.keep, kept=True))


def _today(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError("The date", [Finding(
            "QAYD-DATE", "today", f"{text!r} is not a date.", "Write it as 2033-01-01.",
            message_ar=f"القيمة {text!r} ليست تاريخاً.", fix_ar="اكتبه مثل 2033-01-01.")]) from None


@click.command("access")
@click.argument("subject")
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write the export into (a new subfolder is made for it).")


@click.option("--purpose", default="data subject access request", show_default=True,
              help="Why the export is made; recorded in the access log.")


@json_option
def access(subject: str, out: Path, purpose: str, as_json: bool) -> None:
    """Export everything held about SUBJECT (customer:<id> or user:<id>): JSON, CSV per table, XML, manifest."""
    ctx = state().company()
    printer = progress_printer("Exporting")
    result = export_subject(ctx, subject, out, purpose=purpose, progress=printer)
    end_progress(printer)
    if as_json:
        print_json({"folder": result.folder, "files": [p.relative_to(result.folder) for p in result.files],
                    "records": result.records})
        return
    click.echo(f"Wrote {result.records:,} records in {len(result.files)} files to {result.folder}")
    click.echo("manifest.json lists the SHA-256 of every file; the export is in the access log.")


@click.command("erase")
@click.argument("subject")
@click.option("--preview", is_flag=True, help="Only list what would be erased and kept, and why.")
@click.option("--yes", is_flag=True, help="Erase without asking (after reviewing --preview).")
@click.option("--request", "request_ref", help="The erasure request this answers (e.g. DSR-2026-0001).")
@json_option
def erase(subject: str, preview: bool, yes: bool, request_ref: str | None, as_json: bool) -> None:
    """Erase SUBJECT: anonymise what is not held, hold issued invoices, destroy the audit key, certify."""
    ctx = state().company()
    with ctx.uow(write=False) as uow:
        plan = erasure.preview(uow, subject)
    if preview:
        if as_json:
            print_json(plan)
        else:
            _print_plan(plan)
        return
    if not yes:
        if not sys.stdin.isatty():
            raise click.UsageError("Erasure cannot be undone: review `--preview`, then run again with --yes.")
        _print_plan(plan)
        click.confirm("\nErase now? This cannot be undone", abort=True)
    printer = progress_printer("Erasing")
    result = erasure.erase(ctx, subject, request_ref=request_ref, progress=printer)
    end_progress(printer)
    if as_json:
        print_json(result)
        return
    click.echo(f"Erased {plan.subject}: {result.erased} item(s) erased, {result.kept} kept under a legal hold.")
    click.echo(f"Certificate {result.certificate_id} (signed with this device's key): "
               f"`qayd gdpr certificate show {result.certificate_id}`.")
    if not result.wal_cleared:
        click.echo("WARNING another program has the company open, so the write-ahead log could not be cleared "
                   "yet; it is cleared when that program closes the company.", err=True)


@click.command("purge")
@click.option("--today", "today_text", help="Purge holds that ended before this date (default: today).")
@json_option
def purge(today_text: str | None, as_json: bool) -> None:
    """Purge the personal data of held records whose retention period has ended."""
    ctx = state().company()
    today = _today(today_text) or saudi_date(ctx.clock())  # the Saudi calendar day, as the desktop
    count = retention.purge_expired(ctx, today=today)
    if as_json:
        print_json({"purged": count, "today": today})
        return
    click.echo(f"Purged {count} held record(s) whose retention ended before {today.isoformat()}.")


@click.group("certificate")
def certificate() -> None:
    """Erasure certificates."""


@certificate.command("show")
@click.argument("ident")
@json_option
def certificate_show(ident: str, as_json: bool) -> None:
    """Show a certificate (by id, or the newest of a subject) and verify its signature; exit 1 if it fails."""
    ctx = state().company()
    with ctx.uow(write=False) as uow:
        cert = erasure.get_certificate(uow, ident)
    if as_json:
        print_json({"id": cert.id, "valid": cert.valid, "signature": cert.signature, "body": cert.body})
    else:
        body = cert.body
        click.echo(f"Certificate {cert.id}  signature: {'VALID' if cert.valid else 'INVALID'}")
        click.echo(f"Subject {cert.subject}, issued {body['issued_at']}, request {body.get('request') or '-'}")
        click.echo(f"\nERASED ({len(body['erased']['records'])})")
        print_table(("record", "fields"), [(r["record"], ", ".join(r["fields"]))
                                           for r in body["erased"]["records"]])
        click.echo(f"\nKEPT ({len(body['kept']['records'])})")
        print_table(("record", "basis", "until"), [(r["record"], r["basis"], r["held_until"] or "")
                                                   for r in body["kept"]["records"]])
    if not cert.valid:
        raise click.exceptions.Exit(EXIT_INVALID)
