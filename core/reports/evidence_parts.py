"""What the evidence documents (the audit report, the privacy reports) share: progress between their phases, the
Riyadh-time stamps, hex in groups, safe file names and the verdict line."""

from __future__ import annotations

from datetime import date, datetime

from core.clock import saudi_time
from core.progress import part, step
from core.reports.document import CancelFn, ProgressFn
from core.reports.labels import Label, timestamp
from core.reports.layout import ACCENT, ALERT, Progress, ReportWriter

RIYADH_NOTE: Label = ("Times are Riyadh time (UTC+03:00).", "الأوقات بتوقيت الرياض، UTC+03:00.")


class Steps:
    """Progress between the phases of a document, and cancellation checked at each of them."""

    def __init__(self, progress: ProgressFn | None, cancelled: CancelFn | None) -> None:
        self.progress, self.cancelled = progress, cancelled

    def __call__(self, fraction: float, message: str) -> None:
        step(self.progress, self.cancelled, fraction, message)

    def rows(self, start: float, end: float) -> Progress:
        """A table's row progress, mapped into [start, end] of the whole document."""
        return Progress(part(self.progress, start, end), self.cancelled)


riyadh = timestamp  # the one Riyadh-time format (core.reports.labels), under the name the privacy reports use


def riyadh_day(moment: datetime) -> date:
    return saudi_time(moment).date()


def grouped(hex_text: str, group: int = 8) -> str:
    """Long hex in groups (so it wraps at group boundaries and can be read aloud and compared)."""
    return " ".join(hex_text[i:i + group] for i in range(0, len(hex_text), group))


def safe_name(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in text).strip("-") or "x"


def verdict(writer: ReportWriter, good: bool, text: Label | str, detail: Label | str = "", size: float = 15) -> None:
    """A verdict line in large type, green when good and red when not, with an optional line under it."""
    writer.ensure(size + 25)
    writer.space(size * 0.4)
    writer.text(writer.t(text), 0, writer.y, size, True, color=ACCENT if good else ALERT)
    writer.space(size + 3)
    if detail:
        writer.paragraph(detail, size=9.5, color=ACCENT if good else ALERT, bold=True)
    writer.space(4)


