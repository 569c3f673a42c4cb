"""Export, backup and restore: the library out to files, and a backup file back in.

``json`` is the lossless backup that ``import mediatrack`` restores; ``csv`` is
one file per kind for spreadsheets; ``goodreads``, ``letterboxd`` and ``opml``
are files those services and podcast apps import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from mediatrack.exchange import backup as backup_format
from mediatrack.exchange import writers
from mediatrack.kinds import Kind
from mediatrack.services.library import LibraryError
from mediatrack.store import exports
from mediatrack.store.db import LOCAL_USER_ID, StoreError, connection

FORMATS = ("json", "csv", "goodreads", "letterboxd", "opml")
FORMAT_KINDS = {"goodreads": (Kind.BOOK,), "letterboxd": (Kind.MOVIE,), "opml": (Kind.PODCAST,)}


class ExportError(LibraryError):
    """The message is one sentence for the user."""


@dataclass(frozen=True, slots=True)
class ExportFile:
    name: str  # a file name suggestion: "library.json", "books.csv"
    text: str
    items: int


def export(fmt: str, kind: Kind | None = None, user_id: str = LOCAL_USER_ID) -> list[ExportFile]:
    """The export's files (one, except ``csv`` without a kind: one per kind)."""
    if fmt not in FORMATS:
        raise ExportError(f"{fmt!r} is not an export format: use one of {', '.join(FORMATS)}.")
    kinds = FORMAT_KINDS.get(fmt, exports.ORDER)
    if kind is not None:
        if kind not in kinds:
            raise ExportError(f"The {fmt} format holds no {kind.value} items.")
        kinds = (kind,)
    with connection():
        items = exports.library_items(user_id, kinds)
        friends = exports.friends(user_id) if fmt == "json" and kind is None else []
    if fmt == "json":
        return [
            ExportFile("mediatrack-library.json", backup_format.dumps(items, friends), len(items))
        ]
    if fmt == "csv":
        return [
            ExportFile(
                f"{each.value}.csv",
                writers.spreadsheet([item for item in items if item["kind"] == each.value]),
                sum(item["kind"] == each.value for item in items),
            )
            for each in kinds
        ]
    write, holds = {
        "goodreads": (writers.goodreads, writers.goodreads_holds),
        "letterboxd": (writers.letterboxd, writers.letterboxd_holds),
        "opml": (writers.opml, writers.opml_holds),
    }[fmt]
    extension = "opml" if fmt == "opml" else "csv"
    held = sum(map(holds, items))  # what the format has no place for is not counted
    return [ExportFile(f"mediatrack-{fmt}.{extension}", write(items), held)]


def default_backup_path(library: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return library.parent / "backups" / f"{library.stem}-{stamp}.db"


def backup(library: Path, target: Path | None = None) -> Path:
    """A consistent copy of the library file, safe while the app runs."""
    target = target or default_backup_path(library)
    if target.is_dir():
        target = target / default_backup_path(library).name
    if not library.exists():
        raise ExportError(f"There is no library at {library} to back up.")
    if target.resolve() == library.resolve():
        raise ExportError("A backup cannot overwrite the library itself; give another path.")
    try:
        exports.backup_file(library, target)
    except OSError as error:
        raise ExportError(f"Could not write {target} ({error.strerror}).") from None
    except StoreError as error:
        raise ExportError(str(error)) from None
    return target


def restore(backup_path: Path, library: Path) -> Path:
    """Put a backup in place of the library, after checking it; returns where the library
    that was there is kept."""
    aside = library.with_name(
        f"{library.stem}-before-restore-{dt.datetime.now():%Y%m%d-%H%M%S-%f}{library.suffix}"
    )
    if backup_path.resolve() == library.resolve():
        raise ExportError("That is the library itself, not a backup of it.")
    try:
        exports.restore_file(backup_path, library, aside)
    except StoreError as error:
        raise ExportError(str(error)) from None
    return aside
