"""The secrets manager on real SQLite files: versioned keys, rotation in one transaction, the secret audit log."""

from __future__ import annotations

import base64
import json
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import event, select

from core.audit.service import entry_count, verify_store
from core.bootstrap import open_company
from core.config import Settings
from core.errors import AccessDeniedError, Cancelled, NotFoundError, SecretStoreError, ValidationError
from core.invoicing.demo import create_demo
from core.secrets import manager
from core.secrets.crypto import seal
from core.secrets.store import SecretStore
from core.store import database
from core.store.models import Secret, SecretKey
from core.uow import Context
from core.vault import crypto, store  # the sealed secret table moved below the unit of work (issue 14)
from core.zatca.demo import add_demo_egs
from tests.conftest import StepClock

VALUES = {
    "stripe/api-key": b"sk_live_Zq8fP1xTTOPSECRET",
    "smtp/password": b"Mail-Pa55word-ZZTOP",
    "bank/iban-token": b"tok_BANK_9d8a7c6bQWERTY",
}


def put_all(ctx: Context) -> None:
    with ctx.uow() as uow:
        for name, value in VALUES.items():
            manager.set_secret(uow, name, value)
        uow.commit()


def read(ctx: Context, name: str) -> bytes:
    with ctx.uow(write=False) as uow:
        return uow.secrets.get(name)


def sealed_rows(ctx: Context) -> dict[str, tuple[int, bytes]]:
    with sqlite3.connect(ctx.db.path) as conn:
        return {n: (v, bytes(s)) for n, v, s in conn.execute("SELECT name, key_version, sealed FROM secret")}


def key_rows(ctx: Context) -> dict[int, bytes | None]:
    with sqlite3.connect(ctx.db.path) as conn:
        return {v: (None if w is None else bytes(w)) for v, w in conn.execute(
            "SELECT version, wrapped_key FROM secret_key")}


def file_bytes(ctx: Context) -> bytes:
    """The database file and its WAL, as a thief copying the folder would get them."""
    wal = Path(f"{ctx.db.path}-wal")
    return ctx.db.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def audit_bodies(ctx: Context) -> list[dict[str, Any]]:
    with sqlite3.connect(ctx.db.path) as conn:
        return [json.loads(body) for (body,) in conn.execute("SELECT body FROM audit_entry ORDER BY seq")]


def secret_actions(ctx: Context, name: str) -> list[str]:
    return [b["action"] for b in audit_bodies(ctx) if b["subject"] == f"secret:{name}"]


# --- set / get / list / delete ------------------------------------------------------------------------------------


def test_set_get_list_delete_and_reopen(ctx: Context, settings: Settings, clock: StepClock) -> None:
    put_all(ctx)
    assert all(read(ctx, name) == value for name, value in VALUES.items())
    with ctx.uow(write=False) as uow:
        rows = {r.name: r for r in manager.list_secrets(uow)}
    assert set(VALUES) <= set(rows)
    assert not rows["stripe/api-key"].managed and rows["device/signing-key"].managed
    assert {r.key_version for r in rows.values()} == {1}
    assert all(not any(v in repr(r).encode() for v in VALUES.values()) for r in rows.values())

    with ctx.uow() as uow:  # replacing keeps the created date and moves the updated one
        manager.set_secret(uow, "smtp/password", b"another-password")
        uow.commit()
    with ctx.uow(write=False) as uow:
        again = {r.name: r for r in manager.list_secrets(uow)}["smtp/password"]
    assert again.created_at == rows["smtp/password"].created_at < again.updated_at
    assert read(ctx, "smtp/password") == b"another-password"

    with ctx.uow() as uow:
        manager.delete_secret(uow, "bank/iban-token")
        uow.commit()
    with pytest.raises(NotFoundError):
        read(ctx, "bank/iban-token")
    assert "bank/iban-token" not in sealed_rows(ctx)
    assert secret_actions(ctx, "bank/iban-token") == ["secret.set", "secret.used", "secret.deleted"]

    ctx.close()  # a new process: the values come back with the keyring's master key
    reopened = open_company(settings, clock=clock, username="tester")
    try:
        assert read(reopened, "stripe/api-key") == VALUES["stripe/api-key"]
    finally:
        reopened.close()


def test_names_values_and_roles_are_checked(ctx: Context) -> None:
    with ctx.uow() as uow:
        for bad in ("", "has space", "-leading", "x" * 201, "tab\tname"):
            with pytest.raises(ValidationError) as err:
                manager.set_secret(uow, bad, b"v")
            assert err.value.findings[0].rule == "QAYD-SECRET-NAME" and err.value.findings[0].message_ar
        with pytest.raises(ValidationError):
            manager.set_secret(uow, "empty", b"")
        with pytest.raises(ValidationError):
            manager.set_secret(uow, "huge", b"x" * (manager.VALUE_MAX + 1))
        for managed in ("device/signing-key", "egs/123/private-key"):
            with pytest.raises(SecretStoreError, match="manages itself"):
                manager.set_secret(uow, managed, b"v")
            with pytest.raises(SecretStoreError, match="manages itself"):
                manager.delete_secret(uow, managed)
        with pytest.raises(NotFoundError):
            manager.delete_secret(uow, "never/was")
    ctx.actor_role = "clerk"
    with ctx.uow() as uow, pytest.raises(AccessDeniedError, match="administrator"):
        manager.set_secret(uow, "stripe/api-key", b"v")
    with pytest.raises(AccessDeniedError, match="administrator"):
        manager.rotate(ctx)
    assert "stripe/api-key" not in sealed_rows(ctx)


def test_a_value_is_bound_to_its_name_and_key_version(ctx: Context) -> None:
    put_all(ctx)
    manager.rotate(ctx)
    rows = sealed_rows(ctx)
    with sqlite3.connect(ctx.db.path) as conn:  # move stripe's sealed value under smtp's name
        conn.execute("UPDATE secret SET sealed = ? WHERE name = 'smtp/password'", (rows["stripe/api-key"][1],))
    with pytest.raises(SecretStoreError, match="could not be decrypted"):
        read(ctx, "smtp/password")


# --- rotation -----------------------------------------------------------------------------------------------------


def test_rotation_reseals_every_secret_in_one_transaction(ctx: Context, settings: Settings,
                                                          clock: StepClock) -> None:
    put_all(ctx)
    create_demo(ctx, drafts=1)
    add_demo_egs(ctx, issue=1)  # Qayd's own secrets (EGS key) are rotated too
    before = sealed_rows(ctx)
    commits: list[object] = []

    def count(conn: object) -> None:
        commits.append(conn)

    event.listen(ctx.db.engine, "commit", count)
    result = manager.rotate(ctx)
    event.remove(ctx.db.engine, "commit", count)
    assert len(commits) == 1  # ONE transaction for the new key, every re-seal and the old key's retirement
    assert (result.new_version, result.old_versions, result.secrets) == (2, (1,), len(before))
    after = sealed_rows(ctx)
    assert set(after) == set(before)
    assert all(after[n][0] == 2 and after[n][1] != before[n][1] for n in before)
    assert all(read(ctx, name) == value for name, value in VALUES.items())
    assert key_rows(ctx)[1] is None and key_rows(ctx)[2] is not None  # version 1 (the master key) retired

    second = manager.rotate(ctx)
    assert (second.new_version, second.old_versions) == (3, (2,))
    assert key_rows(ctx) == {1: None, 2: None, 3: key_rows(ctx)[3]}
    report = manager.check(ctx)
    assert report.ok and report.by_version == {3: len(before)} and report.current_version == 3

    ctx.close()  # the device key itself was re-sealed: a new process opens it and the audit chain verifies
    reopened = open_company(settings, clock=clock, username="tester")
    try:
        assert verify_store(reopened).ok
        assert read(reopened, "stripe/api-key") == VALUES["stripe/api-key"]
        with reopened.uow() as uow:  # new values are sealed with the current version
            manager.set_secret(uow, "new/one", b"fresh")
            uow.commit()
        assert sealed_rows(reopened)["new/one"][0] == 3
    finally:
        reopened.close()


@pytest.fixture
def failing_seal(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Make the store's `seal` fail at the call numbered in the yielded list, counted from when it is armed
    (in a rotation the new key's wrap is call 1)."""
    real = crypto.seal
    calls = [0]
    fail_at: list[int] = []

    def flaky(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
        calls[0] = calls[0] + 1 if fail_at else 0
        if fail_at and calls[0] == fail_at[0]:
            raise OSError("disk gone mid-way")
        return real(key, plaintext, aad)

    monkeypatch.setattr(store, "seal", flaky)
    yield fail_at


def test_a_failure_mid_rotation_loses_nothing(ctx: Context, failing_seal: list[int]) -> None:
    put_all(ctx)
    before, keys, entries = sealed_rows(ctx), key_rows(ctx), entry_count(ctx)
    failing_seal.append(3)  # the new key and one secret are done; the second secret fails
    with pytest.raises(OSError):
        manager.rotate(ctx)
    assert sealed_rows(ctx) == before and key_rows(ctx) == keys and entry_count(ctx) == entries
    assert all(read(ctx, name) == value for name, value in VALUES.items())
    failing_seal.clear()
    assert manager.rotate(ctx).new_version == 2  # and the next attempt works, from the same version
    assert all(read(ctx, name) == value for name, value in VALUES.items())


def test_a_value_that_does_not_read_back_stops_the_rotation(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    put_all(ctx)
    before, keys = sealed_rows(ctx), key_rows(ctx)
    real = crypto.seal

    def corrupting(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
        return real(key, plaintext + b"!" if b"smtp/password" in aad else plaintext, aad)

    monkeypatch.setattr(store, "seal", corrupting)
    with pytest.raises(SecretStoreError, match="did not read back intact") as err:
        manager.rotate(ctx)
    assert "Nothing was changed" in err.value.message
    assert sealed_rows(ctx) == before and key_rows(ctx) == keys


def test_a_cancelled_rotation_changes_nothing(ctx: Context) -> None:
    put_all(ctx)
    before = sealed_rows(ctx)
    seen: list[float] = []
    with pytest.raises(Cancelled) as stopped:  # the one cancellation (core.progress), as every long job
        manager.rotate(ctx, progress=lambda f, _m: seen.append(f), cancelled=lambda: len(seen) >= 2)
    assert stopped.value.what.startswith("2 of ") and stopped.value.what.endswith(" secrets re-sealed")  # no name
    assert sealed_rows(ctx) == before and key_rows(ctx) == {}
    later = iter([False] * len(before) + [True])  # every secret re-sealed; cancelled just before keys are destroyed
    with pytest.raises(Cancelled):
        manager.rotate(ctx, cancelled=lambda: next(later))
    assert sealed_rows(ctx) == before and key_rows(ctx) == {}


def test_the_old_key_version_is_unusable_and_gone_from_the_files(ctx: Context) -> None:
    put_all(ctx)
    manager.rotate(ctx)
    v2_sealed = sealed_rows(ctx)["stripe/api-key"][1]
    v2_wrapped = key_rows(ctx)[2]
    assert v2_wrapped is not None and v2_wrapped in file_bytes(ctx)
    manager.rotate(ctx)
    data = file_bytes(ctx)
    assert v2_wrapped not in data and v2_sealed not in data  # overwritten (secure_delete) and out of the WAL
    with sqlite3.connect(ctx.db.path) as conn:  # an old sealed value put back cannot be opened any more
        conn.execute("UPDATE secret SET sealed = ?, key_version = 2 WHERE name = 'stripe/api-key'", (v2_sealed,))
    with pytest.raises(SecretStoreError, match="destroyed"):
        read(ctx, "stripe/api-key")
    with sqlite3.connect(ctx.db.path) as conn:
        with pytest.raises(sqlite3.DatabaseError, match="cannot be restored"):
            conn.execute("UPDATE secret_key SET wrapped_key = ? WHERE version = 2", (v2_wrapped,))
        with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
            conn.execute("DELETE FROM secret_key WHERE version = 2")


def test_stores_from_before_key_versions_are_read_and_migrated(tmp_path: Path, ctx: Context) -> None:
    """A store at revision 0003 holds secrets sealed with the master key itself (version 1, the AAD naming the
    secret only): after the migration they read as they are, and the first rotation moves them to version 2."""
    path = tmp_path / "old.sqlite"
    engine = database.make_engine(path)
    cfg = database._alembic_config()
    old_sealed = seal(ctx.master_key, b"legacy-value", b"qayd-secret:old/token")  # what the old code wrote
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
        conn.exec_driver_sql("INSERT INTO secret (name, key_version, sealed, created_at, updated_at, device_id) "
                             "VALUES ('old/token', 1, ?, '2026-01-01T00:00:00+00:00', "
                             "'2026-01-01T00:00:00+00:00', ?)", (old_sealed, uuid.uuid4().hex))
    engine.dispose()
    db = database.open_database(path)
    try:
        with db.reader() as session:
            assert SecretStore(session, ctx.master_key, ctx.device_id).get("old/token") == b"legacy-value"
        with db.writer() as session, session.begin():
            result = SecretStore(session, ctx.master_key, ctx.device_id).rotate(now=ctx.clock())
        assert result.new_version == 2 and result.old_versions == (1,)
        with db.reader() as session:
            assert SecretStore(session, ctx.master_key, ctx.device_id).get("old/token") == b"legacy-value"
            assert session.scalar(select(Secret.key_version)) == 2
            assert session.get(SecretKey, 1) is not None
    finally:
        db.dispose()


# --- the secret audit log -----------------------------------------------------------------------------------------


def test_uses_and_changes_are_audited_without_values(ctx: Context) -> None:
    put_all(ctx)
    with ctx.uow() as uow:  # several reads in one unit of work: one use on record
        for _ in range(3):
            uow.secrets.get("stripe/api-key")
        uow.commit()
    assert secret_actions(ctx, "stripe/api-key") == ["secret.set", "secret.used"]
    read(ctx, "stripe/api-key")  # a read-only unit of work writes its use at once, in its own transaction
    assert secret_actions(ctx, "stripe/api-key") == ["secret.set", "secret.used", "secret.used"]
    manager.rotate(ctx)
    with ctx.uow() as uow:
        manager.delete_secret(uow, "smtp/password")
        uow.commit()
    assert secret_actions(ctx, "smtp/password") == ["secret.set", "secret.rotated", "secret.deleted"]

    with ctx.uow(write=False) as uow:
        mine = manager.secret_log(uow, "stripe/api-key")
        everything = manager.secret_log(uow)
        with pytest.raises(NotFoundError):
            manager.secret_log(uow, "never/was")
    assert [e.action for e in mine] == ["secret.rotated", "secret.used", "secret.used", "secret.set"]
    assert mine[0].data == {"from_version": 1, "key_version": 2} and mine[0].actor.startswith("user:")
    assert "secret.key_rotated" in [e.action for e in everything]
    assert {e.name for e in everything} >= {"stripe/api-key", "smtp/password", "device/signing-key", ""}

    # No value anywhere: not in an audit body (as text, base64 or hex), nor in the bytes of the file or its WAL.
    bodies = "\n".join(json.dumps(b) for b in audit_bodies(ctx))
    data = file_bytes(ctx)
    for value in VALUES.values():
        for form in (value.decode(), base64.b64encode(value).decode(), value.hex()):
            assert form not in bodies
        assert value not in data
    manager.checkpoint(ctx)
    assert not any(value in ctx.db.path.read_bytes() for value in VALUES.values())
    assert verify_store(ctx).ok


def test_a_process_killed_mid_rotation_loses_nothing(tmp_path: Path) -> None:
    """The real thing: SIGKILL half-way through re-sealing (the new key and half the secrets already written to
    the open transaction); the next process finds every secret intact under the old version, and can rotate."""
    data = tmp_path / "data"
    env = {"QAYD_DATA_DIR": str(data), "QAYD_COMPANY": "crash", "QAYD_MASTER_KEY_SOURCE": "env",
           "QAYD_MASTER_KEY": base64.b64encode(b"k" * 32).decode()}
    config = tmp_path / "empty.toml"
    config.write_text("", "utf-8")

    def open_it(create: bool = False) -> Context:
        from core.config import load_settings

        return open_company(load_settings(environ=env, config_file=config), create=create, environ=env,
                            username="crash-test")

    ctx = open_it(create=True)
    values = {f"app/secret-{i:03d}": f"value-{i:03d}-ZZCRASH".encode() for i in range(200)}
    with ctx.uow() as uow:
        for name, value in values.items():
            manager.set_secret(uow, name, value)
        uow.commit()
    before = sealed_rows(ctx)
    ctx.close()
    script = (
        "import os, signal, sys\n"
        "from core.bootstrap import open_company\n"
        "from core.config import load_settings\n"
        "from core.secrets import manager\n"
        f"env = {env!r}\n"
        f"ctx = open_company(load_settings(environ=env, config_file={str(config)!r}), environ=env,"
        " username='crash-test')\n"
        "def progress(fraction, name):\n"
        "    if fraction >= 0.45:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "manager.rotate(ctx, progress=progress)\n"
        "sys.exit(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[2], capture_output=True,
                          timeout=120, check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()[-2000:]
    ctx = open_it()
    try:
        assert sealed_rows(ctx) == before and key_rows(ctx) == {}
        with ctx.uow(write=False) as uow:
            assert all(uow.secrets.get(name) == value for name, value in values.items())
        assert verify_store(ctx).ok
        assert manager.rotate(ctx).new_version == 2
        assert manager.check(ctx).ok
    finally:
        ctx.close()
