"""The load test (tests/load) speaks to central with the engine's own statements: if the engine changes how it
pushes, pulls or registers, this fails, so the load figures keep measuring what the product runs."""

import inspect

from core.sync import engine, live
from tests.support import central_load


def test_the_load_simulator_runs_the_engines_own_statements() -> None:
    source = inspect.getsource(engine)
    for statement in (central_load.PUSH_SQL, central_load.NEWEST_SQL, central_load.PULL_SQL,
                      central_load.REGISTER_SQL):
        assert _flat(statement) in _flat(source), statement
    assert central_load.PULL_BATCH == engine.PULL_BATCH
    assert central_load.live.heartbeat is live.heartbeat


def _flat(text: str) -> str:
    """The text with Python's string-literal seams removed (`"…" "…"` across lines) and spaces squeezed."""
    joined = text.replace('"\n', "").replace('" ', "").replace('"', "")
    return " ".join(joined.split())
