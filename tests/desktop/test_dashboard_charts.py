"""The Dashboard's charts: built after the first figures, from the core's monthly series and ZATCA states, and updated
live when an invoice is issued; mirrored with Arabic month names in Arabic; empty (not broken) while the core has no
trends yet.

The trends functions are another lane's (issue 17); here they are stand-ins over the real store (each month's sales
and VAT from `core.invoicing.sales_figures`), so the charts follow real issuing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from pytestqt.qtbot import QtBot

from core.clock import saudi_midnight
from core.insights import Forecast, Series, StatusMonths
from core.invoicing import BrowseFilter, browse
from core.invoicing.demo import create_demo
from core.invoicing.figures import KSA, Period, PeriodKind, sales_figures
from core.invoicing.service import get_invoice, import_drafts
from core.uow import Context, UnitOfWork
from core.zatca.demo import add_demo_egs
from core.zatca.issuing import issue_invoice
from desktop.jobs import SyncPool
from desktop.session import INVOICES, AppSession
from desktop.views.dashboard import DashboardView
from tests.conftest import StepClock

SHOWN_MONTHS = 6


def _month(first: date, shift: int) -> date:
    index = first.year * 12 + first.month - 1 + shift
    return date(index // 12, index % 12 + 1, 1)


def _months(end: date, count: int) -> list[date]:
    last = end.replace(day=1)
    return [_month(last, -i) for i in range(count - 1, -1, -1)]


def _figures(uow: UnitOfWork, month: date):  # type: ignore[no-untyped-def]
    return sales_figures(uow, Period(PeriodKind.THIS_MONTH, saudi_midnight(month), saudi_midnight(_month(month, 1))))


def fake_series(uow: UnitOfWork, end: date, *, months: int = 36, horizon: int = 3) -> dict[str, Series]:
    """Sales and VAT of the last months as the store has them, with a seasonal-naive-like forecast (a flat band)."""
    shown = _months(end, SHOWN_MONTHS)
    figures = [_figures(uow, m) for m in shown]
    ahead = tuple(_month(shown[-1], i + 1) for i in range(horizon))

    def series(name: str, values: list[Decimal]) -> Series:
        last = values[-1]
        forecast = Forecast("seasonal_naive", ahead, (last,) * horizon, (last * Decimal("0.8"),) * horizon,
                            (last * Decimal("1.2"),) * horizon, None, None,
                            "Seasonal-naive (no model beat it)", "موسمي بسيط (لم يتفوق عليه أي نموذج)")
        return Series(name, tuple(shown), tuple(values), (None,) * len(values), (None,) * len(values), forecast)

    return {"sales": series("sales", [f.sales for f in figures]),
            "vat_due": series("vat_due", [f.vat for f in figures]),
            "receivables": series("receivables", [Decimal(0)] * len(figures))}


def fake_statuses(uow: UnitOfWork, end: date, *, months: int = 12) -> StatusMonths:
    """The demo unit never submits: every document issued is "not_submitted"."""
    shown = _months(end, SHOWN_MONTHS)
    issued = tuple(_figures(uow, m).issued for m in shown)
    zero = (0,) * len(shown)
    return StatusMonths(tuple(shown), {"cleared": zero, "reported": zero, "rejected": zero, "waiting": zero,
                                       "not_submitted": issued})


@pytest.fixture
def trends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("core.insights.monthly_series", fake_series)
    monkeypatch.setattr("core.insights.zatca_by_month", fake_statuses)


@pytest.fixture(params=["en", "ar"])
def session(request: pytest.FixtureRequest, settings, clock: StepClock,  # type: ignore[no-untyped-def]
            ctx: Context) -> Iterator[AppSession]:
    create_demo(ctx, drafts=30)
    add_demo_egs(ctx, issue=20)
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    session.set_language(request.param)
    yield session
    session.set_language("en")


def shown_dashboard(session: AppSession, qtbot: QtBot) -> DashboardView:
    view = DashboardView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    view.show()
    qtbot.waitUntil(lambda: view.charts is not None, timeout=10_000)
    return view


def test_the_charts_come_after_the_figures_and_show_the_cores_series(
        trends: None, session: AppSession, qtbot: QtBot) -> None:
    from desktop.charts import chart_state, month_label

    started_with_figures: list[bool] = []
    view = DashboardView(session)
    original = view.refresh_charts
    view.refresh_charts = lambda: (started_with_figures.append(view.figures is not None), original())[-1]  # type: ignore[method-assign]
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    assert view.charts is None  # the figures are shown; the charts wait for the event loop
    view.show()
    qtbot.waitUntil(lambda: view.charts is not None, timeout=10_000)
    assert started_with_figures == [True]
    charts = view.charts
    assert charts is not None
    state = chart_state(charts)
    assert state["charts"] == [True, True, True]
    with session.uow(write=False) as uow:
        expected = fake_series(uow, session.clock().date())
    sales = [float(v) for v in expected["sales"].values]
    first = next(i for i, v in enumerate(sales) if v)  # the months before the first document are left out
    assert state["sales"] == sales[first:]
    assert state["forecast"][0] == sales[-1] and len(state["forecast"]) == 4  # joined to the last month, 3 ahead
    assert state["ageing"] == [float(v) for v in view.receivables.of("SAR").buckets]  # type: ignore[union-attr]
    lang = session.language
    assert ("موسمي بسيط" if lang == "ar" else "Seasonal-naive") in charts.trend.note.text()
    # months named in the UI's language, running right to left in Arabic, the money axis on the reading side
    ticks = charts.trend.plot.getAxis("bottom")._tickLevels[0]
    every = [*expected["sales"].months[first:], *expected["sales"].forecast.months]
    assert ticks and all(label == month_label(every[int(x)], lang) for x, label in ticks)
    assert ticks[-1][0] == len(every) - 1  # the last month forecast is always named
    assert month_label(date(2026, 11, 1), lang) == ("نوفمبر 2026" if lang == "ar" else "Nov 2026")
    viewbox = charts.trend.plot.getPlotItem().getViewBox()
    assert viewbox.xInverted() == (lang == "ar")
    assert charts.trend.plot.getPlotItem().getAxis("right").isVisible() == (lang == "ar")
    assert charts.trend.legend_texts == (
        ["المبيعات", "ضريبة القيمة المضافة المستحقة", "التوقع", "نطاق 80 %"] if lang == "ar"
        else ["Sales", "VAT due", "Forecast", "80 % band"])


def test_the_charts_follow_an_invoice_issued(trends: None, session: AppSession, qtbot: QtBot, ctx: Context) -> None:
    from desktop.charts import chart_state

    view = shown_dashboard(session, qtbot)
    charts = view.charts
    assert charts is not None
    before = chart_state(charts)
    with ctx.uow() as uow:  # a clerk issues one of today's invoices, as the dashboard's own test does
        [template] = browse.page(uow, BrowseFilter(status="draft", kind="simplified"), limit=1)
        now = ctx.clock().astimezone(KSA)
        draft = replace(get_invoice(uow, template.number).draft, id=uuid.uuid4(), number="TODAY-C1",
                        issue_datetime=now, supply_date=now.date())
        import_drafts(uow, [draft])
        issue_invoice(uow, "TODAY-C1")
        total = get_invoice(uow, "TODAY-C1").totals.tax_exclusive
        uow.commit()
    updates = charts.updates
    session.notify(INVOICES)  # as the invoice list does after issuing (and a payments poll, and a sync pull)
    qtbot.waitUntil(lambda: charts.updates > updates, timeout=10_000)
    after = chart_state(charts)
    assert view.charts is charts  # updated in place, not rebuilt
    assert after["sales"][-1] == pytest.approx(before["sales"][-1] + float(total))
    assert after["zatca"]["not_submitted"][-1] == before["zatca"]["not_submitted"][-1] + 1


def test_without_trends_the_charts_say_so_and_the_ageing_still_shows(
        session: AppSession, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """A company with nothing issued in the months charted: no chart, no error, a line saying so."""
    from core.insights import StatusMonths
    from desktop.charts import chart_state

    monkeypatch.setattr("core.insights.trends.monthly_series", lambda *_args, **_kwargs: {})
    monkeypatch.setattr("core.insights.trends.zatca_by_month", lambda *_args, **_kwargs: StatusMonths((), {}))

    view = shown_dashboard(session, qtbot)
    assert view.charts is not None
    assert chart_state(view.charts)["charts"] == [False, True, False]
    text = view.charts.trend.empty.text()
    assert text and (("غير" in text) if session.language == "ar" else ("not available" in text))


def test_a_company_closed_before_the_charts_come_stays_closed(trends: None, session: AppSession,
                                                              qtbot: QtBot) -> None:
    """The charts wait a moment after the figures; an app ending meanwhile must not have its company reopened."""
    view = DashboardView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    assert view.figures is not None and view.charts_timer.isActive()
    session.close()
    qtbot.waitUntil(lambda: not view.charts_timer.isActive(), timeout=5_000)
    qtbot.wait(50)
    assert not session.is_open and view.charts is None and view.chart_job is None
