"""The EGS onboarding wizard: environment, the unit, the portal's OTP, the onboarding steps with progress, the result.

Everything ZATCA-specific is `core.zatca.onboarding.onboard` (CSR → compliance CSID → compliance checks →
production CSID), run as a Job; the wizard only collects the inputs and shows the steps as they pass.
An unfinished onboarding resumes with the same unit and key (the unit is looked up by name), as the CLI does.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QEvent, QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from core.bootstrap import zatca_client
from core.config import Settings
from core.errors import NotFoundError
from core.zatca import FatooraClient, onboard
from core.zatca import egs as units
from desktop.errors import present_error
from desktop.i18n import format_date, tr
from desktop.jobs import Job
from desktop.session import ZATCA, AppSession

ENVIRONMENTS = ("sandbox", "simulation", "production")  # core.config.ZatcaEnvironment
OTP_LENGTH = 6


def fatoora_client(settings: Settings, environment: str) -> FatooraClient:
    """The portal transport, built in the composition root as for the CLI (`core.bootstrap.zatca_client`)."""
    return zatca_client(settings, environment)


def environment_label(environment: str) -> str:
    return {"sandbox": tr("Onboarding", "Sandbox (developer portal)"),
            "simulation": tr("Onboarding", "Simulation"),
            "production": tr("Onboarding", "Production"),
            "demo": tr("Onboarding", "Demo (not submitted)")}.get(environment, environment)


class EnvironmentPage(QWizardPage):
    def __init__(self, wizard: OnboardingWizard) -> None:
        super().__init__()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.environment = QComboBox()
        self.environment.setObjectName("environment")
        for env in ENVIRONMENTS:
            self.environment.addItem("", env)
        current = wizard.session.settings.zatca.environment
        self.environment.setCurrentIndex(ENVIRONMENTS.index(current) if current in ENVIRONMENTS else 0)
        self.standard = QCheckBox()
        self.standard.setObjectName("standard")
        self.standard.setChecked(True)
        self.simplified = QCheckBox()
        self.simplified.setObjectName("simplified")
        self.simplified.setChecked(True)
        self.env_label, self.types_label = QLabel(), QLabel()
        form = QFormLayout()
        form.addRow(self.env_label, self.environment)
        form.addRow(self.types_label, self.standard)
        form.addRow("", self.simplified)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        self.registerField("environment", self.environment, "currentIndex")
        self.standard.toggled.connect(self.completeChanged)
        self.simplified.toggled.connect(self.completeChanged)

    def invoice_types(self) -> str:
        return f"{int(self.standard.isChecked())}{int(self.simplified.isChecked())}00"

    def isComplete(self) -> bool:
        return self.standard.isChecked() or self.simplified.isChecked()

    def retranslate(self) -> None:
        self.setTitle(tr("Onboarding", "Portal environment"))
        self.intro.setText(tr("Onboarding", "Choose the Fatoora portal this EGS unit is onboarded with. Use the "
                                            "sandbox or simulation to try things out; only production documents "
                                            "count for ZATCA."))
        self.env_label.setText(tr("Onboarding", "Environment:"))
        self.types_label.setText(tr("Onboarding", "Documents it issues:"))
        self.standard.setText(tr("Onboarding", "Standard (B2B, cleared)"))
        self.simplified.setText(tr("Onboarding", "Simplified (B2C, reported)"))
        for i, env in enumerate(ENVIRONMENTS):
            self.environment.setItemText(i, environment_label(env))


class UnitPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.name, self.serial = QLineEdit(), QLineEdit()
        self.name.setObjectName("egsName")
        self.serial.setObjectName("egsSerial")
        self.branch, self.location = QLineEdit(), QLineEdit()
        self.branch.setObjectName("egsBranch")
        self.location.setObjectName("egsLocation")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.labels = [QLabel() for _ in range(4)]
        form = QFormLayout(self)
        for label, edit in zip(self.labels, (self.name, self.serial, self.branch, self.location), strict=True):
            form.addRow(label, edit)
        form.addRow(self.hint)
        self.registerField("egsName*", self.name)
        self.registerField("egsSerial*", self.serial)
        self.registerField("egsBranch", self.branch)
        self.registerField("egsLocation", self.location)

    def retranslate(self) -> None:
        self.setTitle(tr("Onboarding", "The EGS unit"))
        for label, text in zip(self.labels, (tr("Onboarding", "Unit name:"), tr("Onboarding", "Serial number:"),
                                             tr("Onboarding", "Branch:"), tr("Onboarding", "Location:")),
                               strict=True):
            label.setText(text)
        self.name.setPlaceholderText(tr("Onboarding", "e.g. riyadh-branch-till-1"))
        self.serial.setPlaceholderText("1-Qayd|2-Desktop|3-0001")
        self.hint.setText(tr("Onboarding", "The unit name is the certificate's common name and must be unique. "
                                           "The serial number is 1-maker|2-model|3-serial. An unfinished "
                                           "onboarding of the same name resumes with the same unit."))


class OtpPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.otp = QLineEdit()
        self.otp.setObjectName("otp")
        self.otp.setMaxLength(OTP_LENGTH)
        self.otp.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,6}"), self.otp))
        self.otp.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.status = QLabel()
        self.status.setObjectName("otpStatus")
        self.label = QLabel()
        form = QFormLayout()
        form.addRow(self.label, self.otp)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.status)
        self.registerField("otp", self.otp)
        self.otp.textChanged.connect(self._typed)

    def _typed(self) -> None:
        self._show_status()
        self.completeChanged.emit()

    def _show_status(self) -> None:
        n = len(self.otp.text())
        if n == OTP_LENGTH:
            self.status.setText(tr("Onboarding", "The code has 6 digits."))
        else:
            self.status.setText(tr("Onboarding", "{n} of 6 digits entered.").format(n=n))

    def isComplete(self) -> bool:
        text = self.otp.text()
        return len(text) == OTP_LENGTH and text.isascii() and text.isdigit()

    def retranslate(self) -> None:
        self.setTitle(tr("Onboarding", "One-time password"))
        self.intro.setText(tr("Onboarding", "In the Fatoora portal, generate an OTP for one unit and type its six "
                                            "digits here. It is valid for one hour and is used once."))
        self.label.setText(tr("Onboarding", "OTP:"))
        self._show_status()


class ProgressPage(QWizardPage):
    """Creates (or resumes) the unit and runs the onboarding as a Job; complete only once it succeeded."""

    def __init__(self, wizard: OnboardingWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.bar = QProgressBar()
        self.bar.setObjectName("onboardingProgress")
        self.bar.setRange(0, 100)
        self.steps = QListWidget()
        self.steps.setObjectName("onboardingSteps")
        self.status = QLabel()
        self.status.setObjectName("onboardingStatus")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.steps, 1)
        layout.addWidget(self.status)
        self.job: Job | None = None
        self.info: units.EgsInfo | None = None
        self.error: BaseException | None = None
        self._state = "idle"  # idle | running | done | failed

    def initializePage(self) -> None:
        self.info, self.error, self._state = None, None, "running"
        self.bar.setValue(0)
        self.steps.clear()
        self._show_state()
        self.wiz.start_onboarding(self)

    def progressed(self, fraction: float, message: str) -> None:
        self.bar.setValue(round(fraction * 100))
        self.steps.addItem(step_text(message))

    def succeeded(self, info: units.EgsInfo) -> None:
        self.info, self._state = info, "done"
        self.bar.setValue(100)
        self._show_state()
        self.completeChanged.emit()

    def failed(self, exc: BaseException) -> None:
        self.error, self._state = exc, "failed"
        self._show_state()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self._state == "done"

    def _show_state(self) -> None:
        self.status.setText({
            "idle": "",
            "running": tr("Onboarding", "Talking to the Fatoora portal…"),
            "done": tr("Onboarding", "Onboarding finished."),
            "failed": tr("Onboarding", "Onboarding stopped. Go back, fix the problem (a new OTP is needed) and "
                                       "try again: the steps already done are kept."),
        }[self._state])

    def retranslate(self) -> None:
        self.setTitle(tr("Onboarding", "Onboarding"))
        self.setSubTitle(tr("Onboarding", "Certificate request, compliance certificate, compliance checks, "
                                          "production certificate."))
        self._show_state()


def step_text(message: str) -> str:
    """A core progress message in the UI's language (the core speaks English to logs and the CLI)."""
    fixed = {"Requesting the compliance certificate": tr("Onboarding", "Requesting the compliance certificate"),
             "Requesting the production certificate": tr("Onboarding", "Requesting the production certificate"),
             "Onboarded": tr("Onboarding", "Onboarded")}
    if message in fixed:
        return fixed[message]
    prefix = "Compliance check: "
    if message.startswith(prefix):
        label = message[len(prefix):]
        kind, _, doc = label.partition(" ")
        kinds = {"standard": tr("Onboarding", "standard"), "simplified": tr("Onboarding", "simplified")}
        docs = {"invoice": tr("Onboarding", "invoice"), "credit note": tr("Onboarding", "credit note"),
                "debit note": tr("Onboarding", "debit note")}
        return tr("Onboarding", "Compliance check: {kind} {document}").format(kind=kinds.get(kind, kind),
                                                                              document=docs.get(doc, doc))
    return message


class ResultPage(QWizardPage):
    def __init__(self, wizard: OnboardingWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.summary = QLabel()
        self.summary.setObjectName("onboardingResult")
        self.summary.setWordWrap(True)
        self.next_steps = QLabel()
        self.next_steps.setObjectName("onboardingNext")
        self.next_steps.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.next_steps)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(tr("Onboarding", "Result"))
        info = self.wiz.info
        if info is None:
            self.summary.setText("")
            self.next_steps.setText("")
            return
        lang = self.wiz.session.language
        expires = (format_date(info.certificate_expires_at, lang, hijri=True) if info.certificate_expires_at
                   else tr("Onboarding", "unknown"))
        self.summary.setText(tr("Onboarding", "EGS unit {name} is active in {environment}. Its production "
                                              "certificate (CSID) is valid until {expires}.").format(
            name=info.name, environment=environment_label(info.environment), expires=expires))
        self.next_steps.setText(tr("Onboarding", "What's next: issue invoices with this unit; standard invoices "
                                                 "are cleared and simplified ones reported from the ZATCA queue. "
                                                 "Renew the certificate before it expires (Qayd warns you 30 days "
                                                 "ahead)."))


class OnboardingWizard(QWizard):
    """`OnboardingWizard(session).open()`; after it finished, `info` is the onboarded unit."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("onboardingWizard")
        self.client_factory: Any = lambda env: fatoora_client(session.settings, env)
        self.info: units.EgsInfo | None = None
        self.env_page, self.unit_page, self.otp_page = EnvironmentPage(self), UnitPage(), OtpPage()
        self.progress_page, self.result_page = ProgressPage(self), ResultPage(self)
        for page in (self.env_page, self.unit_page, self.otp_page, self.progress_page, self.result_page):
            self.addPage(page)
        self.retranslate()

    def environment(self) -> str:
        return ENVIRONMENTS[int(self.field("environment"))]

    def start_onboarding(self, page: ProgressPage) -> None:
        try:
            egs_id = self._unit()
        except Exception as exc:
            page.failed(exc)
            present_error(self, exc)
            return
        otp, environment, factory, ctx = str(self.field("otp")), self.environment(), self.client_factory, \
            self.session.ctx

        def work(progress: Any, cancelled: Any) -> units.EgsInfo:
            with factory(environment) as client:
                return onboard(ctx, egs_id, otp, client, progress=progress)

        job = Job(work, "onboard")
        page.job = job
        job.signals.progressed.connect(page.progressed)
        job.signals.succeeded.connect(self._succeeded)
        job.signals.succeeded.connect(page.succeeded)
        job.signals.failed.connect(page.failed)
        job.signals.failed.connect(lambda exc: present_error(self, exc))
        self.session.pool.start(job)

    def _unit(self) -> uuid.UUID:
        name = str(self.field("egsName")).strip()
        with self.session.uow() as uow:
            try:
                unit_id = units.get_egs(uow, name).id
            except NotFoundError:
                unit_id = units.create_egs(uow, name=name, serial_number=str(self.field("egsSerial")).strip(),
                                           environment=self.environment(), invoice_types=self.env_page.invoice_types(),
                                           branch=str(self.field("egsBranch")).strip(),
                                           location=str(self.field("egsLocation")).strip()).id
            uow.commit()
        self.session.notify(ZATCA)
        return unit_id

    def _succeeded(self, info: units.EgsInfo) -> None:
        self.info = info
        self.session.notify(ZATCA)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Onboarding", "Onboard an EGS unit"))
        for page in (self.env_page, self.unit_page, self.otp_page, self.progress_page, self.result_page):
            page.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
