"""The dashboard in each of its seven languages in a real browser: the province map page
(with a map hover label showing) and the case management page open from a shared link
(?lang=<code>&country=<the language's country>), in that language, with no error, and
leave screenshots for a human to look at: every script (Khmer, Lao, Thai, Myanmar, CJK)
must be drawn in its letters, never as boxes ("tofu"), in the text, the charts, the maps'
hover labels and the picker. test-artifacts/screenshots/languages/<page>_<lang>.png and
map_hover_<lang>.png.

Run with `pytest tests/browser -m browser`.
"""

from __future__ import annotations

import pytest

from dashboard import i18n
from reference import framework

from .test_browser import Checkpoint, maps_drawn, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LANGUAGES = i18n.available_locales()
# each language shown with its own country, so the province names are in its script
COUNTRY = {c["language"]: c["code"] for c in framework.load().countries} | {"en": "KH"}


def texts(lang: str, *keys: str) -> list[str]:
    i18n.set_locale(lang)
    try:
        return [i18n.t(k) for k in keys]
    finally:
        i18n.set_locale("en")


# Where, on screen, the map's hover point of a province is (the invisible markers of
# dashboard/maps.py, one per province at a point inside it), and that province's name.
HOVER_POINT_JS = """(wanted) => {
  const gd = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .find(el => el.layout && el.layout.meta && el.layout.meta.map);
  const points = gd.data.find(t => t.meta && t.meta.hover_points);
  const fills = gd.data.filter(t => t.meta && t.meta.code);
  let i = fills.findIndex(t => t.name === wanted);
  if (i < 0) i = 0;
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
  return {name: fills[i].name,
          x: box.left + xa._offset + xa.l2p(points.x[i]),
          y: box.top + ya._offset + ya.l2p(points.y[i])};
}"""


@pytest.fixture(scope="module")
def shots(screenshots):
    folder = screenshots / "languages"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("lang", LANGUAGES)
def test_province_map_and_case_management_in_each_language(browser, server, shots, lang):
    checkpoint = Checkpoint(browser, server)
    country = COUNTRY[lang]
    query = f"?lang={lang}&country={country}"
    title_map, title_cases, picker, country_box = texts(
        lang,
        "page.outcomes_by_province.title",
        "page.case_management.title",
        "filters.language",
        "filters.country",
    )

    page = open_page(browser, server, "outcomes_by_province", query)
    assert page.locator("h1").first.inner_text().strip() == title_map
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    sidebar = page.locator('[data-testid="stSidebar"]')
    chosen = sidebar.get_by_role("combobox", name=picker, exact=True).input_value()
    assert chosen == i18n.language_name(lang)
    i18n.set_locale(lang)
    try:
        local = i18n.label("country", country)
    finally:
        i18n.set_locale("en")
    assert sidebar.get_by_role("combobox", name=country_box, exact=True).input_value() == local
    maps = maps_drawn(page, at_least=1)
    assert maps[0]["level"] == "province"
    # the country's largest province by name: its hover label is checked below
    i18n.set_locale(lang)
    try:
        provinces = [
            i18n.label("province", p["code"])
            for p in framework.load().country(country)["provinces"]
        ]
    finally:
        i18n.set_locale("en")
    screenshot(page, shots / f"outcomes_by_province_{lang}.png")

    # a hover label on the map: the province's name (its local name in its language)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    point = page.evaluate(HOVER_POINT_JS, provinces[0])
    page.mouse.move(point["x"], point["y"])
    page.locator(".hoverlayer .hovertext").first.wait_for(timeout=10_000)
    hover = page.locator(".hoverlayer .hovertext").first.text_content() or ""
    assert hover.startswith(point["name"]), (hover, point)
    chart.screenshot(path=str(shots / f"map_hover_{lang}.png"))

    page = open_page(browser, server, "case_management", query)
    assert page.locator("h1").first.inner_text().strip() == title_cases
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    screenshot(page, shots / f"case_management_{lang}.png")
    checkpoint.assert_clean(f"{lang} pages")


def test_the_page_and_the_charts_name_fonts_for_every_script(browser, server):
    page = open_page(browser, server, "outcomes_by_province", "?lang=km&country=KH")
    body_font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    chart_font = page.evaluate(
        "document.querySelector('.js-plotly-plot .main-svg text').style.fontFamily"
    )
    for family in ("Noto Sans Khmer", "Noto Sans Lao", "Noto Sans Thai", "Noto Sans Myanmar",
                   "Noto Sans CJK SC"):  # fmt: skip
        assert family in body_font, body_font
        assert family in chart_font, chart_font
