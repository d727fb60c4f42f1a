"""The Moyasar adapter: hosted invoices as payment links, events derived from the payment listing, refunds.

Written against Moyasar's documented REST API (https://docs.moyasar.com, base https://api.moyasar.com/v1): HTTP Basic
with the secret key as user name and an empty password; amounts in the smallest unit (halalas) as integers;
`POST /invoices` (amount ≥ 100, currency, description, success_url, callback_url, metadata) answers the invoice with
its hosted page `url`; `GET /payments` lists payments newest first, a page at a time (`page`; `meta.next_page`,
`total_pages`), filtered by `created[gt|lt]`, `updated[gt|lt]`, `status`, `metadata[key]`; `GET /payments/{id}`;
`PUT /payments/{id}` changes only description and metadata; `POST /payments/{id}/refund` with `amount` refunds part
or all of a paid payment and answers the payment, its `refunded` total raised. Errors are JSON `{type, message,
errors}`; 429 and 5xx are transient.

**No event feed.** Moyasar has webhooks but no event list, and Qayd runs no public web server, so events are derived
from the payments that changed: the cursor is a high-water mark over (updated_at, id). One poll
1. asks `updated[gt]=mark` without an upper bound, page 1: nothing there means nothing new (one request), and the
   answer's `Date` header gives Moyasar's clock;
2. fixes the window (mark, Date − settle) and reads it from the last page to the first. The upper bound keeps new
   changes out of the window while it is read (a change stamps `updated_at` with Moyasar's present), so rows can only
   *leave* it (changed again: seen next poll in the new state), and a row leaving moves the newer-created rows towards
   page 1, which is read later: a row may be read twice, never skipped. Reading pages 1..n instead could skip one.
3. sorts the changed payments by (updated_at, id), oldest first, and derives each one's events from its state now.
A backlog (more changes than a call may return) first gets a nearer end, found by counting (`_narrow`).

Event ids are deterministic per state reached, so replays (the same cursor again, an overlap, a crash before the
cursor was stored) repeat ids the store already holds: `moyasar:{id}:paid`, `moyasar:{id}:failed`,
`moyasar:{id}:refunded:{total refunded in halalas}`, `moyasar:{id}:voided`. A payment seen first when already refunded
gives its paid event and then its refund event, so a state skipped between two polls loses nothing. Moyasar keeps
only a refunded total per payment (no refund objects), so a refund event's amount is the rise of that total since the
previous state; the cursor carries the totals of partly refunded payments for that, and nothing else. A refund's id
is `{payment id}:{total refunded}`, the same whether Qayd or the dashboard made it, so the two are matched.

**Idempotency.** Moyasar's idempotency (`given_id`) covers creating payments only. A link is made safe against a
retry by searching for an invoice carrying the same `qayd_idempotency_key` in its metadata before creating one; a
match with another amount or currency is refused like a key reused with other parameters. A refund is guarded by a
marker written into the payment's metadata before the refund is asked (`qayd_refund_<hash of key>` = the total
refunded before it and the amount): a retry whose refund already went through is answered from the payment, not
sent twice. The key is never logged nor put into an error; no request body is logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from core.clock import retry_after_seconds
from core.payments.errors import PaymentError, PaymentRefused, PaymentUnavailable
from core.payments.moyasar_events import as_int as _int
from core.payments.moyasar_events import captured as _captured
from core.payments.moyasar_events import derive_events, exponent, iso, money, parse_time, read_cursor, write_cursor
from core.payments.port import EventPage, LinkRequest, PaymentLink, PaymentState, Refund

log = logging.getLogger(__name__)

BASE_URL = "https://api.moyasar.com/v1"
SETTLE_SECONDS = 5.0  # a change younger than this (by Moyasar's clock) waits for the next poll
NARROW_PAGES = 4  # a window of more pages than this, with more changes than asked for, is narrowed first
EPOCH = datetime(2015, 1, 1, tzinfo=UTC)  # before Moyasar's first payment: the low end of a first poll's window
OVERLAP = timedelta(seconds=1)  # asked again below the mark; the exact (updated_at, id) filter drops what was seen
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_KEY_FIX = ("Store the secret key from Moyasar's dashboard (Settings → API keys, sk_live_… or sk_test_…) with "
            "`qayd secrets set payments.api_key`.")


def to_minor(amount: Decimal, currency: str) -> int:
    """Major units to halalas (or the currency's smallest unit); refuses more decimals than the currency has."""
    places = exponent(currency)
    try:
        minor = amount.scaleb(places)
    except (InvalidOperation, AttributeError) as exc:
        raise PaymentRefused(f"The amount {amount!s} is not a number.", fix="Give the amount as 12.50.") from exc
    if not amount.is_finite() or minor != minor.to_integral_value() or minor <= 0:
        raise PaymentRefused(f"The amount {amount} {currency} is not a positive amount with at most {places} "
                             "decimals.", fix=f"Round the amount to {places} decimals.")
    return int(minor)



class MoyasarProvider:
    """The `PaymentProvider` port on Moyasar's REST API (see the module docstring)."""

    name = "moyasar"

    def __init__(self, api_key: str, base_url: str | None = None, *, http: httpx.Client | None = None,
                 timeout: float = 30.0, settle_seconds: float = SETTLE_SECONDS) -> None:
        if not api_key:
            raise PaymentRefused("No Moyasar API key is set.", fix=_KEY_FIX)
        self._auth = httpx.BasicAuth(api_key, "")
        self._base = (base_url or BASE_URL).rstrip("/")
        self._http = http or httpx.Client(timeout=timeout)
        self._own_http = http is None
        self._settle = timedelta(seconds=settle_seconds)
        self._invoices: dict[str, dict[str, Any]] = {}  # invoice id -> invoice, for the reference of its payments

    def __repr__(self) -> str:
        return f"MoyasarProvider(base_url={self._base!r})"  # never the key

    def close(self) -> None:
        if self._own_http:
            self._http.close()

    # -- links ------------------------------------------------------------------------------------------------

    def create_link(self, request: LinkRequest) -> PaymentLink:
        amount = to_minor(request.amount, request.currency)
        found = self._invoice_by_key(request.idempotency_key)
        if found is not None:
            return self._reuse(found, request, amount)
        body: dict[str, Any] = {
            "amount": amount, "currency": request.currency, "description": request.description,
            "metadata": {"qayd_invoice_uuid": request.invoice_uuid, "qayd_invoice_number": request.invoice_number,
                         "qayd_idempotency_key": request.idempotency_key},
        }
        if request.success_url:
            body["success_url"] = request.success_url
        # customer_email is not sent: Moyasar's invoice has no field for it, and metadata is no place for it.
        return self._link(self._call("POST", "/invoices", "create the payment link", json_body=body))

    def _invoice_by_key(self, key: str) -> dict[str, Any] | None:
        body = self._call("GET", "/invoices", "look for an earlier payment link",
                          params={"metadata[qayd_idempotency_key]": key})
        invoices = body.get("invoices")
        return invoices[0] if isinstance(invoices, list) and invoices and isinstance(invoices[0], dict) else None

    def _reuse(self, invoice: dict[str, Any], request: LinkRequest, amount: int) -> PaymentLink:
        if invoice.get("amount") != amount or str(invoice.get("currency", "")).upper() != request.currency.upper():
            raise PaymentRefused(
                "A Moyasar payment link already exists for this idempotency key with another amount or currency.",
                fix="Make the link again from Qayd: the key follows the invoice's outstanding amount.")
        if invoice.get("status") in ("canceled", "expired"):
            raise PaymentRefused(f"The Moyasar payment link for invoice {request.invoice_number} is "
                                 f"{invoice.get('status')}.", fix="Cancel the link in Qayd and make a new one.")
        return self._link(invoice)

    def _link(self, invoice: dict[str, Any]) -> PaymentLink:
        currency = str(invoice.get("currency", ""))
        expires = invoice.get("expired_at")
        return PaymentLink(self.name, _text(invoice.get("id")), _text(invoice.get("url")),
                           money(invoice.get("amount"), currency), currency,
                           parse_time(expires) if isinstance(expires, str) else None)

    # -- events -----------------------------------------------------------------------------------------------

    def events_since(self, cursor: str | None, *, limit: int = 100) -> EventPage:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        mark, refunded = read_cursor(cursor)
        since = {} if mark is None else {"updated[gt]": iso(mark[0] - OVERLAP)}
        probe = self._call("GET", "/payments", "list payments", params={**since, "page": 1}, with_date=True)
        if not probe.get("payments"):
            return EventPage((), None)
        until, meta = probe["_date"] - self._settle, probe.get("meta") or {}
        pages = _int(meta.get("total_pages"), 1)
        backlog = _int(meta.get("total_count"), 0) > limit and pages > NARROW_PAGES
        if backlog:  # the window ends before `until` now: what follows it is read by the next call
            start = self._oldest(since, pages, EPOCH if mark is None else mark[0])
            until, pages = self._narrow(since, start, until, limit, pages,
                                        _int(meta.get("total_count"), 0))
        changed = self._window(since, until, pages)
        rows = sorted((p for p in changed.values() if mark is None or _key(p) > mark), key=_key)
        more = len(rows) > limit
        rows = rows[:limit]
        if not rows and (mark is None or until <= mark[0]):
            return EventPage((), None)
        events = derive_events(rows, refunded, self._reference)
        new_mark = _key(rows[-1]) if more else (until, "")
        return EventPage(tuple(events), write_cursor(new_mark, refunded), has_more=more or backlog)

    def _oldest(self, since: dict[str, str], pages: int, mark: datetime) -> datetime:
        """Just before the oldest change to look at: the last page holds the oldest-created rows, and no row was
        updated before it was created."""
        body = self._call("GET", "/payments", "list payments", params={**since, "page": pages})
        created = [parse_time(str(p["created_at"])) for p in body.get("payments") or ()
                   if isinstance(p, dict) and p.get("created_at")]
        return max([mark, min(created) - timedelta(milliseconds=1)] if created else [mark])

    def _narrow(self, since: dict[str, str], low: datetime, high: datetime, limit: int,
                pages: int, total: int) -> tuple[datetime, int]:
        """A backlog: move the window's end (one count a step, by interpolation on the counts, as changes are
        roughly spread in time) until it holds between half and all of `limit` changes, so a poll reads a few pages
        instead of the whole backlog. The end stays after `low` (the mark), so a poll always moves on; a window that
        cannot be cut below `limit` (one busy instant) is read whole and cut by the mark."""
        best: tuple[datetime, int] | None = None
        below, above, empty = 0, total, 0  # the counts at `low` and at `high`; steps that found nothing
        for _ in range(40):
            span = high - low
            if span <= timedelta(milliseconds=2):
                break
            share = min(0.5, max(0.01, (limit * 0.75 - below) / max(1, above - below)) * 2 ** empty)
            middle = low + span * share
            params = {**since, "updated[lt]": iso(middle), "page": 1}
            meta = self._call("GET", "/payments", "count payments", params=params).get("meta") or {}
            count, size = _int(meta.get("total_count"), 0), _int(meta.get("total_pages"), 1)
            if count > limit:
                high, above, pages = middle, count, size
                continue
            low, below, empty = middle, count, 0 if count else empty + 1
            if count:
                best = (middle, size)
            if count >= limit // 2:
                break
        return best or (high, pages)

    def _window(self, since: dict[str, str], until: datetime, pages: int) -> dict[str, dict[str, Any]]:
        """Every payment changed in (since, until), read from the last page to the first (see the docstring)."""
        params: dict[str, Any] = {**since, "updated[lt]": iso(until)}
        seen: dict[str, dict[str, Any]] = {}
        for page in range(pages, 0, -1):
            body = self._call("GET", "/payments", "list payments", params={**params, "page": page})
            for payment in body.get("payments") or ():
                if isinstance(payment, dict) and payment.get("id"):
                    old = seen.get(payment["id"])
                    if old is None or _key(payment) >= _key(old):
                        seen[payment["id"]] = payment
        return seen

    def _reference(self, payment: Mapping[str, Any]) -> tuple[str | None, str | None]:
        """(invoice UUID, invoice number) from the payment's metadata, else from the invoice it paid."""
        meta = payment.get("metadata") if isinstance(payment.get("metadata"), dict) else {}
        assert isinstance(meta, dict)
        if not meta.get("qayd_invoice_uuid") and payment.get("invoice_id"):
            meta = self._invoice(str(payment["invoice_id"])).get("metadata") or {}
        uuid, number = meta.get("qayd_invoice_uuid"), meta.get("qayd_invoice_number")
        return (str(uuid) if uuid else None, str(number) if number else None)

    def _invoice(self, invoice_id: str) -> dict[str, Any]:
        if invoice_id not in self._invoices:
            self._invoices[invoice_id] = self._call("GET", f"/invoices/{_path(invoice_id)}", "read the payment link")
        return self._invoices[invoice_id]

    # -- payments and refunds ---------------------------------------------------------------------------------

    def fetch_payment(self, payment_id: str) -> PaymentState:
        return self._state(self._payment(payment_id))

    def _payment(self, payment_id: str) -> dict[str, Any]:
        return self._call("GET", f"/payments/{_path(payment_id)}", "read the payment")

    def _state(self, payment: dict[str, Any]) -> PaymentState:
        currency = str(payment.get("currency", ""))
        status = str(payment.get("status", ""))
        uuid, number = self._reference(payment)
        source = payment.get("source") if isinstance(payment.get("source"), dict) else {}
        assert isinstance(source, dict)
        extra = {k: str(source[k]) for k in ("type", "company") if source.get(k)}  # no card holder, no number
        if number:
            extra["invoice_number"] = number
        return PaymentState(self.name, _text(payment.get("id")), status,
                            status in ("paid", "captured", "refunded"), money(_captured(payment), currency),
                            money(payment.get("refunded") or 0, currency), currency, uuid,
                            _text(payment.get("invoice_id")) or None,
                            money(payment["fee"], currency) if payment.get("fee") is not None else None, extra)

    def refund(self, payment_id: str, amount: Decimal, *, idempotency_key: str) -> Refund:
        payment = self._payment(payment_id)
        currency = str(payment.get("currency", ""))
        minor = to_minor(amount, currency)
        marker = "qayd_refund_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:16]
        done = self._earlier_refund(payment, marker, minor)
        if done is not None:
            return done
        refunded, status = _int(payment.get("refunded"), 0), payment.get("status")
        left = _captured(payment) - refunded if status in ("paid", "captured", "refunded") else 0  # not voided
        if minor > left:
            raise PaymentRefused(f"A refund of {amount} {currency} is more than what is left of the payment "
                                 f"({money(left, currency)} {currency}; Moyasar says {status}).",
                                 fix="Refund at most what was paid and not yet refunded.")
        self._call("PUT", f"/payments/{_path(payment_id)}", "mark the refund before asking for it",
                   json_body={"metadata": {**(payment.get("metadata") or {}), marker: f"{refunded}+{minor}"}})
        after = self._call("POST", f"/payments/{_path(payment_id)}/refund", "refund the payment",
                           json_body={"amount": minor})
        return self._refund(after, minor)

    def _earlier_refund(self, payment: dict[str, Any], marker: str, minor: int) -> Refund | None:
        """The refund this key already made (a retry), None if it was never made; refuses what cannot be told."""
        value = (payment.get("metadata") or {}).get(marker)
        if not value:
            return None
        before, _, asked = str(value).partition("+")
        refunded = _int(payment.get("refunded"), 0)
        if _int(asked, -1) != minor:
            raise PaymentRefused("This refund's idempotency key was used before with another amount.",
                                 fix="Use a new key for a different refund.")
        if refunded == _int(before, -1):
            return None  # marked but never made: ask again
        if refunded >= _int(before, 0) + minor:
            return self._refund(payment, minor, total=_int(before, 0) + minor)
        raise PaymentRefused("Moyasar shows another refund total than this refund would give; it was not sent again.",
                             fix="Check the payment in Moyasar's dashboard before refunding again.")

    def _refund(self, payment: dict[str, Any], minor: int, total: int | None = None) -> Refund:
        currency = str(payment.get("currency", ""))
        total = _int(payment.get("refunded"), 0) if total is None else total
        return Refund(self.name, f"{payment.get('id')}:{total}", _text(payment.get("id")), money(minor, currency),
                      currency, "succeeded" if payment.get("status") == "refunded" else str(payment.get("status")))

    # -- HTTP -------------------------------------------------------------------------------------------------

    def _call(self, method: str, path: str, action: str, *, params: Mapping[str, Any] | None = None,
              json_body: Any = None, with_date: bool = False) -> dict[str, Any]:
        try:
            response = self._http.request(method, self._base + path, params=params, json=json_body,
                                          auth=self._auth, headers={"Accept": "application/json",
                                                                    "User-Agent": "Qayd"})
        except httpx.TimeoutException as exc:
            raise PaymentUnavailable(f"Moyasar did not answer in time while trying to {action}.",
                                     fix="Try again later.") from exc
        except httpx.TransportError as exc:
            raise PaymentUnavailable(f"Moyasar could not be reached to {action} ({type(exc).__name__}).",
                                     fix="Check the connection and try again.") from exc
        log.info("moyasar %s %s -> %s", method, path.split("/")[1], response.status_code)
        body = _json(response)
        if response.status_code >= 400:
            raise _error(response, body, action)
        if with_date:
            body["_date"] = _server_time(response)
        return body


def _error(response: httpx.Response, body: dict[str, Any], action: str) -> PaymentError:
    status = response.status_code
    if status == 429 or status >= 500:
        return PaymentUnavailable(f"Moyasar could not {action} now (HTTP {status}).",
                                  fix="Qayd tries again later.", retry_after=_retry_after(response))
    said = _said(body)
    if status == 401 or body.get("type") == "authentication_error":
        return PaymentRefused(f"Moyasar did not accept the API key (HTTP {status}{said}).", fix=_KEY_FIX)
    if status == 404:
        return PaymentRefused(f"Moyasar does not know this payment or link (HTTP 404{said}).",
                              fix="Check that the key belongs to the account (live or test) that made it.")
    return PaymentRefused(f"Moyasar refused to {action} (HTTP {status}{said}).",
                          fix="Correct what Moyasar names and try again; retrying the same request will not help.")


def _said(body: Mapping[str, Any]) -> str:
    """Moyasar's own message and field errors, as a short suffix; `errors` is a map, a string or null."""
    parts = [str(body["message"])] if body.get("message") else []
    errors = body.get("errors")
    if isinstance(errors, dict):
        parts += [f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in errors.items()]
    elif isinstance(errors, str) and errors:
        parts.append(errors)
    return (": " + "; ".join(parts))[:400] if parts else ""


def _retry_after(response: httpx.Response) -> float | None:
    return retry_after_seconds(response.headers.get("Retry-After"))


def _server_time(response: httpx.Response) -> datetime:
    """Moyasar's clock from the Date header (the window's upper bound must be on its clock, not ours)."""
    try:
        when = parsedate_to_datetime(response.headers.get("Date", ""))
    except (TypeError, ValueError):
        when = None
    if when is None:
        return datetime.now(UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def _key(payment: Mapping[str, Any]) -> tuple[datetime, str]:
    return parse_time(str(payment.get("updated_at") or payment.get("created_at"))), str(payment.get("id"))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _path(identifier: str) -> str:
    """An id as one path segment. Moyasar's ids are UUIDs; anything else (a slash, a dot segment, a query) could walk
    to another endpoint, so it is refused before a request is made."""
    if not _ID.fullmatch(identifier):
        raise PaymentRefused(f"{identifier[:40]!r} is not a Moyasar payment or invoice id.",
                             fix="Give the id as Moyasar shows it: a UUID.")
    return identifier
