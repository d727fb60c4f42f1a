"""EGS onboarding with the portal: CSR → compliance CSID (OTP) → compliance checks → production CSID; renewal."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from cryptography import x509
from lxml import etree

from core.clock import saudi_time
from core.errors import ValidationError
from core.findings import errors_in
from core.invoicing.model import (
    Address,
    CompanyProfile,
    CustomerKind,
    DocumentKind,
    DocumentType,
    InvoiceDraft,
    InvoiceLine,
    Party,
    VatCategory,
)
from core.invoicing.service import get_company
from core.progress import Progress
from core.store.models import EgsUnit
from core.uow import Context
from core.zatca import egs as units
from core.zatca.api import Credentials, FatooraClient, Outcome
from core.zatca.csr import CsrConfig, build_csr, generate_private_key, validate_csr_config
from core.zatca.errors import ZatcaError
from core.zatca.gate import gate
from core.zatca.hashing import FIRST_PIH, invoice_hash
from core.zatca.signing import SigningIdentity, stamp
from core.zatca.ubl import DocumentIds, build_invoice, serialize


def csr_config(unit: EgsUnit, company: CompanyProfile) -> CsrConfig:
    a = company.address
    return CsrConfig(common_name=unit.name, serial_number=unit.serial_number,
                     organization_identifier=company.vat_number, organization_unit=unit.branch or a.city,
                     organization_name=company.legal_name_en or company.legal_name_ar, country="SA",
                     invoice_type=unit.invoice_types, location=unit.location or f"{a.street} {a.city}",
                     industry=unit.industry or "Trading")


def _store_credentials(ctx: Context, egs_id: uuid.UUID, which: str, creds: Credentials, *,
                       new_key: bytes | None = None, **changes: object) -> None:
    """Credentials, the key they belong to and the unit's new state, in one transaction."""
    with ctx.uow() as uow:
        unit = uow.session.get(EgsUnit, egs_id)
        assert unit is not None
        if new_key is not None:
            uow.secrets.set(units.key_secret(egs_id), new_key, now=uow.now())
        uow.secrets.set(units.csid_secret(egs_id, which), json.dumps(
            {"token": creds.binary_security_token, "secret": creds.secret, "request_id": creds.request_id}).encode(),
            now=uow.now())
        for key, value in changes.items():
            setattr(unit, key, value)
        unit.updated_at = uow.now()
        uow.audit.append(f"egs.{which}_issued", f"egs:{egs_id}", {"request_id": creds.request_id,
                                                                   "status": unit.status})
        uow.commit()


def onboard(ctx: Context, egs_id: uuid.UUID, otp: str, client: FatooraClient, *,
            progress: Progress | None = None) -> units.EgsInfo:
    """Run every onboarding step; each finished step is saved, so a failure can be retried from the start."""
    say = progress or (lambda _f, _m: None)
    with ctx.uow(write=False) as uow:
        unit, company = uow.session.get(EgsUnit, egs_id), get_company(uow)
        assert unit is not None
        key, environment = uow.secrets.get(units.key_secret(egs_id)), unit.environment
        config, types = csr_config(unit, company), unit.invoice_types
    findings = validate_csr_config(config)
    if errors_in(findings):
        raise ValidationError("The EGS unit's certificate request", findings)
    say(0.1, "Requesting the compliance certificate")
    ccsid = client.compliance_csid(build_csr(config, key, environment), otp)
    _store_credentials(ctx, egs_id, "ccsid", ccsid, status="compliance", compliance_request_id=ccsid.request_id)
    identity = SigningIdentity(private_key=key, certificate_b64=ccsid.certificate_b64)
    samples = compliance_samples(company, types, ctx)
    for n, (label, root) in enumerate(samples, 1):
        say(0.2 + 0.6 * n / len(samples), f"Compliance check: {label}")
        _check(client, ccsid, root, identity, label, ctx)
    say(0.9, "Requesting the production certificate")
    pcsid = client.production_csid(ccsid, ccsid.request_id)
    cert = x509.load_der_x509_certificate(base64.b64decode(pcsid.certificate_b64))
    _store_credentials(ctx, egs_id, "pcsid", pcsid, status="active", certificate_b64=pcsid.certificate_b64,
                       certificate_expires_at=cert.not_valid_after_utc)
    say(1.0, "Onboarded")
    with ctx.uow(write=False) as uow:
        unit = uow.session.get(EgsUnit, egs_id)
        assert unit is not None
        return units.describe(unit, uow.now())


def _check(client: FatooraClient, creds: Credentials, root: etree._Element, identity: SigningIdentity, label: str,
           ctx: Context) -> None:
    simplified = label.startswith("simplified")
    # The same last gate as issuing: a sample the profile makes invalid is refused here with its rule ids, not sent
    # to ZATCA to come back as an opaque compliance failure.
    gate(serialize(root).decode("utf-8"), now=ctx.clock(), number=f"The compliance sample ({label})")
    stamped = stamp(root, identity, signing_time=saudi_time(ctx.clock()), simplified=simplified)
    uuid_text = root.findtext("{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}UUID") or ""
    result = client.check_compliance(creds, invoice_hash=stamped.invoice_hash, uuid=uuid_text, signed_xml=stamped.xml)
    if result.outcome is Outcome.REJECTED:
        codes = ", ".join(f"{m.code}: {m.message}" for m in result.errors)
        raise ZatcaError(f"The compliance check of the {label} failed: {codes}.",
                         fix="Correct the company profile or the unit's settings and onboard again.",
                         status_code=result.status_code)


def compliance_samples(company: CompanyProfile, invoice_types: str, ctx: Context) -> list[tuple[str, etree._Element]]:
    """One invoice, credit note and debit note for each kind the unit will issue, chained ICV 1, 2, 3…"""
    now = saudi_time(ctx.clock()) - timedelta(minutes=1)  # never the machine's zone: ZATCA reads Saudi time
    buyer = Party(name="Compliance Check Buyer Co.", kind=CustomerKind.BUSINESS, vat_number="300000000000003",
                  address=Address("Prince Sultan St", "2322", "Al Murabba", "Riyadh", "23333"))
    line = InvoiceLine(name="Compliance check item", quantity=Decimal("1"), unit_price=Decimal("100.00"),
                       vat_category=VatCategory.STANDARD, vat_rate=Decimal("15"))
    kinds = [k for k, flag in ((DocumentKind.STANDARD, invoice_types[0:1]), (DocumentKind.SIMPLIFIED,
                                                                             invoice_types[1:2])) if flag == "1"]
    roots: list[tuple[str, etree._Element]] = []
    pih = FIRST_PIH
    for kind in kinds:
        base = InvoiceDraft(kind=kind, type=DocumentType.INVOICE, number=f"CC-{kind.value}-1", issue_datetime=now,
                            supply_date=now.date(), lines=(line,), buyer=buyer, payment_means="10")
        for doc_type in DocumentType:
            draft = replace(base, id=uuid.uuid4(), type=doc_type, number=f"CC-{kind.value}-{doc_type.value}",
                            billing_reference=base.number if doc_type.is_note else "",
                            reason="Compliance check" if doc_type.is_note else "")
            root = build_invoice(draft, company, DocumentIds(uuid=draft.id, icv=len(roots) + 1, pih=pih))
            pih = invoice_hash(root)
            roots.append((f"{kind.value} {doc_type.value.replace('_', ' ')}", root))
    return roots


def renew(ctx: Context, egs_id: uuid.UUID, otp: str, client: FatooraClient) -> units.EgsInfo:
    """A new key and CSR, exchanged for a new production certificate with the current one's credentials."""
    with ctx.uow(write=False) as uow:
        unit, company = uow.session.get(EgsUnit, egs_id), get_company(uow)
        assert unit is not None
        current = json.loads(uow.secrets.get(units.csid_secret(egs_id, "pcsid")))
        config, environment = csr_config(unit, company), unit.environment
    key = generate_private_key()
    creds = client.renew_production_csid(Credentials(current["token"], current["secret"], current.get("request_id",
                                                                                                      "")),
                                         build_csr(config, key, environment), otp)
    cert = x509.load_der_x509_certificate(base64.b64decode(creds.certificate_b64))
    _store_credentials(ctx, egs_id, "pcsid", creds, new_key=key, certificate_b64=creds.certificate_b64,
                       certificate_expires_at=cert.not_valid_after_utc)
    with ctx.uow(write=False) as uow:
        unit = uow.session.get(EgsUnit, egs_id)
        assert unit is not None
        return units.describe(unit, uow.now())
