"""A company with issued invoices to a demo customer, a check that flags two of them as duplicates (the real checks
are other modules' work: this one stands in for the duplicates check, over the real book the service loads), and
monthly series with a forecast built by hand (the trends are another module's)."""

from __future__ import annotations

import getpass
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from core.bootstrap import open_company
from core.config import Settings
from core.insights import DocRef, Finding, Forecast, NotApplicable, Series
from core.invoicing import Customer, CustomerKind, add_customer
from core.uow import Context
from core.zatca.issuing import issue_many
from tests.support.issuing_world import a_draft, ready_to_issue, save

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday, in working hours: nothing unusual
NUMBERS = tuple(f"INV-I-{i:04d}" for i in range(1, 6))
DUPLICATES = NUMBERS[1:3]
NAME, NAME_AR = "Huda Al-Qahtani", "هدى القحطاني"  # an individual: reading her name is logged


@dataclass(frozen=True)
class World:
    ctx: Context
    customer: str  # the demo customer's id
    customer_name: str
    customer_name_ar: str


def flag_duplicates(book: object, thresholds: object) -> list[Finding | NotApplicable]:
    """INV-I-0002 and INV-I-0003 flagged as a possible duplicate; Benford not applicable (too few amounts)."""
    docs = [d for d in book.period_docs() if d.number in DUPLICATES]  # type: ignore[attr-defined]
    if len(docs) < 2:
        return []
    a, b = docs[:2]
    found = Finding(
        rule="INS-DUP-AMOUNT", score=0.92,
        summary=f"{a.number} and {b.number} have the same buyer and the same total (575.00 SAR) within 1 day.",
        summary_ar=f"للفاتورتين {a.number} و{b.number} المشتري نفسه والإجمالي نفسه (575.00 ريال) خلال يوم واحد.",
        action="Check whether the second invoice was issued twice; if so, cancel it with a credit note.",
        action_ar="تحقق مما إذا كانت الفاتورة الثانية قد صدرت مرتين، وإن كان كذلك فألغها بإشعار دائن.",
        documents=(DocRef(a.id, a.number), DocRef(b.id, b.number)), customers=(a.customer,) if a.customer else (),
        figures={"total": "575.00", "days_apart": "0"})
    return [found, NotApplicable("INS-DIG-BENFORD", "Only 5 amounts: the test needs at least 1,000.",
                                 "5 مبالغ فقط: يحتاج الاختبار إلى 1,000 مبلغ على الأقل.")]


@pytest.fixture
def world(ctx: Context, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    ready_to_issue(ctx)
    person = Customer(name=NAME, name_ar=NAME_AR, kind=CustomerKind.INDIVIDUAL)
    with ctx.uow() as uow:
        add_customer(uow, person)
        uow.commit()
    customer, name, name_ar = person.id, NAME, NAME_AR
    save(ctx, *(a_draft(n, T0 + timedelta(minutes=i), customer_id=customer) for i, n in enumerate(NUMBERS)))
    with ctx.uow() as uow:
        issue_many(uow, list(NUMBERS))
        uow.commit()
    monkeypatch.setattr("core.insights.checks.duplicates.check", flag_duplicates)
    cli_user = getpass.getuser()
    open_company(settings, username=cli_user).close()  # registered as a clerk; made an admin here
    with sqlite3.connect(ctx.db.path) as conn:
        conn.execute("UPDATE staff_user SET role = 'admin' WHERE username = ?", (cli_user,))
    yield World(ctx, str(customer), name, name_ar)


def as_clerk(ctx: Context) -> None:
    with sqlite3.connect(ctx.db.path) as conn:
        conn.execute("UPDATE staff_user SET role = 'clerk' WHERE username = ?", (getpass.getuser(),))


def _months(first: date, count: int) -> tuple[date, ...]:
    return tuple(date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
                 for i in range(count))


def hand_series(end: date) -> dict[str, Series]:
    """Twelve months of each series up to `end`'s month and a three-month seasonal-naive forecast with a band."""
    months = _months(date(end.year - 1, end.month, 1), 13)[1:]
    ahead = _months(months[-1], 4)[1:]
    out = {}
    for name, base in (("sales", 40_000), ("vat_due", 6_000), ("receivables", 15_000)):
        values = tuple(Decimal(base + 700 * (i % 6)) for i in range(12))
        point = values[:3]
        forecast = Forecast("seasonal_naive", ahead, point, tuple(v * Decimal("0.8") for v in point),
                            tuple(v * Decimal("1.2") for v in point), None, None,
                            "Seasonal-naive (too little history for a model)",
                            "موسمي بسيط (التاريخ أقصر من أن يُبنى عليه نموذج)")
        out[name] = Series(name, months, values, (None,) * 12, (None,) * 12, forecast)
    return out
