"""The state behind the fake Moyasar: invoices, payments, refunds, listings, as Moyasar's API documents them.

Rules kept from the documentation (docs.moyasar.com, API reference): amounts are integers in the smallest unit and an
invoice is at least 100; `description` is required; metadata has at most 30 keys, names up to 40 characters and
values up to 500; a payment's update changes only description and metadata; a refund takes at most what was paid and
not yet refunded, and only from a paid, captured or partly refunded payment; lists are newest first, `per_page` a page
(40 at Moyasar), with `meta` {current_page, next_page, prev_page, total_pages, total_count}; list filters
`id`, `status`, `created[gt|lt]`, `updated[gt|lt]`, `metadata[key]`. Where the documents are silent this fake is the
stricter one: a field or filter it does not know is refused (400), so an adapter cannot lean on something unchecked.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
INVOICE_FIELDS = {"amount", "currency", "description", "callback_url", "success_url", "back_url", "expired_at",
                  "metadata"}
FILTERS = {"page", "id", "status", "created[gt]", "created[lt]", "updated[gt]", "updated[lt]"}
SOURCES = {  # what the hosted page records for each method (no real card data)
    "mada": {"type": "creditcard", "company": "mada", "name": "Test Customer", "number": "4201-32XX-XXXX-1111"},
    "creditcard": {"type": "creditcard", "company": "visa", "name": "Test Customer", "number": "4111-11XX-XXXX-1111"},
    "applepay": {"type": "applepay", "company": "visa", "name": None, "number": "XXXX-XXXX-XXXX-1111"},
    "stcpay": {"type": "stcpay", "mobile": "0500000000", "reference_number": "125478454231"},
}
FEES = {"mada": (100, 0), "creditcard": (275, 100), "applepay": (275, 100), "stcpay": (150, 0)}  # bp, fixed halalas


class ApiError(Exception):
    """An answer other than 2xx: status and Moyasar's error body."""

    def __init__(self, status: int, kind: str, message: str, errors: Any = None) -> None:
        super().__init__(message)
        self.status, self.body = status, {"type": kind, "message": message, "errors": errors}


def invalid(errors: dict[str, list[str]]) -> ApiError:
    return ApiError(400, "invalid_request_error", "Validation Failed", errors)


def not_found() -> ApiError:
    return ApiError(404, "api_error", "Object not found")


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str, field: str) -> datetime:
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise invalid({field: ["is not a valid date-time"]}) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@dataclass
class Body:
    """A request's parameters, from JSON or from a form (`metadata[key]=value`), with where they came from."""

    values: dict[str, Any]
    form: bool


class MoyasarState:
    """Invoices and payments of one Moyasar account, with its own clock (one second passes per request)."""

    def __init__(self, *, per_page: int = 40, seed: int = 15) -> None:
        self.per_page = per_page
        self.invoices: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.now = START
        self.held = False  # a held clock stamps many changes with one time, as a busy second at Moyasar would
        self.lock = threading.RLock()
        self._rng = random.Random(seed)

    def tick(self, seconds: float = 1.0) -> datetime:
        with self.lock:
            if not self.held:
                self.now += timedelta(seconds=seconds)
            return self.now

    def new_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    # -- the API ----------------------------------------------------------------------------------------------

    def create_invoice(self, body: Body) -> dict[str, Any]:
        values = body.values
        errors = {k: ["is not a known parameter"] for k in values if k not in INVOICE_FIELDS}
        errors |= _amount_errors(values.get("amount"), body.form, minimum=100)
        if not str(values.get("description") or "").strip():
            errors["description"] = ["can't be blank"]
        currency = str(values.get("currency") or "SAR")
        if len(currency) != 3 or not currency.isalpha():
            errors["currency"] = ["is not a valid ISO 4217 code"]
        for name in ("callback_url", "success_url", "back_url"):
            if name in values and urlsplit(str(values[name])).scheme not in ("http", "https"):
                errors[name] = ["is not a valid URL"]
        errors |= _metadata_errors(values.get("metadata"))
        if errors:
            raise invalid(errors)
        with self.lock:
            invoice_id, now = self.new_id(), iso(self.now)
            invoice = {"id": invoice_id, "status": "initiated", "amount": int(values["amount"]),
                       "currency": currency.upper(), "description": str(values["description"]),
                       "amount_format": "", "url": f"https://checkout.moyasar.com/invoices/{invoice_id}?lang=ar",
                       "callback_url": values.get("callback_url"), "success_url": values.get("success_url"),
                       "back_url": values.get("back_url"), "expired_at": values.get("expired_at"),
                       "created_at": now, "updated_at": now, "metadata": values.get("metadata") or None,
                       "payments": []}
            invoice["amount_format"] = _format(invoice["amount"], invoice["currency"])
            self.invoices[invoice_id] = invoice
            return _copy(invoice)

    def invoice(self, invoice_id: str) -> dict[str, Any]:
        with self.lock:
            if invoice_id not in self.invoices:
                raise not_found()
            invoice = _copy(self.invoices[invoice_id])
            invoice["payments"] = [_copy(self.payments[p]) for p in invoice["payments"]]
            return invoice

    def payment(self, payment_id: str) -> dict[str, Any]:
        with self.lock:
            if payment_id not in self.payments:
                raise not_found()
            return _copy(self.payments[payment_id])

    def update_payment(self, payment_id: str, body: Body) -> dict[str, Any]:
        unknown = {k: ["can't be changed"] for k in body.values if k not in ("description", "metadata")}
        if unknown or (errors := _metadata_errors(body.values.get("metadata"))):
            raise invalid(unknown or errors)
        with self.lock:
            payment = self.payments.get(payment_id)
            if payment is None:
                raise not_found()
            if "metadata" in body.values:
                merged = {**(payment["metadata"] or {}), **(body.values["metadata"] or {})}
                payment["metadata"] = {k: v for k, v in merged.items() if v not in ("", None)} or None
            if "description" in body.values:
                payment["description"] = body.values["description"]
            payment["updated_at"] = iso(self.now)
            return _copy(payment)

    def refund(self, payment_id: str, body: Body) -> dict[str, Any]:
        unknown = {k: ["is not a known parameter"] for k in body.values if k != "amount"}
        if unknown:
            raise invalid(unknown)
        with self.lock:
            payment = self.payments.get(payment_id)
            if payment is None:
                raise not_found()
            left = payment["amount"] - payment["refunded"]
            if "amount" in body.values:
                errors = _amount_errors(body.values["amount"], body.form, minimum=1)
                if errors:
                    raise invalid(errors)
            amount = int(body.values.get("amount", left))
            if payment["status"] not in ("paid", "captured", "refunded") or left <= 0:
                raise ApiError(400, "invalid_request_error", f"Payment can't be refunded in {payment['status']} "
                                                             "status or after a full refund")
            if amount > left:
                raise invalid({"amount": [f"must be less than or equal to the refundable amount {left}"]})
            self._refund(payment, amount)
            return _copy(payment)

    def _refund(self, payment: dict[str, Any], amount: int) -> None:
        payment["refunded"] += amount
        payment["status"] = "refunded"
        payment["refunded_at"] = payment["updated_at"] = iso(self.now)
        payment["refunded_format"] = _format(payment["refunded"], payment["currency"])
        invoice = self.invoices.get(payment.get("invoice_id") or "")
        if invoice is not None and payment["refunded"] >= payment["amount"]:
            invoice["status"], invoice["updated_at"] = "refunded", iso(self.now)

    def listing(self, kind: str, query: Mapping[str, list[str]]) -> dict[str, Any]:
        """`GET /payments` or `GET /invoices`: filtered, newest first, one page, with `meta`."""
        unknown = [k for k in query if k not in FILTERS and not (k.startswith("metadata[") and k.endswith("]"))]
        if unknown:
            raise invalid({k: ["is not a known filter"] for k in unknown})
        if kind == "invoices" and any(k.startswith("updated[") for k in query):
            raise invalid({"updated": ["is not a filter of invoices"]})
        try:
            page = int(query.get("page", ["1"])[0])
        except ValueError:
            raise invalid({"page": ["must be an integer"]}) from None
        if page < 1:
            raise invalid({"page": ["must be greater than 0"]})
        with self.lock:
            rows = [r for r in (self.payments if kind == "payments" else self.invoices).values()
                    if _matches(r, query)]
            rows.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
            pages = max(1, -(-len(rows) // self.per_page))
            chosen = rows[(page - 1) * self.per_page: page * self.per_page]
            items = [_copy(r) if kind == "payments" else self.invoice(r["id"]) for r in chosen]
        meta = {"current_page": page, "next_page": page + 1 if page < pages else None,
                "prev_page": page - 1 if page > 1 else None, "total_pages": pages, "total_count": len(rows)}
        return {kind: items, "meta": meta}

    # -- the customer and the dashboard -----------------------------------------------------------------------

    def pay(self, invoice_id: str, amount: int | None, method: str, fail: bool) -> str:
        with self.lock:
            invoice = self.invoices.get(invoice_id)
            if invoice is None or invoice["status"] != "initiated":
                raise ValueError(f"invoice {invoice_id} cannot be paid (status "
                                 f"{invoice and invoice['status']})")
            now, pid = iso(self.tick()), self.new_id()
            paid = invoice["amount"] if amount is None else amount
            bp, fixed = FEES[method]
            fee = 0 if fail else (paid * bp + 5_000) // 10_000 + fixed
            source = {**SOURCES[method], "message": "DECLINED" if fail else "APPROVED", "gateway_id": self.new_id()}
            self.payments[pid] = {
                "id": pid, "status": "failed" if fail else "paid", "amount": paid, "fee": fee,
                "currency": invoice["currency"], "refunded": 0, "refunded_at": None, "captured": 0,
                "captured_at": None, "voided_at": None, "description": invoice["description"],
                "amount_format": _format(paid, invoice["currency"]), "fee_format": _format(fee, invoice["currency"]),
                "refunded_format": _format(0, invoice["currency"]), "captured_format": _format(0, invoice["currency"]),
                "invoice_id": invoice_id, "ip": "192.0.2.10", "callback_url": invoice["url"], "created_at": now,
                "updated_at": now, "metadata": None, "source": source}
            invoice["payments"].append(pid)
            if not fail:
                invoice["status"], invoice["updated_at"], invoice["paid_at"] = "paid", now, now
            return pid

    def refund_in_dashboard(self, payment_id: str, amount: int) -> str:
        with self.lock:
            self.tick()
            self.refund(payment_id, Body({"amount": amount}, form=False))
            return f"{payment_id}:{self.payments[payment_id]['refunded']}"


    def void_in_dashboard(self, payment_id: str) -> None:
        """A paid payment voided before settlement (Moyasar: `POST /payments/{id}/void`): no money moves."""
        with self.lock:
            payment = self.payments[payment_id]
            if payment["status"] not in ("paid", "authorized", "captured"):
                raise ValueError(f"a {payment['status']} payment cannot be voided")
            payment["status"], payment["voided_at"] = "voided", iso(self.tick())
            payment["updated_at"] = payment["voided_at"]


def _matches(row: Mapping[str, Any], query: Mapping[str, list[str]]) -> bool:
    for name, values in query.items():
        value = values[0]
        if name == "page":
            continue
        if name.startswith("metadata["):
            if str((row.get("metadata") or {}).get(name[9:-1], "\0")) != value:
                return False
        elif name in ("id", "status"):
            if str(row.get(name)) != value:
                return False
        else:
            field, op = name[:-4], name[-3:-1]
            stamp = parse_iso(row[f"{field}_at"], name)
            bound = parse_iso(value, name)
            if (op == "gt" and not stamp > bound) or (op == "lt" and not stamp < bound):
                return False
    return True


def _amount_errors(value: Any, form: bool, *, minimum: int) -> dict[str, list[str]]:
    if value is None:
        return {"amount": ["can't be blank"]}
    if form and isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return {"amount": ["must be an integer"]}
    if value < minimum:
        return {"amount": [f"must be greater than or equal to {minimum}"]}
    return {}


def _metadata_errors(metadata: Any) -> dict[str, list[str]]:
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        return {"metadata": ["must be an object"]}
    if len(metadata) > 30:
        return {"metadata": ["can have at most 30 keys"]}
    for key, value in metadata.items():
        if len(str(key)) > 40 or len(str(value)) > 500:
            return {"metadata": [f"key {str(key)[:40]!r}: names up to 40 characters, values up to 500"]}
    return {}


def _format(minor: int, currency: str) -> str:
    return f"{minor / 100:.2f} {currency}"


def _copy(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v) for k, v in row.items()}
