"""Products: adding one (a price that is no number, a zero rate without its reason), editing, Arabic."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.invoicing import service
from core.invoicing.demo import create_demo
from core.uow import Context
from desktop.i18n import install_language
from desktop.jobs import SyncPool
from desktop.session import AppSession
from desktop.views.products import ProductDialog, ProductsView
from tests.conftest import StepClock


@pytest.fixture
def session(ctx: Context, settings: Settings, clock: StepClock) -> Iterator[AppSession]:
    create_demo(ctx, drafts=0)
    yield AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)


@pytest.fixture
def view(qtbot: QtBot, session: AppSession) -> ProductsView:
    v = ProductsView(session)
    qtbot.addWidget(v)
    v.show()
    v.retranslate()
    v.refresh()
    return v


def names(view: ProductsView) -> list[str]:
    return [view.model.data(view.model.index(r, 0)) for r in range(view.model.rowCount())]


def save_enabled(dialog: ProductDialog) -> bool:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()


def fill(dialog: ProductDialog, **values: str) -> None:
    for name, value in values.items():
        dialog.set_value(name, value)
    dialog.check()


def test_add_a_product_checked_as_typed(view: ProductsView, qtbot: QtBot, session: AppSession) -> None:
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert dialog is not None
    fill(dialog, name="Cold-chain freight", unit_price="abc")
    assert "QAYD-NUMBER" in dialog.finding_labels["unit_price"].text()
    assert not save_enabled(dialog)
    fill(dialog, unit_price="١٬٢٥٠٫٥٠", vat_category="Z", vat_rate="0")  # Arabic-Indic digits are read too
    assert dialog.field_findings("unit_price") == []
    reason = dialog.field_findings("exemption_reason_code")
    # ZATCA only warns (BR-KSA-69), but the code is the legal reason for no VAT and picks the VAT-return box: blocking
    assert [f.rule for f in reason] == ["BR-KSA-69"] and reason[0].is_error
    note = dialog.finding_labels["exemption_reason_code"]
    assert note.toolTip().startswith("BR-KSA-69") and note.property("severity") == "error"
    assert not save_enabled(dialog)
    fill(dialog, exemption_reason_code="VATEX-SA-32", exemption_reason="Export of goods")
    assert not note.isVisibleTo(dialog)
    assert [f for f in dialog.findings if f.is_error] == [] and save_enabled(dialog)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert "Cold-chain freight" in names(view)
    with session.uow(write=False) as uow:
        [stored] = service.list_products(uow, search="Cold-chain")
    assert stored.unit_price == Decimal("1250.50") and stored.vat_category.value == "Z"
    row = names(view).index("Cold-chain freight")
    assert view.model.data(view.model.index(row, 3)) == "1,250.50 SAR"


def test_edit_a_product(view: ProductsView, qtbot: QtBot, session: AppSession) -> None:
    row = names(view).index("Office chair")
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.table.visualRect(view.model.index(row, 0)).center())
    view.edit_current()
    dialog = view.dialog
    assert dialog is not None and dialog.values()["unit_price"] == "649.50"
    fill(dialog, unit_price="699")
    dialog.save()
    assert not dialog.isVisible()
    with session.uow(write=False) as uow:
        [stored] = service.list_products(uow, search="Office chair")
    assert stored.unit_price == Decimal("699")
    assert view.model.data(view.model.index(names(view).index("Office chair"), 3)) == "699.00 SAR"


def test_products_in_arabic(view: ProductsView, session: AppSession, qapp: QApplication) -> None:
    try:
        session.language = "ar"
        install_language(qapp, "ar")
        QApplication.processEvents()
        assert view.isRightToLeft() and view.add_button.text() == "إضافة منتج"
        assert view.model.data(view.model.index(0, 3)).endswith("ر.س")
        dialog = view.open_dialog(None)
        assert dialog.windowTitle() == "منتج جديد" and dialog.isRightToLeft()
        fill(dialog, name="", unit_price="x")
        assert "ليس رقماً" in dialog.finding_labels["unit_price"].text()
    finally:
        session.language = "en"
        install_language(qapp, "en")
