"""`qayd gdpr access-log [SUBJECT]` and `qayd gdpr role USERNAME ROLE`."""

from __future__ import annotations

import click

from core.cli.common import json_option, print_json, print_table, state
from core.cli.tables import Page, page_footer, page_json_option
from core.clock import saudi_time
from core.errors import NotFoundError
from core.privacy import ROLES, access_log, require_subject, set_role


@click.command("access-log")
@click.argument("subject", required=False)
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1, 10**9),
              help="Show at most this many reads, newest first.")


@json_option
@page_json_option
def access_log_cmd(subject: str | None, limit: int, as_json: bool, as_page: bool) -> None:
    """Who read a data subject's personal data, which fields, for what purpose and through what.

    SUBJECT is customer:<id> or user:<id> (a bare id is a customer's); without it, the latest reads of all.
    """
    wanted = None
    if subject:
        try:
            kind, ident = require_subject(subject)
        except NotFoundError as exc:
            raise click.BadParameter(str(exc), param_hint="SUBJECT") from None
        wanted = f"{kind}:{ident}"
    with state().company().uow(write=False, channel="cli") as uow:
        records = access_log.search(uow, wanted, limit=limit + 1)  # one more tells whether older reads exist
    page = Page(min(len(records), limit), limit, 0, more=len(records) > limit,
                hint="raise --limit to see older ones")
    records = records[:limit]
    if as_json or as_page:
        print_json(page.as_json(records) if as_page else records)
        page_footer(page, as_json=True)
        return
    if not records:
        click.echo(f"No reads of personal data recorded{' for ' + wanted if wanted else ''}.")
        return
    print_table(("Seq", "At (Saudi time)", "Actor", "Subject", "Fields", "Purpose", "Channel"),
                ((r.seq, f"{saudi_time(r.at):%Y-%m-%d %H:%M:%S}", r.actor, r.subject, ", ".join(r.fields),
                  r.purpose, r.channel) for r in records))
    page_footer(page, as_json=False)


@click.command("role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@json_option
def role_cmd(username: str, role: str, as_json: bool) -> None:
    """Give a staff user a role (admins only; audited). Compliance and admin users see restricted records."""
    with state().company().uow(channel="cli") as uow:
        change = set_role(uow, username, role)
        uow.commit()
    if as_json:
        print_json(change)
    elif change.before == change.after:
        click.echo(f"{change.user} already has the role {role}.")
    else:
        click.echo(f"{change.user} is now {role} (was {change.before}).")
