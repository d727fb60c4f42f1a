"""Customers: creating one (a bad VAT number caught as typed, fixed, saved, found in the list), editing, Arabic."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from core.audit.service import entries_around, entry_count
from core.config import Settings
from core.invoicing import service
from core.invoicing.demo import create_demo
from core.uow import Context
from desktop.i18n import install_language
from desktop.jobs import SyncPool
from desktop.session import AppSession
from desktop.views.customers import CustomerDialog, CustomersView
from tests.conftest import StepClock


@pytest.fixture
def session(ctx: Context, settings: Settings, clock: StepClock) -> Iterator[AppSession]:
    create_demo(ctx, drafts=0)
    yield AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)


@pytest.fixture
def view(qtbot: QtBot, session: AppSession) -> CustomersView:
    v = CustomersView(session)
    qtbot.addWidget(v)
    v.show()
    v.retranslate()
    v.refresh()
    return v


def names(view: CustomersView) -> list[str]:
    return [view.model.data(view.model.index(r, 0)) for r in range(view.model.rowCount())]


def save_button(dialog: CustomerDialog):  # type: ignore[no-untyped-def]
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def type_into(qtbot: QtBot, dialog: CustomerDialog, field: str, text: str) -> None:
    widget = dialog.inputs[field]
    widget.clear()  # type: ignore[union-attr]
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:  # QTest types Latin-1 only
        dialog.set_value(field, text)
    dialog.check()  # what the short typing pause triggers


def test_create_a_customer_bad_vat_caught_fixed_saved_and_listed(view: CustomersView, qtbot: QtBot,
                                                                  session: AppSession) -> None:
    assert len(names(view)) == 13 and "Tabuk Steel Co." not in names(view)
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible()
    type_into(qtbot, dialog, "name", "Tabuk Steel Co.")
    type_into(qtbot, dialog, "vat_number", "31234")
    note = dialog.finding_labels["vat_number"]
    assert note.isVisibleTo(dialog) and "BR-KSA-44" in note.text() and "invalid" in note.text()
    assert "Copy the 15-digit number" in note.toolTip() and note.toolTip().startswith("BR-KSA-44")
    assert note.property("severity") == "error"
    assert not save_button(dialog).isEnabled()
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # nothing saved while an error remains

    type_into(qtbot, dialog, "vat_number", "311111111111113")
    assert not note.isVisibleTo(dialog) and dialog.field_findings("vat_number") == []
    # a business without an address only gets warnings; give it one anyway, typed with Arabic-Indic digits
    for field, text in (("street", "Prince Fahd Road"), ("building_number", "٤٥٦٧"), ("district", "Al Muruj"),
                        ("city", "Tabuk"), ("postal_code", "47911")):
        type_into(qtbot, dialog, field, text)
    assert [f for f in dialog.findings if f.is_error] == []
    assert save_button(dialog).isEnabled()
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Accepted

    assert "Tabuk Steel Co." in names(view)  # the list refreshed on the CUSTOMERS notification
    with session.uow(write=False) as uow:
        stored = service.get_customer(uow, "311111111111113")
    assert stored.name == "Tabuk Steel Co." and stored.address is not None
    assert stored.address.building_number == "4567"
    view.search.setText("Tabuk")
    view.refresh()
    assert names(view) == ["Tabuk Steel Co."]


def test_warnings_show_but_do_not_block(view: CustomersView, qtbot: QtBot) -> None:
    dialog = view.open_dialog(None)
    type_into(qtbot, dialog, "name", "Walk-in")
    type_into(qtbot, dialog, "phone", "05-123")
    note = dialog.finding_labels["phone"]
    assert "BR-KSA-85" in note.text() and note.property("severity") == "warning"
    assert "BR-KSA-81" in dialog.finding_labels["id_value"].text()  # a business needs VAT number or another id
    assert dialog.general.isVisibleTo(dialog) and "BR-KSA-10" in dialog.general.text()  # no address at all
    assert save_button(dialog).isEnabled()


def test_edit_a_customer_is_saved_and_audited(view: CustomersView, qtbot: QtBot, session: AppSession) -> None:
    row = names(view).index("Gulf Tech Co.")
    view.table.setCurrentIndex(view.model.index(row, 0))
    qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert dialog is not None and dialog.inputs["name"].text() == "Gulf Tech Co."  # type: ignore[union-attr]
    type_into(qtbot, dialog, "city", "Jubail")
    type_into(qtbot, dialog, "phone", "+966501234567")
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    with session.uow(write=False) as uow:
        stored = service.get_customer(uow, "Gulf Tech Co.")
    assert stored.address is not None and stored.address.city == "Jubail" and stored.phone == "+966501234567"
    assert view.model.data(view.model.index(names(view).index("Gulf Tech Co."), 4)) == "Jubail"
    recent = [json.loads(e.body) for e in entries_around(session.ctx, entry_count(session.ctx), before=20, after=0)]
    last = [e for e in recent if e["action"] != "personal_data.read"][-1]  # the refreshed list's reads come after
    assert (last["action"], last["subject"]) == ("customer.updated", f"customer:{stored.id}")
    assert "Jubail" not in json.dumps(last)  # personal data is sealed in the audit entry


def test_customer_form_in_arabic(view: CustomersView, qtbot: QtBot, session: AppSession, qapp: QApplication) -> None:
    try:
        session.language = "ar"
        install_language(qapp, "ar")
        QApplication.processEvents()
        assert view.isRightToLeft() and view.add_button.text() == "إضافة عميل"
        assert view.model.headerData(3, Qt.Orientation.Horizontal) == "الرقم الضريبي"
        dialog = view.open_dialog(None)
        assert dialog.isRightToLeft() and dialog.windowTitle() == "عميل جديد"
        assert dialog.labels["vat_number"].text() == "الرقم الضريبي"
        type_into(qtbot, dialog, "vat_number", "123")
        note = dialog.finding_labels["vat_number"]
        assert "الرقم الضريبي للمشتري" in note.text() and "BR-KSA-44" in note.text()
        assert "انسخ الرقم" in note.toolTip()
    finally:
        session.language = "en"
        install_language(qapp, "en")


def test_the_desktop_reads_of_a_person_are_logged_as_desktop(qtbot: QtBot, session: AppSession,
                                                            view: CustomersView) -> None:
    """The access log names where a read came from: the views' reads say "desktop", not "core"."""
    from core.privacy.access_log import search

    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    with session.ctx.uow(write=False) as uow:
        records = search(uow)
    assert records and {record.channel for record in records} == {"desktop"}
    assert all(record.subject.startswith("customer:") for record in records)
