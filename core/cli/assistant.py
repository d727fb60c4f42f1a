"""`qayd assistant usage`: what the finance assistant's calls cost this month, per user and purpose, against the
budget ([assistant] monthly_budget). Figures only: no prompt or answer is kept to show.

Imports only click at load; the store stack loads inside the command."""

from __future__ import annotations

import re

import click

from core.cli.common import json_option, print_json, state


@click.group()
def assistant() -> None:
    """The finance assistant: what its calls cost, against the monthly budget."""


def _month(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise click.BadParameter("write the month as YYYY-MM, e.g. 2026-12")
    return value


@assistant.command("usage")
@click.option("--month", metavar="YYYY-MM", callback=_month, help="A month in Riyadh time (default: this one).")
@json_option
def assistant_usage(month: str | None, as_json: bool) -> None:
    """This desk's assistant calls in a month: tokens and cost per user and purpose, and the budget."""
    from core.assistant import month_of, monthly, spent

    settings = state().settings.assistant
    ctx = state().company()
    with ctx.uow(write=False) as uow:
        month = month or month_of(uow.now())
        totals, total = monthly(uow, month), spent(uow, month)
    budget = settings.monthly_budget
    if as_json:
        print_json({"month": month, "currency": settings.currency, "spent": total, "budget": budget,
                    "warn_at": settings.warn_at, "totals": totals})
        return
    click.echo(f"Assistant usage in {month} (Riyadh time), in {settings.currency}:")
    if not totals:
        click.echo("  no calls.")
    for t in totals:
        click.echo(f"  {t.actor}  {t.purpose}: {t.calls} call{'s' if t.calls != 1 else ''}, {t.input_tokens} tokens "
                   f"in, {t.output_tokens} out, {t.cost} {t.currency}")
    if budget is None:
        click.echo(f"Spent {total} {settings.currency}; no monthly budget is set ([assistant] monthly_budget).")
        return
    share = f" ({total / budget:.0%})" if budget else ""
    click.echo(f"Spent {total} of {budget} {settings.currency}{share}.")
    if budget == 0 or total >= settings.warn_at * budget:
        click.echo(f"Warning: past {settings.warn_at:.0%} of the budget; a call that could pass it is not sent.")


@assistant.command("business-names")
@click.argument("choice", required=False, type=click.Choice(["on", "off"]))
def business_names(choice: str | None) -> None:
    """Show, or let an admin change, whether business buyers' names may be sent (individuals' never are)."""
    from core.assistant import business_names_sent, set_business_names_sent

    ctx = state().company()
    if choice is None:
        with ctx.uow(write=False) as uow:
            on = business_names_sent(uow)
    else:
        with ctx.uow() as uow:
            set_business_names_sent(uow, choice == "on")
            uow.commit()
        on = choice == "on"
    click.echo("Business buyers' names and VAT numbers are sent to the assistant's provider." if on else
               "Business buyers' names are replaced by pseudonyms before anything is sent (the default).")
