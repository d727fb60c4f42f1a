"""A company with issued invoices and the fake payment provider registered under the name "fake"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.payments import PROVIDERS
from core.store import models as m
from core.uow import Context
from core.zatca.issuing import issue_many
from tests.support import fake_provider
from tests.support.fake_provider import FakeProvider, World
from tests.support.issuing_world import a_draft, ready_to_issue, save

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def issue(ctx: Context, count: int, *, prefix: str = "INV-P") -> list[str]:
    """`count` issued standard invoices of 575.00 SAR each (2 x 250 + 15 % VAT)."""
    numbers = [f"{prefix}-{i:04d}" for i in range(1, count + 1)]
    save(ctx, *(a_draft(n, T0 + timedelta(minutes=i)) for i, n in enumerate(numbers)))
    with ctx.uow() as uow:
        issue_many(uow, numbers)
        uow.commit()
    return numbers


def invoice_id(ctx: Context, number: str) -> str:
    with ctx.uow(write=False) as uow:
        return str(uow.session.scalar(select(m.Invoice.id).where(m.Invoice.number == number)))


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setitem(PROVIDERS, fake_provider.NAME, fake_provider.SPEC)
    fake_provider.WORLDS.clear()
    yield fake_provider.world()
    fake_provider.WORLDS.clear()


@pytest.fixture
def provider(gateway: World) -> FakeProvider:
    return FakeProvider(api_key="fake-key")


@pytest.fixture
def shop(ctx: Context) -> Context:
    """The demo company, ready to issue, with three issued invoices INV-P-0001..3."""
    ready_to_issue(ctx)
    issue(ctx, 3)
    return ctx


PAYABLE = Decimal("575.00")
