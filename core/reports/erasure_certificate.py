"""The erasure certificate as a printed document: read and verified in one unit of work, then laid out by
`core.reports.erasure_certificate_layout` (no store read while drawing)."""

from __future__ import annotations

import base64
import binascii
import contextlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.audit.signing import signature_ok
from core.errors import NotFoundError
from core.privacy import erasure
from core.privacy.requests import list_requests
from core.reports.document import Built, CancelFn, ProgressFn, check_lang, identity
from core.reports.erasure_certificate_layout import CertificateData, Signature, lay_out_certificate, qr_value
from core.reports.evidence_parts import Steps
from core.store import models as m
from core.uow import Context, UnitOfWork

__all__ = ["CertificateData", "CertificateDocument", "build_erasure_certificate", "certificate_document",
           "gather_certificate", "qr_value"]


@dataclass(frozen=True)
class CertificateDocument:
    """A printed erasure certificate and whether its signature verified (the CLI exits 1 when it does not)."""

    built: Built
    verified: bool


def build_erasure_certificate(ctx: Context, *, request: str, lang: str, progress: ProgressFn | None = None,
                              cancelled: CancelFn | None = None) -> Built:
    """The printed erasure certificate for `request` (a DSR-… reference, a certificate id, or a subject)."""
    return certificate_document(ctx, request=request, lang=lang, progress=progress, cancelled=cancelled).built



def certificate_document(ctx: Context, *, request: str, lang: str, progress: ProgressFn | None = None,
                         cancelled: CancelFn | None = None) -> CertificateDocument:
    """The erasure certificate document and its signature's verdict; see `build_erasure_certificate`."""
    check_lang(lang)
    steps = Steps(progress, cancelled)
    data = gather_certificate(ctx, request, steps)
    steps(0.5, "Writing the certificate")
    built = lay_out_certificate(data, lang, steps)
    if progress is not None:
        progress(1.0, f"{built.pages} page(s)")
    return CertificateDocument(built, data.signed.ok)


def gather_certificate(ctx: Context, request: str, steps: Steps) -> CertificateData:
    """The certificate, its signature checked, the kept invoices and holds, and the audit key's state."""
    steps(0.0, "Reading the certificate")
    with ctx.uow(write=False) as uow:
        cert = _find_certificate(uow, request)
        signed = _check_signature(uow, cert)
        steps(0.3, "Reading the holds")
        invoices, holds = _kept(uow, cert)
        key_state = _key_state(uow, cert.subject)
        who = identity(uow)
        now = uow.now()
    return CertificateData(cert, signed, invoices, holds, key_state, who, now)


def _kept(uow: UnitOfWork, cert: erasure.CertificateInfo) -> tuple[dict[uuid.UUID, tuple[str, datetime]],
                                                                  dict[str, datetime | None]]:
    """The kept invoices' numbers and issue times, and the subject's holds (when each was purged, if it was)."""
    ids = []
    for item in cert.body.get("kept", {}).get("records", []):
        kind, _, ident = str(item.get("record", "")).partition(":")
        if kind == "invoice":
            with contextlib.suppress(ValueError):
                ids.append(uuid.UUID(ident))
    invoices = {r.id: (r.number, r.issue_datetime) for r in uow.session.execute(
        select(m.Invoice.id, m.Invoice.number, m.Invoice.issue_datetime).where(m.Invoice.id.in_(ids)))} if ids else {}
    holds = {h.record: h.purged_at for h in uow.session.scalars(
        select(m.RetentionHold).where(m.RetentionHold.subject == cert.subject))}
    return invoices, holds


def _find_certificate(uow: UnitOfWork, ref: str) -> erasure.CertificateInfo:
    """A certificate by its id, by the request it answers (DSR-…), or the newest of a subject."""
    text = ref.strip()
    if text.upper().startswith("DSR-"):
        for cert in erasure.list_certificates(uow):
            if str(cert.body.get("request") or "").upper() == text.upper():
                return cert
        requests = {r.reference.upper() for r in list_requests(uow)}
        if text.upper() in requests:
            raise NotFoundError(f"Request {text} has no erasure certificate.",
                                fix="Erase the subject for this request first: "
                                    "`qayd gdpr erase SUBJECT --request " + text + "`.")
        raise NotFoundError(f"There is no data-subject request {text!r}.",
                            fix="`qayd gdpr request list` lists them; `qayd gdpr certificate show` takes an id.")
    return erasure.get_certificate(uow, text)


def _check_signature(uow: UnitOfWork, cert: erasure.CertificateInfo) -> Signature:
    """Verify the certificate's Ed25519 signature over its stored UTF-8 text with the signing device's key."""
    row = uow.session.get(m.ErasureCertificate, cert.id)
    device = uow.session.get(m.Device, row.device_id) if row is not None else None
    try:
        signature = base64.b64decode(cert.signature, validate=True)
    except (binascii.Error, ValueError):
        signature = b""
    if device is None:
        return Signature(False, None, str(row.device_id) if row is not None else "", signature)
    ok = signature_ok(device.public_key, signature, cert.text.encode("utf-8"))
    return Signature(ok, device.public_key, str(device.id), signature)



def _key_state(uow: UnitOfWork, subject: str) -> datetime | bool | None:
    """When the subject's audit key was destroyed (None: destroyed, time unknown; False: it still exists)."""
    row = uow.session.execute(select(m.SubjectKey.wrapped_key, m.SubjectKey.destroyed_at)
                              .where(m.SubjectKey.subject == subject)).first()
    if row is None:
        return None
    return row[1] if row[0] is None else False
