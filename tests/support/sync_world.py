"""A company with several Qayd installs and one central PostgreSQL, for the sync tests and benchmarks.

    world = World(pg_server, central_db, tmp_path)
    a = world.install("a", demo=20)          # the first install creates the company; later ones join it
    b = world.install("b")
    a.sync(); b.sync()
    assert world.snapshot(a) == world.snapshot(b)
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest

from core.bootstrap import open_company
from core.central.admin import add_company, add_member, init_schema
from core.config import load_settings
from core.invoicing.demo import create_demo
from core.invoicing.service import get_company
from core.sync.connection import dsn_for, save_connection
from core.sync.engine import SyncResult, sync_once
from core.sync.join import join_company
from core.sync.tables import TABLES
from core.uow import Context
from tests.support.pg import PgDatabase, PgServer

TEMPLATE = "qayd_central_template"


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def central_template(server: PgServer) -> str:
    """A database with the central schema, built once per server run and copied per test."""
    def prepare(url: str) -> None:
        init_schema(libpq(url))

    return server.template(TEMPLATE, prepare)


@pytest.fixture
def central_db(pg_server: PgServer) -> Iterator[PgDatabase]:
    pg_server.ensure_running()
    with pg_server.database(template=central_template(pg_server)) as db:
        yield db


@dataclass
class Install:
    name: str
    ctx: Context
    login: str
    password: str
    world: World

    @property
    def dsn(self) -> str:
        return dsn_for(self.ctx)

    def sync(self, **kwargs: Any) -> SyncResult:
        return sync_once(self.ctx, self.dsn, connect_timeout=3, **kwargs)

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.ctx.db.path)

    def count(self, table: str) -> int:
        with self.db() as conn:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def rows(self, table: str) -> dict[str, Any]:
        """Each row of a synchronised table by key: its version (or its whole content when unversioned)."""
        spec = TABLES[table]
        with self.db() as conn:
            if spec.versioned:
                return {str(k): v for k, v in conn.execute(f"SELECT {spec.key}, version FROM {table}")}
            columns = [c for c in spec.columns if c != "is_local"]
            return {str(r[0]): tuple(r[1:]) for r in conn.execute(
                f"SELECT {spec.key}, {', '.join(columns)} FROM {table}")}


@dataclass
class World:
    server: PgServer
    central: PgDatabase
    folder: Path
    installs: list[Install] = field(default_factory=list)
    company_id: uuid.UUID | None = None

    def url(self, *, port: int | None = None) -> str:
        """The address installs are given: TLS with the server certificate checked (verify-full)."""
        return (f"postgresql://localhost:{port or self.server.port}/{self.central.name}"
                f"?sslmode=verify-full&sslrootcert={self.server.ca_file}&connect_timeout=3")

    def install(self, name: str, *, demo: int = 0, level: str = "staff", port: int | None = None,
                join: bool | None = None) -> Install:
        """The first install creates the company (with `demo` drafts); a later one joins it from central as a
        fresh install does (`central connect` alone), unless `join=False` or `demo`: then it types its own profile
        first, as desks did before joining existed."""
        cfg = self.folder / f"{name}.toml"
        cfg.write_text("", "utf-8")
        settings = load_settings(environ={"QAYD_DATA_DIR": str(self.folder / name), "QAYD_COMPANY": "acme"},
                                 config_file=cfg)
        superuser = libpq(self.central.url)
        login, password = f"{name}_{uuid.uuid4().hex[:6]}", f"{name}-password-{uuid.uuid4().hex[:8]}"
        if join is None:
            join = self.company_id is not None and not demo
        if join:
            assert self.company_id is not None
            self.installs[0].sync()  # central holds the profile before a desk joins
            add_member(superuser, login, password, level, self.company_id, display_name=name.capitalize())
            ctx, _ = join_company(settings, self.url(port=port), login, password, username=f"user-{name}")
            made = Install(name, ctx, login, password, self)
            self.installs.append(made)
            return made
        ctx = open_company(settings, create=True, username=f"user-{name}")
        create_demo(ctx, drafts=demo)
        if self.company_id is None:
            with ctx.uow(write=False) as uow:
                self.company_id = get_company(uow).id
            add_company(superuser, self.company_id, "Acme")
        add_member(superuser, login, password, level, self.company_id, display_name=name.capitalize())
        save_connection(ctx, self.url(port=port), login, password)
        made = Install(name, ctx, login, password, self)
        self.installs.append(made)
        return made

    def snapshot(self, install: Install) -> dict[str, dict[str, Any]]:
        return {table: install.rows(table) for table in TABLES}

    @contextmanager
    def superuser(self) -> Iterator[psycopg.Connection[Any]]:
        with psycopg.connect(libpq(self.central.url), autocommit=True) as conn:
            yield conn

    def central_counts(self) -> tuple[int, int]:
        """(changes, distinct change ids) in the central log: equal when nothing was duplicated."""
        with self.superuser() as conn:
            row = conn.execute("SELECT count(*), count(DISTINCT change_id) FROM qayd.change").fetchone()
        assert row is not None
        return int(row[0]), int(row[1])

    def close(self) -> None:
        for install in self.installs:
            install.ctx.close()
