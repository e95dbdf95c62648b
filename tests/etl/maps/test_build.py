"""etl/maps/build.py: the pure helpers that build data/geo/gms_admin1.geojson (the build
itself needs npm and the network, so it is not run here)."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from etl.maps import build as gb
from reference import framework as fw


@pytest.fixture(scope="module")
def frame():
    return fw.load()


def test_source_code_maps_and_fixes_natural_earth_codes():
    assert gb.source_code({"iso_a2": "HK", "iso_3166_2": "HK-X16~"}) == "CN-HK"
    assert gb.source_code({"iso_a2": "MO", "iso_3166_2": "MO-M"}) == "CN-MO"
    assert gb.source_code({"iso_a2": "TW", "iso_3166_2": "TW-TPE"}) == "CN-TW"
    assert gb.source_code({"iso_a2": "CN", "iso_3166_2": "CN-X01~"}) is None  # Paracels
    assert gb.source_code({"iso_a2": "FR", "iso_3166_2": "FR-75"}) is None
    prefecture = {"iso_a2": "LA", "iso_3166_2": "LA-VI", "adm1_code": "LAO-3283"}
    province = {"iso_a2": "LA", "iso_3166_2": "LA-VI", "adm1_code": "LAO-3284"}
    assert gb.source_code(prefecture) == "LA-VT"
    assert gb.source_code(province) == "LA-VI"
    assert gb.source_code({"iso_a2": "VN", "iso_3166_2": "VN-03"}) == "VN-03"


def test_successor_map_and_dissolve_on_tiny_input():
    provinces = [
        {"code": "VN-07", "successor_of": [{"code": "VN-03", "name": "Ha Giang"}]},
        {"code": "VN-HN"},
        {"code": "VN-SG", "successor_of": ["VN-57", "VN-43"]},
    ]
    m = gb.successor_map(provinces)
    assert m == {
        "VN-07": "VN-07",
        "VN-03": "VN-07",
        "VN-HN": "VN-HN",
        "VN-SG": "VN-SG",
        "VN-57": "VN-SG",
        "VN-43": "VN-SG",
    }
    out = gb.dissolve(
        ["VN-07", "VN-03", "VN-HN"], [box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)], m
    )
    assert list(out) == ["VN-07", "VN-HN"]
    assert out["VN-07"].area == pytest.approx(2.0)
    assert out["VN-07"].equals(box(0, 0, 2, 1))
    with pytest.raises(ValueError):
        gb.successor_map(
            [{"code": "A", "successor_of": ["X"]}, {"code": "B", "successor_of": ["X"]}]
        )


def test_successor_map_covers_viet_nams_63_former_provinces(frame):
    vn = [p for p in frame.provinces if p["country"] == "VN"]
    m = gb.successor_map(vn)
    assert len(vn) == 34 and len(m) == 63 and set(m.values()) == {p["code"] for p in vn}


def test_drop_small_parts_keeps_the_largest():
    big, islet = box(0, 0, 1, 1), box(3, 3, 3.01, 3.01)
    assert gb.drop_small_parts(MultiPolygon([islet, big]), 0.01).equals(big)
    assert gb.drop_small_parts(islet, 0.01).equals(islet)  # a unit never vanishes


def test_simplify_keeps_shared_borders():
    left = Polygon([(0, 0), (1, 0), (1, 0.5), (1.001, 0.6), (1, 1), (0, 1)])
    right = Polygon([(1, 0), (2, 0), (2, 1), (1, 1), (1.001, 0.6), (1, 0.5)])
    a, b = gb.simplify([left, right], 0.01, 0.001)
    assert a.intersection(b).area == pytest.approx(0, abs=1e-12)
    assert a.union(b).area == pytest.approx(2.0, abs=1e-3)


def test_feature_has_only_code_country_name_and_ccw_exteriors():
    ring = [(0, 0), (0, 1), (1, 1), (1, 0)]  # clockwise
    f = gb.feature("KH-1", "KH", "Banteay Meanchey", Polygon(ring), ndigits=3)
    assert f["properties"] == {"code": "KH-1", "country": "KH", "name": "Banteay Meanchey"}
    assert shapely.geometry.LinearRing(f["geometry"]["coordinates"][0]).is_ccw


def test_integrity_check(tmp_path):
    blob = tmp_path / "pkg.tgz"
    blob.write_bytes(b"not the package")
    assert gb.sri_sha512(b"abc").startswith("sha512-")
    assert gb.check_integrity(blob, gb.sri_sha512(b"not the package"))
    with pytest.raises(gb.IntegrityError):
        gb.check_integrity(blob)
    assert gb.INTEGRITY.startswith("sha512-") and len(gb.INTEGRITY) == 95
