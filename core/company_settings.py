"""Company-wide settings kept in the store (shared by every install after sync), each change audited.

Per-install settings (data folder, language, key source) live in the config file instead: see core.config.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from core.store.models import Setting
from core.uow import UnitOfWork


def get_setting(uow: UnitOfWork, key: str, default: Any = None) -> Any:
    row = uow.session.scalars(select(Setting).where(Setting.key == key, Setting.deleted_at.is_(None))).first()
    return default if row is None else json.loads(row.value_json)


def set_setting(uow: UnitOfWork, key: str, value: Any) -> None:
    """Store a JSON value under `key`; the audit entry records the old and the new value."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    row = uow.session.scalars(select(Setting).where(Setting.key == key)).first()
    now = uow.now()
    before = None if row is None or row.deleted_at is not None else json.loads(row.value_json)
    if row is None:
        row = Setting(key=key, value_json=text, created_at=now, updated_at=now, device_id=uow.ctx.device_id)
        uow.session.add(row)
    elif row.value_json == text and row.deleted_at is None:
        return
    row.value_json, row.updated_at, row.deleted_at, row.device_id = text, now, None, uow.ctx.device_id
    uow.audit.append("setting.changed", f"setting:{key}", {"before": before, "after": value})
