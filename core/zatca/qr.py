"""ZATCA QR code (KSA-14, ALGORITHM.md §4): TLV encoding, decoding and the tag layout the SDK samples use."""

from __future__ import annotations

import base64
import binascii

from lxml import etree

from core.zatca.hashing import NS

TAG_NAMES = {
    1: "Seller name",
    2: "VAT registration number",
    3: "Timestamp",
    4: "Invoice total (with VAT)",
    5: "VAT total",
    6: "Invoice hash",
    7: "ECDSA signature",
    8: "ECDSA public key",
    9: "Certificate signature (ZATCA CA)",
}
_BINARY_TAGS = frozenset({8, 9})  # raw DER; every other SDK tag is UTF-8 text (§4)

_SELLER = "cac:AccountingSupplierParty/cac:Party/"
_FIELDS = {
    "seller name": etree.XPath(f"string({_SELLER}cac:PartyLegalEntity/cbc:RegistrationName)", namespaces=NS),
    "seller VAT number": etree.XPath(f"string({_SELLER}cac:PartyTaxScheme/cbc:CompanyID)", namespaces=NS),
    "issue date": etree.XPath("string(cbc:IssueDate)", namespaces=NS),
    "issue time": etree.XPath("string(cbc:IssueTime)", namespaces=NS),
    "payable amount": etree.XPath("string(cac:LegalMonetaryTotal/cbc:PayableAmount)", namespaces=NS),
    # §4: the *first* TaxTotal (the one in SAR, without subtotals), even on foreign-currency invoices.
    "VAT total": etree.XPath("string(cac:TaxTotal[1]/cbc:TaxAmount)", namespaces=NS),
}
_TYPE_NAME = etree.XPath("string(cbc:InvoiceTypeCode/@name)", namespaces=NS)


def encode_tlv(tags: dict[int, bytes]) -> str:
    """Base64 of the concatenated tag/length/value triples, tags in ascending order (§4)."""
    out = bytearray()
    for tag in sorted(tags):
        value = tags[tag]
        if not 1 <= tag <= 255:
            raise ValueError(f"QR tag {tag} is outside 1-255")
        if len(value) > 255:
            raise ValueError(f"QR tag {tag} ({TAG_NAMES.get(tag, 'unknown')}) is {len(value)} bytes; at most 255 fit")
        out += bytes((tag, len(value))) + value
    return base64.b64encode(bytes(out)).decode("ascii")


def decode_tlv(b64: str) -> dict[int, bytes]:
    """Parse a base64 TLV string; ValueError with a readable message on anything malformed."""
    try:
        raw = base64.b64decode(b64.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"QR is not valid base64: {exc}") from None
    if not raw:
        raise ValueError("QR is empty")
    tags: dict[int, bytes] = {}
    pos = 0
    while pos < len(raw):
        if pos + 2 > len(raw):
            raise ValueError(f"QR is truncated: a tag starts at byte {pos} but its length byte is missing")
        tag, length = raw[pos], raw[pos + 1]
        end = pos + 2 + length
        if end > len(raw):
            raise ValueError(f"QR is truncated: tag {tag} declares {length} bytes, only {len(raw) - pos - 2} follow")
        if tag == 0 or tag in tags:
            raise ValueError(f"QR has an invalid or repeated tag {tag} at byte {pos}")
        tags[tag] = raw[pos + 2 : end]
        pos = end
    return tags


def _printable(tag: int, value: bytes) -> str:
    if tag not in _BINARY_TAGS:
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return base64.b64encode(value).decode("ascii")


def describe(tags: dict[int, bytes]) -> dict[str, str]:
    """Human names and printable values; tags 8 and 9 (and any non-UTF-8 value) shown as base64."""
    return {TAG_NAMES.get(tag, f"Tag {tag}"): _printable(tag, value) for tag, value in sorted(tags.items())}


def phase1_tags(seller_name: str, vat_number: str, timestamp: str, total: str, vat_total: str) -> dict[int, bytes]:
    """Tags 1-5, each the UTF-8 of the literal document text (§4: amounts are not reformatted)."""
    texts = (seller_name, vat_number, timestamp, total, vat_total)
    return {tag: text.encode("utf-8") for tag, text in enumerate(texts, start=1)}


def phase2_tags(
    seller_name: str,
    vat_number: str,
    timestamp: str,
    total: str,
    vat_total: str,
    *,
    invoice_hash: str,
    signature: str,
    public_key: bytes,
    certificate_signature: bytes | None = None,
) -> dict[int, bytes]:
    """Tags 1-8 (+9 for simplified documents) laid out as the SDK samples do (§4).

    Tags 6 and 7 carry the ASCII base64 *text* of the hash and signature, not their raw bytes (§4 pitfalls);
    tag 8 is the SubjectPublicKeyInfo DER and tag 9 the certificate's own signature DER.
    """
    tags = phase1_tags(seller_name, vat_number, timestamp, total, vat_total)
    tags[6] = invoice_hash.encode("ascii")
    tags[7] = signature.encode("ascii")
    tags[8] = public_key
    if certificate_signature is not None:
        tags[9] = certificate_signature
    return tags


def document_fields(root: etree._Element) -> tuple[str, str, str, str, str]:
    """Seller name, VAT number, IssueDate+'T'+IssueTime, PayableAmount and first TaxAmount text (§4 tags 1-5)."""
    values = {name: str(xpath(root)) for name, xpath in _FIELDS.items()}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ValueError(f"the invoice has no {', '.join(missing)} for the QR code")
    timestamp = f"{values['issue date']}T{values['issue time']}"  # §4: no 'Z', as in the SDK samples
    return (values["seller name"], values["seller VAT number"], timestamp, values["payable amount"],
            values["VAT total"])


def is_simplified(root: etree._Element) -> bool | None:
    """True/False from InvoiceTypeCode/@name (simplified names start with '02'); None when the name is absent."""
    name = str(_TYPE_NAME(root))
    return name.startswith("02") if name else None
