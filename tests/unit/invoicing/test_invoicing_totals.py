"""Totals: hand-computed examples, foreign currency, allowances and charges, rounding edges, bad input."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.invoicing.model import AllowanceCharge, InvoiceDraft, InvoiceLine, VatCategory
from core.invoicing.totals import compute_totals, line_totals, money

MakeDraft = Callable[..., InvoiceDraft]
MakeLine = Callable[..., InvoiceLine]


def test_documented_example_by_hand(draft: MakeDraft) -> None:
    # Lines: 10 × 250.00 = 2500.00 (VAT 375.00) and 1 × 1000 zero rated; allowance 50.00 in S 15 %.
    # S taxable 2500 − 50 = 2450.00, VAT 2450 × 15 % = 367.50; Z taxable 1000.00, VAT 0.
    totals = compute_totals(draft())
    assert [(t.net, t.vat, t.gross) for t in totals.lines] == [
        (D("2500.00"), D("375.00"), D("2875.00")),
        (D("1000.00"), D("0.00"), D("1000.00")),
    ]
    assert [(b.category, b.rate, b.taxable_amount, b.tax_amount) for b in totals.breakdown] == [
        (VatCategory.STANDARD, D("15"), D("2450.00"), D("367.50")),
        (VatCategory.ZERO, D("0"), D("1000.00"), D("0.00")),
    ]
    assert totals.breakdown[1].exemption_reason_code == "VATEX-SA-32"
    assert totals.breakdown[1].exemption_reason == "Export of goods"
    assert totals.breakdown[0].exemption_reason_code == ""
    assert (totals.line_extension, totals.allowance_total, totals.charge_total) == (
        D("3500.00"),
        D("50.00"),
        D("0"),
    )
    assert totals.tax_exclusive == D("3450.00")
    assert totals.tax_total == totals.tax_total_sar == D("367.50")
    assert totals.tax_inclusive == D("3817.50")
    assert (totals.prepaid, totals.rounding, totals.payable) == (D("0"), D("0"), D("3817.50"))


def test_foreign_currency_converts_only_the_vat_total(draft: MakeDraft, line: MakeLine) -> None:
    # As in the SDK's USD sample: 285 USD of VAT at 3.75 SAR/USD is 1068.75 SAR (BT-111).
    totals = compute_totals(
        draft(currency="USD", exchange_rate=D("3.75"), allowances=(), lines=(line(unit_price=D("1900")),))
    )
    assert totals.tax_total == D("285.00")
    assert totals.tax_total_sar == D("1068.75")
    assert totals.payable == D("2185.00")  # amounts stay in USD


def test_foreign_currency_rounds_the_converted_vat(draft: MakeDraft, line: MakeLine) -> None:
    totals = compute_totals(
        draft(currency="EUR", exchange_rate=D("4.0123"), allowances=(), lines=(line(unit_price=D("10")),))
    )
    assert totals.tax_total == D("1.50")
    assert totals.tax_total_sar == D("6.02")  # 1.50 × 4.0123 = 6.01845 → 6.02


def test_missing_exchange_rate_does_not_raise(draft: MakeDraft) -> None:
    totals = compute_totals(draft(currency="USD", exchange_rate=None))
    assert totals.tax_total_sar == totals.tax_total


def test_charges_add_and_allowances_subtract_in_their_own_group(draft: MakeDraft, line: MakeLine) -> None:
    lines = (line(unit_price=D("1000")), line(unit_price=D("200"), vat_rate=D("5")))
    allowances = (
        AllowanceCharge(D("100"), VatCategory.STANDARD, D("15"), reason="Discount"),
        AllowanceCharge(
            D("40"), VatCategory.STANDARD, D("5"), reason="Freight", reason_code="FC", is_charge=True
        ),
    )
    totals = compute_totals(draft(lines=lines, allowances=allowances))
    assert [(b.rate, b.taxable_amount, b.tax_amount) for b in totals.breakdown] == [
        (D("15"), D("900.00"), D("135.00")),
        (D("5"), D("240.00"), D("12.00")),
    ]
    assert (totals.allowance_total, totals.charge_total) == (D("100.00"), D("40.00"))
    assert totals.tax_exclusive == D("1140.00")  # BR-CO-13: 1200 − 100 + 40
    assert totals.tax_inclusive == D("1287.00")  # BR-CO-15: 1140 + 147


def test_equal_rates_written_differently_share_one_group(draft: MakeDraft, line: MakeLine) -> None:
    totals = compute_totals(draft(allowances=(), lines=(line(), line(vat_rate=D("15.00")))))
    assert len(totals.breakdown) == 1
    assert totals.breakdown[0].taxable_amount == D("200.00")


@pytest.mark.parametrize(
    ("quantity", "price", "discount", "net"),
    [
        ("1", "0.005", "0", "0.01"),  # half-up, not half-even
        ("1", "0.125", "0", "0.13"),  # half-even would give 0.12
        ("3", "0.335", "0", "1.01"),  # 1.005
        ("1", "0.004", "0", "0.00"),
        ("2", "10", "0.015", "19.99"),  # 19.985, the discount is taken before rounding
        ("0.5", "3.33", "0", "1.67"),  # 1.665
    ],
)
def test_line_net_rounds_half_up_after_the_discount(
    line: MakeLine, quantity: str, price: str, discount: str, net: str
) -> None:
    assert line_totals(line(quantity=D(quantity), unit_price=D(price), discount=D(discount))).net == D(net)


def test_line_vat_is_rounded_on_the_rounded_net(line: MakeLine) -> None:
    # 33.33 × 15 % = 4.9995 → 5.00; 0.10 × 15 % = 0.015 → 0.02 (KSA-11).
    assert line_totals(line(unit_price=D("33.33"))).vat == D("5.00")
    small = line_totals(line(unit_price=D("0.10")))
    assert (small.vat, small.gross) == (D("0.02"), D("0.12"))


def test_breakdown_vat_comes_from_the_group_not_the_sum_of_lines(draft: MakeDraft, line: MakeLine) -> None:
    # Three lines of 0.10: each line shows 0.02 VAT (0.06 together), but BT-117 = 0.30 × 15 % = 0.045 → 0.05.
    # BR-S-09 tolerates the difference (0.01 per line); BR-CO-14/15 need the breakdown value.
    totals = compute_totals(draft(allowances=(), lines=(line(unit_price=D("0.10")),) * 3))
    assert sum(t.vat for t in totals.lines) == D("0.06")
    assert totals.breakdown[0].tax_amount == totals.tax_total == D("0.05")
    assert totals.tax_inclusive == D("0.35")


def test_prepaid_and_discounts_reduce_what_is_payable(draft: MakeDraft, line: MakeLine) -> None:
    totals = compute_totals(
        draft(allowances=(), prepaid_amount=D("100"), lines=(line(quantity=D("2"), discount=D("50")),))
    )
    assert totals.lines[0].net == D("150.00")
    assert totals.tax_inclusive == D("172.50")
    assert totals.payable == D("72.50")


def test_empty_draft_gives_zero_totals(draft: MakeDraft) -> None:
    totals = compute_totals(draft(lines=(), allowances=()))
    assert totals.lines == () and totals.breakdown == ()
    assert totals.tax_inclusive == totals.payable == D("0")


def test_allowance_without_lines_gives_a_negative_group(draft: MakeDraft) -> None:
    totals = compute_totals(draft(lines=()))
    assert totals.breakdown[0].taxable_amount == D("-50.00")
    assert totals.tax_exclusive == D("-50.00")


def test_money_rounds_half_up() -> None:
    assert money(D("2.675")) == D("2.68")
    assert money(D("-0.005")) == D("-0.01")
    assert str(money(D("7"))) == "7.00"


_odd = st.sampled_from([D("NaN"), D("sNaN"), D("Infinity"), D("-Infinity"), D("1E+999999"), D("-1E-999999")])
_values = st.one_of(_odd, st.decimals(allow_nan=True, allow_infinity=True))


@settings(
    max_examples=200,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    quantity=_values,
    price=_values,
    discount=_values,
    rate=_values,
    amount=_values,
    prepaid=_values,
    fx=_values,
)
def test_totals_never_raise_on_any_decimal(
    draft: MakeDraft,
    line: MakeLine,
    quantity: D,
    price: D,
    discount: D,
    rate: D,
    amount: D,
    prepaid: D,
    fx: D,
) -> None:
    bad_line = line(quantity=quantity, unit_price=price, discount=discount, vat_rate=rate)
    bad_allowance = AllowanceCharge(amount, VatCategory.ZERO, rate)
    totals = compute_totals(
        draft(
            lines=(bad_line,),
            allowances=(bad_allowance,),
            prepaid_amount=prepaid,
            currency="USD",
            exchange_rate=fx,
        )
    )
    assert len(totals.lines) == 1
