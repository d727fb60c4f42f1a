"""Typesetting for Qayd's PDFs: Arabic shaped and laid out right to left, mixed with English and numbers.

Shaping is arabic-reshaper (contextual forms and the lam-alef ligatures, as presentation-form characters the bundled
Noto Sans Arabic carries); the order is the Unicode bidirectional algorithm (python-bidi).

Glyphs are written in visual order, left to right, one run per font, as PDF producers do and as text extractors
expect: pypdf, poppler and PDFium reverse right-to-left runs back into logical order. Each line that holds
right-to-left text also carries its logical text as /ActualText (PDF 1.5, 14.9.4), which Acrobat and screen readers
use for copying and reading aloud.
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
from reportlab.pdfbase.ttfonts import TTFont

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


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the bundled fonts with reportlab once per process (embedded as subsets, as PDF/A requires), and
    write binary streams as plain Flate: ASCII85 on top makes files 25% larger and costs the packaging step a
    decode."""
    from reportlab import rl_config

    rl_config.useA85 = 0
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))


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


# A number with separators inside (a date, a time, an amount, a reference): one left-to-right unit. Without this,
# digits after Arabic letters are Arabic numbers (UBA W2) and "-" or ":" only separators, so "2026-11-25" would
# show as 25-11-2026. An embedding (LRE ... PDF) keeps it whole; the marks are dropped before drawing.
_LTR_ATOM = re.compile(r"[0-9A-Za-z][0-9A-Za-z:+\-./,]*[-:/][0-9A-Za-z:+\-./,]*[0-9A-Za-z]")
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
    for ch in visual:
        font = _font_for(ch, bold) if ch != " " else (run_font or _font_for(ch, bold))
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
    code: list[str] = []
    if shaped.rtl:
        code.append(f"/Span <</ActualText <FEFF{shaped.text.encode('utf-16-be').hex().upper()}>>> BDC")
    code.append("BT")
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
    if shaped.rtl:
        code.append("EMC")
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
