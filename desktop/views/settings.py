"""Settings: the UI language, the company profile (checked as typed by the core's rules), the EGS units and the
secrets (desktop.views.secrets_panel)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import invoicing
from core.errors import NotFoundError, QaydError, ValidationError
from core.zatca import EgsInfo, list_egs
from desktop.company_form import CompanyForm
from desktop.errors import present_error
from desktop.i18n import LANGUAGE_NAMES, format_date, format_int, tr
from desktop.session import COMPANY, SETTINGS, ZATCA, AppSession
from desktop.views.base import View
from desktop.views.central_panel import CentralPanel
from desktop.views.secrets_panel import SecretsPanel
from desktop.zatca_texts import environment_name


def egs_status_name(status: str) -> str:
    return {
        "active": tr("Settings", "Active"),
        "demo": tr("Settings", "Demo"),
        "retired": tr("Settings", "Retired"),
        "created": tr("Settings", "Being onboarded"),
        "compliance": tr("Settings", "Compliance checks"),
    }.get(status, status)


class SettingsView(View):
    key = "settings"
    topics = (COMPANY, ZATCA, SETTINGS)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.units: list[EgsInfo] = []
        self.error_box: QWidget | None = None
        body = QWidget()
        column = QVBoxLayout(body)

        self.language_box = QGroupBox()
        language_form = QFormLayout(self.language_box)
        self.language_label = QLabel()
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in LANGUAGE_NAMES:
            self.language.addItem(name, code)
        self.language.currentIndexChanged.connect(self._language_chosen)
        self.language_note = QLabel()
        self.language_note.setWordWrap(True)
        language_form.addRow(self.language_label, self.language)
        language_form.addRow(self.language_note)
        session.language_changed.connect(self._sync_language)

        self.company_box = QGroupBox()
        company_column = QVBoxLayout(self.company_box)
        self.form = CompanyForm(lambda: session.language)
        self.form.setObjectName("companyForm")
        self.form.changed.connect(self._update_buttons)
        buttons = QHBoxLayout()
        self.save = QPushButton()
        self.save.setObjectName("saveCompany")
        self.save.clicked.connect(self.save_company)
        self.revert = QPushButton()
        self.revert.setObjectName("revertCompany")
        self.revert.clicked.connect(self.refresh)
        self.saved = QLabel()
        self.saved.setObjectName("savedNote")
        buttons.addWidget(self.saved, 1)
        buttons.addWidget(self.revert)
        buttons.addWidget(self.save)
        company_column.addWidget(self.form)
        company_column.addLayout(buttons)

        self.egs_box = QGroupBox()
        egs_column = QVBoxLayout(self.egs_box)
        self.egs = QTableWidget(0, 6)
        self.egs.setObjectName("egsUnits")
        self.egs.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.egs.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.egs.verticalHeader().hide()
        self.egs.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.egs.horizontalHeader().setStretchLastSection(True)
        self.egs.setMinimumHeight(120)
        self.no_egs = QLabel()
        self.no_egs.setWordWrap(True)
        egs_column.addWidget(self.egs)
        egs_column.addWidget(self.no_egs)

        self.store_box = QGroupBox()
        store_form = QFormLayout(self.store_box)
        self.store_labels = (QLabel(), QLabel(), QLabel())
        self.store_values = (QLabel(session.settings.company), QLabel(str(session.settings.data_dir)),
                             QLabel(str(session.settings.config_file or "")))
        for label, value in zip(self.store_labels, self.store_values, strict=True):
            value.setWordWrap(True)
            store_form.addRow(label, value)

        self.secrets_panel = SecretsPanel(session)  # retranslates itself on LanguageChange
        self.central_panel = CentralPanel(session)  # likewise

        for box in (self.language_box, self.company_box, self.egs_box, self.secrets_panel, self.central_panel,
                    self.store_box):
            column.addWidget(box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._sync_language(session.language)

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Settings")

    # --- data -----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        with self.session.uow(write=False) as uow:
            try:
                profile = invoicing.get_company(uow)
            except NotFoundError:
                profile = None
            self.units = list_egs(uow)
        self.secrets_panel.refresh()
        self.central_panel.refresh()
        if profile is not None:
            self.form.set_profile(profile)
        self._fill_units()
        self._update_buttons()

    def save_company(self) -> None:
        self.form.reveal_all()
        try:
            with self.session.uow() as uow:
                saved = invoicing.update_company(uow, self.form.profile())
                uow.commit()
        except ValidationError as exc:
            self.form.show_findings(exc.findings)
            self.error_box = present_error(self, exc)
            return
        except QaydError as exc:
            self.error_box = present_error(self, exc)
            return
        self.form.set_profile(saved)
        self.saved.setText(tr("Settings", "Company profile saved."))
        self._update_buttons()
        self.session.notify(COMPANY)

    def _update_buttons(self) -> None:
        modified = self.form.is_modified()
        self.save.setEnabled(modified and self.form.is_valid())
        self.revert.setEnabled(modified)
        if modified:
            self.saved.clear()

    def _fill_units(self) -> None:
        lang = self.session.language
        self.egs.setRowCount(len(self.units))
        for row, unit in enumerate(self.units):
            expires = format_date(unit.certificate_expires_at, lang, hijri=True) if unit.certificate_expires_at \
                else "—"
            cells = (unit.name, environment_name(unit.environment), egs_status_name(unit.status),
                     format_int(unit.icv), expires, " ".join(unit.warnings))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.egs.setItem(row, column, item)
        self.egs.setVisible(bool(self.units))
        self.no_egs.setVisible(not self.units)

    # --- language -------------------------------------------------------------------------------------------

    def _language_chosen(self) -> None:
        code = str(self.language.currentData())
        if code != self.session.language:
            self.session.set_language(code)

    def _sync_language(self, language: str) -> None:
        index = self.language.findData(language)
        if index >= 0 and index != self.language.currentIndex():
            self.language.blockSignals(True)
            self.language.setCurrentIndex(index)
            self.language.blockSignals(False)

    def retranslate(self) -> None:
        self.language_box.setTitle(tr("Settings", "Language"))
        self.language_label.setText(tr("Settings", "Language of the application"))
        self.language_note.setText(tr("Settings", "Applies at once. To start in this language every time, set "
                                                  "language in config.toml or QAYD_LANGUAGE."))
        self.company_box.setTitle(tr("Settings", "Company profile"))
        self.save.setText(tr("Settings", "Save"))
        self.revert.setText(tr("Settings", "Revert"))
        self.form.retranslate()
        self.egs_box.setTitle(tr("Settings", "EGS units (read-only)"))
        self.egs.setHorizontalHeaderLabels([tr("Settings", "Name"), tr("Settings", "Environment"),
                                            tr("Settings", "Status"), tr("Settings", "Invoice counter"),
                                            tr("Settings", "Certificate expires"), tr("Settings", "Notes")])
        self.no_egs.setText(tr("Settings", "No EGS unit yet. Onboard one with `qayd zatca onboard`."))
        self.store_box.setTitle(tr("Settings", "This installation"))
        for label, text in zip(self.store_labels, (tr("Settings", "Company"), tr("Settings", "Data folder"),
                                                   tr("Settings", "Config file")), strict=True):
            label.setText(text)
        self._fill_units()
