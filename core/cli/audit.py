"""`qayd audit verify|export`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from core.audit import (
    AnchorCheck,
    CentralProbe,
    DocumentsCheck,
    VerifyReport,
    entries_around,
    export_bundle,
    verify_bundle,
    verify_store,
)
from core.cli.common import end_progress, json_option, print_json, progress_printer, state
from core.clock import saudi_time
from core.uow import Context

EXIT_BROKEN = 1


def _print_report(report: VerifyReport, where: str) -> None:
    for warning in report.warnings:
        click.echo(f"WARNING {warning}", err=True)
    if report.broken is None:
        click.echo(f"The audit chain of {where} is intact: {report.entries:,} entries, "
                   f"{report.checkpoints:,} signed checkpoints, head {report.head_hash[:16]}…")
    else:
        b = report.broken
        click.echo(f"The audit chain of {where} is BROKEN at entry {b.seq}: {b.kind.value}.")
        click.echo(f"  {b.detail}")
        click.echo(f"  Entries 1 to {report.entries:,} before it verify.")
    if report.anchors:
        _print_anchors(report)
    if report.documents is not None:
        _print_documents(report.documents)
    if report.chain_ok and not report.ok:
        heads = sum(a.failed for a in report.anchors)
        docs = len(report.documents.broken) if report.documents is not None else 0
        click.echo(f"NOT INTACT: the entries verify, but {heads} head(s) outside the chain and {docs} issued "
                   "document(s) do not (above).")


def _print_anchors(report: VerifyReport) -> None:
    """Say plainly what the chain was checked against, and where each outside head was found."""
    against = ", ".join(f"{'' if a.name == 'central' else 'the '}{a.name} ({_seq_or_note(a)})" for a in report.anchors)
    click.echo(f"Checked {report.entries:,} entries against {report.checkpoints:,} signed checkpoints, {against}.")
    for a in report.anchors:
        if a.failed:
            click.echo(f"  FAILED the {a.name}: {a.note}")
        elif a.where:
            click.echo(f"  the {a.name} ({a.where}): {a.note}")


def _seq_or_note(a: AnchorCheck) -> str:
    return f"seq {a.seq:,}" if a.seq is not None else a.note.rstrip(".")


def _print_documents(docs: DocumentsCheck) -> None:
    verdict = "all intact" if docs.ok else f"{len(docs.broken):,} BROKEN"
    click.echo(f"Issued documents: {docs.documents:,} in {docs.units:,} EGS unit(s) re-verified from the store "
               f"(hash, signature, QR, ICV/PIH chain) in {docs.seconds:.1f} s: {verdict}.")
    for d in docs.broken:
        click.echo(f"  BROKEN {d.number} (unit {d.egs}, ICV {d.icv}):" if d.egs else f"  BROKEN {d.number}:")
        for problem in d.problems:
            click.echo(f"    - {problem}")
    for note in docs.notes:
        click.echo(f"  NOTE {note}")


def _central_probe(ctx: Context) -> CentralProbe | None:
    """Central's head for this device when a connection is configured; None (not connected) otherwise."""
    from core.central import CentralSetupError
    from core.sync import central_head, dsn_for

    try:
        dsn = dsn_for(ctx, state().settings)
    except CentralSetupError:
        return None
    return lambda: central_head(dsn, str(ctx.device_id))


@click.group()
def audit() -> None:
    """The tamper-evident audit chain."""


@audit.command("verify")
@click.option("--bundle", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Verify an exported evidence bundle instead of the company's database.")


@click.option("--central", "in_central", is_flag=True,
              help="Verify every device's chain as the central database holds it (compliance or admin login).")


@json_option
def audit_verify(bundle: Path | None, in_central: bool, as_json: bool) -> None:
    """Verify every entry and checkpoint, the heads kept outside the chain, and every issued document's stamp
    and ICV/PIH chain; exit 0 only when all of it is intact."""
    printer = progress_printer("Verifying")
    if in_central:
        from core.sync import dsn_for, verify_central

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
        report = verify_store(ctx, progress=printer, central=_central_probe(ctx))
        where = f"company '{state().settings.company}'"
        neighbours = entries_around(ctx, report.broken.seq) if report.broken else []
    end_progress(printer)
    if as_json:
        print_json({"ok": report.ok, "report": report, "neighbours": neighbours})
    else:
        _print_report(report, where)
        for e in neighbours:
            click.echo(f"  {'>' if report.broken and e.seq == report.broken.seq else ' '} #{e.seq} {_saudi(e.at)} "
                       f"{e.action} {e.subject} {e.hash[:12]}…")
        if not report.ok and bundle is None:
            _incident_note()
    if not report.ok:
        raise click.exceptions.Exit(EXIT_BROKEN)


def _incident_note() -> None:
    """A failed verification puts Qayd in incident mode by itself (core.incident): say so, and how it ends."""
    from core.incident import status

    active = status(state().company())
    if active is not None and active.automatic:
        click.echo(f"Incident mode is on ({active.id.hex[:8]}): issuing, e-mail and payments are held until an "
                   "admin ends it: `qayd incident end --reason …`.", err=True)


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


def _saudi(at: str) -> str:
    """An entry's stored UTC time as read here (Saudi time); text that is not a time is shown as it is (a damaged
    entry is exactly what this listing is for)."""
    try:
        moment = datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return str(at)
    return saudi_time(moment).isoformat(timespec="seconds") if moment.tzinfo else at
