"""`qayd-desktop`: opens the configured company in a window (the full workspace grows from here)."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QMainWindow, QMessageBox, QWidget

from core.audit import entry_count
from core.bootstrap import open_company
from core.config import Settings, load_settings
from core.errors import ConfigError, QaydError
from core.invoicing import service

TEXT = {
    "en": {"title": "Qayd", "company": "Company", "vat": "VAT number", "invoices": "Documents",
           "chain": "Audit entries", "none": "No company yet: run `qayd init --demo`."},
    "ar": {"title": "قيد", "company": "الشركة", "vat": "الرقم الضريبي", "invoices": "المستندات",
           "chain": "قيود التدقيق", "none": "لا توجد شركة بعد: شغّل ‎`qayd init --demo`‎"},
}


class MainWindow(QMainWindow):
    def __init__(self, rows: list[tuple[str, str]], language: str) -> None:
        super().__init__()
        self.setWindowTitle(TEXT[language]["title"])
        if language == "ar":
            self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        body = QWidget()
        form = QFormLayout(body)
        for label, value in rows:
            form.addRow(QLabel(label), QLabel(value))
        self.setCentralWidget(body)
        self.resize(640, 360)


def summary_rows(settings: Settings) -> list[tuple[str, str]]:
    language = settings.language
    t = TEXT[language]
    try:
        ctx = open_company(settings)
    except QaydError as exc:
        return [(t["company"], t["none"]), ("", str(exc))]
    try:
        with ctx.uow(write=False) as uow:
            company = service.get_company(uow)
            count = service.count_invoices(uow)
        name = company.legal_name_ar if language == "ar" else company.legal_name_en
        return [(t["company"], name), (t["vat"], company.vat_number), (t["invoices"], f"{count:,}"),
                (t["chain"], f"{entry_count(ctx):,}")]
    finally:
        ctx.close()


def main() -> int:
    app = QApplication(sys.argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        QMessageBox.critical(None, "Qayd", str(exc))
        return exc.exit_code
    if settings.language == "ar":
        app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    window = MainWindow(summary_rows(settings), settings.language)
    window.show()
    return app.exec()
