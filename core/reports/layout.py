"""A4 report pages with the company's identity: headings, label/value grids, tables that run over pages, QR codes.

`ReportWriter` writes top to bottom on a reportlab canvas and mirrors everything for Arabic (lang "ar"): the start
side is the right, columns run right to left, numbers keep their own order (the typesetter's bidi). Bilingual
documents (lang "both", the invoices) put English at the left and Arabic at the right of the same line.
Every page gets the identity header and a footer with the page number, "of N" and the generation time.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from core.invoicing.model import id_scheme_label as scheme_label
from core.reports import typeset
from core.reports.labels import Label, stamped, text_of

PAGE_W, PAGE_H = A4
MARGIN = 40.0
INK = HexColor("#1d2329")
MUTED = HexColor("#5b6670")
RULE = HexColor("#c9d1d8")
ACCENT = HexColor("#0b5d4b")
SHADE = HexColor("#eef3f1")
ALERT = HexColor("#a4262c")
WHITE = HexColor("#ffffff")
_PAGE_ANCHOR = 62.0  # where the page number's words end and the total begins, from the outer margin
_AMOUNT_W = 82.0  # room kept for an amount at the right of a bilingual totals box
_TOTAL_EN, _TOTAL_AR = "qayd-page-total", "qayd-page-total-ar"  # the forms that hold the page total


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the document is from, printed on every page."""

    name_en: str
    name_ar: str
    vat_number: str
    seller_id: str  # BT-29, under seller_id_scheme
    address_en: str
    address_ar: str
    seller_id_scheme: str = "CRN"  # BR-KSA-08: CRN, MOM, MLS, 700, SAG or OTH


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its title, share of the width and alignment ("start", "end" or "center")."""

    title: Label
    weight: float
    align: str = "start"


@dataclass
class Progress:
    """Long documents report progress and honour cancellation between rows."""

    report: Callable[[float, str], None] | None = None
    cancelled: Callable[[], bool] | None = None
    _tick: int = field(default=0)

    def step(self, fraction: float, message: str) -> None:
        self._tick += 1
        if self.cancelled is not None and self._tick % 50 == 0 and self.cancelled():
            from core.reports.errors import ReportCancelled

            raise ReportCancelled()
        if self.report is not None and self._tick % 200 == 0:
            self.report(fraction, message)


def money(value: Decimal | None, currency: str = "") -> str:
    """Money as printed: grouped thousands, two decimals (more when the amount carries them), optional currency."""
    if value is None:
        return ""
    exponent = value.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    text = f"{value:,.{places}f}"
    return f"{text} {currency}".strip()


class ReportWriter:
    """Writes one PDF document. Use `finish()` to get its bytes (not yet PDF/A; see `core.reports.pdfa`)."""

    def __init__(self, *, lang: str, title: Label, identity: Identity, generated_at: datetime,
                 subtitle: Label | str = "", document_title: str = "", watermark: Label | None = None) -> None:
        if lang not in ("en", "ar", "both"):
            raise ValueError(f"lang must be en, ar or both, not {lang!r}")
        typeset.register_fonts()
        self.lang = lang
        self.rtl = lang == "ar"
        self.identity = identity
        self.title = title
        self.subtitle = subtitle
        self.generated_at = generated_at
        self.watermark = watermark
        self._pending: list[tuple[str, float, float, float, bool, Color]] = []
        self._section: Label | str | None = None  # the last heading, repeated over what runs onto a new page
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, initialFontName=typeset.LATIN, invariant=1,
                             pageCompression=1)
        self.canvas.setTitle(document_title or self.t(title))
        self.canvas.setAuthor(identity.name_en)
        self.canvas.setCreator("Qayd")
        self.canvas.setSubject(self.t(title))
        self.page = 0
        self.y = 0.0
        self.width = PAGE_W - 2 * MARGIN
        self._new_page()

    # -- text helpers -------------------------------------------------------------------------------------------
    def t(self, label: Label | str) -> str:
        """A label in this document's language ("both": English · Arabic)."""
        return text_of(label, self.lang)

    def fill(self, color: Color) -> None:
        """Set the fill colour unless the canvas already has it (reportlab writes the operator every time)."""
        if self.canvas._fillColorObj is not color:
            self.canvas.setFillColor(color)

    def sx(self, offset: float) -> float:
        """The page x of a distance from the start margin (left in English, right in Arabic)."""
        return PAGE_W - MARGIN - offset if self.rtl else MARGIN + offset

    def align(self, align: str) -> str:
        """"start"/"end" to the drawing alignment of this direction."""
        if align == "center":
            return "center"
        if align == "start":
            return "right" if self.rtl else "left"
        return "left" if self.rtl else "right"

    def text(self, value: str, offset: float, y: float, size: float = 9, bold: bool = False, align: str = "start",
             color: Color = INK) -> float:
        self.fill(color)
        return typeset.draw(self.canvas, value, self.sx(offset), y, size, bold, self.align(align),
                            base="rtl" if self.rtl else None)

    # -- pages ---------------------------------------------------------------------------------------------------
    def _new_page(self) -> None:
        if self.page:
            self._flush_arabic()
            self._footer()
            self.canvas.showPage()
        self.page += 1
        c = self.canvas
        ident = self.identity
        top = PAGE_H - MARGIN
        self.fill(ACCENT)
        c.rect(0, PAGE_H - 8, PAGE_W, 8, stroke=0, fill=1)
        # Company identity: English at the left, Arabic at the right, on every page. Every English line of the
        # header is drawn before the Arabic ones (see `_arabic_later`).
        id_en, id_ar = scheme_label(ident.seller_id_scheme)
        self._arabic_later(ident.name_ar, top - 4, 11, True, INK)
        self._arabic_later(f"الرقم الضريبي {ident.vat_number} · {id_ar} {ident.seller_id}", top - 17, 7.5, False, MUTED)
        self._arabic_later(ident.address_ar, top - 27, 7.5, False, MUTED)
        self.fill(INK)
        typeset.draw(c, ident.name_en, MARGIN, top - 4, 11, True, "left")
        self.fill(MUTED)
        typeset.draw(c, f"VAT {ident.vat_number} · {id_en} {ident.seller_id}", MARGIN, top - 17, 7.5, False, "left")
        typeset.draw(c, ident.address_en, MARGIN, top - 27, 7.5, False, "left")
        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        c.line(MARGIN, top - 34, PAGE_W - MARGIN, top - 34)
        self.y = top - 52
        if self.lang == "both":
            self._arabic_later(text_of(self.title, "ar"), self.y, 15, True, ACCENT)
            self.fill(ACCENT)
            typeset.draw(c, text_of(self.title, "en"), MARGIN, self.y, 15, True, "left")
        else:
            self.text(self.t(self.title), 0, self.y, 15, True, color=ACCENT)
        self.y -= 14
        if self.subtitle and self.lang == "both" and isinstance(self.subtitle, tuple):
            self._arabic_later(self.subtitle[1], self.y, 9, False, MUTED)
            self.fill(MUTED)
            typeset.draw(c, self.subtitle[0], MARGIN, self.y, 9, False, "left")
            self.y -= 14
        elif self.subtitle:
            self.text(self.t(self.subtitle), 0, self.y, 9, color=MUTED)
            self.y -= 14
        self.y -= 4
        if self.watermark is not None:
            self._banner(self.watermark)
        self._flush_arabic()

    def _arabic_later(self, text: str, y: float, size: float, bold: bool, color: Color, x: float = 0.0) -> None:
        """Queue a right-aligned Arabic line that shares its baseline with an English one, to be drawn by
        `_flush_arabic` after other lines. PDFium joins two text objects drawn one after the other on the same
        baseline into one line and then orders the whole line by a majority of its words' directions, which
        reversed the Arabic half of "Seller and buyer  البائع والمشتري"; with a line at another height drawn
        between them, each half is a line of its own, read in its own direction."""
        self._pending.append((text, x or PAGE_W - MARGIN, y, size, bold, color))

    def _flush_arabic(self) -> None:
        for text, x, y, size, bold, color in self._pending:
            self.fill(color)
            typeset.draw(self.canvas, text, x, y, size, bold, "right", base="rtl")
        self._pending.clear()

    def _banner(self, label: Label) -> None:
        """A marking across the top of every page, in both languages, white on red: horizontal on purpose, so text
        extraction reads it as one line (a rotated watermark's letters mix into every line a tool extracts)."""
        c = self.canvas
        c.setFillColor(ALERT)
        c.rect(MARGIN, self.y - 6, self.width, 20, stroke=0, fill=1)
        c.setFillColor(WHITE)
        typeset.draw(c, label[0], MARGIN + 8, self.y, 11, True, "left")
        self.fill(INK)
        self._arabic_later(label[1], self.y, 11, True, WHITE, PAGE_W - MARGIN - 8)
        self.y -= 26

    def _footer(self) -> None:
        """Page number and "of N" in each language the document speaks, and when and by what it was made. N is a
        form filled in at the end, drawn right after the words it completes (text extractors join it to them),
        at a fixed anchor beside them."""
        c = self.canvas
        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        c.line(MARGIN, MARGIN - 6, PAGE_W - MARGIN, MARGIN - 6)
        stamp_en, stamp_ar = stamped(self.generated_at)
        self.fill(MUTED)
        y = MARGIN - 17
        below = y - (10 if self.lang == "both" else 0)
        if self.lang != "ar":  # English: "Page 2 of" ends at the anchor, the total starts after it
            typeset.draw(c, f"Page {self.page} of", MARGIN + _PAGE_ANCHOR, y, 7.5, False, "right", base="ltr")
            c.doForm(_TOTAL_EN)
            generated = f"Generated {stamp_en} by Qayd"
            if self.lang == "en":
                typeset.draw(c, generated, PAGE_W - MARGIN, below, 7.5, False, "right")
            else:
                typeset.draw(c, generated, MARGIN, below, 7.5, False, "left")
        if self.lang != "en":  # Arabic, read right to left: "صفحة 2 من" starts at the anchor, the total follows
            typeset.draw(c, f"صفحة {self.page} من", PAGE_W - MARGIN - _PAGE_ANCHOR, y, 7.5, False, "left",
                         base="rtl")
            c.doForm(_TOTAL_AR)
            generated = f"أنشئ في {stamp_ar} بواسطة قيد"
            if self.lang == "ar":
                typeset.draw(c, generated, MARGIN, below, 7.5, False, "left", base="rtl")
            else:
                typeset.draw(c, generated, PAGE_W - MARGIN, below, 7.5, False, "right", base="rtl")

    def ensure(self, height: float) -> None:
        """Start a new page unless `height` points are left above the footer."""
        if self.y - height < MARGIN + 10:
            self._new_page()

    def space(self, height: float) -> None:
        self.y -= height

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

    def finish(self) -> bytes:
        """Close the last page, write the page total into every footer and return the PDF bytes."""
        self._flush_arabic()
        self._footer()
        self.canvas.showPage()
        c = self.canvas
        y = MARGIN - 17
        forms = ((_TOTAL_EN, MARGIN + _PAGE_ANCHOR + 3, "left", "ar"),
                 (_TOTAL_AR, PAGE_W - MARGIN - _PAGE_ANCHOR - 3, "right", "en"))
        for name, x, align, other in forms:
            if self.lang == other:  # a one-language document uses only its own
                continue
            c.beginForm(name)
            c.setFillColor(MUTED)  # a form starts from the default graphics state, whatever the canvas believes
            typeset.draw(c, str(self.page), x, y, 7.5, False, align)
            c.endForm()
        c.save()
        return self.buffer.getvalue()


def _has_latin(value: str) -> bool:
    """Whether `value` holds a Latin letter (then a bilingual cell keeps it at the start, the left)."""
    return any(ch.isascii() and ch.isalpha() for ch in value)
