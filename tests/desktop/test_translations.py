"""The Qt translation files: compiled and current, complete, and covering every `tr` string of the desktop.

These checks cover every area's `resources/i18n/*_ar.ts`, so a string added anywhere without its Arabic fails here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.i18n import i18n_dir, install_language, source_messages, tr, ts_messages, untranslated
from desktop.views.registry import view_classes

TS_FILES = sorted(i18n_dir().glob("*.ts"))
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


@pytest.fixture(autouse=True)
def english_afterwards(qapp: QApplication) -> Iterator[None]:
    yield
    install_language(qapp, "en")


def test_there_are_translation_files() -> None:
    assert i18n_dir() / "shell_ar.ts" in TS_FILES


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.name)
def test_each_qm_is_compiled_from_its_current_ts(ts: Path, tmp_path: Path) -> None:
    committed = ts.with_suffix(".qm")
    assert committed.exists(), f"{committed.name} is missing: run `python -m desktop.i18n compile`"
    fresh = tmp_path / committed.name
    subprocess.run([str(Path(sys.executable).parent / "pyside6-lrelease"), str(ts), "-qm", str(fresh)],
                   check=True, capture_output=True)
    stale = f"{committed.name} is stale: run `python -m desktop.i18n compile`"
    assert fresh.read_bytes() == committed.read_bytes(), stale


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.name)
def test_translations_are_finished_and_keep_their_placeholders(ts: Path) -> None:
    problems = []
    for (context, source), text in ts_messages(ts).items():
        if text is None:
            problems.append(f"[{context}] {source!r}: unfinished")
        elif sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
            problems.append(f"[{context}] {source!r}: placeholders differ in {text!r}")
    assert problems == []


def test_every_tr_string_in_the_desktop_has_an_arabic_translation() -> None:
    assert untranslated() == []


def test_the_scanner_finds_literal_tr_calls(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "m.py").write_text('from desktop.i18n import tr\nX = tr("Ctx", "Hello {name}")\nY = tr(ctx, "no")\n',
                                  "utf-8")
    assert list(source_messages(package)) == [("Ctx", "Hello {name}")]


def test_arabic_is_loaded_at_runtime(qapp: QApplication) -> None:
    install_language(qapp, "ar")
    assert [cls.title() for cls in view_classes()] == [
        "لوحة المعلومات", "الفواتير", "العملاء", "المنتجات", "طابور هيئة الزكاة", "التدقيق", "الخصوصية", "التقارير",
        "الرؤى", "المساعد", "المزامنة", "الإعدادات", "التشخيص"]
    assert tr("Shell", "Company: {name}").format(name="x") == "المنشأة: x"
    install_language(qapp, "en")
    assert tr("Shell", "Company: {name}") == "Company: {name}"


def test_arabic_dates_and_numbers_keep_western_digits(qapp: QApplication) -> None:
    """Date fields and formatted numbers show 0-9, as the invoices do, in a right-to-left Arabic locale."""
    from PySide6.QtCore import QDate, QLocale

    install_language(qapp, "ar")
    try:
        locale = QLocale()
        assert locale.language() is QLocale.Language.Arabic
        assert locale.textDirection() is Qt.LayoutDirection.RightToLeft
        assert locale.toString(QDate(2026, 11, 25), "yyyy-MM-dd") == "2026-11-25"
        assert locale.toString(1234) == "1,234"
        assert locale.monthName(11) == "نوفمبر"
    finally:
        install_language(qapp, "en")
