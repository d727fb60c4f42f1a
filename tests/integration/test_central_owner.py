"""`qayd central init` and `qayd central user` as the owner README describes: a login with CREATEROLE
that owns the database but is not a superuser; and `central user` never takes over a role Qayd did not create.
Against the real PostgreSQL (issue 12, point 8)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from psycopg import sql

from core.central.admin import CentralSetupError, add_member
from core.cli import main
from tests.support.pg import PgDatabase, PgServer

Run = Callable[..., tuple[int, str]]
ROLE_STATE = ("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolcanlogin, rolpassword, "
              "(SELECT array_agg(g.rolname ORDER BY g.rolname) FROM pg_auth_members m JOIN pg_roles g "
              "ON g.oid = m.roleid WHERE m.member = a.oid) FROM pg_authid a WHERE rolname = %s")


@dataclass
class Owned:
    db: PgDatabase
    owner: str
    url: str  # the owner's address, its password in PGPASSWORD
    member_url: str  # the address members log in at, without a user
    a: Run  # `qayd` on install a


def runner(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
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


@pytest.fixture
def owned(pg_server: PgServer, pg_db: PgDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> Iterator[Owned]:
    """A fresh database owned by a CREATEROLE, non-superuser login, with the central schema made by it."""
    owner, password = f"owner_{uuid.uuid4().hex[:6]}", f"owner-password-{uuid.uuid4().hex}"
    pg_server.psql(sql.SQL("CREATE ROLE {} LOGIN CREATEROLE PASSWORD {}").format(
        sql.Identifier(owner), sql.Literal(password)), dbname="postgres")
    pg_server.psql(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(pg_db.name), sql.Identifier(owner)),
                   dbname="postgres")
    assert pg_db.psql("SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = %s", (owner,)) == [(False, True)]
    base = f"localhost:{pg_server.port}/{pg_db.name}?sslmode=verify-full&sslrootcert={pg_server.ca_file}"
    a = runner(tmp_path, "a", monkeypatch, capsys)
    assert a("init", "--demo")[0] == 0
    monkeypatch.setenv("PGPASSWORD", password)  # libpq's own variable, as README says
    made = Owned(pg_db, owner, f"postgresql://{owner}@{base}", f"postgresql://{base}", a)
    code, out = a("central", "init", made.url)
    assert code == 0 and "revision c0002" in out, out
    yield made


def test_a_createrole_owner_sets_up_central_and_its_logins_sync(owned: Owned, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    a = owned.a
    assert owned.db.psql("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'qayd'") == [(owned.owner,)]
    code, out = a("central", "user", owned.url, "alice_own", "--level", "admin", stdin="alice-password-1234\n")
    assert code == 0, out
    code, out = a("central", "user", owned.url, "bob_own", "--level", "compliance", stdin="bob-password-12345\n")
    assert code == 0, out
    # again: a new password and level for a login Qayd made (the owner may change it)
    code, out = a("central", "user", owned.url, "bob_own", "--level", "staff", stdin="bob-password-67890\n")
    assert code == 0, out
    for login, group in (("alice_own", "qayd_admin"), ("bob_own", "qayd_staff")):
        superuser, createrole, createdb, bypass, can_login, verifier, groups = owned.db.psql(ROLE_STATE, (login,))[0]
        assert (superuser, createrole, createdb, bypass, can_login, groups) == (False, False, False, False, True,
                                                                              [group])
        assert verifier.startswith("SCRAM-SHA-256$")
    assert owned.db.psql("SELECT m.login::text, m.role_oid = r.oid FROM qayd.member m JOIN pg_roles r "
                         "ON r.rolname = m.login ORDER BY 1") == [("alice_own", True), ("bob_own", True)]
    monkeypatch.delenv("PGPASSWORD")
    code, out = a("central", "connect", owned.member_url, "--user", "alice_own", stdin="alice-password-1234\n")
    assert code == 0, out
    code, out = a("sync")
    assert code == 0 and "Pushed" in out, out
    b = runner(tmp_path, "b", monkeypatch, capsys)
    assert b("init", "--demo")[0] == 0
    assert b("central", "connect", owned.member_url, "--user", "bob_own", stdin="bob-password-12345\n")[0] == 4
    code, out = b("central", "connect", owned.member_url, "--user", "bob_own", stdin="bob-password-67890\n")
    assert code == 0, out
    code, out = a("audit", "verify", "--central")  # alice is admin: reads every chain
    assert code == 0 and "is intact" in out, out


def test_central_user_refuses_to_take_over_a_role_qayd_did_not_create(owned: Owned, pg_server: PgServer) -> None:
    a = owned.a
    legacy = f"legacy_{uuid.uuid4().hex[:6]}"
    pg_server.psql(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'legacy-app-password'").format(sql.Identifier(legacy)),
                   dbname="postgres")
    code, out = a("central", "user", owned.url, "carol_own", stdin="carol-password-123\n")
    assert code == 0, out
    # carol is dropped, and someone else makes a role of that name: it is no longer Qayd's
    pg_server.psql("DROP ROLE carol_own", dbname="postgres")
    pg_server.psql("CREATE ROLE carol_own LOGIN PASSWORD 'someone-elses-password'", dbname="postgres")
    names = [owned.owner, pg_server.superuser, legacy, "carol_own", "pg_read_all_data"]
    before = {name: owned.db.psql(ROLE_STATE, (name,)) for name in names}
    members = owned.db.psql("SELECT * FROM qayd.member ORDER BY login")
    for name in names:
        code, out = a("central", "user", owned.url, name, "--level", "admin", stdin="takeover-password-1\n")
        assert code == 3, (name, out)
        assert f"role {name} already exists and was not created by Qayd" in out and "another login name" in out, out
        assert "Traceback" not in out and "takeover-password-1" not in out
    # nothing changed: attributes, password, memberships, and the members list
    assert {name: owned.db.psql(ROLE_STATE, (name,)) for name in names} == before
    assert owned.db.psql("SELECT * FROM qayd.member ORDER BY login") == members


def test_central_user_refuses_a_login_of_another_company_and_says_what_the_owner_lacks(
        owned: Owned, pg_server: PgServer) -> None:
    a = owned.a
    assert a("central", "user", owned.url, "dana_own", stdin="dana-password-123\n")[0] == 0
    other = uuid.uuid4()
    owned.db.psql("INSERT INTO qayd.company (id, name) VALUES (%s, 'Rival')", (other,))
    with pytest.raises(CentralSetupError, match="dana_own belongs to another company"):
        add_member(owned.url, "dana_own", "rival-password-12", "admin", other)
    assert owned.db.psql("SELECT level FROM qayd.member WHERE login = 'dana_own'") == [("staff",)]
    # an owner without CREATEROLE: a clear refusal naming what to use, nothing made
    pg_server.psql(sql.SQL("ALTER ROLE {} NOCREATEROLE").format(sql.Identifier(owned.owner)), dbname="postgres")
    code, out = a("central", "user", owned.url, "erin_own", stdin="erin-password-123\n")
    assert code == 3 and "may not do this" in out and "CREATEROLE" in out, out
    assert owned.db.psql("SELECT count(*) FROM pg_roles WHERE rolname = 'erin_own'") == [(0,)]
    # an owner that cannot log in: exit 3 with the fix, never 70
    code, out = a("central", "user", owned.url.replace(owned.owner, "nobody_here"), "erin_own",
                  stdin="erin-password-123\n")
    assert code == 3 and "cannot be reached as the owner" in out, out
