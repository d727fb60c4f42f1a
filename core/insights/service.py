"""Running the insights, keeping their findings, people's marks on them, and showing whom they are about.

* `run` loads the book once, runs every check (progress and cancel between checks), leaves out what a person marked a
  false positive for the same evidence, and replaces the last run's findings in one transaction with its audit entry
  (`insights.run`: the period and the count per rule; no personal data).
* `mark` records a verdict (acknowledged, false positive, resolved): admin or compliance only, audited, synchronised.
* `shown_names` is the one way a face turns a finding's customer ids into names: each read goes into the access log
  (purpose "insights"); an erased customer shows its pseudonym, a restricted one "(restricted)" to a clerk.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select

from core.clock import saudi_date
from core.errors import NotFoundError, ValidationError
from core.findings import Finding as Problem
from core.insights.model import Finding, MarkState, NotApplicable, RunResult, Stored
from core.progress import CancelCheck, Progress, check, part
from core.store.models import Customer, InsightFinding, InsightMark

if TYPE_CHECKING:
    from core.uow import Context, UnitOfWork

PURPOSE = "insights"
MARKERS = ("admin", "compliance")  # who may mark a finding


def default_period(now: datetime) -> tuple[date, date]:
    """A rolling year: the first day of the month eleven months back, to today (Riyadh days)."""
    today = saudi_date(now)
    month = today.month - 11
    year = today.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1), today


# The periods a face offers (the desktop's picker); `qayd insights run` takes any --period or --from/--to.
PERIODS = ("rolling_year", "this_quarter", "last_quarter", "this_year", "last_month")


def period_for(kind: str, now: datetime) -> tuple[date, date]:
    """The first and last Riyadh day of a named period (PERIODS), up to today for the running ones."""
    today = saudi_date(now)
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    if kind == "rolling_year":
        return default_period(now)
    if kind == "this_quarter":
        return quarter, today
    if kind == "last_quarter":
        end = quarter - timedelta(days=1)
        return date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end
    if kind == "this_year":
        return date(today.year, 1, 1), today
    if kind == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    raise ValueError(f"unknown period {kind!r}; one of {', '.join(PERIODS)}")


def run(ctx: Context, start: date | None = None, end: date | None = None, *, progress: Progress | None = None,
        cancelled: CancelCheck | None = None) -> RunResult:
    """Every check over the documents issued from `start` to `end` (Riyadh days; default `default_period`)."""
    from core.insights.book import gc_paused, load_book
    from core.insights.checks import CHECKS, check_of
    from core.insights.checks.receivables import collections
    from core.insights.thresholds import load

    began = time.perf_counter()
    if start is None or end is None:
        first, last = default_period(ctx.clock())
        start, end = start or first, end or last
    if end < start:
        raise ValidationError("The insights period", [Problem(
            rule="QAYD-INSIGHTS-PERIOD", field="period", message=f"The period ends ({end}) before it starts ({start}).",
            fix="Give the first day with --from and the last day with --to, or one --period.")])
    check(cancelled, "reading the books")
    if progress is not None:
        progress(0.0, "reading the books")
    found: list[Finding] = []
    not_applicable: list[NotApplicable] = []
    names = list(CHECKS)
    # The book and the checks make a million small objects and no cycles: one pause of the cyclic GC over both (one
    # catch-up collection after it, not one per phase; see core.insights.book.gc_paused).
    with gc_paused():
        with ctx.uow(write=False) as uow:
            thresholds = load(uow)
            book = load_book(uow, start, end)
            dismissed = false_positive_keys(uow)
        for index, name in enumerate(names):
            check(cancelled, f"check {name}")
            inner = part(progress, 0.2 + 0.7 * index / len(names), 0.2 + 0.7 * (index + 1) / len(names))
            if inner is not None:
                inner(0.0, f"checking {name}")
            for item in check_of(name)(book, thresholds):
                (found if isinstance(item, Finding) else not_applicable).append(item)  # type: ignore[arg-type]
        owed = collections(book)
    kept = sorted((f for f in found if f.key not in dismissed), key=lambda f: (-f.score, f.rule, f.key))
    check(cancelled, "saving the findings")
    now = ctx.clock()
    with ctx.uow() as uow:
        _store(uow, kept, now)
        uow.audit.append("insights.run", "insights", {
            "from": start.isoformat(), "to": end.isoformat(), "documents": len(book.docs),
            "findings": dict(sorted(Counter(f.rule for f in kept).items())),
            "suppressed": len(found) - len(kept)})
        uow.commit()
    if progress is not None:
        progress(1.0, f"{len(kept)} findings")
    return RunResult(period=(start, end), findings=tuple(kept), not_applicable=tuple(not_applicable),
                     documents=sum(1 for _ in book.period_docs()), suppressed=len(found) - len(kept),
                     seconds=time.perf_counter() - began, ran_at=now, collections=owed)


def _store(uow: UnitOfWork, findings: list[Finding], now: datetime) -> None:
    """Replace the last run's findings, each keeping when it was first seen; one executemany."""
    first_seen = {k: v for k, v in uow.session.execute(select(InsightFinding.key, InsightFinding.first_seen))}
    uow.session.execute(delete(InsightFinding))
    rows = [{"key": f.key, "rule": f.rule, "score": f.score, "run_at": now, "first_seen": first_seen.get(f.key, now),
             "body": json.dumps(f.to_json(), ensure_ascii=False, sort_keys=True)} for f in findings]
    if rows:
        uow.session.execute(insert(InsightFinding), rows)


def latest_marks(uow: UnitOfWork) -> dict[str, InsightMark]:
    """The latest mark of every finding key (any desk's: marks synchronise)."""
    marks: dict[str, InsightMark] = {}
    for row in uow.session.scalars(select(InsightMark).where(InsightMark.deleted_at.is_(None))
                                   .order_by(InsightMark.marked_at, InsightMark.created_at)):
        marks[row.finding_key] = row
    return marks


def false_positive_keys(uow: UnitOfWork) -> set[str]:
    return {key for key, row in latest_marks(uow).items() if row.state == MarkState.FALSE_POSITIVE}


def list_findings(uow: UnitOfWork, *, rule: str | None = None, include_marked: bool = True) -> list[Stored]:
    """The last run's findings, highest score first, each with its latest mark."""
    marks = latest_marks(uow)
    query = select(InsightFinding).order_by(InsightFinding.score.desc(), InsightFinding.rule, InsightFinding.key)
    if rule is not None:
        query = query.where(InsightFinding.rule == rule)
    stored = []
    for row in uow.session.scalars(query):
        mark = marks.get(row.key)
        if mark is not None and not include_marked:
            continue
        stored.append(Stored(finding=Finding.from_json(json.loads(row.body)), run_at=row.run_at,
                             first_seen=row.first_seen, mark=None if mark is None else MarkState(mark.state),
                             marked_by="" if mark is None else mark.marked_by, note="" if mark is None else mark.note))
    return stored


def find(uow: UnitOfWork, key: str) -> Stored:
    """One finding of the last run by its key or a unique prefix of it (at least 6 characters)."""
    text = key.strip().lower()
    matches = [s for s in list_findings(uow) if s.finding.key.startswith(text)] if len(text) >= 6 else []
    if len(matches) != 1:
        raise NotFoundError(f"No single finding has the id {key!r}." if not matches else
                            f"{len(matches)} findings start with {key!r}.",
                            fix="Give the id (or its first 8 characters) as `qayd insights list` shows it.")
    return matches[0]


def mark(ctx: Context, key: str, state: MarkState | str, note: str = "") -> Stored:
    """Record a person's verdict on a finding: one transaction with its audit entry (`insight.marked`)."""
    from core.personal.roles import require_role

    try:
        verdict = MarkState(str(state).replace("-", "_"))
    except ValueError:
        raise ValidationError("The mark", [Problem(
            rule="QAYD-INSIGHTS-MARK", field="as", message=f"{state!r} is not a verdict.",
            fix="Give acknowledged, false-positive or resolved.")]) from None
    with ctx.uow() as uow:
        require_role(uow, *MARKERS, action="mark insight findings")
        stored = find(uow, key)
        now = uow.now()
        uow.session.add(InsightMark(finding_key=stored.finding.key, rule=stored.finding.rule, state=verdict.value,
                                    note=note[:1000], marked_by=ctx.actor, marked_at=now, created_at=now,
                                    updated_at=now, device_id=ctx.device_id))
        uow.audit.append("insight.marked", f"insight:{stored.finding.key}", {
            "rule": stored.finding.rule, "state": verdict.value, "before": None if stored.mark is None
            else stored.mark.value, "documents": [d.number for d in stored.finding.documents][:50]})
        uow.commit()
    return Stored(stored.finding, stored.run_at, stored.first_seen, verdict, ctx.actor, note)


def pseudonym(customer_id: str, language: str = "en") -> str:
    """What an erased customer is called in insights: stable, and not the person's name."""
    code = hashlib.sha256(f"qayd-erased:{customer_id}".encode()).hexdigest()[:6].upper()
    return f"عميل محذوف {code}" if language == "ar" else f"Erased customer {code}"


@dataclass(frozen=True)
class Shown:
    name: str
    erased: bool = False
    restricted: bool = False


def shown_names(uow: UnitOfWork, customer_ids: list[str] | tuple[str, ...] | set[str], *, language: str = "en",
                purpose: str = PURPOSE) -> dict[str, Shown]:
    """Names of the customers findings are about, for a person to read: each read recorded in the access log."""
    from core.personal.roles import RESTRICTED, screen_customer

    shown: dict[str, Shown] = {}
    wanted = sorted(set(customer_ids))
    for index in range(0, len(wanted), 500):
        ids = [uuid.UUID(i) for i in wanted[index:index + 500]]
        for row in uow.session.scalars(select(Customer).where(Customer.id.in_(ids))):
            ident = str(row.id)
            if row.erased_at is not None:
                shown[ident] = Shown(pseudonym(ident, language), erased=True)
            elif not screen_customer(uow, row, purpose):
                shown[ident] = Shown(RESTRICTED, restricted=True)
            else:
                shown[ident] = Shown((row.name_ar or row.name) if language == "ar" else row.name)
    return shown



__all__ = ["MARKERS", "PERIODS", "PURPOSE", "Shown", "default_period", "false_positive_keys", "find", "latest_marks",
           "list_findings", "mark", "period_for", "pseudonym", "run", "shown_names"]

