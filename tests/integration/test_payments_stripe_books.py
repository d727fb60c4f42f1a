"""Invoice to cash through the real Stripe adapter and the local Stripe server, as a clerk runs it: a link, the
customer pays, a poll shows the invoice paid; a refund made in Stripe's Dashboard drafts a credit note; a refund
from Qayd goes through an issued credit note."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest

from core.bootstrap import PAYMENTS_KEY_SECRET
from core.uow import Context
from tests.integration.conftest import Result
from tests.support.stripe_server import FakeStripe

Run = Callable[..., Result]


@pytest.fixture
def stripe_server() -> Iterator[FakeStripe]:
    ticks = itertools.count(int(time.time()))  # the CLI's clock is the system's: a link made now is open a day
    with FakeStripe(clock=lambda: float(next(ticks))) as server:
        yield server
        assert server.internal_errors == []


@pytest.fixture
def stripe_shop(shop: Context, stripe_server: FakeStripe, env: dict[str, str]) -> Context:
    env.update(QAYD_PAYMENTS_PROVIDER="stripe", QAYD_PAYMENTS_BASE_URL=stripe_server.base_url)
    with shop.uow() as uow:
        uow.secrets.set(PAYMENTS_KEY_SECRET, stripe_server.api_key.encode(), now=uow.now())
        uow.commit()
    return shop


def _ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def test_invoice_to_cash_through_stripe(stripe_shop: Context, stripe_server: FakeStripe, run: Run) -> None:
    link = json.loads(_ok(run("pay", "link", "INV-P-0001", "--json")).stdout)["link"]
    assert link["provider"] == "stripe" and link["link_id"].startswith("cs_") and link["amount"] == "575.00"
    again = json.loads(_ok(run("pay", "link", "INV-P-0001", "--json")).stdout)["link"]
    assert again["link_id"] == link["link_id"]  # the open link for that amount, not a second Checkout Session
    payment = stripe_server.pay(link["link_id"])
    polled = json.loads(_ok(run("payments", "poll", "--json")).stdout)
    assert (polled["recorded"], polled["unmatched"], polled["findings"]) == (1, 0, [])
    paid = json.loads(_ok(run("invoice", "list", "--paid", "paid", "--json")).stdout)
    assert [d["number"] for d in paid] == ["INV-P-0001"]
    listed = json.loads(_ok(run("payments", "list", "--json")).stdout)
    assert [(p["payment_ref"], p["amount"]) for p in listed] == [(payment, "575.00")]

    stripe_server.refund_at_provider(payment, Decimal("100.00"))  # made in the Dashboard
    seen = json.loads(_ok(run("payments", "poll", "--json")).stdout)
    assert seen["refunds"] == 1 and seen["credit_notes"] == ["INV-P-0001-CN"]
    assert [f["rule"] for f in seen["findings"]] == ["QAYD-PAY-REFUND-SEEN"]
    _ok(run("invoice", "issue", "INV-P-0001-CN"))  # a person issues the drafted note
    assert [d["number"] for d in json.loads(_ok(run("invoice", "list", "--paid", "paid", "--json")).stdout)] == [
        "INV-P-0001"]

    drafted = json.loads(_ok(run("pay", "refund", "INV-P-0001", "--amount", "50", "--json")).stdout)
    assert drafted["refunded"] is False and drafted["credit_note"] == "INV-P-0001-CN2"
    _ok(run("invoice", "issue", "INV-P-0001-CN2"))
    made = json.loads(_ok(run("pay", "refund", "INV-P-0001", "--amount", "50", "--json")).stdout)
    assert made["refunded"] is True and made["refunds"][0].startswith("re_")
    last = json.loads(_ok(run("payments", "poll", "--json")).stdout)
    assert (last["refunds"], last["credit_notes"]) == (0, [])  # Qayd's own refund, not a Dashboard one
    too_much = run("pay", "refund", "INV-P-0001", "--amount", "500")
    assert too_much.exit_code == 2 and "QAYD-PAY-REFUND-LIMIT" in too_much.output


def test_stripe_unavailable_is_exit_13_and_nothing_moves(stripe_shop: Context, stripe_server: FakeStripe,
                                                         run: Run) -> None:
    link = json.loads(_ok(run("pay", "link", "INV-P-0002", "--json")).stdout)["link"]
    stripe_server.pay(link["link_id"])
    stripe_server.fail_next(503, times=20)
    failed = run("payments", "poll")
    assert failed.exit_code == 13 and "Traceback" not in failed.output and "503" in failed.output
    assert json.loads(_ok(run("payments", "list", "--json")).stdout) == []
    for _ in range(20):  # the provider comes back: the poll goes on from the same cursor
        polled = run("payments", "poll", "--json")
        if polled.exit_code == 0:
            break
    assert json.loads(polled.stdout)["recorded"] == 1
