"""The first page read with sqlite3 alone, before the app imports the ORM: the same rows as
the library service reads, and nothing read from a file that is not ready to be read."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from pathlib import Path

import pytest

from mediatrack.kinds import KINDS, Kind
from mediatrack.services.library import Library, NewItem
from mediatrack.services.startup import FirstRead
from mediatrack.store.db import latest_version, open_database
from mediatrack.store.first_rows import read_first_page
from mediatrack.store.models import database

ROOT = Path(__file__).resolve().parents[1]


def builder():
    """The benchmarks' library builder: shows with seasons, ticks, watch positions, ratings."""
    spec = importlib.util.spec_from_file_location(
        "benchmark_library", ROOT / "benchmarks/library.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def built(db_path: Path) -> Path:
    """A library of 80 items of every kind, with a few titles past ASCII."""
    builder().build_library(db_path, 80)
    open_database(db_path)
    library = Library()
    for kind in Kind:
        for title in ("Ça tourne", "Über", "échos"):
            library.add(NewItem(kind, title), KINDS[kind].statuses[0])
    database.close()
    return db_path


@pytest.mark.parametrize("kind", list(Kind))
def test_the_first_read_is_the_library_services_first_page(built: Path, kind: Kind) -> None:
    page = read_first_page(built, kind, 12)
    open_database(built)
    expected = Library().first_page(kind, 12)
    assert page is not None
    assert page == expected
    assert len(page.entries) == 12 and page.total == len(Library().entries(kind))
    if kind is Kind.TV:  # the columns the ORM's read fills: episodes, ratings
        assert any(entry.next_episode for entry in page.entries)
        assert any(entry.rating is not None for entry in page.entries)


def test_the_first_read_is_that_of_whoever_is_signed_in(built: Path) -> None:
    from mediatrack.store.identity import Profile, current_user, sign_in

    open_database(built)
    sign_in(Profile("google-sub-1", "Ann", "ann@example.com", email_verified=True))
    assert current_user().id == "google-sub-1"
    expected = Library("google-sub-1").first_page(Kind.TV, 5)
    database.close()
    assert expected.entries  # the local rows now belong to Ann
    assert read_first_page(built, Kind.TV, 5) == expected


def test_an_empty_library_reads_as_an_empty_page(db_path: Path) -> None:
    open_database(db_path)
    database.close()
    page = read_first_page(db_path, Kind.TV, 10)
    assert page is not None and page.entries == [] and page.total == 0


def test_a_file_that_needs_migrating_is_not_read_nor_touched(db_path: Path) -> None:
    open_database(db_path, target_version=latest_version() - 1)
    database.close()
    before = db_path.read_bytes()
    assert read_first_page(db_path, Kind.TV, 10) is None
    assert db_path.read_bytes() == before


def test_a_file_from_a_newer_mediatrack_is_not_read(db_path: Path) -> None:
    open_database(db_path)
    database.close()
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (?, '2030-01-01')",
            (latest_version() + 1,),
        )
    connection.close()
    assert read_first_page(db_path, Kind.TV, 10) is None


def test_what_is_not_a_library_is_not_read_and_nothing_is_created(tmp_path: Path) -> None:
    stranger = tmp_path / "other.db"
    with sqlite3.connect(stranger) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    connection.close()
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 50)
    missing = tmp_path / "missing.db"
    for path in (stranger, text, missing, tmp_path):
        assert read_first_page(path, Kind.TV, 10) is None
    assert not missing.exists()
    assert sorted(path.name for path in tmp_path.iterdir() if path.name != "home") == [
        "notes.txt",
        "other.db",
    ]


def test_the_read_runs_in_a_thread_and_is_taken_when_done(built: Path) -> None:
    read = FirstRead(built)
    page = read.wait()
    assert read.done and read.kind is Kind.TV
    assert page is not None and read.ready() == page
    assert [entry.kind for entry in page.entries] == [Kind.TV] * len(page.entries)
    assert FirstRead(built.with_name("missing.db")).wait() is None
