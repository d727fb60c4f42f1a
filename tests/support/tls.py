"""Throwaway TLS material for test servers: a CA and a server certificate for localhost and 127.0.0.1.

    ca = TestCA("Qayd Test CA")
    files = ca.write_server_files(folder, hosts=("localhost", "127.0.0.1"), owner=(uid, gid))
    files.ca_cert     # give to clients: sslrootcert=<files.ca_cert>, sslmode=verify-full
    files.server_cert, files.server_key   # the server's; the key is 0600 and owned by `owner`

EC P-256 keys keep generation in the milliseconds. Nothing here is secret beyond a test run.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_HOSTS = ("localhost", "127.0.0.1")


@dataclass(frozen=True)
class TlsFiles:
    """Where the PEM files were written."""

    ca_cert: Path
    server_cert: Path
    server_key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Qayd tests"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _san(hosts: Iterable[str]) -> x509.SubjectAlternativeName:
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return x509.SubjectAlternativeName(names)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def write_file(path: Path, data: bytes, *, mode: int, owner: tuple[int, int] | None = None) -> Path:
    """Write ``data`` to a new file created with ``mode`` (never briefly wider), then chown it to ``owner``."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.write(fd, data)
        if owner is not None:
            os.fchown(fd, *owner)
        os.fchmod(fd, mode)  # the umask may have narrowed it
    finally:
        os.close(fd)
    return path


class TestCA:
    """A self-signed certificate authority that issues server certificates."""

    __test__ = False  # not a pytest test class despite the name

    def __init__(self, common_name: str = "Qayd Test CA", *, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)
        self.key = ec.generate_private_key(ec.SECP256R1())
        name = _name(common_name)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now - timedelta(days=1)).not_valid_after(self.now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )

    @property
    def cert_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def issue_server(self, hosts: Iterable[str] = DEFAULT_HOSTS) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        """A server certificate (and its new key) whose SAN names each of ``hosts`` (DNS names or IP addresses)."""
        hosts = list(hosts)
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(hosts[0])).issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now - timedelta(days=1)).not_valid_after(self.now + timedelta(days=30))
            .add_extension(_san(hosts), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, True, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        return cert, key

    def write_ca_cert(self, path: Path, *, owner: tuple[int, int] | None = None) -> Path:
        """The CA certificate as PEM (0644): what a client passes as ``sslrootcert``."""
        return write_file(path, self.cert_pem, mode=0o644, owner=owner)

    def write_server_files(self, folder: Path, hosts: Iterable[str] = DEFAULT_HOSTS, *,
                           owner: tuple[int, int] | None = None) -> TlsFiles:
        """Write ``ca.crt`` (0644), ``server.crt`` (0644) and ``server.key`` (0600) into ``folder``, owned by
        ``owner`` (uid, gid) when given: PostgreSQL refuses a key that others can read or that it does not own."""
        folder.mkdir(parents=True, exist_ok=True)
        cert, key = self.issue_server(hosts)
        ca_cert = self.write_ca_cert(folder / "ca.crt", owner=owner)
        server_cert = write_file(folder / "server.crt", cert.public_bytes(serialization.Encoding.PEM),
                                 mode=0o644, owner=owner)
        server_key = write_file(folder / "server.key", _key_pem(key), mode=0o600, owner=owner)
        return TlsFiles(ca_cert=ca_cert, server_cert=server_cert, server_key=server_key)
