"""Planted sequence anomalies (core.insights.checks.sequence), after numbering: documents removed from the chain
(gaps), issue times set back a few hours against the counter, and documents dated days before they were recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from core.insights.book import Doc
from tests.insights.synth import Synth

COUNT = 50


def _chains(synth: Synth) -> list[list[Doc]]:
    units: dict[str, list[Doc]] = {}
    for doc in synth.docs:
        units.setdefault(doc.egs, []).append(doc)
    return [sorted(docs, key=lambda d: d.icv) for docs in units.values()]


def _pick(synth: Synth, fits: Callable[[Doc, Doc, Doc], bool]) -> list[tuple[Doc, Doc, Doc]]:
    """COUNT (previous, doc, next) triples, far from each other and from anything planted before."""
    taken = set().union(*synth.truth.values()) if synth.truth else set()
    triples = [(a, b, c) for chain in _chains(synth) for a, b, c in zip(chain, chain[1:], chain[2:], strict=False)
               if fits(a, b, c) and not {a.id, b.id, c.id} & taken]
    chosen: list[tuple[Doc, Doc, Doc]] = []
    used: set[str] = set()
    for triple in synth.rng.sample(triples, len(triples)):
        ids = {d.id for d in triple}
        if ids & used:
            continue
        chosen.append(triple)
        used |= ids
        if len(chosen) == COUNT:
            break
    return chosen


def plant_gap(synth: Synth) -> None:
    gone: set[str] = set()
    for before, doc, _after in _pick(synth, lambda a, b, c: b.type == "invoice"):
        gone.add(doc.id)
        synth.plant("INS-SEQ-GAP", before.id)
    synth.docs[:] = [d for d in synth.docs if d.id not in gone]


def plant_backwards(synth: Synth) -> None:
    rng = synth.rng
    for before, doc, _after in _pick(synth, lambda a, b, c: b.issued - a.issued < timedelta(hours=12)):
        doc.issued = before.issued - timedelta(minutes=rng.randrange(120, 1200))
        synth.plant("INS-SEQ-BACKWARDS", doc.id)


def plant_backdated(synth: Synth) -> None:
    rng = synth.rng
    for _before, doc, _after in _pick(synth, lambda a, b, c: b.issued.date() - synth.start > timedelta(days=45)):
        doc.issued -= timedelta(days=rng.randrange(5, 40))
        synth.plant("INS-SEQ-BACKDATED", doc.id)


PLANTERS = {
    "INS-SEQ-GAP": ("sequence", plant_gap),
    "INS-SEQ-BACKWARDS": ("sequence", plant_backwards),
    "INS-SEQ-BACKDATED": ("sequence", plant_backdated),
}
