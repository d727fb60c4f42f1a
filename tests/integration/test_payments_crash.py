"""A second process killed between recording payments and moving the cursor loses and duplicates nothing."""

from __future__ import annotations

import base64
import pickle
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.bootstrap import open_company
from core.config import load_settings
from core.payments import make_link, paid_statuses, poll
from core.uow import Context
from tests.support import fake_provider
from tests.support.fake_provider import FakeProvider
from tests.support.issuing_world import ready_to_issue
from tests.support.payments_world import issue

ROOT = Path(__file__).parents[2]

# The other process: the same company and the same provider account (the world, pickled), killed (os._exit, no
# clean-up of any kind) right after it recorded the page's payments, before the cursor moved and anything committed.
CHILD = textwrap.dedent("""
    import os, pickle, sys
    from core.bootstrap import open_company
    from core.config import load_settings
    from core.payments import ingest
    from tests.support import fake_provider

    fake_provider.WORLDS["fake-key"] = pickle.loads(open(sys.argv[1], "rb").read())
    ctx = open_company(load_settings(config_file=sys.argv[2]), username="other-process")
    def killed(uow, provider, cursor):
        uow.session.flush()  # the payments are written to the store's transaction: then the process dies
        os._exit(9)
    ingest._advance = killed
    ingest.poll(ctx, fake_provider.FakeProvider(api_key="fake-key"), limit=10)
""")


def _env(data: Path) -> dict[str, str]:
    return {"QAYD_DATA_DIR": str(data), "QAYD_COMPANY": "kill", "QAYD_MASTER_KEY_SOURCE": "env",
            "QAYD_MASTER_KEY": base64.b64encode(b"k" * 32).decode(), "XDG_STATE_HOME": f"{data}-state"}


@pytest.fixture
def company(tmp_path: Path) -> Context:
    (tmp_path / "empty.toml").write_text("", "utf-8")
    env = _env(tmp_path / "data")
    ctx = open_company(load_settings(environ=env, config_file=tmp_path / "empty.toml"), create=True, environ=env,
                       username="kill-test")
    ready_to_issue(ctx)
    return ctx


def test_a_poll_killed_in_another_process_loses_and_duplicates_nothing(company: Context, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fake_provider.WORLDS.clear()
    gateway, provider = fake_provider.world(), FakeProvider(api_key="fake-key")
    numbers = issue(company, 3)
    for number in numbers:
        link = make_link(company, provider, number)
        assert link is not None
        gateway.pay(link.link_id)
    (tmp_path / "world.pickle").write_bytes(pickle.dumps(gateway))
    env = {**_env(tmp_path / "data"), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    child = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "world.pickle"), str(tmp_path / "empty.toml")],
                           env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert child.returncode == 9, child.stderr[-2000:]
    with sqlite3.connect(company.db.path) as conn:
        assert conn.execute("SELECT count(*) FROM payment").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM payment_cursor").fetchone() == (0,)
    result = poll(company, provider)  # this process goes on: everything once
    assert (result.events, result.recorded) == (3, 3)
    assert poll(company, provider).events == 0
    with company.uow(write=False) as uow:
        assert {s.state for s in paid_statuses(uow).values()} == {"paid"}
    with sqlite3.connect(company.db.path) as conn:
        assert conn.execute("SELECT count(*) FROM payment").fetchone() == (3,)
    company.close()
    fake_provider.WORLDS.clear()
