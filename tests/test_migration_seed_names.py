"""Step 5 (the seed's names) on a library written by mediatrack at schema version 4.

``fixtures/library_v4/library_v4.db`` was made by the code of that version (see
``fixtures/library_v4/make.py``): shows with ticks and nameless seasons, a
movie, books, podcasts with feed episodes, ratings, a friend, sync marks.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from mediatrack.kinds import Kind
from mediatrack.services.library import Library
from mediatrack.store.db import latest_version, open_database
from mediatrack.store.models import Season, database

OLD_FILE = Path(__file__).parent / "fixtures" / "library_v4" / "library_v4.db"

RENAMED = {  # (table, column at version 4) -> its seed name
    ("media_items", "tmdb_status"): "status",
    ("podcasts", "title"): "collection_name",
    ("podcasts", "artist"): "artist_name",
    ("user_book_progress", "current_page"): "progress",
    ("user_podcast_progress", "episodes_listened"): "progress",
}
ADDED = {  # table -> {new column: its value on every migrated row}
    "media_items": {"last_air_date": None},
    "episodes": {"vote_average": None},
    "books": {"is_ebook": 0},
}
NAMELESS = {  # (table, id) -> the name step 5 gives a row that had none
    ("seasons", 900): "Specials",
    ("seasons", 901): "Season 9",
    ("episodes", 9000): "Episode 1",
    ("episodes", 9001): "Episode 1",
    ("episodes", 9002): "Episode 2",
}


def read_all(path: Path) -> dict[str, dict[object, dict[str, object]]]:
    """table -> row key -> {column: value}, every table of the file."""
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        found = {}
        names = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for (table,) in names:
            rows = connection.execute(f'SELECT * FROM "{table}"').fetchall()
            key = "version" if table == "schema_version" else "id"
            found[table] = {row[key]: dict(row) for row in rows}
        return found
    finally:
        connection.close()


def triggers(path: Path) -> set[tuple[str, str]]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        return set(rows.fetchall())
    finally:
        connection.close()


@pytest.fixture
def migrated(db_path: Path):
    """The old file copied to the test's database path, its rows before, then opened."""
    shutil.copyfile(OLD_FILE, db_path)
    before = read_all(db_path)
    triggers_before = triggers(db_path)
    db = open_database(db_path)
    return db, before, triggers_before


# Columns later steps add to existing rows: step 7, the runs of a rewatch or reread.
LATER = {"user_progress": {"runs": 0}, "user_book_progress": {"runs": 0}}
# Tables later steps add that sync, each with its change-logging triggers (step 7).
LATER_SYNCED = ("past_episode_watches", "media_notes", "book_notes", "podcast_notes")


def expected_row(table: str, row: dict[str, object]) -> dict[str, object]:
    """What a version-4 row becomes after step 5."""
    renamed = {RENAMED.get((table, column), column): value for column, value in row.items()}
    renamed.update(ADDED.get(table, {}))
    renamed.update(LATER.get(table, {}))
    if (table, row.get("id")) in NAMELESS:
        renamed["name"] = NAMELESS[(table, row["id"])]
    return renamed


def test_the_fixture_is_a_version_4_library_with_rows_in_every_table() -> None:
    before = read_all(OLD_FILE)
    assert max(before["schema_version"]) == 4
    empty = {table for table, rows in before.items() if not rows}
    assert not empty
    assert before["podcasts"] and "title" in next(iter(before["podcasts"].values()))


def test_every_row_of_every_table_is_there_under_the_seed_names(migrated, db_path) -> None:
    _db, before, _ = migrated
    after = read_all(db_path)
    assert set(after) >= set(before)
    assert not any(after[table] for table in set(after) - set(before))  # later steps' tables
    for table, rows in before.items():
        if table == "schema_version":
            assert set(after[table]) == {*rows, *range(5, latest_version() + 1)}
            continue
        assert set(after[table]) == set(rows), table  # the same ids, none lost, none added
        for key, row in rows.items():
            assert after[table][key] == expected_row(table, row), (table, key)


def test_nameless_seasons_and_episodes_are_named_after_their_number(migrated, db_path) -> None:
    after = read_all(db_path)
    for (table, row_id), name in NAMELESS.items():
        assert after[table][row_id]["name"] == name
    assert all(row["name"] for row in after["seasons"].values())
    assert all(row["name"] for row in after["episodes"].values())


def test_indexes_triggers_and_foreign_keys_survive(migrated, db_path) -> None:
    db, _, triggers_before = migrated
    later = {(f"{t}_sync_{event}", t) for t in LATER_SYNCED for event in ("insert", "update")}
    assert triggers(db_path) == triggers_before | later
    assert db.execute_sql("PRAGMA foreign_keys").fetchone() == (1,)
    assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute_sql("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not [
        name
        for (name,) in db.execute_sql("SELECT name FROM sqlite_master WHERE name LIKE '%__seed'")
    ]


def test_a_rebuilt_table_still_logs_its_changes_for_sync(migrated) -> None:
    db, _, _ = migrated
    seq = db.execute_sql("SELECT change_seq FROM sync_state").fetchone()[0]
    Season.update(overview="now with an overview").where(Season.id == 900).execute()
    assert db.execute_sql(
        "SELECT seq FROM sync_changes WHERE table_name = 'seasons' AND row_key = '900'"
    ).fetchone() == (seq + 1,)
    db.execute_sql("UPDATE user_book_progress SET progress = progress + 1")
    logged = db.execute_sql(
        "SELECT count(*) FROM sync_changes WHERE table_name = 'user_book_progress' AND seq > ?",
        (seq + 1,),
    ).fetchone()[0]
    assert logged == db.execute_sql("SELECT count(*) FROM user_book_progress").fetchone()[0]


def test_the_library_reads_as_before(migrated) -> None:
    """Every entry of the local user's library, with its progress and title, as at version 4."""
    _, before, _ = migrated
    old: dict[tuple[Kind, int], int] = {}
    media_types = {key: row["type"] for key, row in before["media_items"].items()}
    sources = [
        ("user_progress", "media_item_id", "progress", None),
        ("user_book_progress", "book_id", "current_page", Kind.BOOK),
        ("user_podcast_progress", "podcast_id", "episodes_listened", Kind.PODCAST),
    ]
    for table, item, progress, kind in sources:
        for row in before[table].values():
            if row["user_id"] == "local" and row["deleted_at"] is None:
                row_kind = kind or Kind(media_types[row[item]])
                old[(row_kind, row[item])] = row[progress]
    with database.connection_context():
        entries = Library().all_entries()
    assert {(e.kind, e.key.item_id): e.progress for e in entries} == old
    assert all(kind in {e.kind for e in entries} for kind in Kind)
    podcast_titles = {row["title"] for row in before["podcasts"].values()}
    assert {e.title for e in entries if e.kind is Kind.PODCAST} == podcast_titles
