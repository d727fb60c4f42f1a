"""A faithful local Moyasar (api.moyasar.com/v1) on 127.0.0.1 for tests, with customer and dashboard helpers.

    with MoyasarServer(api_key="sk_test_…") as server:
        provider = MoyasarProvider("sk_test_…", server.base_url)
        link = provider.create_link(...)
        payment_id = server.pay(link.link_id, method="mada")      # the customer pays on the hosted page
        server.refund_at_provider(payment_id, Decimal("5.00"))    # a refund made in Moyasar's dashboard
        server.fail_next(429, retry_after=7)                      # the next request is refused
        assert server.requests[-1].path == "/v1/payments"

HTTP Basic with the secret key and an empty password (anything else: 401); JSON or form-encoded bodies; the rules
of `tests.support.moyasar_api`. The `Date` header carries the fake's clock, which moves one second a request.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.moyasar_api import SOURCES, ApiError, Body, MoyasarState, not_found

PREFIX = "/v1"


@dataclass(frozen=True)
class Received:
    """One request as the fake saw it, and the status it answered."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    status: int


@dataclass
class _Fault:
    status: int
    retry_after: float | None
    remaining: int


class MoyasarServer:
    """The fake in a background thread; use as a context manager."""

    def __init__(self, *, api_key: str = "sk_test_qayd", per_page: int = 40) -> None:
        self.api_key = api_key
        self.state = MoyasarState(per_page=per_page)
        self.requests: list[Received] = []
        self.internal_errors: list[str] = []  # a bug in the fake; tests assert it stays empty
        self._faults: list[_Fault] = []
        self._meanwhile: list[tuple[int, Callable[[list[dict[str, Any]]], None]]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "the fake is not running"
        return f"http://127.0.0.1:{self._server.server_address[1]}{PREFIX}"

    # -- what a test does as the customer, the dashboard and the network --------------------------------------

    def pay(self, link_id: str, *, amount: Decimal | None = None, method: str = "mada", fail: bool = False) -> str:
        """The customer pays the invoice on its hosted page; returns the payment id."""
        if method not in SOURCES:
            raise ValueError(f"method must be one of {sorted(SOURCES)}")
        minor = None if amount is None else int(amount.scaleb(2))
        return self.state.pay(link_id, minor, method, fail)

    def refund_at_provider(self, payment_id: str, amount: Decimal) -> str:
        """A refund made in Moyasar's dashboard; returns its id (`{payment id}:{total refunded in halalas}`)."""
        try:
            return self.state.refund_in_dashboard(payment_id, int(amount.scaleb(2)))
        except ApiError as exc:
            raise ValueError(exc.body["message"], exc.body["errors"]) from None

    def void_at_provider(self, payment_id: str) -> None:
        """A void made in Moyasar's dashboard before the payment settled."""
        self.state.void_in_dashboard(payment_id)

    def fail_next(self, status: int, *, retry_after: float | None = None, times: int = 1) -> None:
        """The next `times` requests are answered `status` (429 or 5xx), with Retry-After when given."""
        with self._lock:
            self._faults.append(_Fault(status, retry_after, times))

    def meanwhile(self, action: Callable[[list[dict[str, Any]]], None], *, after: int) -> None:
        """Run `action` (given the payments that page held) right after the `after`-th payment listing from now is
        answered: something that happens at Moyasar while a poll is reading its pages."""
        done = len(self.requests_to("GET", "/payments"))
        with self._lock:
            self._meanwhile.append((done + after, action))

    def advance(self, seconds: float) -> None:
        self.state.tick(seconds)

    def hold_clock(self, held: bool = True) -> None:
        """Stop (or restart) the clock: every change meanwhile gets the same `updated_at`."""
        self.state.held = held

    def requests_to(self, method: str, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path == PREFIX + path]

    # -- lifecycle --------------------------------------------------------------------------------------------

    def __enter__(self) -> MoyasarServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.02,), name="fake-moyasar", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- used by the handler ----------------------------------------------------------------------------------

    def _take_fault(self) -> _Fault | None:
        with self._lock:
            if not self._faults:
                return None
            fault = self._faults[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.pop(0)
            return fault

    def _after_listing(self, answer: Any) -> None:
        with self._lock:
            count = len([r for r in self.requests if r.method == "GET" and r.path == PREFIX + "/payments"])
            due = [a for n, a in self._meanwhile if n == count]
            self._meanwhile = [(n, a) for n, a in self._meanwhile if n != count]
        for action in due:
            action(answer.get("payments", []))

    def _authorised(self, header: str | None) -> bool:
        if not header or not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return user == self.api_key and password == ""

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Body) -> tuple[int, Any]:
        parts = path[len(PREFIX):].strip("/").split("/") if path.startswith(PREFIX + "/") else []
        state = self.state
        match method, parts:
            case "POST", ["invoices"]:
                return 201, state.create_invoice(body)
            case "GET", ["invoices" | "payments" as kind]:
                return 200, state.listing(kind, query)
            case "GET", ["invoices", invoice_id]:
                return 200, state.invoice(invoice_id)
            case "GET", ["payments", payment_id]:
                return 200, state.payment(payment_id)
            case "PUT", ["payments", payment_id]:
                return 200, state.update_payment(payment_id, body)
            case "POST", ["payments", payment_id, "refund"]:
                return 200, state.refund(payment_id, body)
        raise not_found()

    def _answer(self, handler: _Handler, raw: bytes) -> tuple[int, Any, dict[str, str]]:
        self.state.tick()
        fault = self._take_fault()
        if fault is not None:
            kind = "rate_limit_error" if fault.status == 429 else "api_error"
            headers = {} if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}
            return fault.status, {"type": kind, "message": "Too many requests" if fault.status == 429 else
                                  "Internal server error", "errors": None}, headers
        if not self._authorised(handler.headers.get("Authorization")):
            return 401, {"type": "authentication_error", "message": "Invalid authorization credentials",
                         "errors": None}, {}
        url = urlsplit(handler.path)
        try:
            body = _body(handler.headers.get("Content-Type", ""), raw)
            status, answer = self._route(handler.command, url.path, parse_qs(url.query), body)
        except ApiError as exc:
            return exc.status, exc.body, {}
        except Exception as exc:  # a bug in the fake must show in the test, not as a flaky 500
            self.internal_errors.append(f"{handler.command} {url.path}: {exc!r}")
            return 500, {"type": "api_error", "message": "fake failed", "errors": None}, {}
        return status, answer, {}


def _body(content_type: str, raw: bytes) -> Body:
    if not raw:
        return Body({}, form=False)
    if content_type.startswith("application/json"):
        try:
            values = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ApiError(400, "invalid_request_error", "Malformed JSON body") from None
        if not isinstance(values, dict):
            raise ApiError(400, "invalid_request_error", "The body must be a JSON object")
        return Body(values, form=False)
    if content_type.startswith("application/x-www-form-urlencoded"):
        values: dict[str, Any] = {}
        for key, items in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items():
            if key.startswith("metadata[") and key.endswith("]"):
                values.setdefault("metadata", {})[key[9:-1]] = items[0]
            else:
                values[key] = items[0]
        return Body(values, form=True)
    raise ApiError(415, "invalid_request_error", "Send JSON or a form (application/x-www-form-urlencoded)")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log replaces stderr noise

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header tells the fake's clock, as Moyasar's tells its own; the adapter bounds its window by it.
        fake: MoyasarServer = self.server.fake  # type: ignore[attr-defined]
        return fake.state.now.strftime("%a, %d %b %Y %H:%M:%S GMT")

    def _dispatch(self) -> None:
        fake: MoyasarServer = self.server.fake  # type: ignore[attr-defined]
        self.close_connection = True
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, answer, headers = fake._answer(self, raw)
        url = urlsplit(self.path)
        with fake._lock:
            fake.requests.append(Received(self.command, url.path, parse_qs(url.query),
                                          {k.lower(): v for k, v in self.headers.items()}, raw, status))
        fake._after_listing(answer)
        data = json.dumps(answer).encode("utf-8")
        try:
            self.send_response(status)
            for name, value in {**headers, "Content-Type": "application/json; charset=utf-8"}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
