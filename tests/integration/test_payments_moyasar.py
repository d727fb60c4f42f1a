"""The Moyasar adapter against the local Moyasar: links, payments by mada and STC Pay, events, refunds, faults."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from core.payments import LinkRequest, PaymentLink, PaymentProvider, PaymentRefused, PaymentUnavailable, ProviderEvent
from core.payments.moyasar import MoyasarProvider
from tests.support.moyasar_server import MoyasarServer

KEY = "sk_test_9zQ4mP2wQaydSecretKey"


@pytest.fixture
def server() -> Iterator[MoyasarServer]:
    with MoyasarServer(api_key=KEY, per_page=3) as fake:  # small pages, so a few payments span several
        yield fake
    assert fake.internal_errors == []


@pytest.fixture
def provider(server: MoyasarServer) -> Iterator[MoyasarProvider]:
    adapter = MoyasarProvider(KEY, server.base_url, settle_seconds=0)
    yield adapter
    adapter.close()


def request(n: int, amount: str = "115.50") -> LinkRequest:
    return LinkRequest(f"9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dc{n:03d}", f"INV-2026-{n:04d}", Decimal(amount), "SAR",
                       f"Invoice INV-2026-{n:04d}", f"qayd-link-{n}-{amount}")


def drain(provider: MoyasarProvider, cursor: str | None, limit: int = 100) -> tuple[list[ProviderEvent], str | None]:
    """Every event after the cursor, page by page, as the poller stores them; the last cursor to keep."""
    events: list[ProviderEvent] = []
    while True:
        page = provider.events_since(cursor, limit=limit)
        events += page.events
        cursor = page.cursor or cursor
        if not page.has_more:
            return events, cursor


def test_the_adapter_is_the_port(provider: MoyasarProvider) -> None:
    assert isinstance(provider, PaymentProvider) and provider.name == "moyasar"


def test_a_link_is_a_moyasar_invoice_in_halalas(server: MoyasarServer, provider: MoyasarProvider) -> None:
    link = provider.create_link(request(1, "1234.56"))
    assert link.amount == Decimal("1234.56") and link.currency == "SAR"
    assert link.url == f"https://checkout.moyasar.com/invoices/{link.link_id}?lang=ar"
    (sent,) = server.requests_to("POST", "/invoices")
    body = httpx.Response(200, content=sent.body).json()
    assert body["amount"] == 123456 and type(body["amount"]) is int
    assert body["metadata"]["qayd_invoice_uuid"] == request(1).invoice_uuid
    assert sent.headers["authorization"] == "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()  # empty password


def test_a_retried_link_makes_no_second_invoice(server: MoyasarServer, provider: MoyasarProvider) -> None:
    first = provider.create_link(request(2))
    again = provider.create_link(request(2))
    assert again == first and len(server.requests_to("POST", "/invoices")) == 1
    other = LinkRequest(**{**request(2).__dict__, "amount": Decimal("99.00")})
    with pytest.raises(PaymentRefused, match="another amount"):
        provider.create_link(other)


def test_mada_and_stc_pay_come_back_as_paid_events_with_exact_amounts(server: MoyasarServer,
                                                                       provider: MoyasarProvider) -> None:
    mada, stc = provider.create_link(request(3, "100.01")), provider.create_link(request(4))
    paid_mada = server.pay(mada.link_id, method="mada")
    paid_stc = server.pay(stc.link_id, method="stcpay")
    events, _ = drain(provider, None)
    assert [(e.kind, e.payment_id, e.amount) for e in events] == [
        ("payment.succeeded", paid_mada, Decimal("100.01")), ("payment.succeeded", paid_stc, Decimal("115.50"))]
    assert all(type(e.amount) is Decimal and e.amount.as_tuple().exponent == -2 for e in events)
    assert [e.reference for e in events] == [request(3).invoice_uuid, request(4).invoice_uuid]
    assert [e.link_id for e in events] == [mada.link_id, stc.link_id]
    assert events[0].fee == Decimal("1.00") and events[1].fee == Decimal("1.73")  # 1 % and 1.5 %, in halalas
    state = provider.fetch_payment(paid_stc)
    assert (state.paid, state.amount, state.refunded, state.reference, state.extra["type"]) == (
        True, Decimal("115.50"), Decimal("0.00"), request(4).invoice_uuid, "stcpay")
    assert "0500000000" not in repr(state)  # the payer's mobile number stays at Moyasar


def pay_many(server: MoyasarServer, provider: MoyasarProvider, count: int, start: int = 10) -> list[str]:
    links = [provider.create_link(request(n)) for n in range(start, start + count)]
    return [server.pay(link.link_id, method=("mada", "applepay", "creditcard", "stcpay")[i % 4])
            for i, link in enumerate(links)]


def test_events_come_oldest_first_across_pages_and_limits(server: MoyasarServer, provider: MoyasarProvider) -> None:
    paid = pay_many(server, provider, 8)
    events, cursor = drain(provider, None, limit=3)
    assert [e.payment_id for e in events] == paid  # the listing is newest first; the events are not
    pages = {int(r.query["page"][0]) for r in server.requests_to("GET", "/payments") if "updated[lt]" in r.query}
    assert pages >= {1, 2, 3}  # 8 payments, 3 a page
    later = pay_many(server, provider, 2, start=30)
    more, _ = drain(provider, cursor, limit=3)
    assert [e.payment_id for e in more] == later


def test_a_replayed_cursor_gives_no_duplicates(server: MoyasarServer, provider: MoyasarProvider) -> None:
    pay_many(server, provider, 5)
    stored: dict[str, ProviderEvent] = {}  # the store's unique key
    cursors: list[str | None] = [None]
    for _ in range(4):
        page = provider.events_since(cursors[-1], limit=2)
        stored.update((e.event_id, e) for e in page.events)
        cursors.append(page.cursor or cursors[-1])
    for cursor in cursors:  # a crash before the cursor was kept: any earlier cursor is read again
        replay, _ = drain(provider, cursor, limit=2)
        assert all(stored[e.event_id] == e for e in replay)
    assert len(stored) == 5


def test_a_refund_in_the_dashboard_yields_exactly_one_refund_event(server: MoyasarServer,
                                                                    provider: MoyasarProvider) -> None:
    (payment,) = pay_many(server, provider, 1)
    seen, cursor = drain(provider, None)
    ids = {e.event_id for e in seen}
    refund_id = server.refund_at_provider(payment, Decimal("10.00"))
    events, cursor = drain(provider, cursor)
    new = [e for e in events if e.event_id not in ids]
    assert [(e.kind, e.amount, e.refund_id) for e in new] == [("payment.refunded", Decimal("10.00"), refund_id)]
    ids |= {e.event_id for e in events}
    again, cursor = drain(provider, cursor)
    assert {e.event_id for e in again} <= ids  # polling again adds nothing
    second = server.refund_at_provider(payment, Decimal("5.50"))
    events, _ = drain(provider, cursor)
    new = [e for e in events if e.event_id not in ids]
    assert [(e.kind, e.amount, e.refund_id) for e in new] == [("payment.refunded", Decimal("5.50"), second)]


def test_a_payment_paid_and_refunded_between_two_polls_loses_neither(server: MoyasarServer,
                                                                      provider: MoyasarProvider) -> None:
    (payment,) = pay_many(server, provider, 1)
    server.refund_at_provider(payment, Decimal("115.50"))
    events, _ = drain(provider, None)
    assert [(e.kind, e.amount) for e in events] == [("payment.succeeded", Decimal("115.50")),
                                                     ("payment.refunded", Decimal("115.50"))]


def test_a_declined_payment_is_a_failed_event(server: MoyasarServer, provider: MoyasarProvider) -> None:
    link = provider.create_link(request(5))
    declined = server.pay(link.link_id, method="mada", fail=True)
    events, _ = drain(provider, None)
    assert [(e.kind, e.payment_id, e.fee) for e in events] == [("payment.failed", declined, None)]
    assert provider.fetch_payment(declined).paid is False


def test_a_refund_from_qayd_is_exact_and_a_retry_refunds_once(server: MoyasarServer,
                                                              provider: MoyasarProvider) -> None:
    (payment,) = pay_many(server, provider, 1)
    refund = provider.refund(payment, Decimal("5.25"), idempotency_key="credit-note-7")
    assert (refund.amount, refund.refund_id, refund.status) == (Decimal("5.25"), f"{payment}:525", "succeeded")
    assert provider.refund(payment, Decimal("5.25"), idempotency_key="credit-note-7") == refund
    assert len(server.requests_to("POST", f"/payments/{payment}/refund")) == 1
    assert provider.fetch_payment(payment).refunded == Decimal("5.25")
    events, _ = drain(provider, None)
    assert [e.refund_id for e in events if e.kind == "payment.refunded"] == [refund.refund_id]


def test_a_refund_never_exceeds_what_was_paid(server: MoyasarServer, provider: MoyasarProvider) -> None:
    (payment,) = pay_many(server, provider, 1)
    provider.refund(payment, Decimal("100.00"), idempotency_key="cn-1")
    with pytest.raises(PaymentRefused, match="more than what is left") as caught:
        provider.refund(payment, Decimal("15.51"), idempotency_key="cn-2")
    assert caught.value.exit_code == 13 and "15.50" in str(caught.value)
    with httpx.Client(auth=(KEY, "")) as raw:  # Moyasar itself refuses it too, whoever asks
        answer = raw.post(f"{server.base_url}/payments/{payment}/refund", json={"amount": 1551})
    assert answer.status_code == 400 and answer.json()["type"] == "invalid_request_error"
    assert provider.fetch_payment(payment).refunded == Decimal("100.00")


def test_too_many_requests_waits_as_moyasar_says(server: MoyasarServer, provider: MoyasarProvider) -> None:
    server.fail_next(429, retry_after=7)
    with pytest.raises(PaymentUnavailable) as caught:
        provider.events_since(None)
    assert caught.value.retry_after == 7 and caught.value.exit_code == 13
    assert provider.events_since(None).events == ()


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_is_transient(server: MoyasarServer, provider: MoyasarProvider, status: int) -> None:
    server.fail_next(status, times=2)
    for _ in range(2):
        with pytest.raises(PaymentUnavailable, match=f"HTTP {status}"):
            provider.create_link(request(6))
    assert isinstance(provider.create_link(request(6)), PaymentLink)
    assert len(server.requests_to("POST", "/invoices")) == 1


def test_an_unreachable_moyasar_is_transient() -> None:
    with MoyasarServer(api_key=KEY) as gone:
        url = gone.base_url
    with pytest.raises(PaymentUnavailable, match="could not be reached"):
        MoyasarProvider(KEY, url).fetch_payment("f3c1a6c2-0000-4000-8000-000000000000")


def test_a_bad_key_is_refused_with_a_fix_and_never_shown(server: MoyasarServer,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "sk_live_WRONGkeyDoNotLeak123"
    with pytest.raises(PaymentRefused) as caught:
        MoyasarProvider(wrong, server.base_url).create_link(request(7))
    assert "API key" in str(caught.value) and "qayd secrets set payments.api_key" in caught.value.fix
    assert server.requests[-1].status == 401
    good = MoyasarProvider(KEY, server.base_url, settle_seconds=0)
    link = good.create_link(request(8))
    good.refund(server.pay(link.link_id), Decimal("1.00"), idempotency_key="k")
    drain(good, None)
    for secret in (wrong, KEY):
        assert secret not in str(caught.value) and secret not in repr(caught.value.__cause__)
        assert secret not in caplog.text and secret not in repr(good)


def test_a_foreign_cursor_is_refused_clearly(provider: MoyasarProvider) -> None:
    with pytest.raises(PaymentRefused, match="cursor"):
        provider.events_since("evt_1NG8Du2eZvKYlo2CUI79vXWy")


def test_the_local_moyasar_refuses_what_moyasar_would(server: MoyasarServer) -> None:
    invoices = f"{server.base_url}/invoices"
    assert httpx.get(invoices).status_code == 401
    assert httpx.get(invoices, auth=(KEY, "x")).status_code == 401  # the password must be empty
    with httpx.Client(auth=(KEY, "")) as raw:
        ok = {"amount": 1000, "currency": "SAR", "description": "Invoice INV-1"}
        assert raw.post(invoices, json=ok).status_code == 201
        assert raw.post(invoices, data={**ok, "metadata[qayd]": "1"}).status_code == 201  # a form, as curl -d
        for bad in ({"amount": 10.5}, {"amount": "1000"}, {"amount": 99}, {"description": ""}, {"customer": "x"}):
            answer = raw.post(invoices, json={**ok, **bad})
            assert answer.status_code == 400, bad
        assert raw.post(invoices, data={**ok, "amount": "10.50"}).status_code == 400
        assert raw.get(f"{server.base_url}/payments", params={"sort": "asc"}).status_code == 400
        page = raw.get(f"{server.base_url}/payments", params={"page": 1}).json()
        assert page["meta"] == {"current_page": 1, "next_page": None, "prev_page": None, "total_pages": 1,
                                "total_count": 0}


def test_a_payment_that_changes_while_a_poll_reads_the_pages_is_not_lost(server: MoyasarServer,
                                                                         provider: MoyasarProvider) -> None:
    paid = pay_many(server, provider, 8)  # three pages
    # While the poll reads its window, a payment on the page it read first is refunded: it leaves the window and
    # the rows behind it move up one place. Whatever order the pages are read in, none may be skipped.
    server.meanwhile(lambda rows: server.refund_at_provider(rows[0]["id"], Decimal("1.00")), after=2)
    events, cursor = drain(provider, None)
    assert sorted({e.payment_id for e in events if e.kind == "payment.succeeded"}) == sorted(paid)
    later, _ = drain(provider, cursor)
    assert [e.kind for e in later if e.kind == "payment.refunded"] == ["payment.refunded"]


def test_a_change_younger_than_the_settle_time_waits_for_the_next_poll(server: MoyasarServer) -> None:
    careful = MoyasarProvider(KEY, server.base_url, settle_seconds=30)  # the default is 5 s, by Moyasar's clock
    link = careful.create_link(request(9))
    payment = server.pay(link.link_id)
    page = careful.events_since(None)
    assert page.events == ()  # too fresh: a change may still be committing at Moyasar
    server.advance(60)
    events, _ = drain(careful, page.cursor)
    assert [e.payment_id for e in events] == [payment]


@pytest.mark.parametrize("crafted", ["../invoices", "x/refund", "abc?page=2", "..", ""])
def test_a_crafted_id_never_reaches_another_endpoint(server: MoyasarServer, provider: MoyasarProvider,
                                                     crafted: str) -> None:
    asked = len(server.requests)
    with pytest.raises(PaymentRefused, match="not a Moyasar"):
        provider.fetch_payment(crafted)
    with pytest.raises(PaymentRefused, match="not a Moyasar"):
        provider.refund(crafted, Decimal("1.00"), idempotency_key="k")
    assert len(server.requests) == asked


def test_payments_changed_in_the_same_instant_are_split_across_pages_without_loss(
        server: MoyasarServer, provider: MoyasarProvider) -> None:
    links = [provider.create_link(request(n)) for n in range(40, 47)]
    server.hold_clock()
    paid = [server.pay(link.link_id) for link in links]  # seven payments, one updated_at
    server.hold_clock(False)
    server.advance(1)
    events, cursor = drain(provider, None, limit=2)  # the limit falls inside the tie, three times
    assert sorted(e.payment_id for e in events) == sorted(paid)
    assert len({e.event_id for e in events}) == len(events) == 7
    assert [e.payment_id for e in events] == sorted(paid)  # within one instant, by id
    assert drain(provider, cursor)[0] == []


def backlog_requests(monkeypatch: pytest.MonkeyPatch, narrow_pages: int, count: int) -> tuple[list[str], int]:
    """Drain a backlog of `count` payments 5 events a call; the payment order seen and the listings it took."""
    import core.payments.moyasar as adapter

    monkeypatch.setattr(adapter, "NARROW_PAGES", narrow_pages)
    with MoyasarServer(api_key=KEY, per_page=3) as fake:
        moyasar = MoyasarProvider(KEY, fake.base_url, settle_seconds=0)
        paid = pay_many(fake, moyasar, count)
        events, _ = drain(moyasar, None, limit=5)
        assert [e.payment_id for e in events] == paid and fake.internal_errors == []
        return paid, len(fake.requests_to("GET", "/payments"))


def test_a_backlog_is_narrowed_instead_of_read_whole_for_every_page(monkeypatch: pytest.MonkeyPatch) -> None:
    _, narrowed = backlog_requests(monkeypatch, 4, 150)
    _, whole = backlog_requests(monkeypatch, 10**9, 150)
    print(f"150-payment backlog, 5 events a call, 3 a page: {narrowed} listings narrowed, {whole} read whole")
    assert narrowed < whole / 2


def test_a_void_before_settlement_reverses_the_whole_payment_once(server: MoyasarServer,
                                                                   provider: MoyasarProvider) -> None:
    (payment,) = pay_many(server, provider, 1)
    seen, cursor = drain(provider, None)
    server.void_at_provider(payment)
    events, cursor = drain(provider, cursor)
    new = [e for e in events if e.event_id not in {s.event_id for s in seen}]
    assert [(e.kind, e.amount, e.raw_status, e.event_id) for e in new] == [
        ("payment.refunded", Decimal("115.50"), "voided", f"moyasar:{payment}:voided")]
    assert provider.fetch_payment(payment).paid is False
    assert drain(provider, cursor)[0] == []
    with pytest.raises(PaymentRefused, match="more than what is left"):
        provider.refund(payment, Decimal("1.00"), idempotency_key="after-void")
    assert server.requests_to("PUT", f"/payments/{payment}") == []  # refused before anything was written
