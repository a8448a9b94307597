"""The dashboard's first paint comes in one round of requests: the page, facets, timeline and map
each asked once, none answered "counting…", no patient retry (`_wait=1`, `_total=exact`).

On the sample ledger by default; with CLAIMLEDGER_SCALE_DB set to a big ledger's URL (e.g. the
1,000,000-claim one bench/api_latency.py builds) the same test runs there, cold (a fresh app, empty
caches), and the time to a complete first paint must stay under 2 s (printed either way).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from tests.test_api_sample import build_sample_ledger
from tests.test_browser import ARGS, Watch, chromium_path

from claimledger.api import ApiSettings, create_app
from claimledger.api.server import BackgroundServer, serve_in_thread
from claimledger.store import Ledger

pytestmark = pytest.mark.browser
SCALE_DB = os.environ.get("CLAIMLEDGER_SCALE_DB")


@pytest.fixture(scope="module")
def cold_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    chromium_path()
    led = Ledger.open(SCALE_DB) if SCALE_DB else build_sample_ledger(
        f"sqlite:///{tmp_path_factory.mktemp('paint') / 'ledger.db'}")
    srv = serve_in_thread(create_app(led, ApiSettings(token=None)))
    yield srv
    srv.stop()
    led.close()


def test_first_paint_is_one_round_of_requests(cold_server: BackgroundServer) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
            pg = ctx.new_page()
            watch = Watch(cold_server.url)
            watch.attach(pg)
            api: list[str] = []
            stamps: list[float] = []  # when each /api/ request went out and each answer came back
            pg.on("request", lambda r: (api.append(r.url[len(cold_server.url):]), stamps.append(time.perf_counter()))
                  if "/api/" in r.url and "/api/config" not in r.url else None)
            pg.on("response", lambda r: stamps.append(time.perf_counter())
                  if "/api/" in r.url and "/api/config" not in r.url else None)
            pg.on("requestfinished", lambda r: print(f"  {r.timing['responseEnd']:7.0f} ms  {r.url[len(cold_server.url):][:90]}")
                  if "/api/" in r.url else None)
            t = time.perf_counter()
            pg.goto(cold_server.url + "/")
            pg.wait_for_selector("body[data-ready='1']", timeout=60_000)
            seconds = time.perf_counter() - t
            api_round = max(stamps) - min(stamps)
            print(f"\nfirst paint, all panels: {seconds:.2f} s, of which the API round (first request out to last "
                  f"answer in) {api_round:.2f} s ({'CLAIMLEDGER_SCALE_DB' if SCALE_DB else 'sample ledger'})")
            total = pg.inner_text("#total")
            facets = pg.inner_text("#facet-lists")
            bars = pg.locator("#timeline rect.bar").count()
            note = pg.inner_text("#map-note")
            ctx.close()
        finally:
            browser.close()
    paths = [a.split("?")[0] for a in api]
    for endpoint in ("/api/claims", "/api/facets", "/api/timeline", "/api/map"):
        assert paths.count(endpoint) == 1, (endpoint, api)
    assert not [a for a in api if "_wait=1" in a or "_total=exact" in a], api
    assert total.endswith("claims") and "counting" not in total
    assert "counting" not in facets and "too slow" not in facets
    assert bars > 0 and "mapping" not in note and "narrow the filters" not in note
    watch.assert_clean()
    if SCALE_DB:
        assert seconds < 2.0, f"cold first paint took {seconds:.2f} s"
