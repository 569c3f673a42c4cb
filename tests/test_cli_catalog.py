"""search, add by catalog id, episodes, watch and refresh from the CLI, on a local server."""

from __future__ import annotations

import json

import pytest

from catalog_server import FakeCatalogs
from mediatrack.cli import main


@pytest.fixture
def fake(httpserver, monkeypatch, db_path) -> FakeCatalogs:
    base = httpserver.url_for("/").rstrip("/")
    for name in ("MEDIATRACK_TMDB_URL", "MEDIATRACK_GOOGLE_BOOKS_URL", "MEDIATRACK_ITUNES_URL"):
        monkeypatch.setenv(name, base)
    monkeypatch.setenv("MEDIATRACK_TMDB_TOKEN", "test-token")
    return FakeCatalogs(httpserver)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_search_json_then_add_then_search_again(fake, capsys):
    fake.tv_search["results"][0]["id"] = 1399
    code, out, _ = run(capsys, "search", "tv", "game", "--json")
    assert code == 0
    [hit] = json.loads(out)
    assert hit == {
        "kind": "tv",
        "tmdb_id": "1399",
        "title": "Breaking Bad",
        "year": 2008,
        "subtitle": None,
        "in_library": False,
        "id": None,
    }
    code, out, _ = run(capsys, "add", "tv", "--tmdb-id", "1399")
    assert code == 0
    assert "Added 'Game of Thrones' as tv:" in out
    key = out.split(" as ")[1].split()[0]
    _, out, _ = run(capsys, "search", "tv", "game", "--json")
    assert json.loads(out)[0]["in_library"] is True
    assert json.loads(out)[0]["id"] == key


def test_episodes_watch_and_list_show_derived_progress(fake, capsys):
    _, out, _ = run(capsys, "add", "tv", "--tmdb-id", "1399")
    key = out.split(" as ")[1].split()[0]
    code, out, _ = run(capsys, "watch", key, "S01E03", "--through")
    assert code == 0
    assert "watching, progress S1E3 · 3/80" in out
    _, out, _ = run(capsys, "episodes", key, "--json")
    episodes = json.loads(out)
    assert len(episodes) == 90
    assert [e["code"] for e in episodes if e["watched"]] == ["S01E01", "S01E02", "S01E03"]
    assert all(not e["counts"] for e in episodes if e["season"] == 0)
    _, out, _ = run(capsys, "list", "--json")
    [entry] = json.loads(out)
    assert (entry["progress"], entry["last_episode"], entry["next_episode"]) == (3, "S1E3", "S1E4")
    code, out, _ = run(capsys, "watch", key, "s1e2", "--undo")
    assert "progress S1E3 · 2/80" in out


def test_podcast_episodes_are_ticked_by_id(fake, capsys):
    _, out, _ = run(capsys, "add", "podcast", "--itunes-id", "948976028")
    key = out.split(" as ")[1].split()[0]
    _, out, _ = run(capsys, "episodes", key, "--json")
    episodes = json.loads(out)
    salt = next(e for e in episodes if e["title"] == "Episode 3: Salt")
    assert salt["guid"] == "kts-2024-003"
    code, out, _ = run(capsys, "watch", key, str(salt["id"]))
    assert code == 0
    assert "listening, progress 1/4" in out
    code, _, err = run(capsys, "watch", key, "S01E01")
    assert code == 1
    assert "not a podcast episode id" in err


def test_refresh_all_reports_and_keeps_ticks(fake, capsys):
    _, out, _ = run(capsys, "add", "tv", "--tmdb-id", "1399")
    key = out.split(" as ")[1].split()[0]
    run(capsys, "watch", key, "S02E01")
    run(capsys, "add", "movie", "--title", "Hand made")  # skipped: nothing to refresh from
    code, out, err = run(capsys, "refresh", "--all")
    assert code == 0
    assert "Refreshed 1 item; 0 failed." in out
    assert err == ""  # not a terminal: no progress bar
    _, out, _ = run(capsys, "episodes", key, "--json")
    assert [e["code"] for e in json.loads(out) if e["watched"]] == ["S02E01"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "tv"], "Give --tmdb-id"),
        (["watch", "tv:999", "S01E01"], "no item tv:999"),
        (["refresh"], "Say which item"),
        (["refresh", "book:1"], "added by hand"),
        (["--db", "/", "list"], "is not a file"),
        (["episodes", "book:1"], "only shows and podcasts have episodes"),
    ],
)
def test_bad_requests_are_one_sentence(fake, capsys, argv, message):
    run(capsys, "add", "book", "--title", "A book")
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_no_tmdb_key_says_which_setting(fake, capsys, monkeypatch):
    monkeypatch.delenv("MEDIATRACK_TMDB_TOKEN")
    code, _, err = run(capsys, "search", "tv", "dark")
    assert code == 1
    assert "mediatrack config set tmdb.token" in err
    assert len(err.strip().splitlines()) == 1
