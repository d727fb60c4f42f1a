"""The unsigned UBL 2.1 Invoice of a draft, element for element as ZATCA's SDK samples write it.

The document has the ICV and PIH references but no ext:UBLExtensions, cac:Signature or QR reference:
`core.zatca.signing.stamp` inserts those (UBLExtensions first, QR after PIH, Signature before the
seller). Every amount comes from `compute_totals`, so the figures are exactly the ones the BR-CO and
BR-KSA rules recompute. Credit and debit notes are Invoice documents too, with type code 381/383.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from lxml import etree

from core.invoicing.model import CompanyProfile, DocumentKind, InvoiceDraft, Totals
from core.invoicing.totals import compute_totals
from core.zatca.hashing import parse_document
from core.zatca.ubl_lines import add_lines, issue_date_time
from core.zatca.ubl_parties import add_buyer, add_seller, seller_name
from core.zatca.ubl_totals import add_allowance_charges, add_monetary_total, add_tax_totals
from core.zatca.ubl_xml import SAR, Ubl, amount_text, attributes

PROFILE_ID = "reporting:1.0"  # BR-KSA-EN16931-01
NOTE_PAYMENT_MEANS = "1"  # UNTDID 4461 "not defined": a note's reason needs a PaymentMeans to sit in


@dataclass(frozen=True)
class DocumentIds:
    """What the issuing EGS unit gives a document: its UUID, counter and the previous document's hash."""

    uuid: uuid.UUID  # cbc:UUID (KSA-1)
    icv: int  # invoice counter value (KSA-16)
    pih: str  # previous invoice hash, base64 (KSA-13)

    def __post_init__(self) -> None:
        if self.icv < 0 or not self.pih:  # BR-KSA-34 wants digits only; BR-KSA-61 a previous hash
            raise ValueError("a document needs a non-negative counter value and the previous invoice hash")


def transaction_code(draft: InvoiceDraft) -> str:
    """KSA-2, the InvoiceTypeCode name: 01/02 then the third-party, nominal, export, summary, self-billed flags."""
    subtype = "01" if draft.kind is DocumentKind.STANDARD else "02"
    flags = (draft.third_party, draft.nominal, draft.export, draft.summary, draft.self_billed)
    return subtype + "".join("1" if flag else "0" for flag in flags)


def _header(w: Ubl, draft: InvoiceDraft, ids: DocumentIds) -> None:
    """BT-23, BT-1, KSA-1, BT-2, KSA-25, BT-3 with KSA-2, BT-22, BT-5 and BT-6."""
    w.cbc("ProfileID", PROFILE_ID)
    w.cbc("ID", draft.number)
    w.cbc("UUID", str(ids.uuid))
    issue_date, issue_time = issue_date_time(draft.issue_datetime)
    w.cbc("IssueDate", issue_date)
    w.cbc("IssueTime", issue_time)
    w.cbc("InvoiceTypeCode", draft.type.code, attributes(name=transaction_code(draft)))
    if draft.note:
        w.cbc("Note", draft.note)
    w.cbc("DocumentCurrencyCode", draft.currency)
    w.cbc("TaxCurrencyCode", SAR)


def _references(w: Ubl, draft: InvoiceDraft, ids: DocumentIds) -> None:
    """The corrected invoice of a note (BT-25), then the counter (KSA-16) and previous hash (KSA-13)."""
    if draft.type.is_note:
        with w.cac("BillingReference"), w.cac("InvoiceDocumentReference"):
            w.cbc("ID", draft.billing_reference)
    with w.cac("AdditionalDocumentReference"):
        w.cbc("ID", "ICV")
        w.cbc("UUID", str(ids.icv))
    with w.cac("AdditionalDocumentReference"):
        w.cbc("ID", "PIH")
        with w.cac("Attachment"):
            w.cbc("EmbeddedDocumentBinaryObject", ids.pih, attributes(mimeCode="text/plain"))


def _delivery(w: Ubl, draft: InvoiceDraft) -> None:
    """Supply date (KSA-5) and supply end date (KSA-24), when given."""
    if draft.supply_date is None and draft.supply_end_date is None:
        return
    with w.cac("Delivery"):
        if draft.supply_date is not None:
            w.cbc("ActualDeliveryDate", draft.supply_date.isoformat())
        if draft.supply_end_date is not None:
            w.cbc("LatestDeliveryDate", draft.supply_end_date.isoformat())


def _payment_means(w: Ubl, draft: InvoiceDraft) -> None:
    """BT-81, and for notes the reason (KSA-10) as instruction note, where the samples put it."""
    code = draft.payment_means or (NOTE_PAYMENT_MEANS if draft.type.is_note else "")
    if not code:
        return
    with w.cac("PaymentMeans"):
        w.cbc("PaymentMeansCode", code)
        if draft.type.is_note and draft.reason:
            w.cbc("InstructionNote", draft.reason)


def _require_finite(totals: Totals) -> None:
    """A draft that `validate` would refuse (NaN, Infinity) cannot become a document."""
    amounts = (totals.tax_exclusive, totals.tax_total, totals.tax_total_sar, totals.payable)
    if not all(value.is_finite() for value in amounts):
        raise ValueError("the draft's amounts are not finite numbers; validate it before building the invoice")


@dataclass(frozen=True, slots=True)
class UnsignedInvoice:
    """An unsigned invoice as canonical text, and what its stamp needs from it."""

    text: str  # the Invoice element in canonical form: its invoice hash is SHA-256 of these UTF-8 bytes
    supplier_at: int  # where cac:AccountingSupplierParty starts: QR reference and cac:Signature go just before it
    qr_fields: tuple[str, str, str, str, str]  # seller name, VAT number, timestamp, payable, VAT total (QR 1-5)
    simplified: bool


def build_invoice_text(draft: InvoiceDraft, seller: CompanyProfile, ids: DocumentIds) -> UnsignedInvoice:
    """The unsigned invoice of a validated draft, as the text `build_invoice` parses."""
    totals = compute_totals(draft)
    _require_finite(totals)
    w = Ubl()
    _header(w, draft, ids)
    _references(w, draft, ids)
    add_seller(w, seller)
    add_buyer(w, draft.buyer)
    _delivery(w, draft)
    _payment_means(w, draft)
    add_allowance_charges(w, draft)
    add_tax_totals(w, draft, totals)
    add_monetary_total(w, draft, totals)
    add_lines(w, draft, totals)
    text = w.finish()
    issue_date, issue_time = issue_date_time(draft.issue_datetime)
    fields = (seller_name(seller), seller.vat_number, f"{issue_date}T{issue_time}", amount_text(totals.payable),
              amount_text(totals.tax_total_sar))
    return UnsignedInvoice(text, text.index("<cac:AccountingSupplierParty>"), fields,
                           draft.kind is DocumentKind.SIMPLIFIED)


def build_invoice(draft: InvoiceDraft, seller: CompanyProfile, ids: DocumentIds) -> etree._Element:
    """The unsigned Invoice root of a validated draft, indented with 4 spaces like the SDK samples."""
    return parse_document(build_invoice_text(draft, seller, ids).text.encode("utf-8"))


def serialize(root: etree._Element) -> bytes:
    """UTF-8 bytes with an XML declaration, the tree written as it is (never re-indented: it may be signed)."""
    body: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
