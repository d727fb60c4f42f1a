"""Pytest fixtures for tests against a real PostgreSQL (load with ``pytest_plugins`` in tests/conftest.py).

- ``pg_server`` (session): one :class:`~tests.support.pg.PgServer` with TLS on, started at first use and closed at
  the end of the run. Tests may ``restart()`` it, or ``kill()``/``stop()`` it: ``pg_db`` and ``tcp_proxy`` start it
  again for the next test. Don't change its configuration; start your own ``PgServer`` for that.
- ``pg_db`` (function): a fresh empty database on it (a :class:`~tests.support.pg.PgDatabase`: ``.name``, ``.url``
  and ``.dsn`` as the superuser, ``.url_for(user=…, password=…, sslmode=…)``, ``.engine()``), dropped afterwards
  with its engines and with the roles the test created.
- ``tcp_proxy`` (function): a :class:`~tests.support.tcp_proxy.TcpProxy` to ``pg_server``; connect with
  ``pg_db.url_for(port=tcp_proxy.port)``.
- ``pg_tls_only_server`` (session): a second server that refuses TCP logins without TLS; started only when a test
  asks for it.

Pitfalls:
- Close every psycopg connection (``with psycopg.connect(...) as conn``) and dispose every engine you make yourself
  (``pg_db.engine()`` does it for you): psycopg warns about a connection left open, and warnings are errors here.
- Roles are cluster-wide: ``pg_db`` drops the ones a test created, but tests sharing ``pg_server`` see each other's
  roles while they run (no parallel runs today).
- A broken connection raises ``psycopg.OperationalError`` (``sqlalchemy.exc.OperationalError`` through SQLAlchemy).

Build a migrated template once and copy it per test::

    @pytest.fixture
    def central(pg_server):
        template = pg_server.template("central_v1", lambda url: migrate(url))  # once per run
        with pg_server.database(template=template) as db:                      # ~0.1 s per test
            yield db
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.pg import PgDatabase, PgServer
from tests.support.tcp_proxy import TcpProxy


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = PgServer()
    try:
        yield server.start()
    finally:
        server.close()


@pytest.fixture(scope="session")
def pg_tls_only_server() -> Iterator[PgServer]:
    server = PgServer(require_tls=True)
    try:
        yield server.start()
    finally:
        server.close()


@pytest.fixture
def pg_db(pg_server: PgServer) -> Iterator[PgDatabase]:
    pg_server.ensure_running()
    with pg_server.database() as database:
        yield database


@pytest.fixture
def tcp_proxy(pg_server: PgServer) -> Iterator[TcpProxy]:
    pg_server.ensure_running()
    with TcpProxy(pg_server.host, pg_server.port) as proxy:
        yield proxy
