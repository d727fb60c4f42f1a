"""Staff roles and the one gate in front of personal data: who may see a restricted record, and the access log.

A customer with `restricted_at` set (GDPR Art. 18 restriction, or erased but held because tax law keeps its
invoices) is shown to the admin and compliance roles only, and each such access is logged with its purpose;
to a clerk its personal fields read as "(restricted)" in lists, and opening it raises `AccessDeniedError`.
Every read path of the core asks `screen` (lists) or `require_visible` (one record): nothing else decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import func, select

from core.errors import AccessDeniedError, NotFoundError, ValidationError
from core.findings import Finding
from core.personal.catalogue import fields_of
from core.store import models as m

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from core.uow import UnitOfWork

# A customer value (core.invoicing.model.Customer): named by a type variable, since the invoicing core sits above.
_Customer = TypeVar("_Customer", bound="DataclassInstance")

ROLES = ("admin", "compliance", "clerk")
PRIVILEGED_ROLES = ("admin", "compliance")  # see restricted and held records; export and erase subjects
RESTRICTED = "(restricted)"  # what a clerk sees instead of a restricted record's personal fields
CUSTOMER_COLUMNS = tuple(f.column for f in fields_of("customer"))


def sees_restricted(role: str) -> bool:
    return role in PRIVILEGED_ROLES


def screen(uow: UnitOfWork, subject: str, *, personal: bool, restricted: bool, fields: Sequence[str],
           purpose: str) -> bool:
    """May the acting user see this record's personal fields? When yes, and they are a data subject's (or the
    record is restricted), the read is recorded in the access log. False: show "(restricted)" instead."""
    if restricted and not sees_restricted(uow.ctx.actor_role):
        return False
    if personal or restricted:
        uow.record_access(subject, fields, purpose + " (restricted record)" if restricted else purpose,
                          restricted=restricted)
    return True


def require_visible(uow: UnitOfWork, subject: str, *, personal: bool, restricted: bool, fields: Sequence[str],
                    purpose: str) -> None:
    """As `screen`, for opening one record: a clerk is refused a restricted record with a clear error."""
    if not screen(uow, subject, personal=personal, restricted=restricted, fields=fields, purpose=purpose):
        raise AccessDeniedError(
            "This customer's record is restricted (a GDPR restriction, or personal data kept only because "
            "tax law requires it); only a compliance officer or an administrator may open it.",
            fix="Ask a compliance officer to open it; every such access is logged.")


# --- customers -------------------------------------------------------------------------------------------------


def customer_subject(customer_id: object) -> str:
    return f"customer:{customer_id}"


def customer_fields_read(row: Any) -> list[str]:
    """The catalogued personal columns of a customer row that hold something, as "customer.<column>"."""
    return [f"customer.{c}" for c in CUSTOMER_COLUMNS if getattr(row, c, None)]


def screen_customer(uow: UnitOfWork, row: m.Customer, purpose: str) -> bool:
    return screen(uow, customer_subject(row.id), personal=row.kind == "individual",
                  restricted=row.restricted_at is not None, fields=customer_fields_read(row), purpose=purpose)


def require_customer(uow: UnitOfWork, row: m.Customer, purpose: str, fields: Sequence[str] | None = None) -> None:
    require_visible(uow, customer_subject(row.id), personal=row.kind == "individual",
                    restricted=row.restricted_at is not None,
                    fields=customer_fields_read(row) if fields is None else fields, purpose=purpose)


def masked(customer: _Customer) -> _Customer:
    """The customer as a clerk sees a restricted one: its id and kind, no personal data."""
    return replace(customer, name=RESTRICTED, name_ar=RESTRICTED, vat_number="", id_scheme=None, id_value="",
                   address=None, email="", phone="")


# --- roles -----------------------------------------------------------------------------------------------------


def require_role(uow: UnitOfWork, *roles: str, action: str) -> None:
    """Refuse `action` unless the acting user has one of `roles`."""
    if uow.ctx.actor_role not in roles:
        raise AccessDeniedError(f"Only {' or '.join(roles)} users may {action}; you are signed in as a "
                                f"{uow.ctx.actor_role}.", fix="Ask an administrator to do it, or to change your role.")


def require_privileged(uow: UnitOfWork, action: str) -> None:
    """Refuse `action` to clerks: reading restricted or held records (opening a sealed one, an access export, an
    erasure) is for the admin and compliance roles."""
    require_role(uow, *PRIVILEGED_ROLES, action=action)


@dataclass(frozen=True, slots=True)
class RoleChange:
    user: str  # user:<uuid>
    before: str
    after: str


def set_role(uow: UnitOfWork, username: str, role: str) -> RoleChange:
    """Give a staff user a role (admin only), audited; the company always keeps at least one admin."""
    if role not in ROLES:
        raise ValidationError("The role", [Finding(
            "QAYD-ROLE", "role", f"{role!r} is not a role.", f"Use one of {', '.join(ROLES)}.",
            message_ar=f"{role!r} ليس دوراً معروفاً.", fix_ar="استخدم admin أو compliance أو clerk.")])
    require_role(uow, "admin", action="change staff roles")
    user = uow.session.scalars(select(m.StaffUser).where(m.StaffUser.username == username,
                                                         m.StaffUser.deleted_at.is_(None))).one_or_none()
    if user is None:
        raise NotFoundError("There is no staff user with that username.",
                            fix="Users are registered when they first open the company; check the spelling.")
    before = user.role
    if before == role:
        return RoleChange(f"user:{user.id}", before, role)
    if before == "admin":
        admins = uow.session.scalar(select(func.count()).select_from(m.StaffUser).where(
            m.StaffUser.role == "admin", m.StaffUser.deleted_at.is_(None))) or 0
        if admins <= 1:
            raise ValidationError("The role change", [Finding(
                "QAYD-LAST-ADMIN", "role", "This is the company's only administrator.",
                "Make another user an administrator first.",
                message_ar="هذا هو المسؤول الوحيد للشركة.", fix_ar="اجعل مستخدماً آخر مسؤولاً أولاً.")])
    user.role = role
    user.updated_at, user.device_id = uow.now(), uow.ctx.device_id
    uow.session.flush()
    uow.audit.append("user.role_changed", f"user:{user.id}", {"before": before, "after": role})
    return RoleChange(f"user:{user.id}", before, role)
