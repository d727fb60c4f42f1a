"""Fixtures for the invoicing tests: the documented JSON example, a fixed clock and a draft factory."""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from core.invoicing.model import (
    Address,
    AllowanceCharge,
    CompanyProfile,
    DocumentKind,
    DocumentType,
    InvoiceDraft,
    InvoiceLine,
    Party,
    VatCategory,
)

# Hypothesis caches data in ./.hypothesis even with database=None; pytest's norecursedirs in pyproject
# replaces the default ".*" exclusion, so that folder in the repo root is then collected and the
# plugin's warning fails the run under filterwarnings=error. Keep the cache out of the repository.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "qayd-tests-hypothesis")

KSA = timezone(timedelta(hours=3))
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a few hours after the example was issued

EXAMPLE: dict[str, Any] = {
    "kind": "standard",
    "type": "invoice",
    "number": "INV-2026-0001",
    "issue_datetime": "2026-11-25T10:15:00+03:00",
    "supply_date": "2026-11-25",
    "currency": "SAR",
    "buyer": {
        "name": "شركة الأفق للتجارة",
        "vat_number": "311111111111113",
        "address": {
            "street": "King Fahd Road",
            "building_number": "1234",
            "district": "Al Olaya",
            "city": "Riyadh",
            "postal_code": "12211",
            "country": "SA",
        },
    },
    "lines": [
        {
            "name": "Consulting hours",
            "quantity": "10",
            "unit_price": "250.00",
            "vat_category": "S",
            "vat_rate": "15",
        },
        {
            "name": "Export freight",
            "quantity": "1",
            "unit_price": "1000",
            "vat_category": "Z",
            "exemption_reason_code": "VATEX-SA-32",
            "exemption_reason": "Export of goods",
        },
    ],
    "allowances": [{"reason": "Loyalty discount", "amount": "50.00", "vat_category": "S", "vat_rate": "15"}],
    "payment_means": "10",
}

SELLER = CompanyProfile(
    legal_name_ar="شركة قيد للبرمجيات",
    legal_name_en="Qayd Software Co.",
    vat_number="399999999900003",
    id_value="1010010000",
    address=Address("Prince Sultan Street", "2322", "Al Murabba", "Riyadh", "12345", "SA"),
)


@pytest.fixture
def example_json() -> dict[str, Any]:
    """A fresh deep copy of the documented example, safe to mutate."""
    return copy.deepcopy(EXAMPLE)


def _base_draft() -> InvoiceDraft:
    """The documented example, built directly (not through JSON) so rule tests do not depend on parsing."""
    return InvoiceDraft(
        kind=DocumentKind.STANDARD,
        type=DocumentType.INVOICE,
        number="INV-2026-0001",
        issue_datetime=datetime(2026, 11, 25, 10, 15, tzinfo=KSA),
        supply_date=date(2026, 11, 25),
        buyer=Party(
            name="شركة الأفق للتجارة",
            vat_number="311111111111113",
            address=Address("King Fahd Road", "1234", "Al Olaya", "Riyadh", "12211", "SA"),
        ),
        lines=(
            InvoiceLine(
                "Consulting hours", Decimal("10"), Decimal("250.00"), VatCategory.STANDARD, Decimal("15")
            ),
            InvoiceLine(
                "Export freight",
                Decimal("1"),
                Decimal("1000"),
                VatCategory.ZERO,
                Decimal("0"),
                exemption_reason_code="VATEX-SA-32",
                exemption_reason="Export of goods",
            ),
        ),
        allowances=(
            AllowanceCharge(Decimal("50.00"), VatCategory.STANDARD, Decimal("15"), reason="Loyalty discount"),
        ),
        payment_means="10",
    )


@pytest.fixture
def draft() -> Callable[..., InvoiceDraft]:
    """make(**changes) → the example draft with some fields replaced."""

    def make(**changes: Any) -> InvoiceDraft:
        return replace(_base_draft(), **changes)

    return make


@pytest.fixture
def line() -> Callable[..., InvoiceLine]:
    """make(**changes) → a valid standard-rated line with some fields replaced."""

    def make(**changes: Any) -> InvoiceLine:
        base = InvoiceLine(
            "Consulting hours", Decimal("1"), Decimal("100"), VatCategory.STANDARD, Decimal("15")
        )
        return replace(base, **changes)

    return make


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def seller() -> CompanyProfile:
    return SELLER
