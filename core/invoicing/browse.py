"""Browsing the documents of a company: filtered, sorted and paged for a list of 100 000+ invoices.

This is the one way to list documents (issue 14): `qayd invoice list`, the desktop's invoice list and the tests
read through it, so a filter, an order, the search (escaped, English and Arabic names, restricted names hidden
from a clerk) and the privacy gate behave the same everywhere. (`service.list_invoices` was a second listing with
its own search and order; it is gone.)

Two ways to page, both over the same filters and order:

- `count(uow, f)` and `page(uow, f, sort, offset, limit)`: plain OFFSET paging, for short lists and scripts.
- `keys(uow, f, sort)` then `rows(uow, some_keys)`: the whole ordered selection as compact keys in one query
  (sorted once by SQLite, whatever the column), then any window of it by key. A list that jumps anywhere in
  100 000 rows costs one sort per filter or sort change and a few milliseconds per window, at every depth
  (OFFSET costs grow with the depth; customer and ZATCA-state orders have no index to walk).

Every order ends with the document number, which is unique: the order is total and stable, and the reverse
order is exactly the reverse list. Periods compare instants (SQLite's julianday reads the stored UTC offset),
so documents written with different offsets still fall in the right period.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, func, literal, or_, select, type_coerce

from core.clock import saudi_time
from core.personal import roles
from core.store import models as m
from core.uow import UnitOfWork

# The columns a list can sort by, in the order a list shows them.
SORT_COLUMNS = ("number", "issue_datetime", "customer", "kind", "type", "status", "zatca_state", "payable",
                "tax_total")
STATUSES = ("draft", "issued")
KINDS = ("standard", "simplified")
TYPES = ("invoice", "credit_note", "debit_note")
ZATCA_STATES = ("none", "pending", "sending", "done", "rejected")  # "none": not queued for ZATCA
BATCH = 500  # keys per IN (...) query, well under SQLite's variable limit


@dataclass(frozen=True, slots=True)
class BrowseFilter:
    """What to show; None (or "") means any. `issued_to` is exclusive; both bounds are timezone-aware."""

    status: str | None = None
    kind: str | None = None
    type: str | None = None
    customer_id: uuid.UUID | None = None
    issued_from: datetime | None = None
    issued_to: datetime | None = None
    zatca_state: str | None = None
    search: str = ""  # part of the number or of the customer's name (English or Arabic)


@dataclass(frozen=True, slots=True)
class BrowseSort:
    column: str = "issue_datetime"
    descending: bool = True

    def __post_init__(self) -> None:
        if self.column not in SORT_COLUMNS:
            raise ValueError(f"cannot sort by {self.column!r}; expected one of {', '.join(SORT_COLUMNS)}")


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    """One line of the list."""

    key: str  # the document's id as stored (hex text): what `keys` returns and `rows` takes
    id: uuid.UUID
    number: str
    issue_datetime: datetime  # Saudi time
    customer_name: str
    customer_name_ar: str
    kind: str
    type: str
    status: str
    zatca_state: str
    currency: str
    payable: Decimal
    tax_total: Decimal


_inv = m.Invoice.__table__
_cust = m.Customer.__table__
_sub = m.ZatcaSubmission.__table__
_KEY = type_coerce(_inv.c.id, String)  # the stored text, not a UUID object per row
_ZATCA = func.coalesce(_sub.c.state, literal("none"))


def _aware(value: datetime, name: str) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return saudi_time(value).isoformat()


def _where(query: Select[Any], f: BrowseFilter, uow: UnitOfWork | None = None) -> Select[Any]:
    query = query.where(_inv.c.deleted_at.is_(None))
    for column, value in ((_inv.c.status, f.status), (_inv.c.kind, f.kind), (_inv.c.type, f.type)):
        if value:
            query = query.where(column == value)
    if f.customer_id is not None:
        query = query.where(_inv.c.customer_id == f.customer_id)
    if f.zatca_state:
        query = query.where(_sub.c.state.is_(None) if f.zatca_state == "none" else _sub.c.state == f.zatca_state)
    instant = func.julianday(_inv.c.issue_datetime)
    if f.issued_from is not None:
        query = query.where(instant >= func.julianday(_aware(f.issued_from, "issued_from")))
    if f.issued_to is not None:
        query = query.where(instant < func.julianday(_aware(f.issued_to, "issued_to")))
    text = f.search.strip()
    if text:
        like = f"%{_escape(text)}%"
        names = or_(_cust.c.name.like(like, escape="\\"), _cust.c.name_ar.like(like, escape="\\"))
        if uow is not None and not roles.sees_restricted(uow.ctx.actor_role):
            names = and_(names, _cust.c.restricted_at.is_(None))  # a clerk's search must not find them by name
        query = query.where(or_(_inv.c.number.like(like, escape="\\"), names))
    return query


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _joined(query: Select[Any], f: BrowseFilter, sort: BrowseSort | None) -> Select[Any]:
    """Join the customer and the queue only when the filter or the order needs them."""
    source: Any = _inv
    if f.search.strip() or (sort is not None and sort.column == "customer"):
        source = source.outerjoin(_cust, _cust.c.id == _inv.c.customer_id)
    if f.zatca_state or (sort is not None and sort.column == "zatca_state"):
        source = source.outerjoin(_sub, _sub.c.invoice_id == _inv.c.id)
    return query.select_from(source)


def _order(sort: BrowseSort) -> list[ColumnElement[Any]]:
    column: ColumnElement[Any] = {
        "number": _inv.c.number,
        "issue_datetime": func.julianday(_inv.c.issue_datetime),
        "customer": func.coalesce(_cust.c.name, literal("")),
        "kind": _inv.c.kind,
        "type": _inv.c.type,
        "status": _inv.c.status,
        "zatca_state": _ZATCA,
        "payable": _inv.c.payable,
        "tax_total": _inv.c.tax_total,
    }[sort.column]
    tiebreak = _inv.c.number
    if sort.column == "number":
        return [tiebreak.desc() if sort.descending else tiebreak.asc()]
    if sort.descending:
        return [column.desc(), tiebreak.desc()]
    return [column.asc(), tiebreak.asc()]


def count(uow: UnitOfWork, f: BrowseFilter = BrowseFilter()) -> int:
    """How many documents the filter selects."""
    query = _joined(select(func.count()), f, None)
    return int(uow.session.scalar(_where(query, f, uow)) or 0)


def keys(uow: UnitOfWork, f: BrowseFilter = BrowseFilter(), sort: BrowseSort = BrowseSort()) -> list[str]:
    """Every selected document's key, in order: one query, a few MB for 100 000 documents."""
    query = _where(_joined(select(_KEY), f, sort), f, uow).order_by(*_order(sort))
    return list(uow.session.scalars(query))


def _row_query() -> Select[Any]:
    return (select(_KEY.label("key"), _inv.c.id, _inv.c.number, _inv.c.issue_datetime, _cust.c.name, _cust.c.name_ar,
                   _inv.c.kind, _inv.c.type, _inv.c.status, _ZATCA.label("zatca_state"), _inv.c.currency,
                   _inv.c.payable, _inv.c.tax_total, type_coerce(_inv.c.customer_id, String).label("customer_key"),
                   _cust.c.kind.label("customer_kind"), _cust.c.restricted_at.is_not(None).label("restricted"))
            .select_from(_inv.outerjoin(_cust, _cust.c.id == _inv.c.customer_id)
                         .outerjoin(_sub, _sub.c.invoice_id == _inv.c.id)))


_NAME_FIELDS = ("customer.name", "customer.name_ar")


def _row(uow: UnitOfWork, r: Any, purpose: str) -> InvoiceRow:
    """One line; the customer's names go through the privacy gate (logged for individuals, masked if restricted)."""
    name, name_ar = r.name or "", r.name_ar or ""
    if r.customer_key is not None and (name or name_ar) and (r.customer_kind == "individual" or r.restricted):
        k = r.customer_key  # 32 hex digits as stored: the UUID's text without parsing it
        subject = f"customer:{k[:8]}-{k[8:12]}-{k[12:16]}-{k[16:20]}-{k[20:]}"
        fields = [f for f, value in zip(_NAME_FIELDS, (name, name_ar), strict=True) if value]
        if not roles.screen(uow, subject, personal=r.customer_kind == "individual", restricted=bool(r.restricted),
                            fields=fields, purpose=purpose):
            name, name_ar = roles.RESTRICTED, roles.RESTRICTED
    return InvoiceRow(key=r.key, id=r.id, number=r.number, issue_datetime=saudi_time(r.issue_datetime),
                      customer_name=name, customer_name_ar=name_ar, kind=r.kind, type=r.type,
                      status=r.status, zatca_state=r.zatca_state, currency=r.currency, payable=r.payable,
                      tax_total=r.tax_total)


def rows(uow: UnitOfWork, wanted: Sequence[str], *, purpose: str = "invoice list") -> list[InvoiceRow]:
    """The rows of these keys, in the order given; a key no longer found is left out.

    The customers' names are reads of personal data: one access-log entry per individual on the page, written
    together when the unit of work ends.
    """
    found: dict[str, InvoiceRow] = {}
    for start in range(0, len(wanted), BATCH):
        chunk = list(wanted[start : start + BATCH])
        for r in uow.session.execute(_row_query().where(_KEY.in_(chunk))):
            found[r.key] = _row(uow, r, purpose)
    return [found[k] for k in wanted if k in found]


def page(uow: UnitOfWork, f: BrowseFilter = BrowseFilter(), sort: BrowseSort = BrowseSort(), *, offset: int = 0,
         limit: int = 100, purpose: str = "invoice list") -> list[InvoiceRow]:
    """One page of the selection by OFFSET (cheap near the top; `keys` + `rows` for deep, random access)."""
    if offset < 0 or limit < 0:
        raise ValueError("offset and limit must not be negative")
    query = _where(_row_query(), f, uow).order_by(*_order(sort)).offset(offset).limit(limit)
    return [_row(uow, r, purpose) for r in uow.session.execute(query)]
