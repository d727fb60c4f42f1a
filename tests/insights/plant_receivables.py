"""Planted receivables anomalies (core.insights.checks.receivables): customers that paid regularly and then stopped
paying their invoices of the last months."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from statistics import median

from core.insights.book import Doc
from tests.insights.synth import RIYADH, Synth

COUNT = 40
WINDOW_DAYS = 240


def plant_overdue(synth: Synth) -> None:
    rng = synth.rng
    now = datetime.combine(synth.end + timedelta(days=1), time(9), RIYADH)
    docs: dict[str, Doc] = {d.id: d for d in synth.docs}
    paid_days: dict[str, list[float]] = {}
    for payment in synth.payments:
        doc = docs[payment.invoice]
        paid_days.setdefault(doc.customer, []).append(  # type: ignore[arg-type]
            (payment.paid_at - doc.issued).total_seconds() / 86400)
    invoices: dict[str, list[Doc]] = {}
    for doc in synth.docs:
        if doc.type == "invoice" and doc.customer is not None:
            invoices.setdefault(doc.customer, []).append(doc)
    candidates = []
    for customer, days in sorted(paid_days.items()):
        if len(days) < 10:
            continue
        limit = 2 * median(days) + 15
        stop = now - timedelta(days=WINDOW_DAYS)
        due = [d for d in invoices[customer] if stop <= d.issued and (now - d.issued).days > limit + 5]
        if len(due) >= 3:
            candidates.append((customer, stop))
    chosen = rng.sample(candidates, min(COUNT, len(candidates)))
    unpaid = set()
    for customer, stop in chosen:
        unpaid |= {d.id for d in invoices[customer] if d.issued >= stop}
        synth.plant("INS-AR-OVERDUE", f"customer:{customer}")
    synth.payments[:] = [p for p in synth.payments if p.invoice not in unpaid]


PLANTERS = {"INS-AR-OVERDUE": ("events", plant_overdue)}
