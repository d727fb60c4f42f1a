"""`qayd report insights`: a fresh run over the period printed as a PDF/A-3 in English and Arabic (read back with
pdftotext and PDFium, Arabic in logical order), its charts drawn as vector paths with their axis labels, the JSON it
attaches equal to `--json`, customers named through the access log, and no charts rather than a failure while the
trends are not available."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from sqlalchemy import select

from core.privacy import access_log
from core.reports import build_insights_report
from core.store import models as m
from tests.integration.conftest import Result
from tests.support.insights_world import DUPLICATES, World, hand_series, world
from tests.support.pdf_text import loose, pdf_text, poppler_text, render_png, squash, text_runs

__all__ = ["world"]
Run = Callable[..., Result]
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def trends(monkeypatch: pytest.MonkeyPatch) -> None:
    """The monthly series, built by hand (core.insights.monthly_series is another module's work)."""
    monkeypatch.setattr("core.insights.monthly_series", lambda _uow, end, **_kw: hand_series(end), raising=False)


def _attached(pdf: bytes) -> dict[str, object]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert doc.open_metadata().pdfa_status == "3B"
        return json.loads(doc.attachments["insights.json"].get_file().read_bytes())  # type: ignore[no-any-return]


def _path_operators(pdf: bytes) -> int:
    """How many stroked or filled path objects the pages hold (the charts are vector paths)."""
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return sum(1 for page in doc for obj in page.get_objects() if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_PATH)
    finally:
        doc.close()


def test_english_report_shows_findings_evidence_names_and_charts(world: World, trends: None) -> None:
    built = build_insights_report(world.ctx, start=NOVEMBER[0], end=NOVEMBER[1], lang="en")
    assert built.filename.endswith("_2026-11-01_2026-11-30_en.pdf")
    text = poppler_text(built.pdf)
    for expected in ("Insights report", "Findings by rule and severity", "INS-DUP-AMOUNT",
                     "Possible duplicate: same buyer, same total within days", *DUPLICATES, world.customer_name,
                     "Action: Check whether the second invoice was issued twice", "Not applicable to this book",
                     "INS-DIG-BENFORD", "Only 5 amounts", "Monthly trends and forecast", "Monthly sales",
                     "VAT due by month", "Receivables at each month", "Seasonal-naive", "80 % band"):
        assert squash(expected) in squash(text), expected
    for axis in ("2025-12", "2026-11", "2027-02", "40k"):  # the month axis runs into the forecast; amounts
        assert axis in text, axis
    assert _path_operators(built.pdf) > 20
    figures = _attached(built.pdf)
    assert figures["counts"] == {"findings": 1, "by_severity": {"high": 1, "medium": 0, "low": 0},
                                 "by_rule": {"INS-DUP-AMOUNT": {"high": 1, "medium": 0, "low": 0}}}
    assert figures["trends"]["sales"]["forecast"]["method"] == "seasonal_naive"  # type: ignore[index]
    with world.ctx.uow(write=False) as uow:
        purposes = {r.purpose for r in access_log.search(uow, f"customer:{world.customer}")}
        runs = uow.session.scalars(select(m.AuditEntry).where(m.AuditEntry.action == "insights.run")).all()
    assert purposes == {"insights report"} and len(runs) == 1  # the report ran the checks afresh, on the record
    render_png(built.pdf, "insights-report-en", last=2)


def test_arabic_report_reads_in_logical_order_with_mirrored_months(world: World, trends: None) -> None:
    built = build_insights_report(world.ctx, start=NOVEMBER[0], end=NOVEMBER[1], lang="ar")
    logical = "\n".join(text_runs(built.pdf))
    for expected in ("تقرير الرؤى التحليلية", "الملاحظات حسب القاعدة ودرجة الأهمية",
                     "فاتورة مكررة محتملة: المشتري نفسه والإجمالي نفسه خلال أيام", world.customer_name_ar,
                     "فحوص لا تنطبق على هذه الدفاتر", "الاتجاهات الشهرية والتوقعات", "المبيعات الشهرية",
                     "الإجراء: تحقق مما إذا كانت الفاتورة الثانية قد صدرت مرتين"):
        assert loose(expected) in loose(logical), expected
    assert all(n in pdf_text(built.pdf) for n in DUPLICATES)
    pages = render_png(built.pdf, "insights-report-ar", last=3)
    assert pages
    # right to left: on the chart's month axis the first month stands to the right of the last
    doc = pypdfium2.PdfDocument(built.pdf)
    try:
        found: dict[str, float] = {}
        for page in doc:
            textpage = page.get_textpage()
            for label in ("2025-12", "2027-02"):
                searcher = textpage.search(label)
                hit = searcher.get_next()
                if hit is not None and label not in found:
                    found[label] = textpage.get_charbox(hit[0])[0]
    finally:
        doc.close()
    assert found["2025-12"] > found["2027-02"]
    assert _attached(built.pdf)["language"] == "ar"


def test_without_trends_the_report_is_printed_without_charts(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("core.insights.trends.monthly_series", lambda uow, end, **_: {})  # no issued history
    built = build_insights_report(world.ctx, start=NOVEMBER[0], end=NOVEMBER[1], lang="en")
    assert "monthly trends are not available" in poppler_text(built.pdf)
    figures = _attached(built.pdf)
    assert figures["trends"] is None and figures["trends_note"]["ar"]  # type: ignore[index]


def test_the_command_writes_the_pdf_and_its_json_equals_json(world: World, trends: None, run: Run,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "insights.pdf"
    written = run("report", "insights", "--period", "2026-11", "--lang", "ar", "--out", str(out))
    assert written.exit_code == 0, written.output
    assert re.search(r"Wrote .*insights\.pdf \(\d+ pages?\)\.", written.stdout)
    attached = _attached(out.read_bytes())
    printed = json.loads(run("report", "insights", "--period", "2026-11", "--lang", "ar", "--json").stdout)
    for body in (attached, printed):
        body.pop("ran_at")
    assert printed == attached
    assert printed["findings"][0]["customer_names"] == {world.customer: world.customer_name_ar}
    missing = run("report", "insights")
    assert missing.exit_code == 2 and "--period" in missing.output and "Traceback" not in missing.output


def test_expected_collections_with_the_ageing_chart(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from decimal import Decimal

    from core.insights import Collections, CustomerCollections

    owed = CustomerCollections(world.customer, Decimal("2875.00"),
                               (Decimal("575.00"), Decimal("1150.00"), Decimal("575.00"), Decimal("0"),
                                Decimal("575.00")), 21.0, (Decimal("1725.00"), Decimal("575.00"), Decimal("0")))
    monkeypatch.setattr("core.insights.checks.receivables.collections",
                        lambda book: Collections(NOVEMBER[1], Decimal("2875.00"), owed.expected, (owed,)))
    built = build_insights_report(world.ctx, start=NOVEMBER[0], end=NOVEMBER[1], lang="en")
    text = poppler_text(built.pdf)
    for expected in ("Receivables and expected collections", "Receivables by age (SAR)", "Not due", "Over 90 days",
                     "2,875.00", "1,725.00", "Usual days to pay", world.customer_name):
        assert squash(expected) in squash(text), expected
    figures = _attached(built.pdf)
    assert figures["collections"]["expected"] == ["1725.00", "575.00", "0"]  # type: ignore[index]
    arabic = build_insights_report(world.ctx, start=NOVEMBER[0], end=NOVEMBER[1], lang="ar")
    logical = "\n".join(text_runs(arabic.pdf))
    for expected in ("الذمم المدينة والتحصيلات المتوقعة", "أكثر من 90 يوماً", world.customer_name_ar):
        assert loose(expected) in loose(logical), expected
    render_png(arabic.pdf, "insights-collections-ar", last=2)


def test_progress_runs_forward_and_a_cancel_writes_nothing(world: World) -> None:
    from core.errors import Cancelled

    seen: list[float] = []
    build_insights_report(world.ctx, start=NOVEMBER[0], end=NOVEMBER[1], lang="en",
                          progress=lambda fraction, _message: seen.append(fraction))
    assert seen == sorted(seen) and seen[-1] == 1.0
    with pytest.raises(Cancelled):
        build_insights_report(world.ctx, start=NOVEMBER[0], end=NOVEMBER[1], lang="en", cancelled=lambda: True)
    with world.ctx.uow(write=False) as uow:
        runs = uow.session.scalars(select(m.AuditEntry).where(m.AuditEntry.action == "insights.run")).all()
    assert len(runs) == 1  # the cancelled report left no run on the record


def test_the_reports_view_offers_it_through_the_report_service(world: World) -> None:
    from core.reports import REPORT_KINDS, build_report

    assert REPORT_KINDS["insights"].params == ("start", "end")
    built = build_report(world.ctx, "insights", {"start": NOVEMBER[0], "end": NOVEMBER[1]}, "ar")
    assert built.filename.endswith("_ar.pdf") and _attached(built.pdf)["counts"]["findings"] == 1  # type: ignore[index]
