"""A loopback TCP proxy for tests of dropped and stalled connections: clients connect to it instead of the server.

    with TcpProxy("127.0.0.1", server.port) as proxy:
        url = server.url(port=proxy.port)    # TLS still verifies: the host stays 127.0.0.1
        proxy.cut()                          # every open connection reset at once (RST on both sides)
        proxy.cut_after(50_000, "down")      # …once 50 000 more bytes went server -> client ("up": client -> server)
        proxy.pause(); proxy.resume()        # nothing moves and new connections hang: the server looks unreachable
        proxy.refuse()                       # new connections are reset at once (until resume()); open ones go on
        proxy.bytes_up, proxy.bytes_down, proxy.connections, proxy.cuts

One thread runs a selector loop (no polling): the control methods and counters hand it a command and return once it
is done, so after ``cut()`` returns every connection is closed, and a counter read after a client received some bytes
includes them. Safe to call from any thread.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import struct
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, Literal, TypeVar

Direction = Literal["up", "down", "any"]
_CHUNK = 256 * 1024
_BUFFER_LIMIT = 1024 * 1024  # stop reading a side while this much waits to be written to the other
_LISTEN, _WAKE = object(), object()
_T = TypeVar("_T")
_RST = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() sends RST and drops unsent data


class _Pipe:
    """One proxied connection: the client's socket, ours to the target, and what waits to go each way."""

    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.client, self.upstream = client, upstream
        self.to_up, self.to_down = bytearray(), bytearray()
        self.client_eof = self.upstream_eof = self.closed = False


class TcpProxy:
    """Forwards ``host:port`` (a free loopback port) to ``target_host:target_port``; see the module docstring."""

    def __init__(self, target_host: str, target_port: int, *, host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.host = host
        self._bytes = {"up": 0, "down": 0}
        self._cuts = 0
        self._mode: Literal["forwarding", "paused", "refusing"] = "forwarding"
        self._budget: tuple[int, Direction] | None = None
        self._pipes: set[_Pipe] = set()
        self._commands: list[tuple[Callable[[], Any], threading.Event, list[Any]]] = []
        self._lock = threading.Lock()
        self._closing = False
        self._sel = selectors.DefaultSelector()
        self._listener = socket.create_server((host, 0), backlog=64)
        self._listener.setblocking(False)
        self.port: int = self._listener.getsockname()[1]
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._sel.register(self._wake_r, selectors.EVENT_READ, _WAKE)
        self._sel.register(self._listener, selectors.EVENT_READ, _LISTEN)
        self._thread = threading.Thread(target=self._loop, name=f"TcpProxy:{self.port}", daemon=True)
        self._thread.start()

    # --- observation -------------------------------------------------------------------------------------------------
    @property
    def bytes_up(self) -> int:
        """Bytes forwarded client -> target since the proxy started."""
        return self._call(lambda: self._bytes["up"])

    @property
    def bytes_down(self) -> int:
        """Bytes forwarded target -> client since the proxy started."""
        return self._call(lambda: self._bytes["down"])

    @property
    def connections(self) -> int:
        """Connections open through the proxy now."""
        return self._call(lambda: len(self._pipes))

    @property
    def cuts(self) -> int:
        """How many times connections were cut (by cut() or a cut_after that fired)."""
        return self._call(lambda: self._cuts)

    @property
    def mode(self) -> str:
        """``"forwarding"``, ``"paused"`` or ``"refusing"``."""
        return self._mode

    # --- control -----------------------------------------------------------------------------------------------------
    def cut(self) -> int:
        """Reset every open connection now, both sides; returns how many there were. New connections still work.
        Also disarms a pending cut_after()."""
        return self._call(self._cut_all)

    def cut_after(self, n_bytes: int, direction: Direction = "any") -> None:
        """Cut every open connection once ``n_bytes`` more bytes have been forwarded in ``direction`` ("up":
        client -> target, "down": target -> client, "any": both counted together). Fires once."""
        if direction not in ("up", "down", "any") or n_bytes < 0:
            raise ValueError(f"cut_after({n_bytes!r}, {direction!r})")
        def arm() -> None:
            self._budget = (n_bytes, direction)
        self._call(arm)

    def pause(self) -> None:
        """Stop moving bytes on open connections and stop accepting new ones (they hang in the backlog until
        resume()): to clients, the server has become unreachable."""
        self._call(lambda: self._set_mode("paused"))

    def refuse(self) -> None:
        """Reset new connections as soon as they arrive (until resume()); open connections go on."""
        self._call(lambda: self._set_mode("refusing"))

    def resume(self) -> None:
        """Forward again after pause() or refuse(); connections held by pause() carry on where they were."""
        self._call(lambda: self._set_mode("forwarding"))

    def close(self) -> None:
        """Reset every connection and stop the proxy. Safe to call twice."""
        if self._thread.is_alive():
            self._call(self._shutdown)
            self._thread.join(timeout=10)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<TcpProxy {self.host}:{self.port} -> {self.target[0]}:{self.target[1]} {self._mode}>"

    def _call(self, fn: Callable[[], _T]) -> _T:
        """Run ``fn`` on the loop thread and return its result (at once when already on it)."""
        if threading.current_thread() is self._thread or not self._thread.is_alive():
            return fn()
        done, result = threading.Event(), list[Any]()
        with self._lock:
            self._commands.append((fn, done, result))
        with contextlib.suppress(BlockingIOError):
            self._wake_w.send(b"\0")
        if not done.wait(10):
            raise TimeoutError(f"{self!r} did not answer")
        if isinstance(result[0], BaseException):
            raise result[0]
        answer: _T = result[0]
        return answer

    # --- the loop (its own thread only) ------------------------------------------------------------------------------
    def _loop(self) -> None:
        try:
            while not self._closing:
                for key, mask in self._sel.select():
                    if key.data is _WAKE:
                        self._run_commands()
                    elif key.data is _LISTEN:
                        self._accept()
                    else:
                        pipe, side = key.data
                        if not pipe.closed:
                            self._service(pipe, side, mask)
        finally:
            self._run_commands()  # nobody waits forever on a command sent while closing
            for sock in (self._listener, self._wake_r, self._wake_w):
                sock.close()
            self._sel.close()

    def _run_commands(self) -> None:
        with contextlib.suppress(BlockingIOError):
            while self._wake_r.recv(4096):
                pass
        with self._lock:
            commands, self._commands = self._commands, []
        for fn, done, result in commands:
            try:
                result.append(fn())
            except Exception as exc:
                result.append(exc)
            done.set()

    def _shutdown(self) -> None:
        for pipe in list(self._pipes):
            self._abort(pipe)
        self._closing = True

    def _set_mode(self, mode: Literal["forwarding", "paused", "refusing"]) -> None:
        self._mode = mode
        listening = self._listener in self._sel.get_map()
        if mode == "paused" and listening:
            self._sel.unregister(self._listener)
        elif mode != "paused" and not listening:
            self._sel.register(self._listener, selectors.EVENT_READ, _LISTEN)
        for pipe in list(self._pipes):
            self._update(pipe)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            if self._mode == "refusing":
                self._reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                self._reset(client)  # the target is down: so is the proxy
                continue
            pipe = _Pipe(client, upstream)
            for sock in (client, upstream):
                sock.setblocking(False)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._pipes.add(pipe)
            self._update(pipe)

    def _service(self, pipe: _Pipe, side: str, mask: int) -> None:
        sock = pipe.client if side == "client" else pipe.upstream
        direction: Literal["up", "down"] = "up" if side == "client" else "down"
        if mask & selectors.EVENT_READ:
            try:
                data = sock.recv(_CHUNK)
            except (BlockingIOError, InterruptedError):
                data = None
            except OSError:
                self._abort(pipe)
                return
            if data == b"":
                setattr(pipe, "client_eof" if side == "client" else "upstream_eof", True)
            elif data:
                (pipe.to_up if direction == "up" else pipe.to_down).extend(data)
                self._pump(pipe, direction)
        if mask & selectors.EVENT_WRITE and not pipe.closed:
            self._pump(pipe, "down" if direction == "up" else "up")
        if not pipe.closed:
            self._update(pipe)

    def _pump(self, pipe: _Pipe, direction: Literal["up", "down"]) -> None:
        """Send what waits in ``direction`` as far as the socket and the cut_after budget allow."""
        buffer, sock = (pipe.to_up, pipe.upstream) if direction == "up" else (pipe.to_down, pipe.client)
        while buffer and not pipe.closed and self._mode != "paused":
            allowed = min(len(buffer), _CHUNK)
            budget = self._budget
            counted = budget is not None and budget[1] in (direction, "any")
            if budget is not None and counted:
                if budget[0] <= 0:
                    self._cut_all()
                    return
                allowed = min(allowed, budget[0])
            try:
                sent = sock.send(buffer[:allowed])
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                self._abort(pipe)
                return
            del buffer[:sent]
            self._bytes[direction] += sent
            if budget is not None and counted:
                self._budget = (budget[0] - sent, budget[1])
                if budget[0] - sent <= 0:
                    self._cut_all()
                    return

    def _update(self, pipe: _Pipe) -> None:
        """Register each socket for what it can do now; close the pipe once a side ended and all was delivered."""
        if (pipe.client_eof and not pipe.to_up) or (pipe.upstream_eof and not pipe.to_down):
            self._close(pipe)
            return
        moving = self._mode != "paused"
        for sock, eof, inbound, outbound, side in (
                (pipe.client, pipe.client_eof, pipe.to_up, pipe.to_down, "client"),
                (pipe.upstream, pipe.upstream_eof, pipe.to_down, pipe.to_up, "upstream")):
            events = 0
            if moving and not eof and len(inbound) < _BUFFER_LIMIT:
                events |= selectors.EVENT_READ
            if moving and outbound:
                events |= selectors.EVENT_WRITE
            registered = self._sel.get_map().get(sock)
            if registered is None and events:
                self._sel.register(sock, events, (pipe, side))
            elif registered is not None and not events:
                self._sel.unregister(sock)
            elif registered is not None and registered.events != events:
                self._sel.modify(sock, events, (pipe, side))

    def _cut_all(self) -> int:
        self._budget = None
        self._cuts += 1
        pipes = list(self._pipes)
        for pipe in pipes:
            self._abort(pipe)
        return len(pipes)

    def _abort(self, pipe: _Pipe) -> None:
        self._close(pipe, reset=True)

    def _close(self, pipe: _Pipe, *, reset: bool = False) -> None:
        pipe.closed = True
        self._pipes.discard(pipe)
        for sock in (pipe.client, pipe.upstream):
            if sock.fileno() >= 0 and sock in self._sel.get_map():
                self._sel.unregister(sock)
            if reset:
                self._reset(sock)
            else:
                sock.close()

    @staticmethod
    def _reset(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RST)
        sock.close()
