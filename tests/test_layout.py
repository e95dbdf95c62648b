"""The layout's rules, checked over every module the tests can find (none listed by hand
but the few that are Streamlit's layer):

- the reference model (reference/) imports neither the ETL nor the dashboard; the ETL and
  the dashboard never import each other;
- within the ETL, a step imports only itself and earlier steps (ingest, validate,
  anonymise, warehouse, publish), so data flows one way;
- only the Streamlit layer (the router, the page wrapper, filters, sign-in, the pages)
  imports streamlit; queries, charts, maps, tables and everything else do not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("reference", "etl", "dashboard", "pages")
ETL_STEPS = ("ingest", "validate", "anonymise", "warehouse", "publish")
# The modules that draw with Streamlit. Every other module must not import it.
STREAMLIT_LAYER = {
    "dashboard/app.py", "dashboard/ui.py", "dashboard/filters.py", "dashboard/signin.py",
    "pages/methodology.py",
}  # fmt: skip
# An import against the flow, and why it is allowed.
AGAINST_THE_FLOW = {
    # the load run publishes from its scratch copy before swapping it in (all-or-nothing)
    ("etl/warehouse/load.py", "etl.publish.build"),
}


def modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_streamlit_layer_is_what_imports_streamlit():
    importing = {
        rel(p) for p in modules() if any(n.split(".")[0] == "streamlit" for n in imports(p))
    }
    assert importing == STREAMLIT_LAYER


@pytest.mark.parametrize("path", modules(), ids=rel)
def test_packages_import_in_one_direction(path):
    here = rel(path)
    top = {n.split(".")[0] for n in imports(path)}
    if here.startswith("reference/"):
        assert not top & {"etl", "dashboard", "pages"}, here
    elif here.startswith("etl/"):
        assert "dashboard" not in top and "pages" not in top, here
    else:
        assert "etl" not in top, f"{here} imports the ETL; read the reference package instead"


@pytest.mark.parametrize("path", sorted((ROOT / "etl").rglob("*.py")), ids=rel)
def test_etl_steps_import_only_earlier_steps(path):
    parts = path.relative_to(ROOT / "etl").parts
    if len(parts) < 2 or parts[0] not in ETL_STEPS:
        return  # the command line and the tools beside the steps may use any step
    step = ETL_STEPS.index(parts[0])
    for name in imports(path):
        bits = name.split(".")
        if bits[0] != "etl" or len(bits) < 2 or bits[1] not in ETL_STEPS:
            continue
        if (
            ETL_STEPS.index(bits[1]) > step
            and (rel(path), ".".join(bits[:3])) not in AGAINST_THE_FLOW
        ):
            pytest.fail(f"{rel(path)} ({parts[0]}) imports {name}, a later step")
