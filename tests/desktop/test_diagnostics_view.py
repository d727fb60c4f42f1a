"""The Diagnostics view runs doctor's checks in a Job and shows one row per check, with the runbook a click away."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.health import Status
from core.uow import Context
from desktop.jobs import SyncPool
from desktop.session import AppSession
from desktop.views.diagnostics import COLOURS, DiagnosticsView
from tests.conftest import StepClock


@pytest.fixture(params=["en", "ar"])
def session(request: pytest.FixtureRequest, settings: Settings, clock: StepClock, ctx: Context,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[AppSession]:
    monkeypatch.setenv("QAYD_ZATCA_BASE_URL", "http://127.0.0.1:9")  # nothing listens: the clock is "not measured"
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    session.set_language(str(request.param))
    yield session
    session.set_language("en")


def test_run_shows_a_row_per_check_and_opens_the_runbook_of_a_failure(session: AppSession, ctx: Context,
                                                                     qtbot: QtBot) -> None:
    view = DiagnosticsView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.show()
    opened: list[QUrl] = []
    view.open_url = opened.append
    with sqlite3.connect(ctx.db.path) as conn:  # cut the chain's last entry
        conn.execute("DROP TRIGGER audit_entry_append_only_d")
        conn.execute("DELETE FROM audit_entry WHERE seq = (SELECT max(seq) FROM audit_entry)")
    ctx.db.dispose()

    view.run()

    assert view.report is not None and view.job is None and view.run_button.isEnabled()
    assert view.table.rowCount() == len(view.report.checks) >= 10
    ids = [view.table.item(row, 1).toolTip() for row in range(view.table.rowCount())]
    row = ids.index("audit.chain")
    status = view.table.item(row, 0)
    assert status.foreground().color() == COLOURS[Status.FAIL]
    assert ("Failure" if session.language == "en" else "إخفاق") in status.text()
    found, fix = view.table.item(row, 2).text(), view.table.item(row, 3).text()
    if session.language == "ar":  # the check's own Arabic, right to left: no left-to-right isolate around it
        assert "قُطعت" in found and "cut" not in found and "\u2066" not in found
        assert "لا تُصدر أي فاتورة" in fix and "`qayd audit verify`" in fix and "\u2066" not in fix
        assert all(any("\u0600" <= ch <= "\u06ff" for ch in view.table.item(r, 2).text())
                   for r in range(view.table.rowCount()))  # every check's finding, healthy ones too
    else:
        assert "cut" in found and found.startswith("\u2066") and "Do not issue" in fix
    view.table.setCurrentCell(row, 0)  # (selectRow picks its column from the geometry, unset offscreen in RTL)
    assert view.runbook_button.isEnabled()
    view.open_runbook()
    name = "audit-chain-broken.ar.md" if session.language == "ar" else "audit-chain-broken.md"
    assert len(opened) == 1 and opened[0].toLocalFile().endswith(f"runbooks/{name}")  # in the UI's language


def test_showing_the_view_runs_the_local_checks_at_once(session: AppSession, qtbot: QtBot) -> None:
    view = DiagnosticsView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    assert view.data_shown() and view.report is not None and not view.network_ran
    ids = {view.table.item(row, 1).toolTip() for row in range(view.table.rowCount())}
    assert "audit.chain" in ids and "clock.skew" not in ids
    view.run()
    assert view.network_ran and "clock.skew" in {c.id for c in view.report.checks}


def test_a_cancel_concludes_nothing(session: AppSession, qtbot: QtBot) -> None:
    view = DiagnosticsView(session)
    qtbot.addWidget(view)
    view.retranslate()

    class Cancelling(SyncPool):
        def start(self, job):  # type: ignore[no-untyped-def]
            job.cancel()
            super().start(job)

    session.pool = Cancelling()
    view.run()
    assert view.report is None and view.outcome == "cancelled" and view.table.rowCount() == 0
