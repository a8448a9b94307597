"""End-to-end: the dashboard in Debian's headless Chromium (Playwright, no browser download), served
in-process on a sample ledger. Screenshots go to test-artifacts/.

Outside CI these tests skip when chromium is not installed; with CI set they must run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from tests.test_api_sample import N_CLAIMS, XSS_TEXT, XSS_TITLE, build_sample_ledger

from claimledger.api import ApiSettings, create_app
from claimledger.api.server import BackgroundServer, serve_in_thread

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
VENDOR = ROOT / "src" / "claimledger" / "web" / "static" / "vendor"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but chromium is not installed (.ci/run installs it with apt)")
        pytest.skip("chromium is not installed (apt-get install chromium); browser tests skipped outside CI")
    if not (VENDOR / "leaflet.js").exists():
        pytest.fail("dashboard assets are not built: run `make web` (make install does it)")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    chromium_path()
    led = build_sample_ledger(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'ledger.db'}")
    srv = serve_in_thread(create_app(led, ApiSettings(token=None)))
    yield srv
    srv.stop()
    led.close()


@pytest.fixture(scope="module")
def browser(server: BackgroundServer) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # The dashboard's CSP forbids eval, which also stops Playwright's string predicates: use expect().
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        yield b
        b.close()


class Watch:
    """What a page did that it should not: console errors, page errors, dialogs, foreign requests."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.foreign: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

        def on_dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        page.on("request", lambda r: None if r.url.startswith((self.base, "data:")) else self.foreign.append(r.url))

    def assert_clean(self) -> None:
        assert self.dialogs == []
        assert self.foreign == [], "the dashboard must work offline"
        assert self.errors == []


@pytest.fixture
def page(browser: Any, server: BackgroundServer) -> Iterator[tuple[Any, Watch]]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    watch = Watch(server.url)
    watch.attach(pg)
    yield pg, watch
    ctx.close()


def open_dashboard(pg: Any, url: str) -> None:
    pg.goto(url)
    pg.wait_for_selector("body[data-ready='1']", timeout=20_000)


def shot(pg: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / name), full_page=True)


def api(server: BackgroundServer, path: str) -> Any:
    return httpx.get(server.url + path, timeout=10).json()


def test_dashboard_filters_by_party(page: tuple[Any, Watch], server: BackgroundServer) -> None:
    pg, watch = page
    open_dashboard(pg, server.url + "/")
    assert pg.inner_text("#total") == f"{N_CLAIMS} claims"
    assert pg.locator("#claims-table tbody tr").count() == N_CLAIMS
    assert pg.locator("#map path").count() > 100  # the offline basemap: country and province outlines
    n_russia = api(server, "/api/claims?party__eq=Russia")["total"]
    pg.click("[data-facet='party'] li[data-value='Russia']")
    pg.wait_for_url("**party__eq=Russia**")
    expect(pg.locator("#total")).to_have_text(f"{n_russia} claims")
    pg.wait_for_selector("[data-facet='party'] li.selected[data-value='Russia']")
    parties = pg.locator("#claims-table tbody tr td:nth-child(5)").all_inner_texts()
    assert parties == ["Russia"] * n_russia
    assert "party = Russia" in pg.inner_text("#active-filters")
    shot(pg, "dashboard-party-russia.png")
    # a second value of the same facet widens the filter (party in Russia,Ukraine)
    pg.click("[data-facet='party'] li[data-value='Ukraine']")
    pg.wait_for_url("**party__in=**")
    expect(pg.locator("#total")).to_have_text(f"{N_CLAIMS} claims")
    watch.assert_clean()


def test_perpetrator_facet_column_and_who_says_what(page: tuple[Any, Watch], server: BackgroundServer) -> None:
    pg, watch = page
    open_dashboard(pg, server.url + "/")
    n_russia = api(server, "/api/claims?perpetrator=Russia")["total"]
    assert n_russia
    pg.click("[data-facet='perpetrator'] li[data-value='Russia']")
    pg.wait_for_url("**perpetrator__eq=Russia**")
    expect(pg.locator("#total")).to_have_text(f"{n_russia} claim{'' if n_russia == 1 else 's'}")
    assert pg.locator("#claims-table tbody tr td:nth-child(6)").all_inner_texts() == ["Russia"] * n_russia
    # the events tab follows the filter and shows who its claims say did it
    pg.click(".tab[data-tab='events']")
    row = pg.locator("#events-table tbody tr", has_text="Kharkiv").first
    expect(row).to_contain_text("Russia")
    row.click()
    pg.wait_for_selector("#who-says-what")
    assert "perpetrator: Russia" in pg.inner_text("#event-perpetrators")
    says = pg.locator("#who-says-what .claim-card .says").first.inner_text()
    assert says == "Oleh Syniehubov (Ukraine) says Russian attacks killed 4 victims"
    shot(pg, "event-perpetrator.png")
    watch.assert_clean()


def test_event_shows_competing_claims_and_highlighted_evidence(page: tuple[Any, Watch],
                                                               server: BackgroundServer) -> None:
    pg, watch = page
    open_dashboard(pg, server.url + "/")
    pg.click(".tab[data-tab='events']")
    pg.locator("#events-table tbody tr", has_text="Bakhmut").first.click()
    pg.wait_for_selector("#who-says-what")
    assert "event=" in pg.url
    ukraine = pg.locator("#who-says-what [data-side='Ukraine']")
    russia = pg.locator("#who-says-what [data-side='Russia']")
    assert ukraine.locator(".claim-card").count() == 2
    assert russia.locator(".claim-card").count() == 2
    assert "120" in ukraine.inner_text() and "200" in russia.inner_text()
    assert "denied" in russia.inner_text()
    # the two columns stand side by side
    ub, rb = ukraine.bounding_box(), russia.bounding_box()
    assert ub is not None and rb is not None and abs(ub["y"] - rb["y"]) < 5 and ub["x"] < rb["x"]
    shot(pg, "event-who-says-what.png")
    card = ukraine.locator(".claim-card").first
    evidence = card.locator("blockquote").inner_text()
    card.locator(".open-doc").click()
    pg.wait_for_selector("#doc-text mark.current")
    assert "doc=" in pg.url and "claim=" in pg.url
    assert pg.locator("#doc-text mark.current").inner_text() == evidence
    assert pg.locator("#doc-text mark").count() == 2  # both claims of the document are marked
    shot(pg, "document-evidence.png")
    # the state is shareable: a fresh page on the same URL opens the same view
    url = pg.url
    pg.goto(url)
    pg.wait_for_selector("#doc-text mark.current")
    assert pg.locator("#doc-text mark.current").inner_text() == evidence
    # provenance: the same claim repeated by a wire service later, the original listed first
    pg.locator("#doc-claims li.current button[data-group-id]").click()
    pg.wait_for_selector("#group-reports")
    assert "group=" in pg.url
    reports = pg.locator("#group-reports > li")
    assert reports.count() == 2
    assert "original" in reports.nth(0).inner_text() and "General Staff of Ukraine" in reports.nth(0).inner_text()
    assert "Wire Service" in reports.nth(1).inner_text()
    shot(pg, "claim-group-reports.png")
    watch.assert_clean()


def test_untrusted_text_is_shown_never_run(page: tuple[Any, Watch], server: BackgroundServer) -> None:
    pg, watch = page
    row = api(server, "/api/claims?evidence__contains=onerror")["rows"][0]
    open_dashboard(pg, f"{server.url}/?doc={row['document_id']}&claim={row['id']}")
    pg.wait_for_selector("#doc-text mark.current")
    pg.wait_for_timeout(300)
    assert pg.evaluate("window.__pwned") is None
    assert pg.inner_text("#doc-text") == XSS_TEXT  # the payload is text on the page
    assert pg.inner_text("#drawer-title") == XSS_TITLE
    assert pg.locator("#drawer-body img, #drawer-body svg, #drawer-body script").count() == 0
    assert pg.locator("a[href^='javascript']").count() == 0  # a javascript: URL never becomes a link
    assert pg.locator("[data-facet='outlet'] li[data-value='<b>Evil</b> Outlet']").count() == 1
    assert pg.locator("#claims-table b, #facets b").count() == 0
    shot(pg, "untrusted-text-inert.png")
    pg.click("#drawer-close")
    pg.locator("#claims-table tbody tr", has_text="onerror").first.click()
    pg.wait_for_selector("#doc-text mark.current")
    assert pg.evaluate("window.__pwned") is None
    watch.assert_clean()
    # control: the same payload parsed as HTML on a page without our CSP does run, so the checks
    # above would have seen it
    control = pg.context.new_page()
    dialogs: list[str] = []
    control.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    control.set_content(f"<html><body><div>{XSS_TEXT}</div></body></html>")
    control.wait_for_timeout(500)
    assert control.evaluate("window.__pwned") is not None
    assert dialogs == ["svg"]
    control.close()


def test_url_state_timeline_and_export(page: tuple[Any, Watch], server: BackgroundServer) -> None:
    pg, watch = page
    open_dashboard(pg, server.url + "/?party__eq=Ukraine&kind__eq=killed")
    expected = api(server, "/api/claims?party__eq=Ukraine&kind__eq=killed")["total"]
    assert pg.inner_text("#total") == f"{expected} claims"
    assert pg.locator("#active-filters .chip").count() == 2
    href = pg.get_attribute("#export-csv", "href")
    assert href is not None and "party__eq=Ukraine" in href and "_format=csv" in href
    csv_text = httpx.get(server.url + href, timeout=10).text
    assert len(csv_text.strip().splitlines()) == expected + 1
    # the timeline is linked: clicking a bar filters everything to its dates
    bar = pg.locator("#timeline rect.bar[data-count]:not([data-count='0'])").first
    start, end = bar.get_attribute("data-start"), bar.get_attribute("data-end")
    bar.click()
    pg.wait_for_url("**date__gte=**")
    pg.wait_for_selector("#timeline rect.bar.in-range")
    body = api(server, f"/api/claims?party__eq=Ukraine&kind__eq=killed&date__gte={start}&date__lte={end}")
    expect(pg.locator("#total")).to_have_text(f"{body['total']} claim{'' if body['total'] == 1 else 's'}")
    dates = pg.locator("#claims-table tbody tr td:nth-child(1)").all_inner_texts()
    assert dates and all(start <= d <= end for d in dates)  # type: ignore[operator]
    shot(pg, "timeline-filtered.png")
    watch.assert_clean()


def test_map_styles_claims_by_precision(page: tuple[Any, Watch], server: BackgroundServer) -> None:
    pg, watch = page
    open_dashboard(pg, server.url + "/")
    summary = api(server, "/api/map")
    pg.wait_for_selector("path.area-admin1")
    assert pg.locator("path.claim-point").count() == len([p for p in summary["points"] if p["precision"] == "point"])
    assert pg.locator("path.area-admin1").count() == 1  # Kharkiv Oblast shaded, not a dot
    note = pg.inner_text("#map-note")
    assert "1 located only to a country" in note and "1 to a front/region" in note
    # the map filters the rest: "only claims in view" turns the map's bounds into a bbox filter
    pg.check("#view-filter")
    pg.wait_for_url("**bbox__eq=**")
    bbox = pg.url.split("bbox__eq=", 1)[1].split("&", 1)[0].replace("%2C", ",")
    in_view = api(server, f"/api/claims?bbox={bbox}")["total"]
    assert in_view == N_CLAIMS - 2  # "the southern direction" and the wire report have no coordinates
    expect(pg.locator("#total")).to_have_text(f"{in_view} claims")
    pg.locator("path.claim-point").first.click()
    pg.wait_for_selector(".leaflet-popup .doc-claims li")
    pg.wait_for_timeout(400)  # let the popup finish fading in before the screenshot
    shot(pg, "map-precision.png")
    watch.assert_clean()
