"""Limits on signing in: attempts for a user name are slowed, then refused for a while, after
a few failures; sessions end after an idle time and after a maximum age. The numbers are in
dashboard.yaml (access.sign_in). Nothing here imports streamlit.

The counts are kept per user name (whatever the name: an unknown one is counted like a known
one, so the limits do not tell which names exist) in this process, shared by every session:
a restart of the dashboard forgets them, as it signs everyone out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from dashboard import config


@dataclass(frozen=True)
class Policy:
    slow_after: int = 3  # failures after which each attempt waits
    delay_seconds: float = 2.0  # how long
    lock_after: int = 5  # failures after which the name is refused
    lock_minutes: float = 15.0  # for how long
    window_minutes: float = 15.0  # failures older than this are forgotten
    idle_minutes: float = 30.0  # a session unused this long ends
    max_hours: float = 12.0  # a session this old ends, used or not

    @classmethod
    def from_settings(cls) -> Policy:
        spec = config.settings().data.get("access", {}).get("sign_in", {})
        return cls(**{k: type(getattr(cls, k))(v) for k, v in spec.items() if hasattr(cls, k)})


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    wait_seconds: float = 0.0  # refused: how long until the next attempt is taken
    delay_seconds: float = 0.0  # allowed, but only after this pause


class Throttle:
    """Failed attempts per user name (normalised: trimmed, lower case)."""

    def __init__(self, policy: Policy, clock: Callable[[], float] = time.monotonic):
        self.policy = policy
        self.clock = clock
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(name: str) -> str:
        return name.strip().lower()

    def check(self, name: str) -> Verdict:
        """Whether an attempt for this name may be made now."""
        key, now = self._key(name), self.clock()
        with self._lock:
            until = self._locked_until.get(key, 0.0)
            if now < until:
                return Verdict(False, wait_seconds=until - now)
            recent = self._recent(key, now)
            delay = self.policy.delay_seconds if len(recent) >= self.policy.slow_after else 0.0
            return Verdict(True, delay_seconds=delay)

    def failed(self, name: str) -> Verdict:
        """Count a failure; the verdict for the next attempt."""
        key, now = self._key(name), self.clock()
        with self._lock:
            recent = [*self._recent(key, now), now]
            self._failures[key] = recent
            if len(recent) >= self.policy.lock_after:
                self._locked_until[key] = now + self.policy.lock_minutes * 60
                self._failures[key] = []
                return Verdict(False, wait_seconds=self.policy.lock_minutes * 60)
        return self.check(name)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(self._key(name), None)

    def _recent(self, key: str, now: float) -> list[float]:
        window = self.policy.window_minutes * 60
        return [t for t in self._failures.get(key, []) if now - t < window]


def expired(signed_in_at: float, last_seen: float, now: float, policy: Policy) -> str | None:
    """Why a session has ended ('idle' or 'age'), or None while it may go on (times in
    seconds, time.time())."""
    if now - signed_in_at >= policy.max_hours * 3600:
        return "age"
    if now - last_seen >= policy.idle_minutes * 60:
        return "idle"
    return None
