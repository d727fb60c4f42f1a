"""Central sync on the desktop, against a real PostgreSQL: the state in the status bar (not connected, last sync,
pending, conflicts, offline with back-off), a change from another install reaching the open invoices view within a
second over LISTEN/NOTIFY, presence and "Also open by", notifications (badge, toast, list), and a conflict resolved
field by field in the Sync view; English and Arabic."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from core.bootstrap import open_company
from core.central.admin import add_company, add_member, init_schema
from core.config import Settings, load_settings
from core.invoicing import browse, parties, service
from core.invoicing.demo import DEMO_COMPANY, create_demo
from core.invoicing.model import Customer
from core.sync import live
from core.sync.connection import dsn_for, save_connection
from core.sync.engine import central, sync_once
from core.uow import Context
from desktop import sync_controller
from desktop.i18n import install_language
from desktop.jobs import Job, SyncPool, ThreadPool
from desktop.notifications import SyncStatusBar
from desktop.session import CUSTOMERS, AppSession
from desktop.shell import MainWindow
from desktop.sync_controller import RETRY_FIRST, SyncController
from desktop.views.invoices import InvoicesView
from desktop.views.settings import SettingsView
from desktop.views.sync_view import SyncView
from tests.conftest import StepClock
from tests.support.pg import PgDatabase, PgServer, free_port
from tests.support.pg_fixtures import pg_server  # noqa: F401

WORDS = {
    "en": {"not_connected": "Not connected", "offline": "Offline — 1 changes waiting", "last_sync": "Last sync",
           "pending": "0 pending", "conflicts": "1 conflicts", "online": "Online: alice", "also": "Also open by alice",
           "phone": "Phone", "email": "Email", "nav": "Sync"},
    "ar": {"not_connected": "غير متصل", "offline": "غير متصل — 1 تغييرات بانتظار الإرسال", "last_sync": "آخر مزامنة",
           "pending": "0 بانتظار الإرسال", "conflicts": "1 تعارضات", "online": "متصل الآن: alice",
           "also": "مفتوح أيضًا لدى alice", "phone": "الهاتف", "email": "البريد الإلكتروني", "nav": "المزامنة"},
}


@pytest.fixture(params=["en", "ar"])
def lang(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_language(qapp, request.param)
    yield request.param
    install_language(qapp, "en")


@dataclass
class Install:
    settings: Settings
    ctx: Context
    session: AppSession


@pytest.fixture(scope="session")
def central_template(pg_server: PgServer) -> str:  # noqa: F811
    """The central schema migrated once per run (its group roles then exist before any test's database)."""
    def migrate(url: str) -> None:
        init_schema(url.replace("postgresql+psycopg://", "postgresql://", 1))

    return pg_server.template("qayd_central_desktop", migrate)


@pytest.fixture
def central_db(pg_server: PgServer, central_template: str) -> Iterator[PgDatabase]:  # noqa: F811
    pg_server.ensure_running()
    with pg_server.database(template=central_template) as db:
        yield db


@pytest.fixture
def central_url(central_db: PgDatabase, ctx: Context) -> str:
    """A migrated central database with the company and two logins: alice (install A) and bob (install B)."""
    create_demo(ctx, drafts=3)
    with ctx.uow(write=False) as uow:
        company = service.get_company(uow).id
    add_company(central_db.dsn, company, "Acme")
    add_member(central_db.dsn, "alice", "alice-password-1", "staff", company)
    add_member(central_db.dsn, "bob", "bob-password-123", "staff", company)
    server = central_db.server
    return f"postgresql://localhost:{server.port}/{central_db.name}?sslmode=verify-full&sslrootcert={server.ca_file}"


@pytest.fixture
def controllers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[SyncController]]:
    monkeypatch.setattr(sync_controller, "LISTEN_POLL", 0.2)  # 1 s in the app: the listener stops sooner
    made: list[SyncController] = []
    yield made
    for controller in made:
        controller.stop()
    QThreadPool.globalInstance().waitForDone(5000)


def make_install(settings: Settings, ctx: Context, clock: StepClock, *, pool: object | None = None) -> Install:
    session = AppSession(settings, clock=clock, pool=pool or SyncPool(), ctx=ctx)  # type: ignore[arg-type]
    session.language = "ar" if QApplication.isRightToLeft() else "en"  # the language the `lang` fixture installed
    return Install(settings, ctx, session)


@pytest.fixture
def install_a(settings: Settings, ctx: Context, clock: StepClock, central_url: str) -> Install:
    save_connection(ctx, central_url, "alice", "alice-password-1")
    return make_install(settings, ctx, clock)


@pytest.fixture
def second(tmp_path: Path, central_url: str) -> Iterator[Callable[..., Install]]:
    """Install B (another data folder, another device), connected as bob."""
    opened: list[Context] = []

    def make(*, pool: object | None = None) -> Install:
        config = tmp_path / "b.toml"
        config.write_text("", "utf-8")
        settings = load_settings(environ={"QAYD_DATA_DIR": str(tmp_path / "b"), "QAYD_COMPANY": "acme"},
                                 config_file=config)
        clock = StepClock()
        b = open_company(settings, create=True, clock=clock, username="bob")
        opened.append(b)
        # The profile typed by hand (another company id, so it stays B's own); the rest comes from central. A desk
        # that joins takes the profile too: tests/desktop/test_first_run_join.py.
        with b.uow() as uow:
            service.create_company(uow, replace(DEMO_COMPANY, id=uuid.uuid4()))
            uow.commit()
        save_connection(b, central_url, "bob", "bob-password-123")
        return make_install(settings, b, clock, pool=pool)

    yield make
    for b in opened:
        b.close()


def controller_for(install: Install, made: list[SyncController], *, listen: bool = False) -> SyncController:
    controller = SyncController(install.session, listen=listen)
    install.session.sync = controller
    made.append(controller)
    controller.start()
    return controller


def dead_dsn(install: Install) -> str:
    """The same login at a port nothing listens on: central is unreachable."""
    parts = urlsplit(dsn_for(install.ctx))
    netloc = parts.netloc.rsplit(":", 1)[0] + f":{free_port()}"
    return urlunsplit(parts._replace(netloc=netloc))


def first_customer(ctx: Context) -> Customer:
    with ctx.uow(write=False) as uow:
        return service.list_customers(uow, limit=1)[0]


def set_customer(ctx: Context, customer_id: uuid.UUID, *, phone: str | None = None, email: str | None = None) -> None:
    with ctx.uow() as uow:
        current = service.get_customer(uow, str(customer_id))
        parties.update_customer(uow, replace(current, phone=current.phone if phone is None else phone,
                                             email=current.email if email is None else email))
        uow.commit()


# --- not connected, offline, last sync ----------------------------------------------------------------------------


def test_without_central_there_is_no_controller_and_the_status_says_not_connected(
        qtbot: QtBot, settings: Settings, clock: StepClock, ctx: Context, lang: str) -> None:
    create_demo(ctx, drafts=1)
    session = make_install(settings, ctx, clock).session
    window = MainWindow(session)
    qtbot.addWidget(window)
    qtbot.wait(10)  # the deferred attach would run here
    assert session.sync is None
    assert window.sync_status.state_label.text() == WORDS[lang]["not_connected"]
    assert not window.sync_status.bell.isVisible() and window.sync_status.presence_label.isHidden()
    view = window.show_view("sync")
    assert isinstance(view, SyncView) and SyncView.title() == WORDS[lang]["nav"]
    assert view.state_label.text() == WORDS[lang]["not_connected"]
    assert not view.sync_button.isEnabled()
    assert view.no_conflicts.isVisibleTo(view) and view.conflict_list.count() == 0  # conflicts are local: none


def test_status_shows_last_sync_pending_and_offline_with_back_off(
        qtbot: QtBot, install_a: Install, controllers: list[SyncController], lang: str) -> None:
    install_a.session.language = lang
    controller = controller_for(install_a, controllers)
    bar = SyncStatusBar(install_a.session, QLabel())
    qtbot.addWidget(bar.window_)
    bar.bind(controller)
    state = controller.state
    assert state.online is True and state.pending == 0 and state.conflicts == 0 and state.last_sync_at is not None
    text = bar.state_label.text()
    assert text.startswith(WORDS[lang]["last_sync"]) and WORDS[lang]["pending"] in text

    # A local write while central cannot be reached: offline, the change waits, retries back off 5 s → 10 s.
    good = controller.dsn
    customer = first_customer(install_a.ctx)
    set_customer(install_a.ctx, customer.id, phone="+966500000009")
    controller.set_dsn(dead_dsn(install_a))
    assert controller.state.online is False
    controller._after_write()  # what the 2 s debounce after `session.changed` calls: re-read, then sync
    assert controller.state.pending == 1
    assert bar.state_label.text() == WORDS[lang]["offline"]
    assert controller.retry_timer.isActive() and controller.state.retry_in == RETRY_FIRST
    controller.request_sync()  # automatic requests wait for the retry while offline
    assert controller.state.retry_in == RETRY_FIRST
    controller.request_sync(force=True)  # Sync now tries at once; the next wait doubles
    assert controller.state.retry_in == RETRY_FIRST * 2
    for _ in range(5):
        controller.request_sync(force=True)
    assert controller.state.retry_in == 60.0  # capped

    controller.set_dsn(good)  # back online: the change goes out
    assert controller.state.online is True and controller.state.pending == 0
    assert not controller.retry_timer.isActive()
    assert bar.state_label.text().startswith(WORDS[lang]["last_sync"])


def test_a_local_write_syncs_two_seconds_later(qtbot: QtBot, install_a: Install,
                                               controllers: list[SyncController]) -> None:
    controller = controller_for(install_a, controllers)
    controller.write_timer.setInterval(50)  # 2 s in the app
    customer = first_customer(install_a.ctx)
    set_customer(install_a.ctx, customer.id, email="a@example.com")
    before = controller.state.last_sync_at
    install_a.session.notify(CUSTOMERS)
    assert controller.write_timer.isActive()
    with qtbot.waitSignal(controller.synced, timeout=3000):
        pass
    assert controller.state.pending == 0 and controller.state.last_sync_at != before
    with central(dsn_for(install_a.ctx)) as conn:
        row = conn.execute("SELECT payload->>'email' FROM qayd.change WHERE entity = 'customer' AND row_id = %s "
                           "ORDER BY seq DESC LIMIT 1", (customer.id.hex,)).fetchone()
    assert row is not None and row[0] == "a@example.com"


def test_the_main_window_starts_sync_when_connected_and_says_goodbye_on_close(
        qtbot: QtBot, install_a: Install, controllers: list[SyncController]) -> None:
    window = MainWindow(install_a.session)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: install_a.session.sync is not None, timeout=3000)  # once it is up
    controller = install_a.session.sync
    assert controller is not None
    controllers.append(controller)
    assert controller.running and controller.state.online is True
    assert window.sync_status.state_label.text().startswith("Last sync")
    assert window.sync_status.presence_label.text() == "No one else online"
    window.show_view("sync")
    assert window.views["sync"].state_label.text() == window.sync_status.state_label.text()
    window.close()
    assert not controller.running
    assert controller._listener is not None and not controller._listener.is_alive()  # joined within 2 s
    with central(dsn_for(install_a.ctx)) as conn:
        assert live.online(conn) == []  # the farewell heartbeat said this device left


class LaterPool:
    """Holds jobs until the test runs them (a job still running when another is asked for)."""

    def __init__(self) -> None:
        self.jobs: list[Job] = []

    def start(self, job: Job) -> None:
        self.jobs.append(job)

    def run_next(self) -> None:
        self.jobs.pop(0).run()


def test_a_re_read_asked_for_while_one_runs_follows_it(settings: Settings, clock: StepClock, ctx: Context) -> None:
    save_connection(ctx, "postgresql://localhost:1/qayd?sslmode=disable", "alice", "alice-password-1")
    pool = LaterPool()
    session = AppSession(settings, clock=clock, pool=pool, ctx=ctx)
    controller = SyncController(session, listen=False)  # not started: no network
    try:
        controller.refresh_local()
        controller.refresh_local()  # while the first runs: once more afterwards, not twice at once
        assert len(pool.jobs) == 1
        pool.run_next()
        assert len(pool.jobs) == 1
        before = controller.state.pending
        create_demo(ctx, drafts=1)  # local writes noted in the outbox meanwhile
        pool.run_next()
        assert controller.state.pending > before and not pool.jobs
    finally:
        controller.stop()


# --- live ------------------------------------------------------------------------------------------------------------


def test_a_change_from_another_install_reaches_the_open_invoices_view_within_a_second(
        qtbot: QtBot, install_a: Install, second: Callable[..., Install], controllers: list[SyncController]) -> None:
    sync_once(install_a.ctx, dsn_for(install_a.ctx))
    b = second(pool=ThreadPool(QThreadPool.globalInstance()))
    view = InvoicesView(b.session)
    qtbot.addWidget(view)
    view.show()
    controller = controller_for(b, controllers, listen=True)
    qtbot.waitUntil(lambda: controller.listening and controller.state.online is True
                    and controller.state.syncing is False, timeout=10_000)
    view.refresh()
    qtbot.waitUntil(lambda: view.model.rowCount() == 3 and not view.model.is_loading, timeout=5000)

    with install_a.ctx.uow() as uow:
        draft = browse.page(uow)[0]
        stored = service.get_invoice(uow, draft.number).draft
        service.import_drafts(uow, [replace(stored, id=uuid.uuid4(), number="LIVE-0001")])
        uow.commit()
    started = time.perf_counter()
    sync_once(install_a.ctx, dsn_for(install_a.ctx))
    qtbot.waitUntil(lambda: view.model.rowCount() == 4, timeout=5000)
    elapsed = time.perf_counter() - started
    print(f"install A's push to install B's invoices view: {elapsed * 1000:.0f} ms")
    assert elapsed < 1.0
    with b.ctx.uow(write=False) as uow:
        assert service.get_invoice(uow, "LIVE-0001").draft.number == "LIVE-0001"


# --- settings ---------------------------------------------------------------------------------------------------------


def test_the_central_panel_saves_tests_and_starts_sync(qtbot: QtBot, settings: Settings, clock: StepClock,
                                                       ctx: Context, central_url: str,
                                                       controllers: list[SyncController], lang: str) -> None:
    session = make_install(settings, ctx, clock).session
    view = SettingsView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    panel = view.central_panel
    assert panel.url.text() == "" and not panel.save.isEnabled() and not panel.test.isEnabled()
    panel.url.setText(central_url)
    panel.login.setText("alice")
    panel.password.setText("alice-password-1")
    assert panel.save.isEnabled()
    assert panel.save_connection()
    controller = session.sync
    assert isinstance(controller, SyncController)
    controllers.append(controller)
    assert panel.password.text() == "" and panel.test.isEnabled()
    assert controller.state.online is True  # it synced at once
    panel.test_connection()
    assert ("TLS" in panel.result.text()) and "alice" in panel.result.text()
    assert ("Connected" in panel.result.text()) == (lang == "en")
