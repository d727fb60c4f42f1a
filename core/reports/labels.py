"""Bilingual labels: each is an (English, Arabic) pair; a document picks one language, or both for invoices."""

from __future__ import annotations

from datetime import UTC, date, datetime

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


def timestamp(moment: datetime | str | None) -> str:
    """The one way every report and invoice prints an instant: Riyadh time, to the second ("2026-12-07 22:07:57").
    Stored text (ISO 8601) is read first; a naive moment is taken as UTC, as the store keeps them; none is "—"."""
    if moment is None or moment == "":
        return "—"
    if isinstance(moment, str):
        text = moment
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return saudi_time(moment).strftime("%Y-%m-%d %H:%M:%S")


def stamped(moment: datetime) -> Label:
    """An instant as a phrase in both languages, the zone named. In Arabic the date and the time are two numbers
    with a word between them ("2026-12-07 الساعة 22:07:57"): text extractors order two bare numbers in a
    right-to-left line differently (PDFium left to right, poppler right to left), and a word between fixes it."""
    day, clock = timestamp(moment).split(" ")
    return f"{day} {clock} Riyadh time", f"{day} الساعة {clock} بتوقيت الرياض"


def period(start: date | str, end: date | str, *, basis: Label = ("", "")) -> Label:
    """A period, inclusive, written the same way in both languages: "Period: from A to B" and "الفترة: من A إلى B",
    the same dates in the same order, then what the dates are (`basis`, e.g. issue dates in Riyadh time)."""
    en, ar = span(start, end)
    en, ar = f"Period: {en}", f"الفترة: {ar}"
    # " · " rather than a comma: a mark right after a number in an Arabic line is read back before the number.
    return (f"{en} · {basis[0]}" if basis[0] else en), (f"{ar} · {basis[1]}" if basis[1] else ar)


def span(start: date | str, end: date | str) -> Label:
    """Two dates as an inclusive range, the same way in both languages: "from A to B", "من A إلى B"."""
    lo = start.isoformat() if isinstance(start, date) else start
    hi = end.isoformat() if isinstance(end, date) else end
    return f"from {lo} to {hi}", f"من {lo} إلى {hi}"
