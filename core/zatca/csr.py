"""EGS onboarding inputs: the secp256k1 key and the certificate signing request ZATCA expects (ALGORITHM.md §5)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID, ObjectIdentifier

from core.errors import ValidationError
from core.findings import Finding

ENVIRONMENTS = ("sandbox", "simulation", "production")
TEMPLATE_OID = ObjectIdentifier("1.3.6.1.4.1.311.20.2")  # Microsoft certificate-template name
_UTF8_STRING, _PRINTABLE_STRING = 0x0C, 0x13
_VAT = re.compile(r"3\d{13}3")
_SERIAL = re.compile(r"1-[^|]+\|2-[^|]+\|3-[^|]+")
_INVOICE_TYPE = re.compile(r"[01]{4}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_MAX_NAME = 64  # X.520 upper bound for CN, O and OU


@dataclass(frozen=True)
class CsrConfig:
    """The EGS unit's details, as in the SDK's csr-config properties files."""

    common_name: str
    serial_number: str  # "1-<maker>|2-<model>|3-<serial>"
    organization_identifier: str  # VAT number, 15 digits, starts and ends with 3
    organization_unit: str
    organization_name: str
    country: str = "SA"
    invoice_type: str = "1100"  # four 0/1 digits TSCZ: standard, simplified, (future), (future)
    location: str = ""
    industry: str = ""


def _finding(field: str, rule: str, texts: tuple[str, str, str, str]) -> Finding:
    message, fix, message_ar, fix_ar = texts
    return Finding(rule=rule, field=field, message=message, fix=fix, message_ar=message_ar, fix_ar=fix_ar)


def _required(config: CsrConfig) -> list[Finding]:
    labels = {
        "common_name": ("EGS unit name (CN)", "اسم وحدة الفوترة (CN)"),
        "organization_name": ("organization name (O)", "اسم المنشأة (O)"),
        "organization_unit": ("branch or organization unit (OU)", "الفرع أو الوحدة التنظيمية (OU)"),
        "location": ("branch address", "عنوان الفرع"),
        "industry": ("industry or business category", "النشاط التجاري"),
    }
    found = []
    for field, (en, ar) in labels.items():
        value = getattr(config, field).strip()
        if not value:
            found.append(_finding(field, "QAYD-CSR-REQUIRED", (
                f"The {en} is missing.", f"Enter the {en}.", f"{ar} مفقود.", f"أدخل {ar}.")))
        elif len(value) > _MAX_NAME and field in ("common_name", "organization_name", "organization_unit"):
            found.append(_finding(field, "QAYD-CSR-LENGTH", (
                f"The {en} is longer than {_MAX_NAME} characters.", f"Shorten it to {_MAX_NAME} characters or fewer.",
                f"{ar} أطول من {_MAX_NAME} حرفًا.", f"اختصره إلى {_MAX_NAME} حرفًا أو أقل.")))
    return found


def _vat(config: CsrConfig) -> list[Finding]:
    vat = config.organization_identifier
    if not _VAT.fullmatch(vat):
        return [_finding("organization_identifier", "QAYD-CSR-VAT", (
            "The VAT registration number must be 15 digits that start and end with 3.",
            "Copy the VAT number exactly as shown on the VAT registration certificate.",
            "رقم التسجيل الضريبي يجب أن يتكون من 15 رقمًا يبدأ وينتهي بالرقم 3.",
            "انسخ الرقم الضريبي كما يظهر في شهادة التسجيل في ضريبة القيمة المضافة."))]
    # A VAT group (11th digit 1) names the member's 10-digit TIN as the unit.
    if vat[10] == "1" and not re.fullmatch(r"\d{10}", config.organization_unit):
        return [_finding("organization_unit", "QAYD-CSR-GROUP-TIN", (
            "For a VAT group, the organization unit must be the member's 10-digit TIN.",
            "Enter the 10-digit tax identification number of the group member.",
            "في مجموعة ضريبية يجب أن تكون الوحدة التنظيمية هي الرقم المميز للعضو المكون من 10 أرقام.",
            "أدخل الرقم المميز لعضو المجموعة المكون من 10 أرقام."))]
    return []


def _formats(config: CsrConfig) -> list[Finding]:
    found = []
    if not _SERIAL.fullmatch(config.serial_number):
        found.append(_finding("serial_number", "QAYD-CSR-SERIAL", (
            "The EGS serial number must have the form 1-<maker>|2-<model>|3-<serial>.",
            "Write it like 1-Qayd|2-Desktop|3-<unique device id>.",
            "الرقم التسلسلي للوحدة يجب أن يكون بالصيغة 1-<المصنع>|2-<الطراز>|3-<الرقم التسلسلي>.",
            "اكتبه مثل 1-Qayd|2-Desktop|3-<معرف الجهاز>.")))
    if not _INVOICE_TYPE.fullmatch(config.invoice_type) or config.invoice_type[:2] == "00":
        found.append(_finding("invoice_type", "QAYD-CSR-INVOICE-TYPE", (
            "The invoice type must be four 0/1 digits (standard, simplified, two reserved) with at least one of "
            "the first two set.",
            "Use 1000 for standard only, 0100 for simplified only, or 1100 for both.",
            "نوع الفواتير يجب أن يكون أربعة أرقام من 0 و1 (قياسية، مبسطة، رقمان محجوزان) مع تفعيل أحد الأولين.",
            "استخدم 1000 للقياسية فقط أو 0100 للمبسطة فقط أو 1100 للنوعين.")))
    if not _COUNTRY.fullmatch(config.country):
        found.append(_finding("country", "QAYD-CSR-COUNTRY", (
            "The country must be a two-letter ISO 3166 code.", "Use SA.",
            "الدولة يجب أن تكون رمزًا من حرفين وفق ISO 3166.", "استخدم SA.")))
    return found


def validate_csr_config(config: CsrConfig) -> list[Finding]:
    """Every problem in the config at once, each with the field, the rule and the fix in English and Arabic."""
    return [*_required(config), *_vat(config), *_formats(config)]


def generate_private_key() -> bytes:
    """A fresh secp256k1 secret scalar, 32 raw big-endian bytes."""
    key = ec.generate_private_key(ec.SECP256K1())
    return key.private_numbers().private_value.to_bytes(32, "big")


def _load(secret: bytes) -> ec.EllipticCurvePrivateKey:
    if len(secret) != 32:
        raise ValueError("a secp256k1 secret is 32 bytes")
    return ec.derive_private_key(int.from_bytes(secret, "big"), ec.SECP256K1())


def private_key_pem(secret: bytes) -> bytes:
    """The key as SEC1 PEM ("EC PRIVATE KEY"), the layout of the SDK's key file."""
    return _load(secret).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )


def _template_value(environment: str) -> bytes:
    # DER of the template name: production uses a UTF8String, the test portals a PrintableString (as Odoo does).
    name, tag = ("ZATCA-Code-Signing", _UTF8_STRING) if environment == "production" else (
        "PREZATCA-Code-Signing", _PRINTABLE_STRING)
    raw = name.encode("ascii")
    return bytes([tag, len(raw)]) + raw  # short-form length: the names are under 128 bytes


def _subject(config: CsrConfig) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, config.country),
        x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, config.organization_identifier),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, config.organization_unit),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, config.organization_name),
        x509.NameAttribute(NameOID.COMMON_NAME, config.common_name),
    ])


def _alt_name(config: CsrConfig) -> x509.SubjectAlternativeName:
    # One attribute per RDN, in the SDK certificate's order: SN, UID, title, registeredAddress, businessCategory.
    directory = x509.Name([
        x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.SURNAME, config.serial_number)]),
        x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.USER_ID, config.organization_identifier)]),
        x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.TITLE, config.invoice_type)]),
        x509.RelativeDistinguishedName([x509.NameAttribute(ObjectIdentifier("2.5.4.26"), config.location)]),
        x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.BUSINESS_CATEGORY, config.industry)]),
    ])
    return x509.SubjectAlternativeName([x509.DirectoryName(directory)])


def build_csr(config: CsrConfig, secret: bytes, environment: str) -> bytes:
    """The PEM CSR for the environment ("sandbox", "simulation" or "production"), signed ECDSA-SHA256."""
    if environment not in ENVIRONMENTS:
        raise ValueError(f"unknown ZATCA environment {environment!r}; expected one of {ENVIRONMENTS}")
    findings = validate_csr_config(config)
    if findings:
        raise ValidationError("The EGS onboarding details", findings)
    builder = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(_subject(config))
        .add_extension(x509.UnrecognizedExtension(TEMPLATE_OID, _template_value(environment)), critical=False)
        .add_extension(_alt_name(config), critical=False)
    )
    return builder.sign(_load(secret), hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
