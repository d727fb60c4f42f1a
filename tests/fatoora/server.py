"""FakeFatoora: the documented Fatoora API on 127.0.0.1 for tests, with fault injection and a request log.

    with FakeFatoora() as fake:
        client = FatooraClient(fake.base_url)
        fake.inject(status=429, times=2, retry_after=1)
        ...
        assert fake.requests[-1].path == "/invoices/reporting/single"
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from tests.fatoora import messages as msg
from tests.fatoora.ca import FakeCA
from tests.fatoora.messages import Reply, Request
from tests.fatoora.portal import Portal

DEFAULT_OTP = "123345"
MAX_BODY = 2_000_000  # bytes; larger requests get 413 like the real gateway


@dataclass
class Fault:
    """One injected misbehaviour, applied to the next ``remaining`` requests (to ``path`` if given)."""

    remaining: int
    status: int | None = None
    retry_after: float | str | None = None
    delay: float | None = None
    drop: bool = False
    path: str | None = None


@dataclass(frozen=True)
class Received:
    """One request as the fake saw it, and what it answered (status None: dropped without an answer)."""

    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    status: int | None
    fault: str  # "", "status", "delay" or "drop"

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class FakeFatoora:
    """A local Fatoora portal in a background thread; use as a context manager."""

    def __init__(self, *, valid_otps: Iterable[str] = (DEFAULT_OTP,), csid_validity: timedelta = timedelta(days=365),
                 clock: Callable[[], datetime] | None = None, max_body: int = MAX_BODY) -> None:
        self.portal = Portal(clock or (lambda: datetime.now(UTC)), set(valid_otps), csid_validity)
        self.max_body = max_body
        self.requests: list[Received] = []
        self.internal_errors: list[str] = []  # exceptions inside the fake; tests assert it stays empty
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- configuration ----------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None, "the fake is not running"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def ca(self) -> FakeCA:
        return self.portal.ca

    @property
    def clearance_enabled(self) -> bool:
        return self.portal.clearance_enabled

    @clearance_enabled.setter
    def clearance_enabled(self, value: bool) -> None:
        self.portal.clearance_enabled = value

    @property
    def valid_otps(self) -> set[str]:
        return self.portal.valid_otps

    @property
    def csid_validity(self) -> timedelta:
        return self.portal.csid_validity

    @csid_validity.setter
    def csid_validity(self, value: timedelta) -> None:
        self.portal.csid_validity = value

    def inject(self, *, status: int | None = None, times: int = 1, retry_after: float | str | None = None,
               delay: float | None = None, drop: bool = False, path: str | None = None) -> None:
        """Misbehave on the next ``times`` requests: answer ``status`` (with Retry-After), wait ``delay`` seconds
        before handling normally, or ``drop`` the connection without an answer."""
        if status is None and delay is None and not drop:
            raise ValueError("inject needs status, delay or drop")
        with self._lock:
            self._faults.append(Fault(times, status, retry_after, delay, drop, path))

    def requests_to(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # -- lifecycle --------------------------------------------------------------------------------------------

    def __enter__(self) -> FakeFatoora:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True  # a handler stuck in an injected delay must not block shutdown
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        # A short poll interval keeps shutdown() (which waits for the next poll) from adding 0.5 s per test.
        self._thread = threading.Thread(target=server.serve_forever, args=(0.02,), name="fake-fatoora", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- used by the handler ----------------------------------------------------------------------------------

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.path in (None, path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _handle(self, request: Request) -> Reply:
        try:
            return self.portal.handle(request)
        except Exception as exc:  # a bug in the fake must show up in the test, not as a flaky 5xx
            with self._lock:
                self.internal_errors.append(f"{request.method} {request.path}: {exc!r}")
            return Reply(500, msg.server_error(500))

    def _record(self, received: Received) -> None:
        with self._lock:
            self.requests.append(received)


def _fault_reply(fault: Fault) -> Reply:
    assert fault.status is not None
    headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
    body = msg.server_error(fault.status) if fault.status >= 500 else {"message": f"HTTP {fault.status}"}
    return Reply(fault.status, body, headers)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_GET(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log replaces stderr noise

    def _dispatch(self) -> None:
        fake: FakeFatoora = self.server.fake  # type: ignore[attr-defined]
        self.close_connection = True  # one request per connection keeps fault injection deterministic
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urlsplit(self.path).path
        headers = {k.lower(): v for k, v in self.headers.items()}
        fault = fake._take_fault(path)
        kind = "" if fault is None else "drop" if fault.drop else "status" if fault.status else "delay"
        if fault is not None and fault.delay and fake._stopping.wait(fault.delay):
            return  # the fake is shutting down: leave without answering
        if fault is not None and fault.drop:
            fake._record(Received(self.command, path, headers, body, None, kind))
            return  # closing the socket without a status line is what a dropped connection looks like
        if fault is not None and fault.status:
            reply = _fault_reply(fault)
        elif len(body) > fake.max_body:
            reply = Reply(413, {"message": "Request Entity Too Large"})
        else:
            reply = fake._handle(Request(self.command, path, headers, body))
        fake._record(Received(self.command, path, headers, body, reply.status, kind))
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        if isinstance(reply.body, str):
            data, content_type = reply.body.encode("utf-8"), "text/plain;charset=UTF-8"
        else:
            data, content_type = json.dumps(reply.body).encode("utf-8"), "application/json"
        try:
            self.send_response(reply.status)
            for name, value in {**reply.headers, "Content-Type": content_type}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout fired during an injected delay)
