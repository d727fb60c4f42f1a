"""The mail use cases a face calls: queue an invoice for e-mail, preview what would be sent, read the outbox."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from core.config import MailSettings
from core.files import private_dir, write_private
from core.mail import outbox
from core.mail.sending import message_for
from core.store import models as m
from core.uow import Context


def _domain(mail: MailSettings) -> str:
    return (mail.from_address or "qayd.invalid").rpartition("@")[2] or "qayd.invalid"


def send_invoice(ctx: Context, ref: str, mail: MailSettings, *, to: str | None = None, lang: str = "ar",
                 attach_xml: bool | None = None, payment_url: str | None = None) -> uuid.UUID:
    """Queue issued document `ref` for e-mail (one transaction with its `mail.queued` audit entry); a flush sends."""
    with ctx.uow() as uow:
        ident = outbox.queue(uow, ref, to=to, lang=lang, attach_xml=attach_xml, payment_url=payment_url,
                             domain=_domain(mail))
        uow.commit()
    return ident


def outbox_items(ctx: Context, *, status: str | None = None, limit: int = 500) -> list[outbox.OutboxItem]:
    with ctx.uow(write=False) as uow:
        return outbox.list_outbox(uow, status=status, limit=limit)


@dataclass(frozen=True, slots=True)
class Preview:
    folder: Path
    files: tuple[str, ...]


def preview_message(ctx: Context, ref: str, mail: MailSettings, *, to: str | None = None, lang: str = "ar",
                    attach_xml: bool | None = None) -> EmailMessage:
    """The message `invoice send` would queue and a flush would send, built without queuing anything."""
    with ctx.uow() as uow:  # queued in a transaction that is never committed: the very same checks and text
        ident = outbox.queue(uow, ref, to=to, lang=lang, attach_xml=attach_xml, domain=_domain(mail))
        uow.session.flush()
        row = uow.session.get(m.MailOutbox, ident)
        invoice = uow.session.get(m.Invoice, row.invoice_id) if row else None
        assert row is not None and invoice is not None
        return message_for(uow, mail, row, invoice)


def write_preview(message: EmailMessage, out_dir: Path) -> Preview:
    """The message as an .eml file, its two parts and its attachments, in `out_dir` (created private)."""
    private_dir(out_dir, own=False)
    number = str(message["Message-ID"]).strip("<>").partition("@")[0][:8]
    files: dict[str, bytes] = {f"message-{number}.eml": bytes(message)}
    for part in message.walk():
        if part.get_content_type() in ("text/plain", "text/html") and not part.get_filename():
            files[f"message-{number}.{'html' if part.get_content_subtype() == 'html' else 'txt'}"] = \
                part.get_content().encode("utf-8")
    for part in message.iter_attachments():
        files[str(part.get_filename())] = part.get_content()
    for name, data in files.items():
        write_private(out_dir / name, data)
    return Preview(out_dir, tuple(files))


@dataclass(frozen=True, slots=True)
class SendDefaults:
    """What the Send dialog starts with: the customer's address ("" when none) and its XML preference."""

    recipient: str
    attach_xml: bool


def send_defaults(ctx: Context, ref: str) -> SendDefaults:
    """The customer's address and XML preference for issued document `ref`; reading the address is logged."""
    from core.invoicing import find_invoice_row

    with ctx.uow(write=False) as uow:
        row = find_invoice_row(uow, ref)
        customer = uow.session.get(m.Customer, row.customer_id) if row.customer_id else None
        if customer is None:
            return SendDefaults("", False)
        uow.record_access(f"customer:{customer.id}", ["customer.email"], outbox.PURPOSE)
        return SendDefaults(customer.email or "", outbox.prefers_xml(uow, customer.id))


def set_xml_preference(ctx: Context, customer: str, attach_xml: bool) -> uuid.UUID:
    """Whether `customer` (id, VAT number or exact name) gets the invoice's XML beside the PDF (a company setting)."""
    from core.company_settings import set_setting
    from core.invoicing import get_customer

    with ctx.uow() as uow:
        ident = get_customer(uow, customer, purpose="set an e-mail preference").id
        set_setting(uow, outbox.xml_preference_key(ident), attach_xml)
        uow.commit()
    return ident
