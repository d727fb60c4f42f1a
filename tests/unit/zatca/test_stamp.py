"""The cryptographic stamp against the 19 signed SDK samples: hash, digests, signature, QR, round trip, tampering."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path

import coincurve
import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.hashes import SHA256
from lxml import etree

from core.zatca.hashing import FIRST_PIH, NS, invoice_hash
from core.zatca.qr import decode_tlv, describe, encode_tlv, phase1_tags, phase2_tags
from core.zatca.signing import SigningIdentity, Stamped, signed_properties_digest, stamp, stamp_phase1
from core.zatca.verify import verify_stamp
from tests.support.schematron import SHARED, official_xsd, run_schematron, sample_files

CERTS = SHARED / "sdk" / "Data" / "Certificates"
SAMPLES = sample_files()
IDS = [path.stem.replace(" ", "_") for path in SAMPLES]
DIGEST = "//ds:Reference[@Id='invoiceSignedData']/ds:DigestValue"
PROPERTIES_DIGEST = "//ds:Reference[@URI='#xadesSignedProperties']/ds:DigestValue"
QR = "/*/cac:AdditionalDocumentReference[cbc:ID='QR']/cac:Attachment/cbc:EmbeddedDocumentBinaryObject"
STAMP_NODES = ("ext:UBLExtensions", "cac:Signature", "cac:AdditionalDocumentReference[cbc:ID='QR']")
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)

samples = pytest.mark.parametrize("path", SAMPLES, ids=IDS)


def parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml, PARSER)


def text(root: etree._Element, path: str) -> str:
    return str(root.xpath(f"string({path})", namespaces=NS))


def unsigned(path: Path) -> etree._Element:
    """The sample without its three stamp nodes; their tails stay in the document (ALGORITHM.md §1)."""
    root = parse(path.read_bytes())
    for xpath in STAMP_NODES:
        for node in root.xpath(xpath, namespaces=NS):
            previous = node.getprevious()
            if previous is None:
                root.text = (root.text or "") + (node.tail or "")
            else:
                previous.tail = (previous.tail or "") + (node.tail or "")
            root.remove(node)
    return root


@lru_cache(maxsize=1)
def sdk_identity() -> SigningIdentity:
    key, cert = (CERTS / "ec-secp256k1-priv-key.pem").read_bytes(), (CERTS / "cert.pem").read_bytes()
    return SigningIdentity.from_pem(key, cert)


def is_simplified(root: etree._Element) -> bool:
    return text(root, "cbc:InvoiceTypeCode/@name").startswith("02")


def signing_time(root: etree._Element) -> datetime:
    return datetime.fromisoformat(text(root, "//xades:SigningTime"))


def ecdsa_ok(certificate_b64: str, signature_b64: str, hash_b64: str) -> bool:
    """Independent check with plain `cryptography`: ECDSA-SHA256 over the 32 raw hash bytes (§3)."""
    key = x509.load_der_x509_certificate(base64.b64decode(certificate_b64)).public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey)
    try:
        key.verify(base64.b64decode(signature_b64), base64.b64decode(hash_b64), ec.ECDSA(SHA256()))
    except InvalidSignature:
        return False
    return True


@cache
def stamped_sample(path: Path) -> Stamped:
    root = parse(path.read_bytes())
    return stamp(unsigned(path), sdk_identity(), signing_time=signing_time(root), simplified=is_simplified(root))


# --- the samples as golden vectors -------------------------------------------------------------------------------


@samples
def test_invoice_hash_reproduces_the_sample_digest(path: Path) -> None:
    xml = path.read_bytes()
    root = parse(xml)
    before = etree.tostring(root)
    assert invoice_hash(xml) == text(root, DIGEST)
    assert invoice_hash(root) == text(root, DIGEST)
    assert etree.tostring(root) == before, "invoice_hash must leave the caller's tree as it was"
    assert invoice_hash(unsigned(path)) == text(root, DIGEST)


@samples
def test_verify_accepts_the_sample(path: Path) -> None:
    xml = path.read_bytes()
    assert verify_stamp(xml) == []
    root = parse(xml)
    certificate = text(root, "//ds:X509Certificate")
    assert ecdsa_ok(certificate, text(root, "//ds:SignatureValue"), text(root, DIGEST))


@samples
def test_cert_and_signed_properties_digests_match_the_sample(path: Path) -> None:
    root = parse(path.read_bytes())
    identity = sdk_identity()
    assert identity.certificate_b64 == text(root, "//ds:X509Certificate")
    assert identity.cert_digest == text(root, "//xades:CertDigest/ds:DigestValue")
    assert identity.issuer_name == text(root, "//ds:X509IssuerName")
    assert str(identity.serial_number) == text(root, "//ds:X509SerialNumber")
    signed_properties = root.xpath("//xades:SignedProperties", namespaces=NS)[0]
    assert signed_properties_digest(signed_properties) == text(root, PROPERTIES_DIGEST)


@samples
def test_qr_builder_reproduces_the_sample_qr(path: Path) -> None:
    root = parse(path.read_bytes())
    identity = sdk_identity()
    seller = "cac:AccountingSupplierParty/cac:Party/"
    built = phase2_tags(
        text(root, f"{seller}cac:PartyLegalEntity/cbc:RegistrationName"),
        text(root, f"{seller}cac:PartyTaxScheme/cbc:CompanyID"),
        text(root, "cbc:IssueDate") + "T" + text(root, "cbc:IssueTime"),
        text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount"),
        text(root, "cac:TaxTotal[1]/cbc:TaxAmount"),
        invoice_hash=text(root, DIGEST),
        signature=text(root, "//ds:SignatureValue"),
        public_key=identity.public_key_der,
        certificate_signature=identity.certificate_signature if is_simplified(root) else None,
    )
    sample = decode_tlv(text(root, QR))
    stamp_tags = (6, 7, 8, 9)
    assert {t: sample[t] for t in stamp_tags if t in sample} == {t: built[t] for t in stamp_tags if t in built}
    assert sample == built
    assert encode_tlv(built) == text(root, QR)


def test_first_pih_is_the_sdk_literal() -> None:
    assert base64.b64encode(hashlib.sha256(b"0").hexdigest().encode()).decode() == FIRST_PIH
    assert all(f">{FIRST_PIH}<" in path.read_text("utf-8") for path in SAMPLES)


# --- round trip: strip, stamp with the SDK key, check ------------------------------------------------------------


@samples
def test_round_trip_stamp_verifies(path: Path) -> None:
    original = parse(path.read_bytes())
    tree = unsigned(path)
    before = etree.tostring(tree)
    result = stamp(tree, sdk_identity(), signing_time=signing_time(original), simplified=is_simplified(original))
    assert etree.tostring(tree) == before, "stamp must leave the unsigned tree as it was"
    assert result.xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Invoice')
    assert verify_stamp(result.xml) == []
    assert invoice_hash(result.xml) == result.invoice_hash == text(original, DIGEST)
    stamped = parse(result.xml)
    assert official_xsd().validate(stamped), official_xsd().error_log
    assert ecdsa_ok(sdk_identity().certificate_b64, result.signature, result.invoice_hash)
    # Same certificate and signing time as the sample, so the SDK layout gives the sample's SignedProperties digest.
    assert text(stamped, PROPERTIES_DIGEST) == text(original, PROPERTIES_DIGEST)
    assert text(stamped, QR) == result.qr
    tags = decode_tlv(result.qr)
    assert tags[6] == result.invoice_hash.encode() and tags[7] == result.signature.encode()
    assert (9 in tags) == is_simplified(original)


@samples
def test_round_trip_passes_the_schematron(path: Path) -> None:
    errors = [f"{a.rule}: {a.text}" for a in run_schematron(stamped_sample(path).xml) if a.is_error]
    assert errors == []


def test_stamped_nodes_sit_where_the_sdk_puts_them() -> None:
    root = parse(stamped_sample(SAMPLES[IDS.index("Standard_Invoice")]).xml)
    names = [etree.QName(child).localname + (f"[{text(child, 'cbc:ID')}]" if "Reference" in child.tag else "")
             for child in root]
    assert names[0] == "UBLExtensions"
    position = names.index("AdditionalDocumentReference[PIH]")
    assert names[position + 1 : position + 4] == ["AdditionalDocumentReference[QR]", "Signature",
                                                  "AccountingSupplierParty"]


def test_stamp_refuses_a_stamped_or_contradictory_invoice() -> None:
    path = SAMPLES[IDS.index("Simplified_Invoice")]
    time = datetime(2025, 1, 1, 12, 0, 0)
    with pytest.raises(ValueError, match="already carries"):
        stamp(parse(path.read_bytes()), sdk_identity(), signing_time=time, simplified=True)
    with pytest.raises(ValueError, match="contradicts"):
        stamp(unsigned(path), sdk_identity(), signing_time=time, simplified=False)


# --- tampering ---------------------------------------------------------------------------------------------------


def test_changed_amount_is_reported_as_hash_mismatch() -> None:
    result = stamped_sample(SAMPLES[IDS.index("Standard_Invoice")])
    root = parse(result.xml)
    amount = root.xpath("cac:InvoiceLine[1]/cbc:LineExtensionAmount", namespaces=NS)[0]
    amount.text = "9999.00"
    problems = verify_stamp(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    assert len(problems) == 1 and "does not match the signed DigestValue" in problems[0], problems


def test_changed_payable_amount_also_breaks_the_qr() -> None:
    result = stamped_sample(SAMPLES[IDS.index("Simplified_Invoice")])
    payable = b'<cbc:PayableAmount currencyID="SAR">'
    tampered = result.xml.replace(payable + b"231.15<", payable + b"1.15<")
    assert tampered != result.xml
    problems = verify_stamp(tampered)
    assert any("invoice hash" in problem for problem in problems)
    assert any(problem.startswith("QR tag 4") for problem in problems)


def test_signature_from_another_key_is_reported() -> None:
    path = SAMPLES[IDS.index("Standard_Invoice")]
    impostor = SigningIdentity(coincurve.PrivateKey().secret, sdk_identity().certificate_b64)
    result = stamp(unsigned(path), impostor, signing_time=datetime(2025, 1, 1), simplified=False)
    problems = verify_stamp(result.xml)
    assert problems == ["The SignatureValue is not a valid signature of the invoice hash by the embedded "
                        "certificate's key."]
    assert not ecdsa_ok(sdk_identity().certificate_b64, result.signature, result.invoice_hash)


def test_edited_signed_properties_and_cert_digest_are_reported() -> None:
    xml = stamped_sample(SAMPLES[IDS.index("Standard_Invoice")]).xml
    root = parse(xml)
    root.xpath("//xades:SigningTime", namespaces=NS)[0].text = "2030-01-01T00:00:00"
    root.xpath("//xades:CertDigest/ds:DigestValue", namespaces=NS)[0].text = base64.b64encode(b"x" * 64).decode()
    problems = verify_stamp(etree.tostring(root))
    assert any(problem.startswith("The SignedProperties digest") for problem in problems), problems
    assert any(problem.startswith("The CertDigest") for problem in problems), problems


def test_verify_explains_unreadable_or_unsigned_input() -> None:
    assert "not well-formed" in verify_stamp(b"<Invoice")[0]
    phase1 = stamp_phase1(unsigned(SAMPLES[IDS.index("Standard_Invoice")]), simplified=False)
    assert "no XAdES signature" in verify_stamp(phase1.xml)[0]


# --- QR TLV ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("garbage", ["", "not base64 at all!", "AQ==", base64.b64encode(b"\x01\x05abc").decode(),
                                     base64.b64encode(b"\x01\x01a\x01\x01b").decode()])
def test_decode_rejects_garbage(garbage: str) -> None:
    with pytest.raises(ValueError, match="QR"):
        decode_tlv(garbage)


def test_encode_refuses_a_value_over_255_bytes() -> None:
    assert decode_tlv(encode_tlv({1: b"x" * 255})) == {1: b"x" * 255}
    with pytest.raises(ValueError, match="tag 1 "):
        encode_tlv({1: b"x" * 256})


def test_tlv_round_trip_and_description() -> None:
    tags = phase2_tags("شركة | Co", "399999999900003", "2022-08-17T17:41:08", "231.15", "30.15",
                       invoice_hash="h" * 44, signature="s" * 96, public_key=b"\x30\x56", certificate_signature=b"\x00")
    assert decode_tlv(encode_tlv(tags)) == tags
    shown = describe(tags)
    assert shown["Seller name"] == "شركة | Co" and shown["VAT total"] == "30.15"
    assert shown["ECDSA public key"] == "MFY=" and shown["Certificate signature (ZATCA CA)"] == "AA=="
    assert list(phase1_tags("a", "b", "c", "d", "e")) == [1, 2, 3, 4, 5]


# --- phase 1 and identities --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Simplified_Invoice", "Standard_Credit_Note"])
def test_phase1_stamp_has_tags_1_to_5_and_no_signature(name: str) -> None:
    path = SAMPLES[IDS.index(name)]
    original = parse(path.read_bytes())
    result = stamp_phase1(unsigned(path), simplified=is_simplified(original))
    root = parse(result.xml)
    assert root.find("ext:UBLExtensions", NS) is None and root.find("cac:Signature", NS) is None
    assert sorted(decode_tlv(result.qr)) == [1, 2, 3, 4, 5] and text(root, QR) == result.qr
    assert result.signature == ""
    assert invoice_hash(result.xml) == result.invoice_hash == text(original, DIGEST)
    assert official_xsd().validate(root), official_xsd().error_log


def armour(label: str, data: bytes) -> bytes:
    body = base64.b64encode(base64.b64decode(data)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""]).encode()


def test_identity_loads_armoured_and_bare_files_alike() -> None:
    key, cert = (CERTS / "ec-secp256k1-priv-key.pem").read_bytes(), (CERTS / "cert.pem").read_bytes()
    armoured = SigningIdentity.from_pem(armour("EC PRIVATE KEY", key), armour("CERTIFICATE", cert))
    assert armoured == sdk_identity()
    assert len(armoured.private_key) == 32 and "private_key" not in repr(armoured)
    other = ec.generate_private_key(ec.SECP256K1())
    pkcs8 = other.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    with pytest.raises(ValueError, match="does not belong"):
        SigningIdentity.from_pem(base64.b64encode(pkcs8), cert)
    with pytest.raises(ValueError, match="private key"):
        SigningIdentity.from_pem(b"not a key", cert)
    with pytest.raises(ValueError, match="certificate"):
        SigningIdentity.from_pem(key, b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
