"""Bilingual labels: each is an (English, Arabic) pair; a document picks one language, or both for invoices."""

from __future__ import annotations

from datetime import date, datetime

from core.clock import saudi_time

Label = tuple[str, str]


def text_of(label: Label | str, lang: str) -> str:
    """The label in `lang` ("en", "ar", or "both": "English · Arabic"); plain strings are returned as they are."""
    if isinstance(label, str):
        return label
    en, ar = label
    if lang == "ar":
        return ar
    if lang == "both":
        return f"{en} · {ar}"
    return en


def timestamp(moment: datetime) -> str:
    """The one way a report or invoice prints an instant: Riyadh time, to the second ("2026-12-07 22:07:57")."""
    return saudi_time(moment).strftime("%Y-%m-%d %H:%M:%S")


def stamped(moment: datetime) -> Label:
    """An instant as a phrase in both languages, the zone named. In Arabic the date and the time are two numbers
    with a word between them ("2026-12-07 الساعة 22:07:57"): text extractors order two bare numbers in a
    right-to-left line differently (PDFium left to right, poppler right to left), and a word between fixes it."""
    day, clock = timestamp(moment).split(" ")
    return f"{day} {clock} Riyadh time", f"{day} الساعة {clock} بتوقيت الرياض"


def period(start: date, end: date) -> Label:
    """A period, inclusive, written the same way in both languages: the same dates, the same order."""
    return f"from {start.isoformat()} to {end.isoformat()}", f"من {start.isoformat()} إلى {end.isoformat()}"
