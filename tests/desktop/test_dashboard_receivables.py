"""The dashboard's receivables card and ageing rows, real widgets offscreen: core's figures, in both languages, and
they follow a payment polled back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.payments import make_link, poll
from core.uow import Context
from desktop.i18n import format_int, format_money
from desktop.jobs import SyncPool
from desktop.session import INVOICES, AppSession
from desktop.views.dashboard import DashboardView
from tests.conftest import StepClock
from tests.support.fake_provider import FakeProvider, World
from tests.support.payments_world import PAYABLE

WORDS = {"en": ("Outstanding receivables", "1–30 days:", "invoices"),
         "ar": ("الذمم المدينة القائمة", "1–30 يومًا:", "فاتورة")}


@pytest.fixture(params=["en", "ar"])
def session(request: pytest.FixtureRequest, settings: Settings, clock: StepClock,
            shop: Context) -> Iterator[AppSession]:
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=shop)
    session.set_language(request.param)
    yield session
    session.set_language("en")


@pytest.fixture
def view(session: AppSession, qtbot: QtBot) -> DashboardView:
    view = DashboardView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    view.show()
    return view


def test_the_card_shows_what_is_owed_and_follows_a_payment(view: DashboardView, session: AppSession,
                                                            provider: FakeProvider, gateway: World) -> None:
    """The shop's three invoices were issued on 2026-11-20; the clock reads 2026-11-25: all aged 1–30 days."""
    lang = session.language
    caption, row, unit = WORDS[lang]
    assert view.isRightToLeft() == (lang == "ar")
    assert view.owed.caption.text() == caption and view.age_labels[1].text() == row
    assert view.owed.value.text() == format_money(3 * PAYABLE, lang)
    ages = [label.text() for label in view.age_values]
    assert ages[1] == f"{format_money(3 * PAYABLE, lang)} ({format_int(3)} {unit})"
    assert all(text.startswith(format_money(PAYABLE * 0, lang)) for i, text in enumerate(ages) if i != 1)

    link = make_link(session.ctx, provider, "INV-P-0002")
    assert link is not None
    gateway.pay(link.link_id)
    poll(session.ctx, provider)
    session.notify(INVOICES)  # as the payments poller does after a poll
    assert view.owed.value.text() == format_money(2 * PAYABLE, lang)
    assert view.age_values[1].text() == f"{format_money(2 * PAYABLE, lang)} ({format_int(2)} {unit})"
