"""`qayd insights run|list|mark|thresholds` through the real entry point over a real store: the table and the JSON
of a run, names through the access log, marks audited and a false positive not raised again, and every mistake a
clear message with its exit code, never a traceback."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

import pytest
from sqlalchemy import select

from core.privacy import access_log
from core.store import models as m
from tests.integration.conftest import Result
from tests.support.insights_world import DUPLICATES, World, as_clerk, world

__all__ = ["world"]
Run = Callable[..., Result]


def _id(run: Run) -> str:
    body = json.loads(run("insights", "list", "--json").stdout)
    return str(body[0]["id"])


def test_run_prints_the_findings_and_what_was_not_applicable(world: World, run: Run) -> None:
    result = run("insights", "run", "--period", "2026-11")
    assert result.exit_code == 0, result.output
    assert "INS-DUP-AMOUNT" in result.stdout and "high" in result.stdout
    assert f"{DUPLICATES[0]} and {DUPLICATES[1]}" in result.stdout
    assert "INS-DIG-BENFORD: Only 5 amounts" in result.stdout and "5 documents checked" in result.stdout
    assert "Traceback" not in result.output


def test_run_json_carries_both_languages(world: World, run: Run) -> None:
    body = json.loads(run("insights", "run", "--from", "2026-11-01", "--to", "2026-11-30", "--json").stdout)
    assert body["period"] == {"start": "2026-11-01", "end": "2026-11-30"} and body["documents"] == 5
    [found] = body["findings"]
    assert found["rule"] == "INS-DUP-AMOUNT" and found["id"] == found["key"][:8]
    assert found["summary_ar"].startswith("للفاتورتين") and found["title_ar"] and found["action_ar"]
    assert [d["number"] for d in found["documents"]] == list(DUPLICATES)
    assert body["not_applicable"][0]["reason_ar"].startswith("5 مبالغ")


def test_list_names_customers_through_the_access_log(world: World, run: Run) -> None:
    assert run("insights", "list").stdout.startswith("No findings")
    run("insights", "run", "--period", "2026-11")
    shown = run("insights", "list")
    assert shown.exit_code == 0 and world.customer_name in shown.stdout and "open" in shown.stdout
    body = json.loads(run("insights", "list", "--json", "--rule", "ins-dup-amount").stdout)
    assert body[0]["customer_names"] == {world.customer: world.customer_name} and body[0]["mark"] is None
    assert body[0]["summary"] and body[0]["summary_ar"]
    with world.ctx.uow(write=False) as uow:
        assert {r.purpose for r in access_log.search(uow, f"customer:{world.customer}")} == {"insights"}
    assert json.loads(run("insights", "list", "--json", "--rule", "INS-SEQ-GAP").stdout) == []


def test_a_false_positive_is_not_raised_again_for_the_same_evidence(world: World, run: Run) -> None:
    run("insights", "run", "--period", "2026-11")
    ident = _id(run)
    marked = run("insights", "mark", ident, "--as", "false-positive", "--note", "one order, two deliveries")
    assert marked.exit_code == 0, marked.output
    assert f"Marked {ident} (INS-DUP-AMOUNT) false-positive." in marked.stdout
    assert json.loads(run("insights", "list", "--json", "--open").stdout) == []
    again = run("insights", "run", "--period", "2026-11")
    assert again.exit_code == 0 and "1 left out (marked false positive" in again.stdout
    with world.ctx.uow(write=False) as uow:
        actions = uow.session.scalars(select(m.AuditEntry.action)).all()
    assert "insight.marked" in actions and actions.count("insights.run") == 2


def test_mistakes_are_clear_messages_with_their_exit_codes(world: World, run: Run) -> None:
    bad = run("insights", "run", "--period", "2026-13")
    assert bad.exit_code == 2 and "2026-13" in bad.output and "a month (2026-11)" in bad.output
    backwards = run("insights", "run", "--from", "2026-11-30", "--to", "2026-11-01")
    assert backwards.exit_code == 2 and "--from before --to" in backwards.output
    assert run("insights", "list", "--rule", "INS-NOPE").exit_code == 2
    run("insights", "run", "--period", "2026-11")
    unknown = run("insights", "mark", "abcdef12", "--as", "resolved")
    assert unknown.exit_code == 5 and "abcdef12" in unknown.output and "qayd insights list" in unknown.output
    verdict = run("insights", "mark", _id(run), "--as", "ignored")
    assert verdict.exit_code == 2 and "acknowledged" in verdict.output
    threshold = run("insights", "thresholds", "--set", "duplicate_days=soon")
    assert threshold.exit_code == 2 and "duplicate_days" in threshold.output and "whole number" in threshold.output
    unknown_name = run("insights", "thresholds", "--set", "duplicate_weeks=2")
    assert unknown_name.exit_code == 2 and "duplicate_weeks" in unknown_name.output
    assert run("insights", "thresholds", "--set", "duplicate_days").exit_code == 2
    as_clerk(world.ctx)
    clerk = run("insights", "mark", _id(run), "--as", "resolved")
    assert clerk.exit_code == 11 and "admin or compliance" in clerk.output
    assert run("insights", "thresholds", "--set", "duplicate_days=10").exit_code == 11
    for result in (bad, backwards, unknown, verdict, threshold, unknown_name, clerk):
        assert "Traceback" not in result.output


def test_thresholds_show_values_defaults_and_docs_and_set_them(world: World, run: Run) -> None:
    shown = run("insights", "thresholds")
    assert shown.exit_code == 0 and "duplicate_days" in shown.stdout and "Riyadh time" in shown.stdout
    changed = run("insights", "thresholds", "--set", "duplicate_days=10", "--set", "weekend_days=4,5")
    assert changed.exit_code == 0, changed.output
    body = {t["name"]: t for t in json.loads(run("insights", "thresholds", "--json").stdout)}
    assert body["duplicate_days"]["value"] == 10 and body["duplicate_days"]["default"] == 7
    assert body["weekend_days"]["value"] == [4, 5] and all(t["doc"] for t in body.values())
    with world.ctx.uow(write=False) as uow:
        entry = uow.session.scalars(select(m.AuditEntry).where(m.AuditEntry.action == "setting.changed")
                                    .order_by(m.AuditEntry.seq.desc())).first()
    assert entry is not None and entry.subject == "setting:insights.thresholds"


def test_ctrl_c_stops_the_run_and_keeps_the_last_findings(world: World, run: Run,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    run("insights", "run", "--period", "2026-11")
    kept = json.loads(run("insights", "list", "--json").stdout)

    def interrupted(book: object, thresholds: object) -> list[object]:
        raise KeyboardInterrupt

    monkeypatch.setattr("core.insights.checks.timing.check", interrupted)
    stopped = run("insights", "run", "--period", "2026-11")
    assert stopped.exit_code == 130 and "Aborted." in stopped.stderr and "Traceback" not in stopped.output
    assert json.loads(run("insights", "list", "--json").stdout) == kept
    with world.ctx.uow(write=False) as uow:
        assert uow.session.scalars(select(m.AuditEntry.action)).all().count("insights.run") == 1


def test_help_says_findings_are_not_a_failure(run: Run) -> None:
    shown = run("insights", "run", "--help")
    assert shown.exit_code == 0 and "Exit 0 whatever is found" in shown.stdout


def test_an_erased_customer_shows_its_pseudonym(world: World, run: Run) -> None:
    assert run("insights", "run").exit_code == 0  # the default period: the last twelve months
    run("insights", "run", "--period", "2026-11")
    with sqlite3.connect(world.ctx.db.path) as conn:
        changed = conn.execute("UPDATE customer SET erased_at = '2026-12-01T00:00:00+00:00' WHERE id = ?",
                               (world.customer.replace("-", ""),))
        assert changed.rowcount == 1
    shown = run("insights", "list")
    assert "Erased customer " in shown.stdout and world.customer_name not in shown.stdout
