"""Python's full garbage collections, held back until the app is idle.

Python starts a full collection after ten young ones, whatever the app is doing.
A full collection walks every tracked object that is not frozen: 8 to 60 ms in a
library of 10,000 items, in the middle of the key being handled (50 Page Downs met
three of them). Young collections stay as they are (under a millisecond or two);
a full one waits until no key, click or mouse move has come for ``QUIET_FOR``. It
is not skipped: while input never stops, it runs once ``OVERDUE_AFTER`` young
collections have passed, so memory stays bounded.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

CHECK_EVERY = 0.25  # seconds between looks at the collector's counts
QUIET_FOR = 0.4  # seconds without input: the user is not waiting on a key
DUE_AFTER = 10  # young collections since the last full one: when Python would sweep all
OVERDUE_AFTER = 200  # ...and when it sweeps all even while keys keep coming
NEVER = 2**31 - 1  # Python's own trigger for a full collection, switched off


def freeze_survivors() -> None:
    """Leave what is alive now out of later full sweeps (what start-up made, a loaded
    library). The young generations are swept first (cheap: what is frozen is not
    walked), so cycles already garbage are freed, not frozen with the rest."""
    gc.collect(1)
    gc.freeze()


class IdleCollector:
    """Runs the full collections Python would run, at moments nobody waits on a frame."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last_input = clock()
        self._thresholds: tuple[int, int, int] | None = None

    def start(self) -> None:
        """From now on full collections are this collector's to run (``check``)."""
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            young, middle, _full = self._thresholds
            gc.set_threshold(young, middle, NEVER)

    def stop(self) -> None:
        """Python runs its full collections itself again."""
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None

    def input_seen(self) -> None:
        self._last_input = self._clock()

    def check(self) -> bool:
        """Run a full collection if one is due and the app is idle, or it is overdue;
        whether it ran."""
        if self._thresholds is None:
            return False
        young_since_full = gc.get_count()[2]
        quiet = self._clock() - self._last_input >= QUIET_FOR
        if young_since_full >= OVERDUE_AFTER or (young_since_full >= DUE_AFTER and quiet):
            gc.collect()
            return True
        return False
