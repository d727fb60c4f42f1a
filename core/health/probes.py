"""The network half of `qayd doctor`: the ZATCA portal's clock, central's connection and the SMTP login, each a
callable, so tests point them at local servers (or replace them) and `run_checks(network=False)` needs none.

`health_probes` builds them from the settings with the composition root's transports (core.bootstrap); it lives
here, not in core.bootstrap, because the layers put core.health above the composition root (pyproject).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from core.config import Settings

if TYPE_CHECKING:
    from core.uow import Context

PORTAL_TIMEOUT = 3.0  # seconds: doctor answers in under 5 s even when the portal does not
CENTRAL_TIMEOUT = 3  # seconds (libpq's connect_timeout is whole seconds)
SMTP_TIMEOUT = 3.0
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# The central functions this version calls: a login that may not read central's revision still sees whether
# they are there (a central older than this version lacks some).
CENTRAL_FUNCTIONS = ("qayd.push(uuid, json)", "qayd.push_audit(uuid, jsonb, jsonb)", "qayd.register_device(uuid, "
                     "text, bytea)", "qayd.heartbeat(uuid, text, text, boolean)", "qayd.audit_heads()",
                     "qayd.audit_held(uuid)")


@dataclass(frozen=True)
class CentralFacts:
    """What one connection to central showed (no password, no login name)."""

    where: str  # host:port/database
    ssl_in_use: bool
    sslmode: str
    loopback: bool
    revision: str | None  # None: this login may not read it
    expected: str
    missing_functions: tuple[str, ...]
    server_now: datetime
    round_trip_ms: float


@dataclass(frozen=True)
class Probes:
    """The network probes; None where there is nothing to reach (central or mail not configured)."""

    zatca_time: Callable[[], datetime] | None = None  # the portal's clock (its HTTP Date header)
    central: Callable[[], CentralFacts] | None = None  # raises when central cannot be reached or refuses the login
    smtp_login: Callable[[], None] | None = None  # raises core.mail's MailError when the login fails


def health_probes(settings: Settings, ctx: Context) -> Probes:
    """The probes of this install: the configured ZATCA environment's portal, central when connected, the SMTP
    server when [mail] is set."""
    return Probes(zatca_time=lambda: portal_time(settings),
                  central=(lambda: central_facts(settings, ctx)) if central_configured(settings, ctx) else None,
                  smtp_login=(lambda: smtp_login(settings, ctx)) if settings.mail.host else None)


def portal_time(settings: Settings) -> datetime:
    from core.bootstrap import zatca_client

    with zatca_client(settings, settings.zatca.environment) as client:
        return client.server_time(timeout=PORTAL_TIMEOUT)


def central_configured(settings: Settings, ctx: Context) -> bool:
    if settings.central.database_url:
        return True
    with ctx.uow(write=False) as uow:
        row = uow.session.connection().exec_driver_sql(
            "SELECT value FROM sync_state WHERE key = 'central.url'").first()
    return bool(row and row[0])


def central_facts(settings: Settings, ctx: Context) -> CentralFacts:
    import psycopg

    from core.sync import connect_central, dsn_for

    dsn = dsn_for(ctx, settings)
    parts = urlsplit(dsn)
    sslmode = dict(parse_qsl(parts.query)).get("sslmode", "")
    started = time.perf_counter()
    with connect_central(dsn, connect_timeout=CENTRAL_TIMEOUT) as conn:
        server_now = conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
        round_trip = (time.perf_counter() - started) * 1000
        missing = tuple(f for f in CENTRAL_FUNCTIONS
                        if conn.execute("SELECT to_regprocedure(%s) IS NULL", (f,)).fetchone()[0])  # type: ignore[index]
        try:
            revision: str | None = str(conn.execute("SELECT version_num FROM qayd.alembic_version")
                                       .fetchone()[0])  # type: ignore[index]
        except psycopg.errors.InsufficientPrivilege:
            conn.rollback()
            revision = None
        ssl_in_use = bool(conn.pgconn.ssl_in_use)
    where = f"{parts.hostname}:{parts.port or 5432}{parts.path}"
    return CentralFacts(where, ssl_in_use, sslmode, (parts.hostname or "") in LOOPBACK, revision,
                        central_head(), missing, server_now, round(round_trip, 1))


@lru_cache(maxsize=1)
def central_head() -> str:
    """The newest central migration this version ships (the one no other names as its parent)."""
    from core.central.admin import MIGRATIONS

    pattern = re.compile(r"""^(down_revision|revision)\s*=\s*(?:['"]([^'"]*)['"]|None)""", re.MULTILINE)
    revisions, parents = set(), set()
    for script in Path(MIGRATIONS, "versions").glob("*.py"):
        found = dict(pattern.findall(script.read_text("utf-8")))
        if found.get("revision"):
            revisions.add(found["revision"])
            parents.add(found.get("down_revision") or None)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else ""


def smtp_login(settings: Settings, ctx: Context) -> None:
    from core.mail.login import read_login, smtp_server
    from core.mail.smtp import SmtpTransport

    server = smtp_server(settings.mail)
    with ctx.uow(write=False) as uow:
        login = read_login(uow, settings.mail)
    with SmtpTransport(server, login, timeout=SMTP_TIMEOUT):
        pass

