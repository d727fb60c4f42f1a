"""JSON interchange of invoice drafts: read a file, parse documents reporting every problem, write back."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from core.findings import Finding, cap_findings
from core.invoicing.interchange_checks import duplicate_numbers, seller_once
from core.invoicing.interchange_extras import EXTRA_FIELDS, default_rate, extras_json, read_extras
from core.invoicing.interchange_file import MAX_FILE_BYTES as MAX_FILE_BYTES  # re-exported
from core.invoicing.interchange_file import load_json_file as load_json_file  # re-exported
from core.invoicing.interchange_reader import JsonReader
from core.invoicing.limits import MAX_LINES, too_many_lines
from core.invoicing.model import (
    Address,
    AllowanceCharge,
    CompanyProfile,
    CustomerKind,
    DocumentKind,
    DocumentType,
    IdScheme,
    InvoiceDraft,
    InvoiceLine,
    Party,
    VatCategory,
)
from core.invoicing.rule_finding import make
from core.invoicing.rules import validate

DOCUMENT_FIELDS = (
    "kind", "type", "number", "issue_datetime", "supply_date", "supply_end_date", "currency",
    "exchange_rate", "buyer", "lines", "allowances", "charges", "payment_means", "billing_reference",
    "reason", "note", "prepaid_amount", "id", "customer_id", *EXTRA_FIELDS,
)  # fmt: skip
BUYER_FIELDS = ("name", "kind", "vat_number", "id_scheme", "id_value", "address", "name_ar")
ADDRESS_FIELDS = (
    "street", "building_number", "district", "city", "postal_code", "country",  # always written
    "additional_number", "province",  # written when given
)  # fmt: skip
LINE_FIELDS = (
    "name", "quantity", "unit_price", "vat_category", "vat_rate", "discount", "exemption_reason_code",
    "exemption_reason", "unit_code", "product_id", "name_ar",
)  # fmt: skip
ALLOWANCE_FIELDS = (
    "amount", "vat_category", "vat_rate",  # always written
    "reason", "reason_code", "exemption_reason_code", "exemption_reason",  # written when given
)  # fmt: skip

_TEXT_DEFAULTS = {"country": "SA", "unit_code": "PCE", "currency": "SAR"}
_ALLOWANCE_PATH = re.compile(r"allowances\[(\d+)\]")


def _text(reader: JsonReader, data: Mapping[str, object], key: str, field: str) -> str:
    """An optional text, or its documented default when absent."""
    value = reader.text(data, key, field)
    return value if key in data and data[key] is not None else _TEXT_DEFAULTS.get(key, value)


def _address(reader: JsonReader, value: object, field: str) -> Address | None:
    data = reader.obj(value, field, ADDRESS_FIELDS)
    if data is None:
        return None
    values = {name: _text(reader, data, name, f"{field}.{name}") for name in ADDRESS_FIELDS}
    return Address(**values)


def _buyer(reader: JsonReader, value: object) -> Party | None:
    data = reader.obj(value, "buyer", BUYER_FIELDS)
    if data is None:
        return None
    address = _address(reader, data["address"], "buyer.address") if data.get("address") is not None else None
    return Party(
        name=reader.text(data, "name", "buyer.name", required=True),
        kind=reader.enum(data, "kind", "buyer.kind", CustomerKind, required=False) or CustomerKind.BUSINESS,
        vat_number=reader.text(data, "vat_number", "buyer.vat_number"),
        id_scheme=reader.enum(data, "id_scheme", "buyer.id_scheme", IdScheme, required=False),
        id_value=reader.text(data, "id_value", "buyer.id_value"),
        address=address,
        name_ar=reader.text(data, "name_ar", "buyer.name_ar"),
    )


def _line(reader: JsonReader, value: object, field: str) -> InvoiceLine | None:
    data = reader.obj(value, field, LINE_FIELDS)
    if data is None:
        return None
    category = reader.enum(data, "vat_category", f"{field}.vat_category", VatCategory, required=True)
    quantity = reader.decimal(data, "quantity", f"{field}.quantity", required=True)
    price = reader.decimal(data, "unit_price", f"{field}.unit_price", required=True)
    rate = reader.decimal(data, "vat_rate", f"{field}.vat_rate")
    discount = reader.decimal(data, "discount", f"{field}.discount")
    texts = {k: _text(reader, data, k, f"{field}.{k}") for k in ("exemption_reason_code", "exemption_reason")}
    line = InvoiceLine(
        name=reader.text(data, "name", f"{field}.name", required=True),
        quantity=quantity if quantity is not None else Decimal("0"),
        unit_price=price if price is not None else Decimal("0"),
        vat_category=category or VatCategory.STANDARD,
        vat_rate=rate if rate is not None else default_rate(category),
        discount=discount if discount is not None else Decimal("0"),
        unit_code=_text(reader, data, "unit_code", f"{field}.unit_code"),
        product_id=reader.identifier(data, "product_id", f"{field}.product_id"),
        name_ar=reader.text(data, "name_ar", f"{field}.name_ar"),
        **texts,
    )
    return line if None not in (category, quantity, price) else None


def _allowance(reader: JsonReader, value: object, field: str, is_charge: bool) -> AllowanceCharge | None:
    data = reader.obj(value, field, ALLOWANCE_FIELDS)
    if data is None:
        return None
    category = reader.enum(data, "vat_category", f"{field}.vat_category", VatCategory, required=True)
    amount = reader.decimal(data, "amount", f"{field}.amount", required=True)
    rate = reader.decimal(data, "vat_rate", f"{field}.vat_rate")
    texts = {k: reader.text(data, k, f"{field}.{k}") for k in ALLOWANCE_FIELDS[3:]}
    if category is None or amount is None:
        return None
    return AllowanceCharge(
        amount=amount,
        vat_category=category,
        vat_rate=rate if rate is not None else default_rate(category),
        is_charge=is_charge,
        **texts,
    )


def _collection(reader: JsonReader, data: Mapping[str, object], key: str) -> list[object]:
    """The parsed lines, allowances or charges of a document (those that failed were reported)."""
    parsed: list[object] = []
    items = reader.items(data, key, key, required=key == "lines")
    if len(items) > MAX_LINES:  # refused before reading them: no finding per line of a huge document
        reader.findings.append(replace(too_many_lines(len(items), key), field=reader.path(key)))
        return [None]
    for i, value in enumerate(items):
        field = f"{key}[{i}]"
        if key == "lines":
            parsed.append(_line(reader, value, field))
        else:
            parsed.append(_allowance(reader, value, field, is_charge=key == "charges"))
    return parsed


def _draft(reader: JsonReader, data: Mapping[str, object]) -> InvoiceDraft | None:
    """Every field of the document, all read (so all problems get reported); None if any was unusable."""
    kind = reader.enum(data, "kind", "kind", DocumentKind, required=True)
    doc_type = reader.enum(data, "type", "type", DocumentType, required=True)
    issued = reader.moment(data, "issue_datetime", "issue_datetime")
    number = reader.text(data, "number", "number", required=True)
    lines = _collection(reader, data, "lines")
    allowances = _collection(reader, data, "allowances") + _collection(reader, data, "charges")
    buyer = _buyer(reader, data["buyer"]) if data.get("buyer") is not None else None
    rate, prepaid = (reader.decimal(data, k, k) for k in ("exchange_rate", "prepaid_amount"))
    t = {
        k: _text(reader, data, k, k)
        for k in ("currency", "payment_means", "billing_reference", "reason", "note")
    }
    supply, supply_end = (reader.day(data, k, k) for k in ("supply_date", "supply_end_date"))
    draft_id, customer_id = (reader.identifier(data, k, k) for k in ("id", "customer_id"))
    extras = read_extras(reader, data)
    if reader.failed or kind is None or doc_type is None or issued is None:
        return None
    draft = InvoiceDraft(
        kind=kind, type=doc_type, number=number, issue_datetime=issued,
        lines=tuple(x for x in lines if isinstance(x, InvoiceLine)),
        allowances=tuple(x for x in allowances if isinstance(x, AllowanceCharge)),
        currency=t["currency"], exchange_rate=rate, supply_date=supply, supply_end_date=supply_end,
        buyer=buyer, customer_id=customer_id, payment_means=t["payment_means"],
        billing_reference=t["billing_reference"], reason=t["reason"], note=t["note"],
        prepaid_amount=prepaid if prepaid is not None else Decimal("0"), **extras,
    )  # fmt: skip
    return replace(draft, id=draft_id) if draft_id is not None else draft


def _json_field(field: str, draft: InvoiceDraft) -> str:
    """A rule's field path in the JSON shape: draft allowances[k] is JSON allowances[i] or charges[j]."""
    match = _ALLOWANCE_PATH.match(field)
    if match is None:
        return field
    k = int(match.group(1))
    if k >= len(draft.allowances):
        return field
    same_kind = [i for i, a in enumerate(draft.allowances) if a.is_charge == draft.allowances[k].is_charge]
    name = "charges" if draft.allowances[k].is_charge else "allowances"
    return f"{name}[{same_kind.index(k)}]{field[match.end() :]}"


def parse_document(
    obj: object, *, index: int | None = None, now: datetime | None = None, seller: CompanyProfile | None = None
) -> tuple[InvoiceDraft | None, list[Finding]]:
    """One JSON document into a draft, with every structural problem and then every rule finding.

    Field paths start with "[index]." when `index` is given. With `seller`, the rules that need the seller's
    profile run too. Never raises, whatever JSON value it gets.
    """
    reader = JsonReader(f"[{index}]" if index is not None else "")
    data = reader.obj(obj, "", DOCUMENT_FIELDS)
    draft = _draft(reader, data) if data is not None else None
    if draft is None:
        return None, cap_findings(reader.all_findings())
    found = validate(draft, seller=seller, now=now)
    rules = [replace(f, field=reader.path(_json_field(f.field, draft))) for f in found]
    return draft, cap_findings(reader.all_findings() + rules)


def parse_documents(
    data: object, *, now: datetime | None = None, seller: CompanyProfile | None = None
) -> tuple[list[InvoiceDraft], list[Finding]]:
    """One document or a list of them; returns the drafts that could be built and all findings.

    With `seller`, every rule runs, those on the seller too, so `import_drafts(..., rules_checked=True)` may
    store the drafts without checking them again (and without reporting any finding twice).
    """
    if isinstance(data, dict):
        single, single_findings = parse_document(data, now=now, seller=seller)
        return ([single] if single is not None else []), seller_once(single_findings)
    if not isinstance(data, list) or not data:
        problem = "is an empty list" if isinstance(data, list) else "is neither a document object nor a list"
        return [], [
            make(
                "QAYD-JSON-TYPE",
                "",
                f"The file {problem}.",
                "Give one document object {...} or a list of them [{...}, {...}].",
                "الملف لا يحتوي على مستند ولا على قائمة مستندات.",
                "ضع مستنداً واحداً {...} أو قائمة مستندات [{...}, {...}].",
            )
        ]
    drafts: list[tuple[int, InvoiceDraft]] = []
    findings: list[Finding] = []
    for i, obj in enumerate(data):
        draft, found = parse_document(obj, index=i, now=now, seller=seller)
        findings = cap_findings(findings + found)  # a file of many bad documents stays a short list
        if draft is not None:
            drafts.append((i, draft))
    return [d for _, d in drafts], cap_findings(seller_once(findings) + duplicate_numbers(drafts))


def _amount(value: Decimal) -> str:
    """A decimal as plain text ("1000", never "1E+3"), which is what parse_document reads back."""
    return format(value, "f")


def _address_json(address: Address) -> dict[str, object]:
    out: dict[str, object] = {name: getattr(address, name) for name in ADDRESS_FIELDS[:6]}
    out.update({name: getattr(address, name) for name in ADDRESS_FIELDS[6:] if getattr(address, name)})
    return out


def _buyer_json(party: Party) -> dict[str, object]:
    out: dict[str, object] = {"name": party.name}
    if party.kind is not CustomerKind.BUSINESS:
        out["kind"] = party.kind.value
    out.update({k: v for k, v in (("name_ar", party.name_ar), ("vat_number", party.vat_number),
                                  ("id_value", party.id_value)) if v})
    if party.id_scheme is not None:
        out["id_scheme"] = party.id_scheme.value
    if party.address is not None:
        out["address"] = _address_json(party.address)
    return out


def _line_json(line: InvoiceLine) -> dict[str, object]:
    out: dict[str, object] = {
        "name": line.name, "quantity": _amount(line.quantity), "unit_price": _amount(line.unit_price),
        "vat_category": line.vat_category.value, "vat_rate": _amount(line.vat_rate),
    }  # fmt: skip
    if not line.discount.is_zero():
        out["discount"] = _amount(line.discount)
    texts = {"exemption_reason_code": line.exemption_reason_code, "exemption_reason": line.exemption_reason,
             "name_ar": line.name_ar}
    out.update({k: v for k, v in texts.items() if v})
    if line.unit_code != "PCE":
        out["unit_code"] = line.unit_code
    if line.product_id is not None:
        out["product_id"] = str(line.product_id)
    return out


def _allowance_json(item: AllowanceCharge) -> dict[str, object]:
    out: dict[str, object] = {
        "amount": _amount(item.amount),
        "vat_category": item.vat_category.value,
        "vat_rate": _amount(item.vat_rate),
    }
    texts = {k: getattr(item, k) for k in ALLOWANCE_FIELDS[3:]}
    return out | {k: v for k, v in texts.items() if v}


def draft_to_json(draft: InvoiceDraft) -> dict[str, object]:
    """The JSON shape `parse_document` reads; parsing it gives back an equal draft."""
    out: dict[str, object] = {
        "id": str(draft.id), "kind": draft.kind.value, "type": draft.type.value, "number": draft.number,
        "issue_datetime": draft.issue_datetime.isoformat(), "currency": draft.currency,
    }  # fmt: skip
    optional: dict[str, object] = {
        "exchange_rate": _amount(draft.exchange_rate) if draft.exchange_rate is not None else None,
        "supply_date": draft.supply_date.isoformat() if draft.supply_date else None,
        "supply_end_date": draft.supply_end_date.isoformat() if draft.supply_end_date else None,
        "customer_id": str(draft.customer_id) if draft.customer_id else None,
        "buyer": _buyer_json(draft.buyer) if draft.buyer is not None else None,
        "lines": [_line_json(line) for line in draft.lines],
        "allowances": [_allowance_json(a) for a in draft.allowances if not a.is_charge] or None,
        "charges": [_allowance_json(a) for a in draft.allowances if a.is_charge] or None,
        "payment_means": draft.payment_means or None,
        "billing_reference": draft.billing_reference or None,
        "reason": draft.reason or None,
        "note": draft.note or None,
        "prepaid_amount": None if draft.prepaid_amount.is_zero() else _amount(draft.prepaid_amount),
    }
    return out | {k: v for k, v in optional.items() if v is not None} | extras_json(draft)
