"""The Fatoora portal client: onboarding (CSIDs), compliance checks, reporting and clearance (ALGORITHM.md §6)."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from types import TracebackType
from typing import Any

import httpx

from core.clock import retry_after_seconds
from core.zatca.errors import ZatcaAuthError, ZatcaError, ZatcaRefused, ZatcaUnavailable

log = logging.getLogger(__name__)

_GATEWAY = "https://gw-fatoora.zatca.gov.sa/e-invoicing"
BASE_URLS = {
    "sandbox": f"{_GATEWAY}/developer-portal",
    "simulation": f"{_GATEWAY}/simulation",
    "production": f"{_GATEWAY}/core",
}
MAX_BACKOFF = 30.0  # seconds; caps one exponential wait
MAX_RETRY_AFTER = 120.0  # a longer Retry-After is left to the queue instead of blocking the caller


@dataclass(frozen=True)
class Credentials:
    """A CSID: the certificate token and its secret, used as HTTP Basic user and password."""

    binary_security_token: str
    secret: str
    request_id: str = ""

    @property
    def certificate_b64(self) -> str:
        """The base64 DER certificate text, as it goes into ds:X509Certificate."""
        return base64.b64decode(self.binary_security_token).decode("ascii")

    def __repr__(self) -> str:
        return f"Credentials(binary_security_token={self.binary_security_token[:12]}…, secret=***, " \
               f"request_id={self.request_id!r})"


class Outcome(StrEnum):
    CLEARED = "cleared"
    REPORTED = "reported"
    ACCEPTED = "accepted"  # a compliance check passed
    REJECTED = "rejected"
    ALREADY_SUBMITTED = "already_submitted"  # 208/409: ZATCA has this hash already; do not send again
    CLEARANCE_OFF = "clearance_off"  # 303: clearance is switched off; report the invoice instead


@dataclass(frozen=True)
class Message:
    """One validation message from ZATCA, e.g. code BR-KSA-37, category KSA."""

    type: str
    code: str
    category: str
    message: str
    status: str


@dataclass(frozen=True)
class SubmissionResult:
    outcome: Outcome
    status_code: int
    warnings: tuple[Message, ...]
    errors: tuple[Message, ...]
    cleared_xml: bytes | None
    raw: dict[str, Any]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _messages(items: Any) -> tuple[Message, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(
        Message(_text(i.get("type")), _text(i.get("code")), _text(i.get("category")), _text(i.get("message")),
                _text(i.get("status")))
        for i in items if isinstance(i, dict)
    )


def _first(body: Mapping[str, Any], *names: str) -> Any:
    # The Swagger schemas misspell fields ("erroMessages", "erros") while the examples spell them right.
    return next((body[n] for n in names if body.get(n) is not None), None)


def _findings(body: dict[str, Any]) -> tuple[tuple[Message, ...], tuple[Message, ...]]:
    results = body.get("validationResults")
    scope: dict[str, Any] = results if isinstance(results, dict) else body
    warnings = _messages(_first(scope, "warningMessages", "warnings"))
    errors = _messages(_first(scope, "errorMessages", "erroMessages", "errors", "erros"))
    if not errors and scope is not body:
        errors = _messages(_first(body, "errors", "erros"))
    return warnings, errors


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class FatooraClient:
    """Talks to one Fatoora environment; retries transient failures and maps every status to a result or error."""

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        max_attempts: int = 5,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        language: str = "en",
    ) -> None:
        if language not in ("en", "ar"):
            raise ValueError("language must be 'en' or 'ar'")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._http = httpx.Client(base_url=base_url.rstrip("/"), transport=transport, timeout=timeout)
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._language = language

    # -- onboarding -------------------------------------------------------------------------------------------

    def compliance_csid(self, csr_pem: bytes, otp: str) -> Credentials:
        """POST /compliance: the compliance CSID (CCSID) for a CSR, authorised by the portal's one-time password."""
        response = self._send("POST", "/compliance", {"csr": _b64(csr_pem)}, otp=otp)
        return self._credentials(response, "issue a compliance certificate")

    def production_csid(self, creds: Credentials, compliance_request_id: str) -> Credentials:
        """POST /production/csids with the CCSID, once the compliance checks passed."""
        body = {"compliance_request_id": compliance_request_id}
        response = self._send("POST", "/production/csids", body, creds=creds)
        return self._credentials(response, "issue a production certificate")

    def renew_production_csid(self, creds: Credentials, csr_pem: bytes, otp: str) -> Credentials:
        """PATCH /production/csids with the current PCSID and a new CSR."""
        response = self._send("PATCH", "/production/csids", {"csr": _b64(csr_pem)}, creds=creds, otp=otp)
        return self._credentials(response, "renew the production certificate")

    # -- documents --------------------------------------------------------------------------------------------

    def check_compliance(self, creds: Credentials, *, invoice_hash: str, uuid: str,
                         signed_xml: bytes) -> SubmissionResult:
        """POST /compliance/invoices: one sample document checked with the CCSID."""
        return self._submit("/compliance/invoices", Outcome.ACCEPTED, creds, invoice_hash, uuid, signed_xml, "1")

    def report(self, creds: Credentials, *, invoice_hash: str, uuid: str, signed_xml: bytes,
               clearance_status: str = "1") -> SubmissionResult:
        """POST /invoices/reporting/single: a simplified document, within 24 hours of issue."""
        return self._submit("/invoices/reporting/single", Outcome.REPORTED, creds, invoice_hash, uuid, signed_xml,
                            clearance_status)

    def clear(self, creds: Credentials, *, invoice_hash: str, uuid: str, signed_xml: bytes) -> SubmissionResult:
        """POST /invoices/clearance/single: a standard document, before it is given to the buyer."""
        return self._submit("/invoices/clearance/single", Outcome.CLEARED, creds, invoice_hash, uuid, signed_xml, "1")

    def server_time(self, *, timeout: float = 3.0) -> datetime:
        """The portal's clock, from the HTTP Date header of one plain GET of its base address (no retries, any
        status): `qayd doctor` compares it with this machine's, since signing and QR times depend on it."""
        response = self._http.get("/", timeout=timeout)
        value = response.headers.get("date")
        parsed = parsedate_to_datetime(value) if value else None
        if parsed is None or parsed.tzinfo is None:
            raise ZatcaError("The portal's answer carries no usable Date header.")
        return parsed

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> FatooraClient:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- internals --------------------------------------------------------------------------------------------

    def _submit(self, path: str, success: Outcome, creds: Credentials, invoice_hash: str, uuid: str,
                signed_xml: bytes, clearance_status: str) -> SubmissionResult:
        payload = {"invoiceHash": invoice_hash, "uuid": uuid, "invoice": _b64(signed_xml)}
        response = self._send("POST", path, payload, creds=creds, clearance_status=clearance_status)
        status = response.status_code
        body = _json(response)
        warnings, errors = _findings(body)
        if status in (200, 202):
            results = body.get("validationResults")
            failed = bool(errors) or (isinstance(results, dict) and results.get("status") == "ERROR")
            outcome = Outcome.REJECTED if failed else success
        elif status in (208, 409):
            # Not a failure: the 409 body's "already reported" error is kept, but as a warning.
            outcome, warnings, errors = Outcome.ALREADY_SUBMITTED, warnings + errors, ()
        elif status == 303:
            outcome = Outcome.CLEARANCE_OFF
        elif status == 400:
            outcome = Outcome.REJECTED
            errors = errors or (Message("ERROR", "HTTP-400", "", "The document was refused without details.",
                                        "ERROR"),)
        else:
            raise self._error(response, "submit the document")
        return SubmissionResult(outcome, status, warnings, errors, _cleared(body), body)

    def _credentials(self, response: httpx.Response, action: str) -> Credentials:
        body = _json(response)
        token, secret = body.get("binarySecurityToken"), body.get("secret")
        if response.status_code == 200 and isinstance(token, str) and isinstance(secret, str) and token and secret:
            return Credentials(token, secret, _text(body.get("requestID")))
        if response.status_code in (200, 400, 428):
            _, errors = _findings(body)
            codes = [e.code or e.category or "UNKNOWN" for e in errors] or [
                _text(body.get("dispositionMessage")) or f"HTTP-{response.status_code}"]
            details = [e.message for e in errors] or [""]
            raise ZatcaRefused(action, codes, details, status_code=response.status_code)
        raise self._error(response, action)

    def _error(self, response: httpx.Response, action: str) -> ZatcaError:
        status = response.status_code
        if status in (401, 403):
            return ZatcaAuthError()
        if status == 406:
            return ZatcaError("The ZATCA portal does not support the API version Qayd uses (V2).",
                              fix="Update Qayd.", status_code=406)
        if status == 413:
            return ZatcaError("The document is too large for the ZATCA portal.",
                              fix="Split it into smaller documents or remove large attachments.", status_code=413)
        return ZatcaError(f"The ZATCA portal could not {action} (HTTP {status}).",
                          fix="Try again later; contact support if it keeps happening.", status_code=status)

    def _headers(self, creds: Credentials | None, otp: str | None, clearance_status: str | None) -> dict[str, str]:
        headers = {"Accept-Version": "V2", "Accept-Language": self._language, "Content-Type": "application/json",
                   "Accept": "application/json"}
        if creds is not None:
            pair = f"{creds.binary_security_token}:{creds.secret}".encode()
            headers["Authorization"] = f"Basic {_b64(pair)}"
        if otp is not None:
            headers["OTP"] = otp
        if clearance_status is not None:
            headers["Clearance-Status"] = clearance_status
        return headers

    def _send(self, method: str, path: str, payload: dict[str, str], *, creds: Credentials | None = None,
              otp: str | None = None, clearance_status: str | None = None) -> httpx.Response:
        """One logical call: retries 429, 5xx, timeouts and dropped connections; returns any other response."""
        headers = self._headers(creds, otp, clearance_status)
        content = json.dumps(payload).encode()
        attempt = 1
        while True:
            response, reason, wait = self._attempt(method, path, content, headers)
            if response is not None:
                return response
            log.warning("zatca %s %s failed (%s), attempt %d of %d", method, path, reason, attempt, self._max_attempts)
            # A Retry-After beyond MAX_RETRY_AFTER is the queue's business: blocking the caller that long helps nobody.
            if attempt >= self._max_attempts or (wait is not None and wait > MAX_RETRY_AFTER):
                raise ZatcaUnavailable(reason, attempts=attempt, retry_after=wait)
            self._sleep(wait if wait is not None else self._jitter(attempt))
            attempt += 1

    def _attempt(self, method: str, path: str, content: bytes,
                 headers: dict[str, str]) -> tuple[httpx.Response | None, str, float | None]:
        """One HTTP exchange: (the response if it is final, why it is not, how long the server asked us to wait)."""
        try:
            response = self._http.request(method, path, content=content, headers=headers)
        except httpx.TimeoutException:
            return None, "timed out", None
        except httpx.TransportError as exc:
            return None, f"connection failed: {type(exc).__name__}", None
        log.info("zatca %s %s -> %s", method, path, response.status_code)
        if response.status_code != 429 and response.status_code < 500:
            return response, "", None
        # 429 carries Retry-After; a 503 may as well.
        return None, f"HTTP {response.status_code}", retry_after_seconds(response.headers.get("Retry-After"))

    def _jitter(self, attempt: int) -> float:
        # Full jitter: a uniform wait up to the exponential ceiling spreads retries from many clients apart.
        return self._rng.uniform(0.0, min(MAX_BACKOFF, self._backoff * 2 ** (attempt - 1)))


def _cleared(body: dict[str, Any]) -> bytes | None:
    value = body.get("clearedInvoice")
    if not isinstance(value, str) or not value:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
