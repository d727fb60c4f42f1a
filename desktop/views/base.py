"""What every view of the workspace is: a QWidget over the AppSession that refreshes and retranslates itself."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QWidget

from desktop.session import AppSession


class View(QWidget):
    """A page of the main window.

    - `key` names it (navigation, screenshots: `<key>-<lang>.png`); `title()` is its translated name.
    - `topics` are the AppSession.changed topics it shows; on one of them it refreshes (lazily when hidden).
    - `refresh()` reloads its data (quick reads on the UI thread, anything long as a Job);
      `retranslate()` re-reads every visible text; both are called once by the shell after construction.
    """

    key = "view"
    topics: tuple[str, ...] = ()

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._stale = False
        session.changed.connect(self._on_changed)

    @classmethod
    def title(cls) -> str:
        raise NotImplementedError

    def refresh(self) -> None:
        """Reload the data shown."""

    def data_shown(self) -> bool:
        """Whether the view shows its data yet (a view that reads in a Job says so once the Job has answered)."""
        return True

    def retranslate(self) -> None:
        """Re-read every visible text (called on LanguageChange)."""

    def screenshot_extras(self) -> list[tuple[str, QWidget]]:
        """Dialogs or panels of this view worth reviewing in `qayd-desktop --screenshots`, as (name, widget).

        Build each widget (filled with the demo company's data, not shown, not exec'd); the screenshot tool
        renders it to `<key>-<name>-<lang>.png` and then closes and deletes it. Called once per language,
        after the view has been shown and refreshed. Default: none.
        """
        return []

    def _on_changed(self, topic: str) -> None:
        if topic in self.topics:
            if self.isVisible():
                self.refresh()
            else:
                self._stale = True

    def showEvent(self, event: QEvent) -> None:  # type: ignore[override]
        if self._stale:
            self._stale = False
            self.refresh()
        super().showEvent(event)  # type: ignore[arg-type]

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
