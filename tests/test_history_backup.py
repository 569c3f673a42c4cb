"""The JSON backup carries notes, runs and the ticks of earlier runs, and restores them."""

from __future__ import annotations

import json

import pytest

from backup_text import in_sorted_key_order
from catalog_server import FakeCatalogs

TRAKT = [
    {
        "last_watched_at": "2020-05-02T20:00:00.000Z",
        "show": {"title": "Game of Thrones", "year": 2011, "ids": {"tmdb": 1399}},
        "seasons": [
            {"number": 1, "episodes": [{"number": 1, "last_watched_at": "2020-05-01T20:00:00Z"}]}
        ],
    },
    {
        "watched_at": "2020-01-01T00:00:00Z",
        "type": "movie",
        "movie": {"title": "Fight Club", "year": 1999, "ids": {"tmdb": 550}},
    },
]


@pytest.fixture
def fake(httpserver, monkeypatch, db_path) -> FakeCatalogs:
    base = httpserver.url_for("/").rstrip("/")
    for name in ("MEDIATRACK_TMDB_URL", "MEDIATRACK_GOOGLE_BOOKS_URL", "MEDIATRACK_ITUNES_URL"):
        monkeypatch.setenv(name, base)
    monkeypatch.setenv("MEDIATRACK_TMDB_TOKEN", "test-token")
    return FakeCatalogs(httpserver)


def test_a_backup_round_trip_keeps_notes_and_runs(cli, fake, tmp_path, monkeypatch):
    trakt = tmp_path / "trakt.json"
    trakt.write_text(json.dumps(TRAKT))
    assert cli("import", "trakt", str(trakt)).code == 0
    items = {item["title"]: item["id"] for item in json.loads(cli("list", "--json").out)}
    show, movie = items["Game of Thrones"], items["Fight Club"]
    total = next(i["total"] for i in json.loads(cli("list", "--json").out) if i["id"] == show)
    assert cli("set", show, "--progress", str(total), "--status", "completed", "--yes").code == 0
    assert cli("rewatch", show, "--yes").code == 0
    assert cli("set", show, "--progress", "2", "--yes").code == 0
    assert cli("set", movie, "--status", "completed").code == 0
    assert cli("rewatch", movie, "--yes").code == 0
    assert cli("set", movie, "--note", "Rule one\nRule two", "--share-note").code == 0
    assert cli("set", show, "--note", "winter").code == 0

    first = tmp_path / "first.json"
    assert cli("export", "--format", "json", "-o", str(first)).code == 0
    assert first.read_text() == in_sorted_key_order(json.loads(first.read_text()))
    saved = {item["title"]: item for item in json.loads(first.read_text())["items"]}
    assert saved["Fight Club"]["note"] == "Rule one\nRule two"
    assert saved["Fight Club"]["note_shared"] is True and saved["Fight Club"]["runs"] == 1
    assert saved["Game of Thrones"]["runs"] == 1
    assert len(saved["Game of Thrones"]["past_runs"]) == total
    assert saved["Game of Thrones"]["progress"] == 2

    monkeypatch.setenv("MEDIATRACK_DB", str(tmp_path / "fresh.db"))
    monkeypatch.setenv("MEDIATRACK_TMDB_URL", "http://127.0.0.1:9")  # no network needed
    assert cli("import", "mediatrack", str(first)).code == 0
    second = tmp_path / "second.json"
    cli("export", "--format", "json", "-o", str(second))
    assert second.read_text() == first.read_text()
    items = {item["title"]: item["id"] for item in json.loads(cli("list", "--json").out)}
    history = json.loads(cli("history", items["Game of Thrones"], "--json", "--limit", "500").out)
    assert sorted({event["run"] for event in history if event["event"] == "watched"}) == [1, 2]


def test_restoring_an_older_backup_keeps_notes_written_or_cleared_since(cli, fake, tmp_path):
    trakt = tmp_path / "trakt.json"
    trakt.write_text(json.dumps(TRAKT))
    assert cli("import", "trakt", str(trakt)).code == 0
    items = {item["title"]: item["id"] for item in json.loads(cli("list", "--json").out)}
    show, movie = items["Game of Thrones"], items["Fight Club"]
    assert cli("set", movie, "--note", "first thoughts").code == 0
    assert cli("set", show, "--note", "winter").code == 0
    old = tmp_path / "old.json"
    assert cli("export", "--format", "json", "-o", str(old)).code == 0

    assert cli("set", movie, "--note", "second thoughts").code == 0  # after the backup
    assert cli("set", show, "--note", "", "--yes").code == 0  # cleared after the backup
    assert cli("import", "mediatrack", str(old)).code == 0

    def notes() -> dict[str, str | None]:
        out = tmp_path / "now.json"
        cli("export", "--format", "json", "-o", str(out))
        return {item["title"]: item.get("note") for item in json.loads(out.read_text())["items"]}

    assert notes() == {"Fight Club": "second thoughts", "Game of Thrones": None}
    refused = cli("import", "mediatrack", str(old), "--mode", "overwrite")
    assert refused.code == 1 and "--yes" in refused.err  # the file would win: it asks
    assert notes() == {"Fight Club": "second thoughts", "Game of Thrones": None}
    assert cli("import", "mediatrack", str(old), "--mode", "overwrite", "--yes").code == 0
    assert notes() == {"Fight Club": "first thoughts", "Game of Thrones": "winter"}


def test_an_only_new_restore_adds_no_note_or_run_to_an_item_held_already(
    cli, fake, tmp_path, monkeypatch
):
    trakt = tmp_path / "trakt.json"
    trakt.write_text(json.dumps(TRAKT))
    assert cli("import", "trakt", str(trakt)).code == 0
    movie = {i["title"]: i["id"] for i in json.loads(cli("list", "--json").out)}["Fight Club"]
    assert cli("set", movie, "--status", "completed").code == 0
    assert cli("rewatch", movie, "--yes").code == 0
    assert cli("set", movie, "--note", "rule one").code == 0
    old = tmp_path / "old.json"
    assert cli("export", "--format", "json", "-o", str(old)).code == 0

    monkeypatch.setenv("MEDIATRACK_DB", str(tmp_path / "other.db"))  # another device's library
    assert cli("import", "trakt", str(trakt)).code == 0  # the same items, no note, no rewatch

    def saved() -> dict:
        out = tmp_path / "now.json"
        cli("export", "--format", "json", "-o", str(out))
        return {i["title"]: i for i in json.loads(out.read_text())["items"]}["Fight Club"]

    before = saved()
    assert cli("import", "mediatrack", str(old), "--mode", "only-new").code == 0
    assert saved() == before  # held already: neither the note nor the run count came
    assert cli("import", "mediatrack", str(old)).code == 0  # merge: they do
    assert saved()["note"] == "rule one" and saved()["runs"] == 1
