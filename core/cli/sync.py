"""`qayd sync [status|conflicts|resolve|watch]`: exchange this desk's changes with the central database."""

from __future__ import annotations

import time
from pathlib import Path

import click

from core.cli.common import end_progress, json_option, print_json, progress_printer, state
from core.cli.doctor import metrics_option, write_metrics


@click.group("sync", invoke_without_command=True)
@json_option
@click.pass_context
def sync(click_ctx: click.Context, as_json: bool) -> None:
    """Push this install's changes and audit chain to central and pull everyone else's (resumes where it
    stopped; safe to run any time)."""
    if click_ctx.invoked_subcommand is not None:
        return
    from core.sync import dsn_for, sync_once

    ctx = state().company()
    printer = progress_printer("Syncing")
    try:
        result = sync_once(ctx, dsn_for(ctx, state().settings), progress=printer)
    finally:
        end_progress(printer)
    if as_json:
        print_json(result)
        return
    click.echo(f"Pushed {result.pushed} change(s) and {result.audit_pushed} audit entr(ies); pulled "
               f"{result.pulled}, applied {result.applied} (central sequence {result.last_seq}) in "
               f"{result.seconds:.1f} s.")
    if result.audit_lost:
        click.echo(f"WARNING The central database had lost {result.audit_lost} of this desk's audit entries; they "
                   "were sent again, and the loss is recorded in this desk's audit chain.", err=True)
    conflicts = result.conflicts + result.push_conflicts + result.refused
    if conflicts:
        click.echo(f"{conflicts} conflict(s) need a decision: `qayd sync conflicts`.")


@sync.command("status")
@json_option
def sync_status(as_json: bool) -> None:
    """Last sync, pending changes, open conflicts (no network needed)."""
    from core.sync import sync_status as status

    st = status(state().company())
    if as_json:
        print_json(st)
        return
    if not st.configured:
        click.echo("Not connected to a central database (`qayd central connect`).")
        return
    click.echo(f"Central: {st.url} as {st.user}")
    click.echo(f"Last sync: {st.last_sync_at.isoformat(timespec='seconds') if st.last_sync_at else 'never'}"
               + (f"  (last attempt failed: {st.last_error})" if st.last_error else ""))
    click.echo(f"Pending changes: {st.pending}  Open conflicts: {st.conflicts}  "
               f"Pulled up to: {st.last_pulled_seq}  Audit sent up to: {st.audit_pushed_to}")
    if st.own_profile:
        click.echo("This desk's company profile was typed here before it joined (another company id): it is "
                   "neither sent nor replaced by central's. A desk set up with `qayd central connect` on a "
                   "fresh install shares the company's.")


@sync.command("conflicts")
@json_option
def sync_conflicts(as_json: bool) -> None:
    """Open conflicts, field by field: this install's value and the other's."""
    from core.sync import list_conflicts

    with state().company().uow(write=False) as uow:
        found = list_conflicts(uow)
    if as_json:
        print_json([{"id": c.id, "entity": c.entity, "row_id": c.row_id, "kind": c.kind, "detail": c.detail,
                     "fields": [{"name": d.name, "local": d.local, "remote": d.remote} for d in c.differences]}
                    for c in found])
        return
    if not found:
        click.echo("No open conflicts.")
    for c in found:
        click.echo(f"#{c.id} {c.entity} {c.row_id} ({c.kind}: {c.detail})")
        for d in c.differences:
            click.echo(f"    {d.name:24} here: {d.local!r:30} other: {d.remote!r}")


@sync.command("resolve")
@click.argument("ident", type=int)
@click.option("--take", type=click.Choice(["local", "remote"]), default="local", show_default=True,
              help="Where the fields not named with --field come from.")


@click.option("--field", "fields", multiple=True, metavar="NAME=local|remote", help="Keep one field's value "
              "from one side (repeatable).")


def sync_resolve(ident: int, take: str, fields: tuple[str, ...]) -> None:
    """Resolve a conflict; the merged version is sent with the next sync, and the choice is audited."""
    from core.sync import resolve_conflict as resolve

    choices = {}
    for item in fields:
        name, _, side = item.partition("=")
        if not side:
            raise click.UsageError(f"--field {item!r}: write NAME=local or NAME=remote.")
        choices[name] = side
    resolve(state().company(), ident, choices, take=take)
    click.echo(f"Conflict {ident} resolved; `qayd sync` sends the resolution.")


@sync.command("watch")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between syncs when nothing happens.")
@click.option("--for", "duration", type=float, default=None, help="Stop after this many seconds.")
@metrics_option
def sync_watch(interval: float, duration: float | None, metrics_file: Path | None) -> None:
    """Stay connected: sync at once when another install pushes (LISTEN/NOTIFY), else every --interval."""
    import psycopg

    from core.sync import Listener, SyncError, dsn_for, sync_once

    ctx = state().company()
    dsn = dsn_for(ctx, state().settings)
    stop = time.monotonic() + duration if duration else None
    while stop is None or time.monotonic() < stop:
        try:
            try:
                result = sync_once(ctx, dsn)
            finally:  # after each cycle, failed or not: the textfile says how long sync has been failing
                if metrics_file is not None:
                    write_metrics(metrics_file)
            click.echo(f"{time.strftime('%H:%M:%S')} pushed {result.pushed}, pulled {result.pulled}")
            with Listener(dsn) as listener:
                for event in listener.events(timeout=interval):
                    if event.kind == "change" and event.data.get("device") != str(ctx.device_id):
                        break
        except (SyncError, psycopg.Error) as exc:  # the listener's connection too: wait, then sync again
            click.echo(f"{time.strftime('%H:%M:%S')} {exc}", err=True)
            time.sleep(min(interval, 5.0))
