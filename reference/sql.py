"""SQL files with bound parameters: which `$name` parameters a statement uses, and the
values to bind for them. DuckDB refuses a parameter the statement does not use, and a
missing one is a bug, so every caller binds through bind()."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_COMMENT = re.compile(r"--[^\n]*")
_PARAM = re.compile(r"\$([A-Za-z_]\w*)")


def strip_comments(sql: str) -> str:
    """The SQL without its -- comments (the project's SQL puts no '--' inside a string)."""
    return _COMMENT.sub("", sql)


def parameter_names(sql: str) -> set[str]:
    """The $name parameters a statement uses (comments may mention others)."""
    return set(_PARAM.findall(strip_comments(sql)))


def bind(sql: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters the SQL uses, every one of them, and no others."""
    used = parameter_names(sql)
    missing = used - params.keys()
    if missing:
        raise KeyError(f"SQL needs parameters {sorted(missing)}")
    return {name: params[name] for name in used}
