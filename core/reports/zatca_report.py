"""The ZATCA submission report: where every document issued in a period stands with the Fatoora portal.

For the documents issued in the period (by issue date in Riyadh time) it counts those cleared (clearance done),
reported (reporting done), rejected, pending (waiting or being sent) and not submitted (issued in phase 1, or on
the demo unit, so never queued), and those accepted with warnings (done, with warning messages or status 202);
per kind (clearance or reporting) and per EGS unit, with the taxable amount and VAT per state in SAR to reconcile
with the counts and totals the Fatoora portal shows. Then it lists the documents of each state; rejected ones and
those accepted with warnings with the portal's messages.

`zatca_summary` is the pure data (the desktop and `qayd report zatca --json`); `submission_rows` streams a list.
The printed report is made in two steps: `gather_zatca_report` reads everything it shows in one unit of work into a
`ZatcaReport`, and `core.reports.zatca_report_layout` lays that out without reading the store.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select

from core.clock import saudi_time
from core.invoicing.totals import money as round_money
from core.progress import check, step
from core.reports.document import Built, CancelFn, ProgressFn, check_lang, identity
from core.reports.vat_return import in_period, period_bounds
from core.reports.zatca_figures import (  # re-exported: the figures' old home
    KIND_NAMES,
    KINDS,
    LISTED,
    OUTCOME_NAMES,
    STATE_NAMES,
    STATES,
    TITLE,
    WARNINGS,
    Counts,
    EgsCounts,
    KindCounts,
    StateTotals,
    SubmissionRow,
    ZatcaReport,
    ZatcaSummary,
)
from core.reports.zatca_report_layout import LAID_OUT, lay_out_zatca_report
from core.store import models as m
from core.uow import Context, UnitOfWork

__all__ = [
    "KINDS", "KIND_NAMES", "LISTED", "OUTCOME_NAMES", "STATES", "STATE_NAMES", "TITLE", "WARNINGS", "Counts",
    "EgsCounts", "KindCounts", "StateTotals", "SubmissionRow", "ZatcaReport", "ZatcaSummary", "build_zatca_report",
    "gather_zatca_report", "submission_rows", "zatca_summary",
]

_inv = m.Invoice.__table__
_doc = m.IssuedDocument.__table__
_egs = m.EgsUnit.__table__
_sub = m.ZatcaSubmission.__table__


def _query(low: datetime, high: datetime) -> Select[Any]:
    return (select(_inv.c.number, _inv.c.type, _inv.c.kind.label("doc_kind"), _inv.c.issue_datetime, _inv.c.currency,
                   _inv.c.exchange_rate, _inv.c.tax_exclusive, _inv.c.tax_total_sar, _doc.c.icv,
                   _doc.c.uuid.label("document_uuid"), _doc.c.phase, _egs.c.name.label("egs"), _egs.c.environment,
                   _sub.c.kind.label("sub_kind"), _sub.c.state.label("sub_state"), _sub.c.outcome, _sub.c.attempts,
                   _sub.c.last_status_code, _sub.c.last_error, _sub.c.messages_json)
            .select_from(_inv.outerjoin(_doc, _doc.c.invoice_id == _inv.c.id)
                         .outerjoin(_egs, _egs.c.id == _doc.c.egs_unit_id)
                         .outerjoin(_sub, _sub.c.invoice_id == _inv.c.id))
            .where(in_period(low, high)))


def _state_condition(state: str) -> ColumnElement[bool]:
    """Rows of one state (for WARNINGS a superset: done with a 202 or any message; `warned` decides)."""
    done = _sub.c.state == "done"
    conditions: dict[str, ColumnElement[bool]] = {
        "cleared": and_(done, _sub.c.kind == "clearance"),
        "reported": and_(done, _sub.c.kind == "reporting"),
        "rejected": _sub.c.state == "rejected",
        "pending": _sub.c.state.in_(("pending", "sending")),
        "not_submitted": _sub.c.state.is_(None),
        WARNINGS: and_(done, or_(_sub.c.last_status_code == 202, _sub.c.messages_json != "[]")),
    }
    return conditions[state]


def _state_of(r: Any) -> str:
    if r.sub_state is None:
        return "not_submitted"
    if r.sub_state == "done":
        return "cleared" if r.sub_kind == "clearance" else "reported"
    if r.sub_state == "rejected":
        return "rejected"
    return "pending"


def _row(r: Any) -> SubmissionRow:
    sign = Decimal(-1) if r.type == "credit_note" else Decimal(1)
    foreign = r.currency != "SAR" and r.exchange_rate is not None
    taxable = round_money(r.tax_exclusive * r.exchange_rate) if foreign else r.tax_exclusive
    messages = tuple(json.loads(r.messages_json)) if r.messages_json else ()
    kind = r.sub_kind or ("clearance" if r.doc_kind == "standard" else "reporting")
    document_uuid = r.document_uuid
    return SubmissionRow(
        number=r.number, type=r.type, egs=r.egs or "", icv=r.icv,
        uuid=str(document_uuid) if isinstance(document_uuid, uuid.UUID) else str(document_uuid or ""),
        issue_datetime=saudi_time(r.issue_datetime), state=_state_of(r), kind=kind, outcome=r.outcome or "",
        attempts=int(r.attempts or 0), last_status_code=r.last_status_code, last_error=r.last_error or "",
        messages=messages, phase=r.phase, environment=r.environment or "", taxable=sign * taxable,
        vat=sign * r.tax_total_sar)


class _Tally:
    def __init__(self) -> None:
        self.n = dict.fromkeys((*STATES, WARNINGS, "total"), 0)
        self.taxable = dict.fromkeys((*STATES, WARNINGS, "total"), Decimal("0.00"))
        self.vat = dict.fromkeys((*STATES, WARNINGS, "total"), Decimal("0.00"))

    def add(self, row: SubmissionRow) -> None:
        keys = [row.state, "total"] + ([WARNINGS] if row.warned else [])
        for key in keys:
            self.n[key] += 1
            self.taxable[key] += row.taxable
            self.vat[key] += row.vat

    def counts(self) -> Counts:
        return Counts(**{k: self.n[k] for k in (*STATES, WARNINGS, "total")})

    def totals(self, key: str) -> StateTotals:
        return StateTotals(key, self.n[key], self.taxable[key], self.vat[key])


def zatca_summary(uow: UnitOfWork, start: date, end: date, *, cancelled: CancelFn | None = None) -> ZatcaSummary:
    """Counts and SAR totals per state, per kind and per EGS unit for the documents issued in the period."""
    low, high = period_bounds(start, end)
    whole, kinds = _Tally(), {k: _Tally() for k in KINDS}
    units: dict[str, tuple[str, _Tally]] = {}
    for n, r in enumerate(uow.session.execute(_query(low, high)), 1):
        if n % 1000 == 0:
            check(cancelled, f"{n:,} documents counted")
        row = _row(r)
        whole.add(row)
        kinds.setdefault(row.kind, _Tally()).add(row)
        units.setdefault(row.egs, (row.environment, _Tally()))[1].add(row)
    vat_number = uow.session.scalar(select(m.Company.vat_number).where(m.Company.deleted_at.is_(None))) or ""
    return ZatcaSummary(
        vat_number=str(vat_number), start=start, end=end, states=tuple(whole.totals(s) for s in STATES),
        warnings=whole.totals(WARNINGS), total=whole.totals("total"),
        by_kind=tuple(KindCounts(k, t.counts()) for k, t in kinds.items()),
        by_egs=tuple(EgsCounts(name, env, t.counts()) for name, (env, t) in sorted(units.items())))


def submission_rows(uow: UnitOfWork, start: date, end: date, state: str) -> Iterator[SubmissionRow]:
    """The documents of one state (or WARNINGS), by EGS unit and counter, read from the driver as they come."""
    low, high = period_bounds(start, end)
    query = _query(low, high).where(_state_condition(state)).order_by(_egs.c.name, _doc.c.icv, _inv.c.number)
    for r in uow.session.execute(query):
        row = _row(r)
        if state != WARNINGS or row.warned:
            yield row


# -- the printed report: gathered, then laid out ---------------------------------------------------------------


def gather_zatca_report(ctx: Context, start: date, end: date, *, progress: ProgressFn | None = None,
                        cancelled: CancelFn | None = None) -> ZatcaReport:
    """Everything the printed report of `start` … `end` shows, read in one unit of work."""
    now = saudi_time(ctx.clock())
    with ctx.uow(write=False) as uow:
        summary = zatca_summary(uow, start, end, cancelled=cancelled)
        who = identity(uow)
        listed = sum(summary.state(k).documents for k in LISTED) or 1
        lists, done = [], 0
        for key in LISTED:
            step(progress, cancelled, 0.05 + (LAID_OUT - 0.05) * done / listed,
                 f"Reading {STATE_NAMES[key][0].lower()}")
            lists.append((key, tuple(submission_rows(uow, start, end, key))))
            done += summary.state(key).documents
    return ZatcaReport(summary, who, now, tuple(lists))


def build_zatca_report(ctx: Context, *, start: date, end: date, lang: str, progress: ProgressFn | None = None,
                       cancelled: CancelFn | None = None) -> Built:
    """The submission report of `start` … `end` as a PDF/A-3 in `lang` ("en" or "ar"), the figures attached as JSON.
    Cancelling raises `core.errors.Cancelled` (nothing is written: the caller saves the bytes)."""
    check_lang(lang)
    report = gather_zatca_report(ctx, start, end, progress=progress, cancelled=cancelled)
    built = lay_out_zatca_report(report, lang, progress=progress, cancelled=cancelled)
    if progress is not None:
        progress(1.0, "Done")
    return built
