"""Serve the app with waitress, hardened for the open internet: many sockets, slow clients, greedy addresses.

Waitress as it comes watches its sockets with select(), which fails for good once a descriptor passes
1023, and closes a connection only after it has been silent for the idle timeout, so one header line
every few seconds holds a slot forever. Here:
- sockets are watched with poll() and the process may open as many as its hard limit allows (the
  connection limit is kept below it, so accept() never runs out of descriptors);
- a request's head and body must arrive within `request_timeout` seconds of its first byte (a new
  connection's first request: of the connection), however the bytes are spaced;
- one address may hold at most `per_address` connections; the next is answered 503 and closed at
  once, so a flood from a few addresses cannot fill the connection limit;
- connections are accepted in batches, so a burst drains from the kernel's queue quickly.
"""

from __future__ import annotations

import logging
import resource
import threading
import time

from waitress.channel import HTTPChannel
from waitress.server import create_server

log = logging.getLogger("waitress")
RESERVED_FDS = 256  # the store's files, the workers' pipes, logs: descriptors the connections must leave
ACCEPT_BATCH = 64
_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\nRetry-After: 5\r\n\r\n")


def raise_fd_limit(want: int) -> int:
    """Raise this process's open-file limit towards *want* (never past the hard limit); return the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


class GuardedChannel(HTTPChannel):
    """An HTTP channel that knows when its current request began arriving and counts itself per address."""

    def __init__(self, server, sock, addr, adj, map=None):
        super().__init__(server, sock, addr, adj, map)
        self.request_started: float | None = time.monotonic()  # the first request: from the connection
        self.counted = False

    def received(self, data):
        now = time.monotonic()
        result = super().received(data)
        if self.request is not None and not self.request.completed:
            if self.request_started is None:
                self.request_started = now
        else:
            self.request_started = None  # nothing half-received: keep-alive idling is the idle timeout's
        return result

    def del_channel(self, map=None):
        if self.counted:
            self.counted = False
            self.server.forget(self.addr)
        super().del_channel(map)


def serve(app, *, host: str, port: int, threads: int, connection_limit: int, idle_timeout: float,
          request_timeout: float, per_address: int, ready: threading.Event | None = None) -> None:
    """Serve *app* until interrupted (see the module's docstring for what is guarded)."""
    soft = raise_fd_limit(connection_limit + RESERVED_FDS)
    if connection_limit + RESERVED_FDS > soft:
        new = max(64, soft - RESERVED_FDS)
        log.warning("only %d open files allowed: connection limit lowered from %d to %d", soft, connection_limit, new)
        connection_limit = new
    server = create_server(app, host=host, port=port, threads=threads, ident="cyberdiplo",
                           connection_limit=connection_limit, channel_timeout=idle_timeout,
                           cleanup_interval=max(0.5, min(2.0, request_timeout / 4, idle_timeout / 4)),
                           asyncore_use_poll=True, backlog=2048)
    guard(server, request_timeout, per_address)
    if ready is not None:
        ready.set()
    server.run()


def guard(server, request_timeout: float, per_address: int) -> None:
    """Give a waitress server (or each of a multi-socket server's) the request deadline, the per-address cap
    and batched accepts."""
    from waitress.server import BaseWSGIServer
    if not isinstance(server, BaseWSGIServer):  # several listening sockets ("localhost": IPv4 and IPv6)
        for each in list(server.map.values()):
            if isinstance(each, BaseWSGIServer):
                _guard_one(each, request_timeout, per_address)
        return
    _guard_one(server, request_timeout, per_address)


def _guard_one(server, request_timeout: float, per_address: int) -> None:
    lock = threading.Lock()
    counts: dict[str, int] = {}
    maintain = server.maintenance

    def forget(addr) -> None:
        key = addr[0] if isinstance(addr, tuple) else str(addr)
        with lock:
            n = counts.get(key, 0) - 1
            if n > 0:
                counts[key] = n
            else:
                counts.pop(key, None)

    def admit(conn, addr) -> None:
        key = addr[0] if isinstance(addr, tuple) else str(addr)
        with lock:
            over = per_address and counts.get(key, 0) >= per_address
            if not over:
                counts[key] = counts.get(key, 0) + 1
        if over:
            try:
                conn.setblocking(False)
                conn.send(_BUSY)
            except OSError:
                pass
            conn.close()
            return
        try:
            channel = GuardedChannel(server, conn, addr, server.adj, map=server._map)
        except OSError:  # the client went away before its channel was made: its place is free again
            forget(addr)
            conn.close()
            return
        channel.counted = True

    def handle_accept() -> None:
        for _ in range(ACCEPT_BATCH):
            if len(server._map) >= server.adj.connection_limit:
                return
            try:
                pair = server.accept()
            except OSError:  # out of descriptors or a socket gone bad: try again on the next turn
                log.warning("accept() failed", exc_info=True)
                return
            if pair is None:
                return
            conn, addr = pair
            admit(conn, server.fix_addr(addr))

    def maintenance(now: float) -> None:
        maintain(now)
        cutoff = time.monotonic() - request_timeout
        for channel in list(server.active_channels.values()):
            started = getattr(channel, "request_started", None)
            if started is not None and started < cutoff and not channel.requests:
                channel.will_close = True  # a request that took too long to arrive: drop the connection

    server.forget = forget
    server.handle_accept = handle_accept
    server.maintenance = maintenance
    server.address_counts = counts
