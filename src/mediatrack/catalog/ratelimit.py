"""A client-side rate limit per provider, so we stay under each service's published limit.

It counts requests that reach the network (the HTTP adapter calls it), so
answers served from the cache cost nothing.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

_patience = threading.local()


@contextmanager
def patient() -> Iterator[None]:
    """In this thread, wait for a free slot however long it takes instead of raising ``TooSoon``.

    A batch job (``refresh --all``) rather waits a minute for iTunes' quota than
    fails its 21st podcast; an interactive look-up keeps the short ``max_wait``.
    """
    before = getattr(_patience, "on", False)
    _patience.on = True
    try:
        yield
    finally:
        _patience.on = before


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``calls`` requests per ``period`` seconds.

    A request that would have to wait longer than ``max_wait`` seconds is refused
    at once instead (the caller says "try again in N seconds"), so a worker never
    hangs for a minute behind a slow provider's quota.
    """

    calls: int
    period: float
    max_wait: float = 3.0


class TooSoon(Exception):
    """Waiting for a free slot would take longer than ``max_wait``."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"next request allowed in {wait:.1f} s")
        self.wait = wait


class Limiter:
    """A thread-safe sliding-window limiter."""

    def __init__(
        self,
        limit: RateLimit,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit = limit
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Wait for a free slot (at most ``max_wait``), or raise ``TooSoon``."""
        with self._lock:
            now = self._clock()
            while self._sent and now - self._sent[0] >= self.limit.period:
                self._sent.popleft()
            wait = 0.0
            if len(self._sent) >= self.limit.calls:
                wait = self._sent[0] + self.limit.period - now
                if wait > self.limit.max_wait and not getattr(_patience, "on", False):
                    raise TooSoon(wait)
            # Reserve the slot now, holding the lock, so concurrent callers queue up in order.
            self._sent.append(now + wait)
            if len(self._sent) > self.limit.calls:
                self._sent.popleft()
        if wait > 0:
            self._sleep(wait)
