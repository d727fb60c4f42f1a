"""core.startup: start-up collects rarely, then collection is as before; only a process of its own freezes."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from core import startup


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    yield
    gc.set_threshold(*threshold)
    if gc.get_freeze_count() > frozen:
        gc.unfreeze()  # this test process runs on: give the objects back to the collector


def test_start_up_collects_rarely_then_as_before_without_freezing() -> None:
    before, frozen_before = gc.get_threshold(), gc.get_freeze_count()
    startup.begin()
    assert gc.get_threshold()[0] == startup.STARTING_THRESHOLD
    startup.begin()  # a second begin (a nested start) changes nothing
    startup.settle()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen_before  # nothing frozen in a shared process
    startup.settle()  # settling twice is harmless
    assert gc.get_threshold() == before


def test_a_process_of_its_own_freezes_what_start_up_made() -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    startup.begin(freeze=True)
    made = [[i] for i in range(1000)]  # start-up's objects
    startup.settle()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() >= frozen + len(made)
