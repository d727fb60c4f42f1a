"""Monthly sales, VAT due and receivables, and ZATCA states per month, from a store where documents were issued
through the real issuing path in different months: checked by hand and by an independent Decimal recomputation
over the documents, with credit notes subtracting and months taken in Riyadh time."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.clock import saudi_date
from core.insights import SERIES, ZATCA_STATES, monthly_series, zatca_by_month
from core.invoicing.model import DocumentType, InvoiceLine, VatCategory
from core.store import models as m
from core.uow import Context
from core.zatca.issuing import issue_many
from tests.support.issuing_world import a_draft, ready_to_issue, save

MONTHS = (date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1))
END = date(2026, 11, 30)


def _at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def _line(quantity: str) -> tuple[InvoiceLine, ...]:
    return (InvoiceLine("Consulting hours", Decimal(quantity), Decimal("250.00"), VatCategory.STANDARD,
                        Decimal("15")),)


def _pay(ctx: Context, number: str | None, amount: str, refunded: str, paid_at: datetime, state: str) -> None:
    with ctx.uow() as uow:
        invoice = None if number is None else uow.session.scalar(select(m.Invoice.id).where(m.Invoice.number == number))
        now = uow.now()
        uow.session.add(m.Payment(id=uuid.uuid4(), created_at=now, updated_at=now, device_id=ctx.device_id,
                                  provider="fake", payment_ref=uuid.uuid4().hex, invoice_id=invoice,
                                  amount=Decimal(amount), refunded=Decimal(refunded), currency="SAR", state=state,
                                  paid_at=paid_at))
        uow.commit()


@pytest.fixture
def books(ctx: Context) -> Context:
    """Documents of 2 × 250 SAR + 15 % unless said (net 500, VAT 75, payable 575), issued August to November."""
    ready_to_issue(ctx)
    save(ctx,
         a_draft("INV-T-01", _at("2026-08-20")),
         a_draft("INV-T-02", _at("2026-09-15"), lines=_line("4")),  # net 1000, VAT 150
         # 21:30 UTC on 30 September is 00:30 on 1 October in Riyadh: an October invoice
         a_draft("INV-T-03", _at("2026-09-30", 21).replace(minute=30)),
         a_draft("INV-T-04", _at("2026-10-12"), currency="USD", exchange_rate=Decimal("3.75")),
         a_draft("CN-T-01", _at("2026-11-02"), type=DocumentType.CREDIT_NOTE, billing_reference="INV-T-02",
                 reason="Returned goods", lines=_line("1")),  # net 250, VAT 37.50, subtracted
         a_draft("DN-T-01", _at("2026-11-03"), type=DocumentType.DEBIT_NOTE, billing_reference="INV-T-01",
                 reason="Extra hours", lines=_line("1")),
         a_draft("INV-T-05", _at("2026-11-20")))
    with ctx.uow() as uow:
        issue_many(uow, ["INV-T-01", "INV-T-02", "INV-T-03", "INV-T-04", "CN-T-01", "DN-T-01", "INV-T-05"])
        uow.commit()
    _pay(ctx, "INV-T-01", "575.00", "0", datetime(2026, 9, 10, 10, 0, tzinfo=timezone(timedelta(hours=3))), "matched")
    # stored in UTC: 22:00 on 31 October is 1 November in Riyadh
    _pay(ctx, "INV-T-02", "1150.00", "100.00", datetime(2026, 10, 31, 22, 0, tzinfo=UTC), "matched")
    _pay(ctx, None, "999.00", "0", _at("2026-10-05"), "unmatched")  # not ours to count
    return ctx


def _recomputed(ctx: Context, end: date) -> dict[str, list[Decimal]]:
    """The same three series summed in Python over every issued document and payment, month by Riyadh date."""
    sign = {"invoice": 1, "debit_note": 1, "credit_note": -1}
    keys = [mo.isoformat()[:7] for mo in MONTHS]
    sales = dict.fromkeys(keys, Decimal(0))
    vat = dict.fromkeys(keys, Decimal(0))
    moves: list[tuple[date, Decimal]] = []
    with ctx.uow(write=False) as uow:
        for inv in uow.session.scalars(select(m.Invoice).join(m.IssuedDocument)):
            day, rate = saudi_date(inv.issue_datetime), inv.exchange_rate or Decimal(1)
            key = day.isoformat()[:7]
            if key in sales:
                sales[key] += sign[inv.type] * inv.tax_exclusive * (rate if inv.currency != "SAR" else 1)
                vat[key] += sign[inv.type] * inv.tax_total_sar
            moves.append((day, sign[inv.type] * inv.payable * (rate if inv.currency != "SAR" else 1)))
        for pay in uow.session.scalars(select(m.Payment).where(m.Payment.state == "matched")):
            moves.append((saudi_date(pay.paid_at), pay.refunded - pay.amount))
    ends = [min(date(mo.year + mo.month // 12, mo.month % 12 + 1, 1) - timedelta(days=1), end) for mo in MONTHS]
    owed = [sum((v for day, v in moves if day <= last), Decimal(0)) for last in ends]
    return {"sales": list(sales.values()), "vat_due": list(vat.values()), "receivables": owed}


def test_monthly_sales_vat_and_receivables(books: Context) -> None:
    with books.uow(write=False) as uow:
        series = monthly_series(uow, END, months=4)
    assert list(series) == list(SERIES)
    values = {name: list(s.values) for name, s in series.items()}
    assert all(s.months == MONTHS for s in series.values())
    # by hand: October holds INV-T-03 (its Riyadh day) and the USD invoice at 3.75; November the credit note's -250
    assert values["sales"] == [Decimal("500.00"), Decimal("1000.00"), Decimal("2375.00"), Decimal("500.00")]
    assert values["vat_due"] == [Decimal("75.00"), Decimal("150.00"), Decimal("356.25"), Decimal("75.00")]
    assert values["receivables"] == [Decimal("575.00"), Decimal("1150.00"), Decimal("3881.25"), Decimal("3406.25")]
    assert values == _recomputed(books, END)
    sales = series["sales"]
    assert sales.trend == (None,) * 4 and sales.seasonal == (None,) * 4  # too short to decompose
    assert sales.forecast.method == "naive" and sales.forecast.months == (date(2026, 12, 1), date(2027, 1, 1),
                                                                          date(2027, 2, 1))
    assert sales.forecast.values == (Decimal("500.00"),) * 3
    assert sales.to_json()["values"] == ["500.00", "1000.00", "2375.00", "500.00"]


def test_months_before_the_first_document_are_no_history(books: Context) -> None:
    with books.uow(write=False) as uow:
        series = monthly_series(uow, END, months=12)
    sales = series["sales"]
    assert sales.values[:8] == (Decimal("0.00"),) * 8 and sales.months[0] == date(2025, 12, 1)
    assert sales.forecast.method == "naive" and sales.forecast.values == (Decimal("500.00"),) * 3
    assert sales.forecast.label.endswith("too little history to test a model (4 months)")
    assert sales.trend == (None,) * 12 and sales.seasonal == (None,) * 12
    with books.uow(write=False) as uow:
        before = monthly_series(uow, date(2026, 7, 31), months=6)
    assert all(s.values == (Decimal("0.00"),) * 6 and s.forecast.values == () for s in before.values())


def test_a_running_month_is_shown_as_it_stands_and_forecast_whole(books: Context) -> None:
    with books.uow(write=False) as uow:
        series = monthly_series(uow, date(2026, 11, 19), months=4)
    sales = series["sales"]
    assert sales.values[-1] == Decimal("0.00")  # the credit note (-250) and the debit note (+250) so far; INV-T-05
    assert series["sales"].trend[-1] is None  # comes on the 20th
    # the forecast is made from the complete months (naive: October's 2375), and follows the running month
    assert sales.forecast.months == (date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1))
    assert sales.forecast.values == (Decimal("2375.00"),) * 3
    assert list(series["vat_due"].values) == [Decimal("75.00"), Decimal("150.00"), Decimal("356.25"),
                                                     Decimal("0.00")]
    assert series["receivables"].values == tuple(_recomputed(books, date(2026, 11, 19))["receivables"])
    with books.uow(write=False) as uow:  # the payment stored at 22:00 UTC on 31 October is November's in Riyadh
        october = monthly_series(uow, date(2026, 10, 31), months=3)["receivables"]
    assert october.values[-1] == Decimal("3881.25") == _recomputed(books, date(2026, 10, 31))["receivables"][2]


def test_documents_per_month_by_zatca_state(books: Context) -> None:
    with sqlite3.connect(books.db.path) as conn:
        def set_state(number: str, state: str, outcome: str, kind: str = "clearance") -> None:
            conn.execute("UPDATE zatca_submission SET state = ?, outcome = ?, kind = ? WHERE invoice_id = "
                         "(SELECT id FROM invoice WHERE number = ?)", (state, outcome, kind, number))
        set_state("INV-T-01", "done", "cleared")
        set_state("INV-T-02", "done", "already_submitted")  # an earlier send went through: cleared
        set_state("INV-T-03", "rejected", "rejected")
        set_state("CN-T-01", "done", "reported", "reporting")
        set_state("DN-T-01", "sending", "")
        conn.execute("DELETE FROM zatca_submission WHERE invoice_id = (SELECT id FROM invoice WHERE number = ?)",
                     ("INV-T-05",))
    with books.uow(write=False) as uow:
        status = zatca_by_month(uow, END, months=4)
        year = zatca_by_month(uow, END)
    assert status.months == MONTHS and set(status.counts) == set(ZATCA_STATES)
    assert status.counts == {"cleared": (1, 1, 0, 0), "reported": (0, 0, 0, 1), "rejected": (0, 0, 1, 0),
                             "waiting": (0, 0, 1, 1), "not_submitted": (0, 0, 0, 1)}
    assert len(year.months) == 12 and year.months[-1] == date(2026, 11, 1)
    assert sum(sum(v) for v in year.counts.values()) == 7
