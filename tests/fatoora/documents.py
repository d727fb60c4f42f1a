"""The fake portal's own reading of a submitted document: hash, signature, chain fields, XSD and schematron.

Written independently of core.zatca so that a bug there cannot hide itself here (ALGORITHM.md §1, §3).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree

from tests.support.schematron import official_xsd, run_schematron

NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
}
PRUNED = ("/inv:Invoice/ext:UBLExtensions", "/inv:Invoice/cac:Signature",
          "/inv:Invoice/cac:AdditionalDocumentReference[cbc:ID='QR']")
FIRST_PIH = "NWZlY2ViNjZmZmM4NmYzOGQ5NTI3ODZjNmQ2OTZjNzljMmRiYzIzOWRkNGU5MWI0NjcyOWQ3M2EyN2ZiNTdlOQ=="
CLOCK_RULES = frozenset({"BR-KSA-04", "BR-KSA-98"})  # issue date vs. today, 24-hour window: depend on the clock
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


class Unreadable(Exception):
    """The bytes are not an XML document."""


def parse(xml: bytes) -> etree._Element:
    try:
        return etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise Unreadable(str(exc)) from exc


def _remove_keeping_tail(element: etree._Element) -> None:
    # lxml's remove() drops the tail too, but the whitespace after the element belongs to the parent.
    parent = element.getparent()
    assert parent is not None
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def invoice_hash(xml: bytes) -> str:
    """base64(sha256(inclusive c14n of the document without the stamp, the cac:Signature and the QR))."""
    root = parse(xml)
    for path in PRUNED:
        for element in root.xpath(path, namespaces=NS):
            _remove_keeping_tail(element)
    canonical = etree.tostring(root.getroottree(), method="c14n", exclusive=False, with_comments=False)
    return base64.b64encode(hashlib.sha256(canonical).digest()).decode("ascii")


def _text(root: etree._Element, path: str) -> str:
    found = root.xpath(f"string({path})", namespaces=NS)
    return str(found).strip()


@dataclass(frozen=True)
class Facts:
    uuid: str
    type_name: str  # InvoiceTypeCode/@name, "01…" standard, "02…" simplified
    type_code: str  # 388 invoice, 381 credit note, 383 debit note
    icv: str
    pih: str
    seller_vat: str
    signature_value: str
    signed_digest: str
    certificate_b64: str

    @property
    def simplified(self) -> bool:
        return self.type_name.startswith("02")


def facts(root: etree._Element) -> Facts:
    ref = "/inv:Invoice/cac:AdditionalDocumentReference[cbc:ID='{}']"
    return Facts(
        uuid=_text(root, "/inv:Invoice/cbc:UUID"),
        type_name=_text(root, "/inv:Invoice/cbc:InvoiceTypeCode/@name"),
        type_code=_text(root, "/inv:Invoice/cbc:InvoiceTypeCode"),
        icv=_text(root, ref.format("ICV") + "/cbc:UUID"),
        pih=_text(root, ref.format("PIH") + "/cac:Attachment/cbc:EmbeddedDocumentBinaryObject"),
        seller_vat=_text(root, "/inv:Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"),
        signature_value=_text(root, "//ds:Signature/ds:SignatureValue"),
        signed_digest=_text(root, "//ds:Signature/ds:SignedInfo/ds:Reference[@Id='invoiceSignedData']/ds:DigestValue"),
        certificate_b64=_text(root, "//ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate"),
    )


def certificate(b64_text: str) -> x509.Certificate | None:
    try:
        return x509.load_der_x509_certificate(base64.b64decode(b64_text, validate=True))
    except (binascii.Error, ValueError):
        return None


def signature_verifies(found: Facts, digest_b64: str, cert: x509.Certificate) -> bool:
    """ECDSA-SHA256 over the 32 raw hash bytes, with the certificate's key (ALGORITHM.md §3)."""
    key = cert.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    try:
        key.verify(base64.b64decode(found.signature_value, validate=True), base64.b64decode(digest_b64),
                   ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def xsd_valid(root: etree._Element) -> bool:
    return bool(official_xsd().validate(root))


def schematron(xml: bytes) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(errors, warnings) as (rule id, text), without the rules that depend on today's date."""
    found = [a for a in run_schematron(xml) if a.rule not in CLOCK_RULES]
    return ([(a.rule, a.text) for a in found if a.is_error], [(a.rule, a.text) for a in found if not a.is_error])


def cleared_copy(xml: bytes) -> bytes:
    """What the portal hands back after clearance: the same document with a stamp comment the hash ignores."""
    stamp = b"<!-- Cleared by FakeFatoora -->"
    if xml.startswith(b"<?xml"):
        end = xml.index(b"?>") + 2
        return xml[:end] + b"\n" + stamp + xml[end:]
    return stamp + b"\n" + xml
