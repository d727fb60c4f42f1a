"""The PostgreSQL test support works: password logins over TCP, verified TLS, a TLS-only server, restarts and crashes,
per-test databases and templates, and the proxy that drops, cuts and stalls connections."""

from __future__ import annotations

import os
import pwd
import subprocess
import threading
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from tests.support.pg import PgDatabase, PgServer, PgServerError, reap_orphans
from tests.support.tcp_proxy import TcpProxy
from tests.support.tls import TestCA


def connect(dsn: str) -> psycopg.Connection:
    return psycopg.connect(dsn, autocommit=True)


def value(conn: psycopg.Connection, sql: str) -> object:
    row = conn.execute(sql).fetchone()
    assert row is not None
    return row[0]


def gone(pid: int) -> bool:
    """No such process, or a zombie that init has not reaped yet."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


# --- the server -------------------------------------------------------------------------------------------------------

def test_sqlalchemy_logs_in_with_the_password_over_tcp(pg_db: PgDatabase) -> None:
    with pg_db.engine().connect() as conn:
        row = conn.execute(text("SELECT current_user, current_database(), host(inet_server_addr())")).one()
    assert tuple(row) == ("qayd_owner", pg_db.name, "127.0.0.1")  # inet_server_addr() is NULL on a unix socket
    assert pg_db.url.startswith("postgresql+psycopg://qayd_owner:")


def test_a_wrong_password_is_refused(pg_db: PgDatabase) -> None:
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        connect(pg_db.dsn_for(password="not-the-password"))
    with pytest.raises(psycopg.OperationalError, match="no password supplied"):  # even without TLS, over TCP
        connect(pg_db.dsn_for(user="qayd_owner", sslmode="disable"))


def test_server_settings_are_the_fast_ones_and_it_runs_as_the_server_user(pg_server: PgServer) -> None:
    settings = dict(pg_server.psql("SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'full_page_writes',"
                                   " 'max_connections', 'ssl', 'listen_addresses', 'synchronous_commit')"))
    assert settings["fsync"] == settings["full_page_writes"] == "off"
    assert settings["ssl"] == settings["synchronous_commit"] == "on"
    assert int(settings["max_connections"]) >= 50
    assert settings["listen_addresses"] == "127.0.0.1"
    expected_uid = pwd.getpwnam("postgres").pw_uid if os.geteuid() == 0 else os.geteuid()
    status = Path(f"/proc/{pg_server.pid}/status").read_text()
    assert f"Uid:\t{expected_uid}\t" in status
    key = pg_server.ca_file.parent / "server.key"
    assert key.stat().st_mode & 0o777 == 0o600 and key.stat().st_uid == expected_uid


def test_verify_full_with_the_ca_uses_tls(pg_db: PgDatabase) -> None:
    pg_db.psql("CREATE EXTENSION sslinfo")
    with pg_db.engine(pg_db.url_for(sslmode="verify-full")).connect() as conn:
        assert conn.execute(text("SELECT ssl_is_used(), ssl_version()")).one()[0] is True
    with connect(pg_db.dsn_for(sslmode="verify-full", host="localhost")) as conn:
        assert conn.pgconn.ssl_in_use
    with connect(pg_db.dsn_for(sslmode="disable")) as conn:  # this server also takes plain TCP logins
        assert value(conn, "SELECT ssl_is_used()") is False


def test_verify_full_with_another_ca_fails(pg_db: PgDatabase, tmp_path: Path) -> None:
    other_ca = TestCA("Someone else's CA").write_ca_cert(tmp_path / "other-ca.crt")
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        connect(pg_db.dsn_for(sslmode="verify-full", sslrootcert=other_ca))


def test_the_tls_only_server_refuses_a_client_without_tls(pg_tls_only_server: PgServer) -> None:
    with pytest.raises(psycopg.OperationalError, match="no encryption"):
        connect(pg_tls_only_server.dsn(sslmode="disable"))
    with connect(pg_tls_only_server.dsn(sslmode="verify-full")) as conn:
        assert conn.pgconn.ssl_in_use


def test_a_restart_breaks_open_connections_and_new_ones_work(pg_server: PgServer, pg_db: PgDatabase) -> None:
    before = pg_server.pid
    with connect(pg_db.dsn) as conn:
        assert value(conn, "SELECT 1") == 1
        pg_server.restart()
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    assert pg_server.pid != before
    with connect(pg_db.dsn) as conn:
        assert value(conn, "SELECT 1") == 1


def test_kill_loses_no_acknowledged_commit_and_close_removes_everything() -> None:
    with PgServer() as server:
        base, pid = server.base, server.pid
        with connect(server.dsn()) as conn:
            conn.execute("CREATE TABLE t (n int)")
            for n in range(100):
                conn.execute("INSERT INTO t VALUES (%s)", (n,))
            server.kill()
            with pytest.raises(psycopg.OperationalError):
                conn.execute("SELECT 1")
        assert not server.running
        with pytest.raises(psycopg.OperationalError):
            connect(server.dsn(connect_timeout=2))
        server.start()  # crash recovery
        assert server.psql("SELECT count(*) FROM t") == [(100,)]
    assert base is not None and not base.exists()
    assert pid is not None and gone(pid)


def test_a_failed_start_quotes_the_server_log() -> None:
    server = PgServer(settings={"shared_buffers": "lots"})
    try:
        with pytest.raises(PgServerError, match=r'(?s)did not start.*invalid value for parameter "shared_buffers"'):
            server.start()
    finally:
        server.close()


def test_servers_of_a_test_process_that_died_are_reaped() -> None:
    server = PgServer().start()
    try:
        base, pid = server.base, server.pid
        assert base is not None and pid is not None
        dead = subprocess.Popen(["true"])
        dead.wait()
        (base / "owner").write_text(f"{dead.pid} 0\n")
        reap_orphans(base.parent)
        assert not base.exists() and not server.running
    finally:
        server.close()


# --- databases --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("run", [1, 2])  # the second run fails if the first one's table or role outlived it
def test_each_test_gets_its_own_fresh_database_and_roles_are_dropped(pg_server: PgServer, pg_db: PgDatabase,
                                                                     run: int) -> None:
    assert pg_db.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]
    assert pg_db.psql("CREATE TABLE marker (run int); SELECT count(*) FROM marker") == [(0,)]
    pg_db.psql("INSERT INTO marker VALUES (%s)", (run,))
    pg_db.psql("CREATE ROLE support_clerk LOGIN PASSWORD 'clerk-pw'")
    pg_db.psql("GRANT SELECT ON marker TO support_clerk")
    with connect(pg_db.dsn_for(user="support_clerk", password="clerk-pw", sslmode="verify-full")) as conn:
        assert value(conn, "SELECT run FROM marker") == run
    with pg_server.database() as other:
        assert other.name != pg_db.name
        assert other.psql("SELECT to_regclass('marker')") == [(None,)]


def test_a_template_is_prepared_once_and_copied_per_database(pg_server: PgServer) -> None:
    calls: list[str] = []

    def prepare(url: str) -> None:
        calls.append(url)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE invoice (id int PRIMARY KEY)"))
            conn.execute(text("INSERT INTO invoice VALUES (1)"))
        engine.dispose()

    name = pg_server.template("support_test_template", prepare)
    assert pg_server.template("support_test_template", prepare) == name and len(calls) == 1
    with pg_server.database(template=name) as first, pg_server.database(template=name) as second:
        first.psql("INSERT INTO invoice VALUES (2)")
        assert second.psql("SELECT count(*) FROM invoice") == [(1,)]
        assert first.psql("SELECT count(*) FROM invoice") == [(2,)]


# --- the proxy --------------------------------------------------------------------------------------------------------

def test_the_proxy_forwards_tls_connections(pg_db: PgDatabase, tcp_proxy: TcpProxy) -> None:
    with connect(pg_db.dsn_for(port=tcp_proxy.port, sslmode="verify-full")) as conn:
        assert value(conn, "SELECT current_database()") == pg_db.name
        assert conn.pgconn.ssl_in_use
        assert tcp_proxy.connections == 1
    assert tcp_proxy.bytes_up > 0 and tcp_proxy.bytes_down > 0


def test_cut_breaks_open_connections_and_new_ones_work(pg_db: PgDatabase, tcp_proxy: TcpProxy) -> None:
    dsn = pg_db.dsn_for(port=tcp_proxy.port, sslmode="verify-full")
    with connect(dsn) as first, connect(dsn) as second:
        assert value(first, "SELECT 1") == value(second, "SELECT 1") == 1
        assert tcp_proxy.cut() == 2
        for conn in (first, second):
            with pytest.raises(psycopg.OperationalError):
                conn.execute("SELECT 1")
    assert tcp_proxy.connections == 0 and tcp_proxy.cuts == 1
    with connect(dsn) as conn:
        assert value(conn, "SELECT 1") == 1


def test_cut_after_drops_a_large_result_midway(pg_db: PgDatabase, tcp_proxy: TcpProxy) -> None:
    with connect(pg_db.dsn_for(port=tcp_proxy.port, sslmode="disable")) as conn:
        before = tcp_proxy.bytes_down
        tcp_proxy.cut_after(1_000_000, "down")
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT repeat('x', 10000000)").fetchone()
    assert tcp_proxy.bytes_down - before == 1_000_000
    assert tcp_proxy.cuts == 1


def test_cut_after_drops_a_large_upload_midway(pg_db: PgDatabase, tcp_proxy: TcpProxy) -> None:
    pg_db.psql("CREATE TABLE blob (data text)")
    with connect(pg_db.dsn_for(port=tcp_proxy.port, sslmode="verify-full")) as conn:
        before = tcp_proxy.bytes_up
        tcp_proxy.cut_after(200_000, "up")
        with pytest.raises(psycopg.OperationalError):
            conn.execute("INSERT INTO blob VALUES (%s)", ("y" * 2_000_000,))
    assert tcp_proxy.bytes_up - before == 200_000
    assert pg_db.psql("SELECT count(*) FROM blob") == [(0,)]


def test_pause_makes_connecting_time_out_and_resume_recovers(pg_db: PgDatabase, tcp_proxy: TcpProxy) -> None:
    dsn = pg_db.dsn_for(port=tcp_proxy.port, sslmode="verify-full", connect_timeout=2)
    tcp_proxy.pause()
    started = time.monotonic()
    with pytest.raises(psycopg.OperationalError, match="timeout"):
        connect(dsn)
    assert 1.5 < time.monotonic() - started < 10
    tcp_proxy.resume()
    with connect(dsn) as conn:
        assert value(conn, "SELECT 1") == 1


def test_pause_holds_an_open_connection_until_resume(pg_db: PgDatabase, tcp_proxy: TcpProxy) -> None:
    with connect(pg_db.dsn_for(port=tcp_proxy.port)) as conn:
        tcp_proxy.pause()
        results: list[object] = []
        worker = threading.Thread(target=lambda: results.append(value(conn, "SELECT 42")))
        worker.start()
        worker.join(0.3)
        assert worker.is_alive() and results == []
        tcp_proxy.resume()
        worker.join(10)
        assert results == [42]


def test_refuse_resets_new_connections_and_spares_open_ones(pg_db: PgDatabase, tcp_proxy: TcpProxy) -> None:
    dsn = pg_db.dsn_for(port=tcp_proxy.port, sslmode="verify-full", connect_timeout=2)
    with connect(dsn) as open_conn:
        tcp_proxy.refuse()
        started = time.monotonic()
        with pytest.raises(psycopg.OperationalError):
            connect(dsn)
        assert time.monotonic() - started < 1
        assert value(open_conn, "SELECT 7") == 7
        tcp_proxy.resume()
        with connect(dsn) as conn:
            assert value(conn, "SELECT 8") == 8


def test_the_proxy_resets_clients_while_the_server_is_down(pg_server: PgServer, pg_db: PgDatabase,
                                                          tcp_proxy: TcpProxy) -> None:
    dsn = pg_db.dsn_for(port=tcp_proxy.port, connect_timeout=2)
    pg_server.stop()
    with pytest.raises(psycopg.OperationalError):
        connect(dsn)
    pg_server.start()
    with connect(dsn) as conn:
        assert value(conn, "SELECT 1") == 1
