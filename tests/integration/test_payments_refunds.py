"""Refunds go through credit notes and never exceed what was paid; a refund seen at the provider drafts one."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.errors import ValidationError
from core.payments import make_link, paid_status, poll, refund
from core.store import models as m
from core.uow import Context
from core.zatca.issuing import issue_many
from tests.support.fake_provider import FakeProvider, World
from tests.support.payments_world import PAYABLE


def _paid(ctx: Context, provider: FakeProvider, gateway: World, number: str) -> str:
    link = make_link(ctx, provider, number)
    assert link is not None
    payment = gateway.pay(link.link_id)
    assert poll(ctx, provider).recorded == 1
    return payment


def _issue(ctx: Context, number: str) -> None:
    with ctx.uow() as uow:
        issue_many(uow, [number])
        uow.commit()


def _status(ctx: Context, number: str) -> tuple[str, Decimal, Decimal]:
    with ctx.uow(write=False) as uow:
        row = uow.session.scalars(select(m.Invoice).where(m.Invoice.number == number)).one()
        status = paid_status(uow, row.id)
    assert status is not None
    return status.state, status.due, status.received


def _note(ctx: Context, number: str) -> m.Invoice:
    with ctx.uow(write=False) as uow:
        return uow.session.scalars(select(m.Invoice).where(m.Invoice.number == number)).one()


def test_a_refund_needs_an_issued_credit_note_and_then_goes_through(shop: Context, provider: FakeProvider,
                                                                    gateway: World) -> None:
    payment = _paid(shop, provider, gateway, "INV-P-0001")
    drafted = refund(shop, provider, "INV-P-0001", Decimal("50.00"))
    assert drafted == "INV-P-0001-CN"  # nothing refunded yet: a person must issue the note first
    note = _note(shop, drafted)
    assert (note.type, note.status, note.billing_reference, note.payable) == (
        "credit_note", "draft", "INV-P-0001", Decimal("50.00"))
    assert gateway.payments[payment]["refunded"] == 0
    _issue(shop, drafted)
    made = refund(shop, provider, "INV-P-0001", Decimal("50.00"))
    assert not isinstance(made, str) and len(made.refunds) == 1
    assert gateway.payments[payment]["refunded"] == Decimal("50.00")
    # the invoice asks for 50 less and received 50 less: still paid; the refund's event is not a second refund
    assert _status(shop, "INV-P-0001") == ("paid", PAYABLE - 50, PAYABLE - 50)
    result = poll(shop, provider)
    assert (result.events, result.refunds, result.credit_notes) == (1, 0, [])


def test_a_refund_never_exceeds_what_was_paid(shop: Context, provider: FakeProvider, gateway: World) -> None:
    _paid(shop, provider, gateway, "INV-P-0002")
    with pytest.raises(ValidationError) as refused:
        refund(shop, provider, "INV-P-0002", PAYABLE + Decimal("0.01"))
    finding = refused.value.findings[0]
    assert finding.rule == "QAYD-PAY-REFUND-LIMIT" and finding.field == "amount" and finding.message_ar
    with pytest.raises(ValidationError):
        refund(shop, provider, "INV-P-0003", Decimal("1.00"))  # nothing paid at all
    assert _note_count(shop) == 0  # a refused refund drafts nothing


def test_the_whole_amount_twice_is_refused_the_second_time(shop: Context, provider: FakeProvider,
                                                           gateway: World) -> None:
    _paid(shop, provider, gateway, "INV-P-0001")
    note = refund(shop, provider, "INV-P-0001", PAYABLE)
    assert isinstance(note, str)
    assert _note(shop, note).payable == PAYABLE  # the whole invoice credited as it was
    _issue(shop, note)
    assert not isinstance(refund(shop, provider, "INV-P-0001", PAYABLE), str)
    with pytest.raises(ValidationError):
        refund(shop, provider, "INV-P-0001", Decimal("0.01"))
    assert _status(shop, "INV-P-0001") == ("paid", Decimal("0.00"), Decimal("0.00"))


def test_a_refund_made_at_the_provider_drafts_a_credit_note_and_says_so(shop: Context, provider: FakeProvider,
                                                                        gateway: World) -> None:
    payment = _paid(shop, provider, gateway, "INV-P-0003")
    gateway.refund_at_provider(payment, Decimal("100.00"))
    result = poll(shop, provider)
    assert result.refunds == 1 and result.credit_notes == ["INV-P-0003-CN"]
    assert [f.rule for f in result.findings] == ["QAYD-PAY-REFUND-SEEN"]
    assert result.findings[0].message_ar and "INV-P-0003-CN" in result.findings[0].message
    assert _note(shop, "INV-P-0003-CN").payable == Decimal("100.00")
    assert _status(shop, "INV-P-0003") == ("partly_paid", PAYABLE, PAYABLE - 100)
    with sqlite3.connect(shop.db.path) as conn:
        assert conn.execute("SELECT count(*) FROM audit_entry WHERE action = 'payment.refund_seen'").fetchone() == (1,)
    _issue(shop, "INV-P-0003-CN")  # once a person issues the note, the books agree again
    assert _status(shop, "INV-P-0003") == ("paid", PAYABLE - 100, PAYABLE - 100)
    assert poll(shop, provider).events == 0


def test_a_refund_seen_before_its_payment_records_both_once(shop: Context, provider: FakeProvider,
                                                           gateway: World) -> None:
    link = make_link(shop, provider, "INV-P-0002")
    assert link is not None
    payment = gateway.pay(link.link_id)
    gateway.refund_at_provider(payment, Decimal("75.00"))
    gateway.events.reverse()  # the refund's event first
    result = poll(shop, provider)
    assert (result.recorded, result.refunds, result.events) == (1, 1, 2)
    with sqlite3.connect(shop.db.path) as conn:
        assert conn.execute("SELECT count(*), sum(refunded) FROM payment").fetchone() == (1, 75)


def _note_count(ctx: Context) -> int:
    with sqlite3.connect(ctx.db.path) as conn:
        return int(conn.execute("SELECT count(*) FROM invoice WHERE type = 'credit_note'").fetchone()[0])


def _issued_note(ctx: Context, provider: FakeProvider, number: str, amount: Decimal) -> None:
    note = refund(ctx, provider, number, amount)
    assert isinstance(note, str)
    _issue(ctx, note)


def test_a_refund_cut_off_after_the_provider_refunded_is_finished_once_by_the_next_run(
        shop: Context, provider: FakeProvider, gateway: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.payments import refunds as refunds_module

    payment = _paid(shop, provider, gateway, "INV-P-0001")
    _issued_note(shop, provider, "INV-P-0001", Decimal("40.00"))

    def crash(*_args: object) -> None:
        raise KeyboardInterrupt  # the process dies after the provider refunded, before the answer is recorded

    monkeypatch.setattr(refunds_module, "_settle", crash)
    with pytest.raises(KeyboardInterrupt):
        refund(shop, provider, "INV-P-0001", Decimal("40.00"))
    monkeypatch.undo()
    assert gateway.payments[payment]["refunded"] == Decimal("40.00")
    made = refund(shop, provider, "INV-P-0001", Decimal("40.00"))  # the person runs it again
    assert not isinstance(made, str) and made.amount == Decimal("40.00")
    assert gateway.payments[payment]["refunded"] == Decimal("40.00")  # same key: the provider refunded once
    result = poll(shop, provider)
    assert (result.refunds, result.credit_notes, result.findings) == (0, [], [])  # not taken for a dashboard refund
    assert _status(shop, "INV-P-0001") == ("paid", PAYABLE - 40, PAYABLE - 40)


def test_a_refund_cut_off_is_confirmed_by_the_poll_when_its_event_comes_first(
        shop: Context, provider: FakeProvider, gateway: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.payments import refunds as refunds_module

    _paid(shop, provider, gateway, "INV-P-0002")
    _issued_note(shop, provider, "INV-P-0002", Decimal("25.00"))
    monkeypatch.setattr(refunds_module, "_settle", lambda *_args: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        refund(shop, provider, "INV-P-0002", Decimal("25.00"))
    monkeypatch.undo()
    result = poll(shop, provider)  # the refund's event: Qayd's own refund, confirmed, no credit note drafted
    assert (result.refunds, result.credit_notes, result.findings) == (0, [], [])
    with sqlite3.connect(shop.db.path) as conn:
        assert conn.execute("SELECT refund_ref LIKE 're_%', amount FROM payment_refund").fetchall() == [(1, "25.00")]
    assert _status(shop, "INV-P-0002") == ("paid", PAYABLE - 25, PAYABLE - 25)


def test_a_refund_the_provider_refuses_releases_what_it_reserved(shop: Context, provider: FakeProvider,
                                                                 gateway: World) -> None:
    from core.payments import PaymentRefused

    _paid(shop, provider, gateway, "INV-P-0003")
    _issued_note(shop, provider, "INV-P-0003", Decimal("30.00"))
    gateway.fail_next(PaymentRefused("charge_already_refunded"))
    with pytest.raises(PaymentRefused):
        refund(shop, provider, "INV-P-0003", Decimal("30.00"))
    with sqlite3.connect(shop.db.path) as conn:
        assert conn.execute("SELECT count(*), (SELECT refunded FROM payment) FROM payment_refund").fetchone() == (
            0, "0.00")
    assert not isinstance(refund(shop, provider, "INV-P-0003", Decimal("30.00")), str)
