"""Settings: the company profile checked as typed and saved through the core, the language, the EGS units."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from core.audit.service import entry_count
from core.config import Settings
from core.invoicing import service
from core.invoicing.demo import DEMO_COMPANY, create_demo
from core.uow import Context
from core.zatca.demo import add_demo_egs
from desktop.i18n import install_language
from desktop.jobs import SyncPool
from desktop.session import COMPANY, AppSession
from desktop.views.settings import SettingsView
from tests.conftest import StepClock


@pytest.fixture(autouse=True)
def english_afterwards(qapp: QApplication) -> Iterator[None]:
    install_language(qapp, "en")
    yield
    install_language(qapp, "en")


@pytest.fixture
def view(qtbot: QtBot, settings: Settings, clock: StepClock, ctx: Context) -> SettingsView:
    create_demo(ctx, drafts=2)
    add_demo_egs(ctx, issue=1)
    page = SettingsView(AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx))
    qtbot.addWidget(page)
    page.retranslate()
    page.refresh()
    page.show()
    return page


def type_text(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(edit, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


def test_shows_the_profile_and_the_egs_units(view: SettingsView) -> None:
    form = view.form
    assert form.edits["vat_number"].text() == DEMO_COMPANY.vat_number
    assert form.edits["address.city"].text() == "Riyadh"
    assert not any(label.isVisible() for label in form.messages.values())  # the demo profile is clean
    assert not view.save.isEnabled() and not view.revert.isEnabled()
    assert view.egs.rowCount() == 1
    cells = [view.egs.item(0, c).text() for c in range(view.egs.columnCount())]
    assert cells[:4] == ["qayd-demo-egs", "Demo (offline)", "Demo", "1"]
    assert "AH)" in cells[4]  # the certificate's expiry with the Hijri date beside it
    assert view.store_values[0].text() == "acme"


def test_edit_with_live_validation_then_save(qtbot: QtBot, view: SettingsView, ctx: Context) -> None:
    form = view.form
    type_text(qtbot, form.edits["id_value"], "12345")
    assert "[BR-KSA-F-08]" in form.messages["id_value"].text()  # a warning: may still be saved
    type_text(qtbot, form.edits["id_value"], DEMO_COMPANY.id_value)
    type_text(qtbot, form.edits["vat_number"], "39999999990000")
    assert form.messages["vat_number"].isVisible() and "[BR-KSA-40]" in form.messages["vat_number"].text()
    assert not view.save.isEnabled()
    type_text(qtbot, form.edits["vat_number"], DEMO_COMPANY.vat_number)
    type_text(qtbot, form.edits["address.city"], "Dammam")
    assert view.save.isEnabled()
    entries = entry_count(ctx)
    with qtbot.waitSignal(view.session.changed) as changed:
        qtbot.mouseClick(view.save, Qt.MouseButton.LeftButton)
    assert changed.args == [COMPANY]
    with ctx.uow(write=False) as uow:
        assert service.get_company(uow).address.city == "Dammam"
    assert entry_count(ctx) == entries + 1  # the change is audited
    assert view.saved.text() == "Company profile saved." and not view.save.isEnabled()


def test_revert_drops_unsaved_edits(qtbot: QtBot, view: SettingsView) -> None:
    type_text(qtbot, view.form.edits["address.district"], "Somewhere")
    assert view.revert.isEnabled()
    qtbot.mouseClick(view.revert, Qt.MouseButton.LeftButton)
    assert view.form.edits["address.district"].text() == "Al Yasmin" and not view.revert.isEnabled()


def test_a_save_the_core_refuses_shows_its_findings_by_the_fields(qtbot: QtBot, view: SettingsView,
                                                                ctx: Context) -> None:
    type_text(qtbot, view.form.edits["address.street"], "")
    view.save_company()  # the button is disabled; the core refuses it all the same
    assert "[BR-KSA-09]" in view.form.messages["address.street"].text()
    assert view.error_box is not None and view.error_box.text().startswith("The company profile was refused")
    with ctx.uow(write=False) as uow:
        assert service.get_company(uow).address.street == DEMO_COMPANY.address.street


def test_language_choice_switches_the_whole_ui_to_arabic(qtbot: QtBot, view: SettingsView) -> None:
    view.language.setCurrentIndex(view.language.findData("ar"))
    assert view.session.language == "ar" and view.isRightToLeft()
    assert view.company_box.title() == "ملف المنشأة"
    assert view.form.labels["vat_number"].text() == "الرقم الضريبي"
    assert view.egs.item(0, 1).text() == "تجريبية (دون اتصال)"
    assert "هـ)" in view.egs.item(0, 4).text()
    type_text(qtbot, view.form.edits["vat_number"], "123")
    assert "يجب أن يتكون من 15 رقماً" in view.form.messages["vat_number"].text()
    view.session.set_language("en")  # from elsewhere (the menu): the combo follows
    assert view.language.currentData() == "en" and view.company_box.title() == "Company profile"


def test_the_seller_id_scheme_is_shown_changed_and_saved(qtbot: QtBot, view: SettingsView, ctx: Context) -> None:
    form = view.form
    assert form.scheme.currentData() == "CRN" and form.edits["id_value"].text() == DEMO_COMPANY.id_value
    form.scheme.setFocus()
    while form.scheme.currentData() != "SAG":
        qtbot.keyClick(form.scheme, Qt.Key.Key_Down)
    assert view.save.isEnabled()  # a change of scheme alone is a change
    type_text(qtbot, form.edits["id_value"], "SAG-102030")
    assert "[BR-KSA-08]" in form.messages["id_value"].text() and not view.save.isEnabled()  # letters and digits
    type_text(qtbot, form.edits["id_value"], "102030405060")
    qtbot.mouseClick(view.save, Qt.MouseButton.LeftButton)
    with ctx.uow(write=False) as uow:
        profile = service.get_company(uow)
    assert (profile.id_scheme.value, profile.id_value) == ("SAG", "102030405060")
    view.refresh()
    assert form.scheme.currentData() == "SAG" and not view.save.isEnabled()
