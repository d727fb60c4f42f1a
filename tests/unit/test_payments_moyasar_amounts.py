"""Amounts at the Moyasar edge: Decimal major units to integer halalas and back, exactly, or a clear refusal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.payments import PaymentRefused
from core.payments.moyasar import MoyasarProvider, to_minor
from core.payments.moyasar_events import money


@pytest.mark.parametrize(("amount", "currency", "minor"), [
    ("0.01", "SAR", 1), ("115.50", "SAR", 11550), ("1234567.89", "SAR", 123456789), ("10", "SAR", 1000),
    ("1.250", "KWD", 1250), ("7", "JPY", 7),
])
def test_major_units_become_the_smallest_unit_exactly(amount: str, currency: str, minor: int) -> None:
    assert to_minor(Decimal(amount), currency) == minor
    assert money(minor, currency) == Decimal(amount)


@pytest.mark.parametrize("amount", ["0.001", "12.345", "0", "-5.00", "NaN", "Infinity"])
def test_an_amount_halalas_cannot_hold_is_refused_with_a_fix(amount: str) -> None:
    with pytest.raises(PaymentRefused) as caught:
        to_minor(Decimal(amount), "SAR")
    assert caught.value.fix and caught.value.exit_code == 13


def test_a_float_from_the_provider_is_not_taken_for_money() -> None:
    with pytest.raises(ValueError, match="not an integer"):
        money(115.5, "SAR")


def test_no_key_is_refused_before_any_request() -> None:
    with pytest.raises(PaymentRefused, match="No Moyasar API key"):
        MoyasarProvider("")
