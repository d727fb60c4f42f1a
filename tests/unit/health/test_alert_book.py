"""Alerts from health reports: what is new (toasted), still on (counted on the badge) and cleared."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.health import RUNBOOKS, Alert, AlertBook, CheckResult, Report, Status, alerts_of, runbook_path

T0 = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def check(id_: str, status: Status, runbook: str | None = "zatca-reporting-deadline",
          found: str = "found something") -> CheckResult:
    return CheckResult(id_, f"title of {id_}", status, found, fix="do the fix", runbook=runbook)


def report(*checks: CheckResult) -> Report:
    return Report(checks=tuple(checks), started_at=T0)


def ids(alerts: tuple[Alert, ...]) -> list[str]:
    return [a.id for a in alerts]


def test_an_alert_carries_the_check_and_both_runbook_paths() -> None:
    alert = Alert.from_check(check("zatca.reporting_deadline", Status.FAIL, found="3 invoices past 24 h"))
    assert (alert.id, alert.severity, alert.found, alert.fix) == (
        "zatca.reporting_deadline", Status.FAIL, "3 invoices past 24 h", "do the fix")
    paths = dict(alert.paths)
    assert paths["en"].name == "zatca-reporting-deadline.md" and paths["ar"].name == "zatca-reporting-deadline.ar.md"
    assert paths["en"].is_file() and paths["ar"].is_file()
    assert alert.path("ar") == paths["ar"] and alert.path("fr") == paths["en"]
    assert alert.line().startswith("FAIL zatca.reporting_deadline: 3 invoices past 24 h (runbook: ")


def test_an_ok_check_is_no_alert_and_a_report_lists_failures_first() -> None:
    with pytest.raises(ValueError, match="is ok"):
        Alert.from_check(check("store.integrity", Status.OK))
    alerts = alerts_of(report(check("a", Status.WARN), check("b", Status.OK), check("c", Status.FAIL),
                              check("d", Status.WARN, runbook=None)))
    assert ids(alerts) == ["c", "a", "d"]
    assert alerts[2].paths == () and alerts[2].path("en") is None and "runbook" not in alerts[2].line()


def test_the_book_tells_new_kept_and_cleared_between_reports() -> None:
    book = AlertBook()
    first = book.update(report(check("sync.last", Status.WARN), check("mail.failed", Status.FAIL)))
    assert ids(first.new) == ["mail.failed", "sync.last"] and first.kept == () and first.cleared == ()
    assert len(first.current) == 2

    second = book.update(report(check("sync.last", Status.WARN, found="longer now"), check("mail.failed", Status.OK),
                                check("clock.skew", Status.WARN)))
    assert ids(second.new) == ["clock.skew"]
    assert ids(second.kept) == ["sync.last"] and second.kept[0].found == "longer now"
    assert ids(second.cleared) == ["mail.failed"]
    assert sorted(ids(book.current)) == ["clock.skew", "sync.last"]

    healthy = book.update(report(check("sync.last", Status.OK), check("clock.skew", Status.OK)))
    assert healthy.new == () and healthy.kept == () and sorted(ids(healthy.cleared)) == ["clock.skew", "sync.last"]
    assert book.current == ()


def test_a_warning_that_becomes_a_failure_is_new_again_and_easing_back_is_not() -> None:
    book = AlertBook()
    book.update(report(check("certificate.expiry", Status.WARN)))
    worse = book.update(report(check("certificate.expiry", Status.FAIL)))
    assert ids(worse.new) == ["certificate.expiry"] and worse.new[0].severity is Status.FAIL and worse.kept == ()
    same = book.update(report(check("certificate.expiry", Status.FAIL)))
    assert same.new == () and ids(same.kept) == ["certificate.expiry"]
    eased = book.update(report(check("certificate.expiry", Status.WARN)))
    assert eased.new == () and eased.kept[0].severity is Status.WARN and eased.cleared == ()


def test_a_cleared_alert_that_comes_back_is_new() -> None:
    book = AlertBook()
    book.update(report(check("payments.poll_gap", Status.WARN)))
    book.update(report(check("payments.poll_gap", Status.OK)))
    back = book.update(report(check("payments.poll_gap", Status.WARN)))
    assert ids(back.new) == ["payments.poll_gap"]


def test_runbook_path_names_the_english_and_arabic_files_and_refuses_unknown_ids() -> None:
    for runbook in RUNBOOKS:
        assert runbook_path(runbook).name == f"{runbook}.md"
        assert runbook_path(runbook, "ar").name == f"{runbook}.ar.md"
        assert runbook_path(runbook, "en").parent.name == "runbooks"
    with pytest.raises(KeyError):
        runbook_path("no-such-runbook")
