"""Start-up without the cycle collector's pauses: importing SQLAlchemy, the mapped models and pydantic makes
hundreds of thousands of objects and none of them is garbage, yet each 700 allocations start a collection that walks
them again (~10 % of `qayd invoice list`). So start-up collects rarely, and once the company is open collection goes
back to normal. (Not `gc.freeze`: in a process that runs many commands, the tests', it would keep every cycle alive.)
"""

from __future__ import annotations

import gc

# A collection every million new objects, not never: a command that never opens a company still has a bound.
STARTING_THRESHOLD = 1_000_000


def begin() -> None:
    """Collect rarely until `settle`."""
    if gc.get_threshold()[0] != STARTING_THRESHOLD:
        _normal.append(gc.get_threshold())
        gc.set_threshold(STARTING_THRESHOLD, *_normal[-1][1:])


def settle() -> None:
    """Start-up is over: collect as before."""
    if _normal:
        gc.set_threshold(*_normal.pop())


_normal: list[tuple[int, ...]] = []
