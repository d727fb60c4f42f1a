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
from tests.support.pdf_text import has_run, pdf_text, pdfium_text, poppler_text, squash, text_runs, words

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


NAMES = ["شركة قيد التجريبية للتجارة", "مصنع الريادة للبلاستيك", "الإجمالي شامل الضريبة", "لا إله", "قطعة",
         "حبر طابعة", "ساعات استشارية", "مُحمَّد", "ملخص الإقرار الضريبي"]


def test_arabic_names_and_headings_read_back_as_typed_with_poppler_and_pdfium() -> None:
    """Selecting, searching and copying work: both extractors give the letters typed (not presentation forms),
    in logical order, the lam-alef ligature's two letters included."""
    for name in NAMES:
        pdf = one_line(name)
        assert words(poppler_text(pdf)) == name, name
        assert unicodedata.normalize("NFC", words(pdfium_text(pdf))) == name, name


def arabic_page(text: str) -> bytes:
    """`text` on a page whose text is mostly Arabic, as in an Arabic report: poppler takes a page's direction from
    the majority of its letters, and orders a mixed line's runs by it."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName=typeset.register_fonts() or typeset.LATIN)
    typeset.draw(canvas, "هذا سطر عربي طويل يجعل أغلب حروف الصفحة عربية كما في تقرير عربي", 500, 740, 11,
                 align="right", base="rtl")
    typeset.draw(canvas, text, 500, 700, 11, align="right", base="rtl")
    canvas.save()
    return buffer.getvalue()


def test_numbers_and_file_names_inside_arabic_read_back_in_their_order() -> None:
    """Latin runs keep their order on the page and in extraction; poppler moves a space to the other side of a
    left-to-right run, so mixed lines are compared with spaces aside, and PDFium's as typed where it manages."""
    for text in ("الفترة من 2026-10-01 إلى 2026-12-31", "صفحة 1 من 2", "المبيعات الخاضعة للنسبة الأساسية 15%",
                 "النتيجة: سلسلة التدقيق سليمة", "أنشئ في 2026-12-07 الساعة 22:07:57 بتوقيت الرياض",
                 "ملف XML مرفق باسم 399999999900003_20260909T155754_DEMO-2026-00168.xml"):
        assert squash(poppler_text(arabic_page(text)).strip().splitlines()[-1]) == squash(text), text
    for text in ("الفترة من 2026-10-01 إلى 2026-12-31", "صفحة 1 من 2", "المبيعات الخاضعة للنسبة الأساسية 15%",
                 "النتيجة: سلسلة التدقيق سليمة", "أنشئ في 2026-12-07 الساعة 22:07:57 بتوقيت الرياض"):
        assert words(pdfium_text(one_line(text, base="rtl"))) == text, text
    drawn = glyphs("مرفق باسم 300_20260909T155754_INV-1.xml", base="rtl")
    assert "300_20260909T155754_INV-1.xml" in drawn  # the whole file name one left-to-right unit on the page


def test_wrap_splits_at_spaces_and_cuts_long_words() -> None:
    lines = typeset.wrap("كلمة " * 30, 100, 9)
    assert len(lines) > 3 and all(typeset.width(line, 9) <= 100 for line in lines)
    assert " ".join(lines).split() == ["كلمة"] * 30
    cut = typeset.wrap("X" * 200, 50, 9)
    assert "".join(cut) == "X" * 200 and all(typeset.width(line, 9) <= 50 for line in cut)


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهوي ءآأؤإئة0123456789-/.,:()ABCxyz ", min_size=1, max_size=40))
def test_any_mixed_line_keeps_every_letter(text: str) -> None:
    """Whatever the mix, every character typed is drawn, and poppler reads every one back as the character typed
    (no presentation forms; order aside: brackets and spaces around mixed runs are the extractor's guess)."""
    shaped = typeset.shape(text, 9)
    text = unicodedata.normalize("NFC", text)
    same = str.maketrans("()", "||")  # a bracket may be drawn mirrored; otherwise every character typed is drawn
    drawn = unicodedata.normalize("NFKC", "".join(piece.text for piece in shaped.pieces))
    assert sorted(drawn.replace(" ", "").translate(same)) == sorted(
        unicodedata.normalize("NFKC", text).replace(" ", "").translate(same))
    read = squash(poppler_text(one_line(text)))
    assert sorted(read.translate(same)) == sorted(squash(text).translate(same))
    if shaped.rtl and all(ch == " " or typeset.has_rtl(ch) for ch in text):
        assert read == squash(text)  # pure Arabic: in order too


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
        # The footer reads complete: the total (a form filled in at the end) joins its words, in both extractors.
        footer = f"Page {writer.page} of {writer.page}" if lang == "en" else f"صفحة {writer.page} من {writer.page}"
        assert footer in pdfium_text(pdf)
        assert has_run(text_runs(pdf), footer)
        assert "INV-0149" in text
        if lang == "ar":
            assert "قائمة المبيعات" in text_runs(pdf) and "المشتري" in text_runs(pdf)
    assert pages["en"] == pages["ar"]
    # Same input, same bytes: reports can be compared and archived.
    again = ReportWriter(lang="en", title=("T", "ت"), identity=IDENTITY, generated_at=now)
    first = to_pdfa3(again.finish(), title="T", lang="en", created=now)
    again = ReportWriter(lang="en", title=("T", "ت"), identity=IDENTITY, generated_at=now)
    assert to_pdfa3(again.finish(), title="T", lang="en", created=now) == first
