"""Company settings in the store: changes are versioned and audited in the same transaction."""

from __future__ import annotations

import json
import sqlite3

from core.company_settings import get_setting, set_setting
from core.uow import Context


def test_setting_change_is_audited_and_versioned(ctx: Context) -> None:
    with ctx.uow() as uow:
        set_setting(uow, "invoice.number_prefix", "INV-")
        uow.commit()
    with ctx.uow() as uow:
        set_setting(uow, "invoice.number_prefix", "FAT-")
        set_setting(uow, "invoice.number_prefix", "FAT-")  # no change, no entry
        uow.commit()
    with ctx.uow(write=False) as uow:
        assert get_setting(uow, "invoice.number_prefix") == "FAT-"
        assert get_setting(uow, "missing", 7) == 7
    with sqlite3.connect(ctx.db.path) as conn:
        bodies = [json.loads(r[0]) for r in conn.execute(
            "SELECT body FROM audit_entry WHERE action = 'setting.changed' ORDER BY seq")]
        version = conn.execute("SELECT version FROM setting").fetchone()[0]
    assert [b["payload"]["data"] for b in bodies] == [{"before": None, "after": "INV-"},
                                                       {"before": "INV-", "after": "FAT-"}]
    assert version == 2


def test_uncommitted_change_leaves_no_trace(ctx: Context) -> None:
    with ctx.uow() as uow:
        set_setting(uow, "x", 1)
    with ctx.uow(write=False) as uow:
        assert get_setting(uow, "x") is None
    with sqlite3.connect(ctx.db.path) as conn:
        assert conn.execute("SELECT count(*) FROM audit_entry WHERE action = 'setting.changed'").fetchone()[0] == 0
