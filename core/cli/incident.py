"""`qayd incident start | status | end`: incident mode, which holds outgoing side effects that can wait (mail,
payment links and refunds, the assistant, optionally the sync push) while issuing and ZATCA submission go on.

Imports only click at load; the store stack loads inside the commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from core.cli.common import json_option, print_json, state
from core.clock import saudi_time

if TYPE_CHECKING:
    pass

_reason = click.option("--reason", required=True, metavar="TEXT", help="Why (kept in the audit chain).")


@click.group()
def incident() -> None:
    """Incident mode: hold outgoing side effects that can wait, while issuing and ZATCA go on."""


@incident.command("start")
@_reason
@click.option("--pause-submission", is_flag=True,
              help="Also pause ZATCA submission (a key compromise); otherwise it goes on, as its deadlines do.")
@click.option("--hold-sync-push", is_flag=True, help="Also hold pushing changes to central (pulling goes on).")
def incident_start(reason: str, pause_submission: bool, hold_sync_push: bool) -> None:
    """Start incident mode (admin only): snapshots the chain verification and a support bundle first."""
    from core.incident import CHANNELS, start
    from core.support import incident_evidence

    ctx = state().company()
    started = start(ctx, reason, actor=ctx.actor, pause_submission=pause_submission,
                    hold_sync_push=hold_sync_push, **incident_evidence(ctx, state().settings))
    click.echo(f"Incident {started.id.hex[:8]} started. Held: "
               + "; ".join(CHANNELS[h] for h in started.holds) + ".")
    click.echo("Issuing goes on" + ("." if pause_submission else "; ZATCA submission goes on."))


@incident.command("status")
@json_option
def incident_status(as_json: bool) -> None:
    """Whether an incident is active, since when, why and what it holds."""
    from core.incident import CHANNELS, status

    active = status(state().company())
    if as_json:
        print_json({"active": active is not None, "incident": active.as_json() if active else None})
        return
    if active is None:
        click.echo("No incident is active: nothing is held.")
        return
    kind = "Automatic incident" if active.automatic else "Incident"
    click.echo(f"{kind} {active.id.hex[:8]} active since {saudi_time(active.started_at):%Y-%m-%d %H:%M} "
               f"(Riyadh), started by {active.started_by}.")
    click.echo(f"Reason: {active.reason}")
    click.echo("Held: " + "; ".join(CHANNELS.get(h, h) for h in active.holds) + ".")
    click.echo("An admin ends it: `qayd incident end --reason …`.")


@incident.command("end")
@_reason
def incident_end(reason: str) -> None:
    """End incident mode (admin only): every held channel goes on."""
    from core.incident import end

    ctx = state().company()
    ended = end(ctx, reason, actor=ctx.actor)
    click.echo(f"Incident {ended.id.hex[:8]} ended; nothing is held. Queued mail goes with the next flush.")
