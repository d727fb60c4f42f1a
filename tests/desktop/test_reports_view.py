"""The Reports view, in English and Arabic: a document chosen with its period, request or invoice number and its
language, generated in a Job (progress, Cancel), shown in the embedded preview; a builder's error presented; the
view's texts and layout follow the app's language. Builders are faked (a real small PDF) except for the invoice,
which is the real one from a demo store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.invoicing import service
from core.invoicing.model import Customer, CustomerKind
from core.privacy import requests as dsr
from core.reports.document import Built
from core.reports.errors import ReportCancelled, ReportError
from core.reports.service import KINDS
from core.uow import Context
from desktop.jobs import SyncPool
from desktop.session import AppSession
from desktop.views import reports
from desktop.views.registry import view_classes
from desktop.views.reports import ReportsView, preset_period
from tests.conftest import StepClock
from tests.desktop.test_pdf_preview import colours, sample_built

WORDS = {
    "en": {"generate": "Generate", "period": "Period", "last_month": "Last month", "nav": "Reports",
           "cancelled": "Cancelled; no document was made.", "failed": "The document could not be made",
           "pages": "3 pages", "vat": "VAT return summary", "backwards": "The period ends before it starts"},
    "ar": {"generate": "إنشاء", "period": "الفترة", "last_month": "الشهر السابق", "nav": "التقارير",
           "cancelled": "أُلغي الطلب؛ لم يُنشأ أي مستند.", "failed": "تعذّر إنشاء المستند",
           "pages": "3 صفحة", "vat": "ملخص إقرار ضريبة القيمة المضافة", "backwards": "تنتهي الفترة قبل أن تبدأ"},
}


class FakeBuilder:
    """core.reports.service.build as the view calls it: refuses parameters the service would, records the call,
    reports progress, makes a real PDF."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any], str]] = []
        self.pages = 3
        self.during: Callable[[], None] | None = None  # e.g. the clerk pressing Cancel while it runs
        self.error: Exception | None = None

    def __call__(self, ctx: Context, kind: str, params: dict[str, Any], lang: str, *,
                 progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> Built:
        spec = KINDS[kind]  # the parameters the real service takes, and nothing else
        assert set(spec.params) <= set(params) <= {*spec.params, *spec.optional}, params
        assert lang in ("en", "ar")
        self.calls.append((kind, params, lang))
        progress(0.25, "reading")
        if self.during is not None:
            self.during()
        if cancelled():
            raise ReportCancelled()
        if self.error is not None:
            raise self.error
        progress(1.0, "done")
        return sample_built(self.pages, lang)


@pytest.fixture(params=["en", "ar"])
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def session(lang: str, settings: Settings, clock: StepClock, ctx: Context) -> Iterator[AppSession]:
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    session.set_language(lang)
    yield session
    session.set_language("en")


@pytest.fixture
def builder() -> FakeBuilder:
    return FakeBuilder()


@pytest.fixture
def view(session: AppSession, builder: FakeBuilder, qtbot: QtBot) -> ReportsView:
    view = ReportsView(session, build=builder)
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    shown: list[BaseException] = []
    monkeypatch.setattr(reports, "present_error", lambda _parent, exc, **_kw: shown.append(exc))
    return shown


def test_the_view_sits_before_settings_in_the_navigation() -> None:
    keys = [cls.key for cls in view_classes()]
    assert keys.index("reports") == keys.index("privacy") + 1 and keys.index("reports") < keys.index("settings")


def test_a_vat_summary_of_last_month_is_generated_and_shown(view: ReportsView, builder: FakeBuilder,
                                                            lang: str, qtbot: QtBot) -> None:
    assert ReportsView.title() == WORDS[lang]["nav"]
    titles = [view.kind_list.item(i).text() for i in range(view.kind_list.count())]
    assert titles == [k.title_ar if lang == "ar" else k.title_en for k in KINDS.values()]
    view.choose("vat")
    view.preset.setCurrentIndex(view.preset.findData("last_month"))
    assert view.preset.currentText() == WORDS[lang]["last_month"]
    assert not view.start.isEnabled()  # a preset shows its dates without letting them be edited
    assert view.generate_button.text() == WORDS[lang]["generate"] and view.generate_button.isEnabled()
    assert view.language.currentData() == lang  # the document's language follows the app's
    job = view.generate()
    assert job is not None
    # The clock is 2026-11-25: last month is October, whole.
    assert builder.calls == [("vat", {"start": date(2026, 10, 1), "end": date(2026, 10, 31)}, lang)]
    assert view.outcome == "done" and view.built is sample_built(3, lang)
    preview = view.preview
    assert preview.page_count == 3 and preview.pages_area.isVisible()
    assert WORDS[lang]["pages"] in view.status.text()
    assert not view.progress.isVisible() and not view.cancel_button.isVisible()
    assert view.generate_button.isEnabled()
    qtbot.waitUntil(lambda: preview.page_image(0) is not None, timeout=3000)
    assert colours(preview.page_image(0)) > 8  # type: ignore[arg-type]


def test_the_document_language_can_differ_from_the_app(view: ReportsView, builder: FakeBuilder,
                                                       lang: str) -> None:
    other = "ar" if lang == "en" else "en"
    view.choose("audit")
    view.set_document_language(other)
    view.preset.setCurrentIndex(view.preset.findData("all"))
    view.generate()
    assert builder.calls == [("audit", {"start": None, "end": None}, other)]
    assert view.preview.built is sample_built(3, other)


def test_custom_dates_and_a_period_the_wrong_way_round(view: ReportsView, builder: FakeBuilder, lang: str) -> None:
    view.choose("zatca")
    assert view.preset.view().isRowHidden(view.preset.findData("all"))  # only the audit report has "whole log"
    view.set_period(date(2026, 7, 1), date(2026, 9, 30))
    assert view.start.isEnabled() and view.end.isEnabled()
    view.generate()
    assert builder.calls[-1] == ("zatca", {"start": date(2026, 7, 1), "end": date(2026, 9, 30)}, lang)
    view.set_period(date(2026, 9, 30), date(2026, 7, 1))
    assert not view.generate_button.isEnabled()
    assert WORDS[lang]["backwards"] in view.status.text()
    assert view.generate() is None and len(builder.calls) == 1


def test_preset_periods_are_whole_calendar_periods() -> None:
    assert preset_period("this_month", date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert preset_period("last_month", date(2026, 1, 10)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert preset_period("this_quarter", date(2026, 11, 25)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert preset_period("last_quarter", date(2026, 2, 1)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert preset_period("this_year", date(2026, 5, 5)) == (date(2026, 1, 1), date(2026, 12, 31))
    assert preset_period("last_year", date(2026, 5, 5)) == (date(2025, 1, 1), date(2025, 12, 31))
    assert preset_period("all", date(2026, 5, 5)) == (None, None)


def test_cancel_leaves_no_preview(view: ReportsView, builder: FakeBuilder, lang: str) -> None:
    view.choose("vat")
    view.generate()  # a first document is shown...
    assert view.preview.page_count == 3
    builder.during = lambda: (view.progress.isVisible() and view.cancel_button.isVisible()
                              and view.cancel_button.click())
    view.generate()  # ...then Cancel is pressed while the next one is being made
    assert view.outcome == "cancelled" and view.built is None
    assert view.preview.built is None and view.preview.page_count == 0
    assert not view.preview.pages_area.isVisible() and view.preview.empty.isVisible()
    assert view.status.text() == WORDS[lang]["cancelled"] == view.preview.empty.text()
    assert not view.progress.isVisible() and view.generate_button.isEnabled()


def test_a_builder_error_is_presented(view: ReportsView, builder: FakeBuilder, errors: list[BaseException],
                                      lang: str) -> None:
    builder.error = ReportError("There is no invoice in the period.", fix="Choose another period.")
    view.choose("vat")
    view.generate()
    assert errors == [builder.error]
    assert view.outcome == "failed" and view.preview.page_count == 0
    assert WORDS[lang]["failed"] in view.status.text()
    assert view.generate_button.isEnabled() and view.job is None


def test_a_gdpr_report_is_made_for_a_chosen_request(view: ReportsView, builder: FakeBuilder,
                                                    session: AppSession, lang: str) -> None:
    view.choose("gdpr-access")
    assert view.request.count() == 0 and not view.generate_button.isEnabled()
    assert view.request_hint.text() and view.request_hint.text() == view.status.text()
    person = Customer(name="Fatima Al-Harbi", kind=CustomerKind.INDIVIDUAL, email="fatima@example.sa")
    with session.ctx.uow() as uow:
        service.add_customer(uow, person)
        subject, who = f"customer:{person.id}", dsr.Requester("F", "f@x.sa")
        access = dsr.add_request(uow, "access", subject=subject, requester=who,
                                 received_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
        erasure = dsr.add_request(uow, "erasure", subject=subject, requester=who,
                                  received_at=datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
        uow.commit()
    view.refresh()
    assert [view.request.itemData(i) for i in range(view.request.count())] == [access.reference]
    assert "2026-11-20" in view.request.currentText()
    view.generate()
    assert builder.calls[-1] == ("gdpr-access", {"request": access.reference}, lang)
    view.choose("gdpr-erasure")
    assert [view.request.itemData(i) for i in range(view.request.count())] == [erasure.reference]
    view.generate()
    assert builder.calls[-1] == ("gdpr-erasure", {"request": erasure.reference}, lang)


def test_switching_language_retranslates_the_view(view: ReportsView, session: AppSession, lang: str) -> None:
    other = "ar" if lang == "en" else "en"
    view.choose("vat")
    session.set_language(other)
    assert view.generate_button.text() == WORDS[other]["generate"]
    assert view.preset_label.text() == WORDS[other]["period"]
    assert view.kind_list.currentItem().text() == WORDS[other]["vat"]
    assert view.preview.print_button.text() == ("طباعة…" if other == "ar" else "Print…")
    expected = Qt.LayoutDirection.RightToLeft if other == "ar" else Qt.LayoutDirection.LeftToRight
    assert view.layoutDirection() == expected and view.generate_button.layoutDirection() == expected
    assert view.language.currentData() == other  # not chosen by hand: follows the app
    view.set_document_language(lang)
    session.set_language(lang)
    assert view.language.currentData() == lang
    session.set_language(other)
    assert view.language.currentData() == lang  # chosen by hand: kept


def test_a_real_invoice_is_printed_from_its_number(session: AppSession, qtbot: QtBot,
                                                   errors: list[BaseException], lang: str) -> None:
    from core.invoicing import BrowseFilter, browse
    from core.invoicing.demo import create_demo
    from core.zatca.demo import add_demo_egs

    create_demo(session.ctx, drafts=2)
    add_demo_egs(session.ctx, issue=1)
    with session.uow(write=False) as uow:
        number = browse.page(uow, BrowseFilter(status="issued"))[0].number
    view = ReportsView(session)  # the real report service
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    view.choose("invoice")
    assert not view.language.isEnabled()  # printed in both languages
    assert not view.generate_button.isEnabled()
    view.invoice_number.setText(number)
    view.generate()
    assert errors == [] and view.outcome == "done"
    assert view.preview.page_count >= 1 and number in view.built.filename  # type: ignore[union-attr]
    # A number that is not an invoice: the core's error, shown.
    view.invoice_number.setText("NO-SUCH-1")
    view.generate()
    assert len(errors) == 1 and view.outcome == "failed" and view.preview.page_count == 0
