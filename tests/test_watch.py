"""The library watch notices commits from other connections, and nothing else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mediatrack.kinds import Kind
from mediatrack.services.library import Library, NewItem
from mediatrack.services.watch import LibraryWatch
from mediatrack.store.db import open_database


def test_the_watch_sees_a_commit_from_this_process_and_from_another(db_path: Path):
    open_database(db_path)
    library = Library()
    heat = library.add(NewItem(Kind.MOVIE, "Heat", 1995))
    watch = LibraryWatch()
    try:
        assert not watch.changed()  # nothing since it opened
        library.set_rating(heat.key, 8)  # another connection (this thread's)
        assert watch.changed()
        assert not watch.changed()  # once per change
        library.entries(Kind.MOVIE)  # reading is not a change
        assert not watch.changed()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "mediatrack",
                "--db",
                str(db_path),
                "set",
                str(heat.key),
                "--rating",
                "9",
            ],
            check=True,
            capture_output=True,
        )
        assert watch.changed()
    finally:
        watch.close()
    assert not watch.changed()  # closed: says nothing, raises nothing
