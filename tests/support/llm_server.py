"""A faithful local LLM provider on 127.0.0.1 for tests: Anthropic's Messages API and OpenAI's Chat Completions.

    with LLMServer(api_key="sk-test-…") as server:
        provider = AnthropicProvider(model="claude-test", api_key="sk-test-…", base_url=server.anthropic_url)
        server.say("Ahmed owes the most.")                    # the scripted model's next answer: text
        server.call("top_customers", {"limit": 3})            # ... or a tool call (several calls: one answer)
        server.fail_next(429, retry_after="7")                # the next request is refused
        server.stall_next(5.0)                                # the next request answers after 5 s (past a timeout)
        assert server.leaks(["أحمد", "+966 50 123 4567"]) == []  # no planted value in any recorded body
        assert server.requests[-1].json["messages"][0]["role"] == "user"

Written against both providers' API references: `POST /v1/messages` (x-api-key and anthropic-version headers; model,
max_tokens, messages with text / tool_use / tool_result blocks, system, tools with input_schema; an answer with
content blocks, stop_reason end_turn | tool_use | max_tokens and usage input_tokens / output_tokens; errors as
`{"type": "error", "error": {"type", "message"}}`) and `POST /v1/chat/completions` (Authorization: Bearer; messages
system / user / assistant with tool_calls / tool with tool_call_id; tools of type function; an answer with
choices[0].message content / tool_calls, finish_reason stop | tool_calls | length and usage prompt_tokens /
completion_tokens; errors as `{"error": {"message", "type", "param", "code"}}`). It refuses what they would: a
missing or wrong key (401), a missing field or a tool result that answers no call, or a call left unanswered (400),
an unknown model (404). Usage is counted from sizes (input: the request body's bytes // 4; output: the answer's
JSON // 4, at least 1), so a test can check the mapping.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

ANTHROPIC_MODELS = ("claude-test-1", "claude-sonnet-4-5")
OPENAI_MODELS = ("gpt-test-1", "gpt-4.1-mini", "local-llama")
_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Received:
    """One request as the server saw it, and the status it answered."""

    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    json: Any  # the parsed body, None when it was not JSON
    status: int
    answer: Any  # the JSON it answered


@dataclass(frozen=True)
class RawBody:
    data: bytes


@dataclass(frozen=True)
class Answer:
    """One scripted answer of the model: text, tool calls (name, arguments), or both."""

    text: str = ""
    calls: tuple[tuple[str, Mapping[str, Any]], ...] = ()


@dataclass
class _Fault:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # answered as is (a broken proxy, a server that is not the API)


class ApiError(Exception):
    def __init__(self, status: int, kind: str, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.code = status, kind, message, code


class LLMServer:
    """Both APIs in one background server; use as a context manager. `api_key` None takes any key or none (an
    OpenAI-compatible endpoint a company runs without keys)."""

    def __init__(self, *, api_key: str | None = "sk-test-qayd-0123456789") -> None:
        self.api_key = api_key
        self.requests: list[Received] = []
        self.internal_errors: list[str] = []  # a bug in the server; tests assert it stays empty
        self._script: deque[Answer] = deque()
        self._faults: deque[_Fault] = deque()
        self._stalls: deque[float] = deque()
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def anthropic_url(self) -> str:
        """The Anthropic SDK's base_url (it adds /v1/messages)."""
        assert self._server is not None, "the server is not running"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def openai_url(self) -> str:
        """The OpenAI SDK's base_url (it adds /chat/completions)."""
        return f"{self.anthropic_url}/v1"

    # -- what a test scripts ----------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        self._script.append(Answer(text=text))

    def call(self, *calls: tuple[str, Mapping[str, Any]] | str, arguments: Mapping[str, Any] | None = None,
             text: str = "") -> None:
        """The model's next answer calls tools: `call("name", arguments={...})` or `call(("a", {...}), ("b", {}))`."""
        pairs = tuple((c, arguments or {}) if isinstance(c, str) else c for c in calls)
        self._script.append(Answer(text=text, calls=pairs))

    def fail_next(self, status: int, *, retry_after: str | None = None, retry_after_ms: str | None = None) -> None:
        headers = {"retry-after": retry_after, "retry-after-ms": retry_after_ms}
        self._faults.append(_Fault(status, {k: v for k, v in headers.items() if v is not None}))

    def redirect_next(self, location: str, status: int = 307) -> None:
        self._faults.append(_Fault(status, {"location": location}))

    def garble_next(self, body: bytes = b"<html>502 Bad Gateway</html>", status: int = 200) -> None:
        """The next answer is `body` as is, with a JSON content type: what a broken proxy or a wrong endpoint sends."""
        self._faults.append(_Fault(status, raw=body))

    def stall_next(self, seconds: float) -> None:
        self._stalls.append(seconds)

    def leaks(self, values: Iterable[str]) -> list[str]:
        """The values found in any recorded request body: in its bytes (UTF-8, or escaped as JSON's \\uXXXX), or in
        any string of the parsed body (keys too), so an escape of the SDK's own cannot hide one."""
        with self._lock:
            seen = list(self.requests)
        texts: list[str] = []
        for request in seen:
            texts.append(request.body.decode("utf-8", "replace"))
            texts.append("\n".join(_strings(request.json)))
        haystack = "\n".join(texts)
        return [v for v in values if v and (v in haystack or json.dumps(v)[1:-1] in haystack)]

    # -- running ------------------------------------------------------------------------------------------------

    def __enter__(self) -> LLMServer:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), name="llm-server",
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._closing.set()
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    # -- answering ----------------------------------------------------------------------------------------------

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], Any]:
        try:
            parsed: Any = json.loads(body) if body else None
        except ValueError:
            parsed = None
        with self._lock:
            stall = self._stalls.popleft() if self._stalls else 0.0
        if stall:
            self._closing.wait(stall)
        anthropic = path == "/v1/messages"
        try:
            if path not in ("/v1/messages", "/v1/chat/completions"):
                raise ApiError(404, "not_found_error", f"Not found: {path}")
            if anthropic:
                self._check_anthropic_headers(headers)
            else:
                self._check_bearer(headers)
            with self._lock:
                fault = self._faults.popleft() if self._faults else None
            if fault is not None:
                answer = RawBody(fault.raw) if fault.raw is not None else _fault_body(fault.status, anthropic)
                status, extra = fault.status, fault.headers
            elif not isinstance(parsed, dict):
                raise ApiError(400, "invalid_request_error", "The request body is not valid JSON.")
            else:
                status, extra = 200, {}
                answer = self._messages(parsed, len(body)) if anthropic else self._chat(parsed, len(body))
        except ApiError as error:
            status, extra, answer = error.status, {}, _error_body(error, anthropic)
        with self._lock:
            self.requests.append(Received(path, headers, body, parsed, status, answer))
        return status, extra, answer

    def _check_anthropic_headers(self, headers: dict[str, str]) -> None:
        if "anthropic-version" not in headers:
            raise ApiError(400, "invalid_request_error", "anthropic-version: header is required")
        # The reference documents x-api-key; the SDK's 2.x line sends the key as a bearer token: both are taken.
        bearer = headers.get("authorization", "")
        given = headers.get("x-api-key") or (bearer[7:].strip() if bearer.startswith("Bearer ") else None)
        if self.api_key is not None and given != self.api_key:
            raise ApiError(401, "authentication_error", "invalid x-api-key")

    def _check_bearer(self, headers: dict[str, str]) -> None:
        if self.api_key is None:
            return
        given = headers.get("authorization", "")
        if not given.startswith("Bearer ") or not given[7:].strip():
            raise ApiError(401, "invalid_request_error", "You didn't provide an API key. You need to provide your "
                           "API key in an Authorization header using Bearer auth.", code=None)
        key = given[7:].strip()
        if key != self.api_key:
            masked = f"{key[:3]}*********{key[-4:]}" if len(key) > 8 else "***"
            raise ApiError(401, "invalid_request_error", f"Incorrect API key provided: {masked}. You can find your "
                           "API key at https://platform.openai.com/account/api-keys.", code="invalid_api_key")

    def _next(self) -> Answer:
        with self._lock:
            return self._script.popleft() if self._script else Answer(text="(no scripted answer)")

    # -- Anthropic's Messages API ----------------------------------------------------------------------------

    def _messages(self, req: dict[str, Any], size: int) -> dict[str, Any]:
        for name in ("model", "max_tokens", "messages"):
            if name not in req:
                raise ApiError(400, "invalid_request_error", f"{name}: Field required")
        if req["model"] not in ANTHROPIC_MODELS:
            raise ApiError(404, "not_found_error", f"model: {req['model']}")
        if not isinstance(req["max_tokens"], int) or req["max_tokens"] < 1:
            raise ApiError(400, "invalid_request_error", "max_tokens: must be greater than or equal to 1")
        system = req.get("system", "")
        if not isinstance(system, str | list):
            raise ApiError(400, "invalid_request_error", "system: Input should be a valid string or list")
        _anthropic_tools(req.get("tools", []))
        _anthropic_conversation(req["messages"])
        answer = self._next()
        content: list[dict[str, Any]] = [{"type": "text", "text": answer.text}] if answer.text else []
        content += [{"type": "tool_use", "id": f"toolu_{uuid.uuid4().hex[:24]}", "name": n, "input": dict(a)}
                    for n, a in answer.calls]
        out = _tokens(content)
        stop = "tool_use" if answer.calls else "end_turn"
        if out > req["max_tokens"]:
            content = [{"type": "text", "text": answer.text[:req["max_tokens"] * 4]}]
            out, stop = req["max_tokens"], "max_tokens"
        return {"id": f"msg_{uuid.uuid4().hex[:24]}", "type": "message", "role": "assistant", "model": req["model"],
                "content": content, "stop_reason": stop, "stop_sequence": None,
                "usage": {"input_tokens": size // 4, "output_tokens": out}}

    # -- OpenAI's Chat Completions ---------------------------------------------------------------------------

    def _chat(self, req: dict[str, Any], size: int) -> dict[str, Any]:
        if "model" not in req:
            raise ApiError(400, "invalid_request_error", "you must provide a model parameter")
        if "messages" not in req:
            raise ApiError(400, "invalid_request_error", "Missing required parameter: 'messages'.",
                           code="missing_required_parameter")
        if req["model"] not in OPENAI_MODELS:
            raise ApiError(404, "invalid_request_error", f"The model `{req['model']}` does not exist or you do not "
                           "have access to it.", code="model_not_found")
        _openai_tools(req.get("tools", []))
        _openai_conversation(req["messages"])
        limit = req.get("max_completion_tokens", req.get("max_tokens"))
        answer = self._next()
        message: dict[str, Any] = {"role": "assistant", "content": answer.text or None, "refusal": None}
        if answer.calls:
            message["tool_calls"] = [{"id": f"call_{uuid.uuid4().hex[:24]}", "type": "function", "function": {
                "name": n, "arguments": json.dumps(dict(a))}} for n, a in answer.calls]
        out = _tokens(message)
        finish = "tool_calls" if answer.calls else "stop"
        if limit is not None and out > limit:
            message = {"role": "assistant", "content": answer.text[:limit * 4], "refusal": None}
            out, finish = limit, "length"
        return {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
                "model": req["model"], "choices": [{"index": 0, "message": message, "logprobs": None,
                                                    "finish_reason": finish}],
                "usage": {"prompt_tokens": size // 4, "completion_tokens": out,
                          "total_tokens": size // 4 + out}}


# -- the rules the real APIs keep ------------------------------------------------------------------------------


def _bad(message: str) -> ApiError:
    return ApiError(400, "invalid_request_error", message)


def _anthropic_tools(tools: Any) -> None:
    for i, tool in enumerate(tools if isinstance(tools, list) else [None]):
        if not isinstance(tool, dict) or not _TOOL_NAME.match(str(tool.get("name", ""))):
            raise _bad(f"tools.{i}.name: String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$'")
        schema = tool.get("input_schema")
        if not isinstance(schema, dict) or schema.get("type") != "object":
            raise _bad(f"tools.{i}.input_schema: Input schema must have type 'object'")


def _anthropic_conversation(messages: Any) -> None:
    if not isinstance(messages, list) or not messages:
        raise _bad("messages: at least one message is required")
    pending: set[str] = set()  # tool_use ids of the previous assistant message, each owed a tool_result
    for i, message in enumerate(messages):
        role, content = message.get("role"), message.get("content")
        if role not in ("user", "assistant"):
            raise _bad(f"messages.{i}.role: Input should be 'user' or 'assistant'")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        if not isinstance(blocks, list):
            raise _bad(f"messages.{i}.content: Input should be a valid list")
        answered = {b.get("tool_use_id") for b in blocks if b.get("type") == "tool_result"}
        if answered - pending:
            raise _bad(f"messages.{i}.content: unexpected `tool_use_id` found in `tool_result` blocks: "
                       f"{sorted(answered - pending)[0]}. Each `tool_result` block must have a corresponding "
                       "`tool_use` block in the previous message.")
        if pending - answered:
            raise _bad(f"messages.{i - 1}: `tool_use` ids were found without `tool_result` blocks immediately after: "
                       f"{sorted(pending - answered)[0]}. Each `tool_use` block must have a corresponding "
                       "`tool_result` block in the next message.")
        for j, block in enumerate(blocks):
            _anthropic_block(block, role, f"messages.{i}.content.{j}")
        pending = {b["id"] for b in blocks if b.get("type") == "tool_use"}
    if pending:
        raise _bad(f"messages.{len(messages) - 1}: `tool_use` ids were found without `tool_result` blocks "
                   "immediately after")


def _anthropic_block(block: Any, role: str, where: str) -> None:
    kind = block.get("type") if isinstance(block, dict) else None
    allowed = {"user": ("text", "tool_result"), "assistant": ("text", "tool_use")}[role]
    if kind not in allowed:
        raise _bad(f"{where}.type: Input tag '{kind}' is not allowed in a {role} message")
    if kind == "text" and not block.get("text"):
        raise _bad(f"{where}: text content blocks must be non-empty")
    if kind == "tool_use" and not (block.get("id") and block.get("name") and isinstance(block.get("input"), dict)):
        raise _bad(f"{where}: tool_use blocks need id, name and an input object")
    if kind == "tool_result" and not isinstance(block.get("content", ""), str | list):
        raise _bad(f"{where}.content: Input should be a valid string or list")


def _openai_tools(tools: Any) -> None:
    for i, tool in enumerate(tools if isinstance(tools, list) else [None]):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(tool, dict) or tool.get("type") != "function" or not isinstance(function, dict):
            raise _bad(f"Invalid value for 'tools[{i}]': expected an object of type 'function'.")
        if not _TOOL_NAME.match(str(function.get("name", ""))):
            raise _bad(f"Invalid 'tools[{i}].function.name': string does not match pattern.")


def _openai_conversation(messages: Any) -> None:
    if not isinstance(messages, list) or not messages:
        raise _bad("Invalid 'messages': empty array. Expected an array with minimum length 1.")
    pending: set[str] = set()
    for i, message in enumerate(messages):
        role = message.get("role")
        if role not in ("system", "developer", "user", "assistant", "tool"):
            raise _bad(f"Invalid value for 'messages[{i}].role'.")
        if role == "tool":
            if message.get("tool_call_id") not in pending:
                raise _bad("Invalid parameter: messages with role 'tool' must be a response to a preceeding "
                           "message with 'tool_calls'.")
            if not isinstance(message.get("content"), str):
                raise _bad(f"Invalid type for 'messages[{i}].content': expected a string.")
            pending.discard(message["tool_call_id"])
            continue
        if pending:
            raise _bad("An assistant message with 'tool_calls' must be followed by tool messages responding to "
                       f"each 'tool_call_id'. The following tool_call_ids did not have response messages: "
                       f"{', '.join(sorted(pending))}")
        calls = message.get("tool_calls") if role == "assistant" else None
        if role != "assistant" and not isinstance(message.get("content"), str | list):
            raise _bad(f"Missing required parameter: 'messages[{i}].content'.")
        for j, call in enumerate(calls or []):
            function = call.get("function") or {}
            if call.get("type") != "function" or not call.get("id") or not function.get("name"):
                raise _bad(f"Missing required parameter: 'messages[{i}].tool_calls[{j}]'.")
            if not isinstance(function.get("arguments"), str):
                raise _bad(f"Invalid type for 'messages[{i}].tool_calls[{j}].function.arguments': expected a "
                           "string.")
        pending = {c["id"] for c in calls or []}
    if pending:
        raise _bad("An assistant message with 'tool_calls' must be followed by tool messages responding to each "
                   "'tool_call_id'.")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _tokens(value: Any) -> int:
    return max(1, len(json.dumps(value)) // 4)


_ANTHROPIC_FAULTS = {429: "rate_limit_error", 500: "api_error", 503: "api_error", 529: "overloaded_error"}
_OPENAI_FAULTS = {429: ("requests", "rate_limit_exceeded"), 500: ("server_error", None),
                  503: ("server_error", "service_unavailable")}


def _fault_body(status: int, anthropic: bool) -> dict[str, Any]:
    if anthropic:
        kind = _ANTHROPIC_FAULTS.get(status, "api_error")
        return _error_body(ApiError(status, kind, f"{kind.replace('_', ' ').capitalize()}"), True)
    kind, code = _OPENAI_FAULTS.get(status, ("server_error", None))
    return _error_body(ApiError(status, kind, "Rate limit reached for requests" if status == 429 else
                                "The server had an error while processing your request.", code), False)


def _error_body(error: ApiError, anthropic: bool) -> dict[str, Any]:
    if anthropic:
        return {"type": "error", "error": {"type": error.kind, "message": error.message}}
    return {"error": {"message": error.message, "type": error.kind, "param": None, "code": error.code}}


def _handler(server: LLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                status, extra, answer = server.handle(self.path, headers, body)
            except Exception as bug:  # a bug in the server, not an answer of the API
                server.internal_errors.append(repr(bug))
                status, extra, answer = 500, {}, {"error": {"message": "internal", "type": "server_error"}}
            data = answer.data if isinstance(answer, RawBody) else json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("request-id", f"req_{uuid.uuid4().hex[:16]}")
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (a stall past its timeout)
                self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
