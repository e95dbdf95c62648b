"""etl/publish/steps.py: each SQL step declares what it reads, and the build order derived
from those declarations builds every input before its readers."""

from __future__ import annotations

import re

import pytest

from etl.publish import steps
from reference.sql import parameter_names

STEPS = steps.discover()
ORDER = steps.order(STEPS)
SOURCES = {"wh.cases", "wh.assessments", "wh.services", "wh.barriers", "wh.budgets", "wh.loads",
           "wh.quarantine", "ref_outcomes", "ref_service_areas", "ref_duration_bands"}  # fmt: skip


def produced_parameters() -> dict[str, str]:
    """$name -> the step whose .params.sql makes it (the names its SELECT gives)."""
    out = {}
    for name, step in STEPS.items():
        if step.params_sql:
            for column in re.findall(r"\bAS\s+(\w+)", step.params_sql):
                out[column] = name
    return out


@pytest.mark.parametrize("name", sorted(STEPS))
def test_a_step_reads_exactly_what_it_declares(name):
    step = STEPS[name]
    read = steps.referenced(step.sql, (set(STEPS) | SOURCES) - {name})
    read |= {
        producer for p, producer in produced_parameters().items() if p in parameter_names(step.sql)
    }
    assert read == set(step.inputs), (
        f"{step.path.name}: reads {sorted(read)}, declares {sorted(step.inputs)}"
    )


def test_the_layer_of_a_step_is_its_folder_and_its_prefix():
    for name, step in STEPS.items():
        if step.layer == "staging":
            assert name.startswith("stg_")
        elif step.layer == "intermediate":
            assert name.startswith("int_")
        else:
            assert not name.startswith(("stg_", "int_"))


def test_the_order_builds_each_input_before_its_readers_and_every_step_once():
    assert sorted(ORDER) == sorted(STEPS)
    position = {name: i for i, name in enumerate(ORDER)}
    for name, step in STEPS.items():
        for dep in step.inputs:
            if not steps.is_source(dep):
                assert position[dep] < position[name], f"{name} reads {dep} before it is built"


def test_temp_tables_are_dropped_after_their_last_reader():
    readers = steps.last_readers(STEPS, ORDER)
    position = {name: i for i, name in enumerate(ORDER)}
    assert set(readers) == {n for n, s in STEPS.items() if not s.published}
    for table, last in readers.items():
        later = [n for n in ORDER[position[last] + 1 :] if table in STEPS[n].inputs]
        assert not later, f"{table} is read by {later} after it is dropped"


def test_marts_read_no_warehouse_table_but_through_staging_or_as_a_log():
    # case-level facts reach the marts only through staging, keyed by case ids
    for name, step in STEPS.items():
        facts = {
            i
            for i in step.inputs
            if i in {"wh.cases", "wh.assessments", "wh.services", "wh.barriers"}
        }
        if facts:
            assert step.layer in ("staging", "intermediate"), name


def test_a_cycle_or_an_unknown_input_is_refused(tmp_path):
    for layer in steps.LAYERS:
        (tmp_path / layer).mkdir()
    (tmp_path / "staging" / "stg_a.sql").write_text("-- inputs: int_b\nSELECT 1")
    (tmp_path / "intermediate" / "int_b.sql").write_text("-- inputs: stg_a\nSELECT 1")
    (tmp_path / "marts" / "m.sql").write_text("-- inputs: int_b\nSELECT 1")
    with pytest.raises(ValueError, match="cycle"):
        steps.order(steps.discover(tmp_path))
    (tmp_path / "marts" / "m.sql").write_text("-- inputs: int_nothing\nSELECT 1")
    with pytest.raises(ValueError, match="no step"):
        steps.discover(tmp_path)
