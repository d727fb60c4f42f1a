"""Typesetting for Qayd's PDFs: Arabic shaped and laid out right to left, mixed with English and numbers.

Shaping is arabic-reshaper (contextual forms and the lam-alef ligatures, as presentation-form characters the bundled
Noto Sans Arabic carries); the order is the Unicode bidirectional algorithm (python-bidi).

Glyphs are written in visual order, left to right, one run per font, as PDF producers do and as text extractors
expect: poppler (pdftotext), PDFium and pypdf order a line by position and reverse its right-to-left runs back into
logical order. What they read for each glyph is the font's ToUnicode map, and reportlab maps a shaped glyph to its
presentation-form code point (U+FExx), which matches nothing a person types or searches for. So the Arabic fonts
map each presentation form to the letters it shows (`_ArabicFont`), a ligature's letters in visual order, since
extractors reverse it with its line. No /ActualText: poppler and PDFium both run their bidi reordering over it too,
so a logical string came out reversed (tested with both; see tests/unit/test_typeset.py).
Latin, digits and punctuation use Noto Sans, Arabic script Noto Sans Arabic (both SIL OFL, under resources/fonts).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import arabic_reshaper
from bidi import get_base_level
from bidi.algorithm import get_display
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

from core.resources import resource_path

LATIN = "QaydSans"
LATIN_BOLD = "QaydSans-Bold"
ARABIC = "QaydArabic"
ARABIC_BOLD = "QaydArabic-Bold"
_FILES = {
    LATIN: "NotoSans-Regular.ttf",
    LATIN_BOLD: "NotoSans-Bold.ttf",
    ARABIC: "NotoSansArabic-Regular.ttf",
    ARABIC_BOLD: "NotoSansArabic-Bold.ttf",
}
_ARABIC_CHAR = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_RTL_CHAR = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
# Arabic Tatweel-free reshaping that keeps harakat (they are rare in business text but must not vanish).
_RESHAPER = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False, "support_ligatures": True})


def _to_unicode(code: int) -> str:
    """What a glyph drawn for code point `code` reads as: an Arabic presentation form as its letters (harakat
    without the spacing base NFKC gives their isolated forms), reversed, since the glyph sits in a visual run."""
    if 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        return unicodedata.normalize("NFKC", chr(code)).strip()[::-1] or chr(code)
    return chr(code)


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """A ToUnicode CMap (PDF 9.10.3) for one 256-glyph subset, presentation forms read as their letters."""
    chars = [_to_unicode(code).encode("utf-16-be").hex().upper() for code in subset]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        f"/CIDSystemInfo << /Registry ({fontname}) /Ordering ({fontname}) /Supplement 0 >> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange", f"{len(subset)} beginbfchar", *(f"<{i:02X}> <{u}>" for i, u in enumerate(chars)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


class _ArabicFont(TTFont):  # type: ignore[misc]  # reportlab is untyped
    """Noto Sans Arabic whose subsets' ToUnicode maps read presentation forms as the letters typed."""

    def addObjects(self, doc: Any) -> None:
        subsets = list(self.state[doc].subsets) if doc in self.state else []  # addObjects forgets them
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX)).decode("pdfdoc")
            doc.idToObject["toUnicodeCMap:" + base].content = to_unicode_cmap(base, subset)


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the bundled fonts with reportlab once per process (embedded as subsets, as PDF/A requires), and
    write binary streams as plain Flate: ASCII85 on top makes files 25% larger and costs the packaging step a
    decode."""
    from reportlab import rl_config

    rl_config.useA85 = 0
    for name, filename in _FILES.items():
        kind = _ArabicFont if name in (ARABIC, ARABIC_BOLD) else TTFont
        pdfmetrics.registerFont(kind(name, str(resource_path("fonts", filename))))


def has_rtl(text: str) -> bool:
    """Whether `text` holds any right-to-left character (Arabic or Hebrew)."""
    return _RTL_CHAR.search(text) is not None


@dataclass(frozen=True, slots=True)
class Piece:
    """One run drawn at `x` (points from the line's left edge) in `font`; pieces are kept in logical order."""

    x: float
    text: str
    font: str


@dataclass(frozen=True, slots=True)
class Shaped:
    """A line of text ready to draw: its logical text, its pieces in logical order and its width in points."""

    text: str
    size: float
    pieces: tuple[Piece, ...]
    width: float
    rtl: bool


def _font_for(ch: str, bold: bool) -> str:
    if _ARABIC_CHAR.match(ch):
        return ARABIC_BOLD if bold else ARABIC
    return LATIN_BOLD if bold else LATIN


# Spaces and the punctuation Noto Sans Arabic also draws. Beside Arabic they are drawn in the Arabic font: poppler
# starts a new word where the font changes, and a colon or full stop in the Latin font became a word of its own,
# which it then put on the wrong side of the space ("النتيجة: سلسلة" read back as "النتيجة :سلسلة").
_NEUTRAL = frozenset(" :.,-!")


def _fonts(visual: str, bold: bool) -> list[str]:
    """The font of each character of a visual line: its script's, a neutral one the Arabic font when Arabic is
    next to it on either side, else its neighbours'."""
    strong: list[str | None] = [None if ch in _NEUTRAL else _font_for(ch, bold) for ch in visual]
    arabic, latin = (ARABIC_BOLD, LATIN_BOLD) if bold else (ARABIC, LATIN)
    fonts: list[str] = []
    for i, font in enumerate(strong):
        if font is None:
            before = next((f for f in reversed(strong[:i]) if f), None)
            after = next((f for f in strong[i + 1:] if f), None)
            font = arabic if arabic in (before, after) else (before or after or latin)
        fonts.append(font)
    return fonts


# A number or name with separators inside (a date, a time, an amount, a reference, a file name): one left-to-right
# unit. Without this, digits after Arabic letters are Arabic numbers (UBA W2) and "-", ":" or "_" only separators,
# so "2026-11-25" would show as 25-11-2026 and "300_2026.xml" as 2026.xml_300. An embedding (LRE ... PDF) keeps it
# whole; the marks are dropped before drawing. A percentage too: by UBA it shows as "%15" after Arabic, which every
# text extractor then reads back as "%15".
_LTR_ATOM = re.compile(r"[0-9A-Za-z][0-9A-Za-z_:+\-./,@]*[-:/_.@][0-9A-Za-z_:+\-./,@]*[0-9A-Za-z]%?|[0-9][0-9.,]*%")
_FORMATTING = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))


def _visual_order(text: str, base_level: int) -> str:
    """The display order of `text` by the Unicode bidirectional algorithm, brackets mirrored (python-bidi's
    algorithm module; its compiled `get_display` does not mirror)."""
    marked = _LTR_ATOM.sub(lambda match: f"\u202a{match.group(0)}\u202c", text)
    return str(get_display(marked, base_dir=("L", "R")[base_level])).translate(_FORMATTING)


def base_level_for(text: str, base: str | None) -> int:
    """1 for a right-to-left paragraph, 0 for left to right; `base` "rtl"/"ltr" forces it, None takes the first
    strong character (P2, P3)."""
    if base == "rtl":
        return 1
    if base == "ltr":
        return 0
    return int(get_base_level(text))


@lru_cache(maxsize=16384)
def shape(text: str, size: float, bold: bool = False, base: str | None = None) -> Shaped:
    """Lay out one line (no wrapping). Cached: labels repeat on every page and every document."""
    register_fonts()
    text = unicodedata.normalize("NFC", text.replace("\n", " ").replace("\t", " "))
    if not has_rtl(text):
        font = LATIN_BOLD if bold else LATIN
        pieces: list[Piece] = []
        x = 0.0
        # Arabic-Indic digits or other non-Latin marks are absent here; one Latin run covers the line.
        width = pdfmetrics.stringWidth(text, font, size)
        if text:
            pieces.append(Piece(x, text, font))
        return Shaped(text, size, tuple(pieces), width, False)
    shaped_text = _RESHAPER.reshape(text)
    visual = _visual_order(shaped_text, base_level_for(text, base))
    pieces = []
    x = 0.0
    run, run_font, run_x = "", "", 0.0
    for ch, font in zip(visual, _fonts(visual, bold), strict=True):
        if font != run_font and run:
            pieces.append(Piece(run_x, run, run_font))
            run = ""
        if not run:
            run_x, run_font = x, font
        run += ch
        x += pdfmetrics.stringWidth(ch, font, size)
    if run:
        pieces.append(Piece(run_x, run, run_font))
    return Shaped(text, size, tuple(pieces), x, True)


def width(text: str, size: float, bold: bool = False) -> float:
    """The width of `text` in points as it will be drawn."""
    return shape(text, size, bold).width


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def draw(canvas: Any, text: str | Shaped, x: float, y: float, size: float = 9, bold: bool = False,
         align: str = "left", base: str | None = None) -> float:
    """Draw one line with its left edge (align "left"), right edge ("right") or centre ("center") at `x`, baseline
    at `y`, in the canvas's current fill colour. Returns the width drawn."""
    shaped = text if isinstance(text, Shaped) else shape(text, size, bold, base)
    if not shaped.pieces:
        return 0.0
    if align == "right":
        x -= shaped.width
    elif align == "center":
        x -= shaped.width / 2
    doc = canvas._doc
    code = ["BT"]
    current = ""
    size_text = _fmt(shaped.size)
    y_text = _fmt(y)
    for piece in shaped.pieces:
        font = pdfmetrics.getFont(piece.font)
        origin = f"1 0 0 1 {_fmt(x + piece.x)} {y_text} Tm"
        code.append(origin)
        for subset, data in font.splitString(piece.text, doc):
            name = font.getSubsetInternalName(subset, doc)
            if name != current:
                code.append(f"{name} {size_text} Tf")
                current = name
            code.append(f"({canvas._escape(data)}) Tj")
    code.append("ET")
    canvas.addLiteral("\n".join(code))
    return shaped.width


def wrap(text: str, max_width: float, size: float, bold: bool = False) -> list[str]:
    """Split `text` into lines no wider than `max_width` at spaces (in logical order, so each line is laid out by
    the bidi algorithm on its own); a word wider than the line is cut by characters."""
    if "\n" not in text and width(text, size, bold) <= max_width:
        return [text]  # the common case: a cell or a label that fits
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        words = paragraph.split(" ")
        line = ""
        for word in words:
            candidate = f"{line} {word}" if line else word
            if width(candidate, size, bold) <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            while width(line, size, bold) > max_width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and width(line[:cut], size, bold) > max_width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines
