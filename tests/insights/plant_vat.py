"""Planted VAT patterns (core.insights.checks.vat): a standard-rated product sold zero-rated or exempt on some
invoices, months whose zero-rated or exempt share jumps, and the export code on domestic buyers."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, timedelta

from tests.insights.synth import Synth, _add_months

COUNT = 50


def plant_product(synth: Synth) -> None:
    rng = synth.rng
    uses = Counter(line.product for d in synth.docs for line in d.lines)
    standard = {p.id for p in synth.products if p.category == "S" and uses[p.id] >= 20}
    candidates = [d for d in synth.docs if d.type == "invoice" and not d.export
                  and any(line.product in standard for line in d.lines)]
    for doc in rng.sample(candidates, COUNT):
        index = next(i for i, line in enumerate(doc.lines) if line.product in standard)
        lines = list(doc.lines)
        lines[index] = dataclasses.replace(lines[index], category=rng.choice("ZE"))
        doc.lines = tuple(lines)
        synth.plant("INS-VAT-PRODUCT", doc.id)


def plant_share(synth: Synth) -> None:
    """Three months whose zero-rated share, and one whose exempt share, rise about 25 points."""
    rng = synth.rng
    months = [_add_months(synth.start, i) for i in range(7, synth.months - 1)]
    chosen = rng.sample(months, 4)
    for index, first in enumerate(chosen):
        category = "E" if index == 3 else "Z"
        last = _add_months(first, 1) - timedelta(days=1)
        net = sum(line.net for d in synth.docs if d.type == "invoice" and first <= d.issued.date() <= last
                  for line in d.lines)
        target, added = net * 0.4, 0
        domestic = [c for c in synth.customers if c.country in ("", "SA") and c.created <= first]
        while added < target:
            day = first + timedelta(days=rng.randrange((last - first).days + 1))
            customer = rng.choice(domestic)
            doc = synth.add(synth.doc(customer=customer, moment=synth.working_moment(_working(synth, day, last)),
                                      user=rng.choice(synth.users),
                                      lines=synth.lines_for(customer.level * 3, (category,))))
            added += sum(line.net for line in doc.lines)
        synth.plant("INS-VAT-SHARE", f"period:{first.year:04d}-{first.month:02d}")


def _working(synth: Synth, day: date, last: date) -> date:
    from core.insights.calendar import is_working_day

    while not is_working_day(day):
        day = day + timedelta(days=1) if day < last else day - timedelta(days=7)
    return day


def plant_export(synth: Synth) -> None:
    rng = synth.rng
    saudi = {c.id for c in synth.customers if c.country == "SA"}
    domestic = [d for d in synth.docs if d.type == "invoice" and not d.export and d.customer in saudi]
    for doc in rng.sample(domestic, COUNT):
        doc.export = True
        synth.plant("INS-VAT-EXPORT", doc.id)


PLANTERS = {
    "INS-VAT-PRODUCT": ("events", plant_product),
    "INS-VAT-SHARE": ("events", plant_share),
    "INS-VAT-EXPORT": ("events", plant_export),
}
