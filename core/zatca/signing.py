"""The ZATCA cryptographic stamp (ALGORITHM.md §3): XAdES B-B enveloped signature, QR code and invoice hash."""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import coincurve
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree

from core.clock import saudi_time
from core.zatca.hashing import ADDITIONAL_REFERENCE, NS, digest_of, has_id, parse_document, stamp_nodes
from core.zatca.qr import document_fields, encode_tlv, is_simplified, phase1_tags, phase2_tags
from core.zatca.ubl import UnsignedInvoice
from core.zatca.ubl_xml import ROOT_START

_SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
_XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
_C14N11 = "http://www.w3.org/2006/12/xml-c14n11"
_EXCLUDED = (
    "not(//ancestor-or-self::ext:UBLExtensions)",
    "not(//ancestor-or-self::cac:Signature)",
    "not(//ancestor-or-self::cac:AdditionalDocumentReference[cbc:ID='QR'])",
)
_UBL = f'xmlns:cac="{NS["cac"]}" xmlns:cbc="{NS["cbc"]}"'
# The element layout of the SDK samples; etree.indent() below reproduces their 4-space indentation, which matters
# because the SignedProperties digest is taken over the subtree *with* its whitespace (§3).
_EXTENSIONS_XML = (
    f'<ext:UBLExtensions xmlns:ext="{NS["ext"]}" {_UBL}><ext:UBLExtension>'
    "<ext:ExtensionURI>urn:oasis:names:specification:ubl:dsig:enveloped:xades</ext:ExtensionURI><ext:ExtensionContent>"
    f'<sig:UBLDocumentSignatures xmlns:sig="{NS["sig"]}" xmlns:sac="{NS["sac"]}" xmlns:sbc="{NS["sbc"]}">'
    "<sac:SignatureInformation><cbc:ID>urn:oasis:names:specification:ubl:signature:1</cbc:ID>"
    "<sbc:ReferencedSignatureID>urn:oasis:names:specification:ubl:signature:Invoice</sbc:ReferencedSignatureID>"
    f'<ds:Signature xmlns:ds="{NS["ds"]}" Id="signature"><ds:SignedInfo>'
    f'<ds:CanonicalizationMethod Algorithm="{_C14N11}"/>'
    '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>'
    '<ds:Reference Id="invoiceSignedData" URI=""><ds:Transforms>'
    + "".join(f'<ds:Transform Algorithm="{_XPATH}"><ds:XPath>{x}</ds:XPath></ds:Transform>' for x in _EXCLUDED)
    + f'<ds:Transform Algorithm="{_C14N11}"/></ds:Transforms>'
    f'<ds:DigestMethod Algorithm="{_SHA256}"/><ds:DigestValue/></ds:Reference>'
    # §3: the SDK's Type, not the ETSI one [S3] names.
    '<ds:Reference Type="http://www.w3.org/2000/09/xmldsig#SignatureProperties" URI="#xadesSignedProperties">'
    f'<ds:DigestMethod Algorithm="{_SHA256}"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>'
    "<ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo><ds:Object>"
    f'<xades:QualifyingProperties xmlns:xades="{NS["xades"]}" Target="signature">'
    '<xades:SignedProperties Id="xadesSignedProperties"><xades:SignedSignatureProperties><xades:SigningTime/>'
    f'<xades:SigningCertificate><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm="{_SHA256}"/>'
    "<ds:DigestValue/></xades:CertDigest><xades:IssuerSerial><ds:X509IssuerName/><ds:X509SerialNumber/>"
    "</xades:IssuerSerial></xades:Cert></xades:SigningCertificate></xades:SignedSignatureProperties>"
    "</xades:SignedProperties></xades:QualifyingProperties></ds:Object></ds:Signature></sac:SignatureInformation>"
    "</sig:UBLDocumentSignatures></ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>"
)
_QR_XML = (
    f"<cac:AdditionalDocumentReference {_UBL}><cbc:ID>QR</cbc:ID><cac:Attachment>"
    '<cbc:EmbeddedDocumentBinaryObject mimeCode="text/plain"/></cac:Attachment></cac:AdditionalDocumentReference>'
)
_SIGNATURE_XML = (
    f"<cac:Signature {_UBL}><cbc:ID>urn:oasis:names:specification:ubl:signature:Invoice</cbc:ID>"
    "<cbc:SignatureMethod>urn:oasis:names:specification:ubl:dsig:enveloped:xades</cbc:SignatureMethod></cac:Signature>"
)
_SPKI = serialization.PublicFormat.SubjectPublicKeyInfo
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_SUPPLIER = f"{{{NS['cac']}}}AccountingSupplierParty"
_EMPTY_DIGEST_METHOD = re.compile(rb"(<((?:[\w.-]+:)?)DigestMethod\b[^>]*)></\2DigestMethod>")


def _template(xml: str, level: int) -> etree._Element:
    element = etree.fromstring(xml)
    etree.indent(element, space="    ", level=level)
    return element


_EXTENSIONS = _template(_EXTENSIONS_XML, 0)
_QR_NODE = _template(_QR_XML, 1)
_SIGNATURE_NODE = _template(_SIGNATURE_XML, 1)
_SLOT_XPATHS = {
    "invoice_digest": "//ds:Reference[@Id='invoiceSignedData']/ds:DigestValue",
    "properties_digest": "//ds:Reference[@URI='#xadesSignedProperties']/ds:DigestValue",
    "signature_value": "//ds:SignatureValue",
    "certificate": "//ds:X509Certificate",
    "signed_properties": "//xades:SignedProperties",
    "signing_time": "//xades:SigningTime",
    "cert_digest": "//xades:CertDigest/ds:DigestValue",
    "issuer": "//ds:X509IssuerName",
    "serial": "//ds:X509SerialNumber",
}


def _index_path(element: etree._Element) -> tuple[int, ...]:
    path: list[int] = []
    parent = element.getparent()
    while parent is not None:
        path.append(parent.index(element))
        element, parent = parent, parent.getparent()
    return tuple(reversed(path))


# Child-index paths into a copy of _EXTENSIONS: indexing a fresh copy is far cheaper than running XPath on it.
_SLOTS = {name: _index_path(_EXTENSIONS.xpath(xp, namespaces=NS)[0]) for name, xp in _SLOT_XPATHS.items()}


def _slot(root: etree._Element, name: str) -> etree._Element:
    element = root
    for index in _SLOTS[name]:
        element = element[index]
    return element


def _b64_hex_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).hexdigest().encode("ascii")).decode("ascii")


def cert_digest(certificate_b64: str) -> str:
    """§3 CertDigest: base64(hex(SHA-256)) of the certificate's base64 *text*, not of its DER."""
    return _b64_hex_sha256(certificate_b64.encode("ascii"))


def signed_properties_digest(signed_properties: etree._Element) -> str:
    """§3: base64(hex(SHA-256)) of the exclusive C14N of xades:SignedProperties with DigestMethod self-closed."""
    canonical = etree.tostring(signed_properties, method="c14n", exclusive=True, with_comments=False)
    return _b64_hex_sha256(_EMPTY_DIGEST_METHOD.sub(rb"\1/>", canonical))


def issuer_string(certificate: x509.Certificate) -> str:
    """The issuer as the SDK writes it: most specific RDN first, joined by ', ' ('CN=…, DC=…, DC=…')."""
    return ", ".join(rdn.rfc4514_string() for rdn in reversed(certificate.issuer.rdns))


def _pem_or_base64(data: bytes) -> tuple[bool, bytes]:
    """(is_pem, payload): armoured PEM as-is, or the DER behind bare base64 (the SDK stores files unarmoured, §5)."""
    text = data.strip()
    if text.startswith(b"-----BEGIN"):
        return True, text
    try:
        return False, base64.b64decode(b"".join(text.split()), validate=True)
    except binascii.Error:
        raise ValueError("expected PEM or base64 DER") from None


def _load_key(key_pem: bytes) -> ec.EllipticCurvePrivateKey:
    try:
        is_pem, payload = _pem_or_base64(key_pem)
        key = (serialization.load_pem_private_key if is_pem else serialization.load_der_private_key)(payload, None)
    except (ValueError, TypeError) as exc:  # TypeError: an encrypted key (no password is ever given)
        raise ValueError(f"the private key cannot be read: {exc}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256K1):
        raise ValueError("the ZATCA signing key must be an EC key on secp256k1 (§3)")
    return key


def _load_certificate(cert_pem: bytes) -> x509.Certificate:
    try:
        is_pem, payload = _pem_or_base64(cert_pem)
        return x509.load_pem_x509_certificate(payload) if is_pem else x509.load_der_x509_certificate(payload)
    except ValueError as exc:
        raise ValueError(f"the certificate cannot be read: {exc}") from None


@dataclass(frozen=True)
class _CertificateFacts:
    """Everything the stamp needs from one certificate, computed once per certificate (not per identity object)."""

    der: bytes
    certificate: x509.Certificate
    public_key_der: bytes
    digest: str
    issuer: str
    serial: int
    signature: bytes
    extensions: etree._Element  # the UBLExtensions template with the certificate's values already in place


# Callers may build a SigningIdentity per invoice (the store keeps the key and certificate, not the object), so the
# ~0.4 ms of certificate parsing, key set-up and template filling is cached by value rather than on the instance.
@lru_cache(maxsize=32)
def _facts(certificate_b64: str) -> _CertificateFacts:
    der = base64.b64decode(certificate_b64, validate=True)
    certificate = x509.load_der_x509_certificate(der)
    spki = certificate.public_key().public_bytes(serialization.Encoding.DER, _SPKI)
    extensions = copy.deepcopy(_EXTENSIONS)
    values = {"certificate": certificate_b64, "cert_digest": cert_digest(certificate_b64),
              "issuer": issuer_string(certificate), "serial": str(certificate.serial_number)}
    for slot, text in values.items():
        _slot(extensions, slot).text = text
    return _CertificateFacts(der, certificate, spki, values["cert_digest"], values["issuer"],
                             int(certificate.serial_number), bytes(certificate.signature), extensions)


@lru_cache(maxsize=32)
def _secp_key(private_key: bytes) -> coincurve.PrivateKey:
    return coincurve.PrivateKey(private_key)  # derives the public point: ~50 us, worth keeping per key


@dataclass(frozen=True)
class SigningIdentity:
    """An EGS unit's stamp key and certificate (the CSID); derived values are computed once per certificate."""

    private_key: bytes = field(repr=False)  # 32-byte secp256k1 secret scalar
    certificate_b64: str  # base64 DER, one line, as it goes into ds:X509Certificate

    def __post_init__(self) -> None:
        if len(self.private_key) != 32:
            raise ValueError("private_key must be the 32-byte secp256k1 scalar")

    @classmethod
    def from_pem(cls, key_pem: bytes, cert_pem: bytes) -> SigningIdentity:
        """Load armoured PEM or bare base64 DER (SEC1 or PKCS#8 key); refuse a key that is not the certificate's."""
        key = _load_key(key_pem)
        certificate = _load_certificate(cert_pem)
        der = certificate.public_bytes(serialization.Encoding.DER)
        identity = cls(key.private_numbers().private_value.to_bytes(32, "big"), base64.b64encode(der).decode("ascii"))
        if key.public_key().public_bytes(serialization.Encoding.DER, _SPKI) != identity.public_key_der:
            raise ValueError("the private key does not belong to the certificate")
        return identity

    @property
    def certificate_der(self) -> bytes:
        return _facts(self.certificate_b64).der

    @property
    def certificate(self) -> x509.Certificate:
        return _facts(self.certificate_b64).certificate

    @property
    def public_key_der(self) -> bytes:
        """SubjectPublicKeyInfo DER of the certificate's key (QR tag 8)."""
        return _facts(self.certificate_b64).public_key_der

    @property
    def cert_digest(self) -> str:
        return _facts(self.certificate_b64).digest

    @property
    def issuer_name(self) -> str:
        return _facts(self.certificate_b64).issuer

    @property
    def serial_number(self) -> int:
        return _facts(self.certificate_b64).serial

    @property
    def certificate_signature(self) -> bytes:
        """The issuing CA's DER signature on the certificate (QR tag 9 of simplified documents)."""
        return _facts(self.certificate_b64).signature

    def sign_hash(self, invoice_hash: bytes) -> bytes:
        """DER ECDSA-SHA256 over the 32 raw hash bytes: the SDK signs the hash, not SignedInfo (§3)."""
        return bytes(_secp_key(self.private_key).sign(invoice_hash))


@dataclass(frozen=True)
class Stamped:
    """A stamped document and the values stored and submitted with it."""

    xml: bytes  # the final document, UTF-8, with XML declaration
    invoice_hash: str  # base64
    signature: str  # base64 DER ECDSA signature ("" for phase 1)
    qr: str  # base64 TLV


def _anchors(root: etree._Element, simplified: bool) -> tuple[etree._Element, etree._Element]:
    """The PIH reference (QR goes after it) and AccountingSupplierParty (cac:Signature goes before it)."""
    if stamp_nodes(root):
        raise ValueError("the invoice already carries UBLExtensions, cac:Signature or a QR reference")
    declared = is_simplified(root)
    if declared is not None and declared != simplified:
        raise ValueError(f"simplified={simplified} contradicts the InvoiceTypeCode name of the invoice")
    pih = next((ref for ref in root.iterchildren(ADDITIONAL_REFERENCE) if has_id(ref, "PIH")), None)
    supplier = root.find(_SUPPLIER)
    if pih is None or supplier is None:
        raise ValueError("the invoice needs a PIH AdditionalDocumentReference and an AccountingSupplierParty")
    return pih, supplier


def _qr_node(qr: str) -> etree._Element:
    node = copy.deepcopy(_QR_NODE)
    node[1][0].text = qr  # cac:Attachment/cbc:EmbeddedDocumentBinaryObject
    return node


def _serialize(root: etree._Element, pih: etree._Element, supplier: etree._Element, qr: etree._Element,
               signature: etree._Element | None = None, extensions: etree._Element | None = None) -> bytes:
    """Serialize with the stamp nodes in place, then take them out again so the caller's tree is unchanged.

    Inserted nodes carry no tail and UBLExtensions takes over root.text as its tail, so removing them with their
    tails kept (§1) gives back exactly the unsigned document: the hash of the output equals the unsigned hash.
    """
    text, inserted = root.text, []
    try:
        if extensions is not None:
            extensions.tail, root.text = text, None
            root.insert(0, extensions)
            inserted.append(extensions)
        pih.addnext(qr)  # lxml inserts after the PIH's tail, so the PIH keeps its own whitespace
        inserted.append(qr)
        if signature is not None:
            supplier.addprevious(signature)
            inserted.append(signature)
        body: bytes = etree.tostring(root, encoding="UTF-8")  # lxml writes no declaration for UTF-8; add the SDK's
        return _DECLARATION + body
    finally:
        for node in inserted:
            root.remove(node)  # takes the node's own (empty or moved) tail along
        root.text = text


def signing_moment(signing_time: datetime) -> str:
    """xades:SigningTime: an instant in Saudi time, like IssueTime; §3: no zone, no fraction.

    A naive value is taken as the wall-clock text it already is (the SDK's test vectors are reproduced that way).
    """
    local = signing_time if signing_time.utcoffset() is None else saudi_time(signing_time)
    return local.strftime("%Y-%m-%dT%H:%M:%S")


def _fill_extensions(identity: SigningIdentity, digest: str, signature: str, signing_time: datetime) -> etree._Element:
    extensions = copy.deepcopy(_facts(identity.certificate_b64).extensions)
    _slot(extensions, "signing_time").text = signing_moment(signing_time)
    _slot(extensions, "properties_digest").text = signed_properties_digest(_slot(extensions, "signed_properties"))
    _slot(extensions, "invoice_digest").text = digest
    _slot(extensions, "signature_value").text = signature
    return extensions


def stamp(unsigned: etree._Element, identity: SigningIdentity, *, signing_time: datetime, simplified: bool) -> Stamped:
    """Hash, sign and QR-stamp an unsigned invoice (§3 "order of work"); `unsigned` itself is left unchanged.

    signing_time is written as its wall-clock time without zone; pass it in the zone the invoice's IssueTime uses.
    """
    pih, supplier = _anchors(unsigned, simplified)
    digest = digest_of(unsigned)  # no excluded nodes yet, so this is the §1 hash as is
    signature = base64.b64encode(identity.sign_hash(base64.b64decode(digest))).decode("ascii")
    tags = phase2_tags(*document_fields(unsigned), invoice_hash=digest, signature=signature,
                       public_key=identity.public_key_der,
                       certificate_signature=identity.certificate_signature if simplified else None)
    qr = encode_tlv(tags)
    extensions = _fill_extensions(identity, digest, signature, signing_time)
    xml = _serialize(unsigned, pih, supplier, _qr_node(qr), copy.deepcopy(_SIGNATURE_NODE), extensions)
    return Stamped(xml=xml, invoice_hash=digest, signature=signature, qr=qr)


def stamp_phase1(unsigned: etree._Element, *, simplified: bool) -> Stamped:
    """Phase 1 (generation): no signature, only the hash for the PIH chain and a QR with tags 1-5."""
    pih, supplier = _anchors(unsigned, simplified)
    digest = digest_of(unsigned)
    qr = encode_tlv(phase1_tags(*document_fields(unsigned)))
    xml = _serialize(unsigned, pih, supplier, _qr_node(qr))
    return Stamped(xml=xml, invoice_hash=digest, signature="", qr=qr)


# Stamping the canonical text of `build_invoice_text` without a tree (the issuing path). The stamp nodes are cut
# once per certificate from what `_serialize` writes for a small document with marked values in their slots, so
# the output is the tree path's document: byte for byte, except that an empty element keeps its end tag as C14N
# writes it (a test holds the two equal under C14N and checks the stamp with the verifier).
_MARKS = {"invoice_digest": "@@INVOICE-DIGEST@@", "properties_digest": "@@PROPERTIES-DIGEST@@",
          "signature_value": "@@SIGNATURE@@", "signing_time": "@@SIGNING-TIME@@"}
_QR_MARK = "@@QR@@"
_PIH_END = "</cac:AdditionalDocumentReference>\n    "
_MINI = (f"{ROOT_START}\n    <cac:AdditionalDocumentReference>\n        <cbc:ID>PIH</cbc:ID>\n"
         f"    {_PIH_END}<cac:AccountingSupplierParty></cac:AccountingSupplierParty>\n</Invoice>")
_SUPPLIER_START = b"<cac:AccountingSupplierParty>"


def _to_format(text: str, marks: list[str]) -> tuple[str, tuple[str, ...]]:
    """`text` as a %-format whose fields stand where the marks were, and the marks in field order."""
    pattern = re.compile("|".join(re.escape(mark) for mark in marks))
    order = tuple(match.group(0) for match in pattern.finditer(text))
    return pattern.sub("%s", text.replace("%", "%%")), order


@dataclass(frozen=True)
class _TextStamp:
    extensions: str  # %-format of ext:UBLExtensions, fields in `extension_fields` order
    extension_fields: tuple[str, ...]
    qr: str  # %-format of the QR reference (one field)
    signature: str  # cac:Signature, as written
    properties: tuple[bytes, bytes]  # the canonical SignedProperties before and after the signing time


def _cut(xml: bytes) -> tuple[str, str]:
    """(what follows the root start tag up to the PIH reference, what stands between PIH and the supplier)."""
    text = xml.decode("utf-8").removeprefix(_DECLARATION.decode("ascii"))
    head, rest = text[len(ROOT_START):].split("\n    <cac:AdditionalDocumentReference>", 1)
    between = rest.split(_PIH_END, 1)[1].split("<cac:AccountingSupplierParty", 1)[0]
    return head, between


@lru_cache(maxsize=32)
def _text_stamp(certificate_b64: str | None) -> _TextStamp:
    mini = parse_document(_MINI.encode("utf-8"))
    _, qr = _cut(_serialize(mini, mini[0], mini[1], _qr_node(_QR_MARK)))
    if certificate_b64 is None:
        return _TextStamp("", (), qr.replace("%", "%%").replace(_QR_MARK, "%s"), "", (b"", b""))
    extensions = copy.deepcopy(_facts(certificate_b64).extensions)
    for slot, mark in _MARKS.items():
        _slot(extensions, slot).text = mark
    canonical = etree.tostring(_slot(extensions, "signed_properties"), method="c14n", exclusive=True)
    before, after = _EMPTY_DIGEST_METHOD.sub(rb"\1/>", canonical).split(_MARKS["signing_time"].encode("ascii"))
    head, between = _cut(_serialize(mini, mini[0], mini[1], _qr_node(_QR_MARK), copy.deepcopy(_SIGNATURE_NODE),
                                    extensions))
    if not between.startswith(qr):
        raise RuntimeError("the stamp layout changed: the QR reference no longer precedes cac:Signature")
    ext_format, fields = _to_format(head, list(_MARKS.values()))
    return _TextStamp(ext_format, fields, qr.replace("%", "%%").replace(_QR_MARK, "%s"), between[len(qr):],
                      (before, after))


def _splice(unsigned: UnsignedInvoice, raw: bytes, extensions: str, stamp_nodes: str) -> bytes:
    """The document with UBLExtensions first and the QR reference (and cac:Signature) before the supplier."""
    at = raw.index(_SUPPLIER_START)  # byte offset: unsigned.supplier_at counts characters
    start = len(ROOT_START)  # ASCII
    return b"".join((_DECLARATION, raw[:start], extensions.encode("ascii"), raw[start:at],
                     stamp_nodes.encode("ascii"), raw[at:]))


def stamp_text(unsigned: UnsignedInvoice, identity: SigningIdentity, *, signing_time: datetime) -> Stamped:
    """`stamp` for the canonical text of `build_invoice_text`: the same document, without building a tree.

    The text is canonical already, so the invoice hash is the SHA-256 of its bytes (§1), and the stamp nodes are
    spliced in as text. signing_time is written as its wall-clock time without zone, like `stamp`.
    """
    raw = unsigned.text.encode("utf-8")
    digest_bytes = hashlib.sha256(raw).digest()
    digest = base64.b64encode(digest_bytes).decode("ascii")
    signature = base64.b64encode(identity.sign_hash(digest_bytes)).decode("ascii")
    tags = phase2_tags(*unsigned.qr_fields, invoice_hash=digest, signature=signature,
                       public_key=identity.public_key_der,
                       certificate_signature=identity.certificate_signature if unsigned.simplified else None)
    qr = encode_tlv(tags)
    layout = _text_stamp(identity.certificate_b64)
    moment = signing_moment(signing_time)
    values = {_MARKS["invoice_digest"]: digest, _MARKS["signature_value"]: signature, _MARKS["signing_time"]: moment,
              _MARKS["properties_digest"]: _b64_hex_sha256(moment.encode("ascii").join(layout.properties))}
    extensions = layout.extensions % tuple(values[field] for field in layout.extension_fields)
    xml = _splice(unsigned, raw, extensions, layout.qr % qr + layout.signature)
    return Stamped(xml=xml, invoice_hash=digest, signature=signature, qr=qr)


def stamp_phase1_text(unsigned: UnsignedInvoice) -> Stamped:
    """`stamp_phase1` for the canonical text of `build_invoice_text`."""
    raw = unsigned.text.encode("utf-8")
    digest = base64.b64encode(hashlib.sha256(raw).digest()).decode("ascii")
    qr = encode_tlv(phase1_tags(*unsigned.qr_fields))
    return Stamped(xml=_splice(unsigned, raw, "", _text_stamp(None).qr % qr), invoice_hash=digest, signature="",
                   qr=qr)
