"""`qayd doctor`: one thing broken at a time, each failing exactly its own check; a healthy company passing.

Each fixture breaks one thing the way it breaks in the field: a row of the audit table edited with the sqlite3
tool, a certificate past its end, a clock ten minutes off the ZATCA portal's Date header (a real local portal),
central's address with nothing listening, a wrong SMTP password (a real SMTP server), a payment poll long ago.
"""

from __future__ import annotations

import socket
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from core.bootstrap import open_company
from core.config import Settings, load_settings
from core.health import CheckResult, Probes, Report, Status, checks_store, doctor, health_probes, run_checks
from core.invoicing.demo import DEMO_COMPANY, create_demo
from core.payments import poll
from core.secrets import manager
from core.store.models import EgsUnit, Invoice, ZatcaSubmission
from core.uow import Context
from core.zatca.egs import create_demo_egs
from core.zatca.queue import submission_row
from tests.conftest import StepClock
from tests.fatoora.server import FakeFatoora
from tests.support.fake_provider import FakeProvider
from tests.support.smtp_server import PASSWORD, SmtpWorld
from tests.unit.health.test_arabic_findings import assert_arabic

LOCAL_IDS = {"store.integrity", "store.foreign_keys", "store.schema", "store.free_disk", "store.wal", "audit.chain",
             "secrets.master_key", "zatca.certificates", "zatca.reporting_deadline", "zatca.clearance_waiting",
             "incident.active"}


@pytest.fixture(autouse=True)
def every_finding_in_arabic(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[CheckResult]]:
    """Each test here runs checks on a healthy company or one broken fixture: whatever any check answered (ok, warn,
    fail, or "could not run") must say it in Arabic too, mostly in Arabic letters."""
    seen: list[CheckResult] = []
    one = doctor._one

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
        results = one(*args, **kwargs)
        seen.extend(results)
        return results

    monkeypatch.setattr(doctor, "_one", recording)
    yield seen
    assert_arabic(*seen)


def failing(report: Report) -> set[str]:
    return {c.id for c in report.checks if c.status is Status.FAIL}


def check(report: Report, check_id: str):  # type: ignore[no-untyped-def]
    return next(c for c in report.checks if c.id == check_id)


def offline(ctx: Context, settings: Settings, **kwargs: object) -> Report:
    """Every check, the network ones through probes that reach nothing (no portal, central or mail server)."""
    return run_checks(ctx, settings, probes=Probes(), **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def company(ctx: Context) -> Context:
    with ctx.uow() as uow:
        create_demo_egs(uow, DEMO_COMPANY)
        uow.commit()
    return ctx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def settings_with(tmp_path: Path, env: dict[str, str], **more: str) -> Settings:
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    return load_settings(environ={**env, **more}, config_file=config)


# --- healthy --------------------------------------------------------------------------------------------------


def test_a_healthy_company_fails_nothing_and_every_check_names_a_runbook(company: Context,
                                                                         settings: Settings) -> None:
    report = offline(company, settings)
    assert failing(report) == set()
    assert {c.id for c in report.checks} >= LOCAL_IDS
    assert all(c.runbook for c in report.checks)
    assert check(report, "zatca.certificates").figures["min_days_left"] > 300
    assert check(report, "clock.skew").status is Status.WARN  # nothing to compare with: said, not failed


def test_the_local_checks_answer_well_under_a_second_and_need_no_network(company: Context,
                                                                         settings: Settings) -> None:
    started = time.perf_counter()
    report = run_checks(company, settings, network=False)
    assert time.perf_counter() - started < 1.0
    assert {c.id for c in report.checks} == LOCAL_IDS
    assert report.worst is Status.OK
    # what runs often (the alerts' poll, `qayd status`, the metrics file) reads no whole store
    frequent = run_checks(company, settings, network=False, scans=False)
    assert {c.id for c in frequent.checks} == LOCAL_IDS - {"store.integrity", "store.foreign_keys"}


def test_the_frequent_polls_never_scan_the_whole_store(company: Context, settings: Settings,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    pragmas: list[str] = []
    real = checks_store.reader

    def spying(path: Path) -> sqlite3.Connection:
        conn = real(path)
        conn.set_trace_callback(pragmas.append)
        return conn

    monkeypatch.setattr(checks_store, "reader", spying)
    run_checks(company, settings, network=False, scans=False)
    assert not any("quick_check" in sql or "foreign_key_check" in sql for sql in pragmas)
    run_checks(company, settings, network=False)
    assert any("quick_check" in sql for sql in pragmas) and any("foreign_key_check" in sql for sql in pragmas)


def test_a_check_that_raises_is_a_failure_naming_it_not_a_traceback(company: Context, settings: Settings,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_run: object) -> None:
        raise RuntimeError("boom with a /secret/path")

    monkeypatch.setattr(checks_store, "CHECKS", [*checks_store.CHECKS[:-1], ("store.wal", "Write-ahead log", broken)])
    report = run_checks(company, settings, network=False)
    wal = check(report, "store.wal")
    assert failing(report) == {"store.wal"}
    assert "Write-ahead log" in wal.found and "RuntimeError" in wal.found and "/secret" not in wal.found


# --- one thing broken at a time -------------------------------------------------------------------------------


def tamper(ctx: Context, statement: str) -> None:
    """Edit the file as an attacker would: with the sqlite3 tool, dropping the append-only triggers first."""
    ctx.db.dispose()
    with sqlite3.connect(ctx.db.path) as conn:
        for trigger in ("audit_entry_append_only_u", "audit_entry_append_only_d"):
            conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute(statement)


def test_a_cut_chain_fails_the_audit_check_alone(company: Context, settings: Settings) -> None:
    tamper(company, "DELETE FROM audit_entry WHERE seq = (SELECT max(seq) FROM audit_entry)")
    report = offline(company, settings)
    assert failing(report) == {"audit.chain"}
    chain = check(report, "audit.chain")
    assert "cut" in chain.found and chain.runbook == "audit-chain-broken"


def test_an_edited_last_entry_fails_the_quick_check(company: Context, settings: Settings) -> None:
    tamper(company, """UPDATE audit_entry SET body = replace(body, '"at":"2', '"at":"1') """
                    "WHERE seq = (SELECT max(seq) FROM audit_entry)")
    assert failing(offline(company, settings)) == {"audit.chain"}


def test_an_edited_entry_deep_in_the_chain_is_found_by_deep(company: Context, settings: Settings) -> None:
    tamper(company, """UPDATE audit_entry SET body = replace(body, '"at":"2', '"at":"1') WHERE seq = 2""")
    assert failing(offline(company, settings)) == set()  # the quick check reads the tail only (said in its text)
    report = offline(company, settings, deep=True)
    assert failing(report) == {"audit.chain"}
    assert "changed" in check(report, "audit.chain").found


def test_an_expired_certificate_fails_the_certificate_check_alone(company: Context, settings: Settings,
                                                                  clock: StepClock) -> None:
    clock.now += timedelta(days=400)
    report = offline(company, settings)
    assert failing(report) == {"zatca.certificates"}
    assert check(report, "zatca.certificates").figures["expired"] == 1


def queue(ctx: Context, kind: str, count: int = 2) -> None:
    """Queue `count` documents of `kind` as issuing does now (the rows of drafts stand in for issued ones)."""
    create_demo(ctx, drafts=count)
    with ctx.uow() as uow:
        ids = list(uow.session.scalars(select(Invoice.id).limit(count)))
        unit = uow.session.scalars(select(EgsUnit.id)).one()
        now = uow.now()
        uow.session.execute(insert(ZatcaSubmission), [submission_row(
            invoice_id=i, egs_unit_id=unit, kind=kind, issued_at=now, now=now, device_id=ctx.device_id) for i in ids])
        uow.commit()


def test_a_simplified_invoice_nears_then_passes_its_reporting_deadline(company: Context, settings: Settings,
                                                                       clock: StepClock) -> None:
    queue(company, "reporting")
    assert check(offline(company, settings), "zatca.reporting_deadline").status is Status.OK
    clock.now += timedelta(hours=19)
    near = offline(company, settings)
    assert check(near, "zatca.reporting_deadline").status is Status.WARN and failing(near) == set()
    assert check(near, "zatca.reporting_deadline").figures == {"waiting": 2, "oldest_hours": pytest.approx(19, 0.01)}
    clock.now += timedelta(hours=5)
    late = offline(company, settings)
    assert failing(late) == {"zatca.reporting_deadline"}
    assert "24-hour reporting deadline has passed" in check(late, "zatca.reporting_deadline").found


def test_standard_invoices_waiting_long_for_clearance_warn(company: Context, settings: Settings,
                                                           clock: StepClock) -> None:
    queue(company, "clearance")
    assert check(offline(company, settings), "zatca.clearance_waiting").status is Status.OK
    clock.now += timedelta(minutes=61)
    report = offline(company, settings)
    assert check(report, "zatca.clearance_waiting").status is Status.WARN and failing(report) == set()


def test_a_certificate_near_its_end_warns(company: Context, settings: Settings, clock: StepClock) -> None:
    clock.now += timedelta(days=350)
    report = offline(company, settings)
    assert check(report, "zatca.certificates").status is Status.WARN and failing(report) == set()


@pytest.fixture
def portal() -> Iterator[FakeFatoora]:
    with FakeFatoora() as fake:
        yield fake


def company_with_clock(settings: Settings, offset: timedelta) -> Context:
    ctx = open_company(settings, create=True, clock=lambda: datetime.now(UTC) + offset, username="tester")
    with ctx.uow() as uow:
        create_demo_egs(uow, DEMO_COMPANY)
        uow.commit()
    return ctx


def test_a_skewed_clock_fails_the_clock_check_alone_against_the_portals_date_header(
        tmp_path: Path, env: dict[str, str], portal: FakeFatoora) -> None:
    settings = settings_with(tmp_path, env, QAYD_ZATCA_BASE_URL=portal.base_url)
    ctx = company_with_clock(settings, timedelta(minutes=10))
    try:
        report = run_checks(ctx, settings, probes=health_probes(settings, ctx))
    finally:
        ctx.close()
    assert failing(report) == {"clock.skew"}
    skew = check(report, "clock.skew")
    assert 590 < skew.figures["zatca_skew_seconds"] < 610 and "ahead" in skew.found


def test_a_clock_in_step_with_the_portal_is_ok(tmp_path: Path, env: dict[str, str], portal: FakeFatoora) -> None:
    settings = settings_with(tmp_path, env, QAYD_ZATCA_BASE_URL=portal.base_url)
    ctx = company_with_clock(settings, timedelta(0))
    try:
        report = run_checks(ctx, settings)  # the probes built from the settings
    finally:
        ctx.close()
    assert check(report, "clock.skew").status is Status.OK
    assert failing(report) == set()


def test_central_down_fails_the_central_check_alone(tmp_path: Path, env: dict[str, str], clock: StepClock) -> None:
    url = f"postgresql://127.0.0.1:{free_port()}/qayd"
    settings = settings_with(tmp_path, env, QAYD_CENTRAL_DATABASE_URL=url)
    ctx = open_company(settings, create=True, clock=clock, username="tester")
    try:
        probes = replace(health_probes(settings, ctx), zatca_time=None)
        report = run_checks(ctx, settings, probes=probes)
    finally:
        ctx.close()
    assert failing(report) == {"central.connection"}
    assert "cannot be reached" in check(report, "central.connection").found
    assert check(report, "clock.skew").status is Status.WARN  # central's clock could not be read: said, not failed
    assert check(report, "sync.last_sync").status is Status.WARN  # never synced


@pytest.fixture
def smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpWorld]:
    with SmtpWorld(tmp_path / "smtp") as world:
        monkeypatch.setenv("SSL_CERT_FILE", str(world.ca_file))
        yield world


def mail_company(tmp_path: Path, env: dict[str, str], smtp: SmtpWorld, clock: StepClock,
                 password: str) -> tuple[Context, Settings]:
    settings = settings_with(tmp_path, env, **{k: v for k, v in smtp.env().items() if k.startswith("QAYD_")})
    ctx = open_company(settings, create=True, clock=clock, username="tester")
    with ctx.uow() as uow:
        manager.set_secret(uow, "mail.password", password.encode())
        uow.commit()
    return ctx, settings


def test_a_wrong_smtp_password_fails_the_mail_login_alone_with_the_servers_reason(
        tmp_path: Path, env: dict[str, str], smtp: SmtpWorld, clock: StepClock) -> None:
    ctx, settings = mail_company(tmp_path, env, smtp, clock, "not-the-password")
    try:
        report = run_checks(ctx, settings, probes=replace(health_probes(settings, ctx), zatca_time=None))
    finally:
        ctx.close()
    assert failing(report) == {"mail.login"}
    login = check(report, "mail.login")
    assert "535" in login.found and "not-the-password" not in str(report.to_json())
    assert check(report, "mail.failed").status is Status.OK


def test_the_right_smtp_password_passes(tmp_path: Path, env: dict[str, str], smtp: SmtpWorld,
                                        clock: StepClock) -> None:
    ctx, settings = mail_company(tmp_path, env, smtp, clock, PASSWORD)
    try:
        report = run_checks(ctx, settings, probes=replace(health_probes(settings, ctx), zatca_time=None))
    finally:
        ctx.close()
    assert check(report, "mail.login").status is Status.OK and failing(report) == set()


def test_a_stale_payment_poll_fails_the_payment_check_alone(tmp_path: Path, env: dict[str, str],
                                                            clock: StepClock) -> None:
    settings = settings_with(tmp_path, env, QAYD_PAYMENTS_PROVIDER="fake")
    ctx = open_company(settings, create=True, clock=clock, username="tester")
    try:
        with ctx.uow() as uow:
            manager.set_secret(uow, "payments.api_key", b"doctor-key")
            uow.commit()
        assert check(offline(ctx, settings), "payments.poll").status is Status.WARN  # never polled
        poll(ctx, FakeProvider("doctor-key"))  # the poll records when it last reached the provider
        assert check(offline(ctx, settings), "payments.poll").status is Status.OK
        clock.now += timedelta(hours=2)
        assert check(offline(ctx, settings), "payments.poll").status is Status.WARN
        clock.now += timedelta(hours=8)
        report = offline(ctx, settings)
    finally:
        ctx.close()
    assert failing(report) == {"payments.poll"}
    assert check(report, "payments.poll").figures["minutes_since"] >= 599


def test_no_payment_check_without_a_provider_key(company: Context, settings: Settings) -> None:
    assert "payments.poll" not in {c.id for c in offline(company, settings).checks}


def test_the_network_probes_run_at_once_so_doctor_waits_for_the_slowest_not_the_sum(company: Context,
                                                                                    settings: Settings) -> None:
    def slow_portal() -> datetime:
        time.sleep(1.0)
        return company.clock()

    def slow_login() -> None:
        time.sleep(1.0)

    started = time.perf_counter()
    report = run_checks(company, settings, probes=Probes(zatca_time=slow_portal, smtp_login=slow_login))
    assert time.perf_counter() - started < 1.9
    assert check(report, "clock.skew").status is Status.OK and check(report, "mail.login").status is Status.OK


def test_incident_mode_warns_while_an_admin_holds_and_fails_when_qayd_entered_it(
        settings: Settings, ctx: Context, clock: StepClock) -> None:
    from core import incident

    def found() -> CheckResult:
        report = run_checks(ctx, settings, network=False)
        return next(c for c in report.checks if c.id == "incident.active")

    assert found().status is Status.OK
    incident.start(ctx, "Phishing mail reported by the finance team", actor="admin")
    manual = found()
    assert manual.status is Status.WARN and manual.runbook == "incident-mode" and "mail" in manual.found
    assert "Phishing" not in manual.found  # the free-text reason stays out of doctor's output (bundles, metrics)
    incident.end(ctx, "Handled", actor="admin")
    incident.enter_automatically(ctx, "the audit chain does not verify")
    automatic = found()
    assert automatic.status is Status.FAIL and "issuing is locked" in automatic.found
