"""A second desk joins in one step (issue 13, point 4): on a fresh install `qayd central connect URL --user LOGIN`
alone brings the company (profile, settings, customers, products, issued documents that verify); refusals write
nothing; a join cut half-way is taken up again; the new desk issues only with a unit of its own. After the join:
test_central_series.py."""

from __future__ import annotations

import io
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from core.central.admin import add_member
from core.cli import main
from core.company_settings import set_setting
from core.invoicing.service import get_company, update_company
from core.sync.tables import TABLES
from core.zatca.demo import add_demo_egs
from tests.support.pg import PgDatabase, PgServer
from tests.support.sync_world import Install, World, libpq

Runner = Callable[..., tuple[int, str]]


@pytest.fixture
def world(pg_server: PgServer, central_db: PgDatabase, tmp_path: Path) -> Iterator[World]:
    made = World(pg_server, central_db, tmp_path)
    yield made
    made.close()


@pytest.fixture
def first(world: World) -> Install:
    """The desk that set up central: a demo company with drafts, six of them issued by its own EGS unit."""
    a = world.install("a", demo=10)
    add_demo_egs(a.ctx, issue=6)
    with a.ctx.uow() as uow:
        set_setting(uow, "zatca.phase", 2)  # a company-wide setting travels with the company
        uow.commit()
    a.sync()
    return a


def login_for(world: World, name: str, level: str = "staff") -> tuple[str, str]:
    login, password = f"{name}_{uuid.uuid4().hex[:6]}", f"{name}-password-{uuid.uuid4().hex[:8]}"
    assert world.company_id is not None
    add_member(libpq(world.central.url), login, password, level, world.company_id, display_name=name)
    return login, password


def runner(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runner:
    config = tmp_path / f"{name}.toml"
    config.write_text("", "utf-8")

    def run(*args: str, stdin: str = "") -> tuple[int, str]:
        monkeypatch.setenv("QAYD_DATA_DIR", str(tmp_path / name))
        monkeypatch.setenv("QAYD_COMPANY", "acme")
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main(["--config", str(config), *args])
        out, err = capsys.readouterr()
        return code, out + err

    return run


def store(tmp_path: Path, name: str) -> Path:
    return tmp_path / name / "companies" / "acme.sqlite"


def rows(path: Path, table: str) -> dict[str, tuple[object, ...]]:
    """Every row of a synchronised table, whole, by key (a device's own flag aside)."""
    spec = TABLES[table]
    columns = [c for c in spec.columns if c != "is_local"]
    with sqlite3.connect(path) as conn:
        return {str(r[0]): tuple(r) for r in conn.execute(f"SELECT {', '.join(columns)} FROM {table}")}


SAME = ("company", "setting", "customer", "product", "invoice", "invoice_line", "invoice_allowance_charge",
        "egs_unit", "issued_document", "zatca_submission")


def test_a_fresh_install_joins_with_central_connect_alone(world: World, first: Install, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    login, password = login_for(world, "bob")
    b = runner(tmp_path, "b", monkeypatch, capsys)
    assert not store(tmp_path, "b").exists()
    code, out = b("central", "connect", world.url(), "--user", login, stdin=password + "\n")
    assert code == 0, out
    assert "Joined Qayd Demo Trading Co." in out and "6 issued documents" in out
    assert "qayd zatca onboard" in out and "series D" in out
    joined = store(tmp_path, "b")
    for table in SAME:  # the same company, settings, customers, products and documents, row for row
        assert rows(joined, table) == rows(first.ctx.db.path, table), table
    assert len(rows(joined, "issued_document")) == 6 and len(rows(joined, "customer")) > 0
    code, out = b("company", "show")
    assert code == 0 and "Qayd Demo Trading Co." in out and "399999999900003" in out
    # The stored documents verify on the new desk: stamp, ICV/PIH chain and the hash its own chain recorded.
    code, out = b("audit", "verify")
    assert code == 0, out
    # Nothing that must stay on a desk travelled: no EGS key, no other device's key; a master key of its own.
    with sqlite3.connect(joined) as conn:
        secrets = {name for (name,) in conn.execute("SELECT name FROM secret")}
        units = [str(uuid.UUID(u)) for (u,) in conn.execute("SELECT id FROM egs_unit")]
    assert secrets == {"device/signing-key", "central.password"} and units  # the EGS keys stayed on desk a
    with sqlite3.connect(first.ctx.db.path) as conn:
        theirs = {bytes(k) for (k,) in conn.execute("SELECT public_key FROM device WHERE is_local = 1")}
    with sqlite3.connect(joined) as conn:
        mine = {bytes(k) for (k,) in conn.execute("SELECT public_key FROM device WHERE is_local = 1")}
    assert mine and theirs and not mine & theirs  # its own device key
    # The desk syncs from now on: a change on the first desk arrives.
    with first.ctx.uow() as uow:
        update_company(uow, replace(get_company(uow), legal_name_en="Qayd Demo Trading Company"))
        uow.commit()
    first.sync()
    code, out = b("sync")
    assert code == 0, out
    code, out = b("company", "show")
    assert "Qayd Demo Trading Company" in out
    code, out = b("central", "status")
    assert code == 0 and "invoice number series: D" in out, out
    code, out = b("central", "status", "--json")
    info = json.loads(out)
    devices = {d["id"]: d["series"] for d in info["devices"]}
    assert devices[info["this_device"]] == info["series"] and info["series"].startswith("D")
    assert devices[str(first.ctx.device_id)] == ""  # the desk that set up central: the main series


def test_a_pulled_document_edited_on_the_new_desk_fails_verify(world: World, first: Install, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    login, password = login_for(world, "eve")
    b = runner(tmp_path, "b", monkeypatch, capsys)
    assert b("central", "connect", world.url(), "--user", login, stdin=password + "\n")[0] == 0
    with sqlite3.connect(store(tmp_path, "b")) as conn:  # an attacker with the file: the trigger out of the way
        triggers = [sql for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'issued_document' "
            "AND sql LIKE '%BEFORE UPDATE%'")]
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = "
                                    "'issued_document' AND sql LIKE '%BEFORE UPDATE%'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("UPDATE issued_document SET invoice_hash = 'forged' WHERE icv = 3")
        assert triggers
    code, out = b("audit", "verify")
    assert code == 1 and "audit chain recorded" in out, out


def test_join_refusals_write_nothing(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    a = world.install("a", demo=2)  # has not synced: central holds no profile yet
    login, password = login_for(world, "carl")
    b = runner(tmp_path, "b", monkeypatch, capsys)
    code, out = b("central", "connect", world.url(), "--user", login, stdin=password + "\n")
    assert code == 3 and "no company profile" in out and "qayd sync" in out, out
    assert not store(tmp_path, "b").exists()
    a.sync()
    code, out = b("central", "connect", world.url(), "--user", login, stdin="wrong-password-here\n")
    assert code == 4 and "refused the login" in out and not store(tmp_path, "b").exists()
    code, out = b("central", "connect", world.url(), "--user", login, "--series", "ruh-2", stdin=password + "\n")
    assert code == 2 and "QAYD-SERIES" in out and "capital letters" in out and not store(tmp_path, "b").exists()
    code, out = b("central", "connect", world.url(), "--user", login, "--series", "RUH2", stdin=password + "\n")
    assert code == 0 and "series RUH2" in out, out
    login2, password2 = login_for(world, "dina")
    c = runner(tmp_path, "c", monkeypatch, capsys)
    code, out = c("central", "connect", world.url(), "--user", login2, "--series", "RUH2", stdin=password2 + "\n")
    assert code == 2 and "QAYD-SERIES-TAKEN" in out and not store(tmp_path, "c").exists(), out
    code, out = b("central", "connect", world.url(), "--user", login, stdin=password + "\n")
    assert code == 0 and "registered" in out  # connecting an existing desk again is today's connect


def test_a_joined_desk_issues_only_with_a_unit_of_its_own(world: World, first: Install, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    login, password = login_for(world, "fay")
    b = runner(tmp_path, "b", monkeypatch, capsys)
    assert b("central", "connect", world.url(), "--user", login, stdin=password + "\n")[0] == 0
    with sqlite3.connect(store(tmp_path, "b")) as conn:
        (draft,) = conn.execute("SELECT number FROM invoice WHERE status = 'draft' ORDER BY number LIMIT 1").fetchone()
    code, out = b("invoice", "issue", draft)
    assert code != 0 and code != 70 and "Traceback" not in out and "onboard" in out, out
    with sqlite3.connect(store(tmp_path, "b")) as conn:
        assert conn.execute("SELECT status FROM invoice WHERE number = ?", (draft,)).fetchone() == ("draft",)


def test_a_join_cut_half_way_is_taken_up_again(world: World, first: Install, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from core.sync import join
    from core.sync.engine import SyncError

    login, password = login_for(world, "gil")
    b = runner(tmp_path, "b", monkeypatch, capsys)
    real = join.sync_once

    def cut(*args: object, **kwargs: object) -> object:
        raise SyncError("The central database cannot be reached.", fix="Check the network.")

    monkeypatch.setattr(join, "sync_once", cut)
    code, out = b("central", "connect", world.url(), "--user", login, "--series", "GIL", stdin=password + "\n")
    assert code == 4 and "cannot be reached" in out and "Traceback" not in out
    with sqlite3.connect(store(tmp_path, "b")) as conn:  # a store without its company, its series already set
        assert conn.execute("SELECT count(*) FROM company").fetchone() == (0,)
        assert conn.execute("SELECT series FROM device WHERE is_local = 1").fetchone() == ("GIL",)
    monkeypatch.setattr(join, "sync_once", real)
    code, out = b("central", "connect", world.url(), "--user", login, stdin=password + "\n")
    assert code == 0 and "Joined" in out and "series GIL" in out, out
    assert rows(store(tmp_path, "b"), "customer") == rows(first.ctx.db.path, "customer")
    assert b("audit", "verify")[0] == 0


def test_a_login_that_is_no_member_is_told_so(world: World, first: Install, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with world.superuser() as conn:  # a PostgreSQL login Qayd never made a member
        conn.execute("CREATE ROLE stranger_join LOGIN PASSWORD 'stranger-password-1'")
    try:
        b = runner(tmp_path, "b", monkeypatch, capsys)
        code, out = b("central", "connect", world.url(), "--user", "stranger_join", stdin="stranger-password-1\n")
        assert code == 3 and "qayd central user" in out and "Traceback" not in out, out
        assert "stranger-password-1" not in out and not store(tmp_path, "b").exists()
        assert b("init", "--demo")[0] == 0  # and connecting an existing desk with it: the same clear refusal
        code, out = b("central", "connect", world.url(), "--user", "stranger_join", stdin="stranger-password-1\n")
        assert code == 3 and "qayd central user" in out and "Traceback" not in out, out
    finally:
        with world.superuser() as conn:
            conn.execute("DROP ROLE stranger_join")
