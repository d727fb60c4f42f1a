"""`qayd secrets set|list|rotate|delete|check|log`: the company's secret store. Values are never printed, and
never taken from the command line (they would land in the shell's history)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from core.cli.common import end_progress, json_option, print_json, print_table, progress_printer, state
from core.cli.tables import Page, page_footer, page_json_option
from core.clock import saudi_time
from core.secrets import manager

EXIT_PROBLEMS = 1


def _interactive() -> bool:
    return sys.stdin.isatty()


def _strip_newline(value: bytes) -> bytes:
    """One trailing line ending, as `echo` and editors add it, is not part of the value."""
    if value.endswith(b"\r\n"):
        return value[:-2]
    return value[:-1] if value.endswith(b"\n") else value


def _read_value(from_file: Path | None, stdin: bool, raw: bool) -> bytes:
    if from_file is not None and stdin:
        raise click.UsageError("Give the value with --from-file or --stdin, not both.")
    if from_file is not None:
        value = from_file.read_bytes()
    elif stdin:
        stream = sys.stdin
        value = stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode()
    elif _interactive():
        text = click.prompt("Value (not shown)", hide_input=True, confirmation_prompt="Repeat the value",
                            show_default=False)
        return str(text).encode()
    else:
        raise click.UsageError("No value: pipe it in with --stdin or name a file with --from-file "
                               "(never on the command line, where it would stay in the shell's history).")
    return value if raw else _strip_newline(value)


def _when(value: datetime | str | None) -> str:
    """A stored UTC stamp as people here read it: Saudi time, to the minute (JSON keeps the stored value)."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{saudi_time(moment):%Y-%m-%d %H:%M}" if moment.tzinfo else f"{moment:%Y-%m-%d %H:%M}"


@click.group()
def secrets() -> None:
    """Secrets (API keys, passwords) sealed in the company store with a key from the OS keyring."""


@secrets.command("set")
@click.argument("name")
@click.option("--from-file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Read the value from this file.")


@click.option("--stdin", "from_stdin", is_flag=True, help="Read the value from standard input.")
@click.option("--raw", is_flag=True, help="Keep a trailing newline of the file or input as part of the value.")
@json_option
def secrets_set(name: str, from_file: Path | None, from_stdin: bool, raw: bool, as_json: bool) -> None:
    """Add or replace the secret NAME; on a terminal the value is asked for without echo."""
    ctx = state().company()
    manager.require_admin(ctx)  # before asking for a value that would be refused
    value = _read_value(from_file, from_stdin, raw)
    with ctx.uow() as uow:
        row = manager.set_secret(uow, name, value)
        uow.commit()
    if as_json:
        print_json({"name": row.name, "key_version": row.key_version, "updated_at": row.updated_at})
    else:
        click.echo(f"Secret {row.name!r} saved (key version {row.key_version}).")


@secrets.command("list")
@json_option
def secrets_list(as_json: bool) -> None:
    """The secrets' names, key versions and dates (never their values)."""
    ctx = state().company()
    with ctx.uow(write=False) as uow:
        rows = manager.list_secrets(uow)
        versions = manager.key_versions(uow)
        current = manager.current_version(uow)
    if as_json:
        print_json({"current_key_version": current,
                    "secrets": [{"name": r.name, "key_version": r.key_version, "created_at": r.created_at,
                                 "updated_at": r.updated_at, "managed_by": r.managed_by} for r in rows],
                    "key_versions": [{"version": v.version, "active": v.active, "created_at": v.created_at,
                                      "destroyed_at": v.destroyed_at, "master_key": v.wraps_master}
                                     for v in versions]})
        return
    if not rows:
        click.echo("No secrets yet. Add one with `qayd secrets set NAME`.")
    else:
        print_table(["NAME", "KEY VERSION", "UPDATED (SAUDI TIME)", "MANAGED BY QAYD"],
                    [(r.name, r.key_version, _when(r.updated_at), r.managed_by) for r in rows])
    destroyed = [str(v.version) for v in versions if not v.active]
    click.echo(f"\nCurrent key version: {current}"
               + (f" (destroyed: {', '.join(destroyed)})" if destroyed else ""))


@secrets.command("rotate")
@json_option
def secrets_rotate(as_json: bool) -> None:
    """Seal every secret with a new key version in one transaction, then destroy the old version."""
    ctx = state().company()
    printer = progress_printer("Rotating")
    result = manager.rotate(ctx, progress=printer)
    end_progress(printer)
    if as_json:
        print_json({"key_version": result.new_version, "destroyed": list(result.old_versions),
                    "secrets": result.secrets})
        return
    old = ", ".join(str(v) for v in result.old_versions) or "none"
    click.echo(f"Re-sealed {result.secrets} secret(s) with key version {result.new_version} and read each back; "
               f"destroyed key version(s): {old}.")


@secrets.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def secrets_delete(name: str, yes: bool) -> None:
    """Delete the secret NAME for good."""
    ctx = state().company()
    if not yes:
        if not _interactive():
            raise click.UsageError("Deleting a secret cannot be undone: add --yes to confirm.")
        click.confirm(f"Delete the secret {name!r}? This cannot be undone", abort=True)
    with ctx.uow() as uow:
        manager.delete_secret(uow, name)
        uow.commit()
    click.echo(f"Secret {name!r} deleted.")


@secrets.command("check")
@json_option
def secrets_check(as_json: bool) -> None:
    """Open every secret with its key version (values are not shown); exit 1 if any cannot be opened."""
    report = manager.check(state().company())
    if as_json:
        print_json({"ok": report.ok, "secrets": report.secrets, "current_key_version": report.current_version,
                    "by_key_version": {str(k): v for k, v in sorted(report.by_version.items())},
                    "problems": report.problems})
    else:
        counts = ", ".join(f"{n} with version {v}" for v, n in sorted(report.by_version.items())) or "none"
        click.echo(f"{report.secrets} secret(s): {counts}; current key version {report.current_version}.")
        for name, problem in sorted(report.problems.items()):
            click.echo(f"  {name}: {problem}")
        if report.ok:
            click.echo("Every secret opens with its key.")
    if not report.ok:
        raise click.exceptions.Exit(EXIT_PROBLEMS)


@secrets.command("log")
@click.argument("name", required=False)
@click.option("--limit", type=click.IntRange(1, 100_000), default=200, show_default=True)
@json_option
@page_json_option
def secrets_log(name: str | None, limit: int, as_json: bool, as_page: bool) -> None:
    """The secret audit log (uses and changes, never values), newest first; of NAME only if given."""
    ctx = state().company()
    with ctx.uow(write=False) as uow:
        events = manager.secret_log(uow, name, limit=limit + 1)  # one more tells whether older events exist
    page = Page(min(len(events), limit), limit, 0, more=len(events) > limit,
                hint="raise --limit to see older ones")
    events = events[:limit]
    if as_json or as_page:
        print_json(page.as_json(events) if as_page else events)
        page_footer(page, as_json=True)
        return
    if not events:
        click.echo("No secret has been used or changed yet.")
        return
    print_table(["#", "AT (SAUDI TIME)", "ACTOR", "ACTION", "SECRET", "DETAILS"],
                [(e.seq, _when(e.at), e.actor, e.action, e.name or "(key versions)",
                  " ".join(f"{k}={v}" for k, v in sorted(e.data.items()))) for e in events])
    page_footer(page, as_json=False)
