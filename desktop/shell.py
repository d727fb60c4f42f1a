"""The main window: navigation on the leading side, one page per view, a status bar with the company's state."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QMainWindow, QStackedWidget, QWidget

from desktop.i18n import tr
from desktop.session import AppSession
from desktop.views.base import View
from desktop.views.registry import view_classes


class MainWindow(QMainWindow):
    def __init__(self, session: AppSession) -> None:
        super().__init__()
        self.session = session
        self.setObjectName("mainWindow")
        body = QWidget()
        layout = QHBoxLayout(body)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(190)
        self.stack = QStackedWidget()
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self.views: dict[str, View] = {}
        for cls in view_classes():
            view = cls(session)
            self.views[cls.key] = view
            self.stack.addWidget(view)
            self.nav.addItem(cls.title())
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)
        for view in self.views.values():
            view.retranslate()
            view.refresh()
        self.retranslate()
        self.resize(1200, 780)

    def show_view(self, key: str) -> View:
        view = self.views[key]
        self.nav.setCurrentRow(self.stack.indexOf(view))
        return view

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Shell", "Qayd"))
        for row, cls in enumerate(view_classes()):
            item = self.nav.item(row)
            if item is not None:
                item.setText(cls.title())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
