"""The first-run wizard's third way in: "join my company's central database", against a real PostgreSQL. The company
comes from central through the core (the same join as `qayd central connect`), in English and Arabic; a refused
password leaves nothing behind and can be fixed with Back; Settings shows the device's number series."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from core.audit.service import verify_store
from core.bootstrap import company_paths
from core.central.admin import add_member
from core.config import Settings
from core.invoicing import service
from core.zatca.demo import add_demo_egs
from desktop.i18n import install_language
from desktop.jobs import SyncPool
from desktop.session import AppSession
from desktop.shell import MainWindow
from desktop.views import first_run
from desktop.views.central_panel import CentralPanel
from desktop.views.first_run import FirstRunWizard
from tests.conftest import StepClock
from tests.desktop.test_first_run import type_text
from tests.support.pg import PgDatabase, PgServer
from tests.support.sync_world import Install, World, libpq


@pytest.fixture
def world(pg_server: PgServer, central_db: PgDatabase, tmp_path: Path) -> Iterator[World]:
    made = World(pg_server, central_db, tmp_path / "world")
    (tmp_path / "world").mkdir()
    yield made
    made.close()


@pytest.fixture
def first(world: World) -> Install:
    a = world.install("a", demo=4)
    add_demo_egs(a.ctx, issue=2)
    a.sync()
    return a


@pytest.fixture(params=["en", "ar"])
def lang(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_language(qapp, request.param)
    yield request.param
    install_language(qapp, "en")


@pytest.fixture
def wizard(qtbot: QtBot, settings: Settings, clock: StepClock, lang: str) -> Iterator[FirstRunWizard]:
    w = FirstRunWizard(AppSession(settings, clock=clock, pool=SyncPool()))
    qtbot.addWidget(w)
    w.choice.language.setCurrentIndex(w.choice.language.findData(lang))
    w.show()
    yield w
    w.session.close()


def a_login(world: World) -> tuple[str, str]:
    login, password = f"desk_{uuid.uuid4().hex[:6]}", f"desk-password-{uuid.uuid4().hex[:8]}"
    assert world.company_id is not None
    add_member(libpq(world.central.url), login, password, "staff", world.company_id)
    return login, password


WORDS = {"en": {"join": "Join my company's central database", "joined": "Joined Qayd Demo Trading Co.",
                "needs": "qayd zatca onboard", "series": "This device's invoice number series: D"},
         "ar": {"join": "الانضمام إلى قاعدة البيانات المركزية لمنشأتي", "joined": "تم الانضمام إلى شركة قيد التجريبية",
                "needs": "سجّل وحدة توليد الفواتير", "series": "سلسلة ترقيم الفواتير لهذا الجهاز: D"}}


def test_join_from_the_first_run_wizard(qtbot: QtBot, wizard: FirstRunWizard, world: World, first: Install,
                                        settings: Settings, lang: str) -> None:
    words = WORDS[lang]
    assert wizard.choice.join_option.text() == words["join"]
    assert (lang == "ar") == wizard.isRightToLeft()
    wizard.choice.join_option.setChecked(True)
    wizard.next()
    assert wizard.currentId() == first_run.JOIN
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()  # address, login and password first
    login, password = a_login(world)
    page = wizard.join
    type_text(qtbot, page.url, world.url())
    type_text(qtbot, page.login, login)
    type_text(qtbot, page.password, "not-the-password")
    assert next_button.isEnabled()
    # A refused login: the core's message in a dialog, no store made, Back to fix it.
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.currentId() == first_run.WORK and wizard.ctx is None
    assert wizard.error_box is not None
    assert not company_paths(settings.data_dir, settings.company).db.exists()
    wizard.back()
    type_text(qtbot, page.password, password)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.ctx is not None and wizard.work.isComplete(), wizard.work.status.text()
    status = wizard.work.status.text()
    assert words["joined"] in status and words["needs"] in status
    # The same company, customers, products and documents as the first desk, and they verify here.
    with wizard.ctx.uow(write=False) as uow, first.ctx.uow(write=False) as theirs:
        assert service.get_company(uow) == service.get_company(theirs)
        assert service.list_customers(uow, limit=1000) == service.list_customers(theirs, limit=1000)
        assert service.list_products(uow, limit=1000) == service.list_products(theirs, limit=1000)
    with sqlite3.connect(wizard.ctx.db.path) as mine, sqlite3.connect(first.ctx.db.path) as theirs_db:
        query = "SELECT invoice_id, xml FROM issued_document ORDER BY invoice_id"
        assert mine.execute(query).fetchall() == theirs_db.execute(query).fetchall()
    assert verify_store(wizard.ctx).ok
    panel = CentralPanel(wizard.session)  # Settings' central section shows this device's series
    qtbot.addWidget(panel)
    panel.refresh()
    assert panel.series.text().startswith(words["series"]) and panel.url.text() == world.url()
    wizard.accept()
    main = MainWindow(wizard.session)  # and the app opens on the joined company
    qtbot.addWidget(main)
    main.show()
    assert "Qayd Demo Trading Co." in main.company_label.text() or "شركة قيد التجريبية" in main.company_label.text()
