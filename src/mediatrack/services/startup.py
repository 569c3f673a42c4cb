"""What the app reads before Textual is imported: its first screen's first rows.

The command starts ``FirstRead`` as its first step on the way to the app; a
thread reads the Shows' first page with sqlite3 alone (``store.first_rows``:
only a file that is ours and needs no migration) while the app is imported,
so the page can be in the first frame. The event loop only takes a page read
already (``ready``); a worker may wait for it (``wait``). Without a page (a new,
old or foreign file, any failure) the app reads as it always did: it opens the
file (migrating it, or refusing it in one sentence) and then reads.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from mediatrack.kinds import Kind

if TYPE_CHECKING:
    from mediatrack.records import FirstPage

FIRST_KIND = Kind.TV  # the app opens on Shows
FIRST_PAGE = 100  # rows read before the rest: a tall terminal's screenful, and some


class FirstRead:
    """The first page of ``kind`` in the library file at ``path``, read in a thread."""

    def __init__(self, path: Path, kind: Kind = FIRST_KIND, limit: int = FIRST_PAGE) -> None:
        self.kind = kind
        self._page: FirstPage | None = None
        self._thread = threading.Thread(
            target=self._read, args=(path, kind, limit), name="first-read", daemon=True
        )
        self._thread.start()

    def _read(self, path: Path, kind: Kind, limit: int) -> None:
        try:
            # imported here, in the thread: the command goes on importing the app meanwhile
            from mediatrack.store.first_rows import read_first_page

            self._page = read_first_page(path, kind, limit)
        except Exception:  # the usual open meets it again, and says what it is
            self._page = None

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def ready(self) -> FirstPage | None:
        """The page if it is read already (None: not yet, or none to show); never waits."""
        return self._page if self.done else None

    def wait(self) -> FirstPage | None:
        """The page once read, or None if there is none to show: for a worker, not the
        event loop (the read gives up on a busy file within a second)."""
        self._thread.join()
        return self._page
