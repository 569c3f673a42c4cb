"""What the app's header says about sync: ``synced 2m ago``, ``syncing…``, ``offline``...

Plain values and text, no I/O, so the app can import it before the first frame.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from mediatrack.display.dates import ago_text
from mediatrack.display.text import inert

State = Literal["off", "syncing", "synced", "offline", "error"]


@dataclass(frozen=True, slots=True)
class SyncLine:
    """The state of sync as the user sees it; ``off`` when sync is not set up or nobody is in."""

    state: State = "off"
    last_sync_at: dt.datetime | None = None  # naive UTC, the last sync that worked
    error: str = ""  # one sentence, for "error" (and the reason for "offline")

    def text(self, now: dt.datetime | None = None) -> str:
        """``synced 2m ago``, ``syncing…``, ``offline``, ``sync error: …``, or empty when off."""
        if self.state == "syncing":
            return "syncing…"
        if self.state == "synced":
            return f"synced {ago_text(self.last_sync_at, now)}" if self.last_sync_at else "synced"
        if self.state == "offline":
            return "offline"
        if self.state == "error":
            return f"sync error: {self.error.rstrip('.')}"
        return ""

    def with_label(self, label: str) -> str:
        """A screen's sub-title with the sync state after it: ``Shows · synced 2m ago``."""
        text = self.text()
        return inert(f"{label} · {text}" if text else label)  # names and server errors
