"""Issue 17's bar over every check at once, on 100,000 generated documents: each planted kind is found (recall
>= 0.9 per rule) and at most 2 % of the clean book's documents are flagged by all checks together."""

from __future__ import annotations

import time

import pytest

from core.insights.checks import CHECKS
from core.insights.model import RULES
from tests.insights import synth

N = 100_000


@pytest.fixture(scope="module")
def clean() -> synth.Synth:
    return synth.clean(N, seed=23)


def test_every_rule_has_a_planter() -> None:
    assert sorted(synth.planters()) == sorted(RULES)


def test_the_clean_book_is_quiet_under_every_check(clean: synth.Synth) -> None:
    book = clean.book()
    began = time.process_time()
    found = synth.run_checks(book)
    seconds = time.process_time() - began
    share = synth.flagged_share(book, found)
    per_rule = {rule: sum(1 for f in found if f.rule == rule) for rule in RULES}
    print(f"\nclean {N:,}: {share:.3%} of documents flagged by {len(found)} findings in {seconds:.2f} s CPU; "
          f"{ {r: c for r, c in per_rule.items() if c} }")
    assert share <= 0.02
    assert seconds <= 10


def test_every_planted_kind_is_found_with_every_check_running() -> None:
    planted = synth.planted(N, seed=29)
    found = synth.run_checks(planted.book())
    recall = synth.recall(planted.truth, found)
    print(f"\nrecall per rule on {N:,} documents: {recall}")
    assert set(recall) == set(RULES) == {rule for rules in CHECKS.values() for rule in rules}
    assert all(value >= 0.9 for value in recall.values()), {r: v for r, v in recall.items() if v < 0.9}
