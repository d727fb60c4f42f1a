"""A throwaway PostgreSQL server for tests, started from the machine's own ``initdb``/``pg_ctl``.

    with PgServer() as server:                      # initdb + start: about a second
        url = server.url(sslmode="verify-full")     # postgresql+psycopg://qayd_owner:…@127.0.0.1:PORT/qayd?…
        with server.database() as db:               # a fresh database, dropped on exit (tens of ms)
            engine = db.engine()                    # disposed with the database
        server.restart()                            # pg_ctl restart -m fast: open connections break
        server.kill()                               # SIGKILL to the postmaster and its backends; start() recovers

The server listens on 127.0.0.1 on a free port (and a unix socket in its temp folder), with TLS on (a certificate for
``localhost`` and ``127.0.0.1`` from a throwaway CA: ``server.ca_file``) and SCRAM passwords for every TCP login.
``PgServer(require_tls=True)`` refuses TCP logins without TLS. ``fsync`` and ``full_page_writes`` are off: a killed
server keeps every acknowledged commit (``synchronous_commit`` stays on; see ``_write_conf``), a crashed machine would
not, which is fine for tests. ``PgServer(settings={"name": "value"})`` overrides any setting.
As root (CI), ``initdb``/``pg_ctl`` run as the ``postgres`` user, which owns the temp folder.
Cleanup: ``close()`` (or the ``with`` block) stops the server and deletes its folder; atexit does it as a backstop,
and servers left by a test process that died are killed and deleted when the next ``PgServer`` starts.

Binaries: ``$QAYD_PG_BIN`` if set, else ``pg_ctl`` on PATH, else the newest ``/usr/lib/postgresql/*/bin``.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import psycopg
from psycopg import sql as pgsql
from psycopg.conninfo import make_conninfo
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL

from tests.support.tls import TestCA

HOST = "127.0.0.1"
SUPERUSER = "qayd_owner"
SUPERUSER_PASSWORD = "qayd-owner-test-only"  # loopback-only throwaway server; not a secret
DBNAME = "qayd"
SERVER_USER = "postgres"  # who runs the server when the tests run as root
PREFIX = "qayd-pg-"
CACHE_PREFIX = "qayd-pgcache-"  # a pristine initdb output, copied for each new server (initdb takes seconds)
_TLS_MODES = ("verify-ca", "verify-full")
SqlText = str | pgsql.SQL | pgsql.Composed


class PgServerError(RuntimeError):
    """The server could not be set up, started or stopped; the message quotes the server log."""


def find_pg_bin() -> Path:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``."""
    candidates: list[Path] = []
    if override := os.environ.get("QAYD_PG_BIN"):
        candidates.append(Path(override))
    if on_path := shutil.which("pg_ctl"):
        candidates.append(Path(on_path).resolve().parent)
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(versions, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    for folder in candidates:
        if all((folder / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise PgServerError("PostgreSQL server programs (initdb, pg_ctl, postgres) not found on PATH or in "
                        "/usr/lib/postgresql/*/bin: install the server (Debian: apt-get install postgresql) "
                        "or set QAYD_PG_BIN")


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


# --- processes -------------------------------------------------------------------------------------------------------

def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (state first), or None when there is no such process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    except OSError:
        return []
    return raw[raw.rfind(")") + 2:].split()


def _alive(pid: int) -> bool:
    """True for a live process (a zombie, which no one may reap in a container, counts as dead)."""
    fields = _stat(pid)
    if fields is None:
        return False
    if fields:
        return fields[0] != "Z"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _start_time(pid: int) -> str:
    fields = _stat(pid)
    return fields[19] if fields and len(fields) > 19 else "?"


def _group_alive(pgid: int) -> bool:
    if not Path("/proc/self/stat").exists():
        return _alive(pgid)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and len(fields) > 3 and fields[3] == str(pgid) and fields[0] != "Z":
                return True
    return False


def _kill_group(pid: int, timeout: float = 10.0) -> None:
    """SIGKILL a postmaster and its backends (pg_ctl makes the postmaster a session and group leader)."""
    with contextlib.suppress(ProcessLookupError):
        try:
            os.killpg(pid, signal.SIGKILL)
        except PermissionError:
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while (_alive(pid) or _group_alive(pid)) and time.monotonic() < deadline:
        time.sleep(0.02)


def _postmaster_pid(data_dir: Path) -> int | None:
    try:
        first = (data_dir / "postmaster.pid").read_text().split("\n", 1)[0].strip()
    except (FileNotFoundError, PermissionError):
        return None
    return int(first) if first.isdigit() else None


def _kill_cluster(data_dir: Path, socket_dir: Path) -> None:
    """SIGKILL a cluster's postmaster and backends, then remove what a clean shutdown would have: the lock files
    (the dead postmaster may linger as a zombie until init reaps it, and PostgreSQL refuses to start while the pid in
    its lock file exists) and the SysV memory segment (the next postmaster would only find it through them)."""
    pid = _postmaster_pid(data_dir)
    if pid is None or not _alive(pid):
        return
    lock = (data_dir / "postmaster.pid").read_text().splitlines()
    _kill_group(pid)
    (data_dir / "postmaster.pid").unlink(missing_ok=True)
    port = lock[3].strip() if len(lock) > 3 else ""
    (socket_dir / f".s.PGSQL.{port}.lock").unlink(missing_ok=True)
    shmem = lock[6].split() if len(lock) > 6 else []
    if len(shmem) == 2 and shmem[1].isdigit() and shutil.which("ipcrm"):
        subprocess.run(["ipcrm", "-m", shmem[1]], capture_output=True, check=False)


def _is_postgres(pid: int) -> bool:
    try:
        return "postgres" in Path(f"/proc/{pid}/comm").read_text(errors="replace")
    except OSError:
        return False


def _server_uid() -> int:
    """Who owns the servers this process makes: the postgres user for root, else this user."""
    return pwd.getpwnam(SERVER_USER).pw_uid if os.geteuid() == 0 else os.geteuid()


def reap_orphans(root: Path) -> None:
    """Kill and delete the servers under ``root`` that this user made and whose test process is gone (it was killed
    before it could clean up): the backstop for atexit."""
    for base in root.glob(f"{PREFIX}*"):
        try:
            if base.stat().st_uid != _server_uid():
                continue
            owner_pid, owner_start = (base / "owner").read_text().split()
        except (OSError, ValueError, KeyError):
            continue
        if _alive(int(owner_pid)) and _start_time(int(owner_pid)) == owner_start:
            continue
        pid = _postmaster_pid(base / "data")
        if pid and _is_postgres(pid):
            _kill_cluster(base / "data", base / "sock")
        shutil.rmtree(base, ignore_errors=True)


def _tmp_root(as_root: bool) -> Path:
    """Where servers live: ``$QAYD_PG_TMP``, else tmpfs (/dev/shm: initdb and copies are several times faster than
    on disk), else /tmp. Not pytest's tmp dirs: root's are 0700, out of the postgres user's reach, and a unix socket
    path must stay under ~107 bytes."""
    if override := os.environ.get("QAYD_PG_TMP"):
        return Path(override)
    shm = Path("/dev/shm")
    with contextlib.suppress(OSError):
        usage = os.statvfs(shm)
        if os.access(shm, os.W_OK | os.X_OK) and usage.f_bavail * usage.f_frsize > 2 << 30:
            return shm
    root = Path("/tmp") if as_root else Path(tempfile.gettempdir())
    return root if len(str(root)) < 60 else Path("/tmp")


def _reap_builds(root: Path, max_age: float = 600.0) -> None:
    for build in root.glob(f"{CACHE_PREFIX}build-*"):
        with contextlib.suppress(OSError):
            if time.time() - build.stat().st_mtime > max_age:
                shutil.rmtree(build, ignore_errors=True)


_reaped: set[Path] = set()


# --- the server ------------------------------------------------------------------------------------------------------

class PgServer:
    """One throwaway PostgreSQL cluster; see the module docstring. Thread-safe for its control methods."""

    def __init__(self, *, require_tls: bool = False, max_connections: int = 100,
                 settings: dict[str, str] | None = None, bin_dir: Path | None = None) -> None:
        self.require_tls = require_tls
        self.max_connections = max_connections
        self.extra_settings = dict(settings or {})
        self.bin_dir = bin_dir or find_pg_bin()
        self.host = HOST
        self.superuser = SUPERUSER
        self.password = SUPERUSER_PASSWORD
        self.dbname = DBNAME
        self.port = 0
        self._as_root = os.geteuid() == 0
        self._owner: tuple[int, int] | None = None
        if self._as_root:
            try:
                entry = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise PgServerError(f"running as root needs a '{SERVER_USER}' user to run the server "
                                    "(Debian's postgresql package creates it)") from None
            self._owner = (entry.pw_uid, entry.pw_gid)
        self.base: Path | None = None
        self._lock = threading.RLock()
        self._templates: set[str] = set()
        self._version = 0
        self._env = {k: v for k, v in os.environ.items() if not k.startswith("PG")} | {"LC_ALL": "C", "LANG": "C"}

    # paths
    @property
    def _base(self) -> Path:
        if self.base is None:
            raise PgServerError("the server was never started")
        return self.base

    @property
    def data_dir(self) -> Path:
        return self._base / "data"

    @property
    def socket_dir(self) -> Path:
        return self._base / "sock"

    @property
    def log_file(self) -> Path:
        return self._base / "server.log"

    @property
    def ca_file(self) -> Path:
        """The CA certificate that issued the server's: ``sslrootcert`` for ``sslmode=verify-full``."""
        return self._base / "tls" / "ca.crt"

    @property
    def pid(self) -> int | None:
        """The postmaster's process id while it runs."""
        if self.base is None:
            return None
        pid = _postmaster_pid(self.data_dir)
        return pid if pid and _alive(pid) else None

    @property
    def running(self) -> bool:
        return self.pid is not None

    # lifecycle
    def start(self) -> PgServer:
        """Create the cluster on first use, then start it (no-op when running). Returns self."""
        with self._lock:
            if self.running:
                return self
            if self.base is None:
                self._create()
            for attempt in range(3):
                offset = self._log_size()
                done = self._pg_ctl("start", "-l", str(self.log_file), check=False)
                if done.returncode == 0 and self.running:
                    break
                log = self._log_since(offset)
                if attempt < 2 and "already in use" in log:  # lost the free-port race: take another
                    self.port = free_port()
                    self._write_conf()
                    continue
                raise PgServerError(f"PostgreSQL did not start (pg_ctl: {done.stdout}{done.stderr}).\n"
                                    f"Server log {self.log_file}:\n{log}")
            if not self.psql("SELECT 1 FROM pg_database WHERE datname = %s", (self.dbname,), dbname="postgres"):
                self.psql(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(self.dbname)), dbname="postgres")
            return self

    def stop(self) -> None:
        """Stop the server (fast shutdown; open connections are terminated). Data stay: start() brings them back."""
        with self._lock:
            if not self.running:
                return
            self._pg_ctl("stop", "-m", "fast", check=False)
            if self.running:
                self.kill()

    def restart(self, fast: bool = True) -> None:
        """``pg_ctl restart``: fast mode ends open connections at once; otherwise waits for clients to leave."""
        with self._lock:
            if not self.running:
                self.start()
                return
            offset = self._log_size()
            done = self._pg_ctl("restart", "-m", "fast" if fast else "smart", "-l", str(self.log_file), check=False)
            if done.returncode != 0 or not self.running:
                raise PgServerError(f"PostgreSQL did not restart: {done.stdout}{done.stderr}\n"
                                    f"Server log:\n{self._log_since(offset)}")

    def kill(self) -> None:
        """SIGKILL the postmaster and its backends at once, as a crash would. start() recovers."""
        with self._lock:
            if self.base is not None:
                _kill_cluster(self.data_dir, self.socket_dir)

    def ensure_running(self) -> PgServer:
        """Start the server again if a test stopped or killed it."""
        return self.start()

    def close(self) -> None:
        """Stop the server and delete its folder. Safe to call twice."""
        with self._lock:
            atexit.unregister(self.close)
            if self.base is None:
                return
            try:
                self.stop()
            finally:
                shutil.rmtree(self.base, ignore_errors=True)
                self.base = None
                self._templates.clear()

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<PgServer {self.host}:{self.port} {'running' if self.running else 'stopped'} {self.base}>"

    # addresses
    def url(self, *, user: str | None = None, password: str | None = None, dbname: str | None = None,
            sslmode: str | None = None, host: str | None = None, port: int | None = None, **params: Any) -> str:
        """A SQLAlchemy URL ``postgresql+psycopg://…``. Defaults: the superuser (with its password; another ``user``
        gets no password unless given), database ``qayd``, this server's port, libpq's sslmode (``prefer``).
        ``verify-ca``/``verify-full`` add ``sslrootcert=<ca_file>``. Extra ``params`` (``connect_timeout=2``,
        ``application_name=…``) go to libpq."""
        user, password, query = self._parts(user, password, sslmode, params)
        return URL.create("postgresql+psycopg", username=user, password=password, host=host or self.host,
                          port=port or self.port, database=dbname or self.dbname,
                          query=query).render_as_string(hide_password=False)

    def dsn(self, *, user: str | None = None, password: str | None = None, dbname: str | None = None,
            sslmode: str | None = None, host: str | None = None, port: int | None = None, **params: Any) -> str:
        """The same as :meth:`url`, as a libpq connection string for ``psycopg.connect``."""
        user, password, query = self._parts(user, password, sslmode, params)
        return make_conninfo("", host=host or self.host, port=port or self.port, user=user, password=password,
                             dbname=dbname or self.dbname, **query)

    def superuser_dsn(self, dbname: str | None = None, **params: Any) -> str:
        """:meth:`dsn` for the superuser over TCP (``dbname`` defaults to ``qayd``)."""
        return self.dsn(dbname=dbname, **params)

    def _parts(self, user: str | None, password: str | None, sslmode: str | None,
               params: dict[str, Any]) -> tuple[str, str | None, dict[str, str]]:
        if user is None:
            user, password = self.superuser, password or self.password
        query = {key: str(value) for key, value in params.items() if value is not None}
        if sslmode:
            query["sslmode"] = sslmode
            if sslmode in _TLS_MODES:
                query.setdefault("sslrootcert", str(self.ca_file))
        return user, password, query

    # SQL as the superuser (over the unix socket, so it works whatever TLS and proxies the test set up)
    def psql(self, statement: SqlText, params: Any = None, *,
             dbname: str | None = None) -> list[tuple[Any, ...]]:
        """Run SQL as the superuser in autocommit; the rows of the last result ([] when it has none). Without
        ``params`` the text may hold several statements; ``params`` fill ``%s`` placeholders."""
        with psycopg.connect(host=str(self.socket_dir), port=self.port, user=self.superuser, password=self.password,
                             dbname=dbname or self.dbname, autocommit=True) as conn, conn.cursor() as cur:
            cur.execute(statement, params)
            rows = cur.fetchall() if cur.description else []
            while cur.nextset():
                rows = cur.fetchall() if cur.description else []
            return rows

    def create_database(self, name: str | None = None, *, template: str = "template1", owner: str | None = None) -> str:
        """Create a database (a unique name by default) as a copy of ``template``; returns its name."""
        name = name or f"qt_{uuid.uuid4().hex[:12]}"
        if template not in ("template0", "template1"):
            self._terminate(template)  # CREATE DATABASE fails while anyone is connected to the template
        statement = pgsql.SQL("CREATE DATABASE {} TEMPLATE {}").format(pgsql.Identifier(name),
                                                                        pgsql.Identifier(template))
        if owner:
            statement += pgsql.SQL(" OWNER {}").format(pgsql.Identifier(owner))
        if self.version >= 150000:  # a file copy is about twice as fast as WAL-logging the copy with fsync off
            statement += pgsql.SQL(" STRATEGY FILE_COPY")
        self.psql(statement, dbname="postgres")
        return name

    @property
    def version(self) -> int:
        """``server_version_num``, e.g. 150013."""
        if not self._version:
            self._version = int(self.psql("SHOW server_version_num", dbname="postgres")[0][0])
        return self._version

    def drop_database(self, name: str) -> None:
        """Drop a database, ending its connections first."""
        self.psql(pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name)),
                  dbname="postgres")

    def template(self, name: str, prepare: Callable[[str], None]) -> str:
        """A template database built once per server: created empty, then ``prepare(superuser_url)`` fills it
        (e.g. runs the migrations; it must close its connections). ``database(template=name)`` copies it cheaply."""
        with self._lock:
            if name not in self._templates:
                self.drop_database(name)
                self.create_database(name)
                try:
                    prepare(self.url(dbname=name))
                except BaseException:
                    self.drop_database(name)
                    raise
                self._templates.add(name)
            return name

    def database(self, template: str = "template1") -> PgDatabase:
        """A fresh database copied from ``template``; use as a context manager, or call ``drop()``."""
        return PgDatabase(self, template=template)

    def role_names(self) -> set[str]:
        return {row[0] for row in self.psql("SELECT rolname FROM pg_roles", dbname="postgres")}

    def _terminate(self, dbname: str) -> None:
        self.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                  "pg_backend_pid()", (dbname,), dbname="postgres")

    # setup
    def _create(self) -> None:
        root = _tmp_root(self._as_root)
        if root not in _reaped:
            _reaped.add(root)
            reap_orphans(root)
            _reap_builds(root)
        pristine = self._pristine(root)
        self.base = Path(tempfile.mkdtemp(prefix=PREFIX, dir=root))
        atexit.register(self.close)  # from here on there is something to clean up
        (self.base / "owner").write_text(f"{os.getpid()} {_start_time(os.getpid())}\n")
        os.chmod(self.base, 0o755)
        self.socket_dir.mkdir(mode=0o755)
        TestCA("Qayd test PostgreSQL CA").write_server_files(self.base / "tls", owner=self._owner)
        if self._owner:
            for path in (self.base, self.socket_dir, self.base / "tls"):
                os.chown(path, *self._owner)
        self._run("cp", "-a", pristine, self.data_dir)
        self.port = free_port()
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write("\ninclude 'qayd_test.conf'\n")
        self._write_conf()
        self._write_hba()

    def _pristine(self, root: Path) -> Path:
        """A data folder fresh from initdb, made once per machine boot, binaries and user (then only copied)."""
        binary = (self.bin_dir / "postgres").stat()
        key = hashlib.sha256(f"1|{self.bin_dir}|{binary.st_mtime_ns}|{os.geteuid()}|{self.superuser}|"
                             f"{self.password}".encode()).hexdigest()[:16]
        cache = root / f"{CACHE_PREFIX}{key}"
        if (cache / "ready").exists():
            return cache / "data"
        build = Path(tempfile.mkdtemp(prefix=f"{CACHE_PREFIX}build-", dir=root))
        try:
            os.chmod(build, 0o755)
            password_file = build / "pwfile"
            password_file.write_text(self.password + "\n")
            os.chmod(password_file, 0o600)
            if self._owner:
                os.chown(build, *self._owner)
                os.chown(password_file, *self._owner)
            self._run(self.bin_dir / "initdb", "-D", build / "data", "-U", self.superuser,
                      f"--pwfile={password_file}", "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C",
                      "--no-sync", "--no-instructions", cwd=build)
            password_file.unlink()
            (build / "ready").touch()
            with contextlib.suppress(OSError):  # another process may have won the race: either copy will do
                build.rename(cache)
        finally:
            shutil.rmtree(build, ignore_errors=True)
        return cache / "data"

    def _write_conf(self) -> None:
        tls = self._base / "tls"
        settings = {
            "listen_addresses": f"'{self.host}'", "port": str(self.port),
            "unix_socket_directories": f"'{self.socket_dir}'", "max_connections": str(self.max_connections),
            "shared_buffers": "32MB", "fsync": "off", "full_page_writes": "off",
            # on, unlike the usual speed-up: with fsync off it costs nothing measurable, and off would lose commits
            # already acknowledged when kill() crashes the server (production keeps them), failing crash tests falsely.
            "synchronous_commit": "on",
            "log_min_messages": "warning", "lc_messages": "'C'", "timezone": "'UTC'",
            "password_encryption": "'scram-sha-256'", "ssl": "on",
            "dynamic_shared_memory_type": "mmap",  # in the data folder, so a killed server leaks none
            "ssl_cert_file": f"'{tls / 'server.crt'}'", "ssl_key_file": f"'{tls / 'server.key'}'",
        } | self.extra_settings
        self._write_owned(self.data_dir / "qayd_test.conf", "".join(f"{k} = {v}\n" for k, v in settings.items()))

    def _write_hba(self) -> None:
        tcp = "hostssl" if self.require_tls else "host"
        lines = ["local all all scram-sha-256",
                 f"{tcp} all all 127.0.0.1/32 scram-sha-256",
                 f"{tcp} all all ::1/128 scram-sha-256"]
        if self.require_tls:
            lines += ["hostnossl all all 0.0.0.0/0 reject", "hostnossl all all ::/0 reject"]
        self._write_owned(self.data_dir / "pg_hba.conf", "\n".join(lines) + "\n")

    def _write_owned(self, path: Path, text: str) -> None:
        path.write_text(text)
        os.chmod(path, 0o600)
        if self._owner:
            os.chown(path, *self._owner)

    def _pg_ctl(self, action: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self._run(self.bin_dir / "pg_ctl", action, "-D", self.data_dir, "-w", "-t", "30", "-s", *args,
                         check=check)

    def _run(self, *args: str | Path, check: bool = True, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        command = [str(arg) for arg in args]
        if self._as_root:
            runuser = shutil.which("runuser")
            command = ([runuser, "-u", SERVER_USER, "--", *command] if runuser
                       else ["su", SERVER_USER, "-s", "/bin/sh", "-c", shlex.join(command)])
        done = subprocess.run(command, cwd=cwd or self._base, env=self._env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=120, check=False)
        if check and done.returncode != 0:
            raise PgServerError(f"{shlex.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return done

    def _log_size(self) -> int:
        try:
            return self.log_file.stat().st_size
        except FileNotFoundError:
            return 0

    def _log_since(self, offset: int, limit: int = 4000) -> str:
        try:
            with self.log_file.open("rb") as log:
                log.seek(offset)
                text = log.read().decode(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return text[-limit:]


class PgDatabase:
    """A fresh database on a :class:`PgServer`. ``drop()`` (or leaving the ``with`` block) disposes the engines made
    by :meth:`engine`, drops the database and drops the roles created since it was made (roles are cluster-wide)."""

    def __init__(self, server: PgServer, *, template: str = "template1") -> None:
        self.server = server
        self._roles_before = server.role_names()
        self.name = server.create_database(template=template)
        self._engines: list[Engine] = []

    @property
    def url(self) -> str:
        """The superuser's SQLAlchemy URL for this database."""
        return self.server.url(dbname=self.name)

    @property
    def dsn(self) -> str:
        return self.server.dsn(dbname=self.name)

    def url_for(self, **kwargs: Any) -> str:
        """``server.url(...)`` for this database, e.g. ``url_for(user="clerk", password="pw", sslmode="require")``."""
        return self.server.url(dbname=self.name, **kwargs)

    def dsn_for(self, **kwargs: Any) -> str:
        return self.server.dsn(dbname=self.name, **kwargs)

    def psql(self, statement: SqlText, params: Any = None) -> list[tuple[Any, ...]]:
        return self.server.psql(statement, params, dbname=self.name)

    def engine(self, url: str | None = None, **kwargs: Any) -> Engine:
        """A SQLAlchemy engine (on :attr:`url` by default), disposed when the database is dropped."""
        engine = create_engine(url or self.url, **kwargs)
        self._engines.append(engine)
        return engine

    def drop(self) -> None:
        for engine in self._engines:
            engine.dispose()
        self._engines.clear()
        self.server.ensure_running()
        self.server.drop_database(self.name)
        for role in self.server.role_names() - self._roles_before:
            self._drop_role(role)

    def _drop_role(self, role: str) -> None:
        statement = pgsql.SQL("DROP ROLE IF EXISTS {}").format(pgsql.Identifier(role))
        try:
            self.server.psql(statement, dbname="postgres")
        except psycopg.errors.DependentObjectsStillExist:
            for (dbname,) in self.server.psql("SELECT datname FROM pg_database WHERE datallowconn", dbname="postgres"):
                self.server.psql(pgsql.SQL("DROP OWNED BY {} CASCADE").format(pgsql.Identifier(role)), dbname=dbname)
            self.server.psql(statement, dbname="postgres")

    def __enter__(self) -> PgDatabase:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.drop()

    def __repr__(self) -> str:
        return f"<PgDatabase {self.name} on {self.server.host}:{self.server.port}>"


@contextlib.contextmanager
def running_server(**kwargs: Any) -> Iterator[PgServer]:
    """``with running_server(require_tls=True) as server:`` — start, yield, always close."""
    server = PgServer(**kwargs)
    try:
        yield server.start()
    finally:
        server.close()
