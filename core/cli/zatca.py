"""`qayd zatca onboard|status|submit|renew`: EGS units, onboarding and the submission queue."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from core.cli.common import ROWS, end_progress, json_option, print_json, print_table, progress_printer, state
from core.cli.doctor import metrics_option, write_metrics
from core.errors import NotFoundError
from core.zatca import FatooraClient, list_queue, onboarding, submit_pending
from core.zatca import egs as units

ENVIRONMENTS = ["sandbox", "simulation", "production"]


def client_for(environment: str) -> FatooraClient:
    from core.bootstrap import zatca_client

    return zatca_client(state().settings, environment)  # the transport is built in the composition root


@click.group()
def zatca() -> None:
    """ZATCA: EGS units, onboarding, and the submission queue."""


@zatca.command("onboard")
@click.option("--name", required=True, help="Unique name of this EGS unit (the certificate's common name).")
@click.option("--serial", required=True, help="1-<maker>|2-<model>|3-<serial number>.")
@click.option("--environment", type=click.Choice(ENVIRONMENTS), default=None,
              help="Portal environment (default: the zatca.environment setting).")


@click.option("--otp", required=True, help="The one-time password from the Fatoora portal.")
@click.option("--invoice-types", default="1100", show_default=True,
              help="Four digits TSCZ: standard, simplified, (future), (future).")


@click.option("--branch", default="")
@click.option("--location", default="")
@click.option("--industry", default="")
@json_option
def zatca_onboard(name: str, serial: str, environment: str | None, otp: str, invoice_types: str, branch: str,
                  location: str, industry: str, as_json: bool) -> None:
    """Create (or resume) an EGS unit and onboard it: CSR, compliance CSID, checks, production CSID."""
    st = state()
    ctx, env = st.company(), environment or st.settings.zatca.environment
    with ctx.uow() as uow:
        try:  # an unfinished onboarding resumes with the same unit and key
            unit_id = units.get_egs(uow, name).id
        except NotFoundError:
            unit_id = units.create_egs(uow, name=name, serial_number=serial, environment=env,
                                       invoice_types=invoice_types, branch=branch, location=location,
                                       industry=industry).id
        uow.commit()
    printer = progress_printer("Onboarding")
    with client_for(env) as client:
        info = onboarding.onboard(ctx, unit_id, otp, client, progress=printer)
    end_progress(printer)
    print_json(info) if as_json else click.echo(f"EGS unit {info.name} is {info.status} in {info.environment}.")


@zatca.command("status")
@json_option
def zatca_status(as_json: bool) -> None:
    """EGS units (with certificate expiry warnings) and the submission queue with its deadlines."""
    ctx = state().company()
    with ctx.uow(write=False) as uow:
        egs_list, queue, now = units.list_egs(uow), list_queue(uow), uow.now()
    if as_json:
        print_json({"egs_units": egs_list, "queue": queue,
                    "warnings": [w for w in (q.warning(now) for q in queue) if w]})
        return
    print_table(("EGS unit", "Environment", "Status", "Types", "ICV", "Certificate until"),
                ((u.name, u.environment, u.status, u.invoice_types, u.icv,
                  f"{u.certificate_expires_at:%Y-%m-%d}" if u.certificate_expires_at else "") for u in egs_list))
    for u in egs_list:
        for w in u.warnings:
            click.echo(f"WARNING {u.name}: {w}")
    click.echo("")
    print_table(("Document", "Kind", "State", "Tries", "Time left", "Last error"),
                ((q.number, q.kind, q.state, q.attempts, _left(q.time_left(now)), q.last_error[:50])
                 for q in queue))
    for q in queue:
        if q.warning(now):
            click.echo(f"WARNING {q.warning(now)}")
        if q.state == "rejected":
            for m in q.messages:
                click.echo(f"  {q.number}: {m.get('level', '')} {m.get('code', '')}: {m.get('message', '')}")
            click.echo(f"  Fix: issue a credit note for {q.number}, then a corrected invoice "
                       f"(`qayd invoice correct {q.number}` prepares both drafts).")


@zatca.command("submit")
@click.option("--limit", type=ROWS, default=None, help="At most this many documents.")
@json_option
@metrics_option
def zatca_submit(limit: int | None, as_json: bool, metrics_file: Path | None) -> None:
    """Clear or report every due document; exit 1 when some were rejected or the portal was unreachable."""
    try:
        summary = submit_pending(state().company(), client_for, limit=limit)
    finally:  # after the run, whatever its outcome: the queue's deadlines are what the textfile watches
        if metrics_file is not None:
            write_metrics(metrics_file)
    if as_json:
        print_json(summary)
    else:
        click.echo(f"Done: {len(summary.done)}, rejected: {len(summary.rejected)}, "
                   f"postponed: {len(summary.postponed)}.")
        if summary.stopped:
            click.echo(f"Stopped: {summary.stopped}", err=True)
    if summary.rejected or summary.stopped:
        raise click.exceptions.Exit(1)


@zatca.command("renew")
@click.option("--egs", "egs_name", default=None, help="The unit to renew (default: this device's unit).")
@click.option("--otp", required=True)
def zatca_renew(egs_name: str | None, otp: str) -> None:
    """Renew the unit's production certificate (new key and CSR)."""
    ctx = state().company()
    with ctx.uow(write=False) as uow:
        unit = units.get_egs(uow, egs_name)
        unit_id, env = unit.id, unit.environment
    with client_for(env) as client:
        info = onboarding.renew(ctx, unit_id, otp, client)
    click.echo(f"Renewed {info.name}; the certificate is valid until {info.certificate_expires_at:%Y-%m-%d}.")


def _left(delta: timedelta | None) -> str:
    if delta is None:
        return "-"
    seconds = int(delta.total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    return f"{sign}{seconds // 3600} h {seconds % 3600 // 60:02d} min"

