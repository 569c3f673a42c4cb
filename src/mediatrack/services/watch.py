"""Whether the library file changed since the app last looked: the CLI, a second app or a
sync may write to it while the app runs.
"""

from __future__ import annotations

from pathlib import Path

from mediatrack.store.changes import DataVersionProbe, bound_database_path


class LibraryWatch:
    """One dedicated connection to the library file that only asks "did anyone commit?".

    Any commit counts, the app's own included (they come through other
    connections): reading again after one of ours is harmless, and it means
    the screens always end up showing the file as it is.
    """

    def __init__(self, path: Path | None = None) -> None:
        self._probe = DataVersionProbe(path or bound_database_path())

    def changed(self) -> bool:
        """True once for every batch of commits since the last call. Cheap: no table is read."""
        return self._probe.changed()

    def close(self) -> None:
        self._probe.close()
