"""The first rows of one kind, read with the sqlite3 driver alone: no ORM to import first.

The app starts with this read in a thread of its own, before it imports Textual,
so the Shows' first rows are there for its first frame (``read_first_page``).
It reads a file only once it knows the file is ours and at this code's schema
version, and only reads: a new, older, newer or foreign file, or any trouble,
gives None, and the app opens the file the usual way (``db.open_database``:
migrations first, a sentence for a file that is not ours) before anything reads it.

The library service's own first page (``queries.first_page``) runs the same
statements on the ORM's connection.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from mediatrack.folding import fold
from mediatrack.kinds import Kind
from mediatrack.records import FirstPage, LibraryEntry
from mediatrack.store import entry_rows
from mediatrack.store.schema import (
    APPLICATION_ID,
    LOCAL_USER_ID,
    NON_ASCII,
    SQLITE_HEADER,
    latest_version,
)

# Runs one statement: sqlite3's ``Connection.execute`` or peewee's ``execute_sql``.
Execute = Callable[[str, Sequence[object]], Iterable[tuple]]

BUSY_SECONDS = 0.5  # a writer holding the file this long: give up, the usual open waits

# Where the first page's titles are: (items table, title column, the type it must have,
# the progress table, its item column), named as migration 0008 indexed them.
_TITLE_INDEXES = {
    Kind.TV: ("media_items", "title", "tv", "user_progress", "media_item_id"),
    Kind.MOVIE: ("media_items", "title", "movie", "user_progress", "media_item_id"),
    Kind.BOOK: ("books", "title", None, "user_book_progress", "book_id"),
    Kind.PODCAST: ("podcasts", "collection_name", None, "user_podcast_progress", "podcast_id"),
}

# The sixteen columns ``entry_rows`` decodes, per kind: what ``queries.library_entries``
# selects through the models (tests hold the two to the same entries).
_WATCH_ROWS = """
SELECT i."id", i."title", i."original_title", i."release_date", p."status", p."progress",
    {total}, r."rating", p."updated_at", r."updated_at", i."tmdb_id",
    ls."season_number", le."episode_number", ns."season_number", ne."episode_number",
    ne."air_date"
FROM "user_progress" p
JOIN "media_items" i ON p."media_item_id" = i."id"
LEFT JOIN "ratings" r ON r."user_id" = p."user_id" AND r."media_item_id" = p."media_item_id"
    AND r."deleted_at" IS NULL
LEFT JOIN "watch_positions" w ON w."user_id" = p."user_id" AND w."media_item_id" = p."media_item_id"
LEFT JOIN "episodes" le ON w."last_episode_id" = le."id"
LEFT JOIN "seasons" ls ON le."season_id" = ls."id"
LEFT JOIN "episodes" ne ON w."next_episode_id" = ne."id"
LEFT JOIN "seasons" ns ON ne."season_id" = ns."id"
WHERE p."user_id" = ? AND p."deleted_at" IS NULL AND i."type" = '{kind}'
    AND p."media_item_id" IN ({ids})
"""
_ENTRY_ROWS = {
    Kind.TV: _WATCH_ROWS.replace("{total}", 'i."number_of_episodes"').replace("{kind}", "tv"),
    Kind.MOVIE: _WATCH_ROWS.replace("{total}", "1").replace("{kind}", "movie"),
    Kind.BOOK: """
SELECT i."id", i."title", i."subtitle", i."published_date", p."status", p."progress",
    i."page_count", p."rating", p."updated_at", i."authors", i."google_id",
    NULL, NULL, NULL, NULL, NULL
FROM "user_book_progress" p
JOIN "books" i ON p."book_id" = i."id"
WHERE p."user_id" = ? AND p."deleted_at" IS NULL AND p."book_id" IN ({ids})
""",
    Kind.PODCAST: """
SELECT i."id", i."collection_name", NULL, i."release_date", p."status", p."progress",
    i."episode_count", p."rating", p."updated_at", i."artist_name", i."itunes_id",
    NULL, NULL, NULL, NULL, NULL
FROM "user_podcast_progress" p
JOIN "podcasts" i ON p."podcast_id" = i."id"
WHERE p."user_id" = ? AND p."deleted_at" IS NULL AND p."podcast_id" IN ({ids})
""",
}


def first_ids(execute: Execute, user_id: str, kind: Kind, limit: int) -> list[int]:
    """The item ids of the first ``limit`` entries in title order (folded title, then item
    id), as the library table sorts them: a screenful found without reading the rest.

    ASCII titles come in order from the ``lower(title)`` index (SQLite's lower() folds
    ASCII as ``fold`` does), so the read stops after ``limit`` rows at any size; the few
    other titles, listed by their partial index, are folded here and merged in.
    """
    items, title, wanted, progress, item_id = _TITLE_INDEXES[kind]
    type_match = f" AND i.\"type\" = '{wanted}'" if wanted else ""
    lower_index = f"{items}_lower_{title}"
    joined = (
        # CROSS JOIN: SQLite keeps this order, walking the item index, not every progress row
        f'CROSS JOIN "{progress}" p ON p."{item_id}" = i."id" AND p."user_id" = ?'
        ' AND p."deleted_at" IS NULL'
    )
    plain = execute(
        f'SELECT lower(i."{title}"), i."id" FROM "{items}" i INDEXED BY "{lower_index}" '
        f'{joined} WHERE i."{title}" NOT {NON_ASCII}{type_match} '
        f'ORDER BY lower(i."{title}"), i."id" LIMIT ?',
        (user_id, limit),
    )
    others = execute(
        f'SELECT i."{title}", i."id" FROM "{items}" i INDEXED BY "{items}_non_ascii_{title}" '
        f'{joined} WHERE i."{title}" {NON_ASCII}{type_match}',
        (user_id,),
    )
    first = sorted([*plain, *((fold(text), number) for text, number in others)])[:limit]
    return [number for _, number in first]


def entries_in_order(
    execute: Execute, user_id: str, kind: Kind, ids: list[int]
) -> list[LibraryEntry]:
    """The entries of these items (the user's, not removed), in the order of ``ids``."""
    if not ids:
        return []
    sql = _ENTRY_ROWS[kind].replace("{ids}", ", ".join("?" * len(ids)))
    entries = entry_rows.entries(kind, execute(sql, (user_id, *ids)))
    place = {item_id: index for index, item_id in enumerate(ids)}
    return sorted(entries, key=lambda entry: place[entry.key.item_id])


def status_counts(execute: Execute, user_id: str, kind: Kind) -> dict[str, int]:
    """How many of the user's items of ``kind`` are in each status (from the progress
    table's index, joined to the items only for their kind)."""
    items, _, wanted, progress, item_id = _TITLE_INDEXES[kind]
    type_match = f" AND i.\"type\" = '{wanted}'" if wanted else ""
    rows = execute(
        f'SELECT p."status", COUNT(p."id") FROM "{progress}" p '
        f'JOIN "{items}" i ON p."{item_id}" = i."id" '
        f'WHERE p."user_id" = ? AND p."deleted_at" IS NULL{type_match} GROUP BY p."status"',
        (user_id,),
    )
    return dict(rows)  # type: ignore[arg-type]


def first_page(execute: Execute, user_id: str, kind: Kind, limit: int) -> FirstPage:
    """A screenful in title order and the counts per status, read in about the same
    time at 100 items as at 100,000: what a library screen draws before the rest."""
    counts = status_counts(execute, user_id, kind)
    ids = first_ids(execute, user_id, kind, limit) if counts else []
    return FirstPage(entries_in_order(execute, user_id, kind, ids), counts)


def read_first_page(path: Path, kind: Kind, limit: int) -> FirstPage | None:
    """``first_page`` of whoever's library the file at ``path`` is, read-only, with sqlite3;
    None unless the file is a mediatrack library at this code's schema version."""
    try:
        if not path.is_file():
            return None
        with path.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return None
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS
        )
    except (OSError, sqlite3.Error):
        return None
    try:
        connection.execute("BEGIN")  # one snapshot: the counts and the rows agree
        if not _at_latest_version(connection):
            return None
        return first_page(connection.execute, _library_owner(connection), kind, limit)
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def _at_latest_version(connection: sqlite3.Connection) -> bool:
    """Ours, and migrated as far as this code migrates: its rows read as they are."""
    (application_id,) = connection.execute("PRAGMA application_id").fetchone()
    if application_id != APPLICATION_ID:
        return False
    (version,) = connection.execute('SELECT MAX("version") FROM "schema_version"').fetchone()
    return version == latest_version()


def _library_owner(connection: sqlite3.Connection) -> str:
    """Whose library is shown: the user of the newest unexpired session, else the local
    user (the rule of ``identity.current_user``)."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    row = connection.execute(
        'SELECT u."id" FROM "sessions" s JOIN "users" u ON s."user_id" = u."id" '
        'WHERE s."expires_at" > ? ORDER BY s."created_at" DESC, s."id" DESC LIMIT 1',
        (now.isoformat(" "),),
    ).fetchone()
    return row[0] if row else LOCAL_USER_ID
