"""A4 report pages with the company's identity: headings, label/value grids, tables that run over pages, QR codes.

`ReportWriter` writes top to bottom on a reportlab canvas and mirrors everything for Arabic (lang "ar"): the start
side is the right, columns run right to left, numbers keep their own order (the typesetter's bidi). Bilingual
documents (lang "both", the invoices) put English at the left and Arabic at the right of the same line.
Every page gets the identity header and a footer with the page number, "of N" and the generation time.
"""


from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib.colors import Color

from core.progress import CancelCheck, Ticker, part
from core.progress import Progress as ProgressFn
from core.reports import typeset
from core.reports.labels import Label
from core.reports.page import (  # re-exported: the page's colours, measures and identity lived here
    _AMOUNT_W,
    ACCENT,
    ALERT,
    INK,
    MARGIN,
    MUTED,
    PAGE_H,
    PAGE_W,
    RULE,
    SHADE,
    WHITE,
    Identity,
    PageWriter,
)

__all__ = ["ACCENT", "ALERT", "INK", "MARGIN", "MUTED", "PAGE_H", "PAGE_W", "ROWS_PER_CHECK", "RULE", "SHADE",
           "WHITE", "Column", "Identity", "PageWriter", "Progress", "ReportWriter", "money"]

ROWS_PER_CHECK = 50  # a cancel lands within a few milliseconds of rows, and costs nothing per row


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its title, share of the width and alignment ("start", "end" or "center")."""

    title: Label
    weight: float
    align: str = "start"


class Progress(Ticker):
    """Long documents report progress and honour cancellation between rows (checked every ROWS_PER_CHECK rows)."""

    def __init__(self, report: ProgressFn | None = None, cancelled: CancelCheck | None = None) -> None:
        super().__init__(report, cancelled, every=ROWS_PER_CHECK)


def money(value: Decimal | None, currency: str = "") -> str:
    """Money as printed: grouped thousands, two decimals (more when the amount carries them), optional currency."""
    if value is None:
        return ""
    exponent = value.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    text = f"{value:,.{places}f}"
    return f"{text} {currency}".strip()




class ReportWriter(PageWriter):
    """Writes one PDF document. Use `finish()` to get its bytes (not yet PDF/A; see `core.reports.pdfa`)."""

    # -- blocks --------------------------------------------------------------------------------------------------
    def heading(self, label: Label | str, size: float = 11.5, keep: float = 48.0) -> None:
        """A section heading, kept with the first `keep` points of what follows (a table's header and first rows,
        a subtotal): a heading is never left alone at the foot of a page."""
        self.ensure(size + 23 + keep)
        self._section = label if keep else self._section
        self.y -= 6
        if self.lang == "both" and isinstance(label, tuple):
            self._flush_arabic()
            self.fill(ACCENT)
            typeset.draw(self.canvas, label[0], MARGIN, self.y, size, True, "left")
            self._arabic_later(label[1], self.y, size, True, ACCENT)  # drawn after the block under it
        else:
            self.text(self.t(label), 0, self.y, size, True, color=ACCENT)
        self.y -= 5
        self.canvas.setStrokeColor(ACCENT)
        self.canvas.setLineWidth(0.8)
        self.canvas.line(MARGIN, self.y, PAGE_W - MARGIN, self.y)
        self.y -= 12

    def _continued(self) -> None:
        """The current section's heading again at the top of a new page, marked as continued."""
        label = self._section
        if isinstance(label, tuple):
            self.heading((f"{label[0]} (continued)", f"تابع: {label[1]}"), keep=0)
        elif label:
            self.heading(f"{label} (continued)", keep=0)

    def paragraph(self, value: Label | str, size: float = 9, color: Color = INK, bold: bool = False) -> None:
        for line in typeset.wrap(self.t(value), self.width, size, bold):
            self.ensure(size + 4)
            self.text(line, 0, self.y, size, bold, color=color)
            self.y -= size + 4

    def bilingual(self, en: str, ar: str, size: float = 8, color: Color = MUTED, bold: bool = False) -> None:
        """A note in both languages: English lines from the left, then Arabic lines from the right ("both"), or the
        one language of the document."""
        if self.lang != "both":
            self.paragraph(ar if self.rtl else en, size, color, bold)
            return
        for line in typeset.wrap(en, self.width, size, bold):
            self.ensure(size + 4)
            self.fill(color)
            typeset.draw(self.canvas, line, MARGIN, self.y, size, bold, "left", base="ltr")
            self.y -= size + 4
        for line in typeset.wrap(ar, self.width, size, bold):
            self.ensure(size + 4)
            self.fill(color)
            typeset.draw(self.canvas, line, PAGE_W - MARGIN, self.y, size, bold, "right", base="rtl")
            self.y -= size + 4
        self._flush_arabic()

    def fields(self, items: Sequence[tuple[Label, str]], columns: int = 2, label_share: float = 0.45) -> None:
        """Label/value pairs in a grid; bilingual documents print "English  value  Arabic" on each row."""
        if self.lang == "both":
            self._fields_bilingual(items, columns)
            return
        col_w = self.width / columns
        label_w, value_w = col_w * label_share - 6, col_w * (1 - label_share) - 6
        rows = [items[i:i + columns] for i in range(0, len(items), columns)]
        for row in rows:
            labels = [typeset.wrap(self.t(label), label_w, 8) for label, _value in row]
            values = [typeset.wrap(value, value_w, 9) for _label, value in row]
            height = max(max(len(x) * 10 for x in labels), max(len(x) * 12 for x in values)) + 4
            self.ensure(height)
            for index in range(len(row)):
                left = index * col_w
                for n, line in enumerate(labels[index]):
                    self.text(line, left, self.y - n * 10, 8, color=MUTED)
                for n, line in enumerate(values[index]):
                    self.text(line, left + col_w * label_share, self.y - n * 12, 9, bold=True)
            self.y -= height

    def _fields_bilingual(self, items: Sequence[tuple[Label, str]], columns: int) -> None:
        col_w = self.width / columns
        rows = [items[i:i + columns] for i in range(0, len(items), columns)]
        for row in rows:
            wrapped = [typeset.wrap(value, col_w - 12, 9) for _label, value in row]
            height = 11 + max(len(w) for w in wrapped) * 11 + 6
            self.ensure(height)
            for index, (label, _value) in enumerate(row):
                left = MARGIN + index * col_w
                right = left + col_w - 10
                en, ar = (label, label) if isinstance(label, str) else label
                self.fill(MUTED)
                typeset.draw(self.canvas, en, left, self.y, 7.5, False, "left")
                self._arabic_later(ar, self.y, 7.5, False, MUTED, right)
                self.fill(INK)
                for n, line in enumerate(wrapped[index]):
                    rtl_value = typeset.has_rtl(line)
                    typeset.draw(self.canvas, line, right if rtl_value else left, self.y - 11 - n * 11, 9, True,
                                 "right" if rtl_value else "left")
            self._flush_arabic()  # the row's Arabic labels, after its values
            self.y -= height

    def table(self, columns: Sequence[Column], rows: Iterable[Sequence[str]], *, size: float = 8,
              total_rows: int | None = None, progress: Progress | None = None,
              empty: Label | str = ("No documents.", "لا توجد مستندات.")) -> int:
        """Draw rows under a header row that repeats on each page; cells wrap. Returns the number of rows drawn."""
        weights = sum(c.weight for c in columns)
        widths = [self.width * c.weight / weights for c in columns]
        starts = [sum(widths[:i]) for i in range(len(columns))]
        pad = 3.0

        def header() -> None:
            titles = [self.t(c.title) if self.lang != "both" else c.title for c in columns]
            lines = [self._header_lines(title, widths[i] - 2 * pad, size) for i, title in enumerate(titles)]
            height = max(len(x) for x in lines) * (size + 2) + 6
            self.fill(SHADE)
            self.canvas.rect(MARGIN, self.y - height + size + 2, self.width, height, stroke=0, fill=1)
            for i, column in enumerate(columns):
                for n, line in enumerate(lines[i]):
                    self._cell(line, starts[i], widths[i], column.align, self.y - n * (size + 2), size, True, pad)
            self.y -= height + 2

        self.ensure(4 * (size + 4))
        header()
        count = 0
        for row in rows:
            wrapped = [typeset.wrap(str(value), widths[i] - 2 * pad, size) for i, value in enumerate(row)]
            height = max(len(w) for w in wrapped) * (size + 3) + 3
            if self.y - height < MARGIN + 10:
                self._new_page()
                self._continued()
                header()
            for i, column in enumerate(columns):
                for n, line in enumerate(wrapped[i]):
                    self._cell(line, starts[i], widths[i], column.align, self.y - n * (size + 3), size, False, pad)
            self.canvas.setStrokeColor(RULE)
            self.canvas.setLineWidth(0.3)
            self.canvas.line(MARGIN, self.y - height + size + 1, PAGE_W - MARGIN, self.y - height + size + 1)
            self.y -= height
            count += 1
            if progress is not None:
                progress.step(count / total_rows if total_rows else 0.0, "")
        if count == 0:
            self.text(self.t(empty), 0, self.y, size, color=MUTED)
            self.y -= size + 4
        self._flush_arabic()
        self.y -= 6
        return count

    def _header_lines(self, title: Label | str, max_width: float, size: float) -> list[str]:
        if isinstance(title, tuple) and title[0] != title[1]:  # bilingual header: English over Arabic
            return typeset.wrap(title[0], max_width, size, True) + typeset.wrap(title[1], max_width, size, True)
        if isinstance(title, tuple):  # the same in both ("#"): once
            return typeset.wrap(title[0], max_width, size, True)
        return typeset.wrap(title, max_width, size, True)

    def _cell(self, value: str, start: float, width: float, align: str, y: float, size: float, bold: bool,
              pad: float) -> None:
        self.fill(INK)
        if self.lang == "both":  # bilingual tables run left to right; Arabic-only cell text sits at the right
            left = MARGIN + start
            if align == "end" or (align == "start" and typeset.has_rtl(value) and not _has_latin(value)):
                typeset.draw(self.canvas, value, left + width - pad, y, size, bold, "right")
            elif align == "center":
                typeset.draw(self.canvas, value, left + width / 2, y, size, bold, "center")
            else:
                typeset.draw(self.canvas, value, left + pad, y, size, bold, "left")
            return
        if align == "start":
            self.text(value, start + pad, y, size, bold, "start")
        elif align == "end":
            self.text(value, start + width - pad, y, size, bold, "end")
        else:
            self.text(value, start + width / 2, y, size, bold, "center")

    def summary(self, items: Sequence[tuple[Label, str]], *, strong_last: bool = True, share: float = 0.5) -> None:
        """A right-hand (left in Arabic) box of totals: label and amount per row."""
        box_w = self.width * share
        row_h = 14.0
        if self.y - (row_h * len(items) + 8) < MARGIN + 10:  # totals never stand on a page without their section
            self._new_page()
            self._continued()
        start = self.width - box_w
        for index, (label, value) in enumerate(items):
            strong = strong_last and index == len(items) - 1
            if strong:
                self.fill(SHADE)
                self.canvas.rect(MARGIN + (0 if self.rtl else start), self.y - 4, box_w, row_h, stroke=0, fill=1)
            if self.lang == "both" and isinstance(label, tuple):  # English at the left of the box, Arabic
                left = MARGIN + start + 4  # beside the amount, drawn after every row's English (`_arabic_later`)
                self.fill(MUTED if not strong else INK)
                typeset.draw(self.canvas, label[0], left, self.y, 8, strong, "left")
                self.fill(INK)
                typeset.draw(self.canvas, value, PAGE_W - MARGIN - 4, self.y, 9, True, "right")
                self._arabic_later(label[1], self.y, 8, strong, MUTED if not strong else INK,
                                   PAGE_W - MARGIN - 4 - _AMOUNT_W)
            else:
                self.text(self.t(label), start + 4, self.y, 8.5, strong, color=INK if strong else MUTED)
                self.text(value, self.width - 4, self.y, 9, True, "end")
            self.y -= row_h
        self._flush_arabic()
        self.y -= 6

    def qr(self, value: str, size: float, x: float, y: float) -> None:
        """Draw `value` as a QR code, `size` points wide, lower-left corner at (x, y) in page points."""
        from core.reports.qr_draw import draw_qr

        draw_qr(self.canvas, value, x, y, size)

def _has_latin(value: str) -> bool:
    """Whether `value` holds a Latin letter (then a bilingual cell keeps it at the start, the left)."""
    return any(ch.isascii() and ch.isalpha() for ch in value)


def list_sections(sections: Sequence[tuple[str, int, str]], draw: Callable[[str, Progress], None], *,
                  progress: ProgressFn | None, cancelled: CancelCheck | None, start: float) -> None:
    """Draw each listed section (key, how many documents it lists, what the bar says) in turn, sharing the rest of
    the progress bar from `start` by document count: the lists behind a report's summary (VAT boxes, ZATCA states)."""
    listed = sum(count for _key, count, _label in sections) or 1
    done = 0
    for key, count, label in sections:
        stage = part(progress, start + (1 - start) * done / listed, start + (1 - start) * (done + count) / listed,
                     label)
        draw(key, Progress(stage, cancelled))
        done += count
