"""The dashboard in a real browser: every page of data/reference/dashboard.yaml is served by
`streamlit run` on the pipeline's published database and opened by its link in Debian's
chromium, offline (requests to any other host than the server are aborted and recorded).

Each page must finish its run without an exception, an error message, a traceback or a raw
catalogue key; it must carry the synthetic-data banner and no developer menu; every map
must draw all the provinces its figure says it drew. Full-page screenshots go to
test-artifacts/screenshots/<key>.png for a human to look at.

One tab visits the links in turn; every visit is a fresh Streamlit session, as a shared
link would be. The server's log is checked after each page.

Run with `pytest tests/browser -m browser`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from dashboard import config, i18n

from .conftest import chromium_path

# One worker runs the whole module under `pytest -n 2 --dist loadgroup` (a server and a
# chromium per worker would only compete for the same two cores).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


if chromium_path() is None:
    _why = "the browser tests need Debian's chromium (apt-get install chromium)"
    if _in_ci():
        pytest.fail(f"CI is set but chromium is missing: {_why}", pytrace=False)
    pytest.skip(
        f"chromium not found at /usr/bin/chromium or on PATH; {_why}", allow_module_level=True
    )
try:
    import playwright.sync_api  # noqa: F401
except ImportError:  # a dev dependency (pyproject.toml)
    if _in_ci():
        raise
    pytest.skip("the Python package playwright is not installed", allow_module_level=True)

PAGES = config.settings().pages
DEFAULT_PAGE = PAGES[0].key  # served at "/"; its own link /<key> switches to "/"
# Pages that draw no chart; every other page must draw at least one.
PAGES_WITHOUT_CHARTS = {"methodology", "audit"}
# Cambodia has 25 provinces in the framework; one of them has no polygon in
# data/geo/gms_admin1.geojson, so its province map draws 24 shapes.
KH_LINK = "?country=KH"
KH_SHAPES = 24

# Raw catalogue keys, e.g. "page.overview.title" or "outcome.housing.label".
RAW_KEY = re.compile(r"\b[a-z_]+\.[a-z_]+\.[a-z_]+\b")
# Dotted lowercase strings that are not catalogue keys; add here, with the reason, if needed.
NOT_KEYS: set[str] = set()
# Main-menu entries of the developer toolbar; toolbarMode = "viewer" must hide them all
# (what remains in 1.67: "Print", "Record screen", "Made with Streamlit").
DEV_MENU_ITEMS = (
    "Rerun", "Settings", "Clear cache", "Developer options", "Deploy", "View app source",
    "Report a bug", "Get help", "View all apps",
)  # fmt: skip
# Server log lines that mean a page went wrong behind a plain message (or a text is missing).
LOG_PROBLEMS = re.compile(r"Traceback|missing translation|bad placeholders|failed|Exception")
READY_TIMEOUT_MS = 45_000

i18n.set_locale("en")

READY_JS = """(minCharts) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (document.querySelector(
    '[data-testid="stStatusWidget"], [data-stale="true"], [data-testid="stSkeleton"]')) return false;
  const charts = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'));
  if (charts.length < minCharts) return false;
  return charts.every(c => c.querySelector('.js-plotly-plot .main-svg'));
}"""

# Every map (layout.meta.map) with the number of provinces its figure says it drew and the
# number of filled shapes (path.js-fill with an outline) in its SVG.
MAPS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
  .filter(el => el.layout && el.layout.meta && el.layout.meta.map)
  .map(el => ({
    level: el.layout.meta.level,
    provinces_drawn: el.layout.meta.provinces_drawn,
    fills: Array.from(el.querySelectorAll('path.js-fill'))
      .filter(p => (p.getAttribute('d') || '').length > 10).length,
  }))"""

# The strings of every figure (hover texts, legend, titles): not visible until hovered.
FIGURE_STRINGS_JS = """() => {
  const out = [];
  const walk = (v) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  document.querySelectorAll('.js-plotly-plot').forEach(el => {
    (el.data || []).forEach(tr => ['name', 'text', 'hovertext', 'hovertemplate']
      .forEach(k => walk(tr[k])));
    const l = el.layout || {};
    walk([l.title, l.legend && l.legend.title, l.annotations]);
    Object.keys(l).filter(k => /^[xy]axis/.test(k)).forEach(k => walk(l[k].title));
  });
  return out;
}"""


def page_url(server, key: str, query: str = "") -> str:
    path = "" if key == DEFAULT_PAGE else key
    return f"{server.url}/{path}{query}"


def wait_ready(page, min_charts: int = 0) -> None:
    page.wait_for_function(READY_JS, arg=min_charts, polling=100, timeout=READY_TIMEOUT_MS)
    page.evaluate("document.fonts.ready.then(() => true)")


def screenshot(page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside <main>, so grow the viewport to fit."""
    size = page.viewport_size
    height = page.evaluate(
        """() => Math.max(...['stMain', 'stSidebarContent'].map(
             id => document.querySelector(`[data-testid="${id}"]`)?.scrollHeight || 0))"""
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    try:
        page.wait_for_timeout(150)  # let the layout settle after the resize
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)


def raw_keys(texts) -> set[str]:
    return {m for text in texts for m in RAW_KEY.findall(text)} - NOT_KEYS


def main_menu_text(page) -> str:
    page.locator('[data-testid="stMainMenuButton"]').click()
    popover = page.locator('[data-testid="stMainMenuPopover"]')
    popover.wait_for(state="visible")
    text = popover.inner_text()
    page.keyboard.press("Escape")
    popover.wait_for(state="hidden")
    return text


def maps_drawn(page, *, at_least: int = 0) -> list[dict]:
    maps = page.evaluate(MAPS_JS)
    assert len(maps) >= at_least, f"expected at least {at_least} map(s), found {maps}"
    for m in maps:
        assert m["provinces_drawn"] > 0, m
        assert m["fills"] == m["provinces_drawn"], f"the map drew {m['fills']} shapes: {m}"
    return maps


class Checkpoint:
    """What the server logged and the browser was refused from now on."""

    def __init__(self, browser, server):
        self.browser, self.server = browser, server
        self.log_start, self.blocked_start = server.log_size(), len(browser.blocked)

    def assert_clean(self, what: str) -> None:
        blocked = self.browser.blocked[self.blocked_start :]
        assert blocked == [], f"{what} needed the network: {blocked}"
        log = self.server.log_since(self.log_start)
        assert not LOG_PROBLEMS.search(log), f"server log while showing {what}:\n{log}"


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def open_page(browser, server, key: str, query: str = ""):
    page = browser.page
    page.goto(page_url(server, key, query), wait_until="commit")
    wait_ready(page, 0 if key in PAGES_WITHOUT_CHARTS else 1)
    return page


# --- every page ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", [p.key for p in PAGES])
def test_page_renders_offline_without_errors(browser, server, screenshots, key):
    checkpoint = Checkpoint(browser, server)
    page = open_page(browser, server, key)
    screenshot(page, screenshots / f"{key}.png")

    text = page.locator('[data-testid="stApp"]').inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0, text
    errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert not errors, f"error message on {key}: {errors}"
    for bad in ("Traceback", "Page not found"):
        assert bad not in text, f"{bad!r} on {key}"
    assert page.locator("h1").first.inner_text().strip() == i18n.t(f"page.{key}.title")
    assert not raw_keys([text]), f"raw catalogue keys on {key}: {raw_keys([text])}"
    in_charts = raw_keys(page.evaluate(FIGURE_STRINGS_JS))
    assert not in_charts, f"raw catalogue keys in the charts of {key}: {in_charts}"

    banner = page.locator('[data-testid="stAlert"]').filter(has_text=i18n.t("banner.synthetic"))
    assert banner.count() == 1 and banner.is_visible(), f"no synthetic-data banner on {key}"

    assert page.locator('[data-testid="stAppDeployButton"]').count() == 0
    assert page.get_by_role("button", name="Deploy").count() == 0
    if key == DEFAULT_PAGE:  # the menu is the app's, the same on every page
        menu = main_menu_text(page)
        assert not [item for item in DEV_MENU_ITEMS if item in menu], f"developer menu: {menu!r}"

    if key not in PAGES_WITHOUT_CHARTS:
        assert page.locator('[data-testid="stPlotlyChart"]').count() >= 1
    maps_drawn(page, at_least=1 if key == "outcomes_by_province" else 0)
    checkpoint.assert_clean(key)


def test_cambodia_province_map_from_a_shared_link(browser, server, screenshots):
    checkpoint = Checkpoint(browser, server)
    page = open_page(browser, server, "outcomes_by_province", KH_LINK)
    screenshot(page, screenshots / "outcomes_by_province_KH.png")
    maps = maps_drawn(page, at_least=1)
    assert maps[0]["level"] == "province", maps
    assert maps[0]["provinces_drawn"] == KH_SHAPES, maps
    assert "country=KH" in page.evaluate("location.search")
    country = page.locator('[data-testid="stSidebar"]').get_by_role(
        "combobox", name=i18n.t("filters.country"), exact=True
    )
    assert country.input_value() == i18n.label("country", "KH")
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    checkpoint.assert_clean(KH_LINK)


def test_a_sidebar_filter_updates_the_link_and_the_figures(browser, server):
    checkpoint = Checkpoint(browser, server)
    page = open_page(browser, server, DEFAULT_PAGE)
    assert "sex=" not in page.evaluate("location.search")
    metric = page.locator('[data-testid="stMetric"]').filter(
        has_text=i18n.t("kpi.active_cases.label")
    )
    before = metric.locator('[data-testid="stMetricValue"]').inner_text()

    sidebar = page.locator('[data-testid="stSidebar"]')
    sex = sidebar.get_by_role("combobox", name=i18n.t("filters.sex"), exact=True)
    sex.scroll_into_view_if_needed()  # below the fold, under the language picker:
    page.wait_for_timeout(300)  # a drop-down opened while the sidebar still scrolls closes
    sex.click()
    page.get_by_role("option", name=i18n.label("sex", "female"), exact=True).click()

    page.wait_for_function("() => new URLSearchParams(location.search).get('sex') === 'female'")
    wait_ready(page, 1)
    after = metric.locator('[data-testid="stMetricValue"]').inner_text()
    assert 0 < number(after) < number(before), f"Active cases: {before} for all, {after} women"
    showing = i18n.t("filters.showing", what="").strip()
    assert i18n.label("sex", "female") in page.get_by_text(showing).first.inner_text()
    checkpoint.assert_clean("the Overview filtered by sex")


def test_no_request_leaves_the_machine(browser, server):
    """Not even the browser tab's icon (dashboard/static/favicon.svg, sent as a data URI)
    or the menu's page icons (Streamlit's bundled Material Symbols font) may come from
    another host."""
    checkpoint = Checkpoint(browser, server)
    page = open_page(browser, server, "methodology")
    page.wait_for_load_state("networkidle")  # the favicon is asked for late
    assert browser.blocked[checkpoint.blocked_start :] == []
    favicon = page.evaluate("document.querySelector(\"link[rel='shortcut icon']\").href")
    assert favicon.startswith("data:image/svg+xml"), favicon[:80]


def test_the_default_page_has_its_own_link_too(browser, server):
    """/overview (the default page's key) leads to "/" with the link's filters, not to
    Streamlit's "Page not found"."""
    checkpoint = Checkpoint(browser, server)
    page = browser.page
    page.goto(f"{server.url}/{DEFAULT_PAGE}?country=KH", wait_until="commit")
    page.wait_for_function("() => location.pathname === '/'", timeout=READY_TIMEOUT_MS)
    wait_ready(page, 1)
    assert "country=KH" in page.evaluate("location.search")
    assert page.locator("h1").first.inner_text().strip() == i18n.t(f"page.{DEFAULT_PAGE}.title")
    assert "Page not found" not in page.locator("body").inner_text()
    checkpoint.assert_clean(f"/{DEFAULT_PAGE}")
