"""Planted customer anomalies: one invoice of an established customer at 30–80 × its usual spend (INS-CUS-SPEND),
and new customers whose first invoice is 20–60 × the company's median first invoice (INS-CUS-NEW-LARGE)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import timedelta

from tests.insights.plant_digits import retotal, untouched
from tests.insights.plant_duplicates import working_day
from tests.insights.synth import Customer, Synth, _uuid

COUNT = 50


def plant_spend(synth: Synth) -> None:
    rng = synth.rng
    for _, docs in rng.sample(untouched(synth, 20), COUNT):
        doc = rng.choice(docs[12:])
        retotal(doc, round(doc.total * rng.uniform(30, 80)))
        synth.plant("INS-CUS-SPEND", doc.id)


def plant_new_large(synth: Synth) -> None:
    """New customers (joining in the book's second half) whose first invoice is huge, followed by ordinary ones."""
    rng = synth.rng
    kinds = {c.id: c.kind for c in synth.customers}
    firsts: dict[str, dict[str, int]] = defaultdict(dict)
    for doc in sorted(synth.docs, key=lambda d: d.issued):
        if doc.customer and doc.type == "invoice":
            firsts[kinds[doc.customer]].setdefault(doc.customer, doc.total)
    medians = {kind: statistics.median(totals.values()) for kind, totals in firsts.items()}
    span = (synth.end - synth.start).days
    for index in range(COUNT):
        business = rng.random() < 0.6
        kind = "business" if business else "individual"
        joined = synth.start + timedelta(days=rng.randrange(span // 2, span - 30))
        level = medians[kind] / 100
        customer = Customer(id=_uuid(rng), kind=kind, name=f"New Planted Customer {index}",
                            vat="3" + f"{rng.randrange(10 ** 13):013d}" + "3" if business else "",
                            country="SA", level=level, spread=0.3, weight=1.0, pay_days=30, created=joined)
        synth.customers.append(customer)
        first = synth.doc(customer=customer, moment=synth.working_moment(working_day(joined)),
                          user=rng.choice(synth.users), lines=synth.lines_for(level))
        retotal(first, round(medians[kind] * rng.uniform(20, 60)))
        synth.add(first)
        for _ in range(rng.randrange(2, 6)):
            later = joined + timedelta(days=rng.randrange(3, 25))
            synth.add(synth.doc(customer=customer, moment=synth.working_moment(working_day(later)),
                                user=rng.choice(synth.users), lines=synth.lines_for(level)))
        synth.plant("INS-CUS-NEW-LARGE", first.id)


PLANTERS = {"INS-CUS-SPEND": ("events", plant_spend), "INS-CUS-NEW-LARGE": ("events", plant_new_large)}
