"""The insights service on a real store: a run keeps its findings and says so in the audit chain, a person's false
positive is not raised again for the same evidence (on any desk: the mark synchronises), a cancelled run leaves the
last run's findings as they were.

The books are the seeded generator's (tests.insights.synth) written by tests.insights.store_writer, with duplicates
planted by hand. The checks that run are the real registry in one test; the others run one probe check (the simplest
same-buyer-same-total duplicate finder, raising INS-DUP-AMOUNT), so that what is asserted is the service's behaviour,
whatever the real checks find in the generator's noise.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

import core.insights.checks as checks
from core.errors import AccessDeniedError, NotFoundError
from core.insights import DocRef, Finding, MarkState, find, list_findings, mark, run
from core.insights.book import Book, money
from core.insights.calendar import is_working_day
from core.insights.service import false_positive_keys, latest_marks
from core.insights.thresholds import Thresholds
from core.progress import Cancelled
from core.sync.tables import TABLES as SYNCED
from core.uow import Context
from tests.insights import synth as gen
from tests.insights.store_writer import Written, write_book
from tests.support.pg import PgDatabase, PgServer
from tests.support.sync_world import World

START, MONTHS = date(2025, 11, 1), 12
PERIOD = (date(2026, 1, 1), date(2026, 10, 31))


def probe(book: Book, th: Thresholds) -> list[Finding]:
    """Invoices of the period with the same buyer and total as one issued at most a week before."""
    last: dict[tuple[str, int], gen.Doc] = {}
    found = []
    for doc in book.docs:
        if doc.type != "invoice" or not doc.buyer:
            continue
        before = last.get((doc.buyer, doc.total))
        if before is not None and doc.issued - before.issued <= timedelta(days=7) and book.in_period(doc):
            found.append(Finding(
                "INS-DUP-AMOUNT", 0.9, f"{doc.number} repeats {before.number}: same buyer, same total.",
                f"الفاتورة {doc.number} تكرر {before.number}: المشتري نفسه والإجمالي نفسه.",
                "Check whether the buyer was invoiced twice.", "تحقق مما إذا كان المشتري قد فوتر مرتين.",
                documents=(DocRef(before.id, before.number), DocRef(doc.id, doc.number)),
                customers=(doc.customer,) if doc.customer else (), figures={"total": str(money(doc.total))}))
        last[doc.buyer, doc.total] = doc
    return found


@pytest.fixture
def probe_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real = checks.check_of
    monkeypatch.setattr(checks, "CHECKS", {"probe": ("INS-DUP-AMOUNT",)})
    monkeypatch.setattr(checks, "check_of", lambda name: probe if name == "probe" else real(name))


def planted_duplicates(n: int = 300, seed: int = 3, count: int = 3) -> tuple[gen.Synth, list[str]]:
    """A clean book with `count` invoices copied to the same customer a day later: the copies' ids."""
    synth = gen.clean(n, seed=seed, start=START, months=MONTHS)
    originals = [d for d in synth.docs if d.type == "invoice" and d.customer is not None
                 and PERIOD[0] <= d.issued.date() <= PERIOD[1] - timedelta(days=5)]
    copies = []
    for original in synth.rng.sample(originals, count):
        day = original.issued.date() + timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
        copy = synth.doc(customer=synth.customer_of(original), moment=synth.working_moment(day),
                         user=original.user, lines=original.lines)
        copies.append(synth.add(copy).id)
    synth.number()  # as the generator's planting does: numbers in issue order, then notes name their originals
    gen._resolve_references(synth)
    return synth, copies


def _world(ctx: Context) -> tuple[gen.Synth, list[str], Written]:
    synth, copies = planted_duplicates()
    return synth, copies, write_book(ctx, synth)


def _audit(ctx: Context, action: str) -> list[dict]:  # type: ignore[type-arg]
    with ctx.uow(write=False) as uow:
        bodies = uow.session.connection().exec_driver_sql(
            "SELECT body FROM audit_entry WHERE action = ? ORDER BY seq", (action,)).scalars().all()
    return [json.loads(body) for body in bodies]


def test_run_stores_its_findings_and_one_audit_entry_with_the_counts(ctx: Context, probe_only: None) -> None:
    synth, copies, _ = _world(ctx)
    result = run(ctx, *PERIOD)

    assert {f.documents[1].id for f in result.findings} == set(copies)
    assert result.suppressed == 0
    assert result.documents == sum(1 for d in synth.docs if PERIOD[0] <= d.issued.date() <= PERIOD[1])
    with ctx.uow(write=False) as uow:
        stored = list_findings(uow)
    assert [s.finding for s in stored] == list(result.findings)  # the same findings, read back from the store
    assert all(s.first_seen == s.run_at == result.ran_at and s.mark is None for s in stored)
    [entry] = _audit(ctx, "insights.run")
    assert entry["subject"] == "insights" and entry["actor"] == ctx.actor
    assert entry["payload"]["data"] == {"from": "2026-01-01", "to": "2026-10-31", "documents": len(synth.docs),
                                        "findings": {"INS-DUP-AMOUNT": 3}, "suppressed": 0}
    assert "personal" not in entry["payload"]


def test_a_second_run_keeps_when_each_finding_was_first_seen(ctx: Context, probe_only: None) -> None:
    _world(ctx)
    first = run(ctx, *PERIOD)
    second = run(ctx, *PERIOD)
    assert second.ran_at > first.ran_at
    with ctx.uow(write=False) as uow:
        stored = list_findings(uow)
    assert {s.finding.key for s in stored} == {f.key for f in first.findings}
    assert all(s.run_at == second.ran_at and s.first_seen == first.ran_at for s in stored)
    assert len(_audit(ctx, "insights.run")) == 2


def test_a_false_positive_is_not_raised_again_but_other_evidence_of_the_same_rule_is(
        ctx: Context, probe_only: None) -> None:
    _world(ctx)
    first = run(ctx, *PERIOD)
    dismissed, *others = first.findings
    ctx.actor_role = "compliance"
    marked = mark(ctx, dismissed.key[:8], "false-positive", note="the customer ordered twice")
    assert marked.mark is MarkState.FALSE_POSITIVE and marked.marked_by == ctx.actor

    again = run(ctx, *PERIOD)
    assert again.suppressed == 1
    assert {f.key for f in again.findings} == {f.key for f in others}  # the same rule, other documents: raised
    assert all(f.rule == dismissed.rule for f in again.findings)
    with ctx.uow(write=False) as uow:
        assert dismissed.key not in {s.finding.key for s in list_findings(uow)}
    assert _audit(ctx, "insights.run")[-1]["payload"]["data"]["suppressed"] == 1
    [entry] = _audit(ctx, "insight.marked")
    assert entry["subject"] == f"insight:{dismissed.key}"
    assert entry["payload"]["data"]["state"] == "false_positive"
    assert entry["payload"]["data"]["documents"] == [d.number for d in dismissed.documents]


def test_a_clerk_may_not_mark_a_finding(ctx: Context, probe_only: None) -> None:
    _world(ctx)
    finding = run(ctx, *PERIOD).findings[0]
    ctx.actor_role = "clerk"
    with pytest.raises(AccessDeniedError):
        mark(ctx, finding.key, MarkState.ACKNOWLEDGED)
    with ctx.uow(write=False) as uow:
        assert all(s.mark is None for s in list_findings(uow))
    assert _audit(ctx, "insight.marked") == []


def test_find_takes_a_unique_prefix_of_the_id(ctx: Context, probe_only: None) -> None:
    _world(ctx)
    finding = run(ctx, *PERIOD).findings[0]
    with ctx.uow(write=False) as uow:
        assert find(uow, finding.key[:8].upper()).finding == finding
        assert find(uow, finding.key).finding == finding
        with pytest.raises(NotFoundError):
            find(uow, finding.key[:5])  # too short to name one
        with pytest.raises(NotFoundError):
            find(uow, "ffffffffffff")


def test_a_cancelled_run_leaves_the_last_runs_findings_untouched(ctx: Context, probe_only: None) -> None:
    _world(ctx)
    first = run(ctx, *PERIOD)
    asked: list[str] = []

    def cancel_at_the_last_moment() -> bool:  # the last question is just before the findings are saved
        asked.append("?")
        return len(asked) == 3  # reading the books, the check, saving the findings

    with pytest.raises(Cancelled):
        run(ctx, date(2025, 11, 1), date(2026, 10, 31), cancelled=cancel_at_the_last_moment)
    with ctx.uow(write=False) as uow:
        stored = list_findings(uow)
    assert [(s.finding, s.run_at) for s in stored] == [(f, first.ran_at) for f in first.findings]
    assert len(_audit(ctx, "insights.run")) == 1


def test_a_mark_is_a_synchronised_row_noted_in_the_outbox(ctx: Context, probe_only: None) -> None:
    assert "insight_mark" in SYNCED and "insight_finding" not in SYNCED
    _world(ctx)
    finding = run(ctx, *PERIOD).findings[0]
    with ctx.uow() as uow:
        conn = uow.session.connection()
        conn.exec_driver_sql("DELETE FROM sync_outbox")
        uow.commit()
    mark(ctx, finding.key, MarkState.RESOLVED)
    with ctx.uow(write=False) as uow:
        conn = uow.session.connection()
        noted = conn.exec_driver_sql("SELECT entity, row_id, op FROM sync_outbox").all()
        mark_id = conn.exec_driver_sql("SELECT id FROM insight_mark").scalar_one()
        assert conn.exec_driver_sql("SELECT count(*) FROM insight_finding").scalar_one() > 0
    assert [tuple(row) for row in noted] == [("insight_mark", mark_id, "upsert")]  # findings stay on this desk


def test_the_real_checks_run_over_the_written_books(ctx: Context) -> None:
    """Whatever the registry's checks find on this book, the run stores it and counts it in its audit entry."""
    _world(ctx)
    result = run(ctx, *PERIOD)
    with ctx.uow(write=False) as uow:
        assert {s.finding.key for s in list_findings(uow)} == {f.key for f in result.findings}
    counts = _audit(ctx, "insights.run")[-1]["payload"]["data"]["findings"]
    assert sum(counts.values()) == len(result.findings)
    assert set(counts) <= {rule for rules in checks.CHECKS.values() for rule in rules}


def test_a_false_positive_marked_on_one_desk_is_dismissed_on_the_others_after_a_pull(
        pg_server: PgServer, central_db: PgDatabase, tmp_path: Path, probe_only: None) -> None:
    desks = World(pg_server, central_db, tmp_path)
    try:
        a = desks.install("a", demo=1)
        b = desks.install("b")
        write_book(a.ctx, planted_duplicates()[0])
        with a.db() as conn:
            conn.execute("DELETE FROM sync_outbox")  # the generated books stay on a: only the mark is at stake
        finding = run(a.ctx, *PERIOD).findings[0]
        a.ctx.actor_role = "compliance"
        mark(a.ctx, finding.key, "false-positive")
        assert a.sync().pushed == 1
        b.sync()
        with b.ctx.uow(write=False) as uow:
            assert false_positive_keys(uow) == {finding.key}
            assert latest_marks(uow)[finding.key].marked_by == a.ctx.actor
    finally:
        desks.close()


def test_the_demo_companys_open_drafts_are_not_numbering_gaps(ctx: Context) -> None:
    """The demo issues 20 of its 60 drafts: the numbers between them are drafts still open, not missing documents."""
    from core.insights import load_book, run
    from core.invoicing import create_demo
    from core.zatca import add_demo_egs

    create_demo(ctx, drafts=60)
    add_demo_egs(ctx, issue=20)
    with ctx.uow(write=False) as uow:
        book = load_book(uow, date(2000, 1, 1), date(2100, 12, 31))
    assert len(book.drafts) == 40 and not book.drafts & {d.number for d in book.docs}
    result = run(ctx, date(2000, 1, 1), date(2100, 12, 31))
    assert [f for f in result.findings if f.rule == "INS-SEQ-GAP"] == []
