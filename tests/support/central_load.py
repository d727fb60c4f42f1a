"""Many desks against one central PostgreSQL: the simulator behind tests/load/test_central_load.py.

Each simulated desk is a device registered centrally, without a local store (a thousand SQLite companies would
measure the desks, not central). It calls central the way `core.sync.engine` does, through the same server
functions and the same statements: `qayd.register_device`, `qayd.push(device, json)` with change ids made by
`core.sync.outbox.Pending`, the engine's pull (the newest sequence, then batches after the cursor), and
`core.sync.live.heartbeat`; a listening desk uses `core.sync.live.Listener`. A guard test checks that the statements
below are still the engine's own.

Connections: each company's desks share a few pooled sessions (one login per company: row-level security and the
device owner check read `session_user`, so a session serves one company); each listening desk holds one session of
its own for LISTEN, and pulls through its company's pool when a change is announced (one pull queued at a time).
With `connect_each_time`, the pool bounds how many exchanges run at once, but each opens a session of its own, as
the product's sync and heartbeat do (`core.sync.engine.central`).

Cadence, as the desktop's (desktop/sync_controller.py): a heartbeat every 30 s and a sync (a pull when nothing is
waiting) every 30 s; every `push_every` seconds a desk has written 50 changes and syncs at once (push, then pull).
Start times are spread evenly over each interval.
"""

from __future__ import annotations

import heapq
import itertools
import json
import os
import queue
import threading
import time
import uuid
from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg

from core.central.admin import add_company, add_member, init_schema
from core.sync import live
from core.sync.outbox import Pending

# The statements core.sync.engine runs (tests/load checks they are still there, word for word).
PUSH_SQL = "SELECT qayd.push(%s, %s::json)"
NEWEST_SQL = "SELECT coalesce(max(seq), 0) FROM qayd.change WHERE company_id = qayd.my_company()"
PULL_SQL = ("SELECT seq, device_id::text, entity, row_id, op, version, payload FROM qayd.change "
            "WHERE company_id = qayd.my_company() AND seq > %s AND device_id <> %s AND NOT conflict "
            "ORDER BY seq LIMIT %s")
REGISTER_SQL = "SELECT qayd.register_device(%s, %s, %s)"
PULL_BATCH = 5000  # core.sync.engine.PULL_BATCH


def _env(name: str, default: float) -> float:
    return float(os.environ.get(f"QAYD_LOAD_{name}", default))


@dataclass(frozen=True)
class Plan:
    """What to simulate; every figure can be changed through QAYD_LOAD_<NAME> (e.g. QAYD_LOAD_SECONDS=300)."""

    devices: int = 1000
    companies: int = 10
    listeners: int = 100
    pool: int = 50  # pooled sessions in all, spread evenly over the companies
    seconds: float = 60.0
    sync_every: float = 30.0
    heartbeat_every: float = 30.0
    push_every: float = 120.0
    changes: int = 50
    connect_each_time: int = 0  # 1: each sync and heartbeat opens its own session (TLS + SCRAM), as the product does

    @classmethod
    def from_env(cls) -> Plan:
        base = cls()
        return cls(**{name: type(getattr(base, name))(_env(name.upper(), getattr(base, name)))
                      for name in base.__dataclass_fields__})


@dataclass(eq=False)
class Desk:
    """One simulated install: its device id (what `live.heartbeat` reads, as from a Context), its cursor, what it
    pushed and what it pulled."""

    device_id: uuid.UUID
    company: int
    listening: bool
    cursor: int = 0
    next_entry: int = 1
    pushed: list[str] = field(default_factory=list)  # acknowledged change ids
    pulled: array[int] = field(default_factory=lambda: array("q"))  # central seqs, in pulled order
    lock: threading.Lock = field(default_factory=threading.Lock)
    pull_queued: threading.Event = field(default_factory=threading.Event)

    def batch(self, size: int, now: str) -> list[dict[str, Any]]:
        """`size` new customer rows as the outbox sends them (synthetic values, no personal data)."""
        out = []
        for _ in range(size):
            row_id = uuid.uuid4().hex
            payload = {"kind": "business", "name": f"Customer {self.next_entry}", "name_ar": None,
                       "vat_number": None, "id_scheme": None, "id_value": None, "address_json": "{}",
                       "email": None, "phone": None, "restricted_at": None, "erased_at": None, "id": row_id,
                       "version": 1, "created_at": now, "updated_at": now, "deleted_at": None,
                       "device_id": self.device_id.hex}
            item = Pending(seq=self.next_entry, entity="customer", row_id=row_id, op="upsert", base_version=None,
                           gen=1, resolves=False, version=1, payload=payload)
            out.append(item.as_json(str(self.device_id)))
            self.next_entry += 1
        return out


@dataclass
class Figures:
    push: list[float] = field(default_factory=list)
    pull: list[float] = field(default_factory=list)
    heartbeat: list[float] = field(default_factory=list)
    connect: list[float] = field(default_factory=list)  # a new session (connect_each_time)
    wait: list[float] = field(default_factory=list)  # due -> a pooled session took the task
    notify_to_pull: list[float] = field(default_factory=list)
    push_to_listener: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pushes: int = 0
    pulls: int = 0
    heartbeats: int = 0
    pulled_rows: int = 0
    notifications: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, value: float) -> None:
        with self.lock:
            getattr(self, name).append(value)

    def error(self, what: str, exc: BaseException) -> None:
        with self.lock:
            self.errors.append(f"{what}: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}")


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Central:
    """Sets up the companies, logins and devices on a central database reached as its owner at `owner_dsn`;
    `login_dsn(company)` is how that company's desks connect."""

    def __init__(self, owner_dsn: str, login_dsn: Any, plan: Plan) -> None:
        self.owner_dsn, self.plan = owner_dsn, plan
        init_schema(owner_dsn)
        self.companies = [uuid.uuid4() for _ in range(plan.companies)]
        self.logins: list[str] = []
        for n, company in enumerate(self.companies):
            add_company(owner_dsn, company, f"Load {n}")
            login, password = f"load_{n}", f"load-{n}-{uuid.uuid4().hex[:10]}"
            add_member(owner_dsn, login, password, "staff", company, display_name=f"Load {n}")
            self.logins.append(login_dsn(login, password))
        # desk n is company n % companies's, so the first `listeners` desks spread the listeners evenly
        self.desks = [Desk(uuid.uuid4(), n % plan.companies, listening=n < plan.listeners)
                      for n in range(plan.devices)]


class Simulation:
    """Runs the plan against `central` and gathers the figures; `run()` returns them."""

    def __init__(self, central: Central) -> None:
        self.central, self.plan = central, central.plan
        self.figures = Figures()
        self.queues: list[queue.Queue[tuple[float, str, Desk] | None]] = [queue.Queue() for _ in central.companies]
        self.stopping = threading.Event()
        self.push_done: dict[int, float] = {}  # newest seq of a push -> when the pusher had its answer
        self.seen_by_listener: list[tuple[int, float]] = []  # (seq pulled, when) by listening desks
        self.sessions: list[psycopg.Connection[Any]] = []

    # --- sessions -----------------------------------------------------------------------------------------------
    def _connect(self, company: int) -> psycopg.Connection[Any]:
        conn = psycopg.connect(self.central.logins[company], connect_timeout=10, application_name="qayd-load")
        self.sessions.append(conn)
        return conn

    def register(self) -> None:
        """Every desk registers its device, as `engine.register_device` does at its first sync."""
        for n, _ in enumerate(self.central.companies):
            with psycopg.connect(self.central.logins[n], connect_timeout=10) as conn:
                for desk in (d for d in self.central.desks if d.company == n):
                    conn.execute(REGISTER_SQL, (desk.device_id, f"Desk {desk.device_id.hex[:6]}", os.urandom(32)))
                conn.commit()

    # --- work ---------------------------------------------------------------------------------------------------
    def sync(self, conn: psycopg.Connection[Any], desk: Desk, *, push: bool) -> None:
        """`engine.sync_once`'s exchanges with central: push (when the desk has changes), then pull."""
        if push:
            body = desk.batch(self.plan.changes, time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()))
            started = time.perf_counter()
            answer = conn.execute(PUSH_SQL, (desk.device_id, json.dumps(body, separators=(",", ":")))).fetchone()
            conn.commit()
            done = time.perf_counter()
            assert answer is not None
            outcomes = answer[0]
            if any(o["conflict"] for o in outcomes) or len(outcomes) != len(body):
                raise AssertionError(f"push answered {len(outcomes)} outcomes, conflicts among them")
            desk.pushed.extend(o["change_id"] for o in outcomes)
            self.push_done[max(int(o["seq"]) for o in outcomes)] = done
            self.figures.add("push", done - started)
            with self.figures.lock:
                self.figures.pushes += 1
        self.pull(conn, desk)

    def pull(self, conn: psycopg.Connection[Any], desk: Desk) -> None:
        started = time.perf_counter()
        conn.execute(NEWEST_SQL).fetchone()
        conn.commit()
        rows_in = 0
        while True:
            rows = conn.execute(PULL_SQL, (desk.cursor, desk.device_id, PULL_BATCH)).fetchall()
            conn.commit()
            if not rows:
                break
            seqs = [int(r[0]) for r in rows]
            if seqs[0] <= desk.cursor or any(b <= a for a, b in itertools.pairwise(seqs)):
                raise AssertionError("a pull returned a change twice or out of order")
            desk.pulled.extend(seqs)
            desk.cursor = seqs[-1]
            rows_in += len(rows)
        done = time.perf_counter()
        self.figures.add("pull", done - started)
        with self.figures.lock:
            self.figures.pulls += 1
            self.figures.pulled_rows += rows_in
            if desk.listening and rows_in:
                self.seen_by_listener.append((desk.cursor, done))

    def heartbeat(self, conn: psycopg.Connection[Any], desk: Desk) -> None:
        started = time.perf_counter()
        live.heartbeat(conn, desk, display_name=f"Desk {desk.device_id.hex[:6]}", viewing="")  # type: ignore[arg-type]
        self.figures.add("heartbeat", time.perf_counter() - started)
        with self.figures.lock:
            self.figures.heartbeats += 1

    @contextmanager
    def session(self, company: int, pooled: psycopg.Connection[Any] | None) -> Iterator[psycopg.Connection[Any]]:
        """The pooled session, or (connect_each_time) a new one for this exchange, as the product opens one for each
        sync and heartbeat (`engine.central`)."""
        if pooled is not None:
            yield pooled
            return
        started = time.perf_counter()
        with psycopg.connect(self.central.logins[company], connect_timeout=10, application_name="qayd") as conn:
            self.figures.add("connect", time.perf_counter() - started)
            yield conn

    def worker(self, company: int) -> None:
        pooled = None
        if not self.plan.connect_each_time:
            try:
                pooled = self._connect(company)
            except psycopg.Error as exc:
                self.figures.error("connect", exc)
                return
        while (task := self.queues[company].get()) is not None:
            due, kind, desk = task
            taken = time.perf_counter()
            self.figures.add("wait", max(taken - due, 0.0))
            try:
                with desk.lock, self.session(company, pooled) as conn:
                    if kind in ("sync", "push"):
                        self.sync(conn, desk, push=kind == "push")
                    elif kind == "heartbeat":
                        self.heartbeat(conn, desk)
                    else:
                        desk.pull_queued.clear()
                        self.pull(conn, desk)
                        self.figures.add("notify_to_pull", time.perf_counter() - due)
            except (psycopg.Error, AssertionError) as exc:
                self.figures.error(kind, exc)
                if pooled is not None and not pooled.closed:
                    pooled.rollback()

    def listen(self, desk: Desk) -> None:
        try:
            listener = live.Listener(self.central.logins[desk.company])
        except psycopg.Error as exc:
            self.figures.error("listen", exc)
            return
        self.sessions.append(listener.conn)
        with listener:
            while not self.stopping.is_set():
                for event in listener.events(0.5):
                    if event.kind != "change" or str(event.data.get("device")) == str(desk.device_id):
                        continue
                    with self.figures.lock:
                        self.figures.notifications += 1
                    if not desk.pull_queued.is_set():
                        desk.pull_queued.set()
                        self.queues[desk.company].put((time.perf_counter(), "notified", desk))

    def schedule(self, started: float) -> None:
        """Hand each desk's syncs and heartbeats to its company's pool when they fall due, until the time is up."""
        plan, heap = self.plan, []
        step = plan.sync_every / max(len(self.central.desks), 1)
        for n, desk in enumerate(self.central.desks):
            heap.append((started + n * step, n, "sync", desk))
            heap.append((started + (n * step + plan.heartbeat_every / 2) % plan.heartbeat_every, n, "heartbeat", desk))
            # a local write makes the desk sync at once (the desktop waits 2 s after a write), pushes spread evenly
            heap.append((started + n * plan.push_every / len(self.central.desks), n, "push", desk))
        heapq.heapify(heap)
        end = started + plan.seconds
        while heap and not self.stopping.is_set():
            due, n, kind, desk = heapq.heappop(heap)
            if due >= end:
                break
            if (pause := due - time.perf_counter()) > 0:
                time.sleep(pause)
            self.queues[desk.company].put((due, kind, desk))
            every = {"sync": plan.sync_every, "heartbeat": plan.heartbeat_every, "push": plan.push_every}[kind]
            heapq.heappush(heap, (due + every, n, kind, desk))

    def run(self) -> Figures:
        self.register()
        per_company = max(self.plan.pool // len(self.central.companies), 1)
        workers = [threading.Thread(target=self.worker, args=(c,), name=f"load-pool-{c}-{k}", daemon=True)
                   for c in range(len(self.central.companies)) for k in range(per_company)]
        listeners = [threading.Thread(target=self.listen, args=(d,), name="load-listen", daemon=True)
                     for d in self.central.desks if d.listening]
        for thread in workers + listeners:
            thread.start()
        time.sleep(1.0)  # listeners are listening before the first push
        try:
            self.schedule(time.perf_counter())
        finally:
            for company_queue in self.queues:
                for _ in range(per_company):
                    company_queue.put(None)
            for thread in workers:
                thread.join(120)
            self.stopping.set()
            for thread in listeners:
                thread.join(10)
            for conn in self.sessions:
                conn.close()
        self._end_to_end()
        return self.figures

    def _end_to_end(self) -> None:
        """Push answered -> a listening desk had pulled it, for each push's newest change."""
        pushed = sorted(self.push_done.items())
        keys = [seq for seq, _ in pushed]
        for cursor, when in self.seen_by_listener:
            upto = bisect_right(keys, cursor)
            if upto:
                _, answered = pushed[upto - 1]
                self.figures.push_to_listener.append(max(when - answered, 0.0))


def check_nothing_lost(central: Central) -> dict[str, int]:
    """Every acknowledged change is on central exactly once, central holds no other; every desk pulled exactly the
    other desks' changes of its company up to its cursor. Returns the counts the report prints."""
    with psycopg.connect(central.owner_dsn) as conn:
        rows = conn.execute("SELECT company_id, device_id, seq, change_id FROM qayd.change ORDER BY seq").fetchall()
    ids = [r[3] for r in rows]
    pushed = [cid for desk in central.desks for cid in desk.pushed]
    duplicated = len(ids) - len(set(ids))
    lost = len(set(pushed) - set(ids))
    unexpected = len(set(ids) - set(pushed))
    by_company: dict[uuid.UUID, list[tuple[int, uuid.UUID]]] = defaultdict(list)
    for company, device, seq, _ in rows:
        by_company[company].append((seq, device))
    wrong_pulls = 0
    for desk in central.desks:
        changes = by_company[central.companies[desk.company]]
        upto = bisect_right([s for s, _ in changes], desk.cursor)
        expected = array("q", (s for s, d in changes[:upto] if d != desk.device_id))
        wrong_pulls += expected != desk.pulled
    return {"changes": len(ids), "pushed": len(pushed), "duplicated": duplicated, "lost": lost,
            "unexpected": unexpected, "desks_pulled_wrong": wrong_pulls}
