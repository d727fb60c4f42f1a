"""The EGS key and CSR: what ZATCA expects in the subject, the SAN and the certificate-template extension."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID, ObjectIdentifier, SignatureAlgorithmOID

from core.errors import ValidationError
from core.zatca.csr import CsrConfig, build_csr, generate_private_key, private_key_pem, validate_csr_config

CONFIG = CsrConfig(  # the SDK's csr-config-example-EN.properties
    common_name="TST-886431145-399999999900003",
    serial_number="1-TST|2-TST|3-ed22f1d8-e6a2-1118-9b58-d9a8f11e445f",
    organization_identifier="399999999900003",
    organization_unit="Riyadh Branch",
    organization_name="Maximum Speed Tech Supply LTD",
    country="SA",
    invoice_type="1100",
    location="RRRD2929",
    industry="Supply activities",
)
TEMPLATE = ObjectIdentifier("1.3.6.1.4.1.311.20.2")


@pytest.fixture(scope="module")
def secret() -> bytes:
    return generate_private_key()


def test_the_private_key_is_a_raw_secp256k1_scalar(secret: bytes) -> None:
    assert len(secret) == 32 and secret != generate_private_key()
    key = serialization.load_pem_private_key(private_key_pem(secret), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256K1)
    assert key.private_numbers().private_value == int.from_bytes(secret, "big")
    assert private_key_pem(secret).startswith(b"-----BEGIN EC PRIVATE KEY-----")


@pytest.mark.parametrize("environment", ["sandbox", "simulation", "production"])
def test_the_csr_parses_and_its_signature_verifies(secret: bytes, environment: str) -> None:
    csr = x509.load_pem_x509_csr(build_csr(CONFIG, secret, environment))
    assert csr.is_signature_valid
    assert csr.signature_algorithm_oid == SignatureAlgorithmOID.ECDSA_WITH_SHA256
    key = csr.public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256K1)
    own = serialization.load_pem_private_key(private_key_pem(secret), password=None)
    assert key.public_numbers() == own.public_key().public_numbers()  # type: ignore[union-attr]


def test_the_subject_names_the_unit_and_the_taxpayer(secret: bytes) -> None:
    subject = x509.load_pem_x509_csr(build_csr(CONFIG, secret, "production")).subject
    values = {a.oid: a.value for a in subject}
    assert values == {
        NameOID.COMMON_NAME: CONFIG.common_name,
        NameOID.ORGANIZATION_NAME: CONFIG.organization_name,
        NameOID.ORGANIZATIONAL_UNIT_NAME: CONFIG.organization_unit,
        NameOID.COUNTRY_NAME: "SA",
        NameOID.ORGANIZATION_IDENTIFIER: CONFIG.organization_identifier,
    }


def test_the_san_dirname_mirrors_the_sdk_certificate(secret: bytes) -> None:
    csr = x509.load_pem_x509_csr(build_csr(CONFIG, secret, "simulation"))
    san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    (directory,) = san.get_values_for_type(x509.DirectoryName)
    # Same order and one attribute per RDN, as in the SDK's cert.pem.
    assert [(a.oid.dotted_string, a.value) for a in directory] == [
        ("2.5.4.4", CONFIG.serial_number),
        ("0.9.2342.19200300.100.1.1", CONFIG.organization_identifier),
        ("2.5.4.12", "1100"),
        ("2.5.4.26", "RRRD2929"),
        ("2.5.4.15", "Supply activities"),
    ]


@pytest.mark.parametrize(("environment", "der"), [
    ("production", b"\x0c\x12ZATCA-Code-Signing"),  # UTF8String
    ("simulation", b"\x13\x15PREZATCA-Code-Signing"),  # PrintableString
    ("sandbox", b"\x13\x15PREZATCA-Code-Signing"),
])
def test_the_template_extension_depends_on_the_environment(secret: bytes, environment: str, der: bytes) -> None:
    extension = x509.load_pem_x509_csr(build_csr(CONFIG, secret, environment)).extensions.get_extension_for_oid(
        TEMPLATE)
    assert isinstance(extension.value, x509.UnrecognizedExtension)
    assert extension.value.value == der and not extension.critical


def test_arabic_names_are_kept_as_utf8(secret: bytes) -> None:
    arabic = replace(CONFIG, organization_name="شركة توريد التكنولوجيا بأقصى سرعة المحدودة", industry="أنشطة توريدات")
    csr = x509.load_pem_x509_csr(build_csr(arabic, secret, "simulation"))
    assert csr.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == arabic.organization_name


def test_the_sdk_example_config_is_valid() -> None:
    assert validate_csr_config(CONFIG) == []


def test_every_problem_is_reported_at_once() -> None:
    bad = replace(CONFIG, organization_identifier="123456789012345", serial_number="TST-0001", invoice_type="1200")
    findings = validate_csr_config(bad)
    assert {(f.field, f.rule) for f in findings} == {
        ("organization_identifier", "QAYD-CSR-VAT"),
        ("serial_number", "QAYD-CSR-SERIAL"),
        ("invoice_type", "QAYD-CSR-INVOICE-TYPE"),
    }
    assert all(f.is_error and f.fix and f.message_ar and f.fix_ar for f in findings)


@pytest.mark.parametrize(("changes", "field"), [
    ({"invoice_type": "0011"}, "invoice_type"),  # neither standard nor simplified
    ({"invoice_type": "110"}, "invoice_type"),
    ({"organization_identifier": "39999999990000"}, "organization_identifier"),  # 14 digits
    ({"organization_identifier": "399999999900004"}, "organization_identifier"),  # does not end with 3
    ({"organization_identifier": "399999999910003"}, "organization_unit"),  # VAT group needs a 10-digit TIN
    ({"common_name": " "}, "common_name"),
    ({"location": ""}, "location"),
    ({"industry": ""}, "industry"),
    ({"organization_name": "x" * 65}, "organization_name"),
    ({"country": "Saudi"}, "country"),
])
def test_single_problems(changes: dict[str, str], field: str) -> None:
    assert [f.field for f in validate_csr_config(replace(CONFIG, **changes))] == [field]


def test_a_vat_group_with_a_member_tin_is_valid() -> None:
    assert validate_csr_config(replace(CONFIG, organization_identifier="399999999910003",
                                       organization_unit="3999999999")) == []


def test_build_csr_refuses_an_invalid_config_or_environment(secret: bytes) -> None:
    with pytest.raises(ValidationError) as refused:
        build_csr(replace(CONFIG, invoice_type="2"), secret, "production")
    assert refused.value.findings[0].field == "invoice_type"
    with pytest.raises(ValueError, match="environment"):
        build_csr(CONFIG, secret, "core")
