"""Planted credit-note anomalies (core.insights.checks.credits): credits beyond their invoice, credits just after a
quarter closed on that quarter's invoices, and credits concentrated on a new clerk and on a few customers."""

from __future__ import annotations

import uuid
from datetime import timedelta

from core.insights.book import Doc, Line
from core.insights.calendar import is_working_day
from core.insights.checks.timing import vat_period
from tests.insights.synth import EGS, Synth

COUNT = 50


def _credit(synth: Synth, original: Doc, share: float, day, user: str | None = None) -> Doc:  # type: ignore[no-untyped-def]
    lines = tuple(Line(line.product, line.category, round(line.net * share), line.quantity, line.unit_price)
                  for line in original.lines)
    return synth.add(synth.doc(customer=synth.customer_of(original), moment=synth.working_moment(day),
                               user=user or synth.rng.choice(synth.users), lines=lines, type_="credit_note",
                               reference="@" + original.id, export=original.export))


def _invoices(synth: Synth) -> list[Doc]:
    return [d for d in synth.docs if d.type == "invoice" and d.customer is not None]


def plant_exceeds(synth: Synth) -> None:
    rng = synth.rng
    candidates = [d for d in _invoices(synth) if d.issued.date() < synth.end - timedelta(days=60)]
    for original in rng.sample(candidates, COUNT):
        day = original.issued.date() + timedelta(days=rng.randrange(2, 20))
        _credit(synth, original, 0.8, day)
        _credit(synth, original, rng.uniform(0.4, 0.8), day + timedelta(days=rng.randrange(1, 20)))
        synth.plant("INS-CRN-EXCEEDS", original.id)


def plant_after_close(synth: Synth) -> None:
    rng = synth.rng
    picked = 0
    candidates = rng.sample(_invoices(synth), len(_invoices(synth)))
    for original in candidates:
        _first, end = vat_period(original.issued.date(), 3)
        if end.month != original.issued.month or end >= synth.end:
            continue
        days = [end + timedelta(days=i) for i in range(1, 5) if is_working_day(end + timedelta(days=i))]
        if not days:
            continue
        note = _credit(synth, original, rng.uniform(0.3, 1.0), rng.choice(days))
        synth.plant("INS-CRN-AFTER-CLOSE", note.id)
        picked += 1
        if picked == COUNT:
            break


def plant_concentrated(synth: Synth) -> None:
    """A new clerk who issues few invoices and many credit notes, and four customers credited far more than usual."""
    rng = synth.rng
    user = f"user:{uuid.UUID(int=rng.getrandbits(128), version=4)}"
    synth.user_egs[user] = EGS[1]
    invoices = _invoices(synth)
    for _ in range(40):
        synth.add(synth.doc(customer=None, moment=synth.working_moment(), user=user,
                            lines=synth.lines_for(200.0)))
    for original in rng.sample(invoices, 30):
        _credit(synth, original, rng.uniform(0.1, 0.5), original.issued.date() + timedelta(days=rng.randrange(1, 30)),
                user)
    synth.plant("INS-CRN-CONCENTRATED", user)
    by_customer: dict[str, list[Doc]] = {}
    for doc in invoices:
        by_customer.setdefault(doc.customer, []).append(doc)  # type: ignore[arg-type]
    middling = sorted(c for c, docs in by_customer.items() if 15 <= len(docs) <= 60)
    for customer in rng.sample(middling, 4):
        docs = by_customer[customer]
        for original in rng.sample(docs, 12):
            _credit(synth, original, rng.uniform(0.1, 0.5),
                    original.issued.date() + timedelta(days=rng.randrange(1, 30)))
        synth.plant("INS-CRN-CONCENTRATED", f"customer:{customer}")


PLANTERS = {
    "INS-CRN-EXCEEDS": ("events", plant_exceeds),
    "INS-CRN-AFTER-CLOSE": ("events", plant_after_close),
    "INS-CRN-CONCENTRATED": ("events", plant_concentrated),
}
