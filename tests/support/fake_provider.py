"""An in-process payment provider implementing the port (core.payments.port), for the store side's tests.

It keeps links, payments, refunds and an event log with a cursor, like a gateway's account; the test acts as the
customer (`pay`) and as the provider's dashboard (`refund_at_provider`). Its state lives in `WORLDS` under the API
key, so the provider that `core.bootstrap.payment_provider` builds (the CLI's) shares the test's. Pages can be sent
again (`replay`: each page also repeats earlier events) and shuffled (`shuffle`), and requests can fail (`fail_next`).
Like a real gateway it refuses an idempotency key reused with other parameters, and an amount with more than two
decimals.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from core.payments import (
    EventPage,
    LinkRequest,
    PaymentLink,
    PaymentRefused,
    PaymentState,
    ProviderEvent,
    Refund,
)

NAME = "fake"
SPEC = "tests.support.fake_provider:FakeProvider"


@dataclass
class World:
    links: dict[str, PaymentLink] = field(default_factory=dict)
    link_refs: dict[str, str] = field(default_factory=dict)  # link id -> invoice UUID
    keys: dict[str, tuple[object, str]] = field(default_factory=dict)  # idempotency key -> (params, result id)
    payments: dict[str, dict[str, object]] = field(default_factory=dict)
    events: list[ProviderEvent] = field(default_factory=list)
    failures: list[Exception | None] = field(default_factory=list)  # None: that request succeeds
    replay: int = 0  # each page also repeats this many events from before the cursor
    shuffle: random.Random | None = None
    requests: list[tuple[str, str]] = field(default_factory=list)
    start: datetime = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def _now(self) -> datetime:
        return self.start + timedelta(seconds=len(self.events))

    def pay(self, link_id: str, *, amount: Decimal | None = None, currency: str | None = None,
            reference: str | None = None, fee: Decimal = Decimal("1.15")) -> str:
        """The customer pays through the hosted page (amount None: the link's amount)."""
        link = self.links[link_id]
        payment_id = f"pay_{len(self.payments) + 1:06d}"
        paid = link.amount if amount is None else amount
        self.payments[payment_id] = {"amount": paid, "currency": currency or link.currency, "refunded": Decimal(0),
                                     "reference": reference or self.link_refs[link_id], "link": link_id, "fee": fee}
        self._event("payment.succeeded", payment_id, paid)
        return payment_id

    def refund_at_provider(self, payment_id: str, amount: Decimal) -> str:
        """A refund made in the provider's dashboard, not through Qayd."""
        return self._refund(payment_id, amount)

    def fail_next(self, error: Exception, times: int = 1, *, after: int = 0) -> None:
        """The next `times` requests (after `after` that succeed) raise `error`."""
        self.failures.extend([None] * after + [error] * times)

    def _refund(self, payment_id: str, amount: Decimal) -> str:
        payment = self.payments[payment_id]
        left = Decimal(str(payment["amount"])) - Decimal(str(payment["refunded"]))
        if amount <= 0 or amount > left:
            raise PaymentRefused(f"refund of {amount} exceeds what is left ({left})")
        payment["refunded"] = Decimal(str(payment["refunded"])) + amount
        refund_id = f"re_{len(self.events) + 1:06d}"
        self._event("payment.refunded", payment_id, amount, refund_id=refund_id)
        return refund_id

    def _event(self, kind: str, payment_id: str, amount: Decimal, refund_id: str | None = None) -> None:
        payment = self.payments[payment_id]
        self.events.append(ProviderEvent(
            provider=NAME, event_id=f"evt_{len(self.events) + 1:06d}", kind=kind,  # type: ignore[arg-type]
            payment_id=payment_id, amount=amount, currency=str(payment["currency"]), occurred_at=self._now(),
            link_id=str(payment["link"]), reference=str(payment["reference"]), fee=None, refund_id=refund_id))


WORLDS: dict[str, World] = {}


def world(api_key: str = "fake-key") -> World:
    return WORLDS.setdefault(api_key, World())


class FakeProvider:
    """The port, over the world of its API key."""

    name = NAME

    def __init__(self, api_key: str, base_url: str | None = None, **_optional: object) -> None:
        self.world = world(api_key)

    def _enter(self, what: str) -> None:
        self.world.requests.append((what, ""))
        if self.world.failures and (error := self.world.failures.pop(0)) is not None:
            raise error

    def create_link(self, request: LinkRequest) -> PaymentLink:
        self._enter("create_link")
        w, params = self.world, (request.invoice_uuid, request.amount, request.currency)
        if request.amount <= 0 or request.amount != request.amount.quantize(Decimal("0.01")):
            raise PaymentRefused(f"amount {request.amount} is not a positive amount in halalas")
        if request.idempotency_key in w.keys:
            seen, link_id = w.keys[request.idempotency_key]
            if seen != params:
                raise PaymentRefused("Keys for idempotent requests can only be used with the same parameters")
            return w.links[link_id]
        link_id = f"lnk_{len(w.links) + 1:06d}"
        w.links[link_id] = PaymentLink(NAME, link_id, f"https://pay.example/{link_id}", request.amount,
                                       request.currency)
        w.link_refs[link_id], w.keys[request.idempotency_key] = request.invoice_uuid, (params, link_id)
        return w.links[link_id]

    def events_since(self, cursor: str | None, *, limit: int = 100) -> EventPage:
        self._enter("events_since")
        w, start = self.world, int(cursor or 0)
        end = min(start + limit, len(w.events))
        page = w.events[max(0, start - w.replay):end]
        if w.shuffle is not None:
            page = w.shuffle.sample(page, len(page))
        return EventPage(tuple(page), str(end) if end > start else None, has_more=end < len(w.events))

    def fetch_payment(self, payment_id: str) -> PaymentState:
        self._enter("fetch_payment")
        p = self.world.payments.get(payment_id)
        if p is None:
            raise PaymentRefused(f"No such payment: {payment_id}")
        return PaymentState(NAME, payment_id, "paid", True, Decimal(str(p["amount"])), Decimal(str(p["refunded"])),
                            str(p["currency"]), reference=str(p["reference"]), link_id=str(p["link"]),
                            fee=Decimal(str(p["fee"])))

    def refund(self, payment_id: str, amount: Decimal, *, idempotency_key: str) -> Refund:
        self._enter("refund")
        w, params = self.world, (payment_id, amount)
        if idempotency_key in w.keys:
            seen, refund_id = w.keys[idempotency_key]
            if seen != params:
                raise PaymentRefused("Keys for idempotent requests can only be used with the same parameters")
        else:
            refund_id = w._refund(payment_id, amount)
            w.keys[idempotency_key] = (params, refund_id)
        return Refund(NAME, refund_id, payment_id, amount, str(w.payments[payment_id]["currency"]), "succeeded")


__all__ = ["NAME", "SPEC", "WORLDS", "FakeProvider", "World", "world"]
