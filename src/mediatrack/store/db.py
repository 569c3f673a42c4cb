"""Opening the SQLite file: identity checks, pragmas, migrations, the local user.

A file is only written once it is known to be ours and not newer than this
code: a stranger's database, or one from a newer mediatrack, is refused
before any pragma or migration touches it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from peewee import IntegrityError, SqliteDatabase

from mediatrack.folding import fold_or_none
from mediatrack.store.models import LOCAL_USER_ID, SchemaVersion, User, database

__all__ = ["IntegrityError", "StoreError", "connection", "open_database"]

# PRAGMA application_id marks a file as a mediatrack database ("mtrk").
APPLICATION_ID = 0x6D74726B
SQLITE_HEADER = b"SQLite format 3\x00"
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}


class StoreError(Exception):
    """A database problem the user can act on; the message is one sentence."""


class NotAMediatrackDatabase(StoreError):
    pass


class SchemaTooNew(StoreError):
    pass


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The ordered migration steps: ``store/migrations/NNNN_name.sql``."""
    folder = resources.files("mediatrack.store") / "migrations"
    steps = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number, _, name = entry.name.removesuffix(".sql").partition("_")
            steps.append(Migration(int(number), name, entry.read_text(encoding="utf-8")))
    return sorted(steps, key=lambda step: step.version)


def latest_version() -> int:
    return migrations()[-1].version


def read_schema_version(path: Path) -> int:
    """The schema version of the file at ``path``: 0 for a new or empty file.

    Reads without writing; raises when the file is not a mediatrack database.
    """
    if path.exists() and not path.is_file():
        raise NotAMediatrackDatabase(f"{path} is not a file, so not a mediatrack database.")
    if not path.exists() or path.stat().st_size == 0:
        return 0
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise NotAMediatrackDatabase(f"{path} is not a mediatrack database (not an SQLite file).")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise NotAMediatrackDatabase(f"{path} cannot be opened: {error}.") from error
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if not tables and application_id == 0:
            return 0
        if application_id != APPLICATION_ID or "schema_version" not in tables:
            raise NotAMediatrackDatabase(
                f"{path} is an SQLite database of another program, not a mediatrack database."
            )
        row = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return row[0] or 0
    except sqlite3.DatabaseError as error:
        raise NotAMediatrackDatabase(f"{path} is not a mediatrack database ({error}).") from error
    finally:
        connection.close()


def _statements(script: str) -> Iterator[str]:
    """Split an SQL script into complete statements (``executescript`` would commit)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        yield pending.strip()


def migrate(db: SqliteDatabase, current: int, target: int | None = None) -> int:
    """Apply every step above ``current`` (up to ``target``), each in its own transaction.

    Foreign keys are off meanwhile (the pragma cannot change inside a transaction):
    a step that rebuilds a table drops the old one, which must cascade nowhere.
    """
    version = current
    db.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        for step in migrations():
            if step.version <= current or (target is not None and step.version > target):
                continue
            with db.atomic():
                for statement in _statements(step.sql):
                    db.execute_sql(statement)
                db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                SchemaVersion.create(version=step.version)
            version = step.version
    finally:
        db.execute_sql("PRAGMA foreign_keys = ON")
    return version


def ensure_local_user() -> None:
    """The user every row belongs to before a Google login."""
    User.insert(
        id=LOCAL_USER_ID, name="You", email="local@mediatrack.invalid"
    ).on_conflict_ignore().execute()


def open_database(path: Path, *, target_version: int | None = None) -> SqliteDatabase:
    """Open (creating if needed) and migrate the mediatrack database at ``path``.

    Binds the models to it and returns it. ``target_version`` stops the
    migrations early; tests use it to build old files.
    """
    path = Path(path)
    current = read_schema_version(path)
    newest = latest_version()
    if current > newest:
        raise SchemaTooNew(
            f"{path} was written by a newer mediatrack (schema {current}, this one knows "
            f"up to {newest}); upgrade mediatrack to open it."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE: a write transaction takes the write lock at BEGIN, so concurrent
    # writers (worker threads, a CLI beside the app) queue instead of failing.
    db = SqliteDatabase(str(path), pragmas=PRAGMAS, lock_type="IMMEDIATE")
    # fold(text): accents and case folded as the TUI folds them, for the text filter.
    db.register_function(fold_or_none, "fold", 1, deterministic=True)
    database.initialize(db)
    with db.connection_context():
        migrate(db, current, target_version)
        if target_version is None:
            ensure_local_user()
    return db


@contextmanager
def connection() -> Iterator[None]:
    """Use this thread's connection, opening it (and closing it after) only if needed.

    Unlike peewee's ``connection_context`` it nests: an inner use never closes
    a connection an outer one opened.
    """
    opened_here = database.is_closed()
    if opened_here:
        database.connect()
    try:
        yield
    finally:
        if opened_here:
            database.close()
