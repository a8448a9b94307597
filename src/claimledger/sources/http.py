"""The one HTTP client: every page, feed and robots.txt that claimledger fetches goes through it.

Politeness: one User-Agent naming claimledger, robots.txt obeyed per host, a minimum delay
between requests to one host, retries with exponential backoff on connection errors, 429 and 5xx
(honouring a short Retry-After), a size cap, and redirects followed by hand (each hop checked).

Time: `timeout` is the budget of one input, all included — its robots.txt, every attempt, every
redirect, the body, the pauses between retries. No sum of per-step timeouts can exceed it: each
step gets what is left of the budget. A robots.txt that cannot be read (timeout, 5xx, refused
connection) means "cannot tell": the input is skipped with that reason (RFC 9309 treats an
unreachable robots.txt as a full disallow) unless `robots_on_error="allow"`.

Safety: with `guard=True` (the API's setting) every connection goes through the SSRF guard of
`sources.netguard`, which refuses loopback, private, link-local and other non-public addresses.
"""

from __future__ import annotations

import time
import urllib.robotparser
from collections.abc import Collection
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from claimledger import __version__
from claimledger.config import Settings, get_settings
from claimledger.errors import InputError
from claimledger.sources.netguard import (
    BLOCKED,
    BlockedAddressError,
    GuardedTransport,
    Resolver,
    check_url,
    system_resolver,
)

USER_AGENT = f"claimledger/{__version__} (+https://pypi.org/project/claimledger/; research crawler)"
ROBOTS_MAX_BYTES = 500_000
MAX_REDIRECTS = 5
_UNKNOWN = "unknown"  # robots.txt could not be read: cannot tell


@dataclass(slots=True)
class Fetched:
    """One answer: the final URL (after redirects), its status, content type and body."""

    url: str
    status: int
    content_type: str
    body: bytes
    etag: str | None = None  # validators for a conditional request next time (watch mode)
    last_modified: str | None = None


class _Deadline:
    """What is left of one input's time budget."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def check(self, url: str) -> float:
        left = self.left()
        if left <= 0:
            raise InputError(url, f"fetch took longer than its {self.seconds:g} s budget", "fetch")
        return left


@dataclass
class HttpClient:
    """Polite, bounded HTTP GETs; `get(url)` raises InputError (stage "fetch") naming the reason."""

    timeout: float = 20.0
    retries: int = 3
    backoff: float = 0.5
    delay: float = 1.0
    robots_on_error: str = "skip"
    guard: bool = False
    trusted: Collection[str] = ()
    resolver: Resolver = system_resolver
    obey_robots: bool = True
    user_agent: str = USER_AGENT
    _robots: dict[str, urllib.robotparser.RobotFileParser | str | None] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)
    _client: httpx.Client | None = None

    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, guard: bool = False,
                      trusted: Collection[str] = (), **overrides: object) -> HttpClient:
        """A client with the configured limits; `guard` adds the SSRF check."""
        s = settings or get_settings()
        client = cls(timeout=s.fetch_timeout, retries=s.fetch_retries, backoff=s.fetch_backoff, delay=s.fetch_delay,
                     robots_on_error=s.robots_on_error, guard=guard, trusted=trusted)
        for k, v in overrides.items():
            setattr(client, k, v)
        return client

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            transport = (GuardedTransport(False, self.resolver, self.trusted) if self.guard
                         else httpx.HTTPTransport(retries=0))
            self._client = httpx.Client(transport=transport, follow_redirects=False, trust_env=not self.guard,
                                        headers={"User-Agent": self.user_agent})
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- the public call -------------------------------------------------------------------
    def get(self, url: str, max_bytes: int = 20_000_000, headers: dict[str, str] | None = None) -> Fetched:
        """GET `url` within one time budget: robots.txt, retries, redirects and body included.
        A 4xx answer, a refusal or an exhausted budget raises InputError. `headers` may carry
        If-None-Match / If-Modified-Since: an unchanged resource then answers 304, empty."""
        deadline = _Deadline(self.timeout)
        check_url(url)
        if self.obey_robots:
            self._check_robots(url, deadline)
        r = self._get_with_retries(url, max_bytes, deadline, headers)
        if r.status >= 400:
            raise InputError(url, f"HTTP {r.status}" + (f" from {r.url}" if r.url != url else ""), "fetch")
        return r

    # -- robots.txt --------------------------------------------------------------------------
    def _check_robots(self, url: str, deadline: _Deadline) -> None:
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._robots:
            try:
                self._robots[host] = self._read_robots(host, deadline)
            except InputError as e:
                raise InputError(url, e.reason, "fetch") from None
        rp = self._robots[host]
        if isinstance(rp, str):
            if self.robots_on_error == "allow":
                return
            raise InputError(url, f"robots.txt of {host} could not be read ({rp.split(':', 1)[1].strip()}): cannot "
                                  "tell whether fetching is allowed, so skipped "
                                  "(CLAIMLEDGER_ROBOTS_ON_ERROR=allow fetches anyway)", "fetch")
        if rp is not None and not rp.can_fetch(self.user_agent, url):
            raise InputError(url, "disallowed by robots.txt", "fetch")

    def _read_robots(self, host: str, deadline: _Deadline) -> urllib.robotparser.RobotFileParser | str | None:
        """A parser; None when there is no robots.txt (4xx: everything allowed, RFC 9309); or the
        reason it could not be read. One attempt, at most half of the input's budget."""
        share = _Deadline(max(0.0, min(deadline.left(), deadline.seconds / 2)))
        try:
            r = self._attempt(f"{host}/robots.txt", ROBOTS_MAX_BYTES, share)
        except InputError as e:
            if e.reason.startswith(BLOCKED):  # the guard refuses the host: say so, not "cannot tell"
                raise
            return f"{_UNKNOWN}: {e.reason}"
        if r.status >= 500 or r.status == 429:
            return f"{_UNKNOWN}: HTTP {r.status}"
        if r.status >= 400:
            return None
        rp = urllib.robotparser.RobotFileParser()
        rp.parse(r.body.decode("utf-8", "replace").splitlines())
        return rp

    # -- attempts ----------------------------------------------------------------------------
    def _wait_turn(self, host: str, deadline: _Deadline, url: str) -> None:
        last = self._last.get(host)
        if last is not None and self.delay > 0:
            pause = self.delay - (time.monotonic() - last)
            if pause > 0:
                if pause >= deadline.left():
                    deadline.check(url)
                time.sleep(min(pause, max(0.0, deadline.left())))
        self._last[host] = time.monotonic()

    def _get_with_retries(self, url: str, max_bytes: int, deadline: _Deadline,
                          headers: dict[str, str] | None = None) -> Fetched:
        last_error = ""
        attempt = 0
        for attempt in range(self.retries + 1):
            retry_after: float | None = None
            try:
                r = self._attempt(url, max_bytes, deadline, headers)
            except InputError as e:
                if not e.retryable:
                    raise
                last_error = e.reason
            else:
                if r.status != 429 and r.status < 500:
                    return r
                last_error, retry_after = f"HTTP {r.status}", r.retry_after
            if attempt == self.retries:
                break
            pause = min(retry_after, 10.0) if retry_after is not None else self.backoff * (2 ** attempt)
            if pause >= deadline.left():
                break
            time.sleep(pause)
        raise InputError(url, f"fetch failed after {attempt + 1} attempt{'s' if attempt else ''} within "
                              f"{self.timeout:g} s ({last_error})", "fetch")

    def _attempt(self, url: str, max_bytes: int, deadline: _Deadline,
                 headers: dict[str, str] | None = None) -> _Answer:
        """One GET with its redirects, within what is left of `deadline`."""
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(current)
            host = urlsplit(current).netloc
            self._wait_turn(host, deadline, url)
            left = deadline.check(url)
            try:
                with self.client.stream("GET", current, timeout=httpx.Timeout(left), headers=headers) as resp:
                    if resp.is_redirect and resp.status_code != 304:  # httpx counts 304 Not Modified as one
                        location = resp.headers.get("location")
                        if not location:
                            raise InputError(url, f"redirect from {current} without a Location", "fetch")
                        current = str(resp.url.join(location))
                        continue
                    body = _read_body(resp, url, max_bytes, deadline)
                    return _Answer(str(resp.url), resp.status_code, resp.headers.get("content-type", ""), body,
                                   resp.headers.get("etag"), resp.headers.get("last-modified"),
                                   _retry_after(resp.headers.get("retry-after")))
            except BlockedAddressError as e:
                raise InputError(url, str(e), "fetch") from None
            except httpx.InvalidURL as e:
                raise InputError(url, f"malformed URL ({e})", "fetch") from None
            except httpx.TimeoutException:
                raise _retryable(url, f"timed out after {deadline.seconds:g} s budget") from None
            except httpx.HTTPError as e:
                cause = e.__context__ if isinstance(e.__context__, BlockedAddressError) else None
                if cause is not None:
                    raise InputError(url, str(cause), "fetch") from None
                raise _retryable(url, f"{type(e).__name__}: {e}" if str(e) else type(e).__name__) from None
        raise InputError(url, f"more than {MAX_REDIRECTS} redirects", "fetch")


@dataclass(slots=True)
class _Answer(Fetched):
    retry_after: float | None = None


def _retry_after(value: str | None) -> float | None:
    return float(value) if value and value.strip().isdigit() else None


def _retryable(url: str, reason: str) -> InputError:
    return InputError(url, reason, "fetch", retryable=True)


def _read_body(resp: httpx.Response, url: str, max_bytes: int, deadline: _Deadline) -> bytes:
    declared = resp.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise InputError(url, f"response larger than {max_bytes:,} bytes", "fetch")
    chunks: list[bytes] = []
    size = 0
    for chunk in resp.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise InputError(url, f"response larger than {max_bytes:,} bytes", "fetch")
        deadline.check(url)
        chunks.append(chunk)
    return b"".join(chunks)


_shared: HttpClient | None = None


def shared_client() -> HttpClient:
    """The process-wide client of the readers (so robots.txt and per-host delays are shared); the
    SSRF guard is off unless CLAIMLEDGER_GUARD_URLS=1 (the API always passes its own guarded client)."""
    global _shared
    if _shared is None:
        _shared = HttpClient.from_settings(guard=get_settings().guard_urls)
    return _shared


def reset_shared_client() -> None:
    """Forget robots.txt and delays (tests change the environment between runs)."""
    global _shared
    if _shared is not None:
        _shared.close()
    _shared = None


__all__ = ["HttpClient", "Fetched", "USER_AGENT", "shared_client", "reset_shared_client"]
