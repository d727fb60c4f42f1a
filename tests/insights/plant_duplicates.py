"""Planted duplicates: an invoice billed again to the same buyer within days, with the same lines (INS-DUP-LINES)
or the same total on other lines (INS-DUP-AMOUNT); half of them re-typed as an ad-hoc buyer with the name spelt a
little differently and no VAT number, as a second clerk would."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from core.insights.book import Doc, Line, buyer_key
from core.insights.calendar import is_working_day
from tests.insights.synth import Synth, _uuid

COUNT = 50


def working_day(day: date) -> date:
    """`day`, or the next working day after it (Synth.working_moment picks any day for one that is not)."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _respelt(synth: Synth, name: str) -> str:
    """The same name as another clerk types it: one slip (a dropped "Co.", two words swapped, a doubled letter),
    perhaps in capitals."""
    rng = synth.rng
    words = name.split()
    how = rng.randrange(3)
    if how == 0 and "Co." in words:
        words.remove("Co.")
    elif how == 1 and len(words) > 2:
        words[0], words[1] = words[1], words[0]
    text = " ".join(words)
    if how == 2:
        i = rng.choice([i for i, ch in enumerate(text) if ch.isalpha()])
        text = text[:i] + text[i] + text[i:]
    return text.upper() if rng.random() < 0.5 else text


def _originals(synth: Synth, count: int) -> list[Doc]:
    last = synth.end - timedelta(days=10)
    pool = [d for d in synth.docs if d.type == "invoice" and d.customer is not None and d.day <= last
            and not any(d.id in keys for keys in synth.truth.values())]
    return synth.rng.sample(pool, count)


def _copy(synth: Synth, original: Doc, lines: tuple[Line, ...]) -> Doc:
    rng = synth.rng
    moment = synth.working_moment(working_day(original.day + timedelta(days=rng.randrange(0, 5))))
    copy = dataclasses.replace(original, id=_uuid(rng), number="", issued=moment,
                               recorded=moment + timedelta(seconds=rng.randrange(1, 600)),
                               user=rng.choice(synth.users), lines=lines)
    copy.egs = synth.user_egs[copy.user]
    if rng.random() < 0.5:  # re-typed as an ad-hoc buyer: no customer, no VAT number, the name spelt otherwise
        copy.buyer_name = _respelt(synth, original.buyer_name)
        copy.customer = None
        copy.buyer = buyer_key("", copy.buyer_name)
    return synth.add(copy)


def plant_same_lines(synth: Synth) -> None:
    for original in _originals(synth, COUNT):
        synth.plant("INS-DUP-LINES", original.id, _copy(synth, original, original.lines).id)


def plant_same_total(synth: Synth) -> None:
    """The same total billed as one line (the goods re-keyed as a lump sum), tax as on the original."""
    for original in _originals(synth, COUNT):
        first = original.lines[0]
        net = sum(line.net for line in original.lines)
        lump = Line("name:supplies as agreed", first.category, net, "1", f"{net / 100:.2f}")
        synth.plant("INS-DUP-AMOUNT", original.id, _copy(synth, original, (lump,)).id)


PLANTERS = {"INS-DUP-LINES": ("events", plant_same_lines), "INS-DUP-AMOUNT": ("events", plant_same_total)}
