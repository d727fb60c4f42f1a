"""First run: no company → the wizard → a bad VAT number is shown by its field → fixed → created → main window.

Also the demo company, the same journey in Arabic, and what `qayd-desktop` does at start (version, bad config).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWizard
from pytestqt.qtbot import QtBot

from core.bootstrap import company_paths
from core.config import Settings
from core.errors import ConfigError
from core.invoicing import browse, service
from core.invoicing.demo import DEMO_COMPANY
from desktop import app as desktop_app
from desktop.i18n import install_language
from desktop.jobs import SyncPool
from desktop.session import AppSession
from desktop.shell import MainWindow
from desktop.views import first_run
from desktop.views.first_run import COMPANY, WORK, FirstRunWizard
from tests.conftest import StepClock

GOOD = {
    "legal_name_ar": "شركة الاختبار للتجارة",
    "legal_name_en": "Test Trading Co.",
    "id_value": "1010123456",
    "address.street": "Prince Sultan Road",
    "address.building_number": "7421",
    "address.district": "Al Rawdah",
    "address.city": "Jeddah",
    "address.postal_code": "23435",
}


@pytest.fixture(autouse=True)
def english_afterwards(qapp: QApplication) -> Iterator[None]:
    install_language(qapp, "en")
    yield
    install_language(qapp, "en")


@pytest.fixture
def wizard(qtbot: QtBot, settings: Settings, clock: StepClock) -> FirstRunWizard:
    assert not company_paths(settings.data_dir, settings.company).db.exists()
    w = FirstRunWizard(AppSession(settings, clock=clock, pool=SyncPool()))
    qtbot.addWidget(w)
    w.show()
    return w


def type_text(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Replace the edit's text keystroke by keystroke (QTest's keyClicks only knows ASCII: Arabic letters are sent
    as key events carrying their text, as a keyboard layout would)."""
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(edit, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


def type_into(qtbot: QtBot, wizard: FirstRunWizard, field: str, text: str) -> None:
    type_text(qtbot, wizard.company.form.edits[field], text)


def next_enabled(wizard: FirstRunWizard) -> bool:
    return bool(wizard.button(QWizard.WizardButton.NextButton).isEnabled())


def fill_good_fields(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    for field, text in GOOD.items():
        type_into(qtbot, wizard, field, text)


def test_create_a_company_with_a_bad_vat_number_fixed_on_the_way(qtbot: QtBot, wizard: FirstRunWizard,
                                                                 settings: Settings) -> None:
    assert wizard.currentId() == first_run.CHOICE and wizard.choice.create_option.isChecked()
    wizard.next()
    assert wizard.currentId() == COMPANY
    form = wizard.company.form
    # Nothing is shouted at before a field is touched, but the page cannot be finished empty.
    assert not form.messages["vat_number"].isVisible() and not next_enabled(wizard)
    fill_good_fields(qtbot, wizard)
    type_into(qtbot, wizard, "vat_number", "300000000000004")
    message = form.messages["vat_number"]
    assert message.isVisible()
    assert message.text().startswith("[BR-KSA-40] The company VAT number '300000000000004' is invalid. "
                                     "The VAT number must start and end with the digit 3.")
    assert "Fix: Copy the 15-digit number from the VAT registration certificate." in message.text()
    assert not next_enabled(wizard)
    type_into(qtbot, wizard, "vat_number", "300000000000003")
    assert not message.isVisible() and next_enabled(wizard)
    # A malformed postal code is a ZATCA warning: shown, but it does not block.
    type_into(qtbot, wizard, "address.postal_code", "2343")
    assert "[BR-KSA-66]" in form.messages["address.postal_code"].text() and next_enabled(wizard)
    type_into(qtbot, wizard, "address.postal_code", "23435")

    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == WORK
    assert wizard.ctx is not None and wizard.work.isComplete()
    assert wizard.work.progress.value() == 100
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    with wizard.ctx.uow(write=False) as uow:
        profile = service.get_company(uow)
    assert (profile.vat_number, profile.legal_name_en, profile.address.city) == (
        "300000000000003", "Test Trading Co.", "Jeddah")
    wizard.accept()

    main = MainWindow(wizard.session)
    qtbot.addWidget(main)
    main.show()
    assert main.company_label.text() == "Company: Test Trading Co."
    assert main.egs_label.text() == "No EGS unit"
    wizard.session.close()


def test_the_same_journey_in_arabic(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    wizard.choice.language.setCurrentIndex(wizard.choice.language.findData("ar"))
    assert wizard.session.language == "ar" and wizard.isRightToLeft()
    assert wizard.choice.create_option.text() == "إنشاء منشأتي"
    wizard.next()
    form = wizard.company.form
    assert form.labels["vat_number"].text() == "الرقم الضريبي"
    fill_good_fields(qtbot, wizard)
    type_into(qtbot, wizard, "vat_number", "12345")
    text = form.messages["vat_number"].text()
    assert "[BR-KSA-40]" in text and "يجب أن يتكون من 15 رقماً" in text and "الحل: " in text
    assert not next_enabled(wizard)
    type_into(qtbot, wizard, "vat_number", "311111111111113")
    assert next_enabled(wizard)
    wizard.next()
    assert wizard.ctx is not None
    assert wizard.work.status.text() == "اكتمل. اختر «إنهاء» لفتح المنشأة."
    wizard.session.close()


def test_open_the_demo_company(qtbot: QtBot, wizard: FirstRunWizard, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(first_run, "DEMO_DRAFTS", 6)
    monkeypatch.setattr(first_run, "DEMO_ISSUED", 2)
    progress: list[int] = []
    wizard.work.progress.valueChanged.connect(progress.append)
    wizard.choice.demo_option.setChecked(True)
    wizard.next()
    assert wizard.currentId() == WORK  # no profile to type
    assert wizard.ctx is not None
    assert progress[-1] == 100 and len(progress) >= 3  # it reported its steps
    with wizard.ctx.uow(write=False) as uow:
        assert service.get_company(uow).vat_number == DEMO_COMPANY.vat_number
        statuses = [s.status for s in browse.page(uow)]
    assert statuses.count("issued") == 2 and statuses.count("draft") == 4
    wizard.session.close()


def test_a_failed_creation_leaves_nothing_behind_and_can_be_retried(
        qtbot: QtBot, wizard: FirstRunWizard, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    wizard.next()
    fill_good_fields(qtbot, wizard)
    type_into(qtbot, wizard, "vat_number", "300000000000003")

    def refuse(uow: object, profile: object) -> None:
        raise ConfigError(["the disk said no"])

    monkeypatch.setattr(service, "create_company", refuse)
    wizard.next()
    assert wizard.ctx is None and not wizard.work.isComplete()
    assert wizard.error_box is not None and "the disk said no" in wizard.error_box.text()
    assert not company_paths(settings.data_dir, settings.company).db.exists()
    assert wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    monkeypatch.undo()
    wizard.back()
    wizard.next()
    assert wizard.ctx is not None
    wizard.session.close()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert desktop_app.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == "qayd-desktop 0.1.0"


def test_a_bad_configuration_is_shown_in_a_dialog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  app_unstyled: QApplication) -> None:
    shown: list[BaseException] = []
    monkeypatch.setattr(desktop_app, "_config_error_dialog", shown.append)
    config = tmp_path / "config.toml"
    config.write_text('language = "fr"\n', "utf-8")
    monkeypatch.setenv("QAYD_CONFIG", str(config))
    monkeypatch.setenv("QAYD_DATA_DIR", str(tmp_path / "data"))
    assert desktop_app.main([]) == 3
    assert isinstance(shown[0], ConfigError) and "language" in shown[0].problems[0]


def test_qayd_desktop_without_a_company_runs_the_wizard_then_opens_the_main_window(
        qtbot: QtBot, app_unstyled: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    monkeypatch.setenv("QAYD_CONFIG", str(config))
    monkeypatch.setenv("QAYD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QAYD_COMPANY", "fresh")
    monkeypatch.setattr(first_run, "DEMO_DRAFTS", 4)
    monkeypatch.setattr(first_run, "DEMO_ISSUED", 1)
    seen: dict[str, object] = {}

    def person_picks_the_demo(wizard: FirstRunWizard) -> int:
        wizard.show()  # as exec() would
        seen["wizard"] = wizard.windowTitle()
        # over the main window, already painted (its settings read after the paint, issue 14)
        seen["behind"] = [w.objectName() for w in QApplication.topLevelWidgets()
                          if isinstance(w, MainWindow) and w.isVisible()]
        wizard.choice.demo_option.setChecked(True)
        wizard.next()  # the real app's pool: the job runs in a worker thread
        qtbot.waitUntil(lambda: wizard.ctx is not None or wizard.error_box is not None, timeout=20_000)
        assert wizard.ctx is not None, wizard.work.status.text()
        wizard.accept()
        return int(QWizard.DialogCode.Accepted.value)

    deadline = time.monotonic() + 60

    def watch() -> None:
        """The real event loop runs: once the new company's window shows its status, close it and end the loop."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
                   and w.session.has_settings and w.session.settings.company == "fresh"]
        if windows and windows[0].status is not None:
            seen["status"] = windows[0].company_label.text()
            windows[0].close()
            app.exit(0)
        elif time.monotonic() > deadline:
            app.exit(1)
        else:
            QTimer.singleShot(20, watch)

    monkeypatch.setattr(FirstRunWizard, "exec", person_picks_the_demo)
    QTimer.singleShot(0, watch)
    assert desktop_app.main(["--language", "en"]) == 0
    assert seen["wizard"] == "Qayd — first run" and seen["behind"] == ["mainWindow"]
    assert seen["status"] == f"Company: {DEMO_COMPANY.legal_name_en}"
    assert company_paths(tmp_path / "data", "fresh").db.exists()
    assert (tmp_path / "data" / "logs" / "qayd-desktop.log").exists()


def choose_scheme(qtbot: QtBot, wizard: FirstRunWizard, code: str) -> None:
    """Pick a seller id scheme from the combo box with the keyboard, as a person would."""
    combo = wizard.company.form.scheme
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentData() != code:
        before = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"{code} is not offered"


def test_a_seller_without_a_commercial_registration(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    wizard.next()
    form = wizard.company.form
    offered = [form.scheme.itemData(i) for i in range(form.scheme.count())]
    assert offered == ["CRN", "MOM", "MLS", "700", "SAG", "OTH"]  # BR-KSA-08's schemes, nothing else
    fill_good_fields(qtbot, wizard)
    type_into(qtbot, wizard, "vat_number", "300000000000003")
    choose_scheme(qtbot, wizard, "700")  # the CR number typed before is now checked as a 700 number
    assert "[BR-KSA-F-09]" in form.messages["id_value"].text() and next_enabled(wizard)  # a warning
    assert form.edits["id_value"].placeholderText() == "10 digits starting with 7"
    type_into(qtbot, wizard, "id_value", "")
    assert "[BR-KSA-08]" in form.messages["id_value"].text() and not next_enabled(wizard)
    type_into(qtbot, wizard, "id_value", "7001234565")
    assert not form.messages["id_value"].isVisible() and next_enabled(wizard)
    wizard.next()
    assert wizard.ctx is not None
    with wizard.ctx.uow(write=False) as uow:
        profile = service.get_company(uow)
    assert (profile.id_scheme.value, profile.id_value) == ("700", "7001234565")
    wizard.session.close()


def test_the_schemes_in_arabic(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    wizard.choice.language.setCurrentIndex(wizard.choice.language.findData("ar"))
    wizard.next()
    form = wizard.company.form
    names = [form.scheme.itemText(i) for i in range(form.scheme.count())]
    assert names[0] == "السجل التجاري (CRN)" and names[4] == "ترخيص وزارة الاستثمار (SAG)"
    assert form.labels["id_scheme"].text() == "معرّف البائع"
    choose_scheme(qtbot, wizard, "MOM")
    type_into(qtbot, wizard, "id_value", "")
    text = form.messages["id_value"].text()
    assert "[BR-KSA-08]" in text and "ترخيص البلدية (MOM)" in text and "الحل: " in text  # named in Arabic
    wizard.session.close()
