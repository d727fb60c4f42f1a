"""Typesetting: Arabic shaped and ordered right to left, numbers and Latin kept in their order, and the text read
back from the PDF in logical order (pypdf for Arabic-only phrases, /ActualText for every Arabic line)."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, datetime

import pikepdf
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfgen.canvas import Canvas

from core.reports import typeset
from core.reports.layout import Column, Identity, ReportWriter
from core.reports.pdfa import Attachment, to_pdfa3
from tests.support.pdf_text import actual_texts, pdf_text, words

IDENTITY = Identity("Acme Trading Co.", "شركة أكمي للتجارة", "300000000000003", "1010010000",
                    "1234 King Fahd Rd, Riyadh 12345", "١٢٣٤ طريق الملك فهد، الرياض 12345")


def one_line(text: str, base: str | None = None) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName=typeset.register_fonts() or typeset.LATIN)
    typeset.draw(canvas, text, 500, 700, 11, align="right", base=base)
    canvas.save()
    return buffer.getvalue()


def glyphs(text: str, base: str | None = None) -> str:
    """The characters as drawn, left to right (presentation forms, in visual order)."""
    return "".join(piece.text for piece in typeset.shape(text, 10, False, base).pieces)


def test_arabic_is_shaped_and_reversed_for_display() -> None:
    shaped = glyphs("فاتورة")
    assert shaped == "ﺓﺭﻮﺗﺎﻓ"  # final ta marbuta first (leftmost), initial fa last (rightmost): joined forms
    assert unicodedata.normalize("NFKC", shaped)[::-1] == "فاتورة"
    assert glyphs("لا") == "ﻻ"  # lam-alef ligature, one glyph


def test_numbers_and_latin_keep_their_order_inside_arabic() -> None:
    drawn = glyphs("رقم INV-2026-001 بتاريخ 2026-11-25", base="rtl")
    assert "INV-2026-001" in drawn  # a Latin run keeps its order
    # A date is one left-to-right unit (plain UBA would show 25-11-2026 after Arabic letters).
    assert "2026-11-25" in drawn
    assert drawn.index("2026-11-25") < drawn.index("INV-2026-001")  # the later phrase is further left
    stamp = glyphs("أنشئ في 2026-11-25T10:00:00+03:00", base="rtl")
    assert stamp.startswith("2026-11-25T10:00:00+03:00 ")


def test_brackets_are_mirrored_in_arabic() -> None:
    drawn = unicodedata.normalize("NFKC", glyphs("المبلغ (ريال)", base="rtl"))
    assert drawn.startswith("(") and drawn.endswith("المبلغ"[::-1])  # "(" at the left closes the Arabic phrase


def test_latin_text_takes_the_fast_path() -> None:
    shaped = typeset.shape("Total 1,150.00 SAR", 9)
    assert not shaped.rtl and len(shaped.pieces) == 1 and shaped.pieces[0].font == typeset.LATIN


def test_extraction_returns_logical_order() -> None:
    pdf = one_line("ملخص الإقرار الضريبي")
    assert "ملخص الإقرار الضريبي" in words(pdf_text(pdf))
    mixed = "الفترة من 2026-10-01 إلى 2026-12-31"
    assert actual_texts(one_line(mixed)) == [mixed]


def test_wrap_splits_at_spaces_and_cuts_long_words() -> None:
    lines = typeset.wrap("كلمة " * 30, 100, 9)
    assert len(lines) > 3 and all(typeset.width(line, 9) <= 100 for line in lines)
    assert " ".join(lines).split() == ["كلمة"] * 30
    cut = typeset.wrap("X" * 200, 50, 9)
    assert "".join(cut) == "X" * 200 and all(typeset.width(line, 9) <= 50 for line in cut)


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهوي ءآأؤإئة0123456789-/.,:()ABCxyz ", min_size=1, max_size=40))
def test_any_mixed_line_keeps_its_logical_text(text: str) -> None:
    shaped = typeset.shape(text, 9)
    if shaped.rtl:
        assert actual_texts(one_line(text)) == [unicodedata.normalize("NFC", text)]
    drawn = unicodedata.normalize("NFKC", "".join(piece.text for piece in shaped.pieces))
    same = str.maketrans("()", "||")  # a bracket may be drawn mirrored; otherwise every character typed is drawn
    assert sorted(drawn.replace(" ", "").translate(same)) == sorted(
        unicodedata.normalize("NFKC", text).replace(" ", "").translate(same))


def test_report_pages_mirror_in_arabic_and_carry_pdfa_identification() -> None:
    now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    pages = {}
    for lang in ("en", "ar"):
        writer = ReportWriter(lang=lang, title=("Sales list", "قائمة المبيعات"), identity=IDENTITY, generated_at=now)
        rows = ([str(i), f"INV-{i:04d}", "شركة الأمل" if i % 2 else "Beta LLC", f"{i * 10:,.2f}"] for i in range(150))
        count = writer.table([Column(("#", "#"), 0.5, "end"), Column(("Number", "الرقم"), 1.5),
                              Column(("Buyer", "المشتري"), 2), Column(("Net", "الصافي"), 1, "end")], rows)
        assert count == 150
        raw = writer.finish()
        pages[lang] = writer.page
        pdf = to_pdfa3(raw, title="Sales list", lang=lang, created=now,
                       attachments=[Attachment("rows.csv", b"a,b\n", "text/csv", "Data")])
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            assert len(doc.pages) == writer.page > 1
            assert doc.open_metadata()["pdfaid:part"] == "3"
            assert str(doc.Root.Lang) == ("ar-SA" if lang == "ar" else "en")
            assert doc.attachments["rows.csv"].get_file().read_bytes() == b"a,b\n"
            fonts = {str(f.BaseFont) for page in doc.pages for f in page.Resources.Font.values()}
            assert all("+" in name for name in fonts)  # every font an embedded subset; no unembedded Helvetica
        text = words(pdf_text(pdf))
        if lang == "en":
            assert f"Page {writer.page} of" in text
        else:
            assert f"صفحة {writer.page} من" in actual_texts(pdf)
        assert "INV-0149" in text
        if lang == "ar":
            assert "قائمة المبيعات" in actual_texts(pdf) and "المشتري" in text
    assert pages["en"] == pages["ar"]
    # Same input, same bytes: reports can be compared and archived.
    again = ReportWriter(lang="en", title=("T", "ت"), identity=IDENTITY, generated_at=now)
    first = to_pdfa3(again.finish(), title="T", lang="en", created=now)
    again = ReportWriter(lang="en", title=("T", "ت"), identity=IDENTITY, generated_at=now)
    assert to_pdfa3(again.finish(), title="T", lang="en", created=now) == first
