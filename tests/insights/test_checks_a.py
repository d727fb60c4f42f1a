"""The duplicate, digit, Benford and customer checks on small hand-built books: each rule fires on a made-up case
and stays quiet on its near miss; no buyer's name ever reaches a finding."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta

import pytest

from core.insights.book import Book, Client, Doc, Line, buyer_key
from core.insights.checks import benford, customers, digits, duplicates
from core.insights.checks._amounts import binomial_tail
from core.insights.model import Finding, NotApplicable
from core.insights.thresholds import DEFAULTS
from tests.insights.synth import RIYADH

START, END = date(2026, 1, 1), date(2026, 12, 31)
_count = iter(range(1, 10**6))


def doc(day: date, total: int, *, customer: str | None = "c1", name: str = "Al Noor Trading Co.", vat: str = "",
        lines: tuple[Line, ...] | None = None, type_: str = "invoice", user: str = "user:u1",
        reference: str = "") -> Doc:
    n = next(_count)
    return Doc(id=f"00000000-0000-4000-8000-{n:012d}", number=f"INV-T-{n:07d}", type=type_, kind="standard",
               issued=datetime.combine(day, time(10), RIYADH), recorded=None, user=user, customer=customer,
               buyer=buyer_key(vat, name), buyer_name=name, buyer_country="SA", egs="e", icv=n, total=total,
               tax=round(total * 15 / 115), currency="SAR", billing_reference=reference, export=False,
               lines=lines if lines is not None else (Line(f"p{n}", "S", total - round(total * 15 / 115), "1", "x"),))


def book(docs: list[Doc], clients: dict[str, Client] | None = None, start: date = START) -> Book:
    return Book(docs=docs, start=start, end=END, now=datetime.combine(END, time(12), RIYADH),
                customers=clients or {})


def found(check_result: list[Finding | NotApplicable], rule: str) -> list[Finding]:
    return [f for f in check_result if isinstance(f, Finding) and f.rule == rule]


def no_names(findings: list[Finding], *names: str) -> None:
    for f in findings:
        text = " ".join((f.summary, f.summary_ar, f.action, f.action_ar, *f.figures.values()))
        assert all(name.casefold() not in text.casefold() for name in names)


# -- duplicates --------------------------------------------------------------------------------------------------

def test_same_buyer_same_total_within_days_is_a_possible_duplicate() -> None:
    a, b = doc(date(2026, 3, 1), 1_234_560), doc(date(2026, 3, 3), 1_234_560)
    result = duplicates.check(book([a, b, doc(date(2026, 3, 2), 99_900)]), DEFAULTS)
    (f,) = found(result, "INS-DUP-AMOUNT")
    assert {d.number for d in f.documents} == {a.number, b.number}
    assert f.summary == f"{a.number} and {b.number}: same buyer, SAR 12,345.60 each, 2 days apart."
    assert "12,345.60 ريال" in f.summary_ar and "بفارق يومين" in f.summary_ar
    no_names([f], "Al Noor")


def test_no_duplicate_beyond_the_days_nor_for_another_vat_number_nor_a_note_on_its_invoice() -> None:
    far = [doc(date(2026, 3, 1), 500_000), doc(date(2026, 3, 1) + timedelta(days=DEFAULTS.duplicate_days + 1),
                                                  500_000)]
    vats = [doc(date(2026, 4, 1), 600_000, customer=None, vat="300000000000003"),
            doc(date(2026, 4, 2), 600_000, customer=None, vat="300000000000103")]
    invoice = doc(date(2026, 5, 1), 700_000)
    note = doc(date(2026, 5, 2), 700_000, type_="credit_note", reference=invoice.number)
    assert duplicates.check(book([*far, *vats, invoice, note]), DEFAULTS) == []


def test_the_same_lines_to_a_buyer_typed_again_with_its_name_spelt_otherwise() -> None:
    lines = (Line("p1", "S", 10_000, "2", "50.00"), Line("p2", "S", 20_000, "1", "200.00"))
    a = doc(date(2026, 6, 1), 34_500, name="Al Noor Trading Co. 12", lines=lines)
    b = doc(date(2026, 6, 1), 34_600, customer=None, name="AL NOOR TRADDING CO 12", lines=lines)
    (f,) = found(duplicates.check(book([a, b]), DEFAULTS), "INS-DUP-LINES")
    assert "same lines" in f.summary and "on the same day" in f.summary and f.score >= 0.8
    no_names([f], "noor")
    other = doc(date(2026, 6, 1), 34_500, customer=None, name="Al Noor Trading Co. 13", lines=lines)
    assert duplicates.check(book([a, other]), DEFAULTS) == []  # a branch with another number is another buyer


# -- digits --------------------------------------------------------------------------------------------------------

def _ordinary(rng: random.Random, count: int, **kw: object) -> list[Doc]:
    days = [START + timedelta(days=rng.randrange(360)) for _ in range(count)]
    return [doc(day, rng.randrange(1_000, 5_000_000) // 5_000 * 5_000 + rng.randrange(1, 5_000), **kw)
            for day in days]


def test_a_user_with_many_round_totals_against_the_company() -> None:
    rng = random.Random(1)
    company = _ordinary(rng, 2_000, customer=None, user="user:u2")
    ali = _ordinary(rng, 30, customer=None, user="user:ali")
    rounds = [doc(START + timedelta(days=i), 5_000 * (i + 3), customer=None, user="user:ali") for i in range(10)]
    (f,) = found(digits.check(book(company + ali + rounds), DEFAULTS), "INS-DIG-ROUND")
    assert f.scope == "user:ali" and f.users == ("user:ali",)
    assert {d.number for d in f.documents} == {d.number for d in rounds}
    assert "10 of 40" in f.summary and "10 من أصل 40" in f.summary_ar
    near = digits.check(book(company + ali + rounds[:1]), DEFAULTS)
    assert found(near, "INS-DIG-ROUND") == []


def test_a_customer_whose_totals_keep_ending_the_same() -> None:
    rng = random.Random(2)
    company = _ordinary(rng, 3_000, customer=None, user="user:u2")
    theirs = _ordinary(rng, 30, customer="c9", user="user:u2")
    same = [doc(START + timedelta(days=i), 100_000 + 1_000 * i + 47, customer="c9", user="user:u2")
            for i in range(12)]
    (f,) = found(digits.check(book(company + theirs + same), DEFAULTS), "INS-DIG-REPEAT")
    assert f.scope == "customer:c9" and f.customers == ("c9",) and ".47" in f.summary
    near = digits.check(book(company + theirs + same[:2]), DEFAULTS)
    assert found(near, "INS-DIG-REPEAT") == []


def test_binomial_tail() -> None:
    assert binomial_tail(1, 1, 0.5) == pytest.approx(0.5)
    assert binomial_tail(3, 3, 0.5) == pytest.approx(0.125)
    assert binomial_tail(0, 10, 0.1) == 1.0
    assert binomial_tail(2, 10, 0.1) == pytest.approx(1 - 0.9**10 - 10 * 0.1 * 0.9**9)


# -- Benford -------------------------------------------------------------------------------------------------------

def test_benford_needs_enough_amounts_over_enough_orders_of_magnitude() -> None:
    few = benford.check(book([doc(START, 12_345) for _ in range(20)]), DEFAULTS)
    assert len(few) == 1 and isinstance(few[0], NotApplicable) and "20" in few[0].reason and "20" in few[0].reason_ar
    narrow = benford.check(book([doc(START, 100_000 + i) for i in range(1_500)]), DEFAULTS)
    assert isinstance(narrow[0], NotApplicable) and "orders of magnitude" in narrow[0].reason
    assert "المراتب" in narrow[0].reason_ar


def test_benford_conforming_amounts_are_quiet_and_made_up_ones_are_raised() -> None:
    rng = random.Random(3)
    natural = [doc(START + timedelta(days=i % 360), int(10 ** rng.uniform(3, 7))) for i in range(20_000)]
    assert benford.check(book(natural), DEFAULTS) == []
    made_up = [doc(START + timedelta(days=i % 360), rng.randrange(300_000, 1_000_000)) for i in range(10_000)]
    (f,) = found(benford.check(book(natural + made_up), DEFAULTS), "INS-DIG-BENFORD")
    assert f.scope == "book" and f.figures["band"] == "nonconformity" and float(f.figures["mad"]) > 0.0022
    assert 0 < len(f.documents) <= 50 and f.figures["count"] == "30000"


def test_first_two_digits_at_powers_of_ten() -> None:
    import numpy as np

    values = np.array([10, 99, 100, 999, 1000, 1_000_000, 9_999_999, 10**15 - 1], dtype=np.int64)
    assert benford.first_two(values).tolist() == [10, 99, 10, 99, 10, 10, 99, 99]


# -- customers -----------------------------------------------------------------------------------------------------

def test_an_invoice_far_above_the_customers_own_baseline() -> None:
    rng = random.Random(4)
    history = [doc(START + timedelta(days=i * 7), int(100_000 * math.exp(rng.gauss(0, 0.2)))) for i in range(20)]
    big = doc(date(2026, 6, 1), 5_000_000)
    normal = doc(date(2026, 6, 8), 150_000)
    (f,) = found(customers.check(book([*history, big, normal]), DEFAULTS), "INS-CUS-SPEND")
    assert [d.number for d in f.documents] == [big.number] and f.customers == ("c1",)
    assert f.summary.startswith(f"{big.number}: SAR 50,000.00 to this customer") and "ريال" in f.summary_ar
    no_names([f], "Al Noor")


def test_a_new_customers_first_invoice_far_above_the_usual_first_invoice() -> None:
    before = START - timedelta(days=200)
    old = [doc(before + timedelta(days=i), 100_000 + i * 1_000, customer=f"old{i}") for i in range(30)]
    old_big = doc(before + timedelta(days=40), 5_000_000, customer="oldbig")  # first invoice before the period
    fresh = [doc(START + timedelta(days=i), 100_000 + i * 500, customer=f"new{i}") for i in range(10)]
    new_big = doc(date(2026, 4, 1), 2_000_000, customer="newbig")
    new_ok = doc(date(2026, 4, 2), 900_000, customer="newok")  # 9 ×: under the factor
    kinds = {d.customer: Client(str(d.customer), "business", datetime.combine(d.day, time(9), RIYADH), False)
             for d in (*old, old_big, *fresh, new_big, new_ok)}
    result = customers.check(book([*old, old_big, *fresh, new_big, new_ok], kinds), DEFAULTS)
    (f,) = found(result, "INS-CUS-NEW-LARGE")
    assert [d.number for d in f.documents] == [new_big.number] and f.customers == ("newbig",)
    assert "first invoice" in f.summary and "أول فاتورة" in f.summary_ar
