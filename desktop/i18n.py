"""Languages of the UI: Qt translation files, runtime switching with mirrored layout, and locale formatting.

Source strings are English, written with `tr(context, text)` (QCoreApplication.translate). Arabic lives in
Qt Linguist files, one per area of the app, `resources/i18n/<area>_ar.ts`, compiled to `.qm` beside them
(`python -m desktop.i18n compile`; a test checks every `.qm` is current and every message translated;
`python -m desktop.i18n check` lists the `tr` strings that have no Arabic yet).
Switching language installs the other translators, mirrors the layout and sends every widget a
LanguageChange event: views re-read their texts in `retranslate()`.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from core.resources import resources_root

LANGUAGES = ("en", "ar")
LANGUAGE_NAMES = (("en", "English"), ("ar", "العربية"))  # each in its own language: never translated
_installed: list[QTranslator] = []


def tr(context: str, text: str) -> str:
    """The text in the current language (English when no translation is installed)."""
    return QCoreApplication.translate(context, text)


def i18n_dir() -> Path:
    return resources_root() / "i18n"


def install_language(app: QCoreApplication, language: str) -> None:
    """Swap the installed translators for `language`, set the locale and the layout direction."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language != "en":
        # Qt's own texts first (standard buttons, dialogs: "Next", "Cancel", "OK" …), then Qayd's areas.
        qt_own = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) / f"qtbase_{language}.qm"
        for qm in [qt_own, *sorted(i18n_dir().glob(f"*_{language}.qm"))]:
            translator = QTranslator(app)
            if qm.exists() and translator.load(str(qm)):
                app.installTranslator(translator)
                _installed.append(translator)
    QLocale.setDefault(locale_for(language))
    if isinstance(app, QApplication):
        app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if language == "ar" else Qt.LayoutDirection.LeftToRight)
    # QApplication *posts* LanguageChange to every window; deliver them now, so that when this returns every
    # widget shows the new language (and callers, tests included, need not spin the event loop).
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)


def locale_for(language: str) -> QLocale:
    # Arabic with Western digits, which ZATCA documents and Saudi finance staff use. CLDR gives ar_SA Arabic-Indic
    # digits and Qt cannot override a locale's digits; its Gulf neighbour ar_AE has the same month names and
    # right-to-left layout with Western digits, so dates typed and shown match the invoices.
    if language == "ar":
        return QLocale(QLocale.Language.Arabic, QLocale.Country.UnitedArabEmirates)
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def format_money(value: Decimal, language: str, currency: str = "SAR") -> str:
    """Two decimals with grouping, e.g. "1,234.50 SAR" / "1,234.50 ر.س" (digits stay Western in both)."""
    text = f"{value:,.2f}"
    return f"{text} ر.س" if language == "ar" and currency == "SAR" else f"{text} {currency}"


def format_int(value: int) -> str:
    return f"{value:,}"


HIJRI_MONTHS_EN = ("Muharram", "Safar", "Rabi al-Awwal", "Rabi al-Thani", "Jumada al-Ula", "Jumada al-Akhirah",
                   "Rajab", "Shaban", "Ramadan", "Shawwal", "Dhu al-Qadah", "Dhu al-Hijjah")


def hijri_text(day: date, language: str) -> str:
    """The Umm al-Qura date, e.g. "15 Jumada al-Akhirah 1448 AH" / "15 جمادى الآخرة 1448 هـ"."""
    from hijridate import Gregorian  # loaded on first use, off the start-up path

    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except OverflowError:  # outside Umm al-Qura's table (1343–1500 AH)
        return ""
    if language == "ar":
        return f"{hijri.day} {hijri.month_name('ar')} {hijri.year} هـ"
    return f"{hijri.day} {HIJRI_MONTHS_EN[hijri.month - 1]} {hijri.year} AH"


def format_date(value: date | datetime, language: str, *, hijri: bool = False) -> str:
    """ISO-like Gregorian date (with time for a datetime), and the Hijri date beside it when asked."""
    day = value.date() if isinstance(value, datetime) else value
    text = value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else value.isoformat()
    if hijri:
        extra = hijri_text(day, language)
        if extra:
            text = f"{text} ({extra})"
    return text


def compile_translations(folder: Path | None = None) -> list[Path]:
    """Run Qt's lrelease over every .ts file (developer tool; the .qm files are committed)."""
    folder = folder or i18n_dir()
    done = []
    for ts in sorted(folder.glob("*.ts")):
        qm = ts.with_suffix(".qm")
        subprocess.run([str(Path(sys.executable).parent / "pyside6-lrelease"), str(ts), "-qm", str(qm)],
                       check=True, capture_output=True)
        done.append(qm)
    return done


def source_messages(root: Path | None = None) -> dict[tuple[str, str], list[str]]:
    """Every literal `tr("Context", "text")` call in the desktop package: (context, text) -> where ("file:line")."""
    import ast

    root = root or Path(__file__).resolve().parent
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr"
                    and len(node.args) == 2 and all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                                    for a in node.args)):
                key = (node.args[0].value, node.args[1].value)  # type: ignore[attr-defined]
                found.setdefault(key, []).append(f"{path.relative_to(root.parent)}:{node.lineno}")
    return found


def ts_messages(ts: Path) -> dict[tuple[str, str], str | None]:
    """(context, source) -> translation of one .ts file; None when it is empty or marked unfinished/obsolete."""
    import xml.etree.ElementTree as ET

    messages: dict[tuple[str, str], str | None] = {}
    for context in ET.parse(ts).getroot().iter("context"):  # nosec B314 # our own .ts translation sources (resources/i18n), never input
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            done = translation is not None and not translation.get("type") and (translation.text or "").strip()
            messages[(name, message.findtext("source") or "")] = translation.text if done else None  # type: ignore[union-attr]
    return messages


def untranslated(folder: Path | None = None, root: Path | None = None) -> list[str]:
    """Problems: source strings with no finished Arabic translation in any `*_ar.ts`, and unfinished entries."""
    folder = folder or i18n_dir()
    known: dict[tuple[str, str], str | None] = {}
    problems = []
    for ts in sorted(folder.glob("*_ar.ts")):
        for key, text in ts_messages(ts).items():
            if text is None:
                problems.append(f"{ts.name}: [{key[0]}] {key[1]!r} has no finished translation")
            known.setdefault(key, text)
    for key, where in source_messages(root).items():
        if key not in known:
            problems.append(f"{where[0]}: [{key[0]}] {key[1]!r} is in no resources/i18n/*_ar.ts")
    return problems


if __name__ == "__main__":
    if sys.argv[1:] == ["compile"]:
        for path in compile_translations():
            print(path)
    elif sys.argv[1:] == ["check"]:
        problems = untranslated()
        print("\n".join(problems) or "every string has an Arabic translation")
        sys.exit(1 if problems else 0)
    else:
        print("usage: python -m desktop.i18n compile|check")
