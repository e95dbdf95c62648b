"""Fonts: the charts, the maps' hover labels and Excel downloads name fonts that cover every
language's script, and the machine has them (Debian's fonts-noto-core and fonts-noto-cjk,
installed by .ci/run), covering every character the catalogues hold."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import unicodedata
import zipfile

import pandas as pd
import pytest

from dashboard import charts, fonts, i18n, maps, tables
from dashboard.protect import Records, protect

SCRIPT_FONTS = ["Noto Sans Khmer", "Noto Sans Lao", "Noto Sans Thai", "Noto Sans Myanmar",
                "Noto Sans CJK SC"]  # fmt: skip


def test_charts_name_a_font_for_every_script_and_the_languages_separators():
    fig = charts.empty("–")
    for family in SCRIPT_FONTS:
        assert family in fig.layout.font.family
        assert family in fig.layout.hoverlabel.font.family
    assert fig.layout.separators == ".,"
    i18n.set_locale("vi")
    try:
        assert charts.empty("–").layout.separators == ",."
    finally:
        i18n.set_locale("en")


def test_map_hover_labels_name_a_font_for_every_script():
    values = pd.DataFrame(
        {"province": ["KH-12"], "value": [2.5], "label": ["2.50"], "cases": ["12"]}
    )
    fig = maps.province_map(values, country="KH", value_label="Mean score")
    hover_points = next(t for t in fig.data if t.meta and t.meta.get("hover_points"))
    for family in SCRIPT_FONTS:
        assert family in fig.layout.hoverlabel.font.family
        assert family in hover_points.hoverlabel.font.family


def test_map_names_are_the_languages():
    values = pd.DataFrame(
        {"province": ["KH-12"], "value": [2.5], "label": ["2.50"], "cases": ["12"]}
    )
    i18n.set_locale("km")
    try:
        fig = maps.province_map(values, country="KH", value_label="Mean score")
    finally:
        i18n.set_locale("en")
    names = {t.name for t in fig.data if t.meta and t.meta.get("code")}
    assert "ភ្នំពេញ" in names and "Phnom Penh" not in names


def _excel_fonts(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return book.read("xl/styles.xml").decode("utf-8")


@pytest.mark.parametrize(("code", "font"), [("km", "Noto Sans Khmer"), ("zh", "Noto Sans CJK SC"),
                                            ("vi", "Noto Sans"), ("my", "Noto Sans Myanmar")])  # fmt: skip
def test_excel_downloads_name_the_languages_font(code, font):
    frame = pd.DataFrame({"name": ["ភ្នំពេញ"], "cases": [12]})
    frame = protect(frame, {"cases": Records()}, modulus=1, group_by=None, exact=True)
    table = tables.view(frame, [("name", "Province"), ("cases", "Cases")])
    i18n.set_locale(code)
    try:
        styles = _excel_fonts(tables.to_excel(table, note="<10"))
    finally:
        i18n.set_locale("en")
    assert f'val="{font}"' in styles
    assert 'val="Calibri"' not in styles  # the header row too


def _fc_list() -> str | None:
    found = shutil.which("fc-list")
    if found is None and os.environ.get("CI"):
        pytest.fail("fc-list missing in CI (.ci/run installs fontconfig with the Noto fonts)")
    return found


def _covers(family: str, characters: set[str]) -> set[str]:
    """The characters the installed font family lacks."""
    missing = set()
    chars = sorted(characters)
    for start in range(0, len(chars), 200):
        batch = chars[start : start + 200]
        pattern = f"{family}:charset=" + " ".join(f"{ord(c):x}" for c in batch)
        out = subprocess.run(["fc-list", pattern, "family"], capture_output=True, text=True)
        if not out.stdout.strip():
            missing |= {c for c in batch if not _covers_one(family, c)}
    return missing


def _covers_one(family: str, char: str) -> bool:
    out = subprocess.run(
        ["fc-list", f"{family}:charset={ord(char):x}", "family"], capture_output=True, text=True
    )
    return bool(out.stdout.strip())


@pytest.mark.parametrize("code", sorted(fonts.SCRIPTS))
def test_the_installed_font_writes_every_character_of_the_catalogue(code):
    if _fc_list() is None:
        pytest.skip("fontconfig's fc-list is not installed")
    family = fonts.SCRIPTS[code]
    cat = i18n.read_catalogue(i18n.po_path(code), code)
    text = i18n.language_name(code) + "".join(
        "".join(m.string) if isinstance(m.string, tuple | list) else (m.string or "") for m in cat
    )
    # the script's own letters (Latin, digits and punctuation come from the Latin font)
    letters = {c for c in text if ord(c) > 0x2FF and not unicodedata.category(c).startswith("Z")}
    letters -= set("–’“”…·«»")
    assert letters, f"no {code} text to check"
    assert _covers(family, letters) == set(), f"{family} lacks characters of the {code} catalogue"
