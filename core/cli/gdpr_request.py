"""`qayd gdpr request add|list|show|verify|start|extend|close` and `qayd gdpr subjects TEXT`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

import click

from core.cli.common import ROWS, json_option, print_json, print_table, state
from core.clock import saudi_time
from core.errors import ValidationError
from core.findings import Finding
from core.privacy import find_subjects, resolve_subject
from core.privacy import requests as dsr
from core.uow import UnitOfWork

CHANNEL = "cli"


def _received(text: str | None) -> datetime | None:
    """An ISO date (the start of that day) or date and time; without an offset, Saudi time."""
    if text is None:
        return None
    value = text.strip()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(0, 0), dsr.KSA)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("The time of receipt", [Finding(
            "QAYD-DSR-RECEIVED", "received_at", f"{text!r} is not a date or a date and time.",
            "Write it as 2026-11-25 or 2026-11-25T09:30 (Saudi time unless an offset is given).",
            message_ar=f"القيمة {text!r} ليست تاريخاً أو تاريخاً ووقتاً.",
            fix_ar="اكتبها مثل 2026-11-25 أو 2026-11-25T09:30 (بتوقيت السعودية ما لم يُذكر فرق التوقيت).")]) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dsr.KSA)


def _due_text(info: dsr.RequestInfo) -> str:
    if not info.is_open:
        return f"{info.due_date}"
    if info.overdue:
        return f"{info.due_date} (OVERDUE by {-(info.days_left or 0)} d)"
    return f"{info.due_date} ({info.days_left} d left)"


def _warn_overdue(infos: list[dsr.RequestInfo]) -> None:
    for info in infos:
        if info.overdue:
            click.echo(f"WARNING {info.reference} ({info.kind}) is overdue by {-(info.days_left or 0)} day(s): "
                       f"it was due on {info.due_date}. Answer it now, or close it with the reason.", err=True)


def _show(info: dsr.RequestInfo) -> None:
    rows = [("Reference", info.reference), ("Kind", f"{info.kind} ({dsr.ARTICLES.get(info.kind, '')})"),
            ("Subject", info.subject), ("Status", info.status),
            ("Received", saudi_time(info.received_at).strftime("%Y-%m-%d %H:%M")),
            ("Due", _due_text(info))]
    if info.requester is not None:
        rows += [("Requester", info.requester.name), ("Contact", info.requester.contact)]
    if info.identity_checked_at is not None:
        rows.append(("Identity", f"{info.identity_method} (checked "
                                 f"{saudi_time(info.identity_checked_at):%Y-%m-%d %H:%M} by "
                                 f"{info.identity_checked_by})"))
    else:
        rows.append(("Identity", "not verified yet"))
    if info.extension_reason:
        rows.append(("Extended", info.extension_reason))
    if info.notes:
        rows.append(("Notes", info.notes))
    if info.closed_at is not None:
        rows += [("Closed", f"{saudi_time(info.closed_at):%Y-%m-%d %H:%M}"), ("Outcome", info.outcome)]
    for label, value in rows:
        click.echo(f"{label:10} {value}")
    _warn_overdue([info])


def _step(run: Callable[[UnitOfWork], dsr.RequestInfo]) -> dsr.RequestInfo:
    """One step of a request, in a write unit of work of its own, committed."""
    with state().company().uow(channel=CHANNEL) as uow:
        info = run(uow)
        uow.commit()
    return info


@click.group()
def request() -> None:
    """Data-subject requests: intake, identity check, extension, closure (each step audited)."""


@request.command("add")
@click.option("--kind", required=True, type=click.Choice(dsr.KINDS), help="What the subject asks for.")
@click.option("--subject", required=True,
              help="customer:<id> or user:<id>, or a name, e-mail, phone or id number matching one subject.")


@click.option("--requester-name", required=True, help="Who made the request.")
@click.option("--contact", required=True, help="How to reach the requester (e-mail, phone or address).")
@click.option("--received", help="When it arrived: 2026-11-25 or 2026-11-25T09:30 (Saudi time); default now.")
@click.option("--identity", default="", help="How the identity was verified, when it was at intake.")
@click.option("--notes", default="")
@json_option
def request_add(kind: str, subject: str, requester_name: str, contact: str, received: str | None,
                identity: str, notes: str, as_json: bool) -> None:
    """Record a request as received; it is due one calendar month later."""
    ctx = state().company()
    when = _received(received) or ctx.clock()
    with ctx.uow(channel=CHANNEL) as uow:
        who = resolve_subject(uow, subject, purpose="data subject request intake")
        info = dsr.add_request(uow, kind, subject=who, requester=dsr.Requester(requester_name, contact),
                               received_at=when, identity_method=identity, notes=notes)
        uow.commit()
    if as_json:
        print_json(info)
        return
    click.echo(f"Recorded {info.reference} ({info.kind} request for {info.subject}), due {info.due_date}.")
    if not info.identity_verified:
        click.echo(f"Verify the requester's identity next: qayd gdpr request verify {info.reference} "
                   "--method …")


@request.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only requests not closed yet.")
@click.option("--subject", help="Only the requests of this subject (customer:<id> or user:<id>).")
@json_option
def request_list(open_only: bool, subject: str | None, as_json: bool) -> None:
    """Requests, the soonest due first; overdue ones are warned about on stderr."""
    with state().company().uow(write=False, channel=CHANNEL) as uow:
        infos = dsr.list_requests(uow, open_only=open_only, subject=subject.strip() if subject else None)
    if as_json:
        print_json(infos)
    else:
        print_table(("Reference", "Kind", "Subject", "Status", "Received", "Due"),
                    ((i.reference, i.kind, i.subject, i.status,
                      saudi_time(i.received_at).strftime("%Y-%m-%d"), _due_text(i)) for i in infos))
    _warn_overdue(infos)


@request.command("show")
@click.argument("ref")
@json_option
def request_show(ref: str, as_json: bool) -> None:
    """One request with its requester (the read is recorded in the access log)."""
    with state().company().uow(write=False, channel=CHANNEL) as uow:
        info = dsr.get_request(uow, ref)
    if as_json:
        print_json(info)
        _warn_overdue([info])
        return
    _show(info)


@request.command("verify")
@click.argument("ref")
@click.option("--method", required=True, help="How the identity was checked, e.g. 'national id seen'.")
@json_option
def request_verify(ref: str, method: str, as_json: bool) -> None:
    """Record the identity check: how, when and by whom (you)."""
    info = _step(lambda uow: dsr.verify_identity(uow, ref, method))
    print_json(info) if as_json else click.echo(f"Identity verified for {info.reference}.")


@request.command("start")
@click.argument("ref")
@json_option
def request_start(ref: str, as_json: bool) -> None:
    """Mark the request in progress."""
    info = _step(lambda uow: dsr.start(uow, ref))
    print_json(info) if as_json else click.echo(f"{info.reference} is in progress.")


@request.command("extend")
@click.argument("ref")
@click.option("--reason", required=True, help="Why more time is needed (tell the requester too).")
@json_option
def request_extend(ref: str, reason: str, as_json: bool) -> None:
    """Extend the due date by two months (once, before it falls due; Art. 12(3))."""
    info = _step(lambda uow: dsr.extend(uow, ref, reason))
    if as_json:
        print_json(info)
        return
    click.echo(f"{info.reference} is now due {info.due_date}. Tell the requester of the extension and why.")


@request.command("close")
@click.argument("ref")
@click.option("--outcome", required=True, help="What was done, or why the request was refused.")
@click.option("--status", type=click.Choice(dsr.CLOSED_STATUSES), default="completed", show_default=True)
@json_option
def request_close(ref: str, outcome: str, status: str, as_json: bool) -> None:
    """Close the request: completed, refused or withdrawn."""
    info = _step(lambda uow: dsr.close(uow, ref, outcome, status))
    print_json(info) if as_json else click.echo(f"Closed {info.reference} as {info.status}.")


@click.command("subjects")
@click.argument("text")
@click.option("--limit", default=50, show_default=True, type=ROWS)
@json_option
def subjects(text: str, limit: int, as_json: bool) -> None:
    """Find data subjects by name, e-mail, phone, id or VAT number (the names shown are logged)."""
    with state().company().uow(write=False, channel=CHANNEL) as uow:
        found = find_subjects(uow, text, limit=limit)
    if as_json:
        print_json(found)
        return
    if not found:
        click.echo("No customer or staff user matches.")
        return
    print_table(("Subject", "Name", "State"),
                ((s.subject, s.display, "erased" if s.erased else "restricted" if s.restricted else "")
                 for s in found))
