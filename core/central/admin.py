"""Setting up the central database: its schema (Alembic, `qayd central init`), the company, and a login per person.

These run with an owner's (or superuser's) connection; day-to-day sync runs as each person's own login, which can
only read its company's rows and call the sync functions.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from core.errors import QaydError

MIGRATIONS = Path(__file__).with_name("migrations")
LEVELS = {"staff": "qayd_staff", "compliance": "qayd_compliance", "admin": "qayd_admin"}
_LOGIN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class CentralSetupError(QaydError):
    """A central setting or login is not usable as given."""

    exit_code = 3


def init_schema(dsn: str) -> str:
    """Create or upgrade the central schema to head; returns the revision it is at."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, exc, text

    # Any libpq address (URL or key=value string) through psycopg itself; SQLAlchemy only drives Alembic.
    engine = create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(dsn, connect_timeout=10))
    try:
        with _owner_errors(), engine.begin() as conn:
            conn.execute(text("CREATE SCHEMA IF NOT EXISTS qayd"))
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            revision = conn.execute(text("SELECT version_num FROM qayd.alembic_version")).scalar_one()
    except exc.DBAPIError as failure:  # SQLAlchemy wraps the driver's error: report the driver's
        if isinstance(failure.orig, psycopg.Error):
            with _owner_errors():
                raise failure.orig from None
        raise
    finally:
        engine.dispose()
    return str(revision)


def add_company(dsn: str, company_id: uuid.UUID, name: str) -> None:
    """Register a company (idempotent: the same id and name again changes nothing)."""
    with _owner_connection(dsn) as conn:
        conn.execute("INSERT INTO qayd.company (id, name) VALUES (%s, %s) ON CONFLICT (id) DO UPDATE "
                     "SET name = excluded.name", (company_id, name))


def add_member(dsn: str, login: str, password: str, level: str, company_id: uuid.UUID, display_name: str = "") -> None:
    """Create (or update) the login of one person, in their company, with one level: staff, compliance or admin.
    Works as a superuser or as an owner with CREATEROLE (PostgreSQL 15; 16+ needs ADMIN OPTION on the groups, which
    `central init` takes). Refuses a role that exists but was not created by Qayd. Only the password's SCRAM verifier
    is sent to the server; Qayd never logs the password. One transaction: a refusal leaves nothing half-made."""
    _check_member(login, password, level)
    with _owner_connection(dsn) as conn:
        oid = _qayd_role(conn, login, company_id)
        ident = sql.Identifier(login)
        # Hashed here (SCRAM-SHA-256, as psql's \password does): the clear password never reaches the server,
        # so no statement log can hold it. SUPERUSER, REPLICATION and BYPASSRLS are not named: changing them at all
        # needs a superuser, and `_qayd_role` refused a role that has them.
        verifier = conn.pgconn.encrypt_password(password.encode("utf-8"), login.encode("utf-8"), b"scram-sha-256")
        conn.execute(sql.SQL("ALTER ROLE {} LOGIN INHERIT NOCREATEDB NOCREATEROLE PASSWORD {}").format(
            ident, sql.Literal(verifier.decode("ascii"))))
        # NOINHERIT would hide the group's grants; members inherit their one group.
        for group in LEVELS.values():
            if group != LEVELS[level]:
                conn.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group), ident))
        _grant(conn, LEVELS[level], login)
        conn.execute("INSERT INTO qayd.member (login, company_id, level, display_name, role_oid) "
                     "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (login) DO UPDATE SET level = excluded.level, "
                     "display_name = excluded.display_name, role_oid = excluded.role_oid",
                     (login, company_id, level, display_name, oid))


def _check_member(login: str, password: str, level: str) -> None:
    if not _LOGIN.match(login):
        raise CentralSetupError(f"The login {login!r} is not a valid name.",
                                fix="Use lower-case letters, digits and _ (at most 63), starting with a letter.")
    if level not in LEVELS:
        raise CentralSetupError(f"The level {level!r} is not known.", fix="Use staff, compliance or admin.")
    if len(password) < 12:
        raise CentralSetupError("The password is too short.", fix="Use at least 12 characters.")


def _qayd_role(conn: psycopg.Connection[Any], login: str, company_id: uuid.UUID) -> int:
    """The role's oid: created now, or one Qayd created before for this company (its oid recorded in
    qayd.member; a role dropped and made again by someone else has another oid). Anything else is refused."""
    row = conn.execute("SELECT r.oid, m.role_oid, m.company_id, r.rolsuper OR r.rolreplication OR r.rolbypassrls "
                       "FROM pg_roles r LEFT JOIN qayd.member m ON m.login = r.rolname WHERE r.rolname = %s",
                       (login,)).fetchone()
    if row is None:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                             "NOBYPASSRLS").format(sql.Identifier(login)))
        made = conn.execute("SELECT oid FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
        assert made is not None
        return int(made[0])
    oid, marked, company, powerful = row
    if marked != oid:
        raise CentralSetupError(f"The role {login} already exists and was not created by Qayd.",
                                fix="Choose another login name; Qayd never takes over a role it did not create.")
    if company != company_id:
        raise CentralSetupError(f"The login {login} belongs to another company in this database.",
                                fix="Choose another login name.")
    if powerful:
        raise CentralSetupError(f"The login {login} was given SUPERUSER, REPLICATION or BYPASSRLS since Qayd made it.",
                                fix=f"A superuser removes them (ALTER ROLE {login} NOSUPERUSER NOREPLICATION "
                                    "NOBYPASSRLS), or choose another login name.")
    return int(oid)


def _grant(conn: psycopg.Connection[Any], group: str, login: str) -> None:
    try:
        with conn.transaction():  # a savepoint: the refusal is reported, not the aborted transaction after it
            conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(login)))
    except psycopg.errors.InsufficientPrivilege as exc:
        raise CentralSetupError(f"This owner may not grant {group}.",
                                fix=f"A superuser runs GRANT {group} TO <owner> WITH ADMIN OPTION (PostgreSQL 16 "
                                    "and later ask for it), then `qayd central user` again.") from exc


@contextmanager
def _owner_connection(dsn: str) -> Iterator[psycopg.Connection[Any]]:
    """The owner's connection, one transaction; the errors an owner can fix become CentralSetupError."""
    with _owner_errors(), psycopg.connect(dsn, connect_timeout=10) as conn:
        yield conn


@contextmanager
def _owner_errors() -> Iterator[None]:
    try:
        yield
    except psycopg.OperationalError as exc:
        raise CentralSetupError(f"The central database cannot be reached as the owner: {_first_line(exc)}",
                                fix="Check the address, and the owner's password in PGPASSWORD or ~/.pgpass.") from exc
    except psycopg.errors.UndefinedTable as exc:
        raise CentralSetupError("The central database has no Qayd schema yet.",
                                fix="Run `qayd central init URL` as the database owner first.") from exc
    except psycopg.errors.InsufficientPrivilege as exc:
        raise CentralSetupError(f"The owner's login may not do this: {_first_line(exc)}",
                                fix="Use the database owner with CREATEROLE (README, \"Many desks\"), or a superuser."
                                ) from exc


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
