"""The EGS onboarding wizard against the local Fatoora portal: environment, unit, OTP as typed, steps, result."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWizard
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.invoicing.demo import create_demo
from core.uow import Context
from core.zatca import egs as units
from desktop.jobs import SyncPool
from desktop.session import AppSession
from desktop.views.onboarding import OnboardingWizard
from tests.conftest import StepClock
from tests.fatoora.server import DEFAULT_OTP, FakeFatoora

WORDS = {
    "en": {"first_step": "Requesting the compliance certificate", "check": "Compliance check: simplified credit note",
           "active": "is active in Simulation", "typed": "3 of 6 digits entered.", "stopped": "Onboarding stopped"},
    "ar": {"first_step": "طلب شهادة الامتثال", "check": "فحص الامتثال: إشعار دائن مبسطة",
           "active": "نشطة في المحاكاة", "typed": "أُدخل 3 من 6 أرقام.", "stopped": "توقفت التهيئة"},
}


@pytest.fixture
def fake() -> Iterator[FakeFatoora]:
    with FakeFatoora() as server:
        yield server
        assert server.internal_errors == []


@pytest.fixture(params=["en", "ar"])
def session(request: pytest.FixtureRequest, settings: Settings, clock: StepClock, ctx: Context,
            fake: FakeFatoora) -> Iterator[AppSession]:
    create_demo(ctx, drafts=2)  # the company profile the certificate request is made from
    local = settings.model_copy(update={"zatca": settings.zatca.model_copy(update={"base_url": fake.base_url})})
    session = AppSession(local, clock=clock, pool=SyncPool(), ctx=ctx)
    session.set_language(request.param)
    yield session
    session.set_language("en")


@pytest.fixture
def wizard(session: AppSession, qtbot: QtBot) -> OnboardingWizard:
    wizard = OnboardingWizard(session)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def next_enabled(wizard: OnboardingWizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def fill_in(wizard: OnboardingWizard, qtbot: QtBot, otp: str) -> None:
    wizard.env_page.environment.setCurrentIndex(wizard.env_page.environment.findData("simulation"))
    wizard.next()
    assert not next_enabled(wizard)  # name and serial are required
    qtbot.keyClicks(wizard.unit_page.name, "riyadh-till-1")
    qtbot.keyClicks(wizard.unit_page.serial, "1-Qayd|2-Desk|3-42")
    wizard.unit_page.location.setText("Riyadh Olaya")
    assert next_enabled(wizard)
    wizard.next()
    wizard.otp_page.otp.clear()
    qtbot.keyClicks(wizard.otp_page.otp, otp)


def test_onboarding_journey(wizard: OnboardingWizard, session: AppSession, ctx: Context, qtbot: QtBot) -> None:
    words = WORDS[session.language]
    assert wizard.isRightToLeft() == (session.language == "ar")
    fill_in(wizard, qtbot, "12x3")  # a letter is refused as it is typed
    page = wizard.otp_page
    assert page.otp.text() == "123" and page.status.text() == words["typed"]
    assert not next_enabled(wizard)
    qtbot.keyClicks(page.otp, "3456")  # only six digits fit
    assert page.otp.text() == DEFAULT_OTP and next_enabled(wizard)
    wizard.next()

    progress = wizard.progress_page
    steps = [progress.steps.item(i).text() for i in range(progress.steps.count())]
    assert steps[0] == words["first_step"] and words["check"] in steps
    assert len(steps) == 1 + 6 + 2  # CCSID, three documents of each of two kinds, PCSID, done
    assert progress.bar.value() == 100 and next_enabled(wizard)
    wizard.next()

    assert wizard.currentPage() is wizard.result_page
    assert "riyadh-till-1" in wizard.result_page.summary.text()
    assert words["active"] in wizard.result_page.summary.text()
    assert wizard.info is not None and wizard.info.certificate_expires_at is not None
    assert str(wizard.info.certificate_expires_at.year) in wizard.result_page.summary.text()
    with ctx.uow(write=False) as uow:
        unit = units.get_egs(uow, "riyadh-till-1")
        assert (unit.status, unit.environment, unit.invoice_types) == ("active", "simulation", "1100")


def test_a_wrong_otp_stops_and_a_new_one_resumes_the_same_unit(wizard: OnboardingWizard, session: AppSession,
                                                                ctx: Context, qtbot: QtBot) -> None:
    fill_in(wizard, qtbot, "999999")
    wizard.next()
    progress = wizard.progress_page
    assert progress.error is not None and not next_enabled(wizard)
    assert WORDS[session.language]["stopped"] in progress.status.text()
    assert [b for b in wizard.findChildren(QMessageBox) if b.objectName() == "errorDialog"]
    wizard.back()
    wizard.otp_page.otp.clear()
    qtbot.keyClicks(wizard.otp_page.otp, DEFAULT_OTP)
    wizard.next()
    assert progress.info is not None and progress.info.status == "active"
    with ctx.uow(write=False) as uow:
        assert [u.name for u in units.list_egs(uow)] == ["riyadh-till-1"]  # resumed, not a second unit


def test_only_standard_documents(wizard: OnboardingWizard, session: AppSession, qtbot: QtBot) -> None:
    wizard.env_page.simplified.setChecked(False)
    assert next_enabled(wizard)
    wizard.env_page.standard.setChecked(False)
    assert not next_enabled(wizard)  # a unit issues at least one kind
    wizard.env_page.standard.setChecked(True)
    fill_in(wizard, qtbot, DEFAULT_OTP)
    wizard.next()
    assert wizard.progress_page.steps.count() == 1 + 3 + 2
    assert wizard.progress_page.info is not None and wizard.progress_page.info.invoice_types == "1000"
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.result_page
