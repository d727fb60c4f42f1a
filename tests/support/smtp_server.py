"""A real SMTP server for the mail tests (aiosmtpd): STARTTLS with a throwaway certificate, AUTH PLAIN/LOGIN and
XOAUTH2 (bearer tokens from a local OAuth2 token endpoint), faults on demand, and the messages it accepted.

    with SmtpWorld(tmp_path) as smtp:
        smtp.settings()            # the [mail] settings pointing at it (starttls, a username)
        smtp.fail_next(451)        # the next RCPT gets 451 (transient); 550 (permanent); times=N
        smtp.received              # [email.message.EmailMessage] parsed back from the bytes received
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import ssl
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.support.tls import TestCA

USERNAME = "billing@acme.example"
PASSWORD = "Smtp-Pa55-not-in-any-log"
REFRESH_TOKEN = "refresh-1//0g-not-in-any-log"
CLIENT_ID, CLIENT_SECRET = "qayd-client", "client-secret-not-in-any-log"


def _free_port() -> int:
    # aiosmtpd's controller checks it started by connecting to its port, so it cannot be given 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Handler:
    def __init__(self, world: SmtpWorld) -> None:
        self.world = world

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        fault = self.world.take_fault()
        if fault is not None:
            return f"{fault} {'4.3.0 Try again later' if fault < 500 else '5.1.1 <' + address + '>: no such user'}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        with self.world.lock:
            self.world.raw.append(data)
            self.world.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos), session.auth_data))
        stall = self.world.take_stall()
        if stall:
            await asyncio.sleep(stall)  # kept (queued for delivery), but the 250 comes after the client gave up
        return "250 2.0.0 Message accepted"


class _Smtp(SMTP):
    """aiosmtpd's server with an XOAUTH2 mechanism (Google's and Microsoft's documented exchange)."""

    world: SmtpWorld

    async def auth_XOAUTH2(self, _: Any, args: list[str]) -> AuthResult:
        try:
            fields = base64.b64decode(args[1], validate=True).decode().split("\x01")
            user = fields[0].removeprefix("user=")
            token = fields[1].removeprefix("auth=Bearer ")
        except Exception:
            return AuthResult(success=False, handled=False)
        if token in self.world.tokens and user == USERNAME:
            return AuthResult(success=True, auth_data=("XOAUTH2", user))
        error = json.dumps({"status": "401", "schemes": "bearer", "scope": "https://mail.google.com/"})
        await self.challenge_auth(error)  # the client answers with an empty line, then gets 535
        return AuthResult(success=False, handled=False)


class _Controller(Controller):
    def __init__(self, world: SmtpWorld, **kwargs: Any) -> None:
        self.world = world
        super().__init__(_Handler(world), **kwargs)

    def factory(self) -> SMTP:
        server = _Smtp(self.handler, **self.SMTP_kwargs)
        server.world = self.world
        return server


class _TokenEndpoint(BaseHTTPRequestHandler):
    world: SmtpWorld

    def do_POST(self) -> None:
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
        ok = (self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded")
              and form.get("grant_type") == "refresh_token" and form.get("refresh_token") == REFRESH_TOKEN
              and form.get("client_id") == CLIENT_ID and form.get("client_secret") == CLIENT_SECRET)
        if ok:
            token = f"ya29.token-{len(self.world.tokens) + 1}"
            self.world.tokens.add(token)
            body, status = {"access_token": token, "token_type": "Bearer", "expires_in": 3599}, 200
        else:
            body, status = {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}, 400
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        del format, args


class SmtpWorld:
    """The SMTP server (STARTTLS, AUTH after TLS only) and the token endpoint, on 127.0.0.1."""

    def __init__(self, folder: Path, *, tls: bool = True, auth: bool = True, implicit: bool = False) -> None:
        self.lock = threading.Lock()
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[str, list[str], Any]] = []
        self.tokens: set[str] = set()
        self.logins: list[tuple[str, bytes, bytes]] = []
        self._faults: list[int] = []
        self._stalls: list[float] = []
        folder.mkdir(parents=True, exist_ok=True)
        files = TestCA().write_server_files(folder, hosts=("localhost", "127.0.0.1"))
        self.ca_file = files.ca_cert
        kwargs: dict[str, Any] = {"hostname": "127.0.0.1", "port": _free_port()}
        if tls:
            server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            server_tls.load_cert_chain(files.server_cert, files.server_key)
            # implicit: TLS from the first byte (security = ssl, port 465); else STARTTLS, required before anything
            kwargs |= {"ssl_context": server_tls} if implicit else {"tls_context": server_tls,
                                                                     "require_starttls": True}
        if auth:
            # aiosmtpd sees no TLS on an implicit-TLS connection, so there AUTH is offered without being required
            # (the whole session is encrypted anyway); with STARTTLS it is required, and only after TLS.
            kwargs |= {"authenticator": self._authenticate, "auth_required": not implicit,
                       "auth_require_tls": tls and not implicit}
        self.controller = _Controller(self, **kwargs)
        handler = type("TokenEndpoint", (_TokenEndpoint,), {"world": self})
        self.token_server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.tls, self.implicit = tls, implicit

    def _authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                      auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((mechanism, auth_data.login, auth_data.password))
        ok = auth_data.login == USERNAME.encode() and auth_data.password == PASSWORD.encode()
        return AuthResult(success=ok, handled=False, auth_data=(mechanism, auth_data.login.decode()) if ok else None)

    def __enter__(self) -> SmtpWorld:
        self.controller.start()
        threading.Thread(target=self.token_server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.controller.stop()
        self.token_server.shutdown()
        self.token_server.server_close()

    @property
    def port(self) -> int:
        return int(self.controller.port)

    @property
    def token_url(self) -> str:
        return f"http://127.0.0.1:{self.token_server.server_address[1]}/token"

    def oauth_secret(self, *, refresh_token: str = REFRESH_TOKEN) -> bytes:
        return json.dumps({"token_url": self.token_url, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                           "refresh_token": refresh_token}).encode()

    def env(self) -> dict[str, str]:
        """QAYD_MAIL_* variables pointing at this server (and SSL_CERT_FILE trusting its certificate)."""
        values = {"QAYD_MAIL_HOST": "127.0.0.1", "QAYD_MAIL_PORT": str(self.port),
                  "QAYD_MAIL_SECURITY": ("ssl" if self.implicit else "starttls") if self.tls else "none",
                  "QAYD_MAIL_FROM_ADDRESS": USERNAME, "QAYD_MAIL_FROM_NAME": "ACME Billing",
                  "SSL_CERT_FILE": str(self.ca_file)}
        if self.controller.SMTP_kwargs.get("authenticator"):
            values["QAYD_MAIL_USERNAME"] = USERNAME
        return values

    def fail_next(self, code: int, *, times: int = 1) -> None:
        """The next `times` RCPT commands get `code` (4xx transient, 5xx permanent)."""
        with self.lock:
            self._faults.extend([code] * times)

    def stall_next_data(self, seconds: float) -> None:
        """The next message's 250 comes only after `seconds` (past a client's timeout), yet the message is kept."""
        with self.lock:
            self._stalls.append(seconds)

    def take_stall(self) -> float:
        with self.lock:
            return self._stalls.pop(0) if self._stalls else 0.0

    def take_fault(self) -> int | None:
        with self.lock:
            return self._faults.pop(0) if self._faults else None

    @property
    def received(self) -> list[EmailMessage]:
        with self.lock:
            raw = list(self.raw)
        return [message_from_bytes(data, policy=policy.default) for data in raw]  # type: ignore[misc]
