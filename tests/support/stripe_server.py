"""FakeStripe: the part of Stripe's documented API that Qayd uses, on 127.0.0.1, refusing what Stripe refuses.

    with FakeStripe() as stripe:
        link = StripeProvider(stripe.api_key, base_url=stripe.base_url).create_link(...)
        payment_id = stripe.pay(link.link_id)          # the customer pays on the hosted page
        stripe.refund_at_provider(payment_id, Decimal("5.00"))  # a refund made in the Dashboard
        stripe.fail_next(429, retry_after=7)

What it holds to, from Stripe's API reference: form-encoded bodies with bracketed keys (`metadata[x]`,
`line_items[0][price_data][currency]`); Bearer or Basic authentication with the secret key, else 401 with a masked key;
errors as `{"error": {"type", "code", "message", "param"}}`; an Idempotency-Key replays the first response to the same
parameters (header `Idempotent-Replayed: true`) and refuses other parameters with 400 `idempotency_error`; lists are
`{"object": "list", "data", "has_more", "url"}`, newest first, `limit` 1..100 (default 10), `starting_after` (older)
and `ending_before` (newer, still newest first), never both.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.support.stripe_state import Books, StripeRefusal, missing, public

TEST_KEY = "sk_test_51QaydLocalFakeKey0000000000000000000000"
_KEY_PART = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


@dataclass(frozen=True)
class Received:
    """One request as the fake saw it: the form or query already decoded into nested dicts."""

    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]  # lower-case names
    body: bytes
    status: int


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """`a[b][0][c]=v` → {"a": {"b": [{"c": "v"}]}}, the way Stripe reads its form bodies and query strings."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY_PART.match(key)
        if match is None:
            raise StripeRefusal(400, "invalid_request_error", f"Invalid parameter name: {key}.")
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node: Any = root
        for part, following in zip(parts, [*parts[1:], None], strict=True):
            node = _step(node, part, following, value)
    return _lists(root)


def _step(node: dict[str, Any], part: str, following: str | None, value: str) -> Any:
    if following is None:
        if part == "":  # `types[]=a&types[]=b`
            node.setdefault("", []).append(value)
        else:
            node[part] = value
        return None
    return node.setdefault(part, {})


def _lists(node: Any) -> Any:
    # Dicts keyed 0..n-1 are arrays (`line_items[0]`), and `x[]` collected under "" is one as well.
    if not isinstance(node, dict):
        return node
    if set(node) == {""}:
        return [_lists(v) for v in node[""]]
    if node and all(k.isdigit() for k in node) and sorted(int(k) for k in node) == list(range(len(node))):
        return [_lists(node[str(i)]) for i in range(len(node))]
    return {k: _lists(v) for k, v in node.items()}


class FakeStripe:
    """A local Stripe in a background thread; use as a context manager."""

    def __init__(self, *, api_key: str = TEST_KEY, clock: Callable[[], float] = time.time) -> None:
        self.api_key = api_key
        self.books = Books(clock)
        self.requests: list[Received] = []
        self.internal_errors: list[str] = []  # exceptions inside the fake; tests assert it stays empty
        self._faults: list[tuple[int, float | str | None]] = []
        self._stall = 0.0
        self._idempotent: dict[str, tuple[str, dict[str, Any], int, bytes]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "the fake is not running"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- acting as the customer and the provider ---------------------------------------------------------------

    # Amounts here are Decimal riyals, as in Qayd and in the Moyasar fake; the books keep halalas, as Stripe does.

    def pay(self, link_id: str, *, amount: Decimal | None = None, method: str = "card") -> str:
        """The customer pays the Checkout Session (its amount, or `amount`); returns the PaymentIntent id."""
        with self._lock:
            return self.books.pay(link_id, None if amount is None else _halalas(amount), method)

    def refund_at_provider(self, payment_id: str, amount: Decimal) -> str:
        """A refund made in the Dashboard; returns the refund id."""
        with self._lock:
            return str(self.books.refund({"payment_intent": payment_id, "amount": str(_halalas(amount))})["id"])

    def payout(self, amount: Decimal | None = None, currency: str = "sar") -> str:
        """Pays out the balance (or `amount`): payout.created, then payout.paid; returns the payout id."""
        with self._lock:
            return self.books.payout(None if amount is None else _halalas(amount), currency)

    def decline(self, link_id: str, *, code: str = "card_declined") -> str:
        """The customer's card is declined on the hosted page; returns the PaymentIntent id."""
        with self._lock:
            return self.books.decline(link_id, code)

    def fail_next(self, status: int, *, retry_after: float | str | None = None, times: int = 1) -> None:
        """The next `times` requests are answered `status` (429 or 5xx) without touching the books; `retry_after`
        in seconds, or a string sent as it is (an HTTP date)."""
        with self._lock:
            self._faults.extend([(status, retry_after)] * times)

    def stall_next(self, seconds: float) -> None:
        """The next request is answered only after `seconds` (a slow network; the client's timeout decides)."""
        with self._lock:
            self._stall = seconds

    # -- the HTTP side ------------------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str],
                                                                                             bytes]:
        url = urlsplit(target)
        params: dict[str, Any] = {}
        with self._lock:
            stall, self._stall = self._stall, 0.0
        time.sleep(stall)
        with self._lock:
            try:
                status, extra, payload = self._answer(method, url.path, url.query, headers, body, params)
            except StripeRefusal as refusal:
                status, extra, payload = refusal.status, {}, json.dumps({"error": refusal.error}).encode()
            self.requests.append(Received(method, url.path, params, headers, body, status))
        return status, {"Content-Type": "application/json", "Request-Id": self.books.new_id("req"), **extra}, payload

    def _answer(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes,
                params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        if self._faults:
            status, retry_after = self._faults.pop(0)
            extra = {} if retry_after is None else {
                "Retry-After": retry_after if isinstance(retry_after, str) else f"{retry_after:g}"}
            # Stripe's documented error types are api_error, card_error, idempotency_error and invalid_request_error;
            # a 429 is the last with the code rate_limit.
            error: dict[str, str] = {"type": "api_error", "message": "An unknown error occurred"}
            if status == 429:
                error = {"type": "invalid_request_error", "code": "rate_limit",
                         "message": "Request rate limit exceeded. Please retry after a short wait."}
            return status, extra, json.dumps({"error": error}).encode()
        self._authenticate(headers.get("authorization", ""))
        params.update(self._params(method, query, headers, body))
        key = headers.get("idempotency-key")
        if key is not None and len(key) > 255:
            raise StripeRefusal(400, "invalid_request_error", "Idempotency-Key is longer than 255 characters.")
        if method == "POST" and key:
            return self._idempotent_post(key, path, params)
        status, payload = self._route(method, path, params)
        return status, {}, payload

    def _authenticate(self, authorization: str) -> None:
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() == "basic":
            credential = base64.b64decode(credential + "==").decode(errors="replace").partition(":")[0]
        elif scheme.lower() != "bearer":
            credential = ""
        if credential != self.api_key:
            shown = f"{credential[:8]}{'*' * max(0, len(credential) - 12)}{credential[-4:]}" if credential else ""
            raise StripeRefusal(401, "invalid_request_error", f"Invalid API Key provided: {shown}"
                                if credential else "You did not provide an API key.")

    def _params(self, method: str, query: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        if method == "GET":
            return decode_form(parse_qsl(query, keep_blank_values=True))
        kind = headers.get("content-type", "").split(";")[0].strip()
        if body and kind != "application/x-www-form-urlencoded":
            raise StripeRefusal(400, "invalid_request_error", "Invalid request: the body must be form-encoded "
                                f"(application/x-www-form-urlencoded), not {kind or 'untyped'}.")
        return decode_form(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=bool(body)))

    def _idempotent_post(self, key: str, path: str, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        seen = self._idempotent.get(key)
        if seen is not None:
            if (seen[0], seen[1]) != (path, params):
                raise StripeRefusal(400, "idempotency_error", "Keys for idempotent requests can only be used with "
                                    "the same parameters they were first used with. Try using a key other than "
                                    f"'{key}' if you meant to execute a different request.")
            return seen[2], {"Idempotent-Replayed": "true"}, seen[3]
        status, payload = self._route("POST", path, params)
        # Stripe saves a result once the endpoint ran; a refusal of the parameters themselves is not saved.
        self._idempotent[key] = (path, params, status, payload)
        return status, {}, payload

    def _route(self, method: str, path: str, params: dict[str, Any]) -> tuple[int, bytes]:
        books = self.books
        if (method, path) == ("POST", "/v1/checkout/sessions"):
            return 200, _json(books.create_session(params, {}))
        if (method, path) == ("POST", "/v1/refunds"):
            return 200, _json(books.refund(params))
        if (method, path) == ("GET", "/v1/events"):
            return 200, _json(self._list(path, books.events, params, _event_filter(params)))
        if (method, path) == ("GET", "/v1/checkout/sessions"):
            sessions = [public(s) for s in books.sessions.values()]
            wanted = params.get("payment_intent")
            return 200, _json(self._list(path, sessions, params, lambda s: wanted in (None, s["payment_intent"])))
        parts = path.strip("/").split("/")
        if method == "GET" and parts[:2] == ["v1", "payment_intents"] and len(parts) == 3:
            return 200, _json(books.intent(parts[2], _expand(params)))
        if method == "GET" and parts[:3] == ["v1", "checkout", "sessions"] and len(parts) == 4:
            return 200, _json(books.session(parts[3]))
        if method == "GET" and parts[:2] == ["v1", "events"] and len(parts) == 3:
            found = [e for e in books.events if e["id"] == parts[2]]
            if not found:
                raise missing("event", parts[2])
            return 200, _json(found[0])
        raise StripeRefusal(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

    def _list(self, url: str, objects: list[dict[str, Any]], params: dict[str, Any],
              keep: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        newest_first = [o for o in reversed(objects) if keep(o)]
        limit = _limit(params.get("limit"))
        after, before = params.get("starting_after"), params.get("ending_before")
        if after and before:
            raise StripeRefusal(400, "invalid_request_error", "You may only specify one of these parameters: "
                                "ending_before, starting_after.")
        cursor = after or before
        if cursor:
            ids = [o["id"] for o in newest_first]
            if cursor not in ids:
                raise missing("object", cursor, "starting_after" if after else "ending_before")
            at = ids.index(cursor)
            if after:
                page, more = newest_first[at + 1:at + 1 + limit], len(newest_first) > at + 1 + limit
            else:  # the `limit` objects just newer than the cursor, still newest first
                page, more = newest_first[max(0, at - limit):at], at - limit > 0
        else:
            page, more = newest_first[:limit], len(newest_first) > limit
        return {"object": "list", "data": page, "has_more": more, "url": url}

    # -- lifecycle ----------------------------------------------------------------------------------------------

    def __enter__(self) -> FakeStripe:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-stripe",
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _halalas(amount: Decimal) -> int:
    minor = amount.scaleb(2)
    if minor != minor.to_integral_value():
        raise ValueError(f"{amount} has more than two decimals")
    return int(minor)


def _event_filter(params: dict[str, Any]) -> Callable[[dict[str, Any]], bool]:
    types = params.get("types")
    if isinstance(types, str):
        types = [types]
    if types is not None and len(types) > 20:
        raise StripeRefusal(400, "invalid_request_error", "types may hold at most 20 event types.", param="types")
    single = params.get("type")
    if types is not None and single is not None:
        raise StripeRefusal(400, "invalid_request_error", "You may only specify one of: type, types.")
    if single is not None:
        prefix = str(single).rstrip("*")
        return lambda e: e["type"] == single or (str(single).endswith("*") and e["type"].startswith(prefix))
    return lambda e: types is None or e["type"] in types


def _expand(params: dict[str, Any]) -> list[str]:
    value = params.get("expand", [])
    return [value] if isinstance(value, str) else list(value)


def _limit(value: Any) -> int:
    if value is None:
        return 10
    if not str(value).isdigit() or not 1 <= int(value) <= 100:
        raise StripeRefusal(400, "invalid_request_error", "Invalid integer: limit must be between 1 and 100.",
                            param="limit")
    return int(value)


def _json(obj: Any) -> bytes:
    return json.dumps(obj).encode()


def _handler(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            try:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, out_headers, payload = fake.handle(self.command, self.path, headers, body)
            except Exception as exc:  # a bug in the fake: the test sees it in internal_errors
                fake.internal_errors.append(repr(exc))
                status, out_headers, payload = 500, {"Content-Type": "application/json"}, b'{"error": {}}'
            try:
                self.send_response(status)
                for name, value in out_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout): Stripe went on anyway
                self.close_connection = True

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest shows failures
            pass

    return Handler
