"""Dashboard settings (data/reference/dashboard.yaml) and where the published file lives.

Nothing here imports streamlit. GMS_DASHBOARD_CONFIG points at another settings file
(tests use it to check that the suppression threshold really comes from the file);
GMS_WAREHOUSE_DIR points at another warehouse folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from reference import paths

CONFIG_FILE = paths.DASHBOARD_FILE
PAGES_DIR = paths.ROOT / "pages"


@dataclass(frozen=True)
class PageSpec:
    key: str
    icon: str | None
    needs_data: bool
    filters: bool = True  # draw the sidebar filters (False where they change nothing)

    @property
    def path(self) -> Path:
        return PAGES_DIR / f"{self.key}.py"


@dataclass(frozen=True)
class Settings:
    data: dict[str, Any]

    @property
    def k(self) -> int:
        k = int(self.data["disclosure"]["k"])
        if k < 2:
            raise ValueError("disclosure.k must be at least 2")
        return k

    @property
    def max_noise(self) -> int:
        return int(self.data["disclosure"]["max_noise"])

    @property
    def noise_variance(self) -> float:
        return float(self.data["disclosure"]["noise_variance"])

    @property
    def magnitude_noise(self) -> float:
        return float(self.data["disclosure"]["magnitude_noise"])

    @property
    def default_quarters(self) -> int:
        return int(self.data.get("periods", {}).get("default_quarters", 4))

    @property
    def default_locale(self) -> str:
        return str(self.data.get("locale", {}).get("default", "en"))

    @property
    def charts(self) -> dict[str, Any]:
        return self.data.get("charts", {})

    @property
    def map_height(self) -> int:
        return int(self.data.get("maps", {}).get("height", 520))

    @property
    def pages(self) -> list[PageSpec]:
        return [
            PageSpec(
                key=p["key"],
                icon=p.get("icon"),
                needs_data=bool(p.get("needs_data", True)),
                filters=bool(p.get("filters", True)),
            )
            for p in self.data["pages"]
        ]


def config_file() -> Path:
    return Path(os.environ.get("GMS_DASHBOARD_CONFIG") or CONFIG_FILE)


@lru_cache(maxsize=8)
def _load(path: str) -> Settings:
    with open(path, encoding="utf-8") as fh:
        return Settings(yaml.safe_load(fh))


def settings() -> Settings:
    return _load(str(config_file()))


def published_path() -> Path:
    """Read at call time, so a test (or a user) can point the dashboard elsewhere."""
    return paths.published_db(paths.warehouse_dir())
