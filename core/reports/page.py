"""A report page's frame: the A4 canvas, the company's identity header, the footer with "page n of N" and the
generation time, the marking banner, and the colours and measures every report shares.

`PageWriter` opens pages and closes the document; `core.reports.layout.ReportWriter` adds the blocks written on them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

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


class PageWriter:
    """The pages of one PDF document: the identity on each, the footer, the page total filled in by `finish()`."""

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
