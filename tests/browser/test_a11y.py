"""Accessibility (WCAG 2.1 AA; README, Accessibility) in a real browser.

- axe-core (axe-playwright-python, which ships the engine: nothing is fetched) runs the
  WCAG 2.1 A and AA rules on every page, in English and in every language that has a
  catalogue, with every "show the numbers" table opened; any violation fails the test,
  listed with its rule, the element's selector and what is wrong. The same visit checks
  that <html lang> is the page's language and that every chart has a name and a
  description. Screenshots: test-artifacts/screenshots/a11y/<page>_<lang>.png.
- The keyboard alone: Tab walks the menu's page links, the sidebar filters and the
  Overview's controls in order, each with a visible focus ring; a filter changed with the
  arrow keys and Enter changes the figures; a radio, a page link, "show the numbers" and
  its downloads work from the keyboard.

One server and one chromium for the module; the pages are visited in turn (each visit a
fresh session). Run with `pytest -n 0 tests/browser/test_a11y.py`.
"""

from __future__ import annotations

import time

import pytest

from dashboard import i18n
from reference import framework
from tests.dashboard.test_languages import in_language

from .conftest import axe_violations
from .test_browser import (
    DEFAULT_PAGE,
    PAGES,
    PAGES_WITHOUT_CHARTS,
    Checkpoint,
    _in_ci,
    number,
    open_page,
    screenshot,
    wait_ready,
)

# its own group: it runs beside the other browser tests, on the other worker, with its own
# server and browser (about five minutes alone)
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("a11y")]

try:
    import axe_playwright_python  # noqa: F401
except ImportError:  # a dev dependency (pyproject.toml)
    if _in_ci():
        raise
    pytest.skip(
        "the Python package axe-playwright-python is not installed", allow_module_level=True
    )

LANGUAGES = i18n.available_locales()
# English on the default link (the province list disabled until a country is chosen); each
# other language with its own country (the province list open, names in its script)
COUNTRY = {c["language"]: c["code"] for c in framework.load().countries}

# Every chart's box as a screen reader meets it (dashboard/ui.py, ACCESSIBILITY_JS).
CHARTS_JS = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
  .map(box => {
    const reading = document.getElementById(box.getAttribute('aria-describedby') || '');
    return {role: box.getAttribute('role'), name: box.getAttribute('aria-label'),
            reading: reading ? reading.innerText.trim() : null,
            drawing_hidden: Array.from(box.querySelectorAll('svg.main-svg'))
              .every(svg => svg.getAttribute('aria-hidden') === 'true')};
  })"""
CHARTS_NAMED_JS = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
  .every(box => box.getAttribute('role') === 'figure' && box.getAttribute('aria-label'))"""

# What has the keyboard focus: its accessible name, where it is, and whether a focus ring
# (an outline of 2px or more, or a box shadow) is drawn around it or the box it sits in
# (a drop-down's box, a radio option's label: their inputs are not what is drawn).
FOCUS_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const radios = e.closest('[role="radiogroup"]');
  const text = (el) => (el && el.innerText || '').trim();
  const name = e.getAttribute('aria-label')
    || (e.type === 'radio' && radios && radios.getAttribute('aria-label'))
    || text(e.querySelector('[data-testid="stMarkdownContainer"]')) || text(e);
  const holders = [e, e.closest('[role="group"]'), e.closest('[data-testid="stRadioOption"]')]
    .filter(Boolean);
  const ring = holders.some(h => {
    const s = getComputedStyle(h), r = h.getBoundingClientRect();
    const drawn = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
      || s.boxShadow !== 'none';
    return drawn && r.width > 2 && r.height > 2 && s.visibility !== 'hidden'
      && parseFloat(s.opacity) > 0;
  });
  const where = e.closest('[data-testid="stSidebar"]') ? 'sidebar'
    : e.closest('[data-testid="stMain"]') ? 'main' : 'other';
  return {name, tag: e.tagName, where, ring,
          testid: (e.closest('[data-testid]') || {dataset: {}}).dataset.testid || null};
}"""


def open_every_table(page) -> None:
    """Open every "show the numbers" expander (the tables and their download buttons)."""
    page.evaluate(
        """() => document.querySelectorAll('[data-testid="stExpander"] details:not([open]) > summary')
             .forEach(summary => summary.click())"""
    )  # one click each, at once (Playwright's clicks wait for each to settle: 8 s a page)
    wait_ready(page)
    page.wait_for_timeout(300)  # the tables draw their canvas


@pytest.fixture(scope="module")
def shots(screenshots):
    folder = screenshots / "a11y"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- axe on every page, in every language ---------------------------------------------------


# a whole-page screenshot re-lays the page out at its full height (about a second a page):
# every page in English, Khmer and Vietnamese; the other scripts' pages are photographed by
# test_languages.py
SCREENSHOT_LANGUAGES = ("en", "km", "vi")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_meets_wcag_21_aa_in_each_language(browser, server, shots, lang):
    checkpoint = Checkpoint(browser, server)
    query = f"?lang={lang}" + (f"&country={COUNTRY[lang]}" if lang in COUNTRY else "")
    problems: list[str] = []
    started = time.monotonic()
    for spec in PAGES:
        key = spec.key
        page = open_page(browser, server, key, query)
        assert page.evaluate("document.documentElement.lang") == lang, key
        if key not in PAGES_WITHOUT_CHARTS:
            page.wait_for_function(CHARTS_NAMED_JS, polling=100, timeout=10_000)
            for chart in page.evaluate(CHARTS_JS):
                assert chart["role"] == "figure" and chart["name"], (key, chart)
                assert chart["reading"] and chart["drawing_hidden"], (key, chart)
        open_every_table(page)
        problems += [f"{key} [{lang}]: {line}" for line in axe_violations(page)]
        if lang in SCREENSHOT_LANGUAGES:
            screenshot(page, shots / f"{key}_{lang}.png")
    print(f"\naxe, {lang}: {len(PAGES)} pages in {time.monotonic() - started:.1f} s")
    assert not problems, f"{len(problems)} WCAG 2.1 A/AA violations:\n" + "\n".join(problems)
    checkpoint.assert_clean(f"the pages in {lang}")


def test_the_page_language_follows_the_picker(browser, server):
    """<html lang> is the chosen language (WCAG 3.1.1): from the link, then from the
    language picker, and it stays on the next page."""
    page = open_page(browser, server, DEFAULT_PAGE, "?lang=km")
    assert page.evaluate("document.documentElement.lang") == "km"
    picker = page.locator('[data-testid="stSidebar"]').get_by_role(
        "combobox", name=in_language("km", "filters.language"), exact=True
    )
    picker.click()
    page.get_by_role("option", name=i18n.language_name("th"), exact=True).click()
    page.wait_for_function("() => document.documentElement.lang === 'th'", timeout=20_000)
    wait_ready(page, 1)
    assert page.locator("h1").first.inner_text().strip() == in_language("th", "page.overview.title")
    link = page.locator('[data-testid="stSidebarNavLink"]').filter(
        has_text=in_language("th", "page.methodology.title")
    )
    link.click()
    page.wait_for_function("() => location.pathname === '/methodology'")
    wait_ready(page)
    assert page.evaluate("document.documentElement.lang") == "th"


def test_every_chart_is_named_by_its_title_and_described_by_its_reading(browser, server):
    """A screen reader meets each chart as a figure named by its section's title, described
    by the reading line under it, and finds its table just after it."""
    page = open_page(browser, server, "outcomes_by_province")
    page.wait_for_function(CHARTS_NAMED_JS, polling=100, timeout=10_000)
    charts = page.evaluate(CHARTS_JS)
    change = i18n.t("outcomes.change.title")
    assert [c["name"] for c in charts][-1] == change, charts
    assert charts[-1]["reading"] == i18n.t("outcomes.change.reading")
    assert all(c["drawing_hidden"] for c in charts)
    # the table's toggle follows the chart and its reading, in the same block
    toggles = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]')).map(
             box => { const block = box.closest('[class*="st-key-chart_block_"]');
                      const s = block && block.querySelector('[data-testid="stExpander"] summary');
                      return s && (box.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING)
                        ? s.innerText.trim() : null; })"""
    )
    assert all(t and t.endswith(i18n.t("table.show")) for t in toggles), toggles


def _blend(rgba: str, background: str) -> str:
    """A CSS rgb()/rgba() colour drawn over an opaque rgb() background, as #rrggbb."""
    parts = [float(v) for v in rgba[rgba.index("(") + 1 : -1].split(",")]
    under = [float(v) for v in background[background.index("(") + 1 : -1].split(",")][:3]
    alpha = parts[3] if len(parts) == 4 else 1.0
    return "#" + "".join(
        f"{round(alpha * a + (1 - alpha) * b):02x}" for a, b in zip(parts[:3], under, strict=True)
    )


def test_a_disabled_drop_downs_text_is_readable(browser, server):
    """What axe does not measure: a placeholder ("Choose a country first" in the province
    list before a country is chosen) is 4.5:1 or more on its box, as its label is."""
    from dashboard import plot_style

    page = open_page(browser, server, DEFAULT_PAGE)
    colours = page.evaluate(
        """() => { const box = document.querySelector(
                     '[data-testid="stSidebar"] [data-testid="stMultiSelect"]');
                   const input = box.querySelector('input');
                   return {disabled: input.disabled,
                           placeholder: getComputedStyle(input, '::placeholder').color,
                           label: getComputedStyle(box.querySelector('label')).color,
                           box: getComputedStyle(input.closest('[role="group"]')).backgroundColor};
                 }"""
    )
    assert colours["disabled"], colours
    for part in ("placeholder", "label"):
        # the box's colour is opaque, and the sidebar behind the label is lighter still
        ratio = plot_style.contrast(
            _blend(colours[part], colours["box"]), _blend(colours["box"], "rgb(255, 255, 255)")
        )
        assert ratio >= 4.5, (part, ratio, colours)


# --- the keyboard alone -------------------------------------------------------------------


def tab_to(page, name: str, *, limit: int = 60, back: bool = False) -> list[dict]:
    """Press Tab (Shift+Tab) until the element named `name` has the focus; every element
    the focus went through, in order."""
    seen: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = page.evaluate(FOCUS_JS)
        if now:
            seen.append(now)
            if now["name"] == name:
                return seen
    raise AssertionError(f"Tab never reached {name!r}; it went through {seen}")


def _subsequence(wanted: list[str], names: list[str]) -> bool:
    it = iter(names)
    return all(any(n == w for n in it) for w in wanted)


def test_tab_walks_the_menu_the_filters_and_the_page_in_order_with_a_focus_ring(browser, server):
    checkpoint = Checkpoint(browser, server)
    page = open_page(browser, server, DEFAULT_PAGE)
    page.locator("h1").first.wait_for()
    links = [i18n.t(f"page.{spec.key}.title") for spec in PAGES]
    filters = [
        i18n.t("filters.language"),
        i18n.t("access.demo.view_as"),
        i18n.t("filters.country"),
        i18n.t("filters.from"),
        i18n.t("filters.to"),
        i18n.t("filters.sex"),
        i18n.t("filters.age"),
        i18n.t("filters.form"),
        i18n.t("filters.reset"),
    ]
    controls = [i18n.t("outcomes.measure"), i18n.t("table.show")]
    seen = tab_to(page, i18n.t("table.show"), limit=80)
    names = [s["name"] for s in seen]
    assert _subsequence(links + filters + controls, names), names
    stops = {s["name"]: s for s in seen if s["name"] in {*links, *filters, *controls}}
    assert {s["where"] for n, s in stops.items() if n in links + filters} == {"sidebar"}
    assert {stops[n]["where"] for n in controls} == {"main"}
    no_ring = [s for s in stops.values() if not s["ring"]]
    assert not no_ring, f"no visible focus ring on {no_ring}"
    # the province list is skipped while it is disabled (no country chosen)
    assert i18n.t("filters.province") not in names

    # "show the numbers" opens with Enter; its downloads are next, reachable and ringed
    page.keyboard.press("Enter")
    page.locator('[data-testid="stExpander"] [data-testid="stDownloadButton"]').first.wait_for()
    after = tab_to(page, i18n.t("download.csv"), limit=20)
    assert after[-1]["ring"], after[-1]
    page.keyboard.press("Tab")
    excel = page.evaluate(FOCUS_JS)
    assert excel["name"] == i18n.t("download.excel") and excel["ring"], excel
    checkpoint.assert_clean("the keyboard walk")


def test_a_filter_a_radio_and_a_page_link_work_from_the_keyboard(browser, server):
    checkpoint = Checkpoint(browser, server)
    page = open_page(browser, server, DEFAULT_PAGE)
    metric = page.locator('[data-testid="stMetric"]').filter(
        has_text=i18n.t("kpi.active_cases.label")
    )
    before = metric.locator('[data-testid="stMetricValue"]').inner_text()

    # a filter: ArrowDown opens the drop-down on the option after the chosen one
    tab_to(page, i18n.t("filters.sex"))
    page.keyboard.press("ArrowDown")
    highlighted = page.evaluate(
        """() => document.getElementById(
             document.activeElement.getAttribute('aria-activedescendant')).innerText.trim()"""
    )
    assert highlighted == i18n.label("sex", "female")
    page.keyboard.press("Enter")
    page.wait_for_function("() => new URLSearchParams(location.search).get('sex') === 'female'")
    wait_ready(page, 1)
    after = metric.locator('[data-testid="stMetricValue"]').inner_text()
    assert 0 < number(after) < number(before), f"Active cases: {before} for all, {after} women"

    # a radio: the arrow keys choose the other measure, and the chart's reading follows
    page.wait_for_function(CHARTS_NAMED_JS, polling=100, timeout=10_000)
    reading = page.evaluate(CHARTS_JS)[0]["reading"]
    tab_to(page, i18n.t("outcomes.measure"))
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('measure') === 'share_achieved'"
    )
    wait_ready(page, 1)
    page.wait_for_function(
        "(before) => { const box = document.querySelector('[data-testid=\"stPlotlyChart\"]');"
        " const r = box && document.getElementById(box.getAttribute('aria-describedby'));"
        " return r && r.innerText.trim() !== before; }",
        arg=reading,
        timeout=10_000,
    )

    # a page link: Shift+Tab back to the menu, Enter opens the page
    title = i18n.t("page.outcomes_by_province.title")
    tab_to(page, title, back=True, limit=80)
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.pathname === '/outcomes_by_province'")
    wait_ready(page, 1)
    assert page.locator("h1").first.inner_text().strip() == title
    assert "sex=female" in page.evaluate("location.search")  # the filter kept
    checkpoint.assert_clean("the keyboard controls")
