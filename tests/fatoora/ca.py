"""The fake portal's certificate authority: issues CSIDs on secp256k1, copying subject and SAN from the CSR."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

TEMPLATE_OID = ObjectIdentifier("1.3.6.1.4.1.311.20.2")
TEMPLATES = {b"\x0c\x12ZATCA-Code-Signing", b"\x13\x15PREZATCA-Code-Signing"}


class FakeCA:
    """A self-signed test CA; named like ZATCA's issuing CAs so certificates look familiar in logs."""

    def __init__(self, now: datetime) -> None:
        self.key = ec.generate_private_key(ec.SECP256K1())
        name = x509.Name([
            x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "local"),
            x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "fake"),
            x509.NameAttribute(NameOID.COMMON_NAME, "FAKEFATOORA-CA"),
        ])
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(self.key, hashes.SHA256())
        )

    def issue(self, csr: x509.CertificateSigningRequest, *, now: datetime, validity: timedelta) -> x509.Certificate:
        """A code-signing certificate for the CSR's key, subject and SAN, valid from now for ``validity``."""
        san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return (
            x509.CertificateBuilder()
            .subject_name(csr.subject).issuer_name(self.certificate.subject)
            .public_key(csr.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(seconds=1)).not_valid_after(now + validity)
            .add_extension(san, critical=False)
            .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING, ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .sign(self.key, hashes.SHA256())
        )

    def issued(self, cert: x509.Certificate) -> bool:
        try:
            cert.verify_directly_issued_by(self.certificate)
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def san_fields(cert_or_csr: x509.Certificate | x509.CertificateSigningRequest) -> dict[str, str]:
    """The SAN DirName attributes by dotted OID (2.5.4.4 serial, 0.9.2342.19200300.100.1.1 VAT, 2.5.4.12 type…)."""
    try:
        san = cert_or_csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return {}
    fields: dict[str, str] = {}
    for name in san.get_values_for_type(x509.DirectoryName):
        for attribute in name:
            fields[attribute.oid.dotted_string] = str(attribute.value)
    return fields


SERIAL, VAT, INVOICE_TYPE = "2.5.4.4", "0.9.2342.19200300.100.1.1", "2.5.4.12"
