"""The bundled Noto fonts, registered at start-up, so Arabic is drawn the same whatever fonts the system has."""

from __future__ import annotations

import functools
import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from core.resources import resources_root

log = logging.getLogger("qayd.desktop.fonts")

# Latin text from Noto Sans, Arabic from Noto Sans Arabic: Qt takes each character from the first family that has it.
FAMILIES = ("Noto Sans", "Noto Sans Arabic")


@functools.cache  # Qt would add a file given twice again, under a new id
def register_bundled_fonts() -> tuple[str, ...]:
    """Add resources/fonts/*.ttf to Qt's font database (once per process); the families they bring."""
    families: list[str] = []
    for path in sorted((resources_root() / "fonts").glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))  # Qt returns the same id for a file added twice
        if font_id < 0:
            log.warning("Qt could not load the bundled font %s", path.name)
            continue
        families += [f for f in QFontDatabase.applicationFontFamilies(font_id) if f not in families]
    return tuple(families)


def use_bundled_fonts(app: QCoreApplication | None) -> None:
    """Register the bundled fonts and make them the application's font (its size stays the system's)."""
    if not isinstance(app, QGuiApplication):
        return  # no fonts without a GUI application (a console QCoreApplication draws nothing)
    available = register_bundled_fonts()
    font = QFont(app.font())
    font.setFamilies([family for family in FAMILIES if family in available] or list(font.families()))
    app.setFont(font)
