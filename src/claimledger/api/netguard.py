"""Fetching a URL on behalf of an API client without becoming a proxy into our own network (SSRF).

Every TCP connection (the first request and every redirect hop) goes through `GuardedBackend`,
which resolves the host itself, refuses the connection when ANY resolved address is loopback,
private, link-local, multicast, reserved or otherwise not globally routable, and then connects to
the address it vetted (so a DNS answer that changes between check and connect cannot slip
through). TLS still verifies the certificate against the original host name. Size and time are
capped; proxies from the environment are ignored so that the check cannot be bypassed.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from claimledger.errors import InputError

USER_AGENT = "claimledger/0.1 (+https://github.com/claimledger; analyst ingest)"
ALLOWED_SCHEMES = frozenset({"http", "https"})
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

Resolver = Callable[[str, int], list[str]]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


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
                    raise BlockedAddressError(f"refusing to fetch from {host}: {problem}")
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


@dataclass(slots=True)
class Fetched:
    url: str
    status: int
    content_type: str
    body: bytes


def check_url(url: str) -> None:
    """Refuse URLs that are not plain http(s) before any network traffic happens."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise InputError(url, f"only http and https URLs can be ingested, not {parts.scheme or 'no scheme'!r}",
                         stage="fetch")
    if not parts.hostname:
        raise InputError(url, "URL has no host", stage="fetch")
    if parts.username or parts.password:
        raise InputError(url, "URLs with credentials are not accepted", stage="fetch")


def fetch_url(url: str, *, allow_private: bool = False, max_bytes: int = 5_000_000,
              timeout: float = 15.0, max_redirects: int = 5,
              resolver: Resolver = system_resolver, trusted: Collection[str] = ()) -> Fetched:
    """GET one page under the SSRF guard; redirects are followed by hand so each hop is checked.

    Raises InputError (stage "fetch") naming the URL and the reason on any refusal or failure.
    """
    deadline = time.monotonic() + timeout
    current = url
    with httpx.Client(transport=GuardedTransport(allow_private, resolver, trusted), follow_redirects=False,
                      timeout=httpx.Timeout(timeout), trust_env=False,
                      headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1"}) as client:
        for _hop in range(max_redirects + 1):
            check_url(current)
            try:
                with client.stream("GET", current) as resp:
                    if resp.is_redirect:
                        location = resp.headers.get("location")
                        if not location:
                            raise InputError(url, f"redirect from {current} without a Location", stage="fetch")
                        current = str(resp.url.join(location))
                        continue
                    if resp.status_code >= 400:
                        raise InputError(url, f"HTTP {resp.status_code} from {current}", stage="fetch")
                    declared = resp.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise InputError(url, f"page is larger than {max_bytes} bytes", stage="fetch")
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise InputError(url, f"page is larger than {max_bytes} bytes", stage="fetch")
                        if time.monotonic() > deadline:
                            raise InputError(url, f"fetch took longer than {timeout:g} s", stage="fetch")
                        chunks.append(chunk)
                    return Fetched(url=str(resp.url), status=resp.status_code,
                                   content_type=resp.headers.get("content-type", ""), body=b"".join(chunks))
            except BlockedAddressError as e:
                raise InputError(url, str(e), stage="fetch") from None
            except httpx.TimeoutException:
                raise InputError(url, f"fetch timed out after {timeout:g} s", stage="fetch") from None
            except httpx.HTTPError as e:
                cause = e.__context__ if isinstance(e.__context__, BlockedAddressError) else None
                reason = str(cause) if cause else f"{type(e).__name__}: {e}"
                raise InputError(url, reason, stage="fetch") from None
        raise InputError(url, f"more than {max_redirects} redirects", stage="fetch")
