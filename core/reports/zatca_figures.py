"""The ZATCA submission report's figures as data: states, counts, the listed documents and their labels.

Pure values (no store): `core.reports.zatca_report` gathers them, `core.reports.zatca_report_layout` lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core.reports.labels import Label
from core.reports.layout import Identity
from core.reports.vat_figures import jsonable

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



@dataclass(frozen=True, slots=True)
class ZatcaReport:
    """Everything the printed report shows, read in one unit of work: the summary, the company's identity, when it
    was made, and the documents of each listed state (by EGS unit and counter)."""

    summary: ZatcaSummary
    identity: Identity
    generated_at: datetime  # in Riyadh time
    lists: tuple[tuple[str, tuple[SubmissionRow, ...]], ...]  # (state, its documents) for each of LISTED

    def rows(self, key: str) -> tuple[SubmissionRow, ...]:
        return next(rows for state, rows in self.lists if state == key)
