"""Sign-in in a real browser: with users set up, a visitor sees the sign-in form and nothing
else; a ministry user sees their own country only, and the menu offers only their role's
pages. Screenshots: test-artifacts/screenshots/signin*.png.

Run with `pytest tests/browser -m browser`.
"""

from __future__ import annotations

import pytest
import tomli_w

from dashboard import access, i18n

from .conftest import axe_violations, serve
from .test_browser import Checkpoint, screenshot, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "browser-test-password"


@pytest.fixture(scope="module")
def server(warehouse_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("streamlit-signin")
    secrets = folder / "secrets.toml"
    entry = {
        "role": "ministry",
        "countries": ["KH"],
        "password_hash": access.hash_password(PASSWORD),
    }
    secrets.write_text(tomli_w.dumps({"users": {"sokha": entry}}), encoding="utf-8")
    with serve(warehouse_dir, folder, secrets) as running:
        yield running


def sign_in_form(browser, server, path: str = ""):
    page = browser.page
    page.goto(f"{server.url}/{path}", wait_until="commit")
    page.get_by_role("textbox", name=i18n.t("access.password"), exact=True).wait_for()
    wait_ready(page)
    return page


def sign_in(page, name: str, password: str) -> None:
    page.get_by_role("textbox", name=i18n.t("access.name"), exact=True).fill(name)
    page.get_by_role("textbox", name=i18n.t("access.password"), exact=True).fill(password)
    page.get_by_role("button", name=i18n.t("access.submit")).click()


def test_nothing_shows_before_sign_in_and_a_wrong_password_is_refused(browser, server, screenshots):
    checkpoint = Checkpoint(browser, server)
    page = sign_in_form(browser, server)
    screenshot(page, screenshots / "signin.png")
    assert page.locator('[data-testid="stMetric"], [data-testid="stPlotlyChart"]').count() == 0
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0

    sign_in(page, "sokha", "not-the-password")
    page.get_by_text(i18n.t("access.wrong")).wait_for()
    wait_ready(page)
    assert page.locator('[data-testid="stMetric"]').count() == 0
    log = server.log_since(checkpoint.log_start)
    assert "failed sign-in" in log and "not-the-password" not in log


def test_a_ministry_user_sees_its_country_and_its_pages_only(browser, server, screenshots):
    page = sign_in_form(browser, server)
    sign_in(page, "sokha", PASSWORD)
    page.locator('[data-testid="stMetric"]').first.wait_for()
    wait_ready(page, 1)
    checkpoint = Checkpoint(browser, server)  # the failed sign-in above is logged, on purpose
    screenshot(page, screenshots / "signin_ministry.png")

    sidebar = page.locator('[data-testid="stSidebar"]')
    country = sidebar.get_by_role("combobox", name=i18n.t("filters.country"), exact=True)
    assert country.input_value() == i18n.label("country", "KH")
    country.click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    assert options == [i18n.label("country", "KH")], options

    menu = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert i18n.t("page.budget.title") in menu
    assert i18n.t("page.country_comparison.title") not in menu
    assert i18n.t("page.data_quality.title") not in menu
    assert "sokha" in sidebar.inner_text()

    page.get_by_role("button", name=i18n.t("access.sign_out")).click()
    page.get_by_role("textbox", name=i18n.t("access.password"), exact=True).wait_for()
    wait_ready(page)  # the run has finished: what the page shows now is all it shows
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    checkpoint.assert_clean("the ministry user's session")


def test_a_link_to_a_page_opens_that_page_after_sign_in(browser, server):
    page = sign_in_form(browser, server, "budget?country=KH")
    sign_in(page, "sokha", PASSWORD)
    page.locator('[data-testid="stMetric"]').first.wait_for()
    wait_ready(page, 1)
    assert page.evaluate("location.pathname") == "/budget"
    assert page.locator("h1").first.inner_text().strip() == i18n.t("page.budget.title")


def test_sign_in_download_sign_out_are_in_the_audit_trail_in_order(browser, server, tmp_path):
    import json

    trail = server.log_file.parent / "trail.jsonl"
    before = len(trail.read_text().splitlines()) if trail.exists() else 0
    page = sign_in_form(browser, server)
    sign_in(page, "sokha", PASSWORD)
    page.locator('[data-testid="stMetric"]').first.wait_for()
    wait_ready(page, 1)
    page.get_by_text(i18n.t("table.show")).first.click()
    with page.expect_download() as download:
        page.get_by_role("button", name=i18n.t("download.csv")).first.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.read_bytes().startswith("\ufeff".encode())  # the table as shown, in UTF-8
    page.get_by_role("button", name=i18n.t("access.sign_out")).click()
    page.get_by_role("textbox", name=i18n.t("access.password"), exact=True).wait_for()
    entries = [json.loads(line) for line in trail.read_text().splitlines()[before:]]
    events = [(e["event"], e["user"]) for e in entries]
    assert events == [("sign_in", "sokha"), ("download", "sokha"), ("sign_out", "sokha")], events
    download_entry = entries[1]
    assert download_entry["file"] == download.value.suggested_filename
    assert download_entry["page"] == "overview" and download_entry["rows"] > 0
    assert download_entry["filters"]["country"] == "KH"
    from dashboard import audit

    assert audit.Trail(trail).verify() == []


def test_the_sign_in_form_meets_wcag_21_aa(browser, server):
    """axe-core's WCAG 2.1 A and AA rules on the form every user meets first (the pages
    behind it: tests/browser/test_a11y.py)."""
    pytest.importorskip("axe_playwright_python")
    page = sign_in_form(browser, server)
    assert page.evaluate("document.documentElement.lang") == "en"
    problems = axe_violations(page)
    assert not problems, "\n".join(problems)
