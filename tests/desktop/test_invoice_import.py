"""The Invoices view's Import…: the core's import-and-issue use case over a real company, as `qayd invoice import`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from core.audit import entry_count
from core.config import Settings
from core.invoicing import count_invoices, create_demo, find_invoice_row
from core.uow import Context
from core.zatca import add_demo_egs
from desktop.jobs import SyncPool
from desktop.session import INVOICES, AppSession
from desktop.views.invoices import InvoicesView
from tests.conftest import StepClock

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def session(ctx: Context, settings: Settings, clock: StepClock) -> Iterator[AppSession]:
    create_demo(ctx, drafts=3)
    add_demo_egs(ctx, issue=0)
    yield AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)


@pytest.fixture
def view(qtbot: QtBot, session: AppSession) -> InvoicesView:
    v = InvoicesView(session)
    qtbot.addWidget(v)
    v.show()
    v.refresh()
    return v


def invoices(session: AppSession) -> int:
    with session.uow(write=False) as uow:
        return count_invoices(uow)


def test_import_and_issue_from_the_view(view: InvoicesView, session: AppSession) -> None:
    topics: list[str] = []
    session.changed.connect(topics.append)
    before = invoices(session)
    job = view.import_file(DATA / "invoice_example.json", issue=True)
    assert job is not None
    assert invoices(session) == before + 1
    with session.uow(write=False) as uow:
        assert find_invoice_row(uow, "INV-2026-0001").status == "issued"
    assert INVOICES in topics
    assert view.import_outcome.text() == "Imported 1 draft(s); 1 new customer(s); issued 1."


def test_a_bad_file_is_refused_whole_with_its_findings(view: InvoicesView, session: AppSession,
                                                         tmp_path: Path) -> None:
    good = json.loads((DATA / "invoice_example.json").read_text("utf-8"))
    bad = dict(good, number="INV-2", lines=[dict(good["lines"][0], quantity="-3", vat_category="X")])
    file = tmp_path / "batch.json"
    file.write_text(json.dumps([good, bad]), "utf-8")
    before, entries = invoices(session), entry_count(session.ctx)
    view.import_file(file, issue=True)
    boxes = [w for w in view.findChildren(QMessageBox) if w.objectName() == "errorDialog"]
    assert boxes and "refused" in boxes[-1].text()
    assert invoices(session) == before and entry_count(session.ctx) == entries


def test_cancelling_the_file_choice_imports_nothing(view: InvoicesView, session: AppSession,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.views import invoice_import

    monkeypatch.setattr(invoice_import, "choose_file", lambda _parent: None)
    before = invoices(session)
    assert view.import_file() is None
    assert invoices(session) == before
