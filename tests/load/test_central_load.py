"""Central under load (issue 16, point 5): a thousand desks against one real PostgreSQL on loopback.

Not in the default run (marker `load`). Reproduce the figures in docs/CENTRAL.md with

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/load -m load -s -p no:cacheprovider

Every figure of the plan can be changed: QAYD_LOAD_SECONDS=300, QAYD_LOAD_DEVICES, QAYD_LOAD_COMPANIES,
QAYD_LOAD_LISTENERS, QAYD_LOAD_POOL, QAYD_LOAD_SYNC_EVERY, QAYD_LOAD_HEARTBEAT_EVERY, QAYD_LOAD_PUSH_EVERY,
QAYD_LOAD_CHANGES, and QAYD_LOAD_CONNECT_EACH_TIME=1 for a new session per sync and heartbeat, as the product opens
them, instead of pooled ones (tests/support/central_load.py's Plan).
"""

from __future__ import annotations

import os
import platform
from collections import Counter

import pytest

from tests.support.central_load import Central, Plan, Simulation, check_nothing_lost, quantile
from tests.support.pg import PgServer

pytestmark = pytest.mark.load


def _ms(values: list[float], q: float) -> str:
    return f"{quantile(values, q) * 1000:8.1f}"


def test_a_thousand_desks_push_pull_and_listen_with_nothing_lost_or_duplicated() -> None:
    plan = Plan.from_env()
    settings = {"shared_buffers": "256MB", "statement_timeout": "'30s'",
                "idle_in_transaction_session_timeout": "'60s'"}
    load_before = os.getloadavg()
    with PgServer(max_connections=2 * plan.pool + plan.listeners + 20, settings=settings) as server:
        central = Central(server.superuser_dsn(),
                          lambda login, password: server.dsn(user=login, password=password, sslmode="verify-full"),
                          plan)
        figures = Simulation(central).run()
        counts = check_nothing_lost(central)
        version = server.version

    f = figures
    print(f"\ncentral under load: {plan}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}, PostgreSQL {version}; "
          f"load average (1 min) {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"pushes {f.pushes} (changes {counts['pushed']}), pulls {f.pulls} (rows {f.pulled_rows}), "
          f"heartbeats {f.heartbeats}, change notifications received {f.notifications}")
    print("                      p50 ms   p95 ms   max ms      n")
    for name in ("push", "pull", "heartbeat", "connect", "wait", "notify_to_pull", "push_to_listener"):
        values = getattr(f, name)
        if not values:
            continue
        print(f"  {name:18} {_ms(values, 0.5)} {_ms(values, 0.95)} {_ms(values, 1.0)} {len(values):6}")
    print(f"errors {len(f.errors)}; {counts}")
    assert f.errors == [], f.errors[:10]
    assert f.pushes and f.pulls and f.heartbeats and f.notify_to_pull
    assert counts["duplicated"] == counts["lost"] == counts["unexpected"] == counts["desks_pulled_wrong"] == 0
    assert counts["changes"] == counts["pushed"] == f.pushes * plan.changes
    listening = Counter(d.company for d in central.desks if d.listening)  # spread evenly over the companies
    assert len(listening) == min(plan.companies, plan.listeners)
    assert max(listening.values()) - min(listening.values()) <= 1
