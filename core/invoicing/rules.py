"""Invoice rules: every ZATCA (BR-KSA-*), EN 16931 (BR-*) and Qayd check on a draft, all reported at once.

Each finding names the official rule when there is one, with the official severity of ZATCA's SDK
3.4.8 schematrons (many KSA rules are warnings there); Qayd's own checks use "QAYD-..." ids.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from core.clock import saudi_date
from core.findings import Finding
from core.invoicing import identifiers as ids
from core.invoicing.limits import MAX_LINES, document_size_findings
from core.invoicing.model import (
    CompanyProfile,
    CustomerKind,
    DocumentKind,
    DocumentType,
    InvoiceDraft,
    Totals,
)
from core.invoicing.rule_finding import WARNING, is_finite, join, make, text_findings
from core.invoicing.rules_lines import line_findings
from core.invoicing.rules_parties import party_findings, validate_address
from core.invoicing.rules_payment import (
    note_findings,
    note_text_findings,
    payment_means_findings,
    prepaid_findings,
    rounding_findings,
)
from core.invoicing.rules_prepayment import prepayment_findings
from core.invoicing.rules_records import validate_company, validate_customer, validate_product
from core.invoicing.rules_transaction import transaction_findings
from core.invoicing.rules_vat import document_vat_findings
from core.invoicing.text import record_text_findings
from core.invoicing.totals import compute_totals

__all__ = ["validate", "validate_address", "validate_company", "validate_customer", "validate_product"]

CLOCK_SKEW = timedelta(minutes=5)  # a PC clock a little behind the server is not a future invoice
REPORTING_WINDOW = timedelta(hours=24)  # BR-KSA-98
FIRST_YEAR = 2000  # BR-KSA-F-01's date pattern starts with [2-9]


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now if now.utcoffset() is not None else now.replace(tzinfo=UTC)


def _number(draft: InvoiceDraft) -> list[Finding]:
    """The invoice number (BT-1): present (BR-02) and at most 127 characters (BR-KSA-F-06-C1)."""
    label = ("invoice number", "رقم الفاتورة")
    found = text_findings(draft.number, "number", label, "BR-KSA-F-06-C1", 127)
    if draft.number.strip():
        return found
    return [
        make(
            "BR-02",
            "number",
            "The document has no number.",
            "Give it the next number of your invoice sequence, e.g. INV-2026-0001.",
            "المستند ليس له رقم.",
            "أعطه الرقم التالي في تسلسل فواتيرك، مثل INV-2026-0001.",
            WARNING,
        ),
        *found,
    ]


def _year(value: date, field: str) -> list[Finding]:
    """ZATCA's date pattern (BR-KSA-F-01) only accepts years from 2000."""
    if value.year >= FIRST_YEAR:
        return []
    return [
        make(
            "BR-KSA-F-01",
            field,
            f"The date {value.isoformat()} is before the year 2000, which ZATCA does not accept.",
            "Check the year of the date.",
            f"التاريخ {value.isoformat()} قبل عام 2000، ولا تقبله هيئة الزكاة.",
            "تحقق من سنة التاريخ.",
        )
    ]


def _ksa_date(moment: datetime) -> date | None:
    try:
        return saudi_date(moment)
    except (OverflowError, ValueError):  # within hours of year 1 or 9999: reported by _year or absurd
        return None


def _future(draft: InvoiceDraft, now: datetime) -> list[Finding]:
    """The issue date is not after today (BR-KSA-04) and the time not later than now (Qayd)."""
    issued = draft.issue_datetime
    if issued <= now + CLOCK_SKEW:
        return []
    issue_day, today = _ksa_date(issued), _ksa_date(now)
    later_day = issue_day is None or today is None or issue_day > today
    return [
        make(
            "BR-KSA-04" if later_day else "QAYD-ISSUE-FUTURE",
            "issue_datetime",
            f"The issue date and time {issued.isoformat()} is in the future.",
            "Use the moment the document is issued, i.e. now or earlier.",
            f"تاريخ ووقت الإصدار {issued.isoformat()} في المستقبل.",
            "استخدم لحظة إصدار المستند، أي الآن أو قبله.",
        )
    ]


def _issue_datetime(draft: InvoiceDraft, now: datetime) -> list[Finding]:
    """Time-zone aware, from 2000 on, not in the future; simplified ones reported within 24 h (BR-KSA-98)."""
    issued = draft.issue_datetime
    if issued.utcoffset() is None:
        return [
            make(
                "QAYD-ISSUE-TIMEZONE",
                "issue_datetime",
                "The issue date and time has no time zone, so the moment it names is ambiguous.",
                "Give the time with its UTC offset, e.g. 2026-11-25T10:15:00+03:00.",
                "تاريخ ووقت الإصدار بلا منطقة زمنية، فلا يُعرف الوقت المقصود بدقة.",
                "اكتب الوقت مع فرق التوقيت عن UTC، مثل 2026-11-25T10:15:00+03:00.",
            )
        ]
    found = _year(_ksa_date(issued) or issued.date(), "issue_datetime") or _future(draft, now)
    if not found and draft.kind is DocumentKind.SIMPLIFIED and now - issued > REPORTING_WINDOW:
        found.append(
            make(
                "BR-KSA-98",
                "issue_datetime",
                "This simplified document was issued more than 24 hours ago; ZATCA expects it "
                "reported within 24 hours.",
                "Report it to ZATCA as soon as possible.",
                "صدر هذا المستند المبسط قبل أكثر من 24 ساعة، وتتوقع هيئة الزكاة الإبلاغ عنه خلال 24 ساعة.",
                "أبلغ هيئة الزكاة عنه في أقرب وقت.",
                WARNING,
            )
        )
    return found


def _missing_supply_date(draft: InvoiceDraft) -> list[Finding]:
    """Tax invoices state the supply date (BR-KSA-15); so does any document with an end date (BR-KSA-35)."""
    has_end = draft.supply_end_date is not None
    tax_invoice = draft.kind is DocumentKind.STANDARD and draft.type is DocumentType.INVOICE
    if draft.supply_date is not None or not (has_end or tax_invoice):
        return []
    because = " although a supply end date is given." if has_end else "; a tax invoice must state it."
    because_ar = " مع أن تاريخ نهاية التوريد موجود." if has_end else "، ويجب ذكره في الفاتورة الضريبية."
    return [
        make(
            "BR-KSA-35" if has_end else "BR-KSA-15",
            "supply_date",
            f"The supply date is missing{because}",
            "Enter the date the goods were delivered or the service was performed.",
            f"تاريخ التوريد غير موجود{because_ar}",
            "أدخل تاريخ تسليم السلع أو أداء الخدمة.",
            WARNING,
        )
    ]


def _supply_dates(draft: InvoiceDraft) -> list[Finding]:
    """Supply date on tax invoices (BR-KSA-15); an end needs a start (BR-KSA-35) not after it (BR-KSA-36)."""
    start, end = draft.supply_date, draft.supply_end_date
    found = [*(_year(start, "supply_date") if start else []), *(_year(end, "supply_end_date") if end else [])]
    found += _missing_supply_date(draft)
    if start is not None and end is not None and end < start:
        found.append(
            make(
                "BR-KSA-36",
                "supply_end_date",
                f"The supply end date {end.isoformat()} is before the supply date {start.isoformat()}.",
                "Swap the dates or correct the end of the supply period.",
                f"تاريخ نهاية التوريد {end.isoformat()} قبل تاريخ التوريد {start.isoformat()}.",
                "بدّل التاريخين أو صحح نهاية فترة التوريد.",
                WARNING,
            )
        )
    return found


def _bad_rate(draft: InvoiceDraft) -> Finding:
    return make(
        "QAYD-EXCHANGE-RATE",
        "exchange_rate",
        f"An invoice in {draft.currency} needs a positive exchange rate (SAR per 1 {draft.currency}) "
        "to state its VAT in SAR (BT-111).",
        f"Enter how many riyals one {draft.currency} was worth on the supply date, e.g. 3.75 for USD.",
        f"الفاتورة بعملة {draft.currency} تحتاج إلى سعر صرف موجب (ريال لكل 1 {draft.currency}) "
        "لبيان ضريبتها بالريال (BT-111).",
        f"أدخل قيمة 1 {draft.currency} بالريال في تاريخ التوريد، مثل 3.75 للدولار.",
    )


def _exchange_rate(draft: InvoiceDraft, totals: Totals) -> list[Finding]:
    """Foreign-currency invoices need a rate (BT-111, BR-53) of at most 14 digits (BR-KSA-90)."""
    rate = draft.exchange_rate
    if rate is None or not is_finite(rate) or rate <= 0:
        return [_bad_rate(draft)]
    if len(format(rate.normalize(), "f")) >= 15:
        return [
            make(
                "BR-KSA-90",
                "exchange_rate",
                f"The exchange rate {rate} has more than the 14 digits ZATCA accepts.",
                "Round the rate, e.g. to 6 decimals.",
                f"سعر الصرف {rate} فيه أكثر من 14 رقماً، وهو الحد لدى هيئة الزكاة.",
                "قرّب السعر، مثلاً إلى 6 منازل عشرية.",
            )
        ]
    if is_finite(totals.tax_total) and totals.tax_total > 0 and totals.tax_total_sar == totals.tax_total:
        return [
            make(
                "BR-KSA-97",
                "exchange_rate",
                f"With a rate of {rate}, the VAT in SAR equals the VAT in {draft.currency}, which "
                "ZATCA questions.",
                "Check the exchange rate.",
                f"بسعر صرف {rate} تتساوى الضريبة بالريال مع الضريبة بعملة {draft.currency}، وهذا ما "
                "تستفسر عنه الهيئة.",
                "تحقق من سعر الصرف.",
                WARNING,
            )
        ]
    return []


def _currency(draft: InvoiceDraft, totals: Totals) -> list[Finding]:
    """An ISO 4217 code (BR-KSA-CL-01); a rate when it is not SAR, none when it is."""
    found = []
    if not ids.is_currency_code(draft.currency):
        hint = (
            f" Did you mean {draft.currency.upper()}?" if ids.is_currency_code(draft.currency.upper()) else ""
        )
        found.append(
            make(
                "BR-KSA-CL-01",
                "currency",
                f"{draft.currency!r} is not an ISO 4217 currency code.{hint}",
                "Use the three capital letters of the currency, e.g. SAR, USD, EUR.",
                f"{draft.currency!r} ليس رمز عملة وفق ISO 4217.",
                "استخدم الأحرف الثلاثة الكبيرة لرمز العملة، مثل SAR أو USD أو EUR.",
            )
        )
    if draft.currency != "SAR":
        return found + _exchange_rate(draft, totals)
    rate = draft.exchange_rate
    if rate is not None and (not is_finite(rate) or rate != 1):
        found.append(
            make(
                "QAYD-EXCHANGE-RATE-SAR",
                "exchange_rate",
                "An invoice in SAR has no exchange rate; the one given is ignored.",
                "Remove the exchange rate, or set the currency the invoice is really in.",
                "الفاتورة بالريال لا تحتاج إلى سعر صرف، وسيُتجاهل السعر المدخل.",
                "احذف سعر الصرف، أو حدد العملة الفعلية للفاتورة.",
                WARNING,
            )
        )
    return found


def _lines(draft: InvoiceDraft) -> list[Finding]:
    """At least one line (BR-16), each valid on its own."""
    if not draft.lines:
        return [
            make(
                "BR-16",
                "lines",
                "The document has no lines.",
                "Add at least one line with what was sold.",
                "المستند لا يحتوي على أي بند.",
                "أضف بنداً واحداً على الأقل لما تم بيعه.",
            )
        ]
    found = []
    for i, line in enumerate(draft.lines):
        found += line_findings(line, f"lines[{i}]")
    return found


def _buyer(draft: InvoiceDraft) -> list[Finding]:
    """Tax invoices name and address a buyer (BR-KSA-42, BR-KSA-10/63); simplified ones may omit it."""
    standard = draft.kind is DocumentKind.STANDARD
    buyer = draft.buyer
    if buyer is None:
        return [_buyer_required()] if standard else []
    found = party_findings(buyer, "buyer", standard=standard)
    found += text_findings(buyer.name_ar, "buyer.name_ar", ("buyer's Arabic name", "اسم المشتري بالعربية"),
                           "BR-KSA-F-06-C32", 1000)  # printed only; the customer record's Arabic name has this limit
    if standard and not buyer.name.strip():
        found.insert(0, _buyer_name_missing())
    if standard and buyer.kind is CustomerKind.INDIVIDUAL:
        found.append(
            make(
                "QAYD-BUYER-KIND",
                "buyer.kind",
                "A tax (standard) invoice is for a business buyer, but this buyer is an individual.",
                "Issue a simplified invoice to individuals, or mark the buyer as a business.",
                "الفاتورة الضريبية (القياسية) للمشتري من المنشآت، لكن هذا المشتري فرد.",
                "أصدر للأفراد فاتورة مبسطة، أو صنّف المشتري منشأة.",
                WARNING,
            )
        )
    return found


def _buyer_required() -> Finding:
    return make(
        "QAYD-BUYER-REQUIRED",
        "buyer",
        "A tax (standard) invoice needs a buyer; it is cleared by ZATCA in the buyer's name.",
        "Choose the customer, or issue a simplified invoice if the buyer is a consumer.",
        "الفاتورة الضريبية (القياسية) تحتاج إلى مشترٍ، إذ تعتمدها هيئة الزكاة باسمه.",
        "اختر العميل، أو أصدر فاتورة مبسطة إن كان المشتري مستهلكاً.",
    )


def _buyer_name_missing() -> Finding:
    return make(
        "BR-KSA-42",
        "buyer.name",
        "The buyer has no name; a tax invoice must show it.",
        "Enter the buyer's legal name.",
        "ليس للمشتري اسم، ويجب أن يظهر في الفاتورة الضريبية.",
        "أدخل الاسم النظامي للمشتري.",
        WARNING,
    )


def _seller(draft: InvoiceDraft, seller: CompanyProfile) -> list[Finding]:
    """The seller's profile, and a buyer that is not the seller itself (BR-CUSTOM-VALIDATION-01)."""
    found = [replace(f, field=join("seller", f.field)) for f in validate_company(seller)]
    buyer_vat = draft.buyer.vat_number if draft.buyer is not None else ""
    if buyer_vat and buyer_vat == seller.vat_number:
        found.append(
            make(
                "BR-CUSTOM-VALIDATION-01",
                "buyer.vat_number",
                "The buyer's VAT number is the seller's own.",
                "Correct the buyer's VAT number; a company does not invoice itself.",
                "الرقم الضريبي للمشتري هو رقم البائع نفسه.",
                "صحح الرقم الضريبي للمشتري؛ فالمنشأة لا تصدر فاتورة لنفسها.",
            )
        )
    return found


def validate(
    draft: InvoiceDraft, *, seller: CompanyProfile | None = None, now: datetime | None = None
) -> list[Finding]:
    """Every finding on a draft at once, errors and warnings; `now` (default: the clock) dates the checks.

    A draft too big for ZATCA's portal gets that one finding only: checking each of its lines would flood.
    """
    size = document_size_findings(draft, seller)
    if len(draft.lines) > MAX_LINES:
        return size
    totals = compute_totals(draft)
    return [
        *size,
        *_number(draft),
        *_issue_datetime(draft, _aware(now)),
        *_supply_dates(draft),
        *_currency(draft, totals),
        *_lines(draft),
        *document_vat_findings(draft, totals),
        *_buyer(draft),
        *note_findings(draft),
        *payment_means_findings(draft),
        *prepaid_findings(draft, totals),
        *prepayment_findings(draft, totals),
        *rounding_findings(draft, totals),
        *transaction_findings(draft),
        *note_text_findings(draft),
        *record_text_findings(draft),
        *(_seller(draft, seller) if seller is not None else []),
    ]
