"""HTTP hardening: security headers on every response, and the bearer token that guards writes.

Document text in the ledger is untrusted (anyone can publish an article with `<script>` in it), so
the dashboard renders it as text only, and the Content-Security-Policy forbids inline script and
style and any foreign origin: even a rendering bug could not run injected code.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def tile_origin(tile_url: str | None) -> str | None:
    """The CSP source for a tile URL template: 'https://{s}.tile.example.org/{z}/{x}/{y}.png' →
    'https://*.tile.example.org'. None when no (usable) tile URL is configured."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url.replace("{s}", "a"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = tile_url.split("://", 1)[1].split("/", 1)[0]
    host = host.replace("{s}", "*")
    if "{" in host or "}" in host:
        return None
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str | None = None) -> str:
    img = "'self' data:"
    origin = tile_origin(tile_url)
    if origin:
        img += f" {origin}"
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src {img}",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ])


def security_headers(tile_url: str | None = None) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", content_security_policy(tile_url).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"cross-origin-resource-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    ]


class SecurityHeadersMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware) so streaming responses stream untouched."""

    def __init__(self, app: ASGIApp, tile_url: str | None = None) -> None:
        self.app = app
        self.headers = security_headers(tile_url)
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                headers.extend(self.headers)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def token_matches(header: str | None, token: str) -> bool:
    """Constant-time check of an `Authorization: Bearer <token>` header."""
    if not header:
        return False
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    return secrets.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8"))
