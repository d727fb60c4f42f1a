"""Save as…: the document's bytes, exactly as built, written whole or not at all where the clerk chooses (the
document's own file name suggested, in the folder last saved to)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtWidgets import QFileDialog, QLabel

from core.files import write_private
from core.reports import ReportError
from desktop.errors import present_error
from desktop.i18n import tr

if TYPE_CHECKING:
    from core.reports import Built

log = logging.getLogger("qayd.desktop")


def write_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all (a partial file is never left under the chosen name), owner-only."""
    write_private(path, data)


class Saving:
    """Mixed into `PdfPreview`: Save as…. Tests replace the file dialog through `_ask_save_path()`.

    The folder last saved to is kept here, for every preview's next Save as… (`PdfPreview.last_folder`)."""

    last_folder: Path | None = None
    saved: Signal
    built: Built | None
    status: QLabel

    def _ask_save_path(self) -> Path | None:
        """Ask where to save (the system file dialog, the document's own file name suggested); None: cancelled."""
        assert self.built is not None
        folder = Saving.last_folder or Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
        name, _filter = QFileDialog.getSaveFileName(self, tr("PdfPreview", "Save the document as"),
                                                    str(folder / self.built.filename),
                                                    tr("PdfPreview", "PDF documents (*.pdf)"))
        return Path(name) if name else None

    def save_as(self) -> Path | None:
        """Save as… : write the document's bytes, exactly as built, where the clerk chooses."""
        if self.built is None:
            return None
        path = self._ask_save_path()
        if path is None:
            return None
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            write_file(path, self.built.pdf)
        except OSError:
            log.warning("a document could not be saved", exc_info=True)
            self.status.setText(tr("PdfPreview", "Not saved; see the message."))
            present_error(self, ReportError(
                tr("PdfPreview", "The document could not be saved as {name}.").format(name=path.name),
                fix=tr("PdfPreview", "Choose another folder, or check that the disk is not full and that you may "
                                     "write there, then save again.")))
            return None
        Saving.last_folder = path.parent
        self.status.setText(tr("PdfPreview", "Saved as {path}.").format(path=str(path)))
        self.saved.emit(str(path))
        return path
