"""A thread-safe request pacer: at most ``per_second`` request starts per second across all threads."""

from __future__ import annotations

import threading
import time


class RateLimiter:
    """Spaces request starts at least ``1 / per_second`` apart; ``per_second <= 0`` means no limit."""

    def __init__(self, per_second: float) -> None:
        self._interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until this caller may start a request."""
        if not self._interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self._interval
        if start > now:
            time.sleep(start - now)
