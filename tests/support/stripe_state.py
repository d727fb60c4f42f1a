"""The fake Stripe's books: sessions, PaymentIntents, charges, refunds, payouts and the events Stripe would emit.

Objects are plain dicts shaped like Stripe's API objects (the fields Qayd reads, and the ones a reader expects next to
them). Every change appends the events Stripe documents for it, in its order, each with an `evt_` id and a `created`
time; the list endpoint reads them newest first. Amounts are integers in the currency's minor unit, as on the wire.
"""

from __future__ import annotations

import copy
import itertools
import re
import secrets
import string
from collections.abc import Callable
from typing import Any

API_VERSION = "2026-10-28.endive"  # what stripe 16.1 sends as Stripe-Version
CHECKOUT_HOST = "https://checkout.stripe.com/c/pay"
# A Checkout Session stays open 24 hours unless told otherwise (Stripe: expires_at, default 24 h).
SESSION_LIFETIME = 24 * 3600
# A deterministic fee so tests can assert it: 2.9 % + 1.00 of the currency (Stripe's own price list differs by country).
FEE_RATE_PER_MILLE = 29
FEE_FIXED = 100
# Stripe's largest amount: eight digits in the smallest unit (999,999.99 SAR).
MAX_AMOUNT = 99_999_999

_ALPHABET = string.ascii_letters + string.digits


class StripeRefusal(Exception):
    """A request Stripe refuses: the HTTP status and Stripe's error object."""

    def __init__(self, status: int, type_: str, message: str, *, code: str | None = None,
                 param: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error: dict[str, Any] = {"type": type_, "message": message}
        if code:
            self.error["code"] = code
        if param:
            self.error["param"] = param


def missing(kind: str, object_id: str, param: str = "id") -> StripeRefusal:
    return StripeRefusal(404, "invalid_request_error", f"No such {kind}: '{object_id}'", code="resource_missing",
                         param=param)


class Books:
    """Everything the fake account holds. Not thread safe: the server calls it under its lock."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._seq = itertools.count(1)
        self.sessions: dict[str, dict[str, Any]] = {}
        self.intents: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}
        self.balance: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.payouts: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []  # oldest first; the API lists them newest first

    def new_id(self, prefix: str) -> str:
        # A counter keeps ids unique; the random tail makes them look (and sort) nothing like their order.
        return f"{prefix}_{next(self._seq):06d}{''.join(secrets.choice(_ALPHABET) for _ in range(14))}"

    def now(self) -> int:
        return int(self._clock())

    def emit(self, type_: str, obj: dict[str, Any], request: dict[str, Any] | None = None) -> dict[str, Any]:
        event = {"id": self.new_id("evt"), "object": "event", "api_version": API_VERSION, "created": self.now(),
                 "data": {"object": copy.deepcopy(obj)}, "livemode": False, "pending_webhooks": 0,
                 "request": request or {"id": None, "idempotency_key": None}, "type": type_}
        self.events.append(event)
        return event

    # -- Checkout ---------------------------------------------------------------------------------------------

    def create_session(self, form: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
        if form.get("mode") != "payment":
            raise StripeRefusal(400, "invalid_request_error", "This integration supports mode=payment only.",
                                param="mode")
        items = form.get("line_items")
        if not isinstance(items, list) or not items:
            raise StripeRefusal(400, "invalid_request_error", "Missing required param: line_items.",
                                code="parameter_missing", param="line_items")
        total, currency = 0, None
        for i, item in enumerate(items):
            amount, cur = _line_amount(item, i)
            if currency not in (None, cur):
                raise StripeRefusal(400, "invalid_request_error", "All line items must share one currency.",
                                    param=f"line_items[{i}][price_data][currency]")
            total, currency = total + amount, cur
        if total > MAX_AMOUNT:
            raise StripeRefusal(400, "invalid_request_error", f"The Checkout Session's total amount due must be no "
                                f"more than {MAX_AMOUNT} in the currency's smallest unit.", code="amount_too_large",
                                param="line_items")
        _check_session_fields(form)
        sid = self.new_id("cs_test")
        now = self.now()
        session = {
            "id": sid, "object": "checkout.session", "amount_subtotal": total, "amount_total": total,
            "currency": currency, "client_reference_id": form.get("client_reference_id"),
            "customer_email": form.get("customer_email"), "created": now, "expires_at": now + SESSION_LIFETIME,
            "livemode": False, "metadata": _metadata(form.get("metadata"), "metadata"), "mode": "payment",
            "payment_intent": None, "payment_status": "unpaid", "status": "open",
            "success_url": form.get("success_url"), "url": f"{CHECKOUT_HOST}/{sid}",
            "_intent_metadata": _metadata((form.get("payment_intent_data") or {}).get("metadata"),
                                          "payment_intent_data[metadata]"),
        }
        self.sessions[sid] = session
        return public(session)

    # -- the customer pays, the provider refunds and pays out ---------------------------------------------------

    def pay(self, session_id: str, amount: int | None, method: str) -> str:
        session = self.sessions.get(session_id)
        if session is None:
            raise missing("checkout.session", session_id)
        if session["status"] == "open" and self.now() >= session["expires_at"]:
            session["status"] = "expired"  # Stripe expires an unpaid session at expires_at and says so
            self.emit("checkout.session.expired", public(session))
        if session["status"] != "open":
            raise StripeRefusal(400, "invalid_request_error", f"This Checkout Session is {session['status']}.")
        paid = session["amount_total"] if amount is None else amount
        now = self.now()
        pi_id, ch_id, txn_id = self.new_id("pi"), self.new_id("ch"), self.new_id("txn")
        fee = (paid * FEE_RATE_PER_MILLE + 500) // 1000 + FEE_FIXED
        self.balance[txn_id] = {"id": txn_id, "object": "balance_transaction", "amount": paid, "fee": fee,
                                "net": paid - fee, "currency": session["currency"], "created": now,
                                "type": "charge", "source": ch_id, "status": "pending"}
        intent = {"id": pi_id, "object": "payment_intent", "amount": paid, "amount_received": 0,
                  "currency": session["currency"], "created": now, "latest_charge": None, "livemode": False,
                  "metadata": dict(session["_intent_metadata"]), "payment_method_types": [method],
                  "status": "requires_payment_method"}
        self.intents[pi_id] = intent
        self.emit("payment_intent.created", intent)
        charge = {"id": ch_id, "object": "charge", "amount": paid, "amount_captured": paid, "amount_refunded": 0,
                  "balance_transaction": txn_id, "currency": session["currency"], "created": now, "paid": True,
                  "payment_intent": pi_id, "payment_method_details": {"type": method}, "refunded": False,
                  "status": "succeeded"}
        self.charges[ch_id] = charge
        self.emit("charge.succeeded", charge)
        intent.update(amount_received=paid, latest_charge=ch_id, status="succeeded")
        self.emit("payment_intent.succeeded", intent)
        session.update(payment_intent=pi_id, payment_status="paid", status="complete")
        self.emit("checkout.session.completed", public(session))
        return pi_id

    def decline(self, session_id: str, code: str) -> str:
        """The customer's card is declined: the session stays open, the PaymentIntent waits for another method."""
        session = self.sessions.get(session_id)
        if session is None:
            raise missing("checkout.session", session_id)
        intent = {"id": self.new_id("pi"), "object": "payment_intent", "amount": session["amount_total"],
                  "amount_received": 0, "currency": session["currency"], "created": self.now(),
                  "last_payment_error": {"code": code, "type": "card_error"}, "latest_charge": None,
                  "livemode": False, "metadata": dict(session["_intent_metadata"]), "payment_method_types": ["card"],
                  "status": "requires_payment_method"}
        self.intents[intent["id"]] = intent
        self.emit("payment_intent.created", intent)
        self.emit("payment_intent.payment_failed", intent)
        return str(intent["id"])

    def refund(self, form: dict[str, Any], request: dict[str, Any] | None = None) -> dict[str, Any]:
        pi_id = form.get("payment_intent")
        if not pi_id:
            raise StripeRefusal(400, "invalid_request_error", "Missing required param: payment_intent.",
                                code="parameter_missing", param="payment_intent")
        intent = self.intents.get(pi_id)
        if intent is None:
            raise missing("payment_intent", pi_id, "payment_intent")
        charge = self.charges.get(intent["latest_charge"] or "")
        if charge is None:
            raise StripeRefusal(400, "invalid_request_error", "This PaymentIntent does not have a successful "
                                "charge to refund.", code="payment_intent_unexpected_state")
        left = charge["amount"] - charge["amount_refunded"]
        amount = left if form.get("amount") is None else _positive_int(form["amount"], "amount")
        if left == 0:
            raise StripeRefusal(400, "invalid_request_error", f"Charge {charge['id']} has already been refunded.",
                                code="charge_already_refunded")
        if amount > left:
            raise StripeRefusal(400, "invalid_request_error", f"Refund amount ({amount}) is greater than unrefunded "
                                f"amount on charge ({left})", code="amount_too_large", param="amount")
        refund = {"id": self.new_id("re"), "object": "refund", "amount": amount, "charge": charge["id"],
                  "created": self.now(), "currency": charge["currency"],
                  "metadata": _metadata(form.get("metadata"), "metadata"), "payment_intent": pi_id,
                  "reason": form.get("reason"), "status": "succeeded"}
        # The refund leaves the balance as Stripe books it: a balance transaction of its own, taken from the next
        # payout (a payout after a refund pays out that much less).
        txn_id = self.new_id("txn")
        self.balance[txn_id] = {"id": txn_id, "object": "balance_transaction", "amount": -amount, "fee": 0,
                                "net": -amount, "currency": charge["currency"], "created": refund["created"],
                                "type": "refund", "source": refund["id"], "status": "pending"}
        refund["balance_transaction"] = txn_id
        self.refunds[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        # Since 2024-10-28.acacia refund.created is sent for every refund, then charge.refunded for its charge.
        self.emit("refund.created", refund, request)
        self.emit("charge.refunded", charge, request)
        return refund

    def payout(self, amount: int | None, currency: str) -> str:
        """Pays out the available balance (or `amount`): payout.created, then payout.paid."""
        if amount is None:
            amount = sum(t["net"] for t in self.balance.values() if t["status"] == "pending")
            for txn in self.balance.values():
                txn["status"] = "available"
        payout = {"id": self.new_id("po"), "object": "payout", "amount": amount, "arrival_date": self.now(),
                  "created": self.now(), "currency": currency, "status": "pending"}
        self.payouts[payout["id"]] = payout
        self.emit("payout.created", payout)
        payout["status"] = "paid"
        self.emit("payout.paid", payout)
        return str(payout["id"])

    # -- reads --------------------------------------------------------------------------------------------------

    def intent(self, pi_id: str, expand: list[str]) -> dict[str, Any]:
        intent = self.intents.get(pi_id)
        if intent is None:
            raise missing("payment_intent", pi_id)
        out = copy.deepcopy(intent)
        for path in expand:
            if path in ("latest_charge", "latest_charge.balance_transaction") and out["latest_charge"]:
                charge = copy.deepcopy(self.charges[out["latest_charge"]])
                if path.endswith("balance_transaction"):
                    charge["balance_transaction"] = copy.deepcopy(self.balance[charge["balance_transaction"]])
                out["latest_charge"] = charge
            elif path not in ("latest_charge", "latest_charge.balance_transaction"):
                raise StripeRefusal(400, "invalid_request_error", f"This property cannot be expanded ({path}).",
                                    param="expand")
        return out

    def session(self, sid: str) -> dict[str, Any]:
        if sid not in self.sessions:
            raise missing("checkout.session", sid)
        return public(self.sessions[sid])


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """The object as the API shows it (the fake's own bookkeeping keys start with `_`)."""
    return {k: copy.deepcopy(v) for k, v in obj.items() if not k.startswith("_")}


def _check_session_fields(form: dict[str, Any]) -> None:
    email = form.get("customer_email")
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", str(email)):
        raise StripeRefusal(400, "invalid_request_error", f"Invalid email address: {email}",
                            code="email_invalid", param="customer_email")
    url = form.get("success_url")
    if url is not None and not re.match(r"https?://[^/\s]+", str(url)):
        raise StripeRefusal(400, "invalid_request_error", "Not a valid URL", code="url_invalid", param="success_url")
    if len(str(form.get("client_reference_id") or "")) > 200:
        raise StripeRefusal(400, "invalid_request_error", "client_reference_id is longer than 200 characters.",
                            param="client_reference_id")


def _line_amount(item: Any, i: int) -> tuple[int, str]:
    where = f"line_items[{i}]"
    price = item.get("price_data") if isinstance(item, dict) else None
    if not isinstance(price, dict):
        raise StripeRefusal(400, "invalid_request_error", f"Missing required param: {where}[price_data].",
                            code="parameter_missing", param=f"{where}[price_data]")
    currency = price.get("currency")
    if not isinstance(currency, str) or len(currency) != 3 or currency != currency.lower():
        raise StripeRefusal(400, "invalid_request_error", f"Invalid currency: {currency}.",
                            param=f"{where}[price_data][currency]")
    if not (price.get("product_data") or {}).get("name"):
        raise StripeRefusal(400, "invalid_request_error", f"Missing required param: {where}[price_data]"
                            "[product_data][name].", code="parameter_missing")
    unit = _positive_int(price.get("unit_amount"), f"{where}[price_data][unit_amount]")
    quantity = _positive_int(item.get("quantity"), f"{where}[quantity]")
    return unit * quantity, currency


def _positive_int(value: Any, param: str) -> int:
    # Stripe takes minor units as integers: "12.5" or "-1" are refused, not rounded.
    if not isinstance(value, str) or not value.isdigit() or int(value) <= 0:
        raise StripeRefusal(400, "invalid_request_error", f"Invalid positive integer: {param}.",
                            code="parameter_invalid_integer", param=param)
    return int(value)


def _metadata(value: Any, param: str) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise StripeRefusal(400, "invalid_request_error", f"Invalid hash: {param}.", param=param)
    # Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500.
    if len(value) > 50 or any(len(k) > 40 or len(v) > 500 for k, v in value.items()):
        raise StripeRefusal(400, "invalid_request_error", f"Metadata is over Stripe's limits: {param}.", param=param)
    return dict(value)
