"""A token bucket: at most `rate` requests per second on average, bursts up to `capacity`.

CloudTrail LookupEvents allows 2 requests per second per account and region; one bucket per
account/region keeps a collector under that however fast pages come back. The default capacity
of one token spaces requests evenly (every 0.5 s), so no one-second window ever holds more than
`rate` requests; a larger capacity would allow `capacity + rate` in the first second. The clock
and the sleep are injectable so tests run without waiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

LOOKUP_EVENTS_PER_SECOND = 2.0


class TokenBucket:
    """Blocking token bucket; `acquire()` returns once a request may be sent."""

    def __init__(
        self,
        rate: float = LOOKUP_EVENTS_PER_SECOND,
        capacity: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        self.rate = rate
        if capacity < 1:
            raise ValueError(f"capacity must hold at least one token, got {capacity}")
        self.capacity = capacity
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.capacity
        self._updated = clock()
        self._lock = threading.Lock()
        self.waited = 0.0

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    def acquire(self) -> None:
        """Take one token, sleeping until one is available."""
        with self._lock:
            self._refill()
            if self._tokens < 1:
                wait = (1 - self._tokens) / self.rate
                self.waited += wait
                self._sleep(wait)
                self._refill()
                # Sleeping `wait` earned the missing fraction. Float rounding can leave the
                # refilled tokens a hair below 1, and a wait below the clock's resolution does
                # not move it: waiting again for that hair would never end.
                self._tokens = max(self._tokens, 1.0)
            self._tokens -= 1
