"""Countries and first-level divisions in data/reference/framework.yaml (countries:).

Codes are checked against pycountry's ISO 3166-2 data; Viet Nam's 2025 mergers against
Resolution 202/2025/QH15 as summarised in the project's domain notes.
"""

from __future__ import annotations

import re
from collections import Counter

import pycountry
import pytest

from reference import framework, geography
from reference.framework import norm

COUNTRIES = ["KH", "CN", "LA", "MM", "TH", "VN"]
EXPECTED_COUNTS = {"KH": 25, "CN": 34, "LA": 18, "MM": 15, "TH": 77, "VN": 34}
CURRENCIES = {"KH": "KHR", "CN": "CNY", "LA": "LAK", "MM": "MMK", "TH": "THB", "VN": "VND"}
# ISO lists these, but they are not provinces.
NOT_PROVINCES = {"TH-S"}  # Pattaya, a special administrative city
# Scripts of the local names: each province outside Viet Nam carries at least one.
LOCAL_SCRIPT = {
    "KH": re.compile("[\u1780-\u17ff]"),  # Khmer
    "CN": re.compile("[\u4e00-\u9fff]"),  # CJK ideographs
    "LA": re.compile("[\u0e80-\u0eff]"),  # Lao
    "MM": re.compile("[\u1000-\u109f]"),  # Myanmar
    "TH": re.compile("[\u0e00-\u0e7f]"),  # Thai
}
# ISO gives both Vientiane units the name 'Viangchan': accepted for neither, on purpose.
AMBIGUOUS_ISO_NAMES = {"LA-VT", "LA-VI"}

# Viet Nam, Resolution 202/2025/QH15: current province -> former provinces merged into it.
# The 11 unchanged provinces have no entry.
VN_MERGERS = {
    "VN-07": {"VN-03"},  # Tuyen Quang + Ha Giang
    "VN-02": {"VN-06"},  # Lao Cai + Yen Bai
    "VN-69": {"VN-53"},  # Thai Nguyen + Bac Kan
    "VN-68": {"VN-70", "VN-14"},  # Phu Tho + Vinh Phuc + Hoa Binh
    "VN-56": {"VN-54"},  # Bac Ninh + Bac Giang
    "VN-66": {"VN-20"},  # Hung Yen + Thai Binh
    "VN-HP": {"VN-61"},  # Hai Phong + Hai Duong
    "VN-18": {"VN-63", "VN-67"},  # Ninh Binh + Ha Nam + Nam Dinh
    "VN-25": {"VN-24"},  # Quang Tri + Quang Binh
    "VN-DN": {"VN-27"},  # Da Nang + Quang Nam
    "VN-29": {"VN-28"},  # Quang Ngai + Kon Tum
    "VN-30": {"VN-31"},  # Gia Lai + Binh Dinh
    "VN-34": {"VN-36"},  # Khanh Hoa + Ninh Thuan
    "VN-35": {"VN-72", "VN-40"},  # Lam Dong + Dak Nong + Binh Thuan
    "VN-33": {"VN-32"},  # Dak Lak + Phu Yen
    "VN-SG": {"VN-57", "VN-43"},  # Ho Chi Minh City + Binh Duong + Ba Ria-Vung Tau
    "VN-39": {"VN-58"},  # Dong Nai + Binh Phuoc
    "VN-37": {"VN-41"},  # Tay Ninh + Long An
    "VN-CT": {"VN-52", "VN-73"},  # Can Tho + Soc Trang + Hau Giang
    "VN-49": {"VN-50", "VN-51"},  # Vinh Long + Ben Tre + Tra Vinh
    "VN-45": {"VN-46"},  # Dong Thap + Tien Giang
    "VN-59": {"VN-55"},  # Ca Mau + Bac Lieu
    "VN-44": {"VN-47"},  # An Giang + Kien Giang
}
VN_UNCHANGED = {
    "VN-HN", "VN-26", "VN-01", "VN-71", "VN-05", "VN-09", "VN-13", "VN-21", "VN-22", "VN-23",
    "VN-04",
}  # fmt: skip

# Spellings a submission may use -> the current province they must reach.
RESOLVES = [
    ("KH", "Phnom Penh", "KH-12"),
    ("KH", "ភ្នំពេញ", "KH-12"),
    ("KH", "phnom-penh", "KH-12"),
    ("KH", "Siem Reap", "KH-17"),
    ("KH", "Tbong Khmum", "KH-25"),
    ("KH", "12", "KH-12"),
    ("CN", "Yunnan", "CN-YN"),
    ("CN", "云南省", "CN-YN"),
    ("CN", "Hong Kong", "CN-HK"),
    ("CN", "Macau", "CN-MO"),
    ("LA", "Luang Prabang", "LA-LP"),
    ("LA", "Louangphabang", "LA-LP"),
    ("LA", "ຫຼວງພະບາງ", "LA-LP"),
    ("LA", "Vientiane Capital", "LA-VT"),
    ("LA", "Xaisomboun", "LA-XS"),
    ("MM", "Rangoon", "MM-06"),
    ("MM", "ရန်ကုန်", "MM-06"),
    ("MM", "Pegu", "MM-02"),
    ("MM", "Bago", "MM-02"),
    ("MM", "Nay Pyi Taw", "MM-18"),
    ("TH", "Bangkok", "TH-10"),
    ("TH", "กรุงเทพมหานคร", "TH-10"),
    ("TH", "Krung Thep Maha Nakhon", "TH-10"),
    ("TH", "Chon Buri", "TH-20"),
    ("VN", "Ho Chi Minh City", "VN-SG"),
    ("VN", "Thành phố Hồ Chí Minh", "VN-SG"),
    ("VN", "Saigon", "VN-SG"),
    ("VN", "Binh Duong", "VN-SG"),
    ("VN", "VN-43", "VN-SG"),
    ("VN", "Bà Rịa - Vũng Tàu", "VN-SG"),
    ("VN", "Hà Nội", "VN-HN"),
    ("VN", "Hue", "VN-26"),
    ("VN", "Thua Thien Hue", "VN-26"),
    ("VN", "Hà Giang", "VN-07"),
    ("VN", "VN-03", "VN-07"),
    ("VN", "Đà Nẵng", "VN-DN"),
    ("VN", "Quang Nam", "VN-DN"),
    ("VN", "Kien Giang", "VN-44"),
]


@pytest.fixture(scope="module")
def fw() -> framework.Framework:
    return framework.load()


def _entries(province: dict) -> list[dict]:
    """The province and the former provinces merged into it."""
    return [province, *province.get("successor_of", [])]


def _spellings(entry: dict) -> list[str]:
    """Every text a submission may use for an entry (as the loader reads them)."""
    code = entry["code"]
    local = [entry["local"]] if "local" in entry else []
    return [code, code.split("-", 1)[1], entry["name"], *local, *entry.get("aliases", [])]


def _lookup(fw: framework.Framework, country: str) -> dict[str, set[str]]:
    """Normalised spelling -> the current province codes it names, within one country."""
    out: dict[str, set[str]] = {}
    for province in fw.country(country)["provinces"]:
        for entry in _entries(province):
            for text in _spellings(entry):
                out.setdefault(norm(text), set()).add(province["code"])
    return out


def _iso_codes(country: str) -> set[str]:
    return {s.code for s in pycountry.subdivisions.get(country_code=country)}


# --- countries ---------------------------------------------------------------


def test_the_six_countries_in_order(fw):
    assert fw.country_codes == COUNTRIES


def test_country_currencies(fw):
    assert {c["code"]: c["currency"] for c in fw.countries} == CURRENCIES


@pytest.mark.parametrize("code", COUNTRIES)
def test_country_aliases_include_iso_alpha_3(fw, code):
    country = fw.country(code)
    assert pycountry.countries.get(alpha_2=code).alpha_3 in country["aliases"]


def test_country_aliases_do_not_collide(fw):
    owner: dict[str, str] = {}
    for country in fw.countries:
        for text in [country["code"], country["name"], *country["aliases"]]:
            key = norm(text)
            assert key, f"{text!r} normalises to nothing"
            assert owner.setdefault(key, country["code"]) == country["code"], text


# --- province counts and codes ----------------------------------------------


@pytest.mark.parametrize("country", COUNTRIES)
def test_province_count(fw, country):
    assert len(fw.country(country)["provinces"]) == EXPECTED_COUNTS[country]


def test_total_provinces(fw):
    assert len(fw.provinces) == sum(EXPECTED_COUNTS.values()) == 203


@pytest.mark.parametrize("country", COUNTRIES)
def test_provinces_sorted_by_english_name(fw, country):
    names = [p["name"] for p in fw.country(country)["provinces"]]
    assert names == sorted(names, key=str.casefold)


def test_province_codes_unique_and_prefixed(fw):
    codes = [e["code"] for p in fw.provinces for e in _entries(p)]
    assert not [c for c, n in Counter(codes).items() if n > 1]
    for province in fw.provinces:
        for entry in _entries(province):
            assert entry["code"].startswith(province["country"] + "-"), entry["code"]


@pytest.mark.parametrize("country", ["KH", "CN", "LA", "MM", "TH"])
def test_codes_are_the_current_iso_3166_2_codes(fw, country):
    codes = {p["code"] for p in fw.country(country)["provinces"]}
    assert codes == _iso_codes(country) - NOT_PROVINCES


def test_pattaya_is_not_a_province(fw):
    assert "TH-S" not in {p["code"] for p in fw.provinces}


def test_every_code_is_in_pycountry(fw):
    for province in fw.provinces:
        for entry in _entries(province):
            assert pycountry.subdivisions.get(code=entry["code"]) is not None, entry["code"]


def test_only_viet_nam_has_successors(fw):
    for province in fw.provinces:
        if province["country"] != "VN":
            assert "successor_of" not in province, province["code"]


# --- Viet Nam 2025 -----------------------------------------------------------


def test_viet_nam_mergers(fw):
    provinces = fw.country("VN")["provinces"]
    merged = {
        p["code"]: {s["code"] for s in p["successor_of"]} for p in provinces if "successor_of" in p
    }
    assert merged == VN_MERGERS
    unchanged = {p["code"] for p in provinces if "successor_of" not in p}
    assert unchanged == VN_UNCHANGED


def test_the_63_former_provinces_are_each_covered_once(fw):
    covered = [e["code"] for p in fw.country("VN")["provinces"] for e in _entries(p)]
    assert len(covered) == 63
    assert Counter(covered) == Counter(_iso_codes("VN"))


def test_successors_are_not_current_provinces(fw):
    current = {p["code"] for p in fw.provinces}
    former = {s["code"] for p in fw.provinces for s in p.get("successor_of", [])}
    assert len(former) == 29
    assert not current & former


# --- names and aliases -------------------------------------------------------


def test_names_are_ascii(fw):
    for province in fw.provinces:
        for entry in _entries(province):
            assert entry["name"].isascii(), entry["code"]
            assert entry["name"] == entry["name"].strip(), entry["code"]


@pytest.mark.parametrize("country", COUNTRIES)
def test_no_spelling_names_two_provinces(fw, country):
    """Within a country, every code, bare code, name, alias and former name is unambiguous."""
    clashes = {k: v for k, v in _lookup(fw, country).items() if len(v) > 1}
    assert not clashes


@pytest.mark.parametrize("country", COUNTRIES)
def test_no_spelling_normalises_to_nothing(fw, country):
    """norm() must keep non-Latin scripts, or every local name would collapse to ''."""
    empty = [
        text
        for p in fw.country(country)["provinces"]
        for e in _entries(p)
        for text in _spellings(e)
        if not norm(text)
    ]
    assert not empty


@pytest.mark.parametrize("country", sorted(LOCAL_SCRIPT))
def test_every_province_has_a_local_script_name(fw, country):
    script = LOCAL_SCRIPT[country]
    for province in fw.country(country)["provinces"]:
        assert any(script.search(a) for a in province["aliases"]), province["code"]
        # `local` (the default translation in the country's language) is in that script
        assert script.search(province["local"]), province["code"]


# The language of each country's local names: its dashboard catalogue.
LANGUAGES = {"KH": "km", "CN": "zh", "LA": "lo", "MM": "my", "TH": "th", "VN": "vi"}


@pytest.mark.parametrize("country", COUNTRIES)
def test_local_names_name_their_province_and_are_accepted(fw, country):
    """A submission may use the local name: it resolves to that province, as the name does."""
    assert fw.country(country)["language"] == LANGUAGES[country]
    assert geography.country_aliases()[norm(fw.country(country)["local"])] == country
    resolve = geography.province_aliases()[country]
    for province in fw.country(country)["provinces"]:
        assert resolve[norm(province["local"])] == province["code"], province["code"]


def test_viet_nam_local_names_are_the_vietnamese_spelling(fw):
    """Viet Nam's local names are its names with their diacritics (ISO's spelling where the
    province kept its pre-2025 name)."""
    for province in fw.country("VN")["provinces"]:
        local = province["local"]
        assert norm(local).replace("thanh pho ", "") == norm(province["name"]).replace(
            " city", ""
        ), province["code"]


def test_viet_nam_names_with_diacritics(fw):
    """Each Vietnamese name that has diacritics is accepted with them too."""
    for province in fw.country("VN")["provinces"]:
        for entry in _entries(province):
            iso = pycountry.subdivisions.get(code=entry["code"]).name
            if not iso.isascii():
                assert any(not a.isascii() for a in entry["aliases"]), entry["code"]


@pytest.mark.parametrize("country", COUNTRIES)
def test_iso_names_are_accepted(fw, country):
    lookup = _lookup(fw, country)
    for province in fw.country(country)["provinces"]:
        for entry in _entries(province):
            if entry["code"] in AMBIGUOUS_ISO_NAMES:
                continue
            iso = pycountry.subdivisions.get(code=entry["code"]).name
            assert lookup.get(norm(iso)) == {province["code"]}, (entry["code"], iso)


def test_ambiguous_vientiane_is_accepted_for_neither(fw):
    lookup = _lookup(fw, "LA")
    for text in ["Vientiane", "Viangchan", "ວຽງຈັນ"]:
        assert norm(text) not in lookup, text


@pytest.mark.parametrize(("country", "text", "code"), RESOLVES)
def test_spellings_resolve(fw, country, text, code):
    assert _lookup(fw, country).get(norm(text)) == {code}
