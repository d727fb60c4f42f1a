"""The ZATCA submission report: where every document issued in a period stands with the Fatoora portal.

For the documents issued in the period (by issue date in Riyadh time) it counts those cleared (clearance done),
reported (reporting done), rejected, pending (waiting or being sent) and not submitted (issued in phase 1, or on
the demo unit, so never queued), and those accepted with warnings (done, with warning messages or status 202);
per kind (clearance or reporting) and per EGS unit, with the taxable amount and VAT per state in SAR to reconcile
with the counts and totals the Fatoora portal shows. Then it lists the documents of each state; rejected ones and
those accepted with warnings with the portal's messages.

`zatca_summary` is the pure data (the desktop and `qayd report zatca --json`); `submission_rows` streams a list.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select

from core.clock import saudi_time
from core.invoicing.totals import money as round_money
from core.reports.document import Built, CancelFn, ProgressFn, check_lang, finish, identity
from core.reports.errors import ReportCancelled
from core.reports.labels import Label, span, timestamp
from core.reports.layout import ALERT, MUTED, Column, Progress, ReportWriter, money
from core.reports.pdfa import Attachment
from core.reports.vat_return import (
    Stages,
    in_period,
    jsonable,
    period_bounds,
    period_label,
)
from core.store import models as m
from core.uow import Context, UnitOfWork

STATES = ("cleared", "reported", "rejected", "pending", "not_submitted")
WARNINGS = "warnings"  # done, but with warnings: a subset of cleared and reported
KINDS = ("clearance", "reporting")
LISTED = ("rejected", "pending", WARNINGS, "not_submitted", "cleared", "reported")  # problems first

TITLE: Label = ("ZATCA submission report", "تقرير الإرسال إلى الهيئة")
STATE_NAMES: dict[str, Label] = {
    "cleared": ("Cleared", "معتمدة"),
    "reported": ("Reported", "مُبلَّغ عنها"),
    "rejected": ("Rejected", "مرفوضة"),
    "pending": ("Pending", "قيد الإرسال"),
    "not_submitted": ("Not submitted", "لم تُرسل"),
    WARNINGS: ("Accepted with warnings", "مقبولة مع تحذيرات"),
    "total": ("Total", "الإجمالي"),
}
KIND_NAMES: dict[str, Label] = {"clearance": ("Clearance", "الاعتماد"), "reporting": ("Reporting", "الإبلاغ")}
OUTCOME_NAMES: dict[str, Label] = {
    "cleared": ("cleared", "تم الاعتماد"),
    "reported": ("reported", "تم الإبلاغ"),
    "already_submitted": ("already submitted", "أُرسلت من قبل"),
    "rejected": ("rejected", "مرفوضة"),
    "refused": ("refused", "رُفض الطلب"),
    "unavailable": ("portal unavailable", "البوابة غير متاحة"),
    "unauthorised": ("not authorised", "غير مصرح"),
    "clearance_off": ("clearance off, to be reported", "الاعتماد متوقف، تُبلَّغ بدلاً منه"),
}


@dataclass(frozen=True, slots=True)
class Counts:
    """How many documents are in each state."""

    cleared: int = 0
    reported: int = 0
    rejected: int = 0
    pending: int = 0
    not_submitted: int = 0
    warnings: int = 0  # of the cleared and reported ones
    total: int = 0


@dataclass(frozen=True, slots=True)
class StateTotals:
    """The documents of one state and their amounts in SAR (credit notes count negative)."""

    state: str
    documents: int
    taxable: Decimal
    vat: Decimal


@dataclass(frozen=True, slots=True)
class KindCounts:
    kind: str  # clearance | reporting (a document never queued: the one its kind calls for)
    counts: Counts


@dataclass(frozen=True, slots=True)
class EgsCounts:
    egs: str
    environment: str
    counts: Counts


@dataclass(frozen=True, slots=True)
class ZatcaSummary:
    """Where the documents issued in a period stand with ZATCA."""

    vat_number: str
    start: date
    end: date
    states: tuple[StateTotals, ...]  # cleared, reported, rejected, pending, not_submitted, in that order
    warnings: StateTotals
    total: StateTotals
    by_kind: tuple[KindCounts, ...]
    by_egs: tuple[EgsCounts, ...]
    timezone: str = "Asia/Riyadh"
    currency: str = "SAR"

    def state(self, key: str) -> StateTotals:
        if key == WARNINGS:
            return self.warnings
        if key == "total":
            return self.total
        return next(s for s in self.states if s.state == key)

    def as_json(self) -> dict[str, Any]:
        return dict(jsonable(self))


@dataclass(frozen=True, slots=True)
class SubmissionRow:
    """One document in the lists."""

    number: str
    type: str
    egs: str
    icv: int | None
    uuid: str
    issue_datetime: datetime  # in Riyadh time
    state: str  # one of STATES
    kind: str
    outcome: str
    attempts: int
    last_status_code: int | None
    last_error: str
    messages: tuple[dict[str, str], ...]
    phase: int | None
    environment: str
    taxable: Decimal  # SAR, negative for a credit note
    vat: Decimal

    @property
    def warned(self) -> bool:
        return self.state in ("cleared", "reported") and (
            self.last_status_code == 202 or any(msg.get("level", "").lower() == "warning" for msg in self.messages))


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
        if cancelled is not None and n % 1000 == 0 and cancelled():
            raise ReportCancelled()
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


# -- the printed report ----------------------------------------------------------------------------------------

def build_zatca_report(ctx: Context, *, start: date, end: date, lang: str, progress: ProgressFn | None = None,
                       cancelled: CancelFn | None = None) -> Built:
    """The submission report of `start` … `end` as a PDF/A-3 in `lang` ("en" or "ar"), the figures attached as JSON.
    Cancelling raises `ReportCancelled` (nothing is written: the caller saves the bytes)."""
    check_lang(lang)
    now = saudi_time(ctx.clock())
    stages = Stages(progress)
    with ctx.uow(write=False) as uow:
        data = zatca_summary(uow, start, end, cancelled=cancelled)
        writer = ReportWriter(lang=lang, title=TITLE, identity=identity(uow), generated_at=now,
                              subtitle=period_label(start, end))
        _summary_pages(writer, data)
        listed = sum(data.state(k).documents for k in LISTED) or 1
        done = 0
        for key in LISTED:
            count = data.state(key).documents
            report = stages.stage(0.05 + 0.95 * done / listed, 0.05 + 0.95 * (done + count) / listed,
                                  f"Listing {STATE_NAMES[key][0].lower()}")
            _state_list(writer, uow, data, key, Progress(report, cancelled))
            done += count
    filename = f"zatca-submissions_{data.vat_number}_{start.isoformat()}_{end.isoformat()}_{lang}.pdf"
    title = f"{writer.t(TITLE)} {start.isoformat()} – {end.isoformat()}"
    figures = json.dumps(data.as_json(), ensure_ascii=False, indent=2).encode("utf-8")
    attachment = Attachment("zatca-submissions.json", figures, "application/json", "Data",
                            "The counts and totals of this submission report (JSON)")
    built = finish(writer, filename=filename, title=title, created=now, attachments=[attachment],
                   keywords=f"ZATCA, Fatoora, submissions, {data.vat_number}, {start.isoformat()}, {end.isoformat()}")
    if progress is not None:
        progress(1.0, "Done")
    return built


NOTE: Label = (
    "Documents issued in the period by issue date in Riyadh time. Cleared: clearance done; reported: reporting "
    "done; rejected: ZATCA refused the document, which needs a correction (a credit note and a new invoice); "
    "pending: waiting in the queue or being sent; not submitted: issued in phase 1 or on the demo unit, so never "
    "sent. Accepted with warnings are cleared or reported documents that came back with warnings. Amounts are "
    "in SAR, taxable amount before VAT; credit notes count negative.",
    "المستندات الصادرة في الفترة بحسب تاريخ الإصدار بتوقيت الرياض. المعتمدة: تم اعتمادها؛ المُبلَّغ عنها: تم "
    "الإبلاغ عنها؛ المرفوضة: رفضتها الهيئة وتحتاج إلى تصحيح بإشعار دائن وفاتورة جديدة؛ قيد الإرسال: تنتظر في "
    "قائمة الإرسال أو يجري إرسالها؛ لم تُرسل: صدرت في المرحلة الأولى أو من الوحدة التجريبية فلا تُرسل. "
    "المقبولة مع تحذيرات هي مستندات معتمدة أو مُبلَّغ عنها عادت بتحذيرات. المبالغ بالريال السعودي، والمبلغ "
    "الخاضع قبل الضريبة؛ وتُحسب الإشعارات الدائنة بالسالب.")
COUNT_KEYS = ("cleared", "reported", "rejected", "pending", "not_submitted", WARNINGS, "total")


def _count_columns(first: Label) -> list[Column]:
    return [Column(first, 2.0), *[Column(STATE_NAMES[k], 1.0, "end") for k in COUNT_KEYS]]


def _count_cells(counts: Counts) -> list[str]:
    return [f"{getattr(counts, k):,}" for k in COUNT_KEYS]


def _summary_pages(w: ReportWriter, data: ZatcaSummary) -> None:
    submitted = data.total.documents - data.state("not_submitted").documents
    w.fields([
        (("VAT registration number", "رقم التسجيل الضريبي"), data.vat_number),
        (("Period", "الفترة"), w.t(span(data.start, data.end))),
        (("Documents issued", "المستندات الصادرة"), f"{data.total.documents:,}"),
        (("Submitted to ZATCA", "المُرسلة إلى الهيئة"), f"{submitted:,}"),
        (("Time zone", "المنطقة الزمنية"), w.t(("Riyadh, UTC+3", "الرياض، UTC+3"))),
        (("Currency", "العملة"), w.t(("Saudi riyal (SAR)", "الريال السعودي SAR"))),
    ])
    w.space(4)
    w.paragraph(NOTE, size=8, color=MUTED)
    w.heading(("By state", "حسب الحالة"))
    rows = [[w.t(STATE_NAMES[s.state]), f"{s.documents:,}", money(s.taxable), money(s.vat)]
            for s in (*data.states, data.total)]
    rows.append([w.t(("of which accepted with warnings", "منها مقبولة مع تحذيرات")), f"{data.warnings.documents:,}",
                 money(data.warnings.taxable), money(data.warnings.vat)])
    w.table([Column(("State", "الحالة"), 2.4), Column(("Documents", "المستندات"), 1.0, "end"),
             Column(("Taxable amount (SAR)", "المبلغ الخاضع بالريال السعودي"), 1.5, "end"),
             Column(("VAT (SAR)", "الضريبة بالريال السعودي"), 1.3, "end")], rows)
    rejected = data.state("rejected").documents
    if rejected:
        w.paragraph((f"Rejected documents: {rejected:,}. Correct each with a credit note and a new invoice (the "
                     "guided correction in Qayd); ZATCA's messages are listed below.",
                     f"المستندات المرفوضة: {rejected:,}. صحِّح كلاً منها بإشعار دائن وفاتورة جديدة عبر التصحيح "
                     "الموجَّه في قيد؛ ورسائل الهيئة مدرجة أدناه."), size=8, color=ALERT)
    w.heading(("By kind of submission", "حسب نوع الإرسال"))
    w.table(_count_columns(("Kind", "النوع")),
            [[w.t(KIND_NAMES.get(k.kind, (k.kind, k.kind))), *_count_cells(k.counts)] for k in data.by_kind], size=7.5)
    w.heading(("By EGS unit", "حسب وحدة إنشاء الفواتير"))
    w.table(_count_columns(("EGS unit", "وحدة إنشاء الفواتير")),
            [[f"{u.egs} · {u.environment}" if u.egs else "—", *_count_cells(u.counts)] for u in data.by_egs], size=7.5)


def _short(text: str, limit: int = 120) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _messages(row: SubmissionRow, level: str | None) -> str:
    chosen = [msg for msg in row.messages if level is None or msg.get("level", "").lower() == level]
    lines = [_short(f"{msg.get('level', '').upper()} {msg.get('code', '')}: {msg.get('message', '')}", 160)
             for msg in chosen]
    if not lines and row.last_error:
        lines = [_short(row.last_error, 160)]
    return "\n".join(lines) or "—"


def _outcome(w: ReportWriter, outcome: str) -> str:
    return w.t(OUTCOME_NAMES[outcome]) if outcome in OUTCOME_NAMES else (outcome or "—")


# Weights in points of the 515-point line (each list adds up to it or less): a number or a time never wraps,
# a UUID takes two lines.
NUMBER = Column(("Number", "الرقم"), 80)
EGS = Column(("EGS unit", "الوحدة"), 62)
ICV = Column(("ICV", "العداد ICV"), 28, "end")
UUID_COLUMN = Column(("UUID", "المعرف UUID"), 78)
ISSUED = Column(("Issued, Riyadh time", "وقت الإصدار بتوقيت الرياض"), 64)
ATTEMPTS = Column(("Attempts", "المحاولات"), 40, "end")
STATUS = Column(("Status code", "رمز الحالة"), 32, "end")


def _state_list(w: ReportWriter, uow: UnitOfWork, data: ZatcaSummary, key: str, progress: Progress) -> None:
    figures = data.state(key)
    w.ensure(90)
    w.heading((f"{STATE_NAMES[key][0]}: documents", f"{STATE_NAMES[key][1]}: المستندات"))
    units = len(data.by_egs) > 1  # with one unit (named in the summary) its column is left out
    common = [NUMBER, EGS, ICV, UUID_COLUMN, ISSUED] if units else [NUMBER, ICV, UUID_COLUMN, ISSUED]

    def base(row: SubmissionRow) -> list[str]:
        cells = [row.number, row.egs or "—"] if units else [row.number]
        return [*cells, str(row.icv) if row.icv is not None else "—", row.uuid or "—",
                timestamp(row.issue_datetime)]

    if key in ("rejected", WARNINGS):
        level = "warning" if key == WARNINGS else None
        columns = [*common, ATTEMPTS, STATUS, Column(("Messages from ZATCA", "رسائل الهيئة"), 131)]

        def cells(row: SubmissionRow) -> list[str]:
            return [*base(row), str(row.attempts), _status(row), _messages(row, level)]
    elif key == "not_submitted":
        columns = [*common, Column(("Why", "السبب"), 150)]

        def cells(row: SubmissionRow) -> list[str]:
            if row.environment == "demo":
                why = w.t(("demo unit: never submitted", "وحدة تجريبية: لا تُرسل"))
            elif row.phase == 1:
                why = w.t(("issued in phase 1", "صدر في المرحلة الأولى"))
            else:
                why = w.t(("not queued", "لم يُدرج في قائمة الإرسال"))
            return [*base(row), why]
    else:
        columns = [*common, Column(("Outcome", "النتيجة"), 52), ATTEMPTS, STATUS,
                   Column(("Last error", "آخر خطأ"), 79)]

        def cells(row: SubmissionRow) -> list[str]:
            return [*base(row), _outcome(w, row.outcome), str(row.attempts), _status(row),
                    _short(row.last_error, 90) or "—"]

    rows = (cells(row) for row in submission_rows(uow, data.start, data.end, key))
    w.table(columns, rows, size=7, total_rows=figures.documents, progress=progress)


def _status(row: SubmissionRow) -> str:
    return str(row.last_status_code) if row.last_status_code is not None else "—"
