"""JSON of the ZATCA transaction details of a draft: transaction flags, prepayment lines and payable rounding."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from core.invoicing.interchange_reader import JsonReader
from core.invoicing.model import InvoiceDraft, PrepaymentRef, VatCategory
from core.invoicing.totals import HUNDRED, money

FLAG_FIELDS = ("third_party", "nominal", "export", "summary", "self_billed")
EXTRA_FIELDS = (*FLAG_FIELDS, "prepayments", "payable_rounding")
PREPAYMENT_FIELDS = (
    "number", "issue_datetime", "taxable_amount",  # always written
    "tax_amount", "vat_category", "vat_rate",  # always written; read with defaults
    "uuid", "name", "exemption_reason_code", "exemption_reason",  # written when given
)  # fmt: skip


def default_rate(category: VatCategory | None) -> Decimal:
    """An omitted rate is the usual one: 15 for standard-rated items, 0 for the others."""
    return Decimal("15") if category is VatCategory.STANDARD else Decimal("0")


def _prepayment(reader: JsonReader, value: object, field: str) -> PrepaymentRef | None:
    """One prepayment; an omitted tax amount is taxable × rate / 100, rounded like the totals."""
    data = reader.obj(value, field, PREPAYMENT_FIELDS)
    if data is None:
        return None
    number = reader.text(data, "number", f"{field}.number", required=True)
    issued = reader.moment(data, "issue_datetime", f"{field}.issue_datetime")
    taxable = reader.decimal(data, "taxable_amount", f"{field}.taxable_amount", required=True)
    tax = reader.decimal(data, "tax_amount", f"{field}.tax_amount")
    category = reader.enum(data, "vat_category", f"{field}.vat_category", VatCategory, required=False)
    rate = reader.decimal(data, "vat_rate", f"{field}.vat_rate")
    texts = {k: reader.text(data, k, f"{field}.{k}") for k in PREPAYMENT_FIELDS[7:]}
    document_uuid = reader.identifier(data, "uuid", f"{field}.uuid")
    if issued is None or taxable is None:
        return None
    category = category or VatCategory.STANDARD
    rate = rate if rate is not None else default_rate(category)
    return PrepaymentRef(
        number=number,
        issue_datetime=issued,
        taxable_amount=taxable,
        tax_amount=tax if tax is not None else money(taxable * rate / HUNDRED),
        vat_category=category,
        vat_rate=rate,
        document_uuid=document_uuid,
        **texts,
    )


def read_extras(reader: JsonReader, data: Mapping[str, object]) -> dict[str, Any]:
    """The draft fields of EXTRA_FIELDS, every problem reported to `reader`."""
    flags = {key: reader.flag(data, key, key) for key in FLAG_FIELDS}
    items = reader.items(data, "prepayments", "prepayments", required=False)
    parsed = [_prepayment(reader, value, f"prepayments[{i}]") for i, value in enumerate(items)]
    rounding = reader.decimal(data, "payable_rounding", "payable_rounding")
    return flags | {
        "prepayments": tuple(p for p in parsed if p is not None),
        "payable_rounding": rounding if rounding is not None else Decimal("0"),
    }


def _prepayment_json(ref: PrepaymentRef) -> dict[str, object]:
    out: dict[str, object] = {
        "number": ref.number, "issue_datetime": ref.issue_datetime.isoformat(),
        "taxable_amount": format(ref.taxable_amount, "f"), "tax_amount": format(ref.tax_amount, "f"),
        "vat_category": ref.vat_category.value, "vat_rate": format(ref.vat_rate, "f"),
    }  # fmt: skip
    if ref.document_uuid is not None:
        out["uuid"] = str(ref.document_uuid)
    texts = {k: getattr(ref, k) for k in PREPAYMENT_FIELDS[7:]}
    return out | {k: v for k, v in texts.items() if v}


def extras_json(draft: InvoiceDraft) -> dict[str, object]:
    """The EXTRA_FIELDS of a draft that differ from their defaults, as `read_extras` reads them back."""
    out: dict[str, object] = {key: True for key in FLAG_FIELDS if getattr(draft, key)}
    if draft.prepayments:
        out["prepayments"] = [_prepayment_json(ref) for ref in draft.prepayments]
    if not draft.payable_rounding.is_zero():
        out["payable_rounding"] = format(draft.payable_rounding, "f")
    return out
