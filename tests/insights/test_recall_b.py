"""The issue's bars for the timing, VAT, sequence, credit-note and receivables checks, on the seeded generator: each
planted kind found (recall >= 0.9), each module flagging at most 0.2 % of the clean book's documents, and each module
within 1 s per 100,000 documents.

The 100,000-document books take about 20 s to make, so that variant is `slow`; the default run keeps the same bars on
20,000 documents (the time bar scaled to the size). Time is the process's CPU time: six helpers and the suite share
this machine's two cores, and wall time there measures the neighbours.
"""

from __future__ import annotations

import time

import pytest

from core.insights.checks import CHECKS, check_of
from core.insights.model import Finding
from core.insights.thresholds import DEFAULTS
from tests.insights import synth

MODULES = ("timing", "vat", "sequence", "credits", "receivables")
RULES = [rule for module in MODULES for rule in CHECKS[module]]


def _books(n: int) -> tuple[synth.Synth, synth.Synth]:
    return synth.clean(n), synth.planted(n, rules=RULES)


@pytest.fixture(scope="module")
def books_20k() -> tuple[synth.Synth, synth.Synth]:
    return _books(20_000)


@pytest.fixture(scope="module")
def books_100k() -> tuple[synth.Synth, synth.Synth]:
    return _books(100_000)


def _bars(clean: synth.Synth, planted: synth.Synth, module: str, n: int) -> None:
    book = clean.book()
    check_of(module)(book, DEFAULTS)  # warm: imports and the holiday tables
    seconds = float("inf")
    for _ in range(3):  # the best of three: what the check costs, not what the neighbours did meanwhile
        book = clean.book()  # a fresh book: receivables keeps its open amounts on the book for `collections`
        began = time.process_time()
        found = [f for f in check_of(module)(book, DEFAULTS) if isinstance(f, Finding)]
        seconds = min(seconds, time.process_time() - began)
    assert seconds <= n / 100_000, f"{module} took {seconds:.2f} s of CPU on {n} documents"
    share = synth.flagged_share(book, found)
    assert share <= 0.002, f"{module} flags {share:.3%} of the clean book: {[f.summary for f in found[:3]]}"
    truth = {rule: keys for rule, keys in planted.truth.items() if rule in CHECKS[module]}
    assert set(truth) == set(CHECKS[module]), "every rule of the module is planted"
    assert all(len(keys) >= 4 for keys in truth.values())
    found = [f for f in check_of(module)(planted.book(), DEFAULTS) if isinstance(f, Finding)]
    recall = synth.recall(truth, found)
    assert all(value >= 0.9 for value in recall.values()), recall


@pytest.mark.parametrize("module", MODULES)
def test_each_planted_kind_is_found_and_the_clean_book_stays_quiet_20k(books_20k, module):
    _bars(*books_20k, module, 20_000)


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES)
def test_each_planted_kind_is_found_and_the_clean_book_stays_quiet_100k(books_100k, module):
    _bars(*books_100k, module, 100_000)
