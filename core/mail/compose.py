"""The invoice e-mail: bilingual templates (resources/mail, Jinja2 sandboxed, HTML autoescaped) and the MIME message
with the printed PDF/A-3 (and, when asked, the XML) attached."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from core.clock import saudi_date
from core.resources import resource_path
from core.store import models as m

TITLES: dict[tuple[str, str], tuple[str, str]] = {
    ("standard", "invoice"): ("Tax Invoice", "فاتورة ضريبية"),
    ("simplified", "invoice"): ("Simplified Tax Invoice", "فاتورة ضريبية مبسطة"),
    ("standard", "credit_note"): ("Credit Note", "إشعار دائن"),
    ("simplified", "credit_note"): ("Simplified Credit Note", "إشعار دائن مبسط"),
    ("standard", "debit_note"): ("Debit Note", "إشعار مدين"),
    ("simplified", "debit_note"): ("Simplified Debit Note", "إشعار مدين مبسط"),
}
LANGUAGES = ("ar", "en")


@dataclass(frozen=True, slots=True)
class Rendered:
    """What a person reads: the subject line, the plain-text part and the HTML part."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    data: bytes
    mime: str  # "application/pdf" | "application/xml"


@functools.cache
def _environment() -> SandboxedEnvironment:
    # Sandboxed: a template edited at a customer's site can read only the values given to it, never call into Qayd.
    return SandboxedEnvironment(loader=FileSystemLoader(resource_path("mail")), undefined=StrictUndefined,
                                autoescape=select_autoescape(enabled_extensions=("html",), default=False),
                                keep_trailing_newline=False)


def template_values(row: m.Invoice, company: m.Company, buyer: tuple[str, str], *, lang: str,
                    payment_url: str | None = None) -> dict[str, Any]:
    """The values the templates see: the document's number, title, date, total, the two names, the payment link."""
    title_en, title_ar = TITLES.get((row.kind, row.type), ("Tax Invoice", "فاتورة ضريبية"))
    return {"lang": lang, "number": row.number, "title_en": title_en, "title_ar": title_ar,
            "issue_date": saudi_date(row.issue_datetime).isoformat(),
            "total": _money(row.payable), "currency": row.currency, "buyer": buyer[0],
            "buyer_ar": buyer[1] or buyer[0],
            "seller_en": company.legal_name_en, "seller_ar": company.legal_name_ar, "payment_url": payment_url}


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def render(values: dict[str, Any]) -> Rendered:
    env = _environment()
    subject = " ".join(env.get_template("invoice_subject.txt").render(values).split())
    text = env.get_template("invoice.txt").render(values).strip() + "\n"
    html = env.get_template("invoice.html").render({**values, "subject": subject})
    return Rendered(subject, text, html)


def build_message(*, sender: tuple[str, str], recipient: str, rendered: Rendered, message_id: str,
                  date: Any, attachments: list[Attachment], lang: str) -> EmailMessage:
    """The MIME message: multipart/mixed of (text, HTML) alternatives and the attachments, UTF-8 throughout."""
    msg = EmailMessage()
    msg["From"] = formataddr(sender)
    msg["To"] = recipient
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    msg["Content-Language"] = "ar, en" if lang == "ar" else "en, ar"
    msg.set_content(rendered.text, charset="utf-8")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8")
    for item in attachments:
        maintype, subtype = item.mime.split("/")
        msg.add_attachment(item.data, maintype=maintype, subtype=subtype, filename=item.filename)
    return msg
