"""The one way the desktop shows a failure: the core's message and fix in a dialog, the details in the log."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from core.errors import QaydError, ValidationError
from core.findings import Finding
from core.support import exception_message, safe  # safe: the log shows it (still through the scrubber)
from desktop.i18n import tr

log = logging.getLogger("qayd.desktop")


def user_message(exc: BaseException) -> tuple[str, str]:
    """(message, fix) for a person: a QaydError's own words; anything else is an internal error."""
    if isinstance(exc, QaydError):
        return exc.message, exc.fix
    return (tr("Errors", "Something went wrong inside Qayd; nothing was changed."),
            tr("Errors", "Try again. If it happens again, send the log file to support."))


def finding_message(finding: Finding, language: str) -> str:
    """A finding's message in `language` (English when it has no Arabic)."""
    return finding.message_ar if language == "ar" and finding.message_ar else finding.message


def finding_fix(finding: Finding, language: str) -> str:
    """A finding's fix in `language` (English when it has no Arabic)."""
    return finding.fix_ar if language == "ar" and finding.fix_ar else finding.fix


def log_text(exc: BaseException) -> str:
    """What the log may say about `exc`: a core message (written without personal data), or for refused input
    only the rules and fields (a finding's message quotes the value typed, which may be personal data)."""
    if isinstance(exc, ValidationError):
        return safe("refused: " + ", ".join(f"{f.rule}@{f.field}" for f in exc.findings if f.is_error))
    if isinstance(exc, QaydError):
        return safe(exception_message(exc))  # its quoted values (what the person typed) masked
    return safe("internal error")


def present_error(parent: QWidget | None, exc: BaseException, *, title: str | None = None) -> QMessageBox:
    """Show `exc` (non-blocking, so a job's failure never nests an event loop) and log its details."""
    log.error("%s: %s", safe(type(exc).__name__), log_text(exc), exc_info=not isinstance(exc, QaydError))
    message, fix = user_message(exc)
    box = QMessageBox(QMessageBox.Icon.Warning, title or tr("Errors", "Qayd"), message, parent=parent)
    if fix:
        box.setInformativeText(fix)
    box.setObjectName("errorDialog")
    box.open()
    return box
