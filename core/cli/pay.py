"""`qayd pay link|refund` and `qayd payments poll|list`: payment links for invoices, the provider's events polled
back, refunds against credit notes. The provider is the one `[payments]` names, built by core.bootstrap."""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import Decimal, InvalidOperation
from typing import Any

import click

from core.cli.common import ROWS, json_option, print_findings, print_json, print_table, state
from core.cli.tables import Amount

LIMIT = 10**12  # far above any invoice; keeps the amount inside what the store and the providers take


class Money(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click stubs
    """A positive amount with at most two decimals (halalas), as typed: never a float."""

    name = "amount"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Decimal:
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            self.fail(f"{value!r} is not an amount; write it like 50 or 12.50", param, ctx)
        # checked before any arithmetic: 1e400 or NaN would make quantize itself raise
        if not amount.is_finite() or amount <= 0 or amount >= LIMIT or int(amount.as_tuple().exponent) < -2:
            self.fail(f"{value!r} must be more than 0 and under {LIMIT:,}, with at most two decimals, like 12.50",
                      param, ctx)
        return amount.quantize(Decimal("0.01"))


def provider_for_command() -> AbstractContextManager[Any]:
    """The configured provider for one command (core.bootstrap.payment_provider_for: closed after)."""
    from core.bootstrap import payment_provider_for

    return payment_provider_for(state().settings, state().company())


@click.group("pay")
def pay() -> None:
    """Payment links for invoices, and refunds through credit notes."""


@pay.command("link")
@click.argument("ref")
@json_option
def pay_link(ref: str, as_json: bool) -> None:
    """A payment link for the outstanding amount of issued invoice REF (nothing when it is paid)."""
    from core.payments import make_link

    with provider_for_command() as provider:
        link = make_link(state().company(), provider, ref, currency=state().settings.payments.currency)
    if as_json:
        print_json({"invoice": ref, "link": link})
    elif link is None:
        click.echo(f"{ref} is paid: nothing is outstanding, no link was made.")
    else:
        click.echo(f"{link.url}\n{ref}: {Amount(link.amount, link.currency)} through {link.provider} "
                   f"(link {link.link_id}).")


@pay.command("refund")
@click.argument("ref")
@click.option("--amount", required=True, type=Money(), help="How much to give back, e.g. 50 or 12.50.")
@json_option
def pay_refund(ref: str, amount: Decimal, as_json: bool) -> None:
    """Refund part or all of what invoice REF received, against an issued credit note (one is drafted if none
    covers it: issue it, then run this again)."""
    from core.payments import refund

    with provider_for_command() as provider:
        made = refund(state().company(), provider, ref, amount)
    if as_json:
        print_json({"invoice": ref, "refunded": not isinstance(made, str),
                    "credit_note": made if isinstance(made, str) else None,
                    "refunds": [] if isinstance(made, str) else list(made.refunds)})
    elif isinstance(made, str):
        click.echo(f"No issued credit note covers this refund: drafted credit note {made}. Check it, issue it "
                   f"(`qayd invoice issue {made}`), then run `qayd pay refund {ref} --amount {amount}` again.")
    else:
        click.echo(f"Refunded {amount} on {ref} ({', '.join(made.refunds)}).")


@click.group("payments")
def payments() -> None:
    """Payments received: poll the provider, list them."""


@payments.command("poll")
@click.option("--arabic", is_flag=True, help="Print the findings in Arabic.")
@json_option
def payments_poll(arabic: bool, as_json: bool) -> None:
    """Record the payments and refunds the provider reports since the last poll."""
    from core.payments import poll

    with provider_for_command() as provider:
        result = poll(state().company(), provider)
    if as_json:
        print_json({**{k: getattr(result, k) for k in ("pages", "events", "recorded", "unmatched", "refunds",
                                                        "credit_notes")},
                    "findings": [f.as_dict() for f in result.findings]})
        return
    print_findings(result.findings, arabic=arabic)
    click.echo(f"{result.events} new event(s): {result.recorded} payment(s) matched, {result.unmatched} unmatched, "
               f"{result.refunds} refund(s) made at the provider.")
    for note in result.credit_notes:
        click.echo(f"Drafted credit note {note}: check it and issue it (`qayd invoice issue {note}`).")


@payments.command("list")
@click.option("--state", "state_", type=click.Choice(["matched", "unmatched"]))
@click.option("--limit", default=50, show_default=True, type=ROWS)
@click.option("--offset", default=0, type=ROWS)
@json_option
def payments_list(state_: str | None, limit: int, offset: int, as_json: bool) -> None:
    """Payments, newest first."""
    from core.payments import list_payments

    with state().company().uow(write=False, channel="cli") as uow:
        rows = list_payments(uow, state=state_, limit=limit, offset=offset)
    if as_json:
        print_json(rows)
        return
    print_table(("Paid", "Provider", "Payment", "Invoice", "Amount", "Fee", "Refunded", "State"),
                ((r.paid_at.strftime("%Y-%m-%d %H:%M"), r.provider, r.payment_ref, r.invoice_number or "-",
                  Amount(r.amount, r.currency), Amount(r.fee, r.currency), Amount(r.refunded, r.currency),
                  r.state + (f" ({r.problem})" if r.problem else "")) for r in rows))
