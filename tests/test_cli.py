"""The ``mediatrack`` command: add, list and set, in-process and as a real process."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CliResult
from mediatrack import __version__
from mediatrack.cli import build_parser
from mediatrack.kinds import KINDS, Kind

CATALOG_KEYS = {"tv": "tmdb_id", "movie": "tmdb_id", "book": "google_id", "podcast": "itunes_id"}
ENTRY_KEYS = {"id", "kind", "title", "year", "status", "progress", "rating"}


def added_id(result: CliResult) -> str:
    assert result.code == 0, result.err
    found = re.fullmatch(r"Added '.*' as (\w+:\d+) \(\w+\)\.\n", result.out)
    assert found, result.out
    return found.group(1)


def listed(cli, *args: str) -> list[dict]:
    result = cli("list", "--json", *args)
    assert result.code == 0, result.err
    assert result.err == ""
    return json.loads(result.out)


def by_id(entries: list[dict]) -> dict[str, dict]:
    return {entry["id"]: entry for entry in entries}


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, read outside mediatrack."""
    connection = sqlite3.connect(path)
    try:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
            )
        ]
        return {
            name: connection.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall()
            for name in names
        }
    finally:
        connection.close()


# --- round trips ----------------------------------------------------------------


def test_add_list_set_round_trip(cli, db_path: Path) -> None:
    item = added_id(cli("add", "movie", "--title", "Heat", "--year", "1995"))
    assert item.startswith("movie:")
    assert db_path.exists()

    table = cli("list")
    assert table.code == 0
    header, row = table.out.splitlines()
    assert header.split() == ["ID", "TITLE", "YEAR", "STATUS", "PROGRESS", "NEXT", "RATING"]
    assert row.split() == [item, "Heat", "1995", "plan_to_watch", "0/1"]

    changed = cli("set", item, "--status", "completed", "--rating", "8")
    assert changed.code == 0, changed.err
    assert changed.out == f"{item} 'Heat': completed, progress 1/1, rated 8/10\n"

    (entry,) = listed(cli)
    assert (entry["status"], entry["progress"], entry["rating"]) == ("completed", 1, 8)

    cleared = cli("set", item, "--rating", "none")
    assert cleared.code == 0
    assert listed(cli)[0]["rating"] is None


def test_list_json_has_the_documented_keys(cli) -> None:
    added = [  # (add arguments, kind, the catalog id `list --json` shows)
        (["tv", "--title", "The Wire", "--year", "2002", "--tmdb-id", "1438"], "tv", "1438"),
        (["movie", "--title", "Made at home"], "movie", None),
        (["book", "--title", "Dune", "--google-id", "B1N"], "book", "B1N"),
        (["book", "--title", "Zine", "--author", "Me"], "book", None),
        (["podcast", "--title", "Pod", "--itunes-id", "1200"], "podcast", "1200"),
        (["podcast", "--title", "Homebrew"], "podcast", None),
    ]
    ids = {added_id(cli("add", *args)): (args, kind, cid) for args, kind, cid in added}
    entries = by_id(listed(cli))
    assert entries.keys() == ids.keys()
    for item, (args, kind, catalog_id) in ids.items():
        entry = entries[item]
        catalog_key = CATALOG_KEYS[kind]
        assert ENTRY_KEYS | {catalog_key} <= entry.keys()
        assert not (set(CATALOG_KEYS.values()) - {catalog_key}) & entry.keys()
        assert entry["kind"] == kind
        assert entry["title"] == args[args.index("--title") + 1]
        assert entry[catalog_key] == catalog_id
        assert entry["year"] == (int(args[args.index("--year") + 1]) if "--year" in args else None)
        assert entry["status"] == KINDS[Kind(kind)].plan_status
        assert entry["progress"] == 0
        assert entry["rating"] is None


def test_list_filters_by_kind_and_status(cli) -> None:
    show = added_id(cli("add", "tv", "--title", "Show", "--status", "watching"))
    added_id(cli("add", "tv", "--title", "Other show"))
    book = added_id(cli("add", "book", "--title", "Book", "--status", "completed"))
    movie = added_id(cli("add", "movie", "--title", "Film", "--status", "completed"))
    assert [entry["id"] for entry in listed(cli, "--kind", "tv", "--status", "watching")] == [show]
    assert sorted(entry["id"] for entry in listed(cli, "--status", "completed")) == sorted(
        [book, movie]
    )
    assert {entry["kind"] for entry in listed(cli, "--kind", "shows")} == {"tv"}


def test_an_empty_library(cli) -> None:
    assert listed(cli) == []
    result = cli("list")
    assert result.code == 0
    assert "empty" in result.out


@pytest.mark.parametrize("kind", list(Kind))
def test_set_takes_the_id_that_list_prints(cli, kind: Kind) -> None:
    cli("add", kind.value, "--title", "First", "--total", "5")
    cli("add", kind.value, "--title", "Second", "--total", "5")
    rows = cli("list", "--kind", kind.value).out.splitlines()[1:]
    printed = {row.split()[1]: row.split()[0] for row in rows}
    json_ids = {entry["title"]: entry["id"] for entry in listed(cli)}
    assert printed == json_ids

    progress = 1 if kind is Kind.MOVIE else 3
    result = cli("set", printed["Second"], "--progress", str(progress))
    assert result.code == 0, result.err
    assert result.out.startswith(f"{printed['Second']} 'Second': ")
    entries = by_id(listed(cli))
    assert entries[printed["Second"]]["progress"] == progress
    assert entries[printed["First"]]["progress"] == 0


# --- refusals -------------------------------------------------------------------


BAD_COMMANDS = {
    "status of another kind": ["set", "{tv}", "--status", "reading"],
    "book status watching": ["set", "{book}", "--status", "watching"],
    "add with a foreign status": ["add", "podcast", "--title", "X", "--status", "completed"],
    "list with an unknown status": ["list", "--status", "bogus"],
    "list a kind with its wrong status": ["list", "--kind", "tv", "--status", "reading"],
    "rating 11": ["set", "{movie}", "--rating", "11"],
    "rating -1": ["set", "{book}", "--rating", "-1"],
    "rating text": ["set", "{movie}", "--rating", "great"],
    "negative progress": ["set", "{tv}", "--progress", "-1"],
    "progress past total": ["set", "{tv}", "--progress", "11"],
    "progress not a number": ["set", "{tv}", "--progress", "ten"],
    "negative total": ["add", "tv", "--title", "X", "--total", "-3"],
    "unknown kind": ["add", "film", "--title", "X"],
    "unknown kind in list": ["list", "--kind", "film"],
    "unknown item id": ["set", "tv:999999", "--status", "watching"],
    "item of another kind": ["set", "{movie_as_tv}", "--status", "watching"],
    "malformed item id": ["set", "heat", "--status", "watching"],
    "nothing to set": ["set", "{tv}"],
    "google id on a movie": ["add", "movie", "--title", "X", "--google-id", "abc"],
    "tmdb id on a book": ["add", "book", "--title", "X", "--tmdb-id", "12"],
    "tmdb id not a number": ["add", "movie", "--title", "X", "--tmdb-id", "abc"],
    "two catalog ids": ["add", "tv", "--title", "X", "--tmdb-id", "1", "--itunes-id", "2"],
    "duplicate": ["add", "movie", "--title", "Heat", "--year", "1995"],
    "empty title": ["add", "book", "--title", " "],
    "unknown command": ["frobnicate"],
    "unknown option": ["list", "--colour"],
}


@pytest.fixture
def filled(cli) -> dict[str, str]:
    """One item of each kind; returns their ids by kind."""
    ids = {
        "tv": added_id(cli("add", "tv", "--title", "Show", "--total", "10")),
        "movie": added_id(cli("add", "movie", "--title", "Heat", "--year", "1995")),
        "book": added_id(cli("add", "book", "--title", "Book", "--author", "A. Writer")),
        "podcast": added_id(cli("add", "podcast", "--title", "Pod", "--total", "3")),
    }
    assert cli("set", ids["tv"], "--progress", "4", "--rating", "7").code == 0
    assert cli("set", ids["book"], "--rating", "5").code == 0
    ids["movie_as_tv"] = ids["movie"].replace("movie:", "tv:")
    return ids


@pytest.mark.parametrize("args", BAD_COMMANDS.values(), ids=BAD_COMMANDS.keys())
def test_bad_input_fails_with_one_line_and_changes_nothing(
    cli, filled: dict[str, str], db_path: Path, args: list[str]
) -> None:
    before_json, before_rows = listed(cli), dump(db_path)

    result = cli(*[arg.format(**filled) for arg in args])

    assert result.code != 0
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("mediatrack")
    assert listed(cli) == before_json
    assert dump(db_path) == before_rows


def test_a_database_of_another_program_is_refused_untouched(cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.commit()
    connection.close()
    digest = hashlib.sha256(other.read_bytes()).hexdigest()

    result = cli("list", "--db", str(other))

    assert result.code != 0
    assert len(result.err.splitlines()) == 1
    assert "not a mediatrack database" in result.err
    assert hashlib.sha256(other.read_bytes()).hexdigest() == digest


# --- options --------------------------------------------------------------------


def test_version(cli, db_path: Path) -> None:
    result = cli("--version")
    assert result.code == 0
    assert result.out == f"mediatrack {__version__}\n"
    assert not db_path.exists()


def subcommands() -> list[str]:
    parser = build_parser()
    (action,) = [action for action in parser._actions if action.dest == "command"]
    return sorted(action.choices)


def test_the_subcommands_are_known() -> None:
    assert {"add", "list", "set"} <= set(subcommands())


@pytest.mark.parametrize("command", [[], *[[name] for name in subcommands()]], ids=str)
def test_help_works_everywhere(cli, db_path: Path, command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.code == 0
    assert result.out.startswith(" ".join(["usage: mediatrack", *command]))
    assert "--db" in result.out
    assert result.err == ""
    assert not db_path.exists()


def test_db_option_overrides_the_environment(cli, db_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "other.db"
    other.parent.mkdir()  # --db never creates folders (only the default location gets one)
    added_id(cli("add", "book", "--title", "Only elsewhere", "--db", str(other)))
    added_id(cli("--db", str(other), "add", "podcast", "--title", "Also elsewhere"))

    assert other.exists()
    assert not db_path.exists()
    titles = {entry["title"] for entry in listed(cli, "--db", str(other))}
    assert titles == {"Only elsewhere", "Also elsewhere"}
    assert listed(cli) == []  # $MEDIATRACK_DB: a new, empty library
    assert db_path.exists()


def test_the_environment_chooses_the_database(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "chosen.db"
    monkeypatch.setenv("MEDIATRACK_DB", str(chosen))
    added_id(cli("add", "tv", "--title", "Here"))
    assert sqlite3.connect(chosen).execute("SELECT title FROM media_items").fetchall() == [
        ("Here",)
    ]


# --- as a real process --------------------------------------------------------------


def mediatrack(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mediatrack", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),  # the isolated MEDIATRACK_DB, HOME and XDG dirs
        timeout=60,
    )


def test_as_a_process(db_path: Path) -> None:
    added = mediatrack(
        "add", "book", "--title", "Dune", "--author", "Frank Herbert", "--total", "412"
    )
    assert added.returncode == 0, added.stderr
    item = re.search(r" as (book:\d+) ", added.stdout).group(1)
    assert db_path.exists()

    changed = mediatrack("set", item, "--progress", "100", "--rating", "9")
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout == f"{item} 'Dune': reading, progress 100/412, rated 9/10\n"

    listing = mediatrack("list", "--json")
    assert listing.returncode == 0
    (entry,) = json.loads(listing.stdout)
    assert entry["id"] == item
    assert (entry["status"], entry["progress"], entry["rating"]) == ("reading", 100, 9)
    assert entry["google_id"] is None

    refused = mediatrack("set", item, "--status", "watching")
    assert refused.returncode != 0
    assert refused.stdout == ""
    assert len(refused.stderr.splitlines()) == 1
    assert json.loads(mediatrack("list", "--json").stdout) == [entry]
