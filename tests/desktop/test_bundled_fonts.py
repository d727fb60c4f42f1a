"""The desktop draws with the bundled Noto fonts, so Arabic does not depend on the fonts the system happens to have."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QTextLayout
from PySide6.QtWidgets import QApplication

from core.resources import resource_path
from desktop.app import _application
from desktop.fonts import FAMILIES, register_bundled_fonts

ARABIC = "شركة قيد التجريبية للتجارة"
WORD = "التجريبية"


@pytest.fixture
def app_font_restored(qapp: QApplication) -> Iterator[QApplication]:
    before = QFont(qapp.font())
    yield qapp
    qapp.setFont(before)  # the other desktop tests keep Qt's default font


def _glyph_families(text: str, font: QFont) -> set[str]:
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return {run.rawFont().familyName() for run in layout.glyphRuns()}


def test_the_bundled_families_are_registered_from_resources(qapp: QApplication) -> None:
    assert set(register_bundled_fonts()) == set(FAMILIES)
    assert "Noto Sans Arabic" in QFontDatabase.families(QFontDatabase.WritingSystem.Arabic)
    # The very files in resources/fonts: adding one again names the same family.
    font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", "NotoSansArabic-Regular.ttf")))
    assert QFontDatabase.applicationFontFamilies(font_id) == ["Noto Sans Arabic"]
    QFontDatabase.removeApplicationFont(font_id)


def test_the_app_font_draws_arabic_with_the_bundled_font(app_font_restored: QApplication) -> None:
    app = _application()  # what `qayd-desktop` does at start-up
    assert app is app_font_restored
    assert app.font().families()[:2] == list(FAMILIES)
    # Shaped text, not a name: the Arabic glyphs come from Noto Sans Arabic, the Latin ones from Noto Sans, even
    # where the system has another font with Arabic (DejaVu Sans on Debian) that Qt would pick by itself.
    assert _glyph_families(WORD, app.font()) == {"Noto Sans Arabic"}
    assert _glyph_families(f"Qayd {ARABIC} 2026", app.font()) == set(FAMILIES)  # spaces and digits: Noto Sans
    bold = QFont(app.font())
    bold.setBold(True)
    assert _glyph_families(WORD, bold) == {"Noto Sans Arabic"}

