"""Setting up the central database: its schema (Alembic, `qayd central init`), the company, and a login per person.

These run with an owner's (or superuser's) connection; day-to-day sync runs as each person's own login, which can
only read its company's rows and call the sync functions.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

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
    from sqlalchemy import create_engine, text

    # Any libpq address (URL or key=value string) through psycopg itself; SQLAlchemy only drives Alembic.
    engine = create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(dsn))
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE SCHEMA IF NOT EXISTS qayd"))
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            revision = conn.execute(text("SELECT version_num FROM qayd.alembic_version")).scalar_one()
    finally:
        engine.dispose()
    return str(revision)


def add_company(dsn: str, company_id: uuid.UUID, name: str) -> None:
    """Register a company (idempotent: the same id and name again changes nothing)."""
    with psycopg.connect(dsn) as conn:
        conn.execute("INSERT INTO qayd.company (id, name) VALUES (%s, %s) ON CONFLICT (id) DO UPDATE "
                     "SET name = excluded.name", (company_id, name))


def add_member(dsn: str, login: str, password: str, level: str, company_id: uuid.UUID, display_name: str = "") -> None:
    """Create (or update) the login of one person, in their company, with one level: staff, compliance or admin.
    Only the password's SCRAM verifier is sent to the server; Qayd never logs the password."""
    if not _LOGIN.match(login):
        raise CentralSetupError(f"The login {login!r} is not a valid name.",
                                fix="Use lower-case letters, digits and _ (at most 63), starting with a letter.")
    if level not in LEVELS:
        raise CentralSetupError(f"The level {level!r} is not known.", fix="Use staff, compliance or admin.")
    if len(password) < 12:
        raise CentralSetupError("The password is too short.", fix="Use at least 12 characters.")
    with psycopg.connect(dsn) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
        ident = sql.Identifier(login)
        if exists is None:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOINHERIT").format(ident))
        # NOINHERIT would hide the group's grants; members inherit their one group.
        # Hashed here (SCRAM-SHA-256, as psql's \password does): the clear password never reaches the server,
        # so no statement log can hold it.
        verifier = conn.pgconn.encrypt_password(password.encode("utf-8"), login.encode("utf-8"), b"scram-sha-256")
        conn.execute(sql.SQL("ALTER ROLE {} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS "
                             "PASSWORD {}").format(ident, sql.Literal(verifier.decode("ascii"))))
        for group in LEVELS.values():
            conn.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group), ident))
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(LEVELS[level]), ident))
        conn.execute("INSERT INTO qayd.member (login, company_id, level, display_name) VALUES (%s, %s, %s, %s) "
                     "ON CONFLICT (login) DO UPDATE SET company_id = excluded.company_id, level = excluded.level, "
                     "display_name = excluded.display_name", (login, company_id, level, display_name))
