"""First run: a wizard that creates the configured company (every field checked as typed) or the demo company.

Pages: choose (language; create my company / open the demo company) → the company profile (create only) →
the work page, which creates the store in a background Job with progress and hands the open Context to the
session. `wizard.ctx` is set once it succeeded; the wizard then finishes and the app opens the main window.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QProgressBar,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from core.bootstrap import company_paths, open_company
from core.config import Settings
from core.errors import ValidationError
from core.findings import errors_in
from core.invoicing import service
from core.invoicing.demo import create_demo
from core.invoicing.model import CompanyProfile
from core.invoicing.rules import validate_company
from core.uow import Context
from desktop.company_form import CompanyForm
from desktop.errors import present_error, user_message
from desktop.i18n import LANGUAGE_NAMES, tr
from desktop.jobs import Cancelled, Job, Progress
from desktop.session import AppSession

CHOICE, COMPANY, WORK = 0, 1, 2
DEMO_DRAFTS, DEMO_ISSUED = 300, 20


def _remove_new_store(settings: Settings) -> None:
    paths = company_paths(settings.data_dir, settings.company)
    for path in (paths.db, paths.head, paths.db.with_name(paths.db.name + "-wal"),
                 paths.db.with_name(paths.db.name + "-shm")):
        path.unlink(missing_ok=True)


class ChoicePage(QWizardPage):
    def __init__(self, session: AppSession) -> None:
        super().__init__()
        self.session = session
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        form = QFormLayout()
        self.language_label = QLabel()
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in LANGUAGE_NAMES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(session.language)))
        self.language.currentIndexChanged.connect(self._language_chosen)
        form.addRow(self.language_label, self.language)
        self.create_option = QRadioButton()
        self.create_option.setObjectName("createCompany")
        self.demo_option = QRadioButton()
        self.demo_option.setObjectName("openDemo")
        self.create_option.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.create_option)
        group.addButton(self.demo_option)
        self.demo_note = QLabel()
        self.demo_note.setWordWrap(True)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addSpacing(12)
        layout.addWidget(self.create_option)
        layout.addWidget(self.demo_option)
        layout.addWidget(self.demo_note)
        layout.addStretch(1)

    def _language_chosen(self) -> None:
        self.session.set_language(str(self.language.currentData()))

    def nextId(self) -> int:
        return WORK if self.demo_option.isChecked() else COMPANY

    def retranslate(self) -> None:
        self.setTitle(tr("FirstRun", "Welcome to Qayd"))
        self.setSubTitle(tr("FirstRun", "There is no company here yet. Create yours, or look around in the demo."))
        self.intro.setText(tr("FirstRun", "Company: {name}").format(name=self.session.settings.company))
        self.language_label.setText(tr("FirstRun", "Language"))
        self.create_option.setText(tr("FirstRun", "Create my company"))
        self.demo_option.setText(tr("FirstRun", "Open the demo company"))
        self.demo_note.setText(tr("FirstRun", "The demo company comes with customers, products, {drafts} drafts and "
                                              "a demo EGS unit that signs offline and never submits to ZATCA.")
                               .format(drafts=DEMO_DRAFTS))


class CompanyPage(QWizardPage):
    def __init__(self, session: AppSession) -> None:
        super().__init__()
        self.form = CompanyForm(lambda: session.language)
        self.form.setObjectName("companyForm")
        self.form.changed.connect(self.completeChanged)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.form)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def isComplete(self) -> bool:
        return self.form.is_valid()

    def validatePage(self) -> bool:
        self.form.reveal_all()
        return self.form.is_valid()

    def retranslate(self) -> None:
        self.setTitle(tr("FirstRun", "Your company"))
        self.setSubTitle(tr("FirstRun", "As registered with ZATCA: every field is checked as you type."))
        self.form.retranslate()


class WorkPage(QWizardPage):
    """Creates the store in a Job; complete once it succeeded (then the wizard can finish)."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.job: Job | None = None
        self.done = False
        layout = QVBoxLayout(self)
        self.status = QLabel()
        self.status.setObjectName("workStatus")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.done = False
        self.progress.setValue(0)
        wizard = self._wizard
        demo = wizard.choice.demo_option.isChecked()
        self.status.setText(tr("FirstRun", "Starting…"))
        job = Job(wizard.work_function(demo), "first-run")
        self.job = job
        job.signals.progressed.connect(self._progressed)
        job.signals.succeeded.connect(self._succeeded)
        job.signals.failed.connect(self._failed)
        wizard.set_busy(True)
        wizard.session.pool.start(job)

    def _progressed(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 100))
        self.status.setText(message)

    def _succeeded(self, ctx: object) -> None:
        assert isinstance(ctx, Context)
        self._wizard.ctx = ctx
        self._wizard.session.adopt(ctx)
        self.done = True
        self.progress.setValue(100)
        self.status.setText(tr("FirstRun", "Ready. Choose Finish to open the company."))
        self._wizard.set_busy(False)
        self.completeChanged.emit()

    def _failed(self, exc: object) -> None:
        assert isinstance(exc, BaseException)
        self._wizard.set_busy(False)
        message, fix = user_message(exc)
        self.status.setText(f"{message}\n{fix}".strip())
        self._wizard.error_box = present_error(self, exc)

    def isComplete(self) -> bool:
        return self.done

    def nextId(self) -> int:
        return -1

    def retranslate(self) -> None:
        self.setTitle(tr("FirstRun", "Creating the company"))
        self.setSubTitle(tr("FirstRun", "This takes a few seconds."))


class FirstRunWizard(QWizard):
    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ctx: Context | None = None
        self.error_box: Any = None
        self.setObjectName("firstRunWizard")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.choice = ChoicePage(session)
        self.company = CompanyPage(session)
        self.work = WorkPage(self)
        self.setPage(CHOICE, self.choice)
        self.setPage(COMPANY, self.company)
        self.setPage(WORK, self.work)
        self.setStartId(CHOICE)
        self.resize(860, 720)
        self.retranslate()

    def set_busy(self, busy: bool) -> None:
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            button = self.button(which)
            if button is not None:
                button.setEnabled(not busy)

    def work_function(self, demo: bool) -> Any:
        """The Job's function: create the store (and the profile, or the demo data); returns the open Context."""
        settings, clock = self.session.settings, self.session.clock
        profile: CompanyProfile | None = None if demo else self.company.form.profile()
        steps = (tr("FirstRun", "Creating the encrypted store…"),
                 tr("FirstRun", "Adding customers, products and drafts…"),
                 tr("FirstRun", "Issuing the first documents with the demo EGS unit…"),
                 tr("FirstRun", "Saving the company profile…"))

        def work(progress: Progress, cancelled: Cancelled) -> Context:
            if profile is not None and errors_in(found := validate_company(profile)):
                raise ValidationError("The company profile", found)  # before anything is written
            progress(0.05, steps[0])
            ctx = open_company(settings, create=True, clock=clock)
            try:
                if profile is None:
                    progress(0.25, steps[1])
                    create_demo(ctx, drafts=DEMO_DRAFTS)
                    from core.zatca.demo import add_demo_egs  # the signing stack loads only when needed

                    progress(0.75, steps[2])
                    add_demo_egs(ctx, issue=DEMO_ISSUED)
                else:
                    progress(0.6, steps[3])
                    with ctx.uow() as uow:
                        service.create_company(uow, profile)
                        uow.commit()
            except BaseException:
                ctx.close()
                _remove_new_store(settings)  # nothing half-made stays behind: the next try starts clean
                raise
            progress(1.0, steps[-1] if profile is not None else steps[2])
            return ctx

        return work

    def retranslate(self) -> None:
        self.setWindowTitle(tr("FirstRun", "Qayd — first run"))
        for page in (self.choice, self.company, self.work):
            page.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
