"""Where this install's central database is and how it logs in: the URL (no password) and the login are kept in
the store's sync state, the password in the secret store (`central.password`), TLS options in the URL's query
(`sslmode=verify-full&sslrootcert=…`; verify-full is the default when none is given)."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from core.central.admin import CentralSetupError
from core.config import Settings
from core.errors import NotFoundError
from core.sync import outbox
from core.sync.outbox import raw
from core.uow import Context

PASSWORD_SECRET = "central.password"


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres") or not parts.hostname:
        raise CentralSetupError(f"{url!r} is not a PostgreSQL address.",
                                fix="Give it as postgresql://HOST[:PORT]/DATABASE[?sslmode=verify-full&sslrootcert=CA.pem].")
    if parts.password or any(k.lower() == "password" for k, _ in parse_qsl(parts.query)):
        raise CentralSetupError("The central address must not hold a password.",
                                fix="Give the password on standard input; Qayd keeps it in the secret store.")


def save_connection(ctx: Context, url: str, user: str, password: str) -> None:
    """Remember the central database of this install: URL and login in the store, the password encrypted."""
    _check_url(url)
    with ctx.uow() as uow:
        db = raw(uow)
        outbox.set_state(db, "central.url", url)
        outbox.set_state(db, "central.user", user)
        uow.secrets.set(PASSWORD_SECRET, password.encode("utf-8"), now=ctx.clock())
        uow.audit.append("sync.connection_set", "central", {"url": url, "user": user})
        uow.commit()


def dsn_for(ctx: Context, settings: Settings | None = None) -> str:
    """The libpq URL to reach central as this install's login, with the password from the secret store. The
    settings' `central.database_url` (config file or QAYD_CENTRAL__DATABASE_URL) wins over the stored one."""
    with ctx.uow(write=False) as uow:
        db = raw(uow)
        url = outbox.get_state(db, "central.url")
        user = outbox.get_state(db, "central.user")
        if settings is not None and settings.central.database_url:
            url = settings.central.database_url.replace("postgresql+psycopg://", "postgresql://")
        if not url:
            raise CentralSetupError("This install has no central database.",
                                    fix="Connect it with `qayd central connect URL --user LOGIN` (password on stdin).")
        try:  # the read is audited (without the value) in a write transaction of its own
            password = uow.secrets.get(PASSWORD_SECRET).decode("utf-8")
        except NotFoundError:
            password = ""
    return compose_dsn(url, user, password, settings)


def new_dsn(url: str, user: str, password: str, settings: Settings | None = None) -> str:
    """The libpq URL of a connection not saved yet (`central connect` tries it first), the URL checked as saving
    would check it."""
    _check_url(url)
    return compose_dsn(url, user, password, settings)


def compose_dsn(url: str, user: str, password: str, settings: Settings | None = None) -> str:
    """The libpq URL for `url` as `user` with `password` (TLS defaults applied)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if settings is not None and "sslmode" not in query:
        query["sslmode"] = settings.central.sslmode
    query.setdefault("sslmode", "verify-full")
    login = user or parts.username or ""
    host = parts.hostname or ""
    netloc = quote(login, safe="") + (f":{quote(password, safe='')}" if password else "") + f"@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))


def masked(dsn: str) -> str:
    """`dsn` without its password, for messages."""
    parts = urlsplit(dsn)
    if parts.password is None:
        return dsn
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
