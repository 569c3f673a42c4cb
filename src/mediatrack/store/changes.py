"""Noticing that the library file changed, whoever changed it.

SQLite's ``PRAGMA data_version`` is a number private to one connection that
moves whenever *another* connection (another thread, a CLI, a second app, a
sync) commits to the file. One long-lived connection that does nothing else
asks it: the question costs microseconds and reads no table.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from mediatrack.store.models import database

__all__ = ["DataVersionProbe", "bound_database_path"]


def bound_database_path() -> Path:
    """The file the models are bound to (``open_database`` was called first)."""
    return Path(database.obj.database)


class DataVersionProbe:
    """Asks one file, again and again, whether anyone committed to it since the last time.

    Safe to use from any thread, one call at a time (a lock guards the connection).
    """

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        # Autocommit, so the connection never holds a read transaction open.
        self._connection: sqlite3.Connection | None = sqlite3.connect(
            str(path), isolation_level=None, check_same_thread=False
        )
        self._version = self._read()

    def _read(self) -> int:
        assert self._connection is not None
        return self._connection.execute("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        """True when another connection committed since the last call (or since opening)."""
        with self._lock:
            if self._connection is None:
                return False
            version = self._read()
            if version == self._version:
                return False
            self._version = version
            return True

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
