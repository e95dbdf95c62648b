"""Build a database file beside the old one and swap it in atomically.

A load or publish works on a copy; only os.replace() (atomic on POSIX within one
filesystem) makes it current. A crash or kill -9 at any point leaves the old file as it
was, and a reader that already has the old file open keeps reading it until it reopens.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def exclusive_lock(directory: Path) -> Iterator[None]:
    """One writer at a time per warehouse folder (a second load waits)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def scratch_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def remove_stale_scratch(target: Path) -> None:
    """Delete scratch copies left by killed runs (their names carry the dead pid)."""
    for stale in target.parent.glob(f".{target.name}.*.tmp*"):
        stale.unlink(missing_ok=True)


@contextlib.contextmanager
def replace_on_success(target: Path, *, copy_existing: bool) -> Iterator[Path]:
    """Yield a scratch path; on normal exit swap it in as target, on error delete it.

    copy_existing: start the scratch file as a copy of target (a load that adds to the
    warehouse) rather than empty (a publish that rebuilds from scratch).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = scratch_path(target)
    for leftover in (scratch, Path(f"{scratch}.wal")):
        leftover.unlink(missing_ok=True)
    if copy_existing and target.exists():
        shutil.copyfile(target, scratch)
    try:
        yield scratch
        wal = Path(f"{scratch}.wal")
        if wal.exists():  # the caller must close (checkpoint) its connection before leaving
            raise RuntimeError(f"{scratch} still has a write-ahead log; close the connection first")
        with open(scratch, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(scratch, target)
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    finally:
        scratch.unlink(missing_ok=True)
        Path(f"{scratch}.wal").unlink(missing_ok=True)
