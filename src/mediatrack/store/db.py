"""Opening the SQLite file: identity checks, pragmas, migrations, the local user.

A file is only written once it is known to be ours and not newer than this
code: a stranger's database, or one from a newer mediatrack, is refused
before any pragma or migration touches it. A file we may not write is opened
read-only, so reading works and a write fails; ``explain_failure`` turns that,
a full disk and the like into one sentence.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from peewee import IntegrityError, SqliteDatabase
from peewee import PeeweeException as PeeweeError

from mediatrack.errors import MediatrackError
from mediatrack.folding import fold_or_none
from mediatrack.store.models import LOCAL_USER_ID, SchemaVersion, User, database
from mediatrack.store.schema import (
    APPLICATION_ID,
    SQLITE_HEADER,
    Migration,
    latest_version,
    migrations,
)

__all__ = [
    "APPLICATION_ID",
    "LOCAL_USER_ID",
    "IntegrityError",
    "Migration",
    "StoreError",
    "connection",
    "explain_failure",
    "latest_version",
    "migrations",
    "open_database",
    "transaction",
]

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}


class StoreError(MediatrackError):
    """A database problem the user can act on; the message is one sentence."""


class NotAMediatrackDatabase(StoreError):
    pass


class SchemaTooNew(StoreError):
    pass


READ_ONLY_PRAGMAS = {name: value for name, value in PRAGMAS.items() if name != "journal_mode"}
_in_use: Path | None = None  # the file open_database opened last, for failure sentences


def read_schema_version(path: Path) -> int:
    """The schema version of the file at ``path``: 0 for a new or empty file.

    Reads without writing; raises when the file is not a mediatrack database.
    """
    if path.exists() and not path.is_file():
        raise NotAMediatrackDatabase(f"{path} is not a file, so not a mediatrack database.")
    if not path.exists():
        return 0
    try:
        with path.open("rb") as handle:  # st_size lies for /proc files: read to know
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StoreError(f"{path} cannot be read ({error.strerror}).") from None
    if not header:
        return 0
    if header != SQLITE_HEADER:
        raise NotAMediatrackDatabase(f"{path} is not a mediatrack database (not an SQLite file).")
    try:
        connection = sqlite3.connect(_read_only_uri(path), uri=True)
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
    except sqlite3.OperationalError as error:  # the disk, not the file's contents
        raise StoreError(
            explain_failure(error, path) or f"{path} cannot be read ({error})."
        ) from None
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
    global _in_use
    path = Path(path)
    current = read_schema_version(path)
    newest = latest_version()
    if current > newest:
        raise SchemaTooNew(
            f"{path} was written by a newer mediatrack (schema {current}, this one knows "
            f"up to {newest}); upgrade mediatrack to open it."
        )
    # SQLite writes beside the file too (-wal, -shm): a folder we may not write is read-only.
    read_only = path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
    if read_only and current < (target_version or newest):
        raise StoreError(
            f"{path} is read-only and was written by an older mediatrack; make it writable "
            "once so this one can upgrade it."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE: a write transaction takes the write lock at BEGIN, so concurrent
    # writers (worker threads, a CLI beside the app) queue instead of failing.
    if read_only:  # reading commands work; a write fails, and explain_failure says why
        db = SqliteDatabase(
            _read_only_uri(path), uri=True, pragmas=READ_ONLY_PRAGMAS, lock_type="IMMEDIATE"
        )
    else:
        db = SqliteDatabase(str(path), pragmas=PRAGMAS, lock_type="IMMEDIATE")
    # fold(text): accents and case folded as the TUI folds them, for the text filter.
    db.register_function(fold_or_none, "fold", 1, deterministic=True)
    database.initialize(db)
    _in_use = path
    try:
        with db.connection_context():
            migrate(db, current, target_version)
            if target_version is None and not read_only:
                ensure_local_user()
    except (sqlite3.Error, PeeweeError, OSError) as error:
        sentence = explain_failure(error, path)
        if sentence is None:
            raise
        raise StoreError(sentence) from None
    return db


def _read_only_uri(path: Path) -> str:
    """An SQLite URI that opens ``path`` without writing it.

    ``mode=ro`` needs the WAL index (``-shm``) to exist or be creatable; in a
    read-only folder without one, the file is opened as immutable instead.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        probe = sqlite3.connect(uri, uri=True)
        try:
            probe.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        finally:
            probe.close()
    except sqlite3.OperationalError:
        if os.access(path.parent, os.W_OK):
            return uri
        return f"{path.resolve().as_uri()}?immutable=1"
    return uri


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def explain_failure(error: BaseException, path: Path | None = None) -> str | None:
    """One sentence for a storage failure the user can act on, else None.

    Looks through the whole exception chain: a full disk surfaces as "cannot
    rollback" raised while handling the write that failed.
    """
    where = path or _in_use or "the library file"
    names: list[str] = []
    for link in _chain(error):
        name = getattr(link, "sqlite_errorname", None)
        if name:
            names.append(name)
        elif isinstance(link, OSError) and link.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            names.append("SQLITE_FULL")
        elif isinstance(link, OSError) and link.errno == errno.EROFS:
            names.append("SQLITE_READONLY")
        elif isinstance(link, OverflowError) and "SQLite INTEGER" in str(link):
            names.append("OVERFLOW")
    for name in names:
        if name.startswith("SQLITE_READONLY"):
            return (
                f"{where} is read-only, so mediatrack cannot change it; reading commands "
                "(list, episodes) still work."
            )
        if name == "SQLITE_FULL" or name.startswith("SQLITE_IOERR"):
            return (
                f"Could not write to {where}: the disk is full or failing "
                "(or a file size limit was reached); nothing was changed."
            )
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return f"{where} is busy (another mediatrack is writing to it); try again."
        if name.startswith("SQLITE_CANTOPEN"):
            return f"{where} cannot be opened; check that its folder and the file are readable."
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            return f"{where} is damaged; restore it from a backup or an export."
        if name == "OVERFLOW":
            return "A number given is too large for mediatrack to store."
    return None


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


@contextmanager
def transaction() -> Iterator[None]:
    """All or nothing: this thread's connection (as ``connection``) inside one transaction.

    Services use it around writes that must land together, so they never
    touch the peewee database object themselves. Nested uses become savepoints.
    """
    with connection(), database.atomic():
        yield
