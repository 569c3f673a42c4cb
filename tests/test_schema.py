"""The schema as SQLite sees it: tables, columns, indexes, constraints and pragmas."""

from __future__ import annotations

import re
import sqlite3

import peewee
import pytest
from peewee import SqliteDatabase

from mediatrack.store.db import APPLICATION_ID
from mediatrack.store.models import ALL_MODELS, LOCAL_USER_ID, User

INTEGRITY_ERRORS = (sqlite3.IntegrityError, peewee.IntegrityError)
NOW = "2024-05-01 12:00:00"

EXPECTED_TABLES = {
    "users",
    "sessions",
    "accounts",
    "media_items",
    "seasons",
    "episodes",
    "user_progress",
    "ratings",
    "books",
    "user_book_progress",
    "podcasts",
    "user_podcast_progress",
    "friendships",
    "episode_watches",
    "watch_positions",
    "podcast_episodes",
    "podcast_listens",
    "schema_version",
    "sync_state",
    "sync_changes",
    "sync_outbox",
    "import_review",
    "finish_dates",
    "past_episode_watches",
    "media_notes",
    "book_notes",
    "podcast_notes",
}

UNIQUE_INDEXES = [
    ("media_items", ("tmdb_id", "type")),
    ("user_progress", ("user_id", "media_item_id")),
    ("friendships", ("user_id", "friend_id")),
    ("seasons", ("tmdb_id",)),
    ("episodes", ("tmdb_id",)),
    ("books", ("google_id",)),
    ("podcasts", ("itunes_id",)),
    ("users", ("email",)),
    ("sessions", ("token",)),
    ("ratings", ("user_id", "media_item_id")),
    ("episode_watches", ("user_id", "episode_id")),
    ("watch_positions", ("user_id", "media_item_id")),
    ("podcast_episodes", ("podcast_id", "guid")),
    ("podcast_listens", ("user_id", "episode_id")),
    ("import_review", ("user_id", "row_key")),
    ("finish_dates", ("user_id", "kind", "item_id", "finished_on")),
]

LIBRARY_INDEXES = [  # step 2: what the library screens filter on
    ("user_progress", ("user_id", "status")),
    ("user_book_progress", ("user_id", "status")),
    ("user_podcast_progress", ("user_id", "status")),
    ("media_items", ("type",)),
]


# --- introspection helpers ----------------------------------------------------


def tables(db: SqliteDatabase) -> set[str]:
    rows = db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return {name for (name,) in rows}


def columns(db: SqliteDatabase, table: str) -> list[tuple]:
    """(name, declared type, not null, primary key) per column, in table order."""
    return [
        (name, kind, notnull, pk)
        for _cid, name, kind, notnull, _default, pk in db.execute_sql(
            f'PRAGMA table_info("{table}")'
        )
    ]


def indexes(db: SqliteDatabase, table: str) -> dict[str, tuple[bool, tuple[str, ...]]]:
    """index name -> (unique, indexed columns in order)."""
    found = {}
    for _seq, name, unique, _origin, _partial in db.execute_sql(f'PRAGMA index_list("{table}")'):
        info = sorted(db.execute_sql(f'PRAGMA index_info("{name}")'))
        found[name] = (bool(unique), tuple(column for _rank, _cid, column in info))
    return found


def foreign_keys(db: SqliteDatabase, table: str) -> set[tuple]:
    """(column, parent table, parent column, on update, on delete) per foreign key."""
    return {
        (column, parent, to, on_update, on_delete)
        for _id, _seq, parent, column, to, on_update, on_delete, _match in db.execute_sql(
            f'PRAGMA foreign_key_list("{table}")'
        )
    }


def checks(db: SqliteDatabase, table: str) -> list[str]:
    """The CHECK expressions in the table's CREATE statement."""
    (sql,) = db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    return sorted(re.findall(r"CHECK \(([^()]*(?:\([^()]*\)[^()]*)*)\)", sql))


def model_database() -> SqliteDatabase:
    """An in-memory database created straight from the peewee models."""
    reference = SqliteDatabase(":memory:", pragmas={"foreign_keys": 1})
    with reference.bind_ctx(ALL_MODELS):
        reference.create_tables(ALL_MODELS)
    return reference


def insert(db: SqliteDatabase, table: str, **values: object) -> None:
    """A raw INSERT, filling the timestamps the table has; the database alone judges it."""
    present = {name for name, *_ in columns(db, table)}
    for stamp in ("created_at", "updated_at"):
        if stamp in present:
            values.setdefault(stamp, NOW)
    names = ", ".join(f'"{name}"' for name in values)
    marks = ", ".join("?" for _ in values)
    db.execute_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(values.values()))


def count(db: SqliteDatabase, table: str) -> int:
    return db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


# --- structure ----------------------------------------------------------------


def test_every_table_exists(db: SqliteDatabase) -> None:
    assert tables(db) == EXPECTED_TABLES
    assert {model._meta.table_name for model in ALL_MODELS} == EXPECTED_TABLES


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda model: model._meta.table_name)
def test_columns_match_the_model_fields(db: SqliteDatabase, model: type[peewee.Model]) -> None:
    found = columns(db, model._meta.table_name)
    fields = model._meta.sorted_fields
    assert [name for name, *_ in found] == [field.column_name for field in fields]
    for (name, _kind, notnull, pk), field in zip(found, fields, strict=True):
        assert bool(notnull) == (not field.null or field.primary_key), name
        assert bool(pk) == field.primary_key, name


@pytest.mark.parametrize(("table", "indexed"), UNIQUE_INDEXES, ids=lambda value: str(value))
def test_unique_indexes(db: SqliteDatabase, table: str, indexed: tuple[str, ...]) -> None:
    assert (True, indexed) in indexes(db, table).values()


@pytest.mark.parametrize(("table", "indexed"), LIBRARY_INDEXES, ids=lambda value: str(value))
def test_library_indexes(db: SqliteDatabase, table: str, indexed: tuple[str, ...]) -> None:
    assert (False, indexed) in indexes(db, table).values()


def test_migrated_schema_matches_the_models(db: SqliteDatabase) -> None:
    """The frozen SQL of the migrations and the peewee models describe the same tables."""
    reference = model_database()
    assert tables(db) == tables(reference)
    constrained = [*PROGRESS_TABLES, "ratings", "media_items", "friendships"]
    assert all(checks(reference, table) for table in constrained)
    for table in sorted(tables(reference)):
        assert columns(db, table) == columns(reference, table), table
        assert indexes(db, table) == indexes(reference, table), table
        assert foreign_keys(db, table) == foreign_keys(reference, table), table
        assert checks(db, table) == checks(reference, table), table


def test_foreign_keys_cascade_from_users(db: SqliteDatabase) -> None:
    owned = [
        "sessions",
        "accounts",
        "user_progress",
        "ratings",
        "episode_watches",
        "user_book_progress",
        "user_podcast_progress",
        "watch_positions",
        "podcast_listens",
    ]
    for table in owned:
        assert ("user_id", "users", "id", "CASCADE", "CASCADE") in foreign_keys(db, table), table


# --- pragmas and seed rows ----------------------------------------------------


def test_pragmas_on_the_opened_connection(db: SqliteDatabase) -> None:
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_wal_mode_is_stored_in_the_file(db: SqliteDatabase, db_path) -> None:
    plain = sqlite3.connect(db_path)
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        plain.close()


def test_the_local_user_exists(db: SqliteDatabase) -> None:
    assert User.get_by_id(LOCAL_USER_ID).id == LOCAL_USER_ID
    assert count(db, "users") == 1


# --- constraints --------------------------------------------------------------


@pytest.fixture
def rows(db: SqliteDatabase) -> SqliteDatabase:
    """One valid row in each catalog table, a second user, a session."""
    insert(db, "users", id="bob", name="Bob", email="bob@example.com", email_verified=0)
    insert(db, "sessions", id="s1", expires_at=NOW, token="token-1", user_id="bob")
    insert(db, "media_items", id=1, tmdb_id=10, type="movie", title="Heat")
    insert(db, "media_items", id=2, tmdb_id=20, type="tv", title="The Wire")
    insert(db, "seasons", id=1, media_item_id=2, tmdb_id=100, season_number=1, name="S1")
    insert(db, "episodes", id=1, season_id=1, tmdb_id=1000, episode_number=1, name="E1")
    insert(db, "books", id=1, google_id="g-1", title="Dune")
    insert(db, "podcasts", id=1, itunes_id="i-1", collection_name="Radiolab")
    return db


PROGRESS_TABLES = {
    # table: (item column, progress column, a valid status)
    "user_progress": ("media_item_id", "progress", "watching"),
    "user_book_progress": ("book_id", "progress", "reading"),
    "user_podcast_progress": ("podcast_id", "progress", "listening"),
}


def progress_row(table: str, **overrides: object) -> dict[str, object]:
    item, progress, status = PROGRESS_TABLES[table]
    return {"user_id": LOCAL_USER_ID, item: 1, "status": status, progress: 3, **overrides}


@pytest.mark.parametrize("table", PROGRESS_TABLES)
def test_valid_progress_rows_are_accepted(rows: SqliteDatabase, table: str) -> None:
    insert(rows, table, **progress_row(table))
    assert count(rows, table) == 1


@pytest.mark.parametrize("table", PROGRESS_TABLES)
@pytest.mark.parametrize("status", ["finished", "", "WATCHING", "plan_to"])
def test_bad_status_is_rejected(rows: SqliteDatabase, table: str, status: str) -> None:
    with pytest.raises(INTEGRITY_ERRORS):
        insert(rows, table, **progress_row(table, status=status))
    assert count(rows, table) == 0


@pytest.mark.parametrize("table", PROGRESS_TABLES)
def test_another_kinds_status_is_rejected(rows: SqliteDatabase, table: str) -> None:
    foreign = {"user_progress": "reading", "user_book_progress": "listened"}
    status = foreign.get(table, "plan_to_watch")
    with pytest.raises(INTEGRITY_ERRORS):
        insert(rows, table, **progress_row(table, status=status))


@pytest.mark.parametrize("table", PROGRESS_TABLES)
def test_negative_progress_is_rejected(rows: SqliteDatabase, table: str) -> None:
    _item, progress, _status = PROGRESS_TABLES[table]
    with pytest.raises(INTEGRITY_ERRORS):
        insert(rows, table, **progress_row(table, **{progress: -1}))
    insert(rows, table, **progress_row(table, **{progress: 0}))
    assert count(rows, table) == 1


@pytest.mark.parametrize("rating", [0, 11, -3])
@pytest.mark.parametrize("table", ["user_book_progress", "user_podcast_progress"])
def test_progress_rating_out_of_range_is_rejected(
    rows: SqliteDatabase, table: str, rating: int
) -> None:
    with pytest.raises(INTEGRITY_ERRORS):
        insert(rows, table, **progress_row(table, rating=rating))
    assert count(rows, table) == 0


@pytest.mark.parametrize("rating", [1, 10, None])
@pytest.mark.parametrize("table", ["user_book_progress", "user_podcast_progress"])
def test_progress_rating_in_range_is_accepted(
    rows: SqliteDatabase, table: str, rating: int | None
) -> None:
    insert(rows, table, **progress_row(table, rating=rating))
    assert count(rows, table) == 1


@pytest.mark.parametrize("rating", [0, 11])
def test_ratings_out_of_range_are_rejected(rows: SqliteDatabase, rating: int) -> None:
    with pytest.raises(INTEGRITY_ERRORS):
        insert(rows, "ratings", user_id=LOCAL_USER_ID, media_item_id=1, rating=rating)
    assert count(rows, "ratings") == 0


@pytest.mark.parametrize("rating", [1, 10])
def test_ratings_in_range_are_accepted(rows: SqliteDatabase, rating: int) -> None:
    insert(rows, "ratings", user_id=LOCAL_USER_ID, media_item_id=1, rating=rating)
    assert rows.execute_sql("SELECT rating FROM ratings").fetchone()[0] == rating


@pytest.mark.parametrize("media_type", ["book", "Movie", "show", ""])
def test_bad_media_type_is_rejected(rows: SqliteDatabase, media_type: str) -> None:
    with pytest.raises(INTEGRITY_ERRORS):
        insert(rows, "media_items", tmdb_id=30, type=media_type, title="X")
    assert count(rows, "media_items") == 2


def test_friendship_with_oneself_is_rejected(rows: SqliteDatabase) -> None:
    with pytest.raises(INTEGRITY_ERRORS):
        insert(rows, "friendships", user_id="bob", friend_id="bob", status="pending")
    insert(rows, "friendships", user_id="bob", friend_id=LOCAL_USER_ID, status="pending")
    assert count(rows, "friendships") == 1


def test_bad_friendship_status_is_rejected(rows: SqliteDatabase) -> None:
    with pytest.raises(INTEGRITY_ERRORS):
        insert(rows, "friendships", user_id="bob", friend_id=LOCAL_USER_ID, status="blocked")


# Each case: a table, a row duplicating the unique columns of a row in `rows`
# (or inserted first by `first`), and the change that makes the row acceptable.
DUPLICATES = [
    (
        "users",
        {"id": "u2", "name": "Eve", "email": "bob@example.com", "email_verified": 0},
        {"email": "eve@example.com"},
    ),
    (
        "sessions",
        {"id": "s2", "expires_at": NOW, "token": "token-1", "user_id": "bob"},
        {"token": "token-2"},
    ),
    ("media_items", {"tmdb_id": 10, "type": "movie", "title": "Heat again"}, {"type": "tv"}),
    (
        "seasons",
        {"media_item_id": 2, "tmdb_id": 100, "season_number": 2, "name": "S2"},
        {"tmdb_id": 101},
    ),
    (
        "episodes",
        {"season_id": 1, "tmdb_id": 1000, "episode_number": 2, "name": "E2"},
        {"tmdb_id": 1001},
    ),
    ("books", {"google_id": "g-1", "title": "Dune, again"}, {"google_id": "g-2"}),
    (
        "podcasts",
        {"itunes_id": "i-1", "collection_name": "Radiolab, again"},
        {"itunes_id": "i-2"},
    ),
    (
        "user_progress",
        {"user_id": LOCAL_USER_ID, "media_item_id": 1, "status": "dropped", "progress": 0},
        {"media_item_id": 2},
    ),
    (
        "ratings",
        {"user_id": LOCAL_USER_ID, "media_item_id": 1, "rating": 4},
        {"user_id": "bob"},
    ),
    (
        "friendships",
        {"user_id": LOCAL_USER_ID, "friend_id": "bob", "status": "accepted"},
        {"user_id": "bob", "friend_id": LOCAL_USER_ID},
    ),
    (
        "episode_watches",
        {"user_id": LOCAL_USER_ID, "episode_id": 1, "watched_at": NOW},
        {"user_id": "bob"},
    ),
]
FIRST_ROWS = {
    "user_progress": {
        "user_id": LOCAL_USER_ID,
        "media_item_id": 1,
        "status": "watching",
        "progress": 0,
    },
    "ratings": {"user_id": LOCAL_USER_ID, "media_item_id": 1, "rating": 8},
    "friendships": {"user_id": LOCAL_USER_ID, "friend_id": "bob", "status": "pending"},
    "episode_watches": {"user_id": LOCAL_USER_ID, "episode_id": 1, "watched_at": NOW},
}


@pytest.mark.parametrize(("table", "row", "fix"), DUPLICATES, ids=[case[0] for case in DUPLICATES])
def test_unique_indexes_reject_duplicates(
    rows: SqliteDatabase, table: str, row: dict[str, object], fix: dict[str, object]
) -> None:
    if table in FIRST_ROWS:
        insert(rows, table, **FIRST_ROWS[table])
    before = count(rows, table)
    with pytest.raises(INTEGRITY_ERRORS, match="UNIQUE"):
        insert(rows, table, **row)
    assert count(rows, table) == before
    insert(rows, table, **{**row, **fix})
    assert count(rows, table) == before + 1


@pytest.mark.parametrize(
    ("table", "row"),
    [
        ("user_progress", progress_row("user_progress", user_id="nobody")),
        ("user_book_progress", progress_row("user_book_progress", book_id=99)),
        ("seasons", {"media_item_id": 99, "tmdb_id": 500, "season_number": 1, "name": "S1"}),
        ("friendships", {"user_id": "bob", "friend_id": "nobody", "status": "pending"}),
    ],
    ids=["user", "book", "media_item", "friend"],
)
def test_foreign_key_violation_is_rejected(
    rows: SqliteDatabase, table: str, row: dict[str, object]
) -> None:
    before = count(rows, table)
    with pytest.raises(INTEGRITY_ERRORS, match="FOREIGN KEY"):
        insert(rows, table, **row)
    assert count(rows, table) == before


def test_deleting_a_user_cascades_to_their_rows(rows: SqliteDatabase) -> None:
    insert(rows, "user_progress", **progress_row("user_progress", user_id="bob"))
    rows.execute_sql("DELETE FROM users WHERE id = 'bob'")
    assert count(rows, "user_progress") == 0
    assert count(rows, "sessions") == 0


def test_the_store_does_not_load_a_postgresql_driver() -> None:
    """peewee would import psycopg (~60 ms, ~11 MB) at start-up; the store hides it."""
    import subprocess
    import sys

    code = (
        "import sys, mediatrack.services.library, mediatrack.app; "
        "print(sorted(name for name in ('psycopg', 'psycopg2') if name in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
