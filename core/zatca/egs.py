"""EGS units: creating them, their keys and certificates in the secret store, expiry warnings, the demo unit."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from core.errors import AlreadyExistsError, NotFoundError
from core.invoicing.model import CompanyProfile
from core.store.models import EgsUnit
from core.uow import UnitOfWork
from core.zatca.csr import generate_private_key

if TYPE_CHECKING:
    from core.zatca.signing import SigningIdentity

RENEW_WARNING = timedelta(days=30)
DEMO_ENVIRONMENT = "demo"
DEMO_NOTICE = "Qayd demo EGS - NOT VALID FOR SUBMISSION"


@dataclass(frozen=True, slots=True)
class EgsInfo:
    id: uuid.UUID
    name: str
    environment: str
    status: str
    invoice_types: str
    icv: int
    certificate_expires_at: datetime | None
    warnings: tuple[str, ...]

    @property
    def can_submit(self) -> bool:
        return self.status == "active" and self.environment != DEMO_ENVIRONMENT


def key_secret(egs_id: uuid.UUID) -> str:
    return f"egs/{egs_id}/private-key"


def csid_secret(egs_id: uuid.UUID, which: str) -> str:
    return f"egs/{egs_id}/{which}"  # which: ccsid | pcsid — JSON {token, secret, request_id}


def create_egs(uow: UnitOfWork, *, name: str, serial_number: str, environment: str, invoice_types: str = "1100",
               branch: str = "", location: str = "", industry: str = "") -> EgsUnit:
    """A new unit with a fresh secp256k1 key (sealed in the secret store); it still needs onboarding."""
    if uow.session.scalars(select(EgsUnit).where(EgsUnit.name == name)).first() is not None:
        raise AlreadyExistsError(f"An EGS unit named {name!r} already exists.", fix="Choose another unit name.")
    now = uow.now()
    unit = EgsUnit(id=uuid.uuid4(), name=name, serial_number=serial_number, environment=environment,
                   invoice_types=invoice_types, branch=branch, location=location, industry=industry,
                   status="created", created_at=now, updated_at=now, device_id=uow.ctx.device_id)
    uow.session.add(unit)
    uow.session.flush()
    uow.secrets.set(key_secret(unit.id), generate_private_key(), now=now)
    uow.audit.append("egs.created", f"egs:{unit.id}", {"name": name, "serial_number": serial_number,
                                                         "environment": environment, "invoice_types": invoice_types})
    return unit


def create_demo_egs(uow: UnitOfWork, company: CompanyProfile) -> EgsUnit:
    """A unit that signs with a locally made certificate, so the demo issues offline; never submitted."""
    unit = create_egs(uow, name="qayd-demo-egs", serial_number="1-Qayd|2-Demo|3-0001", environment=DEMO_ENVIRONMENT,
                      branch="Demo branch", location=company.address.city, industry="Trading")
    now = uow.now()
    cert = demo_certificate(uow.secrets.get(key_secret(unit.id)), company, now)
    unit.certificate_b64 = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    unit.certificate_expires_at = cert.not_valid_after_utc
    unit.status = "demo"
    uow.audit.append("egs.demo_certificate", f"egs:{unit.id}",
                     {"notice": DEMO_NOTICE, "expires_at": unit.certificate_expires_at.isoformat()})
    return unit


def demo_certificate(secret: bytes, company: CompanyProfile, now: datetime) -> x509.Certificate:
    key = ec.derive_private_key(int.from_bytes(secret, "big"), ec.SECP256K1())
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "SA"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, company.legal_name_en or "Qayd demo"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "NOT VALID FOR SUBMISSION"),
        x509.NameAttribute(NameOID.COMMON_NAME, DEMO_NOTICE),
    ])
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=365)).sign(key, hashes.SHA256()))


def get_egs(uow: UnitOfWork, ref: str | uuid.UUID | None = None) -> EgsUnit:
    """A unit by id or name; without one, the unit this device issues with (the newest usable one)."""
    query = select(EgsUnit).where(EgsUnit.deleted_at.is_(None), EgsUnit.status != "retired")
    if ref is None:
        query = query.where(EgsUnit.device_id == uow.ctx.device_id, EgsUnit.status.in_(("active", "demo")))
    elif isinstance(ref, uuid.UUID):
        query = query.where(EgsUnit.id == ref)
    else:
        query = query.where(EgsUnit.name == ref)
    unit = uow.session.scalars(query.order_by(EgsUnit.created_at.desc())).first()
    if unit is None:
        raise NotFoundError("There is no EGS unit to issue with." if ref is None else f"There is no EGS unit {ref!r}.",
                            fix="Onboard one with `qayd zatca onboard` (or use the demo company).")
    return unit


def signing_identity(uow: UnitOfWork, unit: EgsUnit) -> SigningIdentity:
    if not unit.certificate_b64:
        raise NotFoundError(f"EGS unit {unit.name!r} has no certificate yet.", fix="Finish `qayd zatca onboard`.")
    from core.zatca.signing import SigningIdentity  # the XML stack (lxml) loads for signing, not for a list

    return SigningIdentity(private_key=uow.secrets.get(key_secret(unit.id)), certificate_b64=unit.certificate_b64)


def describe(unit: EgsUnit, now: datetime) -> EgsInfo:
    warnings: list[str] = []
    if unit.environment == DEMO_ENVIRONMENT:
        warnings.append("Demo unit: its documents are signed with a local certificate and are never submitted.")
    expires = unit.certificate_expires_at
    if expires is not None and unit.status in ("active", "demo"):
        left = expires - now
        if left <= timedelta(0):
            warnings.append(f"The certificate expired on {expires:%Y-%m-%d}; renew it with `qayd zatca renew`.")
        elif left <= RENEW_WARNING:
            warnings.append(f"The certificate expires in {left.days} day(s), on {expires:%Y-%m-%d}; "
                            "renew it with `qayd zatca renew`.")
    return EgsInfo(unit.id, unit.name, unit.environment, unit.status, unit.invoice_types, unit.icv, expires,
                   tuple(warnings))


def list_egs(uow: UnitOfWork) -> list[EgsInfo]:
    units = uow.session.scalars(select(EgsUnit).where(EgsUnit.deleted_at.is_(None)).order_by(EgsUnit.name))
    return [describe(u, uow.now()) for u in units]
