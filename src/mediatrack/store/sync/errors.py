"""What can go wrong while syncing; every message is one sentence for the user."""

from __future__ import annotations

from mediatrack.store.db import StoreError


class SyncError(StoreError):
    """Sync could not finish; running it again is safe."""


class ServerUnreachable(SyncError):
    """No connection to the server, or it was lost: offline, for the user."""


class ServerRefused(SyncError):
    """The server said no: a wrong role or password, a missing schema, a refused change."""
