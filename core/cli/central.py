"""`qayd central init|user|connect|status`: the company's central PostgreSQL and this install's connection."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from core.cli.common import end_progress, json_option, print_json, print_table, progress_printer, state

if TYPE_CHECKING:
    from core.uow import Context


def _secret_input(prompt: str) -> str:
    """A password from standard input (piped) or typed without echo; never from the command line."""
    if not sys.stdin.isatty():
        value = sys.stdin.readline().rstrip("\r\n")
    else:
        value = click.prompt(prompt, hide_input=True, confirmation_prompt=False)
    if not value:
        raise click.UsageError("No password was given on standard input.")
    return value


def _series_by_device(ctx: Context) -> dict[str, str]:
    """Each device's number series as this desk knows it (device rows sync)."""
    from core.sync import series_by_device

    with ctx.uow(write=False) as uow:
        return series_by_device(uow)


@click.group("central")
def central() -> None:
    """The company's central PostgreSQL: schema, logins, this install's connection."""


@central.command("init")
@click.argument("url")
@click.option("--company-name", help="The company's name centrally (default: its English legal name).")
def central_init(url: str, company_name: str | None) -> None:
    """Create or upgrade the central schema at URL (an owner's login; password from PGPASSWORD or ~/.pgpass)
    and register this company."""
    from core.central import add_company, init_schema
    from core.invoicing import get_company

    ctx = state().company()
    with ctx.uow(write=False) as uow:
        company = get_company(uow)
    revision = init_schema(url)
    add_company(url, company.id, company_name or company.legal_name_en)
    click.echo(f"The central schema is at revision {revision}; company {company.legal_name_en} ({company.id}) "
               "is registered.")


@central.command("user")
@click.argument("url")
@click.argument("login")
@click.option("--level", type=click.Choice(["staff", "compliance", "admin"]), default="staff", show_default=True)
@click.option("--name", "display_name", default="", help="The person's name as others see it.")
def central_user(url: str, login: str, level: str, display_name: str) -> None:
    """Create or update LOGIN, a person's own central login in this company (password on standard input)."""
    from core.central import add_member
    from core.invoicing import get_company

    ctx = state().company()
    with ctx.uow(write=False) as uow:
        company = get_company(uow)
    add_member(url, login, _secret_input("Password for the new login"), level, company.id, display_name)
    click.echo(f"{login} can log in centrally with the {level} level.")


@central.command("connect")
@click.argument("url")
@click.option("--user", "login", required=True, help="Your central login.")
@click.option("--series", default=None, metavar="CODE", help="The invoice number series of this device "
              "(INV-2026-CODE-0001; 1-10 capital letters or digits). A new desk gets one derived from the device.")


def central_connect(url: str, login: str, series: str | None) -> None:
    """Connect this install to its central database (URL without password; the password on standard input is
    kept in the secret store). Checks the login and registers this device. On a fresh install (no company
    here yet) it joins: the company, its customers, products and documents come from central."""
    from core.sync import connect_central as central
    from core.sync import has_company, new_dsn, register_checked, save_connection, set_series

    cli_state = state()
    password = _secret_input("Central password")
    if not has_company(cli_state.settings):
        _join(url, login, password, series)
        return
    ctx = cli_state.company()
    # Checked before it is saved: a refused login (or another login's device) leaves the saved one as it was.
    with central(new_dsn(url, login, password, cli_state.settings)) as conn:
        company = register_checked(ctx, conn)
    save_connection(ctx, url, login, password)
    click.echo(f"Connected as {login}; this device is registered with company {company}.")
    if series is None and not _series_by_device(ctx).get(str(ctx.device_id)):
        click.echo("This device draws invoice numbers from the company's main series; if another desk drafts "
                   "too, give this one its own with `qayd central connect URL --user LOGIN --series CODE`.")
    if series is not None:
        with ctx.uow() as uow:
            set_series(uow, series)
            uow.commit()
        click.echo(f"This device draws invoice numbers from series {series} (sent with the next `qayd sync`).")


def _join(url: str, login: str, password: str, series: str | None) -> None:
    from core.sync import join_company

    cli_state = state()
    printer = progress_printer("Joining")
    try:
        ctx, joined = join_company(cli_state.settings, url, login, password, series=series,
                                   environ=cli_state.environ, progress=printer)
    finally:
        end_progress(printer)
    cli_state._company = ctx  # closed with the CLI's state
    click.echo(f"Joined {joined.legal_name_en} ({joined.legal_name_ar}) as {login}: {joined.customers} "
               f"customer(s), {joined.products} product(s), {joined.invoices} invoice(s) of which "
               f"{joined.documents} issued documents, from central; this desk syncs from now on.")
    click.echo(f"This device draws invoice numbers from series {joined.series} "
               f"(INV-YYYY-{joined.series}-0001).")
    click.echo("Still to do on this desk:")
    for english, _arabic in joined.needs:
        click.echo(f"  - {english}")


@central.command("status")
@json_option
def central_status(as_json: bool) -> None:
    """The connection (TLS or not), the company's devices and who is online."""
    from core.sync import connect_central as central
    from core.sync import dsn_for, masked, online

    ctx = state().company()
    dsn = dsn_for(ctx, state().settings)
    with central(dsn) as conn:
        ssl = conn.pgconn.ssl_in_use
        version = conn.info.server_version
        devices = conn.execute("SELECT id::text, name, last_seen, registered_by::text FROM qayd.device "
                               "ORDER BY registered_at").fetchall()
        people = online(conn)
    series = _series_by_device(ctx)
    info = {"url": masked(dsn), "tls": ssl, "server_version": version,
            "this_device": str(ctx.device_id), "series": series.get(str(ctx.device_id), ""),
            "devices": [{"id": d, "name": n, "last_seen": s, "login": who, "series": series.get(d, "")}
                        for d, n, s, who in devices],
            "online": [{"login": p.login, "name": p.display_name, "viewing": p.viewing} for p in people]}
    if as_json:
        print_json(info)
        return
    click.echo(f"{masked(dsn)}  TLS: {'yes' if ssl else 'NO'}  PostgreSQL {version // 10000}")
    mine = series.get(str(ctx.device_id), "")
    click.echo(f"This device's invoice number series: {mine or '(the main series)'}")
    print_table(["device", "name", "login", "series", "last seen"],
                [(d[:8], n, who, series.get(d, "") or "-", s or "-") for d, n, s, who in devices])
    click.echo("Online: " + (", ".join(p.display_name or p.login for p in people) or "nobody"))
