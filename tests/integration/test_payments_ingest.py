"""Payments come back by polling: each event stored once, its payment re-read, matched to its invoice (or kept
unmatched with a finding), recorded with its audit entry in one transaction with the cursor."""

from __future__ import annotations

import random
import sqlite3
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.payments import ingest as ingest_module
from core.payments import make_link, paid_statuses, poll
from core.store import models as m
from core.uow import Context
from tests.support.fake_provider import FakeProvider, World
from tests.support.payments_world import PAYABLE, invoice_id


def _count(ctx: Context, sql: str) -> int:
    with sqlite3.connect(ctx.db.path) as conn:
        return int(conn.execute(sql).fetchone()[0])


def _states(ctx: Context) -> dict[str, str]:
    with ctx.uow(write=False) as uow:
        return {s.number: s.state for s in paid_statuses(uow).values()}


def test_a_link_paid_by_the_customer_shows_the_invoice_paid_after_a_poll(shop: Context, provider: FakeProvider,
                                                                         gateway: World) -> None:
    link = make_link(shop, provider, "INV-P-0001")
    assert link is not None and link.amount == PAYABLE and link.currency == "SAR"
    gateway.pay(link.link_id)
    result = poll(shop, provider)
    assert (result.events, result.recorded, result.unmatched) == (1, 1, 0)
    assert _states(shop) == {"INV-P-0001": "paid", "INV-P-0002": "outstanding", "INV-P-0003": "outstanding"}
    # the recording is on the audit chain, and nothing is outstanding any more: no second link
    assert _count(shop, "SELECT count(*) FROM audit_entry WHERE action = 'payment.recorded'") == 1
    assert make_link(shop, provider, "INV-P-0001") is None
    assert poll(shop, provider).events == 0  # the cursor moved with the events


def test_the_link_key_is_deterministic_and_a_retry_makes_no_second_link(shop: Context, provider: FakeProvider,
                                                                       gateway: World) -> None:
    first = make_link(shop, provider, "INV-P-0002")
    with shop.uow() as uow:  # as if the desk crashed after the provider made the link: not recorded here
        uow.session.execute(m.PaymentLink.__table__.delete())
        uow.commit()
    again = make_link(shop, provider, "INV-P-0002")
    assert again == first and len(gateway.links) == 1
    assert _count(shop, "SELECT count(*) FROM payment_link") == 1


def test_a_part_payment_leaves_the_invoice_partly_paid_and_a_new_link_asks_for_the_rest(
        shop: Context, provider: FakeProvider, gateway: World) -> None:
    link = make_link(shop, provider, "INV-P-0001")
    assert link is not None
    # the provider's page asked for the full amount; a different amount is a mismatch, never applied silently
    gateway.pay(link.link_id, amount=Decimal("100.00"))
    result = poll(shop, provider)
    assert (result.recorded, result.unmatched) == (0, 1)
    assert [f.rule for f in result.findings] == ["QAYD-PAY-AMOUNT"]
    assert result.findings[0].message_ar and result.findings[0].fix_ar
    assert _states(shop)["INV-P-0001"] == "outstanding"
    with shop.uow(write=False) as uow:
        kept = uow.session.scalars(select(m.Payment)).one()
    assert (kept.state, kept.problem, kept.amount) == ("unmatched", "QAYD-PAY-AMOUNT", Decimal("100.00"))


@pytest.mark.parametrize(("change", "rule"), [
    ({"currency": "USD"}, "QAYD-PAY-CURRENCY"),
    ({"reference": "not-an-invoice"}, "QAYD-PAY-REFERENCE"),
    ({"reference": "other"}, "QAYD-PAY-LINK"),
])
def test_a_payment_that_does_not_match_its_invoice_is_kept_unmatched_with_a_finding(
        shop: Context, provider: FakeProvider, gateway: World, change: dict[str, str], rule: str) -> None:
    link = make_link(shop, provider, "INV-P-0001")
    assert link is not None
    if change.get("reference") == "other":
        change = {"reference": invoice_id(shop, "INV-P-0002")}
    gateway.pay(link.link_id, **change)  # type: ignore[arg-type]
    result = poll(shop, provider)
    assert [f.rule for f in result.findings] == [rule]
    assert set(_states(shop).values()) == {"outstanding"}
    assert _count(shop, "SELECT count(*) FROM audit_entry WHERE action = 'payment.unmatched'") == 1


def test_two_links_both_paid_make_the_invoice_overpaid(shop: Context, provider: FakeProvider, gateway: World) -> None:
    first = make_link(shop, provider, "INV-P-0003")
    assert first is not None
    assert make_link(shop, provider, "INV-P-0003") == first  # asked again: the same open page
    gateway.pay(first.link_id, amount=Decimal("75.00"))  # a mismatch: kept apart
    first_poll = poll(shop, provider)
    second = make_link(shop, provider, "INV-P-0003")
    assert second is not None and second.link_id != first.link_id  # the first was paid through: a new one
    gateway.pay(second.link_id)
    gateway.pay(second.link_id)  # the customer paid twice through the same page
    result = poll(shop, provider)
    assert [f.rule for f in first_poll.findings] == ["QAYD-PAY-AMOUNT"]
    assert [f.rule for f in result.findings] == ["QAYD-PAY-OVERPAID"]
    overpaid = next(f for f in result.findings if f.rule == "QAYD-PAY-OVERPAID")
    assert "575.00" in overpaid.message and overpaid.message_ar and overpaid.field == "invoice[INV-P-0003]"
    with shop.uow(write=False) as uow:
        status = next(s for s in paid_statuses(uow).values() if s.number == "INV-P-0003")
    assert (status.state, status.received) == ("overpaid", PAYABLE * 2)


def test_a_failure_inside_the_transaction_loses_and_duplicates_nothing(
        shop: Context, provider: FakeProvider, gateway: World, monkeypatch: pytest.MonkeyPatch) -> None:
    links = [make_link(shop, provider, n) for n in ("INV-P-0001", "INV-P-0002", "INV-P-0003")]
    for link in links:
        assert link is not None
        gateway.pay(link.link_id)

    def killed(*_args: object) -> None:
        raise RuntimeError("killed between recording the payments and moving the cursor")

    monkeypatch.setattr(ingest_module, "_advance", killed)
    with pytest.raises(RuntimeError):
        poll(shop, provider, limit=2)
    assert _count(shop, "SELECT count(*) FROM payment") == 0
    assert _count(shop, "SELECT count(*) FROM payment_event") == 0
    monkeypatch.undo()
    result = poll(shop, provider, limit=2)
    assert (result.events, result.recorded, result.pages) == (3, 3, 2)
    assert set(_states(shop).values()) == {"paid"}


def test_provider_failures_leave_the_cursor_where_it_was(shop: Context, provider: FakeProvider,
                                                         gateway: World) -> None:
    from core.payments import PaymentUnavailable

    link = make_link(shop, provider, "INV-P-0001")
    assert link is not None
    gateway.pay(link.link_id)
    gateway.fail_next(PaymentUnavailable("429 Too Many Requests", retry_after=2.0))
    with pytest.raises(PaymentUnavailable):
        poll(shop, provider)
    gateway.fail_next(PaymentUnavailable("503 Service Unavailable"), after=1)
    with pytest.raises(PaymentUnavailable):
        poll(shop, provider)  # this time the page came and the re-read failed: nothing recorded
    assert [what for what, _ in gateway.requests[-2:]] == ["events_since", "fetch_payment"]
    assert _count(shop, "SELECT count(*) FROM payment_event") == 0
    assert poll(shop, provider).recorded == 1


def test_events_are_re_read_before_they_are_trusted(shop: Context, provider: FakeProvider, gateway: World) -> None:
    link = make_link(shop, provider, "INV-P-0001")
    assert link is not None
    payment = gateway.pay(link.link_id)
    gateway.payments[payment]["amount"] = Decimal("5.00")  # the event says 575.00; the provider now says 5.00
    result = poll(shop, provider)
    assert [f.rule for f in result.findings] == ["QAYD-PAY-AMOUNT"]
    assert ("fetch_payment", "") in gateway.requests


def test_the_poll_reads_from_where_the_last_one_stopped(shop: Context, provider: FakeProvider,
                                                        gateway: World) -> None:
    links = [make_link(shop, provider, n) for n in ("INV-P-0001", "INV-P-0002")]
    gateway.pay(links[0].link_id)  # type: ignore[union-attr]
    poll(shop, provider)
    gateway.pay(links[1].link_id)  # type: ignore[union-attr]
    gateway.replay, gateway.shuffle = 5, random.Random(1)
    result = poll(shop, provider)
    assert (result.events, result.recorded) == (1, 1)
    assert _count(shop, "SELECT count(*) FROM payment") == 2


def test_a_refund_event_the_provider_does_not_confirm_changes_nothing(shop: Context, provider: FakeProvider,
                                                                      gateway: World) -> None:
    from dataclasses import replace

    link = make_link(shop, provider, "INV-P-0001")
    assert link is not None
    payment = gateway.pay(link.link_id)
    poll(shop, provider)
    # a forged (or stale) event: a refund of 500 the provider's own payment record does not show
    paid_event = gateway.events[0]
    gateway.events.append(replace(paid_event, event_id="evt_forged", kind="payment.refunded",
                                  amount=Decimal("500.00"), refund_id="re_forged"))
    result = poll(shop, provider)
    assert (result.events, result.refunds, result.credit_notes) == (1, 0, [])
    assert _states(shop)["INV-P-0001"] == "paid" and gateway.payments[payment]["refunded"] == 0
    assert _count(shop, "SELECT count(*) FROM payment_event WHERE outcome = 'unconfirmed'") == 1


def test_a_payment_event_for_a_payment_the_provider_does_not_know_is_refused(
        shop: Context, provider: FakeProvider, gateway: World) -> None:
    from dataclasses import replace

    from core.payments import PaymentRefused

    link = make_link(shop, provider, "INV-P-0002")
    assert link is not None
    gateway.pay(link.link_id)
    gateway.events[0] = replace(gateway.events[0], payment_id="pay_invented")
    with pytest.raises(PaymentRefused):  # the re-read fails: nothing is trusted, the cursor stays
        poll(shop, provider)
    assert _count(shop, "SELECT count(*) FROM payment_event") == 0
