"""Checks a stamped ZATCA invoice (ALGORITHM.md §1, §3, §4) and describes every problem in a readable sentence."""

from __future__ import annotations

import base64
import re

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree

from core.zatca.hashing import NS, invoice_hash, parse_document
from core.zatca.qr import TAG_NAMES, decode_tlv, describe, document_fields, is_simplified, phase2_tags
from core.zatca.signing import cert_digest, issuer_string, signed_properties_digest

_SIGNATURE = etree.XPath(
    "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/sig:UBLDocumentSignatures/sac:SignatureInformation"
    "/ds:Signature",
    namespaces=NS,
)
_PROPERTIES = "ds:Object/xades:QualifyingProperties/xades:SignedProperties"
_CERT = f"{_PROPERTIES}/xades:SignedSignatureProperties/xades:SigningCertificate/xades:Cert"
_PARTS = {  # label in messages -> path below ds:Signature
    "invoice DigestValue": "ds:SignedInfo/ds:Reference[@Id='invoiceSignedData']/ds:DigestValue",
    "SignedProperties DigestValue": "ds:SignedInfo/ds:Reference[@URI='#xadesSignedProperties']/ds:DigestValue",
    "SignatureValue": "ds:SignatureValue",
    "X509Certificate": "ds:KeyInfo/ds:X509Data/ds:X509Certificate",
    "CertDigest DigestValue": f"{_CERT}/xades:CertDigest/ds:DigestValue",
    "X509IssuerName": f"{_CERT}/xades:IssuerSerial/ds:X509IssuerName",
    "X509SerialNumber": f"{_CERT}/xades:IssuerSerial/ds:X509SerialNumber",
}
_PART_XPATHS = {label: etree.XPath(f"string({path})", namespaces=NS) for label, path in _PARTS.items()}
_SIGNED_PROPERTIES = etree.XPath(_PROPERTIES, namespaces=NS)
_QR = etree.XPath(
    "string(cac:AdditionalDocumentReference[cbc:ID='QR']/cac:Attachment/cbc:EmbeddedDocumentBinaryObject)",
    namespaces=NS,
)


def verify_stamp(xml: bytes) -> list[str]:
    """Every problem found in the stamp of a signed invoice; an empty list when hash, signature and QR all agree."""
    try:
        root = parse_document(xml)
    except etree.XMLSyntaxError as exc:
        return [f"The document is not well-formed XML ({exc})."]
    found = _SIGNATURE(root)
    if not found:
        return ["The document carries no XAdES signature (ext:UBLExtensions/…/ds:Signature is missing)."]
    signature = found[0]
    parts = {label: str(xpath(signature)).strip() for label, xpath in _PART_XPATHS.items()}
    missing = [f"The signature has no {label}." for label, value in parts.items() if not value]
    if missing:
        return missing
    problems = _check_hash(root, parts["invoice DigestValue"])
    problems += _check_properties(signature, parts["SignedProperties DigestValue"])
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(parts["X509Certificate"]))
    except ValueError as exc:
        return [*problems, f"The embedded X509Certificate cannot be read ({exc})."]
    problems += _check_certificate(certificate, parts)
    problems += _check_signature(certificate, parts["invoice DigestValue"], parts["SignatureValue"])
    problems += _check_qr(root, certificate, parts["invoice DigestValue"], parts["SignatureValue"])
    return problems


def _check_hash(root: etree._Element, digest_value: str) -> list[str]:
    computed = invoice_hash(root)
    if computed == digest_value:
        return []
    return [f"The invoice hash computed from the document ({computed}) does not match the signed DigestValue "
            f"({digest_value}): the invoice was changed after it was signed."]


def _check_properties(signature: etree._Element, digest_value: str) -> list[str]:
    found = _SIGNED_PROPERTIES(signature)
    if not found:
        return ["The signature has no xades:SignedProperties."]
    computed = signed_properties_digest(found[0])
    if computed == digest_value:
        return []
    return [f"The SignedProperties digest ({computed}) does not match its DigestValue in SignedInfo ({digest_value})."]


def _same_name(a: str, b: str) -> bool:
    """Issuer names compared without the spacing after commas, which producers write differently."""
    return re.sub(r"\s*,\s*", ",", a) == re.sub(r"\s*,\s*", ",", b)


def _check_certificate(certificate: x509.Certificate, parts: dict[str, str]) -> list[str]:
    problems = []
    computed = cert_digest(parts["X509Certificate"])
    if computed != parts["CertDigest DigestValue"]:
        problems.append(f"The CertDigest ({parts['CertDigest DigestValue']}) is not the digest of the embedded "
                        f"certificate ({computed}).")
    if parts["X509SerialNumber"] != str(certificate.serial_number):
        problems.append(f"The X509SerialNumber ({parts['X509SerialNumber']}) is not the certificate's serial number "
                        f"({certificate.serial_number}).")
    if not _same_name(parts["X509IssuerName"], issuer_string(certificate)):
        problems.append(f"The X509IssuerName ({parts['X509IssuerName']}) is not the certificate's issuer "
                        f"({issuer_string(certificate)}).")
    return problems


def _check_signature(certificate: x509.Certificate, digest_value: str, signature_value: str) -> list[str]:
    """§3: the signed message is the 32 raw bytes of the invoice hash (ECDSA-SHA256 over them), not SignedInfo."""
    public_key = certificate.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        return ["The embedded certificate does not hold an EC public key."]
    try:
        public_key.verify(base64.b64decode(signature_value, validate=True),
                          base64.b64decode(digest_value, validate=True), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):  # ValueError covers bad base64 and malformed DER
        return ["The SignatureValue is not a valid signature of the invoice hash by the embedded certificate's key."]
    return []


def _check_qr(root: etree._Element, certificate: x509.Certificate, digest_value: str,
              signature_value: str) -> list[str]:
    text = str(_QR(root))
    if not text:
        return ["The document has no QR code (AdditionalDocumentReference 'QR')."]
    try:
        tags = decode_tlv(text)
        fields = document_fields(root)
    except ValueError as exc:
        return [f"The QR code cannot be checked: {exc}."]
    simplified = is_simplified(root)
    with_tag9 = simplified or (simplified is None and 9 in tags)
    spki = certificate.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    expected = phase2_tags(*fields, invoice_hash=digest_value, signature=signature_value, public_key=spki,
                           certificate_signature=certificate.signature if with_tag9 else None)
    return [problem for tag in sorted(expected.keys() | tags.keys()) if (problem := _tag_problem(tag, tags, expected))]


def _tag_problem(tag: int, tags: dict[int, bytes], expected: dict[int, bytes]) -> str:
    name = TAG_NAMES.get(tag, "unknown")
    if tag not in tags:
        return f"QR tag {tag} ({name}) is missing."
    if tag not in expected:
        return f"QR tag {tag} ({name}) should not be there for this document."
    if tags[tag] == expected[tag]:
        return ""
    shown, wanted = (next(iter(describe({tag: value}).values())) for value in (tags[tag], expected[tag]))
    return f"QR tag {tag} ({name}) is '{shown}' but the document and its stamp give '{wanted}'."
