"""The bar of issue 17 for the duplicate, digit, Benford and customer checks on the seeded generator: each planted
kind found (recall ≥ 0.9), each module flagging at most 0.2 % of a clean book's documents, each within 1 s.

The 20,000-document books run by default; the 100,000-document ones (the issue's size) with `-m slow`."""

from __future__ import annotations

import time

import pytest

from core.insights.checks import CHECKS, check_of
from core.insights.model import Finding
from core.insights.thresholds import DEFAULTS
from tests.insights import synth

MODULES = ("duplicates", "digits", "benford", "customers")
RULES = [rule for module in MODULES for rule in CHECKS[module]]


def _run(book: object, module: str) -> tuple[list[Finding], float]:
    """The module's findings and the processor time they took (this process's own: six helpers and the suite share
    two cores, so wall time measures the neighbours)."""
    check = check_of(module)  # imported before the clock starts
    began = time.process_time()
    result = check(book, DEFAULTS)  # type: ignore[arg-type]
    return [f for f in result if isinstance(f, Finding)], time.process_time() - began


@pytest.fixture(scope="module", params=[20_000, pytest.param(100_000, marks=pytest.mark.slow)])
def books(request: pytest.FixtureRequest) -> tuple[synth.Synth, synth.Synth]:
    return synth.clean(request.param), synth.planted(request.param, rules=RULES)


@pytest.mark.parametrize("module", MODULES)
def test_clean_book_is_quiet_and_fast(books: tuple[synth.Synth, synth.Synth], module: str) -> None:
    clean, _ = books
    book = clean.book()
    findings, seconds = _run(book, module)
    assert synth.flagged_share(book, findings) <= 0.002
    assert module != "benford" or findings == []
    assert seconds <= 1.0


@pytest.mark.parametrize("module", MODULES)
def test_every_planted_kind_is_found(books: tuple[synth.Synth, synth.Synth], module: str) -> None:
    _, planted = books
    findings, seconds = _run(planted.book(), module)
    truth = {rule: keys for rule, keys in planted.truth.items() if rule in CHECKS[module]}
    assert set(truth) == set(CHECKS[module])
    assert all(len(keys) >= 30 for rule, keys in truth.items() if rule != "INS-DIG-BENFORD")
    recall = synth.recall(truth, findings)
    assert all(value >= 0.9 for value in recall.values()), recall
    assert seconds <= 1.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_benford_over_several_books(seed: int) -> None:
    """Clean books conform; the same books with made-up amounts do not."""
    rules = ["INS-DIG-BENFORD"]
    clean = synth.clean(10_000, seed=seed).book()
    planted = synth.planted(10_000, seed=seed, rules=rules).book()
    assert _run(clean, "benford")[0] == []
    assert [f.rule for f in _run(planted, "benford")[0]] == rules
