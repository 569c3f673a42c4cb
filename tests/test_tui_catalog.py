"""Searching, adding and ticking episodes through the keyboard, against a local catalog server.

Pilot drives the app; the catalogs are pytest-httpserver playing TMDB, iTunes
and a podcast feed (tests/catalog_server.py); the database is a real file.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import OptionList

from catalog_server import FakeCatalogs
from mediatrack.app import MediaTrackApp
from mediatrack.catalog.http import HttpOptions
from mediatrack.catalog.settings import CatalogSettings, build_catalog
from mediatrack.display.entries import next_text, progress_text
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey, LibraryEntry
from mediatrack.screens.item_detail import ItemDetailScreen
from mediatrack.screens.podcast_detail import PodcastDetailScreen
from mediatrack.screens.search import DEBOUNCE, SearchScreen
from mediatrack.screens.show_detail import ShowDetailScreen
from mediatrack.screens.shows import ShowsScreen
from mediatrack.services.catalog import CatalogService
from mediatrack.services.library import Library, NewItem
from mediatrack.store.db import open_database
from mediatrack.store.models import (
    Episode,
    EpisodeWatch,
    MediaItem,
    PodcastListen,
    Season,
    UserProgress,
)
from mediatrack.widgets.library_table import LibraryTable
from tui_helpers import SIZE, options, rendered_rows, settle, text_of, toasts

SEARCH_TV = "/3/search/tv"


@pytest.fixture
def fake(httpserver, db_path: Path) -> FakeCatalogs:
    catalogs = FakeCatalogs(httpserver)
    breaking_bad = copy.deepcopy(catalogs.shows[1399])
    breaking_bad.update(id=1396, name="Breaking Bad", original_name="Breaking Bad")
    catalogs.shows[1396] = breaking_bad
    return catalogs


@pytest.fixture
def app(fake: FakeCatalogs, db_path: Path) -> MediaTrackApp:
    return MediaTrackApp(db_path=db_path, catalog=fake.catalog())


def add(fake: FakeCatalogs, db_path: Path, kind: Kind, catalog_id: str):
    """Add an item before the app starts, as `mediatrack add` would."""
    open_database(db_path)
    return CatalogService(fake.catalog()).add(kind, catalog_id)


async def search(pilot, text: str) -> None:
    """Type ``text`` in the search dialog, then pause as a person would."""
    await pilot.press(*text)
    await pilot.pause(DEBOUNCE + 0.15)
    await settle(pilot)


def requests_to(httpserver, path: str) -> int:
    return sum(1 for request, _ in httpserver.log if request.path == path)


async def open_detail(pilot, mode_key: str = "1") -> None:
    """Go to a library and open the first item's detail screen."""
    await pilot.press(mode_key)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def watched_codes() -> set[str]:
    rows = (
        EpisodeWatch.select(Season.season_number, Episode.episode_number)
        .join(Episode)
        .join(Season)
        .where(EpisodeWatch.deleted_at.is_null())
        .tuples()
    )
    return {f"S{season}E{number}" for season, number in rows}


# --- search and add -------------------------------------------------------------------


async def test_typing_searches_once_per_pause(app, httpserver):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await search(pilot, "breaking")
        assert requests_to(httpserver, SEARCH_TV) == 1  # eight keystrokes, one pause, one request
        results = options(app, "#results")
        assert len(results) == 1
        assert "Breaking Bad" in results[0] and "2008" in results[0]
        assert "in library" not in results[0]
        await search(pilot, " bad")
        assert requests_to(httpserver, SEARCH_TV) == 2
        await pilot.press("x", "backspace")  # back to the words on screen: nothing to ask
        await pilot.pause(DEBOUNCE + 0.15)
        await settle(pilot)
        assert requests_to(httpserver, SEARCH_TV) == 2
        await pilot.press("down")
        assert app.screen.focused is app.screen.query_one("#results")
        await pilot.press("up")  # above the first result: back to the query
        assert app.screen.focused is app.screen.query_one("#query")


async def test_adding_a_show_from_the_dialog(app, httpserver):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await search(pilot, "breaking")
        await pilot.press("down", "enter")  # to the results, pick Breaking Bad
        await pilot.pause()
        assert app.screen.query_one(OptionList).highlighted == 2  # Plan to watch by default
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ShowsScreen)
        assert "Added Breaking Bad." in toasts(app)
        table = app.screen.query_one(LibraryTable)
        assert table.current is not None and table.current.title == "Breaking Bad"
        assert any(row.startswith("Breaking Bad") and "0/80" in row for row in rendered_rows(app))
    show = MediaItem.get(MediaItem.tmdb_id == 1396)
    assert show.seasons.count() == 9
    assert Episode.select().join(Season).where(Season.media_item == show).count() == 90
    assert UserProgress.get(media_item=show).status == "plan_to_watch"


async def test_adding_one_already_there_says_so_and_adds_nothing(app, fake, db_path):
    add(fake, db_path, Kind.TV, "1396")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await search(pilot, "breaking")
        assert "✓ in library" in options(app, "#results")[0]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)  # still open, still usable
        assert "already in your library" in text_of(app, "#message")
        assert "already in your library" in toasts(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ShowsScreen)
    assert MediaItem.select().where(MediaItem.tmdb_id == 1396).count() == 1
    assert len(Library().entries(Kind.TV)) == 1


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        (CatalogSettings(tmdb_url="http://127.0.0.1:9", tmdb_token="t"), "Cannot reach TMDB"),
        (CatalogSettings(tmdb_url="http://127.0.0.1:9"), "TMDB needs a token: press ctrl+o"),
    ],
    ids=["offline", "no-token"],
)
async def test_a_catalog_that_fails_is_a_sentence_and_the_app_goes_on(db_path, settings, words):
    options_ = HttpOptions(retries=0, cache=False, timeout=(0.5, 0.5))
    app = MediaTrackApp(db_path=db_path, catalog=build_catalog(settings, options_))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await search(pilot, "severance")
        assert isinstance(app.screen, SearchScreen)
        assert words in text_of(app, "#message")
        assert words in toasts(app)
        assert not app.screen.query_one("#results").loading
        await pilot.press("escape", "2")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "MoviesScreen"
        assert app.is_running


# --- a show's seasons and episodes ---------------------------------------------------------


async def test_ticking_episodes_in_the_show_screen(app, fake, db_path):
    entry = add(fake, db_path, Kind.TV, "1399")
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot)
        assert isinstance(app.screen, ShowDetailScreen)
        seasons = options(app, "#seasons")
        assert seasons[0] == "Season 1 · 0/10"
        assert seasons[-1].startswith("Specials · 0/10") and "not counted" in seasons[-1]
        assert "Next: S1E1" in text_of(app, "#show-header")

        await pilot.press("right", "space")  # into the episodes: tick S1E1
        await settle(pilot)
        assert watched_codes() == {"S1E1"}
        assert UserProgress.get(media_item=entry.key.item_id).status == "watching"
        header = text_of(app, "#show-header")
        assert "Watching" in header and "S1E1 · 1/80" in header and "Next: S1E2" in header
        assert options(app, "#episodes")[0].startswith("[x]   1")

        await pilot.press("S")  # the whole of season 1
        await settle(pilot)
        assert watched_codes() == {f"S1E{n}" for n in range(1, 11)}
        assert options(app, "#seasons")[0] == "Season 1 · 10/10 ✓"
        assert "S1E10 · 10/80" in text_of(app, "#show-header")

        await pilot.press("left", "down", "right", "down", "down", "t")  # S2E3 and all before
        await settle(pilot)
        assert watched_codes() == {f"S1E{n}" for n in range(1, 11)} | {"S2E1", "S2E2", "S2E3"}
        assert "S2E3 · 13/80" in text_of(app, "#show-header")
        assert "Next: S2E4" in text_of(app, "#show-header")

        await pilot.press("left", "end", "right", "space")  # a special: no progress
        await settle(pilot)
        assert "S0E1" in watched_codes()
        assert UserProgress.get(media_item=entry.key.item_id).progress == 13
        assert "S2E3 · 13/80" in text_of(app, "#show-header")

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ShowsScreen)
        row = next(row for row in rendered_rows(app) if row.startswith("Game of Thrones"))
        assert "S2E3 · 13/80" in row and "S2E4 · aired 2011-05-08" in row and "Watching" in row


async def test_unticking_and_the_last_episode_completes_an_ended_show(app, fake, db_path):
    entry = add(fake, db_path, Kind.TV, "1399")
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot)
        await pilot.press("right", "space", "space")  # tick, then untick S1E1
        await settle(pilot)
        assert watched_codes() == set()
        assert options(app, "#episodes")[0].startswith("[ ]")
        # Season 8 is the last regular season: t on its last episode ticks all 80.
        await pilot.press("left", "home", *["down"] * 7, "right", "end", "t")
        await settle(pilot)
        progress = UserProgress.get(media_item=entry.key.item_id)
        assert (progress.progress, progress.status) == (80, "completed")
        assert "All caught up." in text_of(app, "#show-header")


async def test_refresh_brings_a_new_season_and_keeps_the_ticks(app, fake, db_path, httpserver):
    add(fake, db_path, Kind.TV, "1399")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_detail(pilot)
        await pilot.press("right", "space")
        await settle(pilot)
        show = fake.shows[1399]
        show["seasons"].append({**show["seasons"][-1], "season_number": 9, "id": 999_009})
        show["status"] = "Returning Series"
        await pilot.press("R")
        await settle(pilot)
        assert "Season 9 · 0/10" in options(app, "#seasons")
        assert "S1E1 · 1/90" in text_of(app, "#show-header")
        assert "Refreshed Game of Thrones" in toasts(app)
    assert watched_codes() == {"S1E1"}


async def test_a_show_added_by_hand_has_nothing_to_tick_or_refresh(app, db_path, httpserver):
    open_database(db_path)
    Library().add(NewItem(Kind.TV, "Dark", 2017, total=26), "watching")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_detail(pilot)
        assert "Added by hand" in text_of(app, "#show-header")
        assert options(app, "#seasons") == []
        await pilot.press("space", "S", "t", "R")
        await settle(pilot)
        assert "nothing to refresh" in toasts(app)
        assert isinstance(app.screen, ShowDetailScreen)
    assert httpserver.log == []


# --- podcasts, movies and books -------------------------------------------------------------


async def test_ticking_a_podcast_episode(app, fake, db_path):
    entry = add(fake, db_path, Kind.PODCAST, "948976028")
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, "4")
        assert isinstance(app.screen, PodcastDetailScreen)
        episodes = options(app, "#episodes")
        assert episodes[0].startswith("[ ] 2024-03-05") and "Episode 3: Salt" in episodes[0]
        assert "1:02:03" in episodes[0]
        await pilot.press("space")
        await settle(pilot)
        assert PodcastListen.select().where(PodcastListen.deleted_at.is_null()).count() == 1
        assert options(app, "#episodes")[0].startswith("[x]")
        header = text_of(app, "#podcast-header")
        assert "Listening" in header and "1 of 4 episodes listened" in header
        fake.feed = fake.feed.replace(
            "<item>",
            "<item><title>Episode 4: Sugar</title><guid>kts-2024-004</guid>"
            "<pubDate>Tue, 02 Apr 2024 06:00:00 GMT</pubDate></item><item>",
            1,
        )
        await pilot.press("R")  # the new episode appears on top; the tick stays
        await settle(pilot)
        episodes = options(app, "#episodes")
        assert "Episode 4: Sugar" in episodes[0] and episodes[0].startswith("[ ]")
        assert episodes[1].startswith("[x]") and "Episode 3: Salt" in episodes[1]
        assert "1 of 5 episodes listened" in text_of(app, "#podcast-header")
        await pilot.press("escape")
        await settle(pilot)
    assert Library().entry(entry.key).progress == 1


async def test_movie_details_and_refresh(app, fake, db_path, httpserver):
    add(fake, db_path, Kind.MOVIE, "550")
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, "2")
        assert isinstance(app.screen, ItemDetailScreen)
        body = text_of(app, "#item-detail")
        assert "Fight Club" in body and "Runtime: 139 min" in body
        before = requests_to(httpserver, "/3/movie/550")
        await pilot.press("R")
        await settle(pilot)
        assert requests_to(httpserver, "/3/movie/550") == before + 1
        titles = [command.title for command in app.screen.palette_commands()]
        assert "Refresh metadata" in titles and "Back to the library" in titles
        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MoviesScreen"


async def test_an_empty_library_says_a_searches_the_catalog(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Press a to search TMDB" in text_of(app, "#empty")
        await pilot.press("3")
        await settle(pilot)
        assert "Press a to search Google Books" in text_of(app, "#empty")


def test_next_episode_text_says_when_it_airs():
    today = dt.date(2025, 2, 26)
    show = LibraryEntry(
        key=EntryKey(Kind.TV, 1),
        title="Severance",
        original_title=None,
        creator=None,
        release_date="2022-02-18",
        status="watching",
        progress=15,
        total=40,
        rating=None,
        updated_at=dt.datetime(2025, 2, 1),
        catalog_id="95396",
        last_episode="S2E5",
        next_episode="S2E6",
        next_air_date="2025-03-03",
    )
    assert progress_text(show) == "S2E5 · 15/40"
    assert next_text(show, today) == "S2E6 · in 5d"
    assert next_text(show, dt.date(2025, 3, 3)) == "S2E6 · today"
    assert next_text(show, dt.date(2025, 3, 20)) == "S2E6 · aired 2025-03-03"
    assert next_text(show, dt.date(2026, 6, 1)) == "S2E6 · aired 2025-03-03"
    assert next_text(show, dt.date(2024, 6, 1)) == "S2E6 · on 2025-03-03"
    assert next_text(replace(show, next_air_date=None), today) == "S2E6 · no date"
    assert next_text(replace(show, next_episode=None), today) == ""
    assert progress_text(replace(show, last_episode=None, progress=0)) == "0/40"


async def test_the_library_offers_add_and_details(app, fake, db_path):
    add(fake, db_path, Kind.TV, "1399")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Add a show" in titles and "Open details" in titles
        row = next(row for row in rendered_rows(app) if row.startswith("Game of Thrones"))
        assert "0/80" in row and "S1E1 · aired 2011-04-17" in row
