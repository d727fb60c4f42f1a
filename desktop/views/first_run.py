"""First run: a wizard that creates the configured company (every field checked as typed), opens the demo company,
or joins the company's central database (the company comes from central through `core.sync.join`).

Pages: choose (language; create my company / open the demo company / join my company's central database) → the
company profile (create only) or the central address, login and password (join only) → the work page, which creates
the store in a background Job with progress and hands the open Context to the session. `wizard.ctx` is set once it
succeeded; the wizard then finishes and the app opens the main window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QProgressBar,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from core import invoicing
from core.bootstrap import new_company
from core.errors import ValidationError
from core.findings import errors_in
from core.invoicing import CompanyProfile, create_demo, validate_company
from core.uow import Context
from desktop.company_form import CompanyForm
from desktop.errors import present_error, user_message
from desktop.i18n import LANGUAGE_NAMES, tr
from desktop.jobs import Cancelled, Job, Progress
from desktop.session import AppSession

if TYPE_CHECKING:
    from core.sync import Joined

CHOICE, COMPANY, WORK, JOIN = 0, 1, 2, 3
DEMO_DRAFTS, DEMO_ISSUED = 300, 20


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
        self.join_option = QRadioButton()
        self.join_option.setObjectName("joinCentral")
        self.create_option.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.create_option)
        group.addButton(self.demo_option)
        group.addButton(self.join_option)
        self.demo_note = QLabel()
        self.demo_note.setWordWrap(True)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addSpacing(12)
        layout.addWidget(self.create_option)
        layout.addWidget(self.join_option)
        layout.addWidget(self.demo_option)
        layout.addWidget(self.demo_note)
        layout.addStretch(1)

    def _language_chosen(self) -> None:
        self.session.set_language(str(self.language.currentData()))

    def nextId(self) -> int:
        if self.join_option.isChecked():
            return JOIN
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
        self.join_option.setText(tr("FirstRunJoin", "Join my company's central database"))


class JoinPage(QWizardPage):
    """Where the company's central database is, and this person's login and password; the optional number series."""

    def __init__(self) -> None:
        super().__init__()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.url = QLineEdit(objectName="joinUrl")
        self.url.setPlaceholderText("postgresql://host:5432/qayd?sslmode=verify-full&sslrootcert=ca.pem")
        self.login = QLineEdit(objectName="joinLogin")
        self.password = QLineEdit(objectName="joinPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.series = QLineEdit(objectName="joinSeries")
        self.series.setMaxLength(10)
        for edit in (self.url, self.login, self.series):  # an address, a login and a code read left to right
            edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        for edit in (self.url, self.login, self.password):
            edit.textChanged.connect(self.completeChanged)
        self.labels = (QLabel(), QLabel(), QLabel(), QLabel())
        form = QFormLayout()
        for label, edit in zip(self.labels, (self.url, self.login, self.password, self.series), strict=True):
            label.setBuddy(edit)
            form.addRow(label, edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addStretch(1)

    def isComplete(self) -> bool:
        return all(e.text().strip() for e in (self.url, self.login)) and bool(self.password.text())

    def nextId(self) -> int:
        return WORK

    def retranslate(self) -> None:
        self.setTitle(tr("FirstRunJoin", "Join my company's central database"))
        self.setSubTitle(tr("FirstRunJoin", "The company, its customers, products and documents come from central; "
                                            "nobody types them again."))
        self.note.setText(tr("FirstRunJoin", "Ask whoever set up the central database for its address and your "
                                             "own login. This desk keeps its own keys and draws invoice numbers from "
                                             "its own series."))
        for label, text in zip(self.labels, (
                tr("FirstRunJoin", "Address"), tr("FirstRunJoin", "Your login"), tr("FirstRunJoin", "Password"),
                tr("FirstRunJoin", "Number series (optional)")), strict=True):
            label.setText(text)
        self.series.setPlaceholderText(tr("FirstRunJoin", "Derived from this device when left empty"))


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
        work = wizard.join_function() if wizard.choice.join_option.isChecked() else wizard.work_function(demo)
        job = Job(work, "first-run")
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
        ready = tr("FirstRun", "Ready. Choose Finish to open the company.")
        self.status.setText("\n".join((*self._wizard.joined_notes(), ready)))
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
        self.joined: Joined | None = None  # what a join brought (set by the join Job before it returns)
        self.error_box: Any = None
        self.setObjectName("firstRunWizard")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.choice = ChoicePage(session)
        self.company = CompanyPage(session)
        self.join = JoinPage()
        self.work = WorkPage(self)
        self.setPage(CHOICE, self.choice)
        self.setPage(COMPANY, self.company)
        self.setPage(WORK, self.work)
        self.setPage(JOIN, self.join)
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

            def fill(ctx: Context) -> None:
                if profile is None:
                    progress(0.25, steps[1])
                    create_demo(ctx, drafts=DEMO_DRAFTS)
                    from core.zatca import add_demo_egs  # the signing stack loads only when needed

                    progress(0.75, steps[2])
                    add_demo_egs(ctx, issue=DEMO_ISSUED)
                else:
                    progress(0.6, steps[3])
                    with ctx.uow() as uow:
                        invoicing.create_company(uow, profile)
                        uow.commit()

            # One step in core: a failure or cancel removes the new store, so the next try starts clean.
            ctx, _ = new_company(settings, fill, clock=clock)
            progress(1.0, steps[-1] if profile is not None else steps[2])
            return ctx

        return work

    def join_function(self) -> Any:
        """The Job's function for a join: the company from central (`core.sync.join`); returns the open Context."""
        settings, clock = self.session.settings, self.session.clock
        url, login = self.join.url.text().strip(), self.join.login.text().strip()
        password, series = self.join.password.text(), self.join.series.text().strip() or None

        def work(progress: Progress, cancelled: Cancelled) -> Context:
            from core.sync import join_company

            progress(0.02, tr("FirstRunJoin", "Connecting to the central database…"))
            ctx, joined = join_company(settings, url, login, password, series=series, clock=clock, progress=progress)
            self.joined = joined  # a plain value read by the page once the Job succeeded; no widget touched here
            return ctx

        return work

    def joined_notes(self) -> list[str]:
        """What the join brought and what this desk still needs, in the wizard's language."""
        joined = self.joined
        if joined is None:
            return []
        arabic = self.session.language == "ar"
        notes = [tr("FirstRunJoin", "Joined {name}: {customers} customers, {products} products, {documents} issued "
                                    "documents. This desk's invoice number series: {series}.").format(
            name=joined.legal_name_ar if arabic else joined.legal_name_en, customers=joined.customers,
            products=joined.products, documents=joined.documents, series=joined.series)]
        return notes + [ar if arabic else en for en, ar in joined.needs]

    def retranslate(self) -> None:
        self.setWindowTitle(tr("FirstRun", "Qayd — first run"))
        for page in (self.choice, self.company, self.join, self.work):
            page.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
