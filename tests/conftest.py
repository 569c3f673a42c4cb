"""Fixtures every test can use: no test reads or writes the user's real files.

Kept free of TUI specifics so the app's tests can build on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from peewee import SqliteDatabase

from mediatrack.services.library import Library
from mediatrack.store.db import open_database
from mediatrack.store.models import database


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point HOME, the XDG dirs and MEDIATRACK_DB into ``tmp_path``; yield the database path.

    Afterwards the models are unbound, so a test that forgets to open a database
    fails loudly instead of using the previous test's file.
    """
    home = tmp_path / "home"
    dirs = {
        "HOME": home,
        "XDG_DATA_HOME": home / ".local" / "share",
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_CACHE_HOME": home / ".cache",
    }
    for name, folder in dirs.items():
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(folder))
    db_file = tmp_path / "mediatrack.db"
    monkeypatch.setenv("MEDIATRACK_DB", str(db_file))
    monkeypatch.setenv("MEDIATRACK_IMAGES_SHOW", "off")  # posters: tests that want them say so
    yield db_file
    if database.obj is not None:
        database.obj.close()
    database.initialize(None)


@pytest.fixture
def db_path(isolated_environment: Path) -> Path:
    """The test's database file (also in ``$MEDIATRACK_DB``); not created yet."""
    return isolated_environment


@pytest.fixture
def db(db_path: Path) -> SqliteDatabase:
    """A freshly created and migrated database at ``db_path``, bound to the models."""
    return open_database(db_path)


@pytest.fixture
def library(db: SqliteDatabase) -> Library:
    """The local user's library on the test's fresh database."""
    return Library()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a fresh PostgreSQL database, dropped after the test (see pg_server.py)."""
    from pg_server import throwaway_database

    with throwaway_database() as url:
        yield url


class CliResult(NamedTuple):
    """What one in-process ``mediatrack`` run returned and printed."""

    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``mediatrack ARGS...`` in this process; argparse's exits become exit codes."""
    from mediatrack.cli import main

    def run(*args: str) -> CliResult:
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = 0 if exit_.code is None else int(exit_.code)
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


@pytest.fixture
def google(httpserver, monkeypatch: pytest.MonkeyPatch):
    """A local server playing Google's device flow, with the MEDIATRACK_GOOGLE_* settings set."""
    from auth_server import FakeGoogle

    server = FakeGoogle(httpserver)
    for name, value in server.environ().items():
        monkeypatch.setenv(name, value)
    return server


@pytest.fixture
def keyring_memory():
    """An in-memory keyring in place of the OS one, for the duration of the test."""
    from auth_server import MemoryKeyring, installed_keyring

    with installed_keyring(MemoryKeyring()) as backend:
        yield backend
