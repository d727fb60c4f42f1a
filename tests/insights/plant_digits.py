"""Planted digit patterns: customers and a user whose totals are typed in round (whole multiples of SAR 50;
INS-DIG-ROUND) or keep ending in the same two digits (INS-DIG-REPEAT), on a share of their documents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from core.insights.book import Doc, Line
from tests.insights.synth import Synth

CUSTOMERS = 35  # per rule, plus one user


def retotal(doc: Doc, total: int) -> None:
    """Give `doc` the tax-inclusive `total` (halalas), its tax and lines scaled to match (a discount on each line
    absorbs the change, so lines, tax and total still add up)."""
    old = doc.total
    tax = round(doc.tax * total / old) if old else 0
    net = total - tax
    old_net = sum(line.net for line in doc.lines) or 1
    lines, left = [], net
    for i, line in enumerate(doc.lines):
        part = left if i == len(doc.lines) - 1 else round(line.net * net / old_net)
        left -= part
        lines.append(Line(line.product, line.category, part, line.quantity, line.unit_price))
    doc.total, doc.tax, doc.lines = total, tax, tuple(lines)


def untouched(synth: Synth, minimum: int) -> list[tuple[str, list[Doc]]]:
    """Customers with at least `minimum` invoices and nothing planted on them yet, with their invoices in issue
    order."""
    taken = set().union(*synth.truth.values()) if synth.truth else set()
    counts = Counter(d.customer for d in synth.docs if d.customer and d.type == "invoice")
    chosen = sorted(c for c, n in counts.items() if n >= minimum and "customer:" + c not in taken)
    docs: dict[str, list[Doc]] = {c: [] for c in chosen}
    for doc in sorted(synth.docs, key=lambda d: d.issued):
        if doc.customer in docs and doc.type == "invoice" and doc.id not in taken:
            docs[doc.customer].append(doc)
    return list(docs.items())


Change = Callable[[], Callable[[Doc], None]]  # a new change for each customer or user


def _plant(synth: Synth, rule: str, change: Change, customer_share: float, user_share: float) -> None:
    rng = synth.rng
    pool = untouched(synth, 40)
    for customer, docs in rng.sample(pool, min(CUSTOMERS, len(pool))):
        apply = change()
        for doc in rng.sample(docs, max(8, round(len(docs) * customer_share))):
            apply(doc)
        synth.plant(rule, "customer:" + customer)
    taken = set().union(*synth.truth.values())
    user = rng.choice([u for u in synth.users if u not in taken])
    customers = {k.removeprefix("customer:") for k in taken if k.startswith("customer:")}
    docs = [d for d in synth.docs if d.user == user and d.type == "invoice" and d.customer not in customers
            and d.id not in taken]
    apply = change()
    for doc in rng.sample(docs, round(len(docs) * user_share)):
        apply(doc)
    synth.plant(rule, user)


def plant_round(synth: Synth) -> None:
    def change() -> Callable[[Doc], None]:
        return lambda doc: retotal(doc, max(5_000, round(doc.total / 5_000) * 5_000))

    _plant(synth, "INS-DIG-ROUND", change, 0.25, 0.12)  # the planted customers raise every user's share too


def plant_repeat(synth: Synth) -> None:
    def change() -> Callable[[Doc], None]:
        ending = synth.rng.randrange(1, 100)  # each its own habit
        return lambda doc: retotal(doc, max(100, doc.total - doc.total % 100) + ending)

    _plant(synth, "INS-DIG-REPEAT", change, 0.3, 0.05)


PLANTERS = {"INS-DIG-ROUND": ("events", plant_round), "INS-DIG-REPEAT": ("events", plant_repeat)}
