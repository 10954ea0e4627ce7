"""Network guard loaded into every benchmarked Python process (via ``PYTHONPATH``).

``benchmarks/run.py`` puts this directory first on ``PYTHONPATH`` and names a log file in
``BENCH_NETGUARD_LOG``. Python imports ``sitecustomize`` at start-up, so before any tool code runs
this module replaces :func:`socket.getaddrinfo` and :meth:`socket.socket.connect` /
``connect_ex`` with versions that refuse every non-loopback destination and append one line per
attempt (``host:port``) to the log. The benchmark thereby proves that a tool made no network
attempt, and a tool that does try (for example tldextract fetching the Public Suffix List)
fails fast instead of hanging on a network that is not there.

Loopback addresses and Unix sockets stay allowed (multiprocessing and some libraries use them).
Without ``BENCH_NETGUARD_LOG`` in the environment this module does nothing.
"""

from __future__ import annotations

import os
import socket

_LOG = os.environ.get("BENCH_NETGUARD_LOG")
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def _is_loopback(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port) resolves the local wildcard / loopback address
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    text = str(host).strip("[]").lower()
    return text in _LOOPBACK_NAMES or text.startswith("127.") or text in {"::1", "0.0.0.0", "::"}


def _record(host: object, port: object) -> None:
    if _LOG:
        try:
            with open(_LOG, "a", encoding="utf-8") as fh:
                fh.write(f"{host}:{port}\n")
        except OSError:
            pass


if _LOG:
    _orig_getaddrinfo = socket.getaddrinfo
    _orig_connect = socket.socket.connect
    _orig_connect_ex = socket.socket.connect_ex

    def _guarded_getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not _is_loopback(host):
            _record(host, port)
            raise socket.gaierror(socket.EAI_NONAME, f"network disabled by benchmark guard: {host}")
        return _orig_getaddrinfo(host, port, *args, **kwargs)

    def _check_address(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
            if not _is_loopback(address[0]):
                _record(address[0], address[1] if len(address) > 1 else "")
                raise ConnectionRefusedError(f"network disabled by benchmark guard: {address[0]}")

    def _guarded_connect(self, address):  # type: ignore[no-untyped-def]
        _check_address(self, address)
        return _orig_connect(self, address)

    def _guarded_connect_ex(self, address):  # type: ignore[no-untyped-def]
        _check_address(self, address)
        return _orig_connect_ex(self, address)

    socket.getaddrinfo = _guarded_getaddrinfo  # type: ignore[assignment]
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
