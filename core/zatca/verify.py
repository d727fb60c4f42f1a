"""Checks a stamped ZATCA invoice (ALGORITHM.md §1, §3, §4) and describes every problem in a readable sentence."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import lru_cache

import coincurve
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


def verify_stamp(xml: bytes | etree._Element, *, computed_hash: str | None = None) -> list[str]:
    """Every problem found in the stamp of a signed invoice; an empty list when hash, signature and QR all agree.

    A caller that already parsed the document (and computed its hash) passes the tree and the hash: verifying a
    store of stored documents parses and canonicalises each one once.
    """
    if isinstance(xml, bytes):
        try:
            root = parse_document(xml)
        except etree.XMLSyntaxError as exc:
            return [f"The document is not well-formed XML ({exc})."]
    else:
        root = xml
    found = _SIGNATURE(root)
    if not found:
        return ["The document carries no XAdES signature (ext:UBLExtensions/…/ds:Signature is missing)."]
    signature = found[0]
    parts = {label: str(xpath(signature)).strip() for label, xpath in _PART_XPATHS.items()}
    missing = [f"The signature has no {label}." for label, value in parts.items() if not value]
    if missing:
        return missing
    problems = _check_hash(root, parts["invoice DigestValue"], computed_hash)
    problems += _check_properties(signature, parts["SignedProperties DigestValue"])
    try:
        facts = _certificate(parts["X509Certificate"])
    except ValueError as exc:
        return [*problems, f"The embedded X509Certificate cannot be read ({exc})."]
    problems += _check_certificate(facts, parts)
    problems += _check_signature(facts, parts["invoice DigestValue"], parts["SignatureValue"])
    problems += _check_qr(root, facts, parts["invoice DigestValue"], parts["SignatureValue"])
    return problems


@dataclass(frozen=True)
class _Cert:
    """What the checks need of a certificate, read once per certificate (a store's documents share a few)."""

    certificate: x509.Certificate
    issuer: str
    spki: bytes
    point: coincurve.PublicKey | None  # secp256k1 (every ZATCA stamp key): verified by libsecp256k1, 10x faster


@lru_cache(maxsize=64)
def _certificate(b64: str) -> _Cert:
    certificate = x509.load_der_x509_certificate(base64.b64decode(b64))
    key = certificate.public_key()
    spki = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    point = None
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256K1):
        point = coincurve.PublicKey(key.public_bytes(serialization.Encoding.X962,
                                                     serialization.PublicFormat.CompressedPoint))
    return _Cert(certificate, issuer_string(certificate), spki, point)


def _check_hash(root: etree._Element, digest_value: str, computed: str | None) -> list[str]:
    computed = computed or invoice_hash(root)
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


def _check_certificate(facts: _Cert, parts: dict[str, str]) -> list[str]:
    problems = []
    certificate = facts.certificate
    computed = cert_digest(parts["X509Certificate"])
    if computed != parts["CertDigest DigestValue"]:
        problems.append(f"The CertDigest ({parts['CertDigest DigestValue']}) is not the digest of the embedded "
                        f"certificate ({computed}).")
    if parts["X509SerialNumber"] != str(certificate.serial_number):
        problems.append(f"The X509SerialNumber ({parts['X509SerialNumber']}) is not the certificate's serial number "
                        f"({certificate.serial_number}).")
    if not _same_name(parts["X509IssuerName"], facts.issuer):
        problems.append(f"The X509IssuerName ({parts['X509IssuerName']}) is not the certificate's issuer "
                        f"({facts.issuer}).")
    return problems


def _check_signature(facts: _Cert, digest_value: str, signature_value: str) -> list[str]:
    """§3: the signed message is the 32 raw bytes of the invoice hash (ECDSA-SHA256 over them), not SignedInfo."""
    public_key = facts.certificate.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        return ["The embedded certificate does not hold an EC public key."]
    try:
        signature = base64.b64decode(signature_value, validate=True)
        message = base64.b64decode(digest_value, validate=True)
        # libsecp256k1 accepts only low-S signatures: a yes is final, a no is asked again of OpenSSL (ECDSA allows both)
        if facts.point is not None and _fast_ok(facts.point, signature, message):
            return []
        public_key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):  # ValueError covers bad base64 and malformed DER
        return ["The SignatureValue is not a valid signature of the invoice hash by the embedded certificate's key."]
    return []


def _fast_ok(point: coincurve.PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        return bool(point.verify(signature, message))
    except ValueError:  # a DER spelling libsecp256k1 will not parse: OpenSSL decides
        return False


def _check_qr(root: etree._Element, facts: _Cert, digest_value: str, signature_value: str) -> list[str]:
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
    expected = phase2_tags(*fields, invoice_hash=digest_value, signature=signature_value, public_key=facts.spki,
                           certificate_signature=facts.certificate.signature if with_tag9 else None)
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
