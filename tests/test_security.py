"""Security of the API and dashboard: headers and CSP, no inline script, constant-time token,
SSRF guard on URL ingestion (addresses, DNS answers, redirects, size and time caps), and request
strings that never become SQL. All network traffic stays on 127.0.0.0/8."""

from __future__ import annotations

import http.server
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.test_api_sample import N_CLAIMS, XSS_TEXT, build_sample_ledger

from claimledger.api import ApiSettings, create_app
from claimledger.api.security import content_security_policy, tile_origin, token_matches
from claimledger.errors import InputError
from claimledger.sources.http import Fetched, HttpClient
from claimledger.sources.netguard import Resolver, address_problem, system_resolver
from claimledger.store import Ledger

STATIC = Path(__file__).resolve().parents[1] / "src" / "claimledger" / "web" / "static"
TOKEN = "t0ken-for-security-tests"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    led = build_sample_ledger(f"sqlite:///{tmp_path_factory.mktemp('sec') / 'ledger.db'}")
    yield led
    led.close()


@pytest.fixture(scope="module")
def client(ledger: Ledger) -> TestClient:
    return TestClient(create_app(ledger, ApiSettings(token=None)), raise_server_exceptions=False)


# ---- headers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/static/app.js", "/static/app.css", "/api/claims", "/api/claims?_format=csv",
                                  "/api/nothing", "/api/claims?colour__eq=1", "/openapi.json"])
def test_every_response_carries_security_headers(client: TestClient, path: str) -> None:
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(("tile_url", "origin"), [
    (None, None),
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
    ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
    ("javascript:alert(1)//{z}", None),
    ("https://{q}.bad/{z}", None),
])
def test_tile_origin_is_the_only_foreign_image_source(tile_url: str | None, origin: str | None) -> None:
    assert tile_origin(tile_url) == origin
    csp = content_security_policy(tile_url)
    img = re.search(r"img-src ([^;]+)", csp)
    assert img is not None
    assert img.group(1) == "'self' data:" + (f" {origin}" if origin else "")


def test_index_has_no_inline_script_or_handlers() -> None:
    html = (STATIC / "index.html").read_text()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert re.search(r'\ssrc="/static/', tag), tag
    assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html), "inline script body"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert "<style" not in html and " style=" not in html
    assert "http://" not in html and "https://" not in html  # nothing from a CDN


def test_dashboard_code_never_parses_data_as_html() -> None:
    js = (STATIC / "app.js").read_text()
    code = "\n".join(line for line in js.splitlines() if not line.strip().startswith("//"))
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in code, sink


def test_api_serves_untrusted_text_as_json_data(client: TestClient) -> None:
    rows = client.get("/api/claims?evidence__contains=onerror").json()["rows"]
    assert rows
    doc = client.get(f"/api/documents/{rows[0]['document_id']}")
    assert doc.headers["content-type"].startswith("application/json")
    assert doc.json()["document"]["text"] == XSS_TEXT


# ---- token --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("header", "ok"), [
    (f"Bearer {TOKEN}", True),
    (f"bearer {TOKEN}", True),
    (f"Bearer {TOKEN} ", True),
    (None, False),
    ("", False),
    ("Bearer", False),
    (f"Basic {TOKEN}", False),
    (f"Bearer {TOKEN[:-1]}", False),
    (f"Bearer {TOKEN}extra", False),
    ("Bearer ünïcödé", False),
])
def test_token_matches(header: str | None, ok: bool) -> None:
    assert token_matches(header, TOKEN) is ok


# ---- SQL never built from request strings -------------------------------------------------------

@pytest.mark.parametrize("query", [
    "party__eq=' OR '1'='1",
    "party__eq=Russia'; DROP TABLE claims; --",
    "evidence__contains=%' OR 1=1 --",
    "kind__in=killed') OR ('1'='1",
    "outlet__eq=\" OR \"\"=\"",
])
def test_injection_strings_are_only_values(client: TestClient, query: str) -> None:
    r = client.get(f"/api/claims?{query}")
    assert r.status_code == 200
    assert r.json()["total"] == 0
    assert client.get("/api/claims").json()["total"] == N_CLAIMS  # and nothing was dropped


@pytest.mark.parametrize("key", ["party) OR 1=1 --__eq", "id;drop__eq", "_sort", "1__eq"])
def test_injection_in_names_is_refused(client: TestClient, key: str) -> None:
    value = "id; DROP TABLE claims" if key == "_sort" else "x"
    r = client.get("/api/claims", params={key: value})
    assert r.status_code == 400 and r.json()["ok"] is False


def test_like_wildcards_are_literal(client: TestClient) -> None:
    assert client.get("/api/claims?evidence__contains=Bakhmut").json()["total"] > 0
    assert client.get("/api/claims?evidence__contains=Bak%25mut").json()["total"] == 0
    assert client.get("/api/claims?evidence__contains=B_khmut").json()["total"] == 0


# ---- SSRF ---------------------------------------------------------------------------------------

def fetch_url(url: str, *, allow_private: bool = False, max_bytes: int = 5_000_000, timeout: float = 15.0,
              resolver: Resolver = system_resolver, trusted: frozenset[str] | set[str] = frozenset()) -> Fetched:
    """One guarded GET, as the API makes it (robots.txt aside: the test site has none)."""
    client = HttpClient(timeout=timeout, retries=0, delay=0, guard=not allow_private, trusted=trusted,
                        resolver=resolver, obey_robots=False)
    try:
        return client.get(url, max_bytes)
    finally:
        client.close()


@pytest.mark.parametrize(("addr", "why"), [
    ("127.0.0.1", "loopback"), ("127.9.9.9", "loopback"), ("::1", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("fc00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"), ("100.64.0.1", "not a public"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"), ("2002:7f00:1::", "loopback"),
    ("64:ff9b::a00:1", "private"), ("64:ff9b::7f00:1", "loopback"),
    ("93.184.216.34", None), ("2606:4700:4700::1111", None),
])
def test_address_policy(addr: str, why: str | None) -> None:
    problem = address_problem(addr)
    if why is None:
        assert problem is None
    else:
        assert problem is not None and why in problem


class _Handler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        _Handler.hits.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", self.path.split("to=", 1)[1])
            self.end_headers()
        elif self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b"x" * 100_000)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading at its cap, as it should
        elif self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                for _ in range(50):
                    self.wfile.write(b"word ")
                    self.wfile.flush()
                    time.sleep(0.1)
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            body = (b"<html><head><title>Report from the front</title></head><body><article><p>"
                    b"Officials said on Monday that 12 Russian soldiers were killed near Vuhledar in a drone "
                    b"strike, and the regional governor said two civilians were wounded in the shelling.</p>"
                    b"<p>The army said the fighting continued through the night near the town.</p>"
                    b"</article></body></html>")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def local_site() -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_loopback_is_refused_before_any_request(local_site: str) -> None:
    before = len(_Handler.hits)
    for url in (f"{local_site}/article", local_site.replace("127.0.0.1", "localhost") + "/article"):
        with pytest.raises(InputError) as e:
            fetch_url(url)
        assert "loopback" in e.value.reason and e.value.stage == "fetch"
    assert len(_Handler.hits) == before


def test_every_resolved_address_is_checked() -> None:
    connects: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        connects.append(host)
        return ["93.184.216.34", "10.0.0.7"]  # one public, one private answer: refused, nothing connects

    with pytest.raises(InputError) as e:
        fetch_url("http://rebind.example/", resolver=resolver)
    assert "10.0.0.7" in e.value.reason and "private" in e.value.reason
    assert connects == ["rebind.example"]


def test_allowed_address_fetches_and_redirects_are_rechecked(local_site: str) -> None:
    page = fetch_url(f"{local_site}/article", trusted={"127.0.0.1"})
    assert page.status == 200 and b"Vuhledar" in page.body
    port = local_site.rsplit(":", 1)[1]
    with pytest.raises(InputError) as e:  # 127.0.0.2 is not trusted: the redirect hop is refused
        fetch_url(f"{local_site}/redirect?to=http://127.0.0.2:{port}/article", trusted={"127.0.0.1"})
    assert "127.0.0.2" in e.value.reason and "loopback" in e.value.reason
    with pytest.raises(InputError) as e:
        fetch_url(f"{local_site}/redirect?to=file:///etc/passwd", trusted={"127.0.0.1"})
    assert "only http and https" in e.value.reason
    followed = fetch_url(f"{local_site}/redirect?to=/article", trusted={"127.0.0.1"})
    assert followed.url.endswith("/article")


def test_size_and_time_caps(local_site: str) -> None:
    with pytest.raises(InputError) as e:
        fetch_url(f"{local_site}/big", allow_private=True, max_bytes=1_000_000)
    assert "larger than 1,000,000 bytes" in e.value.reason
    t0 = time.monotonic()
    with pytest.raises(InputError) as e:
        fetch_url(f"{local_site}/slow", allow_private=True, timeout=1.0)
    assert time.monotonic() - t0 < 4
    assert "1 s" in e.value.reason


@pytest.mark.parametrize(("url", "words"), [
    ("gopher://127.0.0.1/", "only http and https"),
    ("http://user:pw@example.org/", "credentials"),
    ("http:///nohost", "no host"),
])
def test_malformed_urls(url: str, words: str) -> None:
    with pytest.raises(InputError) as e:
        fetch_url(url)
    assert words in e.value.reason


def test_post_url_respects_the_guard_and_the_setting(local_site: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import make_claim

    from claimledger import core
    from claimledger.core import DocResult

    def fake_extract(docs: Any, batch_size: int = 64) -> Iterator[DocResult]:
        for d in docs:
            doc = core.as_document(d)
            yield DocResult(document=doc, claims=[make_claim(text=doc.text[:30], doc_id=doc.id)])

    monkeypatch.setattr(core, "extract_documents", fake_extract)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    led = Ledger.open(f"sqlite:///{tmp_path / 'u.db'}")
    try:
        before = len(_Handler.hits)
        guarded = TestClient(create_app(led, ApiSettings(token=TOKEN)), raise_server_exceptions=False)
        r = guarded.post("/api/documents", json={"url": f"{local_site}/article"}, headers=auth)
        assert r.status_code == 422 and "loopback" in r.json()["error"]
        assert len(_Handler.hits) == before  # the request never left
        monkeypatch.setenv("CLAIMLEDGER_ALLOW_PRIVATE_URLS", "1")
        opened = TestClient(create_app(led, ApiSettings(token=TOKEN)), raise_server_exceptions=False)
        r = opened.post("/api/documents", json={"url": f"{local_site}/article", "published": "2025-02-03"},
                        headers=auth)
        assert r.status_code == 201, r.text
        doc = opened.get(r.json()["document_url"]).json()["document"]
        assert "Vuhledar" in doc["text"] and doc["url"] == f"{local_site}/article"
    finally:
        led.close()
