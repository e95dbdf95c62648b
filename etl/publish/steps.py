"""The publish steps: one SQL file each, in layers, with the order of the build derived
from the inputs each file declares.

    sql/staging/       stg_*  warehouse rows known at as_of, keyed by integer case ids
    sql/intermediate/  int_*  shared per-case and per-case-quarter measures
    sql/marts/                the published tables (contract.sql) and their code tables

A step's first comment lines declare what it reads, e.g.

    -- inputs: stg_cases, int_assessments, ref_service_areas, wh.cases

("(none)" for a step that reads no table) naming other steps, the warehouse's tables (wh.<table>) and the framework's reference
tables (ref_<name>, built by build.py). A step may also have <name>.params.sql, a query of
one row whose columns are bound as $parameters of the steps that declare it as an input.
Staging and intermediate steps are TEMP tables, dropped after their last reader.

The order is derived, not kept: repeatedly, the published step with the fewest inputs still
to build is taken, its missing inputs are built first (depth first), then the step itself.
Building the nearest mart first frees the large intermediates as early as their last
reader allows. tests/etl/publish/test_steps.py checks that every file reads exactly what it
declares and that the order builds each input before its readers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from reference.sql import strip_comments

SQL_DIR = Path(__file__).resolve().parent / "sql"
LAYERS = ("staging", "intermediate", "marts")
_INPUTS = re.compile(r"^--\s*inputs:\s*(.*)$", re.MULTILINE)


def is_source(name: str) -> bool:
    """A table the build reads but does not make: the warehouse's or the framework's."""
    return name.startswith(("wh.", "ref_"))


@dataclass(frozen=True)
class Step:
    name: str
    layer: str
    path: Path
    inputs: tuple[str, ...]

    @property
    def published(self) -> bool:
        return self.layer == "marts"

    @cached_property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def params_path(self) -> Path:
        return self.path.with_name(f"{self.name}.params.sql")

    @cached_property
    def params_sql(self) -> str | None:
        """The query whose one row becomes parameters of later steps, if any."""
        return self.params_path.read_text(encoding="utf-8") if self.params_path.is_file() else None


def declared_inputs(sql: str) -> tuple[str, ...]:
    match = _INPUTS.search(sql)
    if not match:
        return ()
    names = [name.strip() for name in match.group(1).split(",")]
    return tuple(name for name in names if name and name != "(none)")


def discover(sql_dir: Path = SQL_DIR) -> dict[str, Step]:
    """Every step of the layer folders, by name."""
    steps: dict[str, Step] = {}
    for layer in LAYERS:
        for path in sorted((sql_dir / layer).glob("*.sql")):
            if path.name.endswith(".params.sql"):
                continue
            name = path.stem
            if name in steps:
                raise ValueError(f"step {name} is defined twice ({steps[name].path}, {path})")
            steps[name] = Step(name, layer, path, declared_inputs(path.read_text(encoding="utf-8")))
    for step in steps.values():
        unknown = [i for i in step.inputs if i not in steps and not is_source(i)]
        if unknown:
            raise ValueError(f"{step.path.name} declares inputs that are no step: {unknown}")
    return steps


def order(steps: dict[str, Step]) -> list[str]:
    """The build order: nearest published step first, each after its inputs."""
    done: list[str] = []
    built: set[str] = set()

    def build(name: str, path: tuple[str, ...]) -> None:
        if name in built:
            return
        if name in path:
            raise ValueError(f"steps read each other in a cycle: {' -> '.join((*path, name))}")
        for dep in steps[name].inputs:
            if not is_source(dep):
                build(dep, (*path, name))
        built.add(name)
        done.append(name)

    def missing(name: str) -> set[str]:
        out: set[str] = set()
        stack = [name]
        while stack:
            for dep in steps[stack.pop()].inputs:
                if not is_source(dep) and dep not in built and dep not in out:
                    out.add(dep)
                    stack.append(dep)
        return out

    published = [name for name, step in steps.items() if step.published]
    while len(built & set(published)) < len(published):
        nearest = min(
            (name for name in published if name not in built),
            key=lambda name: (len(missing(name)), name),
        )
        build(nearest, ())
    for name in steps:  # intermediates no published step reads (none, normally)
        build(name, ())
    return done


def last_readers(steps: dict[str, Step], build_order: list[str]) -> dict[str, str]:
    """For each TEMP step, the last step in build_order that reads it (it is dropped after
    that one; right after itself when nothing reads it)."""
    readers = {name: name for name, step in steps.items() if not step.published}
    for name in build_order:
        for dep in steps[name].inputs:
            if dep in readers:
                readers[dep] = name
    return readers


def referenced(sql: str, names: set[str]) -> set[str]:
    """The names among `names` (steps, wh.<table>, ref_<name>) that a SQL text mentions
    outside its comments, and the steps whose parameters it binds (by their $names)."""
    text = strip_comments(sql)
    return {name for name in names if re.search(rf"(?<![\w.$]){re.escape(name)}\b", text)}
