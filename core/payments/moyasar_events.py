"""Moyasar payments to Qayd's events (each state a payment reached is one event with a fixed id); the cursor."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from core.payments.errors import PaymentRefused
from core.payments.port import EventKind, ProviderEvent

PROVIDER = "moyasar"
_EXPONENTS = {"KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3, "TND": 3, "JPY": 0, "KRW": 0}
Reference = Callable[[Mapping[str, Any]], tuple[str | None, str | None]]


def exponent(currency: str) -> int:
    """Decimals of the currency's smallest unit (halalas: 2); ISO 4217's for the few that differ from 2."""
    return _EXPONENTS.get(currency.upper(), 2)


def money(minor: Any, currency: str) -> Decimal:
    """Halalas (an integer from Moyasar) to an exact Decimal in major units."""
    if isinstance(minor, bool) or not isinstance(minor, int | str):
        raise ValueError(f"Moyasar sent an amount that is not an integer: {minor!r}")
    return Decimal(int(minor)).scaleb(-exponent(currency))


def parse_time(text: str) -> datetime:
    """Moyasar's ISO 8601 times ("2023-04-16T18:27:04.730Z"), always aware (UTC when no offset is given)."""
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def as_int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def captured(payment: Mapping[str, Any]) -> int:
    """What the payment took: `captured` once a manual payment is captured, else `amount`."""
    taken = as_int(payment.get("captured"), 0)
    return taken if taken > 0 else as_int(payment.get("amount"), 0)


def derive_events(payments: Iterable[Mapping[str, Any]], refunded: dict[str, int],
                  reference: Reference) -> list[ProviderEvent]:
    """The events of each payment's present state, oldest payment first. `refunded` (payment id -> halalas already
    refunded, for partly refunded payments) is read for each refund's own amount and updated in place."""
    events: list[ProviderEvent] = []
    for payment in payments:
        status = str(payment.get("status", ""))
        if status in ("paid", "captured", "refunded", "voided"):
            events.append(_event(payment, "payment.succeeded", "paid", captured(payment), "created_at", reference))
            events += _reversal(payment, status, refunded, reference)
        elif status == "failed":
            events.append(_event(payment, "payment.failed", "failed", as_int(payment.get("amount"), 0),
                                 "updated_at", reference))
    return events


def _reversal(payment: Mapping[str, Any], status: str, refunded: dict[str, int],
              reference: Reference) -> list[ProviderEvent]:
    """A refund (the rise of the refunded total since the last state seen) or a void (what was left)."""
    pid = str(payment.get("id"))
    before = refunded.get(pid, 0)
    total = captured(payment) if status == "voided" else as_int(payment.get("refunded"), 0)
    if total <= before:
        return []
    if 0 < total < captured(payment):
        refunded[pid] = total  # more refunds may follow: the next one's amount is counted from here
    else:
        refunded.pop(pid, None)
    if status == "voided":
        return [_event(payment, "payment.refunded", "voided", total - before, "voided_at", reference,
                       refund_id=f"{pid}:voided")]
    return [_event(payment, "payment.refunded", f"refunded:{total}", total - before, "refunded_at", reference,
                   refund_id=f"{pid}:{total}")]


def _event(payment: Mapping[str, Any], kind: EventKind, state: str, minor: int, time_field: str,
           reference: Reference, refund_id: str | None = None) -> ProviderEvent:
    currency = str(payment.get("currency", ""))
    pid = str(payment.get("id"))
    when = payment.get(time_field) or payment.get("updated_at") or payment.get("created_at")
    uuid, number = reference(payment)
    fee = payment.get("fee")
    return ProviderEvent(
        PROVIDER, f"{PROVIDER}:{pid}:{state}", kind, pid, money(minor, currency), currency, parse_time(str(when)),
        link_id=str(payment["invoice_id"]) if payment.get("invoice_id") else None, reference=uuid,
        invoice_number=number, fee=money(fee, currency) if kind == "payment.succeeded" and fee is not None else None,
        refund_id=refund_id, raw_status=str(payment.get("status", "")))


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def write_cursor(mark: tuple[datetime, str], refunded: dict[str, int]) -> str:
    data = {"t": iso(mark[0]), "id": mark[1], "r": refunded}
    return "m1." + base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode("ascii")


def read_cursor(cursor: str | None) -> tuple[tuple[datetime, str] | None, dict[str, int]]:
    if not cursor:
        return None, {}
    try:
        if not cursor.startswith("m1."):
            raise ValueError("not a Moyasar cursor")
        data = json.loads(base64.urlsafe_b64decode(cursor[3:].encode("ascii")))
        refunded = {str(k): int(v) for k, v in dict(data.get("r") or {}).items()}
        return (parse_time(str(data["t"])), str(data["id"])), refunded
    except (ValueError, KeyError, TypeError) as exc:
        raise PaymentRefused("The stored Moyasar cursor is not one this adapter wrote.",
                             fix="Reset the payments cursor; events are stored once, so reading again is safe.") \
            from exc
