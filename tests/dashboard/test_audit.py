"""dashboard/audit.py: an append-only trail whose chain of hashes shows any edit or cut."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dashboard import audit
from dashboard.sign_in_limits import Policy, Throttle, expired


@pytest.fixture()
def trail(tmp_path) -> audit.Trail:
    chain = audit.Trail(tmp_path / "audit" / "trail.jsonl")
    when = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    chain.record("sign_in", user="sokha", role="ministry", now=when)
    chain.record(
        "download", user="sokha", role="ministry", page="overview",
        filters={"country": "KH", "from": "2025Q1"}, file="outcome_trend.csv", rows=40,
        now=when + dt.timedelta(minutes=3),
    )  # fmt: skip
    chain.record("sign_out", user="sokha", role="ministry", now=when + dt.timedelta(minutes=5))
    return chain


def test_each_event_is_recorded_with_its_fields(trail):
    entries = trail.entries()
    assert [e["event"] for e in entries] == ["sign_in", "download", "sign_out"]
    download = entries[1]
    assert download["time"] == "2026-12-01T09:03:00+00:00"
    assert (download["user"], download["role"], download["page"]) == (
        "sokha",
        "ministry",
        "overview",
    )
    assert download["filters"] == {"country": "KH", "from": "2025Q1"}
    assert (download["file"], download["rows"]) == ("outcome_trend.csv", 40)
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert trail.verify() == []
    with pytest.raises(ValueError):
        trail.record("looked_at_a_case")


def test_an_edited_line_breaks_the_chain(trail):
    lines = trail.path.read_text().splitlines()
    entry = json.loads(lines[1])
    entry["rows"] = 4000
    lines[1] = json.dumps(entry)
    trail.path.write_text("\n".join(lines) + "\n")
    assert any("line 2: edited" in p for p in trail.verify())


def test_a_removed_line_breaks_the_chain_in_the_middle_or_at_the_end(trail):
    lines = trail.path.read_text().splitlines()
    trail.path.write_text("\n".join([lines[0], lines[2]]) + "\n")
    assert any("a line is missing" in p for p in trail.verify())
    trail.path.write_text("\n".join(lines[:2]) + "\n")
    assert any("cut off the end" in p for p in trail.verify())


def test_the_trail_goes_on_after_a_restart_and_the_command_checks_it(trail, capsys):
    again = audit.Trail(trail.path)  # a new process would read the tip from the .head file
    again.record("sign_in", user="dana", role="donor")
    assert again.verify() == [] and again.entries()[-1]["seq"] == 4
    assert audit.main(["verify", "--file", str(trail.path)]) == 0
    assert "4 records, the chain is whole" in capsys.readouterr().out
    trail.path.write_text(trail.path.read_text().replace('"dana"', '"eve"'))
    assert audit.main(["verify", "--file", str(trail.path)]) == 1
    assert "the chain is broken" in capsys.readouterr().out


def test_throttle_slows_then_locks_then_forgets():
    clock = [0.0]
    throttle = Throttle(
        Policy(slow_after=2, delay_seconds=2, lock_after=4, lock_minutes=10), clock=lambda: clock[0]
    )
    assert throttle.check("Sokha").delay_seconds == 0
    throttle.failed("sokha")
    throttle.failed(" SOKHA ")  # the same name, however typed
    assert throttle.check("sokha").delay_seconds == 2
    throttle.failed("sokha")
    locked = throttle.failed("sokha")
    assert not locked.allowed and locked.wait_seconds == 600
    clock[0] += 599
    assert not throttle.check("sokha").allowed
    clock[0] += 2
    assert throttle.check("sokha") == throttle.check("someone-else")  # free again
    assert throttle.check("sokha").allowed and throttle.check("sokha").delay_seconds == 0


def test_sessions_end_after_idle_time_and_maximum_age():
    policy = Policy(idle_minutes=30, max_hours=12)
    assert expired(0, 0, 29 * 60, policy) is None
    assert expired(0, 0, 30 * 60, policy) == "idle"
    assert expired(0, 12 * 3600 - 1, 12 * 3600, policy) == "age"


def test_the_policy_comes_from_the_settings():
    policy = Policy.from_settings()
    assert (policy.lock_after, policy.lock_minutes, policy.idle_minutes) == (5, 15.0, 30.0)
