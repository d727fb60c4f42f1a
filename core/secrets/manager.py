"""The secrets manager's use cases (CLI `qayd secrets …` and the desktop Settings): list, set, delete, rotate,
check, and the secret audit log. Values go in; they never come out of here, and never into the audit chain.

Changing secrets (set, delete, rotate) is for the admin role. Names under `device/` and `egs/` belong to Qayd
itself (the device's signing key, EGS keys and CSIDs): they are listed and rotated, but not set or deleted here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select

from core.errors import AccessDeniedError, NotFoundError, SecretStoreError, ValidationError
from core.findings import Finding
from core.progress import CancelCheck, Progress
from core.store.models import AuditEntry
from core.uow import Context, UnitOfWork
from core.vault.store import KeyVersionInfo, RotationResult, SecretInfo, subject

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@:/-]*")
NAME_MAX = 200
VALUE_MAX = 64 * 1024
MANAGED_PREFIXES = {"device/": "the device's audit signing key", "egs/": "a ZATCA EGS unit's key or credentials"}
ADMIN = "admin"
ACTIONS = ("secret.set", "secret.used", "secret.deleted", "secret.rotated", "secret.key_rotated")



@dataclass(frozen=True)
class SecretRow:
    """A secret as listed: names, versions and dates, never the value."""

    name: str
    key_version: int
    created_at: datetime
    updated_at: datetime
    managed_by: str  # "" for a user's secret; else what Qayd keeps under that name

    @property
    def managed(self) -> bool:
        return bool(self.managed_by)


@dataclass(frozen=True)
class SecretEvent:
    """One line of the secret audit log (from the audit chain)."""

    seq: int
    at: str
    actor: str
    action: str
    name: str  # the secret's name, or "" for a key-version event
    data: dict[str, Any]


@dataclass(frozen=True)
class CheckReport:
    secrets: int
    by_version: dict[int, int]
    current_version: int
    problems: dict[str, str]  # name -> why it cannot be opened

    @property
    def ok(self) -> bool:
        return not self.problems


def managed_by(name: str) -> str:
    return next((what for prefix, what in MANAGED_PREFIXES.items() if name.startswith(prefix)), "")


def name_findings(name: str) -> list[Finding]:
    if not name or len(name) > NAME_MAX or not NAME_PATTERN.fullmatch(name):
        return [Finding(
            rule="QAYD-SECRET-NAME", field="name",
            message=f"A secret's name has 1 to {NAME_MAX} characters: letters, digits and . _ @ : / - "
                    "(starting with a letter or digit).",
            fix="Use a name such as stripe/api-key or smtp/password.",
            message_ar=f"اسم السر من حرف إلى {NAME_MAX} حرفًا: حروف لاتينية وأرقام و . _ @ : / - "
                       "(يبدأ بحرف أو رقم).",
            fix_ar="استخدم اسمًا مثل stripe/api-key أو smtp/password.",
        )]
    return []


def value_findings(value: bytes) -> list[Finding]:
    if not value:
        return [Finding(rule="QAYD-SECRET-VALUE", field="value", message="The secret's value is empty.",
                        fix="Enter the value, or delete the secret instead.",
                        message_ar="قيمة السر فارغة.", fix_ar="أدخل القيمة، أو احذف السر بدلًا من ذلك.")]
    if len(value) > VALUE_MAX:
        return [Finding(rule="QAYD-SECRET-VALUE", field="value",
                        message=f"The secret's value is longer than {VALUE_MAX // 1024} KiB.",
                        fix="Keep large files outside Qayd; store only the key or password that opens them.",
                        message_ar=f"قيمة السر أطول من {VALUE_MAX // 1024} كيلوبايت.",
                        fix_ar="احفظ الملفات الكبيرة خارج قيد، واحفظ هنا المفتاح أو كلمة المرور فقط.")]
    return []


def require_admin(ctx: Context) -> None:
    if ctx.actor_role != ADMIN:
        raise AccessDeniedError("Only an administrator can change the company's secrets.",
                                fix="Ask an administrator of this company to make the change.")


def _require_user_name(name: str) -> None:
    findings = name_findings(name)
    if findings:
        raise ValidationError("The secret's name", findings)
    what = managed_by(name)
    if what:
        raise SecretStoreError(f"The secret {name!r} is {what}, which Qayd manages itself.",
                               fix="Use the ZATCA onboarding commands for EGS credentials; the device key "
                                   "never changes by hand. `qayd secrets rotate` re-seals these too.")


# --- listing ------------------------------------------------------------------------------------------------------


def list_secrets(uow: UnitOfWork) -> list[SecretRow]:
    return [_row(info) for info in uow.secrets.infos()]


def _row(info: SecretInfo) -> SecretRow:
    return SecretRow(info.name, info.key_version, info.created_at, info.updated_at, managed_by(info.name))


def key_versions(uow: UnitOfWork) -> list[KeyVersionInfo]:
    return uow.secrets.versions()


def current_version(uow: UnitOfWork) -> int:
    return uow.secrets.current_version()


# --- changes ------------------------------------------------------------------------------------------------------


def set_secret(uow: UnitOfWork, name: str, value: bytes) -> SecretRow:
    """Add or replace a secret (the caller commits). Audited as `secret.set`, without the value."""
    require_admin(uow.ctx)
    _require_user_name(name)
    findings = value_findings(value)
    if findings:
        raise ValidationError("The secret's value", findings)
    uow.secrets.set(name, value, now=uow.now())
    uow.session.flush()
    return next(row for row in list_secrets(uow) if row.name == name)


def delete_secret(uow: UnitOfWork, name: str) -> None:
    """Delete a secret for good (the caller commits). Audited as `secret.deleted`."""
    require_admin(uow.ctx)
    _require_user_name(name)
    uow.secrets.delete(name)


def rotate(ctx: Context, *, progress: Progress | None = None, cancelled: CancelCheck | None = None) -> RotationResult:
    """A new key version; every secret re-sealed with it and read back; the older versions destroyed; all in ONE
    transaction (a failure, or a cancel, which raises `Cancelled`, leaves everything as it was). Then the WAL is
    checkpointed so that the destroyed key's bytes do not linger in it."""
    require_admin(ctx)
    with ctx.uow() as uow:
        result = uow.secrets.rotate(now=uow.now(), progress=progress, cancelled=cancelled)
        uow.commit()
    checkpoint(ctx)
    return result


def checkpoint(ctx: Context) -> bool:
    """Copy the WAL into the database file and truncate it (True when complete: no reader held it back)."""
    raw: Any = ctx.db.engine.raw_connection()
    try:
        busy, _, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        raw.close()
    return not busy


def check(ctx: Context) -> CheckReport:
    """Open every secret (values are not handed out nor logged) and count them per key version."""
    with ctx.uow(write=False) as uow:
        infos = uow.secrets.infos()
        problems = uow.secrets.verify_all()
        version = uow.secrets.current_version()
    by_version: dict[int, int] = {}
    for info in infos:
        by_version[info.key_version] = by_version.get(info.key_version, 0) + 1
    return CheckReport(secrets=len(infos), by_version=by_version, current_version=version, problems=problems)


# --- the secret audit log --------------------------------------------------------------------------------------


def secret_log(uow: UnitOfWork, name: str | None = None, *, limit: int = 500) -> list[SecretEvent]:
    """The secrets' audit entries, newest first (by the indexed `subject` column: fast on a large chain)."""
    if name is not None:
        if name_findings(name):
            raise ValidationError("The secret's name", name_findings(name))
        where: Any = AuditEntry.subject == subject(name)
    else:
        where = or_(and_(AuditEntry.subject >= "secret:", AuditEntry.subject < "secret;"),
                    and_(AuditEntry.subject >= "secret-key:", AuditEntry.subject < "secret-key;"))
    rows = uow.session.execute(select(AuditEntry.seq, AuditEntry.body).where(where)
                               .order_by(AuditEntry.seq.desc()).limit(limit))
    events = []
    for seq, body in rows:
        entry = json.loads(body)
        if entry.get("action") not in ACTIONS:
            continue
        subj = str(entry.get("subject", ""))
        events.append(SecretEvent(seq=seq, at=str(entry.get("at", "")), actor=str(entry.get("actor", "")),
                                  action=str(entry["action"]),
                                  name=subj.removeprefix("secret:") if subj.startswith("secret:") else "",
                                  data=dict(entry.get("payload", {}).get("data", {}))))
    if name is not None and not events and not uow.secrets.exists(name):
        raise NotFoundError(f"There is no secret named {name!r}, and none ever was.",
                            fix="`qayd secrets list` shows the names.")
    return events
