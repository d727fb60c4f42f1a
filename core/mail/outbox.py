"""The durable outbox: an invoice e-mail is queued in the request's own transaction, with its audit entry, and
listed, resolved (after a crash) or cancelled here; core.mail.sending sends what is due."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.company_settings import get_setting
from core.errors import NotFoundError, ValidationError
from core.findings import Finding
from core.invoicing import find_invoice_row
from core.invoicing.repository import party_from_json
from core.mail.compose import LANGUAGES, render, template_values
from core.store import models as m
from core.uow import Context, UnitOfWork
from core.zatca import issued_xml

ADDRESS = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]{2,}$")
STATES = ("queued", "sending", "sent", "failed", "needs_person", "cancelled")
PURPOSE = "e-mail an invoice to its customer"


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One message as listed: no body, no address (the listing is not a read of personal data)."""

    id: uuid.UUID
    number: str
    status: str
    lang: str
    attach_xml: bool
    attempts: int
    next_attempt_at: datetime
    requested_at: datetime
    sent_at: datetime | None
    last_error: str
    message_id: str


def _finding(field: str, message: str, fix: str, message_ar: str, fix_ar: str) -> Finding:
    return Finding(rule="QAYD-MAIL-" + field.upper(), field=field, message=message, fix=fix, message_ar=message_ar,
                   fix_ar=fix_ar)


def _check_request(to: str | None, lang: str) -> None:
    findings = []
    if lang not in LANGUAGES:
        findings.append(_finding("lang", f"The e-mail's language must be ar or en, not {lang!r}.",
                                 "Give --lang ar or --lang en.", "لغة الرسالة ar أو en فقط.",
                                 "استخدم ‎--lang ar‎ أو ‎--lang en‎."))
    if to is not None and not ADDRESS.match(to):
        findings.append(_finding("to", "The recipient is not an e-mail address (name@example.sa).",
                                 "Give one address, such as --to billing@customer.sa.",
                                 "المستلم ليس عنوان بريد إلكتروني صحيحًا (name@example.sa).",
                                 "أدخل عنوانًا واحدًا مثل ‎--to billing@customer.sa‎."))
    if findings:
        raise ValidationError("The e-mail request", findings)


def _recipient(uow: UnitOfWork, row: m.Invoice, to: str | None) -> str:
    if to is not None:
        return to
    customer = uow.session.get(m.Customer, row.customer_id) if row.customer_id else None
    if customer is not None:
        uow.record_access(f"customer:{customer.id}", ["customer.email"], PURPOSE)
    if customer is None or not customer.email or not ADDRESS.match(customer.email):
        raise ValidationError("The e-mail request", [_finding(
            "to", f"{row.number} has no customer e-mail address to send it to.",
            "Add the address to the customer (`qayd customer edit`), or give one with --to.",
            f"لا يوجد بريد إلكتروني للعميل لإرسال {row.number}.",
            "أضف البريد إلى بيانات العميل، أو حدده باستخدام ‎--to‎.")])
    return customer.email


def xml_preference_key(customer_id: uuid.UUID) -> str:
    """The company setting (synchronised, audited) holding whether a customer gets the XML beside the PDF."""
    return f"mail.attach_xml:customer:{customer_id}"


def prefers_xml(uow: UnitOfWork, customer_id: uuid.UUID | None) -> bool:
    return bool(customer_id and get_setting(uow, xml_preference_key(customer_id), False))


def queue(uow: UnitOfWork, ref: str, *, to: str | None = None, lang: str = "ar", attach_xml: bool | None = None,
          payment_url: str | None = None, domain: str = "qayd.invalid") -> uuid.UUID:
    """Queue issued document `ref` for e-mail inside the caller's unit of work (its audit entry too).

    `attach_xml` None: as the customer prefers (`set_xml_preference`), else the PDF alone."""
    _check_request(to, lang)
    row = find_invoice_row(uow, ref)
    if row.status == "draft":
        raise NotFoundError(f"{row.number} is a draft; only issued documents are e-mailed.",
                            fix=f"Issue it first: `qayd invoice issue {row.number}`.")
    if not issued_xml(uow, ref)[2]:
        from core.reports.invoice_pdf import NotShareableError  # the print rule, shared: loads the PDF stack

        raise NotShareableError(f"{row.number} is a standard invoice that ZATCA has not cleared yet; it is e-mailed "
                                "only once cleared.", fix="Submit it (`qayd zatca submit`), then send it.")
    address = _recipient(uow, row, to)
    attach_xml = prefers_xml(uow, row.customer_id) if attach_xml is None else attach_xml
    company = uow.session.scalars(select(m.Company)).first()
    if company is None:
        raise NotFoundError("The company profile is missing.", fix="`qayd company set` creates it.")
    buyer = party_from_json(row.buyer_json)
    names = (buyer.name, buyer.name_ar) if buyer else ("", "")
    rendered = render(template_values(row, company, names, lang=lang, payment_url=payment_url))
    now, ident = uow.now(), uuid.uuid4()
    uow.session.add(m.MailOutbox(
        id=ident, invoice_id=row.id, customer_id=row.customer_id, recipient=address, lang=lang, attach_xml=attach_xml,
        subject=rendered.subject, body_text=rendered.text, body_html=rendered.html, status="queued", attempts=0,
        next_attempt_at=now, last_error="", message_id=f"<{ident.hex}@{domain}>", requested_at=now, updated_at=now))
    uow.audit.append("mail.queued", f"invoice:{row.id}",
                     {"outbox": str(ident), "number": row.number, "lang": lang, "attach_xml": attach_xml,
                      "given_address": to is not None},
                     personal={"to": address}, personal_subject=_subject(row.customer_id, ident))
    return ident


def _subject(customer_id: uuid.UUID | None, ident: uuid.UUID) -> str:
    """Whose key seals the address in the audit entry: the customer's, so erasing the customer shreds it."""
    return f"customer:{customer_id}" if customer_id else f"mail:{ident}"


def _item(row: m.MailOutbox, number: str) -> OutboxItem:
    return OutboxItem(row.id, number, row.status, row.lang, row.attach_xml, row.attempts, row.next_attempt_at,
                      row.requested_at, row.sent_at, row.last_error, row.message_id)


def list_outbox(uow: UnitOfWork, *, status: str | None = None, limit: int = 500) -> list[OutboxItem]:
    """The outbox, newest request first; no addresses and no bodies."""
    query = select(m.MailOutbox, m.Invoice.number).join(m.Invoice, m.Invoice.id == m.MailOutbox.invoice_id)
    if status is not None:
        query = query.where(m.MailOutbox.status == status)
    rows = uow.session.execute(query.order_by(m.MailOutbox.requested_at.desc()).limit(limit))
    return [_item(row, number) for row, number in rows]


def find(uow: UnitOfWork, ident: str) -> m.MailOutbox:
    """An outbox row by its id, or by the start of it (at least 8 hex digits, as `mail outbox` shows)."""
    text = ident.strip().lower().replace("-", "")
    if len(text) >= 8 and all(c in "0123456789abcdef" for c in text):
        rows = [r for r in uow.session.scalars(select(m.MailOutbox)) if r.id.hex.startswith(text)]
        if len(rows) == 1:
            return rows[0]
    raise NotFoundError(f"There is no single outbox message {ident!r}.",
                        fix="`qayd mail outbox` lists the messages with their ids.")


def resolve(ctx: Context, ident: str, *, was_sent: bool) -> OutboxItem:
    """A person's decision on a message a crash left between "sending" and "sent" (audited)."""
    with ctx.uow() as uow:
        row = find(uow, ident)
        if row.status != "needs_person":
            raise ValidationError("The decision", [_finding(
                "status", f"Message {row.id.hex[:8]} is {row.status}, not waiting for a person's decision.",
                "Only messages listed as needs_person are resolved.",
                f"الرسالة {row.id.hex[:8]} حالتها {row.status} ولا تنتظر قرارًا.",
                "يُتخذ القرار فقط في الرسائل بحالة needs_person.")])
        now = uow.now()
        if was_sent:
            row.status, row.sent_at, row.body_text, row.body_html = "sent", now, None, None
        else:
            row.status, row.next_attempt_at = "queued", now
        row.last_error, row.updated_at = "", now
        uow.audit.append("mail.resolved", f"invoice:{row.invoice_id}",
                         {"outbox": str(row.id), "decision": "was_sent" if was_sent else "send_again"})
        number = uow.session.get(m.Invoice, row.invoice_id)
        item = _item(row, number.number if number else "")
        uow.commit()
    return item
