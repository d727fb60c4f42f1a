"""The desktop's payment poll: a background job while online, nothing while offline or without a key."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from core.bootstrap import PAYMENTS_KEY_SECRET
from core.config import Settings
from core.uow import Context
from desktop.jobs import SyncPool
from desktop.payments_poller import PaymentsPoller
from desktop.session import INVOICES, AppSession
from tests.conftest import StepClock
from tests.support.fake_provider import World


def _session(settings: Settings, ctx: Context, clock: StepClock) -> AppSession:
    fake = settings.model_copy(update={"payments": settings.payments.model_copy(update={"provider": "fake"})})
    return AppSession(fake, clock=clock, pool=SyncPool(), ctx=ctx)


def test_the_poller_records_payments_while_online_and_refreshes_the_invoices(
        qapp: QApplication, settings: Settings, shop: Context, clock: StepClock, gateway: World) -> None:
    from core.payments import make_link
    from tests.support.fake_provider import FakeProvider

    session = _session(settings, shop, clock)
    online: list[bool | None] = [False]
    poller = PaymentsPoller(session, lambda: online[0])
    topics: list[str] = []
    session.changed.connect(topics.append)
    link = make_link(shop, FakeProvider(api_key="fake-key"), "INV-P-0001")
    assert link is not None
    gateway.pay(link.link_id)
    poller.poll_now()  # offline: no job
    assert poller.last is None and not gateway.requests[1:]
    online[0] = True
    poller.poll_now()  # online, but no key on this desk: nothing asked of the provider
    assert poller.last is None and [r for r, _ in gateway.requests] == ["create_link"]
    with shop.uow() as uow:
        uow.secrets.set(PAYMENTS_KEY_SECRET, b"fake-key", now=uow.now())
        uow.commit()
    poller.poll_now()
    assert poller.last is not None and poller.last.recorded == 1
    assert INVOICES in topics
    poller.start()
    assert poller.timer.isActive() and poller.timer.interval() == 5 * 60 * 1000
    poller.stop()


def test_a_provider_that_asks_to_wait_is_asked_again_after_retry_after(
        qtbot: object, qapp: QApplication, settings: Settings, shop: Context, clock: StepClock,
        gateway: World) -> None:
    from core.payments import PaymentUnavailable, make_link
    from tests.support.fake_provider import FakeProvider

    session = _session(settings, shop, clock)
    with shop.uow() as uow:
        uow.secrets.set(PAYMENTS_KEY_SECRET, b"fake-key", now=uow.now())
        uow.commit()
    link = make_link(shop, FakeProvider(api_key="fake-key"), "INV-P-0002")
    assert link is not None
    gateway.pay(link.link_id)
    gateway.fail_next(PaymentUnavailable("429 Too Many Requests", retry_after=0.05))
    poller = PaymentsPoller(session, lambda: True)
    poller.poll_now()
    assert poller.last is None  # refused this time; no dialog, a retry is scheduled
    qtbot.waitUntil(lambda: poller.last is not None, timeout=3000)  # type: ignore[attr-defined]
    assert poller.last.recorded == 1


def test_a_desk_without_central_polls_from_its_main_window_soon_after_it_opens(
        qtbot: object, qapp: QApplication, settings: Settings, shop: Context, clock: StepClock,
        gateway: World, monkeypatch: object) -> None:
    """The poll used to ride on the central-sync controller, which a desk on its own never starts: its payments
    never reached the desktop. Now the main window starts it once the company is open, on every desk."""
    import desktop.shell
    from core.payments import make_link
    from desktop.shell import MainWindow
    from tests.support.fake_provider import FakeProvider

    monkeypatch.setattr(desktop.shell, "RETENTION_DELAY_MS", 10)  # type: ignore[attr-defined]
    session = _session(settings, shop, clock)
    with shop.uow() as uow:
        uow.secrets.set(PAYMENTS_KEY_SECRET, b"fake-key", now=uow.now())
        uow.commit()
    link = make_link(shop, FakeProvider(api_key="fake-key"), "INV-P-0003")
    assert link is not None
    gateway.pay(link.link_id)
    window = MainWindow(session)  # an open session: the window fills itself at once
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    assert session.sync is None and window.payments_poller is not None
    poller = window.payments_poller
    qtbot.waitUntil(lambda: poller.last is not None, timeout=5000)  # type: ignore[attr-defined]
    assert poller.last.recorded == 1 and poller.timer.isActive()
    window.close()
    assert not poller.timer.isActive()
