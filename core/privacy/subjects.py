"""Finding data subjects: customers by name, e-mail, phone, id or VAT number; staff users by name.

Subjects are named as the audit log names them (``customer:<uuid>``, ``user:<uuid>``). A search reads personal
data (the names it shows), so every person it names is recorded in the personal-data access log with its purpose.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select

from core.errors import NotFoundError, ValidationError
from core.findings import Finding
from core.personal import roles
from core.store import models as m
from core.uow import UnitOfWork

SUBJECT_PATTERN = re.compile(r"^(customer|user):([0-9a-fA-F-]{32,36})$")
SEARCH_PURPOSE = "data subject request: finding the subject"
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PHONE_NOISE = " -()+."
CUSTOMER_FIELDS = ("customer.name", "customer.name_ar")
USER_FIELDS = ("staff_user.username", "staff_user.display_name")


@dataclass(frozen=True)
class SubjectMatch:
    subject: str  # customer:<uuid> | user:<uuid>
    kind: str  # "customer" | "user"
    display: str
    restricted: bool
    erased: bool


def parse_subject(text: str, *, bare_is_customer: bool = False) -> tuple[str, uuid.UUID] | None:
    """("customer"|"user", id) for a subject reference, None for anything else. With `bare_is_customer`, a bare
    id names a customer, as the access log reads it."""
    value = text.strip()
    if bare_is_customer and ":" not in value:
        value = f"customer:{value}"
    found = SUBJECT_PATTERN.match(value)
    if found is None:
        return None
    try:
        return found.group(1), uuid.UUID(found.group(2))
    except ValueError:
        return None


def require_subject(text: str) -> tuple[str, uuid.UUID]:
    """As `parse_subject` (a bare id is a customer's), for the commands that act on a subject: NotFoundError for
    anything that is not a subject reference."""
    parsed = parse_subject(text, bare_is_customer=True)
    if parsed is None:
        raise NotFoundError(f"{text!r} is not a data subject.",
                            fix="Name a subject as customer:<id> or user:<id>; `qayd gdpr subjects TEXT` and the "
                                "Privacy view's subject search find them.")
    return parsed


def subject_exists(uow: UnitOfWork, subject: str) -> bool:
    parsed = parse_subject(subject)
    if parsed is None:
        return False
    kind, ident = parsed
    model = m.Customer if kind == "customer" else m.StaffUser
    return uow.session.scalar(select(model.id).where(model.id == ident)) is not None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _phone_column() -> ColumnElement[str]:
    column: ColumnElement[str] = func.replace(m.Customer.phone, _PHONE_NOISE[0], "")
    for ch in _PHONE_NOISE[1:]:
        column = func.replace(column, ch, "")
    return column


def _customer_match(uow: UnitOfWork, row: m.Customer, purpose: str) -> SubjectMatch:
    """The match as the acting user may see it; the read of an individual's (or a restricted record's) name is
    logged by the roles gate."""
    if roles.screen(uow, roles.customer_subject(row.id), personal=row.kind == "individual",
                    restricted=row.restricted_at is not None,
                    fields=[f for f in CUSTOMER_FIELDS if getattr(row, f.split(".")[1])], purpose=purpose):
        display = row.name if not row.name_ar or row.name_ar == row.name else f"{row.name} — {row.name_ar}"
    else:
        display = roles.RESTRICTED
    return SubjectMatch(f"customer:{row.id}", "customer", display, row.restricted_at is not None,
                        row.erased_at is not None)


def _user_match(uow: UnitOfWork, user: m.StaffUser, purpose: str) -> SubjectMatch:
    subject = f"user:{user.id}"
    uow.record_access(subject, USER_FIELDS, purpose)
    if user.display_name and user.display_name != user.username:
        return SubjectMatch(subject, "user", f"{user.display_name} ({user.username})", False, False)
    return SubjectMatch(subject, "user", user.username, False, False)


def find_subjects(uow: UnitOfWork, text: str, *, limit: int = 50, purpose: str = SEARCH_PURPOSE
                  ) -> list[SubjectMatch]:
    """Customers whose name, Arabic name, e-mail, phone, id value or VAT number contains `text`, then staff
    users whose login or display name does; a subject reference or a bare id finds that subject.

    Restricted customers (Art. 18, or held after an erasure) are named only to the compliance and admin roles:
    a clerk's text search does not find them, and one found by its reference reads "(restricted)".
    Each name shown of a person is recorded in the access log with `purpose` (`core.personal.roles.screen`).
    """
    text = text.strip()
    if not text:
        return []
    if limit < 1:
        raise ValidationError("The subject search", [Finding(
            "QAYD-SUBJECT-LIMIT", "limit", f"The limit must be at least 1 (got {limit}).",
            "Ask for 1 or more matches.", message_ar="يجب أن يكون الحد 1 على الأقل.",
            fix_ar="اطلب نتيجة واحدة أو أكثر.")])
    sees_restricted = roles.sees_restricted(uow.ctx.actor_role)
    ident: uuid.UUID | None = None
    parsed = parse_subject(text)
    if parsed is not None:
        ident = parsed[1]
    else:
        try:
            ident = uuid.UUID(text)
        except ValueError:
            ident = None
    matches: list[SubjectMatch] = []
    if ident is not None:
        customer = uow.session.get(m.Customer, ident)
        if customer is not None and (parsed is None or parsed[0] == "customer"):
            matches.append(_customer_match(uow, customer, purpose))
        user = uow.session.get(m.StaffUser, ident)
        if user is not None and (parsed is None or parsed[0] == "user"):
            matches.append(_user_match(uow, user, purpose))
    else:
        like = _like(text)
        conditions = [m.Customer.name.like(like, escape="\\"), m.Customer.name_ar.like(like, escape="\\"),
                      m.Customer.email.like(like, escape="\\"), m.Customer.id_value.like(like, escape="\\"),
                      m.Customer.vat_number.like(like, escape="\\")]
        digits = "".join(ch for ch in text.translate(_DIGITS) if ch not in _PHONE_NOISE)
        if digits.isdigit():
            conditions.append(_phone_column().like(_like(digits.lstrip("0") or digits), escape="\\"))
            conditions.append(m.Customer.id_value.like(_like(digits), escape="\\"))
        query = select(m.Customer).where(or_(*conditions))
        if not sees_restricted:  # a search must not tell a clerk who is restricted
            query = query.where(m.Customer.restricted_at.is_(None))
        rows = uow.session.scalars(query.order_by(m.Customer.name, m.Customer.id).limit(limit))
        matches += [_customer_match(uow, row, purpose) for row in rows]
        if len(matches) < limit:
            users = uow.session.scalars(select(m.StaffUser).where(or_(
                m.StaffUser.username.like(like, escape="\\"), m.StaffUser.display_name.like(like, escape="\\")))
                .order_by(m.StaffUser.username).limit(limit - len(matches)))
            matches += [_user_match(uow, u, purpose) for u in users]
    return matches[:limit]


def resolve_subject(uow: UnitOfWork, text: str, *, purpose: str = SEARCH_PURPOSE) -> str:
    """The one subject `text` names: a subject reference that exists, or a search with exactly one match."""
    text = text.strip()
    parsed = parse_subject(text)
    if parsed is not None:
        if subject_exists(uow, text):
            return f"{parsed[0]}:{parsed[1]}"
        raise ValidationError("The subject", [Finding(
            "QAYD-DSR-SUBJECT", "subject", "No customer or staff user has this reference.",
            "Give `customer:<id>` or `user:<id>` of an existing record; `qayd gdpr subjects TEXT` finds it.",
            message_ar="لا يوجد عميل أو مستخدم بهذا المرجع.",
            fix_ar="أدخل customer:<id> أو user:<id> لسجل موجود؛ ويجده الأمر qayd gdpr subjects.")])
    found = find_subjects(uow, text, limit=2, purpose=purpose)
    if len(found) == 1:
        return found[0].subject
    what = "Nothing matches" if not found else "More than one subject matches"
    what_ar = "لا يطابق البحث أحداً" if not found else "يطابق البحث أكثر من صاحب بيانات"
    raise ValidationError("The subject", [Finding(
        "QAYD-DSR-SUBJECT", "subject", f"{what} the search text given as the subject.",
        "Give the subject as `customer:<id>` or `user:<id>`; `qayd gdpr subjects TEXT` lists the matches.",
        message_ar=f"{what_ar} نص البحث المعطى.",
        fix_ar="أدخل صاحب البيانات بالصيغة customer:<id> أو user:<id>؛ ويعرض الأمر qayd gdpr subjects النتائج.")])
