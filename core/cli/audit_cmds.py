"""`qayd audit verify|export`."""

from __future__ import annotations

from pathlib import Path

import click

from core.audit.bundle import export_bundle, verify_bundle
from core.audit.service import entries_around, verify_store
from core.audit.verify import VerifyReport
from core.cli.common import end_progress, json_option, print_json, progress_printer, state

EXIT_BROKEN = 1


def _print_report(report: VerifyReport, where: str) -> None:
    for warning in report.warnings:
        click.echo(f"WARNING {warning}", err=True)
    if report.cancelled:
        click.echo(f"Verification of {where} was cancelled after {report.entries:,} entries.")
    elif report.broken is None:
        click.echo(f"The audit chain of {where} is intact: {report.entries:,} entries, "
                   f"{report.checkpoints:,} signed checkpoints, head {report.head_hash[:16]}…")
    else:
        b = report.broken
        click.echo(f"The audit chain of {where} is BROKEN at entry {b.seq}: {b.kind.value}.")
        click.echo(f"  {b.detail}")
        click.echo(f"  Entries 1 to {report.entries:,} before it verify.")


def register(cli: click.Group) -> None:
    @cli.group()
    def audit() -> None:
        """The tamper-evident audit chain."""

    @audit.command("verify")
    @click.option("--bundle", type=click.Path(path_type=Path, file_okay=False, exists=True),
                  help="Verify an exported evidence bundle instead of the company's database.")
    @click.option("--central", "in_central", is_flag=True,
                  help="Verify every device's chain as the central database holds it (compliance or admin login).")
    @json_option
    def audit_verify(bundle: Path | None, in_central: bool, as_json: bool) -> None:
        """Verify every entry and checkpoint; exit 0 only when the chain is intact."""
        printer = progress_printer("Verifying")
        if in_central:
            from core.sync.audit_central import verify_central
            from core.sync.connection import dsn_for

            ctx = state().company()
            reports = verify_central(dsn_for(ctx, state().settings), ctx=ctx, progress=printer)
            end_progress(printer)
            if as_json:
                print_json([{"device": r.device_id, "name": r.name, "fingerprint": r.fingerprint, "ok": r.ok,
                             "report": r.report, "gaps": r.gaps} for r in reports])
            else:
                for r in reports:
                    where = f"device {r.name} ({r.device_id[:8]}"
                    _print_report(r.report, f"the central copy of {where}, key {r.fingerprint})")
                    if r.gaps:  # the chain verifies by itself, yet evidence kept elsewhere shows more
                        click.echo(f"The central copy of {where}) is NOT whole:")
                    for gap in r.gaps:
                        click.echo(f"  {where}): {gap.text}.")
            if not reports or not all(r.ok for r in reports):
                raise click.exceptions.Exit(EXIT_BROKEN)
            return
        if bundle is not None:
            report, where = verify_bundle(bundle, progress=printer), f"the bundle {bundle}"
            neighbours = []
        else:
            ctx = state().company()
            report, where = verify_store(ctx, progress=printer), f"company '{state().settings.company}'"
            neighbours = entries_around(ctx, report.broken.seq) if report.broken else []
        end_progress(printer)
        if as_json:
            print_json({"ok": report.ok, "report": report, "neighbours": neighbours})
        else:
            _print_report(report, where)
            for e in neighbours:
                click.echo(f"  {'>' if report.broken and e.seq == report.broken.seq else ' '} #{e.seq} {e.at} "
                           f"{e.action} {e.subject} {e.hash[:12]}…")
        if not report.ok:
            raise click.exceptions.Exit(EXIT_BROKEN)

    @audit.command("export")
    @click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False),
                  help="New or empty folder to write the evidence bundle into.")
    @json_option
    def audit_export(out: Path, as_json: bool) -> None:
        """Write a self-contained evidence bundle that `qayd audit verify --bundle` checks."""
        st = state()
        ctx = st.company()
        printer = progress_printer("Exporting")
        report = export_bundle(ctx, out, company=st.settings.company, now=ctx.clock(), progress=printer)
        end_progress(printer)
        if as_json:
            print_json({"out": out, "entries": report.entries, "intact": report.ok})
            return
        click.echo(f"Wrote {report.entries:,} entries to {out} (chain {'intact' if report.ok else 'BROKEN'}).")
        if not report.ok:
            raise click.exceptions.Exit(EXIT_BROKEN)
