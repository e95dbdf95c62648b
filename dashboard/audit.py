"""The audit trail: who signed in, who failed, who signed out or was timed out, and who
downloaded what, one JSON line per event, appended and never rewritten.

The trail lives outside the published database, so it survives every publish (the file in
dashboard.yaml `audit.file`, or $GMS_AUDIT_FILE). Each line holds the hash of the line
before it (SHA-256 over the previous hash and the line's own fields), so an edited or
removed line breaks the chain; the hash of the last line is kept beside the trail
(<file>.head), so cutting lines off the end is seen too. `python -m dashboard.audit verify`
checks both. Someone who can rewrite both files can rewrite history: for that, copy the
trail off the machine as it grows (README, "The audit trail").

What a line holds: the time (UTC), the event, the user's name and role, the page, the
filters (as in the link), the file downloaded and its rows. Never a password, a password
hash, a secret or a figure from the data; a failed sign-in under a name that is not a user's
is recorded without the name (it may be a password typed in the wrong box).

Nothing here imports streamlit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reference import paths

EVENTS = ("sign_in", "sign_in_failed", "locked_out", "sign_out", "session_expired", "download")
FIELDS = ("seq", "time", "event", "user", "role", "page", "filters", "file", "rows", "detail")
GENESIS = "0" * 64
_LOCK = threading.Lock()  # one writer at a time in this process (fcntl: across processes)


def trail_path() -> Path:
    """$GMS_AUDIT_FILE, or dashboard.yaml's audit.file (relative to the project)."""
    override = os.environ.get("GMS_AUDIT_FILE")
    if override:
        return Path(override)
    from dashboard import config

    return paths.ROOT / config.settings().data.get("audit", {}).get(
        "file", "data/audit/trail.jsonl"
    )


def _digest(previous: str, entry: Mapping[str, Any]) -> str:
    body = json.dumps({k: entry.get(k) for k in FIELDS}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((previous + body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Trail:
    path: Path

    @property
    def head(self) -> Path:
        return self.path.with_name(self.path.name + ".head")

    def record(
        self,
        event: str,
        *,
        user: str | None = None,
        role: str | None = None,
        page: str | None = None,
        filters: Mapping[str, Any] | None = None,
        file: str | None = None,
        rows: int | None = None,
        detail: str | None = None,
        now: dt.datetime | None = None,
    ) -> dict[str, Any]:
        """Append one event; returns the line as written."""
        if event not in EVENTS:
            raise ValueError(f"unknown audit event {event!r}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _LOCK, open(self.path, "a+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                seq, previous = self._tip()
                entry: dict[str, Any] = {
                    "seq": seq + 1,
                    "time": (now or dt.datetime.now(dt.UTC))
                    .astimezone(dt.UTC)
                    .isoformat(timespec="seconds"),
                    "event": event,
                    "user": user,
                    "role": role,
                    "page": page,
                    "filters": dict(filters) if filters else None,
                    "file": file,
                    "rows": rows,
                    "detail": detail,
                }
                entry["prev"] = previous
                entry["hash"] = _digest(previous, entry)
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
                scratch = self.head.with_name(self.head.name + ".tmp")
                scratch.write_text(f"{entry['seq']} {entry['hash']}\n", encoding="utf-8")
                os.replace(scratch, self.head)
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        return entry

    def _tip(self) -> tuple[int, str]:
        if not self.head.exists():
            return 0, GENESIS
        seq, digest = self.head.read_text(encoding="utf-8").split()
        return int(seq), digest

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with open(self.path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    def verify(self) -> list[str]:
        """Problems found in the chain (none: the trail is whole)."""
        problems: list[str] = []
        previous, seq = GENESIS, 0
        if not self.path.exists():
            return (
                [] if not self.head.exists() else [f"{self.path} is missing but {self.head} is not"]
            )
        with open(self.path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    problems.append(f"line {number}: not a JSON record")
                    previous = None
                    continue
                if entry.get("seq") != seq + 1:
                    problems.append(
                        f"line {number}: record {entry.get('seq')} follows {seq} (a line is missing)"
                    )
                if previous is not None and entry.get("prev") != previous:
                    problems.append(f"line {number}: does not follow the line before it")
                if entry.get("hash") != _digest(entry.get("prev", ""), entry):
                    problems.append(f"line {number}: edited (its hash does not match its content)")
                previous, seq = entry.get("hash"), entry.get("seq", seq + 1)
        head_seq, head_hash = self._tip()
        if (head_seq, head_hash) != (seq, previous or ""):
            problems.append(
                f"the trail ends at record {seq} but {self.head.name} says {head_seq}: lines were cut off the end"
            )
        return problems


def trail() -> Trail:
    return Trail(trail_path())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.audit", description="Check the audit trail."
    )
    parser.add_argument("command", choices=["verify", "show"])
    parser.add_argument(
        "--file", type=Path, default=None, help="the trail (default: dashboard.yaml audit.file)"
    )
    args = parser.parse_args(argv)
    chain = Trail(args.file or trail_path())
    if args.command == "show":
        for entry in chain.entries():
            print(json.dumps({k: entry.get(k) for k in FIELDS}, ensure_ascii=False))
        return 0
    problems = chain.verify()
    if problems:
        print(f"{chain.path}: the chain is broken")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print(f"{chain.path}: {len(chain.entries()):,} records, the chain is whole")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
