"""The Stripe adapter: Checkout Sessions as links, `GET /v1/events` as the feed, through Stripe's official SDK.

Written against Stripe's API reference and the `stripe` package's StripeClient (its httpx client, no retries of its
own: Qayd's poll and outbox retry, so every failure comes back here at once and is mapped to the port's two errors).

Which events: one `payment.succeeded` per paid invoice comes from `payment_intent.succeeded` alone. A Checkout payment
also sends `charge.succeeded` and `checkout.session.completed` for the same money (and the latter fires before a
delayed method has paid); taking either too would count a payment twice. `payment_intent_data[metadata]` puts the
invoice's UUID on the PaymentIntent, so the event carries the reference itself. Refunds come from `refund.created`
(sent for every refund since API version 2024-10-28.acacia, one per refund with its own id and amount), not
`charge.refunded`, which repeats for each refund with the charge's running total. Payouts from `payout.paid`.
The fee is not in those events (it sits on the charge's balance transaction); `fetch_payment`, which the ingest calls
before it trusts an event, reads it with one expanded request.
"""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from core.clock import retry_after_seconds
from core.payments.errors import PaymentRefused, PaymentUnavailable
from core.payments.port import EventKind, EventPage, LinkRequest, PaymentLink, PaymentState, ProviderEvent, Refund

if TYPE_CHECKING:
    import stripe as stripe_sdk

_T = TypeVar("_T")
_KINDS: dict[str, EventKind] = {
    "payment_intent.succeeded": "payment.succeeded",
    "payment_intent.payment_failed": "payment.failed",
    "refund.created": "payment.refunded",
    "payout.paid": "payout.paid",
}
_PAGE = 100  # Stripe's largest page
_KEYISH = re.compile(r"\b(?:sk|rk|pk)_(?:test|live)_[A-Za-z0-9*]+")
# Currencies whose minor unit is not 1/100 (Stripe's docs: zero- and three-decimal currencies): refused, not guessed.
_NOT_TWO_DECIMALS = frozenset(["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND",
                               "VUV", "XAF", "XOF", "XPF", "BHD", "JOD", "KWD", "OMR", "TND"])
_KEY_FIX = ("Check the key in the Stripe Dashboard (Developers → API keys) and set it with "
            "`qayd secrets set payments.api_key`.")


class StripeProvider:
    """Stripe behind the payment port. `base_url` points the SDK at a proxy or a test server."""

    name = "stripe"

    def __init__(self, api_key: str, base_url: str | None = None, *, timeout: float = 30.0,
                 http: object | None = None) -> None:
        # `http` is accepted for the port's common constructor and not used: the SDK owns its httpx client.
        del http
        if not api_key:
            raise PaymentRefused("No Stripe API key is set.", fix=_KEY_FIX)
        import stripe as sdk

        self._sdk = sdk
        self._key = api_key
        # The SDK logs each request body at DEBUG ("Post details": e-mail addresses, invoice numbers) to the "stripe"
        # logger; an application logging at DEBUG would write them out. Qayd never needs them.
        logging.getLogger("stripe").setLevel(logging.WARNING)
        http_client = _httpx_client(sdk, timeout)
        self._client = sdk.StripeClient(
            api_key, http_client=http_client, max_network_retries=0,
            base_addresses={"api": base_url.rstrip("/")} if base_url else None)
        # The pooled connections close with the provider, whether or not its user calls `close`.
        self._closer = weakref.finalize(self, http_client.close)

    def close(self) -> None:
        self._closer()

    def __enter__(self) -> StripeProvider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the port -----------------------------------------------------------------------------------------------

    def create_link(self, request: LinkRequest) -> PaymentLink:
        """A Checkout Session (mode payment) for the amount, carrying the invoice's UUID and number."""
        currency = _currency(request.currency)
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [{"quantity": 1, "price_data": {
                "currency": currency, "unit_amount": to_minor(request.amount, "amount"),
                "product_data": {"name": request.description}}}],
            "client_reference_id": request.invoice_uuid,
            "metadata": {"invoice_uuid": request.invoice_uuid, "invoice_number": request.invoice_number},
            "payment_intent_data": {"metadata": {"invoice_uuid": request.invoice_uuid,
                                                 "invoice_number": request.invoice_number}},
        }
        if request.customer_email:
            params["customer_email"] = request.customer_email
        if request.success_url:
            params["success_url"] = request.success_url
        options = {"idempotency_key": request.idempotency_key}
        session = self._call("create a payment link", lambda: self._client.v1.checkout.sessions.create(
            params, options).to_dict(), hide=(request.customer_email,))  # type: ignore[arg-type]
        return PaymentLink(provider=self.name, link_id=session["id"], url=session["url"],
                           amount=from_minor(session["amount_total"]), currency=str(session["currency"]).upper(),
                           expires_at=_time(session.get("expires_at")))

    def events_since(self, cursor: str | None, *, limit: int = 100) -> EventPage:
        """The events after `cursor`, oldest first; `cursor` None reads from the oldest event Stripe still keeps."""
        limit = max(1, min(limit, _PAGE))
        if cursor is None:
            newest_first = self._all_events()
            batch = newest_first[::-1][:limit]
            more = len(newest_first) > limit
        else:
            # `ending_before` gives the `limit` events just newer than the cursor, newest first (Stripe: pagination).
            try:
                page = self._list_events({"ending_before": cursor, "limit": limit})
            except PaymentRefused as refused:
                if "resource_missing" not in refused.message:
                    raise
                raise PaymentRefused(f"Stripe no longer has the last event Qayd read ({cursor}): it keeps events for "
                                     "30 days, so polling stopped for longer than that, or the key is another "
                                     "account's.", fix="Check that payments.api_key is this company's Stripe account; "
                                     "then reset the Stripe cursor so Qayd reads every event Stripe still keeps "
                                     "(payments already recorded are not recorded twice).") from None
            batch, more = page["data"][::-1], bool(page["has_more"])
        if not batch:
            return EventPage(events=(), cursor=None, has_more=False)
        mapped = tuple(e for e in (self._event(raw) for raw in batch) if e is not None)
        return EventPage(events=mapped, cursor=str(batch[-1]["id"]), has_more=more)

    def fetch_payment(self, payment_id: str) -> PaymentState:
        """The PaymentIntent as Stripe holds it now, with its charge's refunds and fee, and the session it came by."""
        intent = self._call("read the payment", lambda: self._client.v1.payment_intents.retrieve(
            payment_id, {"expand": ["latest_charge.balance_transaction"]}).to_dict())
        sessions = self._call("read the payment's link", lambda: self._client.v1.checkout.sessions.list(
            {"payment_intent": payment_id, "limit": 1}).to_dict())
        latest = intent.get("latest_charge")
        charge: dict[str, Any] = latest if isinstance(latest, dict) else {}
        txn = charge.get("balance_transaction") if isinstance(charge.get("balance_transaction"), dict) else None
        metadata = intent.get("metadata") or {}
        return PaymentState(
            provider=self.name, payment_id=intent["id"], status=intent["status"],
            paid=intent["status"] == "succeeded", amount=from_minor(intent.get("amount_received") or 0),
            refunded=from_minor(charge.get("amount_refunded") or 0), currency=str(intent["currency"]).upper(),
            reference=metadata.get("invoice_uuid"), link_id=sessions["data"][0]["id"] if sessions["data"] else None,
            fee=from_minor(txn["fee"]) if txn else None,
            extra={k: str(v) for k, v in (("invoice_number", metadata.get("invoice_number")),
                                          ("charge", charge.get("id"))) if v})

    def refund(self, payment_id: str, amount: Decimal, *, idempotency_key: str) -> Refund:
        """Refunds `amount` of the payment; Stripe refuses more than what is left (nothing is sent twice)."""
        params = {"payment_intent": payment_id, "amount": to_minor(amount, "refund amount")}
        refund = self._call("refund the payment", lambda: self._client.v1.refunds.create(
            params, {"idempotency_key": idempotency_key}).to_dict())  # type: ignore[arg-type]
        return Refund(provider=self.name, refund_id=refund["id"], payment_id=payment_id,
                      amount=from_minor(refund["amount"]), currency=str(refund["currency"]).upper(),
                      status=str(refund["status"]))

    # -- events -------------------------------------------------------------------------------------------------

    def _list_events(self, params: dict[str, Any]) -> dict[str, Any]:
        # The SDK's custom request (same auth, encoding and typed errors) hands back the parsed JSON: building a
        # StripeObject per nested field cost five times the HTTP round trip per page of 100 events.
        params = {**params, "types": sorted(_KINDS)}
        page: dict[str, Any] = self._call("read the payment events",
                                          lambda: self._client.raw_request("get", "/v1/events", **params).data)
        return page

    def _all_events(self) -> list[dict[str, Any]]:
        # No cursor yet: walk back to the oldest event Stripe keeps (30 days), once, so nothing before is missed.
        events: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": _PAGE}
        while True:
            page = self._list_events(params)
            events.extend(page["data"])
            if not page["has_more"] or not page["data"]:
                return events
            params = {"limit": _PAGE, "starting_after": page["data"][-1]["id"]}

    def _event(self, raw: dict[str, Any]) -> ProviderEvent | None:
        kind = _KINDS.get(raw["type"])
        if kind is None:
            return None
        obj: dict[str, Any] = raw["data"]["object"]
        metadata = obj.get("metadata") or {}
        if kind == "payment.succeeded":
            payment_id, amount = obj["id"], obj.get("amount_received") or obj["amount"]
        elif kind == "payment.refunded":
            payment_id, amount = obj.get("payment_intent") or obj.get("charge") or "", obj["amount"]
        else:
            payment_id, amount = obj["id"], obj["amount"]
        return ProviderEvent(
            provider=self.name, event_id=raw["id"], kind=kind, payment_id=str(payment_id), amount=from_minor(amount),
            currency=str(obj["currency"]).upper(), occurred_at=_time(raw["created"]) or datetime.now(UTC),
            reference=metadata.get("invoice_uuid"), invoice_number=metadata.get("invoice_number"),
            refund_id=obj["id"] if kind == "payment.refunded" else None, raw_status=str(obj.get("status") or ""))

    # -- errors -------------------------------------------------------------------------------------------------

    def _call(self, what: str, fn: Callable[[], _T], *, hide: tuple[str | None, ...] = ()) -> _T:
        """Runs one SDK call; Stripe's errors become the port's. Stripe's own words are kept as the reason, with the
        key and `hide` (what the request carried of a person, e.g. the e-mail Stripe echoes) taken out."""
        try:
            return fn()
        except self._sdk.StripeError as exc:
            raise self._mapped(what, exc, hide) from None  # no chained SDK error: its text is not scrubbed

    def _mapped(self, what: str, exc: stripe_sdk.StripeError, hide: tuple[str | None, ...]) -> PaymentRefused | (
            PaymentUnavailable):
        sdk, status = self._sdk, exc.http_status
        if isinstance(exc, sdk.APIConnectionError):
            return PaymentUnavailable(f"Stripe could not be reached to {what} ({_cause(exc)}).",
                                      fix="Check the connection; Qayd tries again later.")
        if isinstance(exc, sdk.RateLimitError) or status is None or status >= 500:
            said = "asked Qayd to slow down while trying" if status == 429 else "failed"
            return PaymentUnavailable(self._say(f"Stripe {said} to {what} ({status or 'no answer'}).", exc, hide),
                                      fix="Qayd tries again later.", retry_after=_retry_after(exc))
        if isinstance(exc, sdk.IdempotencyError):
            return PaymentRefused(self._say(f"Stripe refused to {what}: the idempotency key was used before with "
                                            "other parameters.", exc, hide),
                                  fix="The request changed since it was first sent (amount or invoice); make a new "
                                      "request instead of retrying the old one.")
        if isinstance(exc, sdk.AuthenticationError):
            return PaymentRefused(self._say(f"Stripe refused the API key while trying to {what} (401).", exc, hide),
                                  fix=_KEY_FIX)
        param = getattr(exc, "param", None)
        details = ", ".join(str(x) for x in (status, exc.code, f"field {param}" if param else None) if x)
        return PaymentRefused(self._say(f"Stripe refused to {what} ({details}).", exc, hide),
                              fix="Correct the request (see Stripe's reason above); retrying it as it is will not "
                                  "help.")

    def _say(self, text: str, exc: stripe_sdk.StripeError, hide: tuple[str | None, ...]) -> str:
        reason = (exc.user_message or "").strip()
        said = f"{text} Stripe said: {reason}" if reason else text
        for word in hide:
            if word:
                said = said.replace(word, "[withheld]")
        # Our key, and any key-like word Stripe echoes (it masks keys as sk_test_****1234: even that stays out).
        return _KEYISH.sub("[the API key]", said.replace(self._key, "[the API key]"))


def _httpx_client(sdk: Any, timeout: float) -> Any:
    """The SDK's httpx client, sync, sending the form body as `content=`.

    stripe.HTTPXClient passes the encoded body as `data=<str>`, which httpx deprecates (a DeprecationWarning on each
    POST, an error wherever warnings are errors, as in Qayd's tests); `content=` sends the very same bytes."""

    class FormHTTPXClient(sdk.HTTPXClient):  # type: ignore[misc]
        def _get_request_args_kwargs(self, method: str, url: str, headers: Any, post_data: Any) -> Any:
            args, kwargs = super()._get_request_args_kwargs(method, url, headers, post_data)
            if isinstance(kwargs.get("data"), str | bytes):
                kwargs["content"] = kwargs.pop("data")
            elif not kwargs.get("data"):
                kwargs.pop("data", None)
            return args, kwargs

    return FormHTTPXClient(timeout=timeout, allow_sync_methods=True)


def to_minor(amount: Decimal, field: str) -> int:
    """SAR 12.50 → 1250 halalas; more than two decimals, or not above zero, is refused, never rounded."""
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise PaymentRefused(f"The {field} {amount} cannot be sent to Stripe: it must be above zero with at most two "
                             "decimals.", fix=f"Give the {field} in riyals and halalas, e.g. 12.50.")
    return int(amount * 100)


def from_minor(value: Any) -> Decimal:
    """1250 halalas → Decimal("12.50"), exact, always with its two decimals."""
    return Decimal(int(value)).scaleb(-2)


def _currency(code: str) -> str:
    if len(code) != 3 or not code.isalpha() or code.upper() in _NOT_TWO_DECIMALS:
        raise PaymentRefused(f"The currency {code!r} cannot be used with Stripe here: Qayd sends two-decimal "
                             "currencies only.", fix="Use an ISO 4217 code with two decimals, such as SAR.")
    return code.lower()


def _time(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if value is not None else None


def _retry_after(exc: stripe_sdk.StripeError) -> float | None:
    """Retry-After in seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    return retry_after_seconds(next((v for k, v in (exc.headers or {}).items() if k.lower() == "retry-after"), None))


def _cause(exc: BaseException) -> str:
    # The SDK's text says only "A ConnectError was raised"; the cause's class is what a person can act on.
    cause = exc.__cause__
    return type(cause).__name__ if cause is not None else "no connection"
