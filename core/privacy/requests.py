"""Data-subject requests (GDPR Art. 12, 15-21): intake, identity check, extension, closure, each step audited.

A request is received (its kind, the subject it concerns, who asked and how to reach them), due one calendar
month after receipt (Art. 12(3): the same date of the next month, or that month's last day when it has no such
date; the period ends at the end of that day, Saudi time), extendable once, before it falls due and with a
reason, to three months after receipt. Its identity check is recorded (method, when, by whom) and is required
before it is completed (refusing or withdrawing needs no check). Statuses: received → identity_verified →
in_progress → completed | refused | withdrawn; "extended" right after an extension (the next step moves on, the
extension stays in `extension_reason` and `due_at`). A request not closed by its due time is overdue.
Lists carry no personal data; `get_request` returns the requester too and logs that read (access log).

Every step is one transaction with its audit entry. Audit entries name the data subject (so a subject's history
is in one place) and carry the reference, kind and status; the requester's name and contact and every free text
(notes, identity method, extension reason, outcome, which may quote personal data) go only into the sealed
`personal` part, sealed with the subject's key (erasing the subject shreds them). References: DSR-YYYY-NNNN,
numbered per year of receipt.
"""

from __future__ import annotations

import calendar
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select

from core.clock import SAUDI_TIME, saudi_time
from core.errors import NotFoundError, ValidationError
from core.findings import Finding
from core.invoicing.text import char_findings
from core.privacy.subjects import parse_subject, subject_exists
from core.store import models as m
from core.uow import UnitOfWork

KSA = SAUDI_TIME  # one Saudi-time constant, core.clock's
KINDS = ("access", "erasure", "rectification", "portability", "restriction", "objection")
STATUSES = ("received", "identity_verified", "in_progress", "extended", "completed", "refused", "withdrawn")
CLOSED_STATUSES = ("completed", "refused", "withdrawn")
OPEN_STATUSES = tuple(s for s in STATUSES if s not in CLOSED_STATUSES)
ARTICLES = {"access": "Art. 15", "erasure": "Art. 17", "rectification": "Art. 16", "portability": "Art. 20",
            "restriction": "Art. 18", "objection": "Art. 21"}
EXPORT_KINDS = ("access", "portability")
ERASE_KINDS = ("erasure",)
DUE_MONTHS = 1
EXTENDED_MONTHS = 3  # one month plus two further months (Art. 12(3))
MAX_TEXT = 2000
READ_PURPOSE = "handling a data subject request"


@dataclass(frozen=True)
class Requester:
    """Who made the request and how to reach them (personal data: kept in the request and sealed in the audit)."""

    name: str
    contact: str


@dataclass(frozen=True)
class RequestInfo:
    id: uuid.UUID
    reference: str
    subject: str
    kind: str
    status: str
    received_at: datetime
    due_at: datetime
    due_date: date  # the last day to answer, Saudi time
    overdue: bool
    days_left: int | None  # until the due date (negative when overdue); None once closed
    extension_reason: str
    identity_method: str
    identity_checked_at: datetime | None
    identity_checked_by: str
    closed_at: datetime | None
    outcome: str
    notes: str
    requester: Requester | None = None  # only from get_request (a read of personal data, logged)

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def extended(self) -> bool:
        return bool(self.extension_reason)

    @property
    def identity_verified(self) -> bool:
        return self.identity_checked_at is not None


# --- dates ---------------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the last day of that month when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def due_date_for(received_at: datetime, *, extended: bool = False) -> date:
    """The last day to answer a request received at `received_at` (Saudi calendar day)."""
    return add_months(saudi_time(received_at).date(), EXTENDED_MONTHS if extended else DUE_MONTHS)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59, 999999), KSA)


# --- errors --------------------------------------------------------------------------------------------------


def _finding(rule: str, field: str, message: str, fix: str, message_ar: str, fix_ar: str) -> Finding:
    return Finding(rule, field, message, fix, message_ar=message_ar, fix_ar=fix_ar)


def _refuse(what: str, findings: list[Finding]) -> None:
    if findings:
        raise ValidationError(what, findings)


def _closed_findings(row: m.GdprRequest | RequestInfo) -> list[Finding]:
    """A closed request refuses every step."""
    if row.status not in CLOSED_STATUSES:
        return []
    return [_finding("QAYD-DSR-CLOSED", "status", f"Request {row.reference} is already closed ({row.status}).",
                     "A closed request cannot change; record a new request if the subject asks again.",
                     f"الطلب {row.reference} مغلق ({row.status}).",
                     "لا يتغير طلب مغلق؛ سجّل طلباً جديداً إذا طلب صاحب البيانات مرة أخرى.")]


def _identity_first_finding() -> Finding:
    return _finding("QAYD-DSR-IDENTITY-FIRST", "identity_method", "The requester's identity has not been verified.",
                    "Verify the identity first (Art. 12(6)), and record how.",
                    "لم يُتحقق من هوية مقدّم الطلب.", "تحقق من الهوية أولاً (المادة 12(6)) وسجّل طريقة التحقق.")


def _text_findings(field: str, value: str, label: tuple[str, str], *, required: bool = True) -> list[Finding]:
    if required and not value.strip():
        return [_finding(f"QAYD-DSR-{field.upper().replace('_', '-')}", field, f"The {label[0]} is missing.",
                         f"Give the {label[0]}.", f"{label[1]} مفقود.", f"أدخل {label[1]}.")]
    if len(value) > MAX_TEXT:
        return [_finding("QAYD-DSR-TOO-LONG", field, f"The {label[0]} is longer than {MAX_TEXT} characters.",
                         "Shorten it; keep documents outside Qayd and refer to them.",
                         f"{label[1]} أطول من {MAX_TEXT} حرف.", "اختصره، واحفظ المستندات خارج قيد مع الإشارة إليها.")]
    return char_findings(value, field, label)  # the same characters as every other field (issue 12)


# --- reading -------------------------------------------------------------------------------------------------


def _info(row: m.GdprRequest, now: datetime, requester: Requester | None = None) -> RequestInfo:
    due_day = saudi_time(row.due_at).date()
    closed = row.status in CLOSED_STATUSES
    return RequestInfo(
        id=row.id, reference=row.reference, subject=row.subject, kind=row.kind, status=row.status,
        received_at=row.received_at, due_at=row.due_at, due_date=due_day,
        overdue=not closed and now > row.due_at,
        days_left=None if closed else (due_day - saudi_time(now).date()).days,
        extension_reason=row.extension_reason, identity_method=row.identity_method,
        identity_checked_at=row.identity_checked_at, identity_checked_by=row.identity_checked_by,
        closed_at=row.closed_at, outcome=row.outcome, notes=row.notes, requester=requester)


def _row(uow: UnitOfWork, ref: str) -> m.GdprRequest:
    ref = ref.strip()
    row = uow.session.scalars(select(m.GdprRequest).where(m.GdprRequest.reference == ref.upper(),
                                                          m.GdprRequest.deleted_at.is_(None))).first()
    if row is None:
        try:
            row = uow.session.get(m.GdprRequest, uuid.UUID(ref))
        except ValueError:
            row = None
    if row is None or row.deleted_at is not None:
        raise NotFoundError(f"There is no data-subject request {ref!r}.",
                            fix="Give its reference, e.g. DSR-2026-0001; `qayd gdpr request list` lists them.")
    return row


def list_requests(uow: UnitOfWork, *, open_only: bool = False, subject: str | None = None) -> list[RequestInfo]:
    """Requests, the soonest due first (open ones before closed ones). No personal data: no requester."""
    query = select(m.GdprRequest).where(m.GdprRequest.deleted_at.is_(None))
    if open_only:
        query = query.where(m.GdprRequest.status.in_(OPEN_STATUSES))
    if subject is not None:
        query = query.where(m.GdprRequest.subject == subject)
    now = uow.now()
    infos = [_info(row, now) for row in uow.session.scalars(query)]
    pending = sorted((i for i in infos if i.is_open), key=lambda i: (i.due_at, i.reference))
    closed = sorted((i for i in infos if not i.is_open), key=lambda i: (i.closed_at or i.received_at, i.reference),
                    reverse=True)
    return pending + closed


def get_request(uow: UnitOfWork, ref: str, *, purpose: str = READ_PURPOSE) -> RequestInfo:
    """One request with its requester (by reference or id); the read of the requester is logged."""
    row = _row(uow, ref)
    data = json.loads(row.requester_json or "{}")
    requester = Requester(str(data.get("name", "")), str(data.get("contact", "")))
    if row.subject and (requester.name or requester.contact):
        uow.record_access(row.subject, ("gdpr_request.requester_json",), purpose)
    return _info(row, uow.now(), requester)


def overdue_requests(uow: UnitOfWork) -> list[RequestInfo]:
    return [i for i in list_requests(uow, open_only=True) if i.overdue]


def _extension_findings(reference: str, *, extended: bool, overdue: bool) -> list[Finding]:
    """The two-month extension of Art. 12(3): once, and decided before the request falls due."""
    if extended:
        return [_finding("QAYD-DSR-EXTEND-TWICE", "due_at", f"Request {reference} was already extended.",
                         "The two-month extension of Art. 12(3) is allowed once; answer by the due date.",
                         f"سبق تمديد الطلب {reference}.",
                         "يسمح بالتمديد لشهرين مرة واحدة فقط (المادة 12(3))؛ أجب قبل الموعد.")]
    if overdue:
        return [_finding("QAYD-DSR-EXTEND-LATE", "due_at", f"Request {reference} is already overdue.",
                         "An extension must be decided and told to the requester within the first month; "
                         "answer the request now.",
                         f"الطلب {reference} متأخر عن موعده.",
                         "يجب تقرير التمديد وإبلاغ مقدّم الطلب خلال الشهر الأول؛ أجب عن الطلب الآن.")]
    return []


def action_findings(info: RequestInfo, action: str) -> list[Finding]:
    """Why `action` ("export", "erase" or "extend") may not run for this request yet; empty when it may."""
    if action == "extend":  # the reason is asked for when extending; here only what no reason can change
        return _closed_findings(info) + _extension_findings(info.reference, extended=info.extended,
                                                            overdue=info.overdue)
    kinds = EXPORT_KINDS if action == "export" else ERASE_KINDS
    findings: list[Finding] = []
    if info.kind not in kinds:
        findings.append(_finding(
            "QAYD-DSR-ACTION-KIND", "kind", f"A {info.kind} request is not answered by this action ({action}).",
            "Export answers access and portability requests; erasure answers erasure requests.",
            f"هذا الإجراء لا يجيب عن طلب من نوع {info.kind}.",
            "التصدير يجيب عن طلبات الاطلاع ونقل البيانات؛ والمسح يجيب عن طلبات المسح."))
    findings += _closed_findings(info)
    if not info.identity_verified:
        findings.append(_identity_first_finding())
    return findings


# --- steps ---------------------------------------------------------------------------------------------------


def _next_reference(uow: UnitOfWork, year: int) -> str:
    prefix = f"DSR-{year}-"
    taken = uow.session.scalars(select(m.GdprRequest.reference)
                                .where(m.GdprRequest.reference.like(prefix + "%"))).all()
    numbers = [int(r[len(prefix):]) for r in taken if r[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _requester(value: Requester | Mapping[str, str]) -> Requester:
    if isinstance(value, Requester):
        return Requester(value.name.strip(), value.contact.strip())
    return Requester(str(value.get("name", "")).strip(), str(value.get("contact", "")).strip())


def _key_destroyed(uow: UnitOfWork, subject: str) -> bool:
    found = uow.session.execute(select(m.SubjectKey.wrapped_key).where(m.SubjectKey.subject == subject)).first()
    return found is not None and found[0] is None


def _append(uow: UnitOfWork, action: str, row: m.GdprRequest, data: dict[str, object],
            personal: dict[str, object] | None = None) -> None:
    body = {"reference": row.reference, "kind": row.kind, "status": row.status, **data}
    if personal is None:
        uow.audit.append(action, row.subject, body)
        return
    # The subject's key seals the requester's details; once it is destroyed (the subject was erased) a new
    # request's details are sealed with a key of the request's own, which erasing the request's data destroys.
    sealed_for = row.subject if not _key_destroyed(uow, row.subject) else f"gdpr_request:{row.id}"
    uow.audit.append(action, row.subject, body, personal=personal, personal_subject=sealed_for)


def _touch(uow: UnitOfWork, row: m.GdprRequest) -> None:
    row.version += 1
    row.updated_at, row.device_id = uow.now(), uow.ctx.device_id


def add_request(uow: UnitOfWork, kind: str, *, subject: str, requester: Requester | Mapping[str, str],
                received_at: datetime, identity_method: str = "", notes: str = "") -> RequestInfo:
    """Record a request as received (and its identity check, when `identity_method` is given)."""
    who = _requester(requester)
    now = uow.now()
    findings: list[Finding] = []
    if kind not in KINDS:
        findings.append(_finding("QAYD-DSR-KIND", "kind", f"{kind!r} is not a kind of data-subject request.",
                                 f"Use one of: {', '.join(KINDS)}.", f"{kind!r} ليس نوعاً من طلبات أصحاب البيانات.",
                                 f"استخدم أحد الأنواع: {', '.join(KINDS)}."))
    if parse_subject(subject) is None or not subject_exists(uow, subject):
        findings.append(_finding(
            "QAYD-DSR-SUBJECT", "subject", "The subject names no customer or staff user.",
            "Give `customer:<id>` or `user:<id>` of an existing record; the subject search finds it.",
            "صاحب البيانات لا يطابق أي عميل أو مستخدم.",
            "أدخل customer:<id> أو user:<id> لسجل موجود؛ ويجده البحث عن أصحاب البيانات."))
    findings += _text_findings("requester_name", who.name, ("requester's name", "اسم مقدّم الطلب"))
    findings += _text_findings("requester_contact", who.contact, ("requester's contact (e-mail, phone or address)",
                                                                  "وسيلة التواصل مع مقدّم الطلب"))
    findings += _text_findings("identity_method", identity_method, ("identity check", "طريقة التحقق من الهوية"),
                               required=False)
    findings += _text_findings("notes", notes, ("notes", "الملاحظات"), required=False)
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        findings.append(_finding("QAYD-DSR-RECEIVED-TZ", "received_at", "The time of receipt has no time zone.",
                                 "Give it with its offset, e.g. 2026-11-25T09:30+03:00.",
                                 "وقت الاستلام بلا منطقة زمنية.", "أدخله مع فرق التوقيت، مثل 2026-11-25T09:30+03:00."))
    elif received_at > now:
        findings.append(_finding("QAYD-DSR-RECEIVED-FUTURE", "received_at", "The time of receipt is in the future.",
                                 "Give when the request actually arrived (today or earlier).",
                                 "وقت الاستلام في المستقبل.", "أدخل وقت وصول الطلب فعلاً (اليوم أو قبله)."))
    _refuse("The data-subject request", findings)
    received = saudi_time(received_at)
    row = m.GdprRequest(
        id=uuid.uuid4(), reference=_next_reference(uow, received.year), subject=subject, kind=kind,
        status="received", received_at=received, due_at=end_of_day(due_date_for(received)), extension_reason="",
        requester_json=json.dumps({"name": who.name, "contact": who.contact}, ensure_ascii=False, sort_keys=True),
        identity_method="", identity_checked_at=None, identity_checked_by="", closed_at=None, outcome="",
        notes=notes.strip(), created_at=now, updated_at=now, device_id=uow.ctx.device_id)
    uow.session.add(row)
    uow.session.flush()
    personal: dict[str, object] = {"requester": {"name": who.name, "contact": who.contact}}
    if row.notes:
        personal["notes"] = row.notes
    _append(uow, "gdpr_request.received", row,
            {"article": ARTICLES[kind], "received_at": received.isoformat(), "due_at": row.due_at.isoformat()},
            personal=personal)
    if identity_method.strip():
        _verify(uow, row, identity_method.strip())
    return _info(row, now)


def _verify(uow: UnitOfWork, row: m.GdprRequest, method: str) -> None:
    row.identity_method, row.identity_checked_at, row.identity_checked_by = method, uow.now(), uow.ctx.actor
    if row.status in ("received", "extended"):  # the extension stays recorded (extension_reason, due_at)
        row.status = "identity_verified"
    _touch(uow, row)
    uow.session.flush()
    _append(uow, "gdpr_request.identity_verified", row, {"by": row.identity_checked_by}, {"method": method})


def verify_identity(uow: UnitOfWork, ref: str, method: str) -> RequestInfo:
    """Record how the requester's identity was checked, when and by whom (the acting staff user)."""
    row = _row(uow, ref)
    findings = _closed_findings(row)
    findings += _text_findings("identity_method", method, ("identity check", "طريقة التحقق من الهوية"))
    _refuse(f"Verifying the identity for {row.reference}", findings)
    _verify(uow, row, method.strip())
    return _info(row, uow.now())


def start(uow: UnitOfWork, ref: str, *, note: str = "") -> RequestInfo:
    """Mark the request in progress (work on the answer has begun); a no-op when it already is."""
    row = _row(uow, ref)
    findings = _closed_findings(row)
    if row.identity_checked_at is None:
        findings.append(_identity_first_finding())
    _refuse(f"Starting {row.reference}", findings)
    if row.status != "in_progress":
        row.status = "in_progress"
        _touch(uow, row)
        uow.session.flush()
        _append(uow, "gdpr_request.started", row, {}, {"note": note} if note else None)
    return _info(row, uow.now())


def extend(uow: UnitOfWork, ref: str, reason: str) -> RequestInfo:
    """Extend the due date to three months after receipt (once, before it falls due, with a reason)."""
    row = _row(uow, ref)
    now = uow.now()
    findings = _closed_findings(row)
    findings += _text_findings("reason", reason, ("reason for the extension", "سبب التمديد"))
    findings += _extension_findings(row.reference, extended=bool(row.extension_reason), overdue=now > row.due_at)
    _refuse(f"Extending {row.reference}", findings)
    before = row.due_at
    row.extension_reason = reason.strip()
    row.due_at = end_of_day(due_date_for(row.received_at, extended=True))
    row.status = "extended"
    _touch(uow, row)
    uow.session.flush()
    _append(uow, "gdpr_request.extended", row, {"due_before": before.isoformat(), "due_at": row.due_at.isoformat()},
            {"reason": row.extension_reason})
    return _info(row, now)


def close(uow: UnitOfWork, ref: str, outcome: str, status: str = "completed") -> RequestInfo:
    """Close the request: completed (answered; identity must have been verified), refused or withdrawn."""
    row = _row(uow, ref)
    findings = _closed_findings(row)
    if status not in CLOSED_STATUSES:
        findings.append(_finding("QAYD-DSR-STATUS", "status", f"{status!r} does not close a request.",
                                 f"Use one of: {', '.join(CLOSED_STATUSES)}.", f"{status!r} لا يغلق الطلب.",
                                 f"استخدم إحدى الحالات: {', '.join(CLOSED_STATUSES)}."))
    findings += _text_findings("outcome", outcome, ("outcome", "النتيجة"))
    if status == "completed" and row.identity_checked_at is None:
        findings.append(_finding("QAYD-DSR-IDENTITY-FIRST", "identity_method",
                                 "A request cannot be completed before the requester's identity is verified.",
                                 "Verify the identity first, or close it as refused (with the reason) or withdrawn.",
                                 "لا يُنجز الطلب قبل التحقق من هوية مقدّمه.",
                                 "تحقق من الهوية أولاً، أو أغلق الطلب مرفوضاً (مع السبب) أو مسحوباً."))
    _refuse(f"Closing {row.reference}", findings)
    now = uow.now()
    late = now > row.due_at
    row.status, row.outcome, row.closed_at = status, outcome.strip(), now
    _touch(uow, row)
    uow.session.flush()
    _append(uow, "gdpr_request.closed", row, {"late": late}, {"outcome": row.outcome})
    return _info(row, now)
