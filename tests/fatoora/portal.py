"""The fake portal's state and endpoints, independent of HTTP: CSIDs, compliance steps, EGS chains, submissions."""

from __future__ import annotations

import base64
import binascii
import hmac
import itertools
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.fatoora import checks
from tests.fatoora import documents as docs
from tests.fatoora import messages as msg
from tests.fatoora.ca import INVOICE_TYPE, SERIAL, TEMPLATE_OID, TEMPLATES, VAT, FakeCA, new_secret, san_fields
from tests.fatoora.messages import Reply, Request

TOKEN_TYPE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"


@dataclass
class Csid:
    """A certificate the portal issued, with its Basic-auth secret and, for a CCSID, the checks it passed."""

    kind: str  # "compliance" or "production"
    secret: str
    request_id: str
    certificate: x509.Certificate
    csr: x509.CertificateSigningRequest
    passed: set[tuple[bool, str]] = field(default_factory=set)

    @property
    def certificate_b64(self) -> str:
        return base64.b64encode(self.certificate.public_bytes(serialization.Encoding.DER)).decode("ascii")

    @property
    def token(self) -> str:
        return base64.b64encode(self.certificate_b64.encode("ascii")).decode("ascii")

    @property
    def signer(self) -> checks.Signer:
        fields = san_fields(self.certificate)
        return checks.Signer(vat=fields.get(VAT, ""), invoice_types=fields.get(INVOICE_TYPE, "0000"))

    @property
    def egs(self) -> tuple[str, str]:
        fields = san_fields(self.certificate)
        return fields.get(VAT, ""), fields.get(SERIAL, "")


def csr_problems(csr: x509.CertificateSigningRequest) -> list[str]:
    """Why the portal would not issue a certificate for this CSR (ALGORITHM.md §5)."""
    problems = []
    if not csr.is_signature_valid:
        problems.append("the CSR signature does not verify")
    key = csr.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256K1):
        problems.append("the key is not secp256k1")
    try:
        template = csr.extensions.get_extension_for_oid(TEMPLATE_OID).value
        if not isinstance(template, x509.UnrecognizedExtension) or template.value not in TEMPLATES:
            problems.append("the certificate template name is not a ZATCA code-signing template")
    except x509.ExtensionNotFound:
        problems.append("the certificate template extension is missing")
    fields = san_fields(csr)
    if not re.fullmatch(r"1-[^|]+\|2-[^|]+\|3-[^|]+", fields.get(SERIAL, "")):
        problems.append("the SAN serial number is missing or malformed")
    if not re.fullmatch(r"3\d{13}3", fields.get(VAT, "")):
        problems.append("the SAN UID is not a VAT number")
    if not re.fullmatch(r"[01]{4}", fields.get(INVOICE_TYPE, "")):
        problems.append("the SAN title is not an invoice type")
    return problems


class Portal:
    """All state of the fake portal; every call runs under one lock, as the schematron processor is not shared."""

    def __init__(self, clock: Callable[[], datetime], valid_otps: set[str], csid_validity: timedelta) -> None:
        self.clock = clock
        self.valid_otps = valid_otps
        self.csid_validity = csid_validity
        self.clearance_enabled = True
        self.ca = FakeCA(clock())
        self.csids: dict[str, Csid] = {}  # by binarySecurityToken
        self.chains: dict[tuple[str, str], tuple[int, str]] = {}  # (VAT, EGS serial) -> (last ICV, last hash)
        self.accepted: dict[str, bytes | None] = {}  # invoice hash -> cleared XML (None when reported)
        self._ids = itertools.count(1234567890001)
        self._lock = threading.Lock()

    def handle(self, request: Request) -> Reply:
        with self._lock:
            if request.headers.get("accept-version") != "V2":
                return msg.not_acceptable()
            route = _ROUTES.get((request.method, request.path))
            if route is None:
                return Reply(404 if all(p != request.path for _, p in _ROUTES) else 405, {"message": "Not Found"})
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                body = None
            if not isinstance(body, dict):
                return msg.csid_errors(("Invalid-Request", "The request body is not a JSON object"))
            return route(self, request, body)

    # -- credentials -------------------------------------------------------------------------------------------

    def _issue(self, kind: str, csr: x509.CertificateSigningRequest) -> Csid:
        now = self.clock()
        cert = self.ca.issue(csr, now=now, validity=self.csid_validity)
        csid = Csid(kind, new_secret(), str(next(self._ids)), cert, csr)
        self.csids[csid.token] = csid
        return csid

    def _authenticate(self, request: Request, kind: str) -> Csid | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            token, _, secret = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
        except (binascii.Error, ValueError):
            return None
        csid = self.csids.get(token)
        if csid is None or csid.kind != kind or not hmac.compare_digest(csid.secret, secret):
            return None
        return csid if self.clock() <= csid.certificate.not_valid_after_utc else None

    def _otp_error(self, request: Request) -> tuple[str, str] | None:
        otp = request.headers.get("otp")
        if not otp:
            return "Missing-OTP", "OTP is required field"
        return None if otp in self.valid_otps else ("Invalid-OTP", "The provided OTP is invalid")

    def _read_csr(self, body: dict[str, Any]) -> tuple[x509.CertificateSigningRequest | None, tuple[str, str] | None]:
        if not body.get("csr"):
            return None, ("Missing-CSR", "CSR is required field")
        try:
            csr = x509.load_pem_x509_csr(base64.b64decode(str(body["csr"]), validate=True))
        except (binascii.Error, ValueError):
            return None, ("Invalid-CSR", "The provided CSR is invalid")
        problems = csr_problems(csr)
        if problems:
            return None, ("Invalid-CSR", f"The provided CSR is invalid: {'; '.join(problems)}")
        return csr, None

    @staticmethod
    def _issued(csid: Csid, *, production: bool) -> Reply:
        body: dict[str, Any] = {"requestID": int(csid.request_id), "dispositionMessage": "ISSUED",
                                "binarySecurityToken": csid.token, "secret": csid.secret}
        body.update({"tokenType": TOKEN_TYPE} if production else {"errors": None})
        return Reply(200, body)

    def compliance_csid(self, request: Request, body: dict[str, Any]) -> Reply:
        csr, csr_error = self._read_csr(body)
        problems = [p for p in (self._otp_error(request), csr_error) if p is not None]
        if problems or csr is None:
            return msg.csid_errors(*problems)
        return self._issued(self._issue("compliance", csr), production=False)

    def production_csid(self, request: Request, body: dict[str, Any]) -> Reply:
        ccsid = self._authenticate(request, "compliance")
        if ccsid is None:
            return msg.unauthorized()
        request_id = str(body.get("compliance_request_id") or "")
        if not request_id:
            return msg.csid_errors(("Missing-RequestID", "compliance_request_id is required field"))
        if request_id != ccsid.request_id:
            return msg.csid_errors(("Invalid-RequestID", "The provided compliance_request_id is invalid"))
        missing = checks.required_steps(ccsid.signer.invoice_types) - ccsid.passed
        if missing:
            kinds = ", ".join(f"{'simplified' if s else 'standard'} {code}" for s, code in sorted(missing))
            return msg.csid_errors(("Missing-ComplianceSteps", f"Compliance checks not passed yet: {kinds}"))
        return self._issued(self._issue("production", ccsid.csr), production=True)

    def renew(self, request: Request, body: dict[str, Any]) -> Reply:
        current = self._authenticate(request, "production")
        if current is None:
            return msg.unauthorized()
        csr, csr_error = self._read_csr(body)
        if csr is not None and san_fields(csr).get(VAT) != current.signer.vat:
            csr, csr_error = None, ("Invalid-CSR", "The provided CSR is for another taxpayer")
        problems = [p for p in (self._otp_error(request), csr_error) if p is not None]
        if problems or csr is None:
            return msg.csid_errors(*problems)
        return self._issued(self._issue("production", csr), production=True)

    # -- documents ---------------------------------------------------------------------------------------------

    def compliance_check(self, request: Request, body: dict[str, Any]) -> Reply:
        ccsid = self._authenticate(request, "compliance")
        if ccsid is None:
            return msg.unauthorized()
        verdict = checks.read(body)
        if verdict.found is not None:
            checks.check_signature(verdict, self.ca, ccsid.signer, self.clock())
            checks.check_rules(verdict)
        if verdict.found is not None and not verdict.errors:
            ccsid.passed.add((verdict.found.simplified, verdict.found.type_code))
        ok = not verdict.errors
        # An unreadable document is neither kind, so both statuses say "not".
        simplified = verdict.found.simplified if verdict.found else None
        reply: dict[str, Any] = {
            "validationResults": verdict.results(),
            "reportingStatus": None if simplified is False else "REPORTED" if ok else "NOT_REPORTED",
            "clearanceStatus": None if simplified is True else "CLEARED" if ok else "NOT_CLEARED",
            "qrSellertStatus": None, "qrBuyertStatus": None,
        }
        return Reply(200 if ok else 400, reply)

    def report(self, request: Request, body: dict[str, Any]) -> Reply:
        return self._submit(request, body, "reporting")

    def clear(self, request: Request, body: dict[str, Any]) -> Reply:
        return self._submit(request, body, "clearance")

    def _submit(self, request: Request, body: dict[str, Any], endpoint: str) -> Reply:
        pcsid = self._authenticate(request, "production")
        if pcsid is None:
            return msg.unauthorized()
        if endpoint == "clearance" and not self.clearance_enabled:
            return msg.clearance_off()
        verdict = checks.read(body)
        if request.headers.get("clearance-status") not in ("0", "1"):
            verdict.errors.append(msg.error("Invalid-Clearance-Status", "HEADER_ERRORS",
                                            "The Clearance-Status header must be 0 or 1"))
        if verdict.hash_matches and verdict.digest in self.accepted:
            return self._duplicate(verdict, endpoint)
        if verdict.found is not None:
            self._examine(verdict, endpoint, pcsid)
        cleared = docs.cleared_copy(verdict.xml) if endpoint == "clearance" and not verdict.errors else None
        if not verdict.errors:
            self.accepted[verdict.digest] = cleared
        return self._outcome(verdict, endpoint, cleared)

    def _examine(self, verdict: checks.Verdict, endpoint: str, pcsid: Csid) -> None:
        checks.check_type(verdict, endpoint, pcsid.signer, clearance_enabled=self.clearance_enabled)
        checks.check_signature(verdict, self.ca, pcsid.signer, self.clock())
        checks.check_chain(verdict, self.chains.get(pcsid.egs))
        found = verdict.found
        # A document that is genuine and correctly chained takes its place in the EGS chain even when the
        # business rules reject it: it keeps its counter and hash, and the correction comes next (ALGORITHM.md §2).
        if not verdict.errors and found is not None:
            self.chains[pcsid.egs] = (int(found.icv), verdict.digest)
        checks.check_rules(verdict)

    def _duplicate(self, verdict: checks.Verdict, endpoint: str) -> Reply:
        if endpoint == "reporting":
            return msg.already_reported()
        cleared = self.accepted[verdict.digest]
        return Reply(208, {"validationResults": msg.validation([msg.XSD_VALID], [], []), "clearanceStatus": "CLEARED",
                           "clearedInvoice": base64.b64encode(cleared).decode("ascii") if cleared else None})

    @staticmethod
    def _outcome(verdict: checks.Verdict, endpoint: str, cleared: bytes | None) -> Reply:
        status = 400 if verdict.errors else 202 if verdict.warnings else 200
        if endpoint == "reporting":
            return Reply(status, {"validationResults": verdict.results(),
                                  "reportingStatus": "NOT_REPORTED" if verdict.errors else "REPORTED"})
        return Reply(status, {"validationResults": verdict.results(),
                              "clearanceStatus": "NOT_CLEARED" if verdict.errors else "CLEARED",
                              "clearedInvoice": base64.b64encode(cleared).decode("ascii") if cleared else None})


_ROUTES: dict[tuple[str, str], Callable[[Portal, Request, dict[str, Any]], Reply]] = {
    ("POST", "/compliance"): Portal.compliance_csid,
    ("POST", "/compliance/invoices"): Portal.compliance_check,
    ("POST", "/production/csids"): Portal.production_csid,
    ("PATCH", "/production/csids"): Portal.renew,
    ("POST", "/invoices/reporting/single"): Portal.report,
    ("POST", "/invoices/clearance/single"): Portal.clear,
}
