"""Help ▸ Create support bundle…: the person chooses where, a job writes it (core.support.create_bundle), a message
says where it went. The bundle holds logs, crash files, doctor's report and the config check, never company data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from core.progress import CancelCheck, Progress
from desktop.errors import present_error
from desktop.i18n import tr
from desktop.jobs import Job

if TYPE_CHECKING:
    from desktop.session import AppSession


def default_bundle_name() -> str:
    from datetime import UTC, datetime

    return f"qayd-support-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.zip"


def doctor_for(session: AppSession) -> Any:
    """Doctor's report for the open company (core.support.doctor_of); None without a company."""
    if not session.is_open:
        return None
    from core.support import doctor_of

    return doctor_of(session.ctx, session.settings)


def create_support_bundle(parent: QWidget, session: AppSession, *, path: Path | None = None) -> Job | None:
    """Ask where to save (unless `path` is given), then write the bundle in a job; the job, or None if cancelled."""
    if path is None:
        name, _filter = QFileDialog.getSaveFileName(parent, tr("Support", "Save the support bundle as"),
                                                    str(Path.home() / default_bundle_name()),
                                                    tr("Support", "Zip archives (*.zip)"))
        if not name:
            return None
        path = Path(name)
    settings, doctor = session.settings, doctor_for(session)

    def work(progress: Progress, cancelled: CancelCheck) -> Path:
        from core.support import create_bundle

        return create_bundle(path, settings=settings, doctor=doctor, progress=progress)

    job = Job(work, "support-bundle")
    job.signals.succeeded.connect(lambda written: _saved(parent, written))
    job.signals.failed.connect(lambda exc: present_error(parent, exc))
    session.pool.start(job)
    return job


def _saved(parent: QWidget, written: Path) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, tr("Support", "Support bundle"),
                      tr("Support", "The support bundle is saved as {path}. It holds no company data; look inside "
                         "before you send it.").format(path=written), parent=parent)
    box.setObjectName("supportBundleSaved")
    box.open()
