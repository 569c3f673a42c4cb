"""import, export, backup and restore from the CLI, against the local catalog server."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from backup_text import in_sorted_key_order
from catalog_server import FEED_PATH, FakeCatalogs

TRAKT = [
    {
        "last_watched_at": "2020-05-02T20:00:00.000Z",
        "show": {"title": "Game of Thrones", "year": 2011, "ids": {"tmdb": 1399}},
        "seasons": [
            {
                "number": 1,
                "episodes": [
                    {"number": 1, "last_watched_at": "2020-05-01T20:00:00Z"},
                    {"number": 2, "last_watched_at": "2020-05-02T20:00:00Z"},
                ],
            }
        ],
    },
    {
        "watched_at": "2020-01-01T00:00:00Z",
        "type": "movie",
        "movie": {"title": "Fight Club", "year": 1999, "ids": {"tmdb": 550}},
    },
    {
        "rated_at": "2020-01-02T00:00:00Z",
        "rating": 9,
        "type": "movie",
        "movie": {"title": "Fight Club", "year": 1999, "ids": {"tmdb": 550}},
    },
]
GOODREADS = (
    "Book Id,Title,Author,ISBN,ISBN13,My Rating,Number of Pages,Date Read,Date Added,"
    "Exclusive Shelf\n"
    '1,Ruby,Cynthia Bond,"=""""","=""9780804188241""",4,336,2020/01/02,2019/12/01,read\n'
    "2,Broken,X,,,9,,,,read\n"
)


@pytest.fixture
def fake(httpserver, monkeypatch, db_path) -> FakeCatalogs:
    base = httpserver.url_for("/").rstrip("/")
    for name in ("MEDIATRACK_TMDB_URL", "MEDIATRACK_GOOGLE_BOOKS_URL", "MEDIATRACK_ITUNES_URL"):
        monkeypatch.setenv(name, base)
    monkeypatch.setenv("MEDIATRACK_TMDB_TOKEN", "test-token")
    return FakeCatalogs(httpserver)


@pytest.fixture
def files(tmp_path, fake):
    trakt = tmp_path / "trakt.json"
    trakt.write_text(json.dumps(TRAKT))
    goodreads = tmp_path / "goodreads.csv"
    goodreads.write_text(GOODREADS)
    opml = tmp_path / "subs.opml"
    opml.write_text(
        f'<opml version="2.0"><body><outline text="Kitchen Table" '
        f'xmlUrl="{fake.server.url_for(FEED_PATH)}"/></body></opml>'
    )
    return {"trakt": trakt, "goodreads": goodreads, "opml": opml}


def test_import_prints_the_summary_and_the_malformed_line(cli, files):
    result = cli("import", "goodreads", str(files["goodreads"]))
    assert result.code == 0, result.err
    assert "1 matched, 1 added, 0 updated" in result.out and "1 malformed" in result.out
    assert "line 3:" in result.out
    again = cli("import", "goodreads", str(files["goodreads"]), "--json")
    summary = json.loads(again.out)
    assert (summary["added"], summary["unchanged"], summary["malformed"]) == (0, 1, 1)


def test_dry_run_changes_nothing(cli, files):
    result = cli("import", "trakt", str(files["trakt"]), "--dry-run")
    assert "Would import trakt: 2 matched, 2 added" in result.out
    assert json.loads(cli("list", "--json").out) == []


def test_a_file_that_is_not_an_export_is_one_sentence(cli, tmp_path, fake):
    path = tmp_path / "notes.csv"
    path.write_text("Name,Colour\nx,y\n")
    result = cli("import", "goodreads", str(path))
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.count("\n") == 1 and "'Title'" in result.err
    assert cli("import", "goodreads").code == 1


def test_review_lists_rows_and_picks_a_match(cli, tmp_path, fake):
    path = tmp_path / "ratings.csv"
    path.write_text(
        "Const,Your Rating,Date Rated,Title,Title Type,Year\n"
        "tt7654321,7,2020-01-01,Unknown,movie,2010\n"
    )
    cli("import", "imdb", str(path))
    [row] = json.loads(cli("import", "review", "--json").out)
    assert row["title"] == "Unknown" and row["line"] == 2
    found = cli("import", "review", "--search", str(row["row"]), "fight club", "--json")
    assert found.code == 0 and "550" in [c["catalog_id"] for c in json.loads(found.out)]
    listed = cli("import", "review", "--search", str(row["row"]), "fight club")
    assert "Fight Club" in listed.out and f"--pick {row['row']} CATALOG_ID" in listed.out
    listing = cli("import", "review").out.splitlines()
    assert listing[0].split() == ["ROW", "TITLE", "SOURCE", "LINE", "WHY"]
    assert listing[1].split()[:2] == [str(row["row"]), "Unknown"]
    # its candidates under it, each with the id to pick; a year nobody knows is not "(None)"
    assert "Fight Club (1999) · 550" in listing[2] and listing[2].startswith("   ")
    assert "(None)" not in "\n".join(listing)
    picked = cli("import", "review", "--pick", str(row["row"]), "550")
    assert picked.code == 0 and "imported (1 added" in picked.out
    assert "Nothing to review." in cli("import", "review").out
    [entry] = json.loads(cli("list", "--json").out)
    # the item is what the user picked, under the catalog's name, not the file's
    assert (entry["tmdb_id"], entry["title"], entry["year"]) == ("550", "Fight Club", 1999)


def test_export_json_restores_into_an_empty_library_identically(cli, files, tmp_path, monkeypatch):
    for source in ("trakt", "goodreads", "opml"):
        assert cli("import", source, str(files[source])).code == 0
    assert cli("add", "book", "--title", "A Book By Hand", "--year", "1990").code == 0
    entries = {entry["kind"]: entry["id"] for entry in json.loads(cli("list", "--json").out)}
    assert cli("set", entries["book"], "--rating", "7").code == 0
    episodes = json.loads(cli("episodes", entries["podcast"], "--json").out)
    listened = str(episodes[-1]["id"])
    assert cli("watch", entries["podcast"], listened).code == 0
    first = tmp_path / "first.json"
    assert cli("export", "--format", "json", "-o", str(first)).code == 0
    backup = json.loads(first.read_text())
    assert first.read_text() == in_sorted_key_order(backup)
    assert {item["kind"] for item in backup["items"]} == {"tv", "movie", "book", "podcast"}
    [podcast] = [item for item in backup["items"] if item["kind"] == "podcast"]
    assert [e["listened_at"] is not None for e in podcast["episodes"]].count(True) == 1
    [show] = [item for item in backup["items"] if item["kind"] == "tv"]
    ticked = [e for s in show["seasons"] for e in s["episodes"] if e["watched_at"]]
    assert [e["watched_at"][:10] for e in ticked] == ["2020-05-01", "2020-05-02"]
    assert {(item["kind"], item["rating"]) for item in backup["items"]} >= {
        ("movie", 9),
        ("book", 7),
    }
    monkeypatch.setenv("MEDIATRACK_DB", str(tmp_path / "fresh.db"))
    monkeypatch.setenv("MEDIATRACK_TMDB_URL", "http://127.0.0.1:9")  # no network needed
    restored = cli("import", "mediatrack", str(first))
    assert restored.code == 0 and "5 added" in restored.out, restored.out
    second = tmp_path / "second.json"
    cli("export", "--format", "json", "-o", str(second))
    assert second.read_text() == first.read_text()
    again = cli("import", "mediatrack", str(first), "--json")
    assert json.loads(again.out)["unchanged"] == 5


def test_export_formats(cli, files, tmp_path):
    for source in ("trakt", "goodreads", "opml"):
        cli("import", source, str(files[source]))
    letterboxd = cli("export", "--format", "letterboxd").out
    assert letterboxd.splitlines()[1] == "550,Fight Club,1999,9,2020-01-01,false,"  # no review
    goodreads = cli("export", "--format", "goodreads").out
    assert "Ruby,Cynthia Bond" in goodreads and ",read," in goodreads
    assert "Kitchen Table" in cli("export", "--format", "opml").out
    folder = tmp_path / "sheets"
    assert cli("export", "--format", "csv", "-o", str(folder)).code == 0
    assert sorted(path.name for path in folder.iterdir()) == [
        "book.csv",
        "movie.csv",
        "podcast.csv",
        "tv.csv",
    ]
    assert cli("export", "--format", "csv").code == 1
    assert cli("export", "--format", "opml", "--kind", "book").code == 1


def test_backup_while_open_and_restore_after_checking(cli, files, tmp_path, db_path):
    cli("import", "trakt", str(files["trakt"]))
    target = tmp_path / "copy.db"
    assert cli("backup", str(target)).code == 0
    cli("remove", "movie:" + json.loads(cli("list", "--json").out)[0]["id"].split(":")[1])
    garbage = tmp_path / "garbage.db"
    garbage.write_text("not a database")
    refused = cli("restore", str(garbage))
    assert refused.code == 1 and "not a mediatrack database" in refused.err
    restored = cli("restore", str(target))
    assert restored.code == 0, restored.err
    assert "kept at" in restored.out
    assert len(json.loads(cli("list", "--json").out)) == 2
    aside = [p for p in db_path.parent.iterdir() if "before-restore" in p.name]
    assert aside and sqlite3.connect(aside[0]).execute("PRAGMA integrity_check").fetchone() == (
        "ok",
    )


def test_friends_come_back_from_a_backup_and_go_out_in_key_order(cli, tmp_path, fake):
    friend = {"asked_by_me": False, "email": "bo@example.org", "id": "u-bo", "name": "Bo"}
    backup = {"items": [], "friends": [{**friend, "status": "accepted"}]}
    path = tmp_path / "friends.json"
    path.write_text(json.dumps({"format": "mediatrack", "version": 1, **backup}))
    assert cli("import", "mediatrack", str(path)).code == 0
    out = tmp_path / "out.json"
    assert cli("export", "--format", "json", "-o", str(out)).code == 0
    assert json.loads(out.read_text())["friends"] == backup["friends"]
    assert out.read_text() == in_sorted_key_order(backup)


def test_the_import_bar_counts_rows_a_second_not_bytes():
    from types import SimpleNamespace

    from mediatrack.cli.exchange import _Bar
    from mediatrack.cli.progress import RateColumn

    columns = _Bar(True).progress.columns
    [rate] = [
        column
        for column in columns
        if "Speed" in type(column).__name__ or isinstance(column, RateColumn)
    ]
    task = SimpleNamespace(finished_speed=None, speed=150.0)
    assert str(rate.render(task)) == "150.0/s"  # rows, where a transfer column says "150 bytes/s"


def test_a_backup_with_columns_this_version_lacks_still_restores(cli, files, tmp_path, monkeypatch):
    """Readers ignore keys they do not know: a later backup's new columns are no traceback."""
    for source in ("trakt", "opml"):
        assert cli("import", source, str(files[source])).code == 0
    first = tmp_path / "first.json"
    assert cli("export", "-o", str(first)).code == 0
    backup = json.loads(first.read_text())
    for item in backup["items"]:
        item["metadata"]["a_later_column"] = "x"
        for season in item.get("seasons") or []:
            season["a_later_column"] = 1
            for episode in season["episodes"]:
                episode["a_later_column"] = 2
        for episode in item.get("episodes") or []:
            episode["a_later_column"] = 3
    later = tmp_path / "later.json"
    later.write_text(json.dumps(backup))
    monkeypatch.setenv("MEDIATRACK_DB", str(tmp_path / "fresh.db"))
    restored = cli("import", "mediatrack", str(later))
    assert restored.code == 0 and "3 added" in restored.out, restored.err
    second = tmp_path / "second.json"
    assert cli("export", "-o", str(second)).code == 0
    assert second.read_text() == first.read_text()


def test_a_hand_edited_backup_reports_its_bad_items_and_restores_the_rest(cli, tmp_path, fake):
    good = {"kind": "movie", "status": "completed", "catalog_id": "550", "title": "Fight Club"}
    items = [
        {**good, "catalog_id": None},
        {**good, "kind": "tv", "status": "watching", "seasons": "x"},
        {**good, "metadata": "junk"},
        {**good, "progress": 10**30},
        good,
    ]
    path = tmp_path / "edited.json"
    path.write_text(json.dumps({"format": "mediatrack", "version": 1, "items": items}))
    result = cli("import", "mediatrack", str(path))
    assert result.code == 0 and "Traceback" not in result.err, result.err
    assert "1 added" in result.out and "4 malformed" in result.out
    assert [line.split(":")[0].strip() for line in result.out.splitlines()[1:5]] == [
        "line 1",
        "line 2",
        "line 3",
        "line 4",
    ]


def test_export_says_how_many_items_the_file_holds(cli, files, tmp_path):
    cli("import", "trakt", str(files["trakt"]))
    assert cli("add", "movie", "--title", "Not Seen Yet", "--year", "2001").code == 0
    path = tmp_path / "films.csv"
    result = cli("export", "--format", "letterboxd", "-o", str(path))
    assert result.out.strip() == f"Wrote 1 item to {path}."  # the film not seen is not in it
    assert len(path.read_text().splitlines()) == 2


@pytest.mark.parametrize("typed", ["abc", "1.5", "", "-5", "99999999999999999999", "²"])
def test_picking_an_id_that_is_no_tmdb_id_is_one_sentence(cli, tmp_path, fake, typed):
    path = tmp_path / "ratings.csv"
    path.write_text(
        "Const,Your Rating,Date Rated,Title,Title Type,Year\ntt7654321,7,,X,movie,2010\n"
    )
    cli("import", "imdb", str(path))
    [row] = json.loads(cli("import", "review", "--json").out)
    result = cli("import", "review", "--pick", str(row["row"]), typed)
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert result.err.count("\n") == 1 and "is not a TMDB id" in result.err
    assert json.loads(cli("list", "--json").out) == []
    spaced = cli("import", "review", "--pick", str(row["row"]), " 550 ")
    assert spaced.code == 0 and "imported (1 added" in spaced.out, spaced.err


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs a folder no file can be made in")
def test_a_backup_that_cannot_be_written_names_the_backup_not_the_library(cli, files):
    cli("import", "trakt", str(files["trakt"]))
    result = cli("backup", "/proc/mediatrack-backup.db")
    assert result.code == 1 and "Traceback" not in result.err
    assert "/proc/mediatrack-backup.db" in result.err and "library file" not in result.err


def test_shelves_and_tags_the_library_cannot_keep_are_counted_not_dropped_unsaid(
    cli, tmp_path, fake
):
    path = tmp_path / "goodreads.csv"
    path.write_text(
        "Book Id,Title,Author,ISBN,ISBN13,My Rating,Bookshelves,Exclusive Shelf\n"
        '1,Ruby,Cynthia Bond,,,4,"read, favourites, owned",read\n'
        '2,Other,X,,,0,"to-read, favourites",to-read\n'
    )
    out = cli("import", "goodreads", str(path), "--dry-run").out
    assert "2 shelves or tags not kept (mediatrack has no tags): favourites (2), owned" in out
    summary = json.loads(cli("import", "goodreads", str(path), "--dry-run", "--json").out)
    assert summary["tags_not_kept"] == {"favourites": 2, "owned": 1}
