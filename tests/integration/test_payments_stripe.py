"""The Stripe adapter against the local Stripe: links, events oldest first, re-reads, refunds and every fault."""

from __future__ import annotations

import itertools
import logging
import socket
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime
from importlib import import_module

import pytest

from core.payments import (
    PROVIDERS,
    EventPage,
    LinkRequest,
    PaymentProvider,
    PaymentRefused,
    PaymentUnavailable,
    ProviderEvent,
)
from core.payments.stripe import StripeProvider
from tests.support.stripe_server import TEST_KEY, FakeStripe
from tests.support.stripe_state import StripeRefusal

START = 1_796_000_000  # 2026-11-29, seconds since the epoch


@pytest.fixture
def stripe_server() -> Iterator[FakeStripe]:
    ticks = itertools.count(START)
    with FakeStripe(clock=lambda: float(next(ticks))) as server:
        yield server
        assert server.internal_errors == []


@pytest.fixture
def provider(stripe_server: FakeStripe) -> Iterator[StripeProvider]:
    with StripeProvider(stripe_server.api_key, base_url=stripe_server.base_url, timeout=5) as adapter:
        yield adapter


def request(n: int = 1, amount: str = "1234.56", **changes: str) -> LinkRequest:
    fields = {"invoice_uuid": f"00000000-0000-4000-8000-{n:012d}", "invoice_number": f"INV-2026-{n:05d}",
              "amount": Decimal(amount), "currency": "SAR", "description": f"Invoice INV-2026-{n:05d}",
              "idempotency_key": f"qayd-link-{n}-{amount}", "success_url": "https://pay.example.sa/thanks",
              "customer_email": "buyer@example.sa"}
    return LinkRequest(**{**fields, **changes})  # type: ignore[arg-type]


def drain(provider: StripeProvider, cursor: str | None, limit: int) -> tuple[list[ProviderEvent], str | None, int]:
    """Polls as the ingest does: page after page until has_more is false; returns the events, cursor, page count."""
    events: list[ProviderEvent] = []
    pages = 0
    while True:
        page = provider.events_since(cursor, limit=limit)
        pages += 1
        events.extend(page.events)
        cursor = page.cursor or cursor
        if not page.has_more:
            return events, cursor, pages


def test_the_adapter_is_the_registered_stripe_provider(provider: StripeProvider) -> None:
    module, _, cls = PROVIDERS["stripe"].partition(":")
    assert getattr(import_module(module), cls) is StripeProvider
    assert isinstance(provider, PaymentProvider) and provider.name == "stripe"


def test_a_link_is_a_checkout_session_carrying_the_invoice(stripe_server: FakeStripe, provider: StripeProvider) -> None:
    link = provider.create_link(request())

    assert link.link_id.startswith("cs_test_") and link.url.endswith(link.link_id)
    assert (link.provider, link.amount, link.currency) == ("stripe", Decimal("1234.56"), "SAR")
    assert link.expires_at is not None and link.expires_at.timestamp() == START + 24 * 3600
    sent = stripe_server.requests[-1]
    assert (sent.method, sent.path, sent.headers["idempotency-key"]) == ("POST", "/v1/checkout/sessions",
                                                                        "qayd-link-1-1234.56")
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.params == {
        "mode": "payment",
        "line_items": [{"quantity": "1", "price_data": {"currency": "sar", "unit_amount": "123456",
                                                        "product_data": {"name": "Invoice INV-2026-00001"}}}],
        "client_reference_id": "00000000-0000-4000-8000-000000000001",
        "metadata": {"invoice_uuid": "00000000-0000-4000-8000-000000000001", "invoice_number": "INV-2026-00001"},
        "payment_intent_data": {"metadata": {"invoice_uuid": "00000000-0000-4000-8000-000000000001",
                                             "invoice_number": "INV-2026-00001"}},
        "customer_email": "buyer@example.sa", "success_url": "https://pay.example.sa/thanks"}


def test_an_arabic_description_goes_as_utf8_form_data(stripe_server: FakeStripe, provider: StripeProvider) -> None:
    provider.create_link(request(description="فاتورة ضريبية INV-2026-00001"))

    assert stripe_server.requests[-1].params["line_items"][0]["price_data"]["product_data"] == {
        "name": "فاتورة ضريبية INV-2026-00001"}


def test_an_amount_over_stripes_ceiling_is_refused_with_stripes_reason(provider: StripeProvider) -> None:
    with pytest.raises(PaymentRefused, match=r"amount_too_large.*no more than 99999999"):
        provider.create_link(request(amount="1000000.00"))
    assert provider.create_link(request(amount="999999.99")).amount == Decimal("999999.99")


def test_a_link_not_paid_within_its_day_expires(stripe_server: FakeStripe, provider: StripeProvider,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    link = provider.create_link(request())
    assert link.expires_at is not None
    monkeypatch.setattr(stripe_server.books, "now", lambda: START + 24 * 3600)  # a day after the link was made

    with pytest.raises(StripeRefusal, match="expired"):
        stripe_server.pay(link.link_id)
    assert provider.events_since(None).events == ()  # checkout.session.expired is not a payment event


def test_a_paid_link_comes_back_once_with_its_reference_and_exact_amount(
        stripe_server: FakeStripe, provider: StripeProvider) -> None:
    link = provider.create_link(request(amount="0.10"))
    payment_id = stripe_server.pay(link.link_id)

    page = provider.events_since(None)

    # Stripe sent payment_intent.created, charge.succeeded, payment_intent.succeeded, checkout.session.completed:
    # one of them is the payment.
    assert [e.kind for e in page.events] == ["payment.succeeded"]
    event = page.events[0]
    assert (event.payment_id, event.amount, event.currency) == (payment_id, Decimal("0.10"), "SAR")
    assert (event.reference, event.invoice_number) == ("00000000-0000-4000-8000-000000000001", "INV-2026-00001")
    assert event.event_id.startswith("evt_") and event.occurred_at.tzinfo is not None
    assert page.cursor == event.event_id and page.has_more is False
    assert provider.events_since(page.cursor) == EventPage(events=(), cursor=None, has_more=False)


def test_a_payment_of_another_amount_is_reported_as_paid(stripe_server: FakeStripe, provider: StripeProvider) -> None:
    payment_id = stripe_server.pay(provider.create_link(request()).link_id, amount=Decimal("1000.00"))

    (event,) = provider.events_since(None).events

    assert event.amount == Decimal("1000.00") and provider.fetch_payment(payment_id).amount == Decimal("1000.00")


def test_events_come_oldest_first_across_pages_and_a_replayed_page_is_the_same(
        stripe_server: FakeStripe, provider: StripeProvider) -> None:
    first = provider.create_link(request(1))
    stripe_server.pay(first.link_id)
    start = provider.events_since(None).cursor
    expected = []
    for n in range(2, 9):
        payment_id = stripe_server.pay(provider.create_link(request(n, amount=f"{n}00.0{n}")).link_id)
        expected.append(("payment.succeeded", payment_id, Decimal(f"{n}00.0{n}")))
        if n % 3 == 0:
            stripe_server.refund_at_provider(payment_id, Decimal(n).scaleb(-2))
            expected.append(("payment.refunded", payment_id, Decimal(n).scaleb(-2)))

    replay = provider.events_since(start, limit=3)
    again = provider.events_since(start, limit=3)  # a crash before the cursor was stored: the same page again
    events, cursor, pages = drain(provider, start, limit=3)

    assert again == replay and events[:3] == list(replay.events)
    assert [(e.kind, e.payment_id, e.amount) for e in events] == expected
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)
    assert pages == 3 and cursor == events[-1].event_id
    wanted = ["payment_intent.payment_failed", "payment_intent.succeeded", "payout.paid", "refund.created"]
    assert all(r.params["types"] == wanted for r in stripe_server.requests if r.path == "/v1/events")


def test_the_first_poll_reads_back_to_the_oldest_event_past_one_page(
        stripe_server: FakeStripe, provider: StripeProvider) -> None:
    links = [stripe_server.books.create_session(
        {"mode": "payment", "line_items": [{"quantity": "1", "price_data": {
            "currency": "sar", "unit_amount": str(100 + n), "product_data": {"name": f"INV {n}"}}}]}, {})
        for n in range(130)]
    paid = [stripe_server.pay(str(s["id"])) for s in links]

    events, _, pages = drain(provider, None, limit=100)

    assert [e.payment_id for e in events] == paid and pages == 2
    assert [e.amount for e in events] == [Decimal(100 + n).scaleb(-2) for n in range(130)]


def test_fetch_payment_rereads_amount_fee_link_and_refunds(stripe_server: FakeStripe,
                                                          provider: StripeProvider) -> None:
    link = provider.create_link(request())
    payment_id = stripe_server.pay(link.link_id)
    stripe_server.refund_at_provider(payment_id, Decimal("10.00"))

    state = provider.fetch_payment(payment_id)

    assert (state.status, state.paid, state.amount, state.refunded) == ("succeeded", True, Decimal("1234.56"),
                                                                       Decimal("10.00"))
    # The fake's fee: 2.9 % + 1.00, from the charge's balance transaction (123456 × 0.029 = 3580.2 → 3580, + 100).
    assert state.fee == Decimal("36.80")
    assert (state.reference, state.link_id, state.currency) == (request().invoice_uuid, link.link_id, "SAR")
    assert state.extra["invoice_number"] == "INV-2026-00001"


def test_a_partial_refund_goes_through_and_an_over_refund_is_refused(
        stripe_server: FakeStripe, provider: StripeProvider) -> None:
    payment_id = stripe_server.pay(provider.create_link(request()).link_id)

    refund = provider.refund(payment_id, Decimal("0.10"), idempotency_key="qayd-refund-1")
    with pytest.raises(PaymentRefused, match="amount_too_large") as refused:
        provider.refund(payment_id, Decimal("1234.47"), idempotency_key="qayd-refund-2")

    assert (refund.amount, refund.currency, refund.status, refund.payment_id) == (
        Decimal("0.10"), "SAR", "succeeded", payment_id)
    assert stripe_server.requests[-2].params == {"payment_intent": payment_id, "amount": "10"}
    assert stripe_server.requests[-2].headers["idempotency-key"] == "qayd-refund-1"
    assert refused.value.fix and provider.fetch_payment(payment_id).refunded == Decimal("0.10")
    rest = provider.refund(payment_id, Decimal("1234.46"), idempotency_key="qayd-refund-3")
    assert rest.amount == Decimal("1234.46")
    events = provider.events_since(None).events
    assert [(e.kind, e.refund_id, e.amount) for e in events[1:]] == [
        ("payment.refunded", refund.refund_id, Decimal("0.10")), ("payment.refunded", rest.refund_id,
                                                                 Decimal("1234.46"))]


def test_a_retried_refund_is_replayed_not_paid_twice(stripe_server: FakeStripe, provider: StripeProvider) -> None:
    payment_id = stripe_server.pay(provider.create_link(request()).link_id)

    first = provider.refund(payment_id, Decimal("100.00"), idempotency_key="qayd-refund-cn-1")
    again = provider.refund(payment_id, Decimal("100.00"), idempotency_key="qayd-refund-cn-1")

    assert again == first and provider.fetch_payment(payment_id).refunded == Decimal("100.00")
    assert stripe_server.requests[-3].headers.get("idempotency-key") == "qayd-refund-cn-1"
    with pytest.raises(PaymentRefused, match="idempotency key"):
        provider.refund(payment_id, Decimal("200.00"), idempotency_key="qayd-refund-cn-1")


def test_a_retried_link_is_replayed_and_a_changed_one_with_the_same_key_refused(
        stripe_server: FakeStripe, provider: StripeProvider) -> None:
    first = provider.create_link(request())
    second = provider.create_link(request())

    with pytest.raises(PaymentRefused, match="idempotency key was used before") as refused:
        provider.create_link(request(amount="1000.00", idempotency_key="qayd-link-1-1234.56"))

    assert second == first and len(stripe_server.books.sessions) == 1
    assert [r.status for r in stripe_server.requests] == [200, 200, 400]
    assert "new request" in refused.value.fix


@pytest.mark.parametrize("retry_after", [7, None])
def test_429_is_unavailable_with_stripes_retry_after(stripe_server: FakeStripe, provider: StripeProvider,
                                                     retry_after: int | None) -> None:
    stripe_server.fail_next(429, retry_after=retry_after, times=2)

    for _ in range(2):
        with pytest.raises(PaymentUnavailable, match="429") as unavailable:
            provider.create_link(request())
        assert unavailable.value.retry_after == retry_after and unavailable.value.exit_code == 13

    assert provider.create_link(request()).amount == Decimal("1234.56")  # the books were not touched by the 429s
    assert len(stripe_server.books.sessions) == 1


def test_a_retry_after_date_is_turned_into_seconds(stripe_server: FakeStripe, provider: StripeProvider) -> None:
    stripe_server.fail_next(503, retry_after=format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True))

    with pytest.raises(PaymentUnavailable, match="503") as unavailable:
        provider.fetch_payment("pi_1")

    assert unavailable.value.retry_after is not None and 80 <= unavailable.value.retry_after <= 90


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_is_unavailable(stripe_server: FakeStripe, provider: StripeProvider, status: int) -> None:
    stripe_server.fail_next(status)

    with pytest.raises(PaymentUnavailable, match=str(status)) as unavailable:
        provider.events_since(None)

    assert unavailable.value.retry_after is None
    assert provider.events_since(None).events == ()


def test_no_answer_is_unavailable() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with StripeProvider(TEST_KEY, base_url=f"http://127.0.0.1:{port}", timeout=2) as adapter, \
            pytest.raises(PaymentUnavailable, match="could not be reached"):
        adapter.fetch_payment("pi_123")


def test_a_timeout_is_unavailable_and_the_retry_with_its_key_makes_no_second_link(stripe_server: FakeStripe) -> None:
    stripe_server.stall_next(0.6)
    with StripeProvider(TEST_KEY, base_url=stripe_server.base_url, timeout=0.2) as adapter:
        with pytest.raises(PaymentUnavailable, match="ReadTimeout"):
            adapter.create_link(request())
        deadline = time.monotonic() + 5
        while not stripe_server.books.sessions and time.monotonic() < deadline:  # Stripe finished it all the same
            time.sleep(0.05)

        link = adapter.create_link(request())

    assert list(stripe_server.books.sessions) == [link.link_id]
    assert stripe_server.requests[-1].status == 200 and len(stripe_server.requests) == 2


def test_a_declined_card_is_a_failed_payment(stripe_server: FakeStripe, provider: StripeProvider) -> None:
    link = provider.create_link(request())
    declined = stripe_server.decline(link.link_id)
    paid = stripe_server.pay(link.link_id)

    events = provider.events_since(None).events

    assert [(e.kind, e.payment_id, e.raw_status) for e in events] == [
        ("payment.failed", declined, "requires_payment_method"), ("payment.succeeded", paid, "succeeded")]
    assert provider.fetch_payment(declined).paid is False


def test_a_cursor_stripe_no_longer_keeps_is_refused_with_a_way_out(provider: StripeProvider) -> None:
    with pytest.raises(PaymentRefused, match="30 days") as refused:
        provider.events_since("evt_000001GoneAfterThirtyDays")
    assert "reset the Stripe cursor" in refused.value.fix


def test_a_refused_field_is_named_without_echoing_the_buyer(stripe_server: FakeStripe,
                                                            provider: StripeProvider) -> None:
    with pytest.raises(PaymentRefused, match="field customer_email") as refused:
        provider.create_link(request(customer_email="not-an-address@nowhere"))

    assert "not-an-address" not in str(refused.value)
    assert "Invalid email address" in str(refused.value)  # Stripe's reason, the address withheld


def test_a_bad_key_is_refused_and_never_repeated(stripe_server: FakeStripe, caplog: pytest.LogCaptureFixture) -> None:
    wrong = "sk_test_51WrongKeyThatMustNeverLeak999999999999999999"
    caplog.set_level(logging.DEBUG)

    with StripeProvider(wrong, base_url=stripe_server.base_url) as adapter, \
            pytest.raises(PaymentRefused, match="401") as refused:
        adapter.create_link(request())

    shown = "".join(traceback.format_exception(refused.value)) + repr(refused.value) + refused.value.fix
    assert wrong not in shown and wrong[8:-4] not in shown and "secrets set payments.api_key" in shown
    assert wrong not in caplog.text and "buyer@example.sa" not in caplog.text


def test_the_key_and_the_buyer_never_reach_the_logs(stripe_server: FakeStripe, provider: StripeProvider,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    payment_id = stripe_server.pay(provider.create_link(request()).link_id)
    provider.refund(payment_id, Decimal("1.00"), idempotency_key="r")
    stripe_server.fail_next(503)
    with pytest.raises(PaymentUnavailable):
        provider.fetch_payment(payment_id)

    assert TEST_KEY not in caplog.text and "buyer@example.sa" not in caplog.text


@pytest.mark.parametrize(("amount", "currency"), [("12.345", "SAR"), ("0", "SAR"), ("-5.00", "SAR"),
                                                  ("NaN", "SAR"), ("100", "JPY"), ("10.00", "S1R")])
def test_an_amount_stripe_cannot_take_exactly_is_refused_before_sending(
        stripe_server: FakeStripe, provider: StripeProvider, amount: str, currency: str) -> None:
    with pytest.raises(PaymentRefused, match=r"amount|currency"):
        provider.create_link(request(amount=amount, currency=currency))
    assert stripe_server.requests == []


def test_a_payout_is_reported_with_its_net_amount(stripe_server: FakeStripe, provider: StripeProvider) -> None:
    stripe_server.pay(provider.create_link(request()).link_id)
    payout_id = stripe_server.payout()

    events = provider.events_since(None).events

    assert [(e.kind, e.payment_id, e.amount) for e in events][-1] == ("payout.paid", payout_id,
                                                                      Decimal("1234.56") - Decimal("36.80"))


def test_stripe_is_not_imported_until_a_provider_is_built() -> None:
    code = ("import sys, core.payments, core.payments.stripe; assert 'stripe' not in sys.modules, 'imported'; "
            "from core.payments.stripe import StripeProvider; StripeProvider('sk_test_x'); "
            "assert 'stripe' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
