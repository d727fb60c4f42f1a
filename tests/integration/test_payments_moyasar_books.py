"""Invoice to cash through the real Moyasar adapter and the local Moyasar server: a link (a Moyasar invoice), the
customer pays with mada, a poll shows the invoice paid; a refund made in Moyasar's dashboard drafts a credit note;
a refund from Qayd goes through an issued credit note and its own listing is not taken for a dashboard refund."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from core.payments import make_link, paid_statuses, poll, refund
from core.payments.moyasar import MoyasarProvider
from core.uow import Context
from core.zatca.issuing import issue_many
from tests.support.moyasar_server import MoyasarServer

KEY = "sk_test_books"


@pytest.fixture
def moyasar() -> Iterator[MoyasarServer]:
    with MoyasarServer(api_key=KEY, per_page=3) as fake:
        yield fake
    assert fake.internal_errors == []


@pytest.fixture
def adapter(moyasar: MoyasarServer) -> Iterator[MoyasarProvider]:
    made = MoyasarProvider(KEY, moyasar.base_url, settle_seconds=0)
    yield made
    made.close()


def _state(ctx: Context, number: str) -> str:
    with ctx.uow(write=False) as uow:
        return next(s.state for s in paid_statuses(uow).values() if s.number == number)


def _issue(ctx: Context, number: str) -> None:
    with ctx.uow() as uow:
        issue_many(uow, [number])
        uow.commit()


def test_invoice_to_cash_through_moyasar(shop: Context, moyasar: MoyasarServer, adapter: MoyasarProvider) -> None:
    links = {n: make_link(shop, adapter, n) for n in ("INV-P-0001", "INV-P-0002", "INV-P-0003")}
    assert all(link is not None and link.amount == Decimal("575.00") for link in links.values())
    payment = moyasar.pay(links["INV-P-0001"].link_id, method="mada")  # type: ignore[union-attr]
    moyasar.pay(links["INV-P-0002"].link_id, method="applepay")  # type: ignore[union-attr]
    first = poll(shop, adapter)
    assert (first.recorded, first.unmatched, first.findings) == (2, 0, [])
    assert [_state(shop, n) for n in links] == ["paid", "paid", "outstanding"]
    assert poll(shop, adapter).recorded == 0  # nothing twice

    moyasar.refund_at_provider(payment, Decimal("75.00"))
    seen = poll(shop, adapter)
    assert seen.refunds == 1 and seen.credit_notes == ["INV-P-0001-CN"]
    _issue(shop, "INV-P-0001-CN")
    assert _state(shop, "INV-P-0001") == "paid"

    note = refund(shop, adapter, "INV-P-0001", Decimal("25.00"))
    assert note == "INV-P-0001-CN2"
    _issue(shop, "INV-P-0001-CN2")
    made = refund(shop, adapter, "INV-P-0001", Decimal("25.00"))
    assert not isinstance(made, str) and len(made.refunds) == 1
    last = poll(shop, adapter)
    assert (last.refunds, last.credit_notes) == (0, [])
    assert _state(shop, "INV-P-0001") == "paid"
