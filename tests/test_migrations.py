"""Opening old, new, foreign and empty files: migrate ours, refuse the rest untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from mediatrack.store.db import (
    NotAMediatrackDatabase,
    SchemaTooNew,
    latest_version,
    migrations,
    open_database,
    read_schema_version,
)
from mediatrack.store.models import LOCAL_USER_ID

STEP_2_INDEXES = {
    "user_progress_user_id_status",
    "user_book_progress_user_id_status",
    "user_podcast_progress_user_id_status",
    "media_items_type",
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(path: Path, sql: str) -> list[tuple]:
    """Read ``path`` with a plain sqlite3 connection, outside peewee."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def index_names(path: Path) -> set[str]:
    return {name for (name,) in query(path, "SELECT name FROM sqlite_master WHERE type='index'")}


def versions(path: Path) -> list[int]:
    return [version for (version,) in query(path, "SELECT version FROM schema_version ORDER BY 1")]


def test_migration_steps_are_numbered_from_one_without_gaps() -> None:
    numbers = [step.version for step in migrations()]
    assert numbers == list(range(1, len(numbers) + 1))
    assert latest_version() == numbers[-1] >= 2
    assert all(step.sql.strip() for step in migrations())


def test_a_new_file_is_created_at_the_latest_version(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "library.db"
    open_database(path)
    assert versions(path) == list(range(1, latest_version() + 1))
    assert read_schema_version(path) == latest_version()
    assert query(path, "SELECT id FROM users") == [(LOCAL_USER_ID,)]


def test_target_version_builds_an_old_file(db_path: Path) -> None:
    open_database(db_path, target_version=1)
    assert versions(db_path) == [1]
    assert read_schema_version(db_path) == 1
    assert not STEP_2_INDEXES & index_names(db_path)


def test_an_old_file_is_migrated_to_the_latest_keeping_its_rows(db_path: Path) -> None:
    old = open_database(db_path, target_version=1)
    old.execute_sql(
        "INSERT INTO users (id, created_at, updated_at, name, email, email_verified) "
        "VALUES ('local', '2024-01-01', '2024-01-01', 'Me', 'me@example.com', 0)"
    )
    old.execute_sql(
        "INSERT INTO media_items (id, created_at, updated_at, tmdb_id, type, title) "
        "VALUES (7, '2024-01-01', '2024-01-01', 1396, 'tv', 'Breaking Bad')"
    )
    old.execute_sql(
        "INSERT INTO user_progress (created_at, updated_at, user_id, media_item_id, status, "
        "progress) VALUES ('2024-01-01', '2024-01-01', 'local', 7, 'watching', 12)"
    )
    old.close()
    seed_columns = (
        "id, created_at, updated_at, deleted_at, user_id, media_item_id, status, progress"
    )
    rows_before = query(db_path, f"SELECT {seed_columns} FROM user_progress")

    open_database(db_path)

    assert versions(db_path) == list(range(1, latest_version() + 1))
    assert max(versions(db_path)) == latest_version()
    assert index_names(db_path) >= STEP_2_INDEXES
    assert query(db_path, f"SELECT {seed_columns} FROM user_progress") == rows_before
    assert query(db_path, "SELECT runs FROM user_progress") == [(0,)]  # step 7: no rewatch yet
    assert query(db_path, "SELECT tmdb_id, title FROM media_items") == [(1396, "Breaking Bad")]
    # the local user written by hand is kept, not replaced
    assert query(db_path, "SELECT id, email FROM users") == [("local", "me@example.com")]


def test_reopening_an_up_to_date_file_changes_nothing(db_path: Path) -> None:
    open_database(db_path).close()
    schema = query(db_path, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
    users = query(db_path, "SELECT * FROM users")
    open_database(db_path).close()
    assert query(db_path, "SELECT type, name, sql FROM sqlite_master ORDER BY name") == schema
    assert query(db_path, "SELECT * FROM users") == users
    assert versions(db_path) == list(range(1, latest_version() + 1))


def test_a_newer_schema_is_refused_untouched(db_path: Path) -> None:
    open_database(db_path).close()
    newer = latest_version() + 1
    connection = sqlite3.connect(db_path)
    connection.execute("INSERT INTO schema_version VALUES (?, '2030-01-01')", (newer,))
    connection.commit()
    connection.close()
    digest = sha256(db_path)

    with pytest.raises(SchemaTooNew, match=f"schema {newer}"):
        open_database(db_path)

    assert sha256(db_path) == digest
    assert max(versions(db_path)) == newer


def make_foreign_sqlite(path: Path, table_sql: str) -> None:
    connection = sqlite3.connect(path)
    connection.execute(table_sql)
    connection.execute(f"INSERT INTO {table_sql.split()[2]} VALUES (1, 'x')")
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    "table_sql",
    [
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",
        # another program's migration table is not ours either
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT)",
    ],
    ids=["notes", "schema_version"],
)
def test_an_sqlite_file_of_another_program_is_refused_untouched(
    tmp_path: Path, table_sql: str
) -> None:
    path = tmp_path / "other.db"
    make_foreign_sqlite(path, table_sql)
    digest = sha256(path)
    siblings = sorted(tmp_path.iterdir())

    with pytest.raises(NotAMediatrackDatabase, match="another program"):
        open_database(path)

    assert sha256(path) == digest
    assert sorted(tmp_path.iterdir()) == siblings


@pytest.mark.parametrize(
    "content",
    [b"this is a text file, not a database\n" * 20, b"SQLite", b"\x00" * 4096],
    ids=["text", "short", "zeros"],
)
def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    digest = sha256(path)
    siblings = sorted(tmp_path.iterdir())

    with pytest.raises(NotAMediatrackDatabase, match="not an SQLite file"):
        open_database(path)

    assert sha256(path) == digest
    assert sorted(tmp_path.iterdir()) == siblings


def test_an_sqlite_header_over_garbage_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 2000)
    digest = sha256(path)
    with pytest.raises(NotAMediatrackDatabase):
        open_database(path)
    assert sha256(path) == digest


def test_an_empty_file_is_accepted_as_new(db_path: Path) -> None:
    db_path.write_bytes(b"")
    assert read_schema_version(db_path) == 0
    open_database(db_path)
    assert db_path.stat().st_size > 0
    assert versions(db_path) == list(range(1, latest_version() + 1))
    assert query(db_path, "SELECT id FROM users") == [(LOCAL_USER_ID,)]
