"""The catalogues (dashboard/locales/, gettext PO read with Babel) and dashboard.i18n.

The checks a translator's change must pass: every catalogue up to date with the English and
the framework (so none lacks a message or holds one no longer used), every key the code
uses in the catalogues, every interface message used by the code, every translation with
the English's {placeholders}. Each check is also shown to catch what it is for, on a copy
of the catalogues. An empty translation is allowed (the English shows);
`python -m dashboard.catalogues report` counts them.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from typer.testing import CliRunner

from dashboard import catalogues, config, framework_messages, i18n
from reference import framework

LANGUAGES = [c for c in config.settings().languages if c != i18n.FALLBACK]


@pytest.fixture()
def locales(tmp_path, monkeypatch) -> Path:
    """A copy of the catalogues, which dashboard.i18n reads instead of the real ones."""
    folder = tmp_path / "locales"
    shutil.copytree(i18n.LOCALES_DIR, folder)
    monkeypatch.setattr(i18n, "LOCALES_DIR", folder)
    yield folder
    i18n.set_locale(i18n.FALLBACK)


def read(folder: Path, code: str):
    return i18n.read_catalogue(i18n.po_path(code, folder), code)


def write(folder: Path, code: str, cat) -> None:
    i18n.po_path(code, folder).write_bytes(catalogues._render(cat))


def translate(folder: Path, code: str, key: str, text: str | tuple, *, fuzzy=False) -> None:
    cat = read(folder, code)
    message = next(m for m in cat if m.context == key)
    message.string = text
    if fuzzy:
        message.flags.add("fuzzy")
    write(folder, code, cat)


# --- the real catalogues ---------------------------------------------------------------------


def test_every_language_has_a_catalogue_and_english_is_first():
    assert i18n.available_locales() == ["en", "km", "lo", "th", "vi", "my", "zh"]
    for code in i18n.available_locales():
        assert i18n.po_path(code).is_file()
    assert (i18n.LOCALES_DIR / i18n.TEMPLATE).is_file()


def test_every_catalogue_is_up_to_date_with_the_english_and_the_framework():
    """Each catalogue holds exactly the template's messages (none missing, none no longer
    used), with the English as it is now: else `update` would change it."""
    assert catalogues.stale() == [], "run python -m dashboard.catalogues update"


@pytest.mark.parametrize("code", [i18n.FALLBACK, *LANGUAGES])
def test_each_catalogue_holds_the_template_messages(code):
    template = {m.context: m.id for m, _ in catalogues.template_messages(i18n.LOCALES_DIR)}
    held = {m.context: m.id for m in read(i18n.LOCALES_DIR, code) if m.id}
    assert held == template


def test_every_key_the_code_uses_is_in_the_catalogues_and_every_message_is_used():
    assert catalogues.usage_problems() == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_the_english_placeholders(code):
    assert catalogues.placeholder_problems(code, i18n.po_path(code)) == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_catalogue_says_it_awaits_a_native_speakers_review(code):
    header = i18n.po_path(code).read_text(encoding="utf-8").split('msgid ""')[0]
    assert "REVIEW STATUS: awaits review by a native speaker" in header
    assert i18n.language_name(code) in header


def test_no_number_format_is_left_in_the_catalogue():
    """Numbers are written by dashboard.formats (Babel), not by format strings."""
    keys = [m.context for m in read(i18n.LOCALES_DIR, "en") if m.context]
    assert not [k for k in keys if k.startswith("format.")]
    assert "unit.months" in keys and "unit.pp" in keys  # the unit words stay translatable


def test_the_check_command_passes():
    result = CliRunner().invoke(catalogues.app, ["check"])
    assert result.exit_code == 0, result.output


# --- the framework's labels ------------------------------------------------------------------


def test_every_framework_label_is_a_message():
    fw = framework.load()
    keys = {m.context for m in read(i18n.LOCALES_DIR, "en") if m.context}
    expected = (
        {f"outcome.{o['key']}.{f}" for o in fw.outcomes for f in ("label", "short", "description")}
        | {f"service_area.{s}.{f}" for s in fw.service_area_keys for f in ("label", "short")}
        | {f"barrier.{b['code']}.label" for b in fw.barriers}
        | {f"scale.{lv['score']}.label" for lv in fw.scale}
        | {f"duration_band.{b['key']}.label" for b in fw.duration_bands}
        | {f"age_band.{b['key']}.label" for b in fw.age_bands}
        | {f"closure_reason.{c['key']}.label" for c in fw.code_list("closure_reasons")}
        | {f"form.{c['key']}.label" for c in fw.code_list("forms_of_trafficking")}
        | {f"sex.{c['key']}.label" for c in fw.code_list("sexes")}
        | {f"country.{c}.label" for c in fw.country_codes}
        | {f"province.{p['code']}.label" for p in fw.provinces}
    )
    assert expected <= keys
    assert len([k for k in keys if k.startswith("province.") and k.endswith(".label")]) == 203


def test_english_labels_come_from_the_framework():
    fw = framework.load()
    i18n.set_locale("en")
    assert i18n.t("outcome.housing.label") == fw.outcome("housing")["label"]
    assert i18n.label("outcome", "housing", "short") == fw.outcome("housing")["short"]
    assert i18n.label("service_area", "medical") == fw.service_area("medical")["label"]
    assert i18n.label("service_area", "case_management", "short") == "Case management"
    assert i18n.label("barrier", "HOU-01") == "No accommodation offered to some victims"
    assert i18n.label("country", "KH") == "Cambodia"
    assert i18n.label("province", "KH-12") == "Phnom Penh"
    assert i18n.label("province", "KH-UNK") == "Cambodia: province not recorded"
    assert i18n.label("sex", "female") == "Female"
    assert i18n.label("age_band", "unknown") == "Age not recorded"
    assert i18n.label("closure_reason", "lost_contact") == "Lost contact"
    assert i18n.label("province", "XX-99") == "XX-99"  # unknown: the code, never a key


@pytest.mark.parametrize(
    ("code", "province", "local"),
    [
        ("km", "KH-12", "ភ្នំពេញ"),
        ("lo", "LA-VT", "ນະຄອນຫຼວງວຽງຈັນ"),
        ("th", "TH-10", "กรุงเทพมหานคร"),
        ("vi", "VN-HN", "Hà Nội"),
        ("my", "MM-06", "ရန်ကုန်"),
        ("zh", "CN-YN", "云南"),
    ],
)
def test_provinces_start_with_their_local_name_in_their_countrys_language(code, province, local):
    i18n.set_locale(code)
    try:
        assert i18n.label("province", province) == local
        # another country's provinces keep their English name
        other, english = ("VN-HN", "Ha Noi") if code == "km" else ("KH-2", "Battambang")
        assert i18n.label("province", other) == english
    finally:
        i18n.set_locale("en")


def test_every_province_starts_translated_in_its_countrys_language():
    fw = framework.load()
    for country in fw.countries:
        held = {m.context: m.string for m in read(i18n.LOCALES_DIR, country["language"])}
        for p in country["provinces"]:
            assert held[f"province.{p['code']}.label"] == p["local"], p["code"]
        assert held[f"country.{country['code']}.label"] == country["local"]


def test_country_names_in_other_languages_come_from_cldr():
    i18n.set_locale("zh")
    try:
        names = [i18n.label("country", c) for c in framework.load().country_codes]
        assert names == ["柬埔寨", "中国", "老挝", "缅甸", "泰国", "越南"]
        i18n.set_locale("th")
        assert i18n.label("country", "MM") == "เมียนมา"  # CLDR's "(พม่า)" left out
        assert i18n.label("country", "TH") == "ไทย"
    finally:
        i18n.set_locale("en")


def test_framework_messages_say_where_they_come_from():
    for m in framework_messages.messages():
        assert m.comment.startswith(f"From {framework_messages.SOURCE}")


# --- t(): reading a catalogue -----------------------------------------------------------------


def test_a_translation_is_shown_and_an_empty_one_shows_the_english(locales):
    translate(locales, "km", "filters.country", "ប្រទេស")
    translate(locales, "km", "filters.province", "")  # a message not yet translated
    i18n.set_locale("km")
    assert i18n.t("filters.country") == "ប្រទេស"
    assert i18n.t("filters.province") == "Province"  # untranslated: the English
    i18n.set_locale("en")
    assert i18n.t("filters.country") == "Country"


def test_a_fuzzy_translation_is_not_shown(locales):
    translate(locales, "vi", "filters.country", "Quốc gia", fuzzy=True)
    i18n.set_locale("vi")
    assert i18n.t("filters.country") == "Country"


def test_a_corrected_catalogue_shows_on_the_next_run_without_a_restart(locales):
    translate(locales, "th", "filters.sex", "")
    i18n.set_locale("th")
    assert i18n.t("filters.sex") == "Sex"
    translate(locales, "th", "filters.sex", "เพศ")
    assert i18n.t("filters.sex") == "Sex"  # within a run the texts do not change
    i18n.set_locale("th")  # the next run
    assert i18n.t("filters.sex") == "เพศ"


def test_plural_forms_follow_the_language(locales):
    i18n.set_locale("en")
    assert i18n.t("unit.months", n="1", count=1) == "1 month"
    assert i18n.t("unit.months", n="14", count=14) == "14 months"
    translate(locales, "zh", "unit.months", ("{n}个月",))  # one form for every number
    i18n.set_locale("zh")
    assert i18n.t("unit.months", n="1", count=1) == "1个月"
    assert i18n.t("unit.months", n="14", count=14) == "14个月"


def test_a_broken_placeholder_falls_back_to_the_english_or_raises_in_strict_mode(
    locales, monkeypatch
):
    translate(locales, "lo", "kpi.cases_behind", "ກໍລະນີ: {number}.")
    i18n.set_locale("lo")
    monkeypatch.setenv("GMS_I18N_STRICT", "0")
    assert i18n.t("kpi.cases_behind", n="12") == "Cases behind this figure: 12."
    monkeypatch.setenv("GMS_I18N_STRICT", "1")
    with pytest.raises(KeyError):
        i18n.t("kpi.cases_behind", n="12")


def test_missing_keys_never_show_raw(monkeypatch):
    monkeypatch.setenv("GMS_I18N_STRICT", "0")
    assert i18n.t("no.such.key_here") == "Key here"
    monkeypatch.setenv("GMS_I18N_STRICT", "1")
    with pytest.raises(KeyError):
        i18n.t("no.such.key_here")


def test_an_unreadable_catalogue_shows_english_instead_of_failing(locales, caplog):
    i18n.po_path("my", locales).write_text('msgid "broken\n', encoding="utf-8")
    assert i18n.set_locale("my") == "my"
    assert i18n.t("filters.country") == "Country"
    assert "could not be read" in caplog.text


def test_language_names_are_their_own_and_browser_tags_find_their_catalogue():
    names = [i18n.language_name(c) for c in i18n.available_locales()]
    assert names == ["English", "ខ្មែរ", "ລາວ", "ไทย", "Tiếng Việt", "မြန်မာ", "中文"]
    assert i18n.best_locale("km-KH") == "km"
    assert i18n.best_locale("zh-CN") == "zh"
    assert i18n.best_locale("zh-Hans-CN") == "zh"
    assert i18n.best_locale("en-GB") == "en"
    assert i18n.best_locale("fr-FR") is None
    assert i18n.best_locale("") is None and i18n.best_locale(None) is None
    assert i18n.best_locale("not a tag!") is None


def test_a_catalogue_of_another_language_is_offered_after_the_listed_ones(locales):
    catalogues.update(locales)
    cat = read(locales, "km")
    cat.locale = "fr"  # any language: its folder name decides
    target = i18n.po_path("fr", locales)
    target.parent.mkdir(parents=True)
    target.write_bytes(catalogues._render(cat))
    assert i18n.available_locales()[-1] == "fr"


# --- update: what a changed English or framework does to the catalogues ------------------------


def edit_english(folder: Path, key: str, text: str | None, *, add: str | None = None):
    """Change (or remove, text=None) an interface message of the English; add: a new key."""
    cat = read(folder, "en")
    message = next(m for m in cat if m.context == key)
    cat.delete(message.id, context=key)
    if text is not None:
        cat[text] = Message(text, "", context=key, auto_comments=message.auto_comments)
    if add:
        cat[f"New text for {add}"] = Message(f"New text for {add}", "", context=add)
    write(folder, "en", cat)


def test_a_changed_english_text_makes_the_translation_fuzzy_with_the_old_text(locales):
    translate(locales, "km", "filters.reset", "កំណត់តម្រងឡើងវិញ")
    edit_english(locales, "filters.reset", "Clear the filters")
    written = catalogues.update(locales)
    assert i18n.po_path("km", locales) in written
    km = catalogues._read(i18n.po_path("km", locales), "km")
    message = next(m for m in km if m.context == "filters.reset")
    assert message.id == "Clear the filters"
    assert message.string == "កំណត់តម្រងឡើងវិញ" and message.fuzzy
    assert message.previous_id == ["Reset filters"]
    i18n.set_locale("km")
    assert i18n.t("filters.reset") == "Clear the filters"  # fuzzy: the new English shows
    assert catalogues.update(locales) == []  # a second update changes nothing


def test_removed_and_new_messages_leave_and_arrive_in_every_catalogue(locales):
    edit_english(locales, "filters.reset", None, add="filters.brand_new")
    catalogues.update(locales)
    for code in [i18n.FALLBACK, *LANGUAGES]:
        keys = {m.context: m.string for m in read(locales, code) if m.id}
        assert "filters.reset" not in keys
        assert keys["filters.brand_new"] == ""
    pot = i18n.read_catalogue(locales / i18n.TEMPLATE, None)
    assert "filters.brand_new" in {m.context for m in pot}


def test_a_framework_label_changed_in_the_framework_file_reaches_the_catalogues(
    locales, monkeypatch, tmp_path
):
    text = framework.FRAMEWORK_FILE.read_text(encoding="utf-8")
    changed = tmp_path / "framework.yaml"
    changed.write_text(text.replace("label: Lost contact,", "label: Contact lost,"), "utf-8")
    fw = framework.load(changed)
    monkeypatch.setattr(framework, "load", lambda *a, **k: fw)
    translate(locales, "th", "closure_reason.lost_contact.label", "ขาดการติดต่อ")
    catalogues.update(locales)
    message = next(
        m for m in read(locales, "th") if m.context == "closure_reason.lost_contact.label"
    )
    assert message.id == "Contact lost" and message.fuzzy and message.string == "ขาดการติดต่อ"


def test_a_language_listed_in_the_settings_gets_a_catalogue(locales, monkeypatch):
    settings = config.settings()
    monkeypatch.setattr(type(settings), "languages", property(lambda s: ["en", "km", "ms"]))
    catalogues.update(locales)
    created = read(locales, "ms")
    assert len([m for m in created if m.id]) == len(catalogues.template_messages(locales))
    header = i18n.po_path("ms", locales).read_text(encoding="utf-8")
    assert "Malay (Melayu) catalogue" in header and "awaits review by a native speaker" in header


def test_a_reviewed_header_is_kept(locales):
    path = i18n.po_path("vi", locales)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("awaits review by a native speaker.", "reviewed by N. N., 2027-01-10."),
        encoding="utf-8",
    )
    catalogues.update(locales)
    assert "REVIEW STATUS: reviewed by N. N., 2027-01-10." in path.read_text(encoding="utf-8")


# --- the checks catch what they are for --------------------------------------------------------


def test_a_catalogue_missing_a_message_is_stale(locales):
    cat = read(locales, "lo")
    message = next(m for m in cat if m.context == "filters.sex")
    cat.delete(message.id, context=message.context)
    write(locales, "lo", cat)
    assert catalogues.stale(locales) == [i18n.po_path("lo", locales)]
    result = CliRunner().invoke(catalogues.app, ["check", "--folder", str(locales)])
    assert result.exit_code == 1 and "not up to date" in result.output


def test_a_different_placeholder_is_caught(locales):
    translate(locales, "th", "filters.showing", "แสดง: {whatever}")
    translate(locales, "th", "kpi.cases_behind", "จำนวน {n")
    found = catalogues.placeholder_problems("th", i18n.po_path("th", locales))
    assert len(found) == 2
    assert "filters.showing: placeholders {whatever}, the English has {what}" in found[0]
    assert "broken braces" in found[1]


def test_an_unused_interface_message_is_caught(locales):
    edit_english(locales, "filters.reset", "Reset filters", add="filters.never_used")
    catalogues.update(locales)
    found = catalogues.usage_problems(locales)
    assert found == [
        f"{i18n.po_path('en', locales)}: 'filters.never_used' is used nowhere in the code "
        "(remove it, then update)"
    ]


def test_a_key_the_catalogues_lack_is_caught(tmp_path):
    code = tmp_path / "code"
    code.mkdir()
    (code / "page.py").write_text(
        textwrap.dedent(
            """
            from dashboard.i18n import t
            t("filters.country")
            t("filters.no_such_key")
            t(f"page.{key}.title")
            t(f"nothing.{key}.matches")
            ui.no_rows("data.nope")
            """
        ),
        encoding="utf-8",
    )
    keys = catalogues.code_keys([code])
    found = "\n".join(catalogues.usage_problems(keys=keys))
    assert "'filters.no_such_key' is in no catalogue" in found
    assert "'data.nope' is in no catalogue" in found
    assert re.search(r"no catalogue key matches 'nothing\\\\\.\[\^\.\]\+\\\\\.matches'", found)
    assert "filters.country" not in found.split("used nowhere")[0]


# --- the completeness report -------------------------------------------------------------------


def test_the_report_counts_untranslated_messages_per_language(locales):
    translate(locales, "vi", "filters.country", "")  # two messages not yet translated
    translate(locales, "vi", "filters.sex", "")
    before = {r.code: r for r in catalogues.completeness(locales)}
    translate(locales, "vi", "filters.country", "Quốc gia")
    translate(locales, "vi", "filters.sex", "Giới tính", fuzzy=True)
    after = {r.code: r for r in catalogues.completeness(locales)}
    vi, was = after["vi"], before["vi"]
    assert vi.translated == was.translated + 1
    assert vi.fuzzy == was.fuzzy + 1
    assert vi.untranslated == was.untranslated - 2
    assert vi.messages == vi.translated + vi.fuzzy + vi.untranslated
    # provinces and countries start translated in their own language: never all untranslated
    assert all(r.translated > 0 for r in after.values())
    result = CliRunner().invoke(catalogues.app, ["report", "--folder", str(locales)])
    assert result.exit_code == 0
    assert re.search(r"vi Tiếng Việt\s+\d+\s+\d+\s+1\s+\d+", result.output), result.output
