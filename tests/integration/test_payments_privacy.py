"""An individual's payments are in their access export and are held with their invoices by an erasure."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from core.payments import make_link, poll
from core.personal.catalogue import FIELDS, Erase
from core.privacy import erasure
from core.privacy.export import export_subject
from core.uow import Context
from tests.support.fake_provider import FakeProvider, World
from tests.support.payments_world import invoice_id
from tests.support.privacy import add_person


def test_payments_are_catalogued_held_like_invoices() -> None:
    payments = {f.table: f for f in FIELDS if f.table.startswith("payment")}
    assert set(payments) == {"payment", "payment_link", "payment_refund", "payment_event"}
    assert all(f.erase is Erase.HOLD and f.basis == "ksa-vat-records" for f in payments.values())


def test_the_export_carries_the_payments_and_an_erasure_holds_them(ctx: Context, provider: FakeProvider,
                                                                  gateway: World, tmp_path: Path) -> None:
    person = add_person(ctx)
    number = person.issued[0]
    link = make_link(ctx, provider, number)
    assert link is not None
    gateway.pay(link.link_id)
    assert poll(ctx, provider).recorded == 1
    result = export_subject(ctx, person.subject, tmp_path / "out")
    doc = json.loads((result.folder / "export.json").read_text("utf-8"))
    assert [(p["invoice"], p["amount"], p["state"]) for p in doc["data"]["payment"]] == [(number, "575.00", "matched")]
    assert [p["invoice"] for p in doc["data"]["payment_link"]] == [number]
    assert (result.folder / "payment.csv").exists()
    with ctx.uow(write=False) as uow:
        plan = erasure.preview(uow, person.subject)
    kept = next(i for i in plan.keep if i.record == f"invoice:{invoice_id(ctx, number)}")
    assert "payment.amount" in kept.fields and kept.basis == "ksa-vat-records"
    erasure.erase(ctx, person.subject)
    with sqlite3.connect(ctx.db.path) as conn:  # the payment stays, as the tax record it belongs to
        assert conn.execute("SELECT amount, state FROM payment").fetchall() == [("575.00", "matched")]
