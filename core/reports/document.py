"""A finished printable document and what every document builder shares: the company's identity and the
PDF/A-3 packaging."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from core.invoicing.service import get_company
from core.reports.errors import ReportError
from core.reports.invoice_words import saudi_address
from core.reports.layout import Identity, ReportWriter
from core.reports.pdfa import Attachment, to_pdfa3
from core.reports.typeset import has_rtl
from core.uow import UnitOfWork

LANGS = ("en", "ar")
ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]


def check_lang(lang: str) -> None:
    """Refuse a language the one-language documents are not written in."""
    if lang not in LANGS:
        raise ReportError(f"The language {lang!r} is not available for this document.", fix="Use en or ar.")


@dataclass(frozen=True, slots=True)
class Built:
    """A finished PDF: its bytes, the file name to save it under, its title and page count."""

    pdf: bytes
    filename: str
    title: str
    pages: int


def identity(uow: UnitOfWork) -> Identity:
    """The company's identity as printed on every page, from its profile."""
    company = get_company(uow)
    a = company.address
    en = ", ".join(x for x in (f"{a.building_number} {a.street}".strip(), a.district, a.city, a.postal_code,
                               a.country) if x)
    # An address held in Latin letters is printed as it is on the Arabic side too (an Arabic comma would drag the
    # building number to the far end of a right-to-left line); one written in Arabic in the national address order.
    parts = (a.building_number, a.street, a.district, a.city, a.postal_code, a.additional_number)
    ar = saudi_address(a.building_number, a.street, "", a.district, a.city, a.postal_code, a.additional_number) \
        if any(has_rtl(part) for part in parts) else en
    return Identity(company.legal_name_en, company.legal_name_ar, company.vat_number,
                    company.id_value, en, ar, company.id_scheme.value)


def finish(writer: ReportWriter, *, filename: str, title: str, created: datetime,
           attachments: Sequence[Attachment] = (), keywords: str = "") -> Built:
    """Close `writer` and package its pages as PDF/A-3b (with `attachments` embedded)."""
    raw = writer.finish()
    pdf = to_pdfa3(raw, title=title, lang=writer.lang, created=created, attachments=attachments, keywords=keywords)
    return Built(pdf, filename, title, writer.page)
