"""The SSRF guard of the HTTP client (`sources.http.HttpClient(guard=True)`): fetching a URL on
behalf of an API client without becoming a proxy into our own network.

Every TCP connection (the first request and every redirect hop) goes through `GuardedBackend`,
which resolves the host itself, refuses the connection when ANY resolved address is loopback,
private, link-local, multicast, reserved or otherwise not globally routable, and then connects to
the address it vetted (so a DNS answer that changes between check and connect cannot slip
through). TLS still verifies the certificate against the original host name. Size and time are
capped; proxies from the environment are ignored so that the check cannot be bypassed.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Collection, Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from claimledger.errors import InputError

ALLOWED_SCHEMES = frozenset({"http", "https"})
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

Resolver = Callable[[str, int], list[str]]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
BLOCKED = "refusing to fetch from"  # how every refusal of the guard begins


class BlockedAddressError(httpcore.ConnectError):
    """The host resolves to an address that URL ingestion must not reach."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host (IPv4 and IPv6)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise httpcore.ConnectError(f"cannot resolve host {host!r}: {e.strerror or e}") from None
    seen: list[str] = []
    for info in infos:
        addr = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone id
        if addr not in seen:
            seen.append(addr)
    return seen


def address_problem(addr: str) -> str | None:
    """Why an address is off limits, or None when it is a public unicast address."""
    try:
        ip: IPAddress = ipaddress.ip_address(addr)
    except ValueError:
        return f"{addr!r} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if mapped is None and ip in _NAT64:  # 64:ff9b::a.b.c.d reaches a.b.c.d through a NAT64 gateway
            mapped = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if mapped is not None:
            return address_problem(str(mapped))
    for attr, label in (
        ("is_unspecified", "unspecified"), ("is_loopback", "loopback"), ("is_link_local", "link-local"),
        ("is_multicast", "multicast"), ("is_private", "private"), ("is_reserved", "reserved"),
    ):
        if getattr(ip, attr):
            return f"{addr} is a {label} address"
    if not ip.is_global:
        return f"{addr} is not a public address"
    return None


class GuardedBackend(httpcore.SyncBackend):
    """A network backend that vets every address before it opens a TCP connection."""

    def __init__(self, allow_private: bool = False, resolver: Resolver = system_resolver,
                 trusted: Collection[str] = ()) -> None:
        self.allow_private = allow_private
        self.resolver = resolver
        self.trusted = frozenset(trusted)  # exact addresses allowed anyway (an operator's allowlist)

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        addresses = self.resolver(host, port)
        if not addresses:
            raise httpcore.ConnectError(f"host {host!r} has no address")
        if not self.allow_private:
            for addr in addresses:
                problem = None if addr in self.trusted else address_problem(addr)
                if problem:
                    raise BlockedAddressError(f"{BLOCKED} {host}: {problem}")
        last: Exception | None = None
        for addr in addresses:
            try:
                return super().connect_tcp(addr, port, timeout=timeout, local_address=local_address,
                                           socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                last = e
        assert last is not None
        raise last


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with its connection pool on a `GuardedBackend`."""

    def __init__(self, allow_private: bool = False, resolver: Resolver = system_resolver,
                 trusted: Collection[str] = ()) -> None:
        super().__init__(trust_env=False, retries=0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=4,
            network_backend=GuardedBackend(allow_private, resolver, trusted),
        )


def check_url(url: str) -> None:
    """Refuse URLs that are not plain http(s) before any network traffic happens."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise InputError(url, f"only http and https URLs can be read, not {parts.scheme or 'no scheme'!r}",
                         stage="fetch")
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError as e:
        raise InputError(url, f"malformed URL ({e})", stage="fetch") from None
    if not host:
        raise InputError(url, "URL has no host", stage="fetch")
    if re.fullmatch(r"[0-9.]+", host) or host.startswith("0x"):
        try:  # a host of digits is an IPv4 address; octal or hex spellings ("0177.0.0.1") are not accepted
            ipaddress.IPv4Address(host)
        except ValueError:
            raise InputError(url, f"malformed URL ({host!r} is not a valid IPv4 address)", stage="fetch") from None
    if parts.username or parts.password:
        raise InputError(url, "URLs with credentials are not accepted", stage="fetch")
