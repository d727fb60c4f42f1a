"""Planted fabrication: made-up walk-in sales, as many as a quarter of the book's documents, with totals uniform over
four-digit amounts from SAR 5,000.00 to 9,999.99 (a person making up amounts seldom starts them with 1 to 4, which
Benford expects in 70 %), which Benford's first-two-digit test should reject for the whole book.

They are added rather than put in place of real totals, so the customers' histories and the users other planters
chose, which their planted anomalies stand out against, stay as they were when every rule is planted at once."""

from __future__ import annotations

from tests.insights.plant_digits import retotal
from tests.insights.synth import Synth

SHARE = 0.25


def plant_fabricated(synth: Synth) -> None:
    rng = synth.rng
    taken = set().union(*synth.truth.values()) if synth.truth else set()
    users = [u for u in synth.users if u not in taken]
    for _ in range(round(len(synth.docs) * SHARE)):
        total = rng.randrange(500_000, 1_000_000)
        doc = synth.doc(customer=None, moment=synth.working_moment(), user=rng.choice(users),
                        lines=synth.lines_for(total / 115))
        retotal(doc, total)
        synth.add(doc)
    synth.plant("INS-DIG-BENFORD", "book")


PLANTERS = {"INS-DIG-BENFORD": ("events", plant_fabricated)}
