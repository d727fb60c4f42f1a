"""What the fake portal checks on a submitted document, in the order it checks them."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509

from tests.fatoora import documents as docs
from tests.fatoora import messages as msg
from tests.fatoora.ca import VAT, FakeCA, san_fields


@dataclass
class Verdict:
    """Everything found so far about one submission."""

    info: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    xml: bytes = b""
    digest: str = ""  # the fake's own invoice hash
    found: docs.Facts | None = None
    hash_matches: bool = False

    def results(self) -> dict[str, Any]:
        return msg.validation(self.info, self.warnings, self.errors)


@dataclass(frozen=True)
class Signer:
    """Who is submitting: the authenticated CSID's taxpayer and what it may issue."""

    vat: str
    invoice_types: str  # "TSCZ" digits from the certificate's SAN title


def _decoded_hash(value: Any) -> bool:
    try:
        return isinstance(value, str) and len(base64.b64decode(value, validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def read(body: dict[str, Any]) -> Verdict:
    """Body fields, base64, well-formedness, XSD and the invoice hash; stops at the first of these that fails."""
    verdict = Verdict()
    claimed = body.get("invoiceHash")
    if not claimed:
        verdict.errors.append(msg.HASH_MISSING)
    elif not _decoded_hash(claimed):
        verdict.errors.append(msg.HASH_FORMAT)
    try:
        xml = base64.b64decode(str(body.get("invoice") or ""), validate=True)
        root = docs.parse(xml)
    except (binascii.Error, ValueError, docs.Unreadable):
        verdict.errors.append(msg.XSD_INVALID)
        return verdict
    if not docs.xsd_valid(root):
        verdict.errors.append(msg.XSD_INVALID)
        return verdict
    verdict.info.append(msg.XSD_VALID)
    verdict.xml, verdict.found, verdict.digest = xml, docs.facts(root), docs.invoice_hash(xml)
    verdict.hash_matches = claimed == verdict.digest
    if claimed and not verdict.hash_matches and _decoded_hash(claimed):
        verdict.errors.append(msg.HASH_MISMATCH)
    return verdict


def check_type(verdict: Verdict, endpoint: str, signer: Signer, *, clearance_enabled: bool) -> None:
    """Simplified documents are reported, standard ones cleared (reported while clearance is switched off), and
    only kinds the certificate allows."""
    found = verdict.found
    assert found is not None
    if endpoint == "reporting" and not found.simplified and clearance_enabled:
        verdict.errors.append(msg.error("invalid-invoice-type", "INVOICE_TYPE_ERRORS",
                                        "Only simplified documents can be reported; clear standard documents."))
    if endpoint == "clearance" and found.simplified:
        verdict.errors.append(msg.error("invalid-invoice-type", "INVOICE_TYPE_ERRORS",
                                        "Only standard documents can be cleared; report simplified documents."))
    allowed = signer.invoice_types[1:2] == "1" if found.simplified else signer.invoice_types[:1] == "1"
    if not allowed:
        verdict.errors.append(msg.error("invoice-type-not-allowed", "INVOICE_TYPE_ERRORS",
                                        "The certificate does not allow this kind of document."))


def check_signature(verdict: Verdict, ca: FakeCA, signer: Signer, now: datetime) -> None:
    """The stamp verifies with the certificate inside the XML, which our CA issued to this taxpayer."""
    found = verdict.found
    assert found is not None
    cert = docs.certificate(found.certificate_b64)
    if cert is None or not _ours(cert, ca, signer, now):
        verdict.errors.append(msg.error("invalid-signing-certificate", "CERTIFICATE_ERRORS",
                                        "The signing certificate was not issued to this taxpayer by ZATCA or "
                                        "is not valid now."))
    if found.seller_vat != signer.vat:
        verdict.errors.append(msg.error("invalid-seller-vat", "CERTIFICATE_ERRORS",
                                        "The seller VAT number does not match the certificate."))
    if cert is None or found.signed_digest != verdict.digest or not docs.signature_verifies(found, verdict.digest,
                                                                                             cert):
        verdict.errors.append(msg.BAD_SIGNATURE)


def _ours(cert: x509.Certificate, ca: FakeCA, signer: Signer, now: datetime) -> bool:
    in_time = cert.not_valid_before_utc <= now <= cert.not_valid_after_utc
    return ca.issued(cert) and in_time and san_fields(cert).get(VAT) == signer.vat


def check_chain(verdict: Verdict, previous: tuple[int, str] | None) -> None:
    """ICV is the previous document's plus one and PIH its hash.

    The portal's first document of a unit may continue a chain begun before onboarding (phase 1 documents, a
    migrated counter), so it only needs a counter and a PIH that is the fixed first value or a well-formed hash.
    """
    found = verdict.found
    assert found is not None
    if not re.fullmatch(r"\d+", found.icv) or (previous is not None and int(found.icv) != previous[0] + 1):
        expected = "digits" if previous is None else str(previous[0] + 1)
        verdict.errors.append(msg.error("invalid-icv", "ICV_VALIDATION",
                                        f"The invoice counter value (KSA-16) must be {expected}."))
    first_ok = found.pih == docs.FIRST_PIH or _decoded_hash(found.pih)
    if not (first_ok if previous is None else found.pih == previous[1]):
        verdict.errors.append(msg.error("invalid-pih", "PIH_VALIDATION",
                                        "The previous invoice hash (KSA-13) does not match the previous document "
                                        "of this EGS unit."))


def check_rules(verdict: Verdict) -> None:
    """The official EN 16931 and KSA schematrons, without the rules that depend on today's date."""
    errors, warnings = docs.schematron(verdict.xml)
    for rule, text in errors:
        verdict.errors.append(msg.error(rule, _category(rule), text))
    for rule, text in warnings:
        verdict.warnings.append(msg.item("WARNING", rule, _category(rule), text))


def _category(rule: str) -> str:
    return "KSA" if rule.startswith("BR-KSA") else "EN_16931"


def required_steps(invoice_types: str) -> set[tuple[bool, str]]:
    """The compliance checks a CSID must pass: (simplified?, type code) for each kind its title allows."""
    kinds = ([False] if invoice_types[:1] == "1" else []) + ([True] if invoice_types[1:2] == "1" else [])
    return {(simplified, code) for simplified in kinds for code in ("388", "381", "383")}

