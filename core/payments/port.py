"""The payment provider port: what Qayd asks of any gateway (a link, the events since a cursor, a payment re-read,
a refund), in Qayd's own terms. Adapters (Stripe, Moyasar) translate to and from their documented APIs.

Amounts are `Decimal` in major units (SAR 12.50), never floats and never minor units: each adapter converts to the
provider's smallest unit (halalas) at its edge and back, and refuses an amount with more than two decimals.
Times are timezone-aware (UTC from the provider). Nothing here holds personal data beyond what the provider echoes
(an e-mail the clerk typed in the link request); adapters never log request bodies or keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal, Protocol, runtime_checkable

# What a provider event means for the books. Adapters map their own types onto these and drop the rest.
EventKind = Literal["payment.succeeded", "payment.failed", "payment.refunded", "payout.paid"]

# The adapters Qayd knows, by the `[payments] provider` setting: "module:class". Each class is built as
# `cls(api_key=..., base_url=..., http=...)` (see `PaymentProvider`), so a test passes its local server's address.
PROVIDERS: dict[str, str] = {
    "stripe": "core.payments.stripe:StripeProvider",
    "moyasar": "core.payments.moyasar:MoyasarProvider",
}


@dataclass(frozen=True)
class LinkRequest:
    """A payment link for one invoice's outstanding amount."""

    invoice_uuid: str  # the issued document's UUID: the reference matched when the payment comes back
    invoice_number: str
    amount: Decimal  # major units, > 0, at most 2 decimals
    currency: str  # ISO 4217, upper case ("SAR")
    description: str  # shown on the hosted page; no personal data beyond the invoice number
    idempotency_key: str  # deterministic: the same invoice and amount give the same key (a retry makes no second link)
    success_url: str | None = None
    customer_email: str | None = None  # prefilled on the hosted page when the provider supports it


@dataclass(frozen=True)
class PaymentLink:
    provider: str
    link_id: str  # Stripe: the Checkout Session id (cs_...); Moyasar: the invoice id
    url: str  # the hosted payment page
    amount: Decimal
    currency: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class ProviderEvent:
    """One thing that happened at the provider, normalised. `event_id` is unique per provider (stored once)."""

    provider: str
    event_id: str
    kind: EventKind
    payment_id: str  # the provider's payment (Stripe: PaymentIntent pi_...; Moyasar: payment id); payout id for payouts
    amount: Decimal  # major units: paid, refunded (this refund), or paid out
    currency: str
    occurred_at: datetime
    link_id: str | None = None  # the link it came through, when the provider says
    reference: str | None = None  # the invoice UUID carried through the link (client_reference_id / metadata)
    invoice_number: str | None = None  # from metadata, for a person reading; matching uses `reference`
    fee: Decimal | None = None  # the provider's fee on a payment, when known
    refund_id: str | None = None
    raw_status: str = ""  # the provider's own status word, kept for the audit entry


@dataclass(frozen=True)
class EventPage:
    """Events after a cursor, oldest first. Store `cursor` only after every event of the page is recorded."""

    events: tuple[ProviderEvent, ...]
    cursor: str | None  # the value to pass next time (None: nothing new, keep the old one)
    has_more: bool = False


@dataclass(frozen=True)
class Refund:
    provider: str
    refund_id: str
    payment_id: str
    amount: Decimal
    currency: str
    status: str  # the provider's word: "succeeded", "pending", "refunded", ...


@dataclass(frozen=True)
class PaymentState:
    """A payment re-read from the provider, before an event about it is trusted."""

    provider: str
    payment_id: str
    status: str  # the provider's word
    paid: bool  # captured / paid, as the provider says now
    amount: Decimal  # captured amount
    refunded: Decimal  # total refunded so far
    currency: str
    reference: str | None = None
    link_id: str | None = None
    fee: Decimal | None = None
    extra: dict[str, str] = field(default_factory=dict)


@runtime_checkable
class PaymentProvider(Protocol):
    """A gateway. Raise `core.payments.errors.PaymentUnavailable` (transient: 429, 5xx, timeout, TLS; retry later,
    after `retry_after` seconds when the provider said so) or `PaymentRefused` (permanent: the provider refused the
    request as made, e.g. 400/401/402/404, or an idempotency key reused with other parameters)."""

    name: str

    def create_link(self, request: LinkRequest) -> PaymentLink: ...

    def events_since(self, cursor: str | None, *, limit: int = 100) -> EventPage: ...

    def fetch_payment(self, payment_id: str) -> PaymentState: ...

    def refund(self, payment_id: str, amount: Decimal, *, idempotency_key: str) -> Refund: ...
