"""Importing a JSON file of drafts from the Invoices view: the core's one import-and-issue use case, run in a Job.

The desktop and `qayd invoice import [--issue]` call the same `core.zatca.import_and_issue`: the rules, the
all-or-nothing transaction and the issuing are the core's; this module only asks for the file and shows the outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from core.uow import Context
from core.zatca import ImportRun, import_and_issue
from desktop.i18n import format_int, tr
from desktop.jobs import Job


def choose_file(parent: QWidget) -> Path | None:
    """The JSON file to import; None when the clerk cancels."""
    name, _filter = QFileDialog.getOpenFileName(parent, tr("InvoiceImport", "Import invoices"), "",
                                                tr("InvoiceImport", "JSON files (*.json)"))
    return Path(name) if name else None


def ask_issue(parent: QWidget) -> bool | None:
    """Whether to issue the imported drafts at once (signed and queued for ZATCA); None to cancel the import."""
    box = QMessageBox(QMessageBox.Icon.Question, tr("InvoiceImport", "Import invoices"),
                      tr("InvoiceImport", "Issue the imported drafts at once (signed and queued for ZATCA)?"),
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                      | QMessageBox.StandardButton.Cancel, parent)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Cancel:
        return None
    return answer == QMessageBox.StandardButton.Yes


def import_job(ctx: Context, path: Path, *, issue: bool) -> Job:
    """A Job importing `path` (and issuing it when `issue`); it succeeds with the core's ImportRun."""

    def work(progress: Callable[[float, str], None], _cancelled: Callable[[], bool]) -> ImportRun:
        return import_and_issue(ctx, path, issue=issue, progress=progress)

    return Job(work, "import invoices")


def outcome_text(run: ImportRun, *, issue: bool) -> str:
    """One line a clerk can act on: what was imported, created and issued."""
    text = tr("InvoiceImport", "Imported {n} draft(s); {c} new customer(s)").format(
        n=format_int(len(run.numbers)), c=format_int(run.customers_created))
    if issue:
        text += tr("InvoiceImport", "; issued {n}").format(n=format_int(len(run.issued)))
    return text + "."
