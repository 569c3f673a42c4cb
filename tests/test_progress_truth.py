"""What the user recorded is never lost or contradicted: progress is the ticks, refresh keeps
every choice, destructive changes ask first and can be undone.

Each test is one of the reproductions found by trying mediatrack as a new user.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from catalog_server import FakeCatalogs, fixture
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.services.catalog import CatalogService
from mediatrack.services.episodes import Episodes
from mediatrack.services.library import (
    AlreadyInLibrary,
    InvalidValue,
    Library,
    NeedsConfirmation,
    NewItem,
)
from mediatrack.store.models import Episode, EpisodeWatch, MediaItem, UserPodcastProgress

TODAY = dt.date.today()


@pytest.fixture
def fake(httpserver, monkeypatch, library) -> FakeCatalogs:
    base = httpserver.url_for("/").rstrip("/")
    for name in ("MEDIATRACK_TMDB_URL", "MEDIATRACK_GOOGLE_BOOKS_URL", "MEDIATRACK_ITUNES_URL"):
        monkeypatch.setenv(name, base)
    monkeypatch.setenv("MEDIATRACK_TMDB_TOKEN", "test-token")
    return FakeCatalogs(httpserver)


@pytest.fixture
def service(fake) -> CatalogService:
    return CatalogService(fake.catalog())


def ticked_podcast(service: CatalogService, key: EntryKey) -> int:
    return sum(e.listened for e in Episodes().podcast_episodes(key))


def ticked_show(key: EntryKey) -> list[str]:
    return [e.code for e in Episodes().show_episodes(key) if e.watched and e.season_number]


# --- 1. podcast progress is its listened episodes ----------------------------------------


def test_plus_on_a_podcast_ticks_its_oldest_episode(service):
    key = service.add(Kind.PODCAST, "948976028").key
    library = Library()
    for _ in range(3):
        entry = library.step_progress(key, 1)
    assert entry.progress == ticked_podcast(service, key) == 3
    rows = Episodes().podcast_episodes(key)  # newest first
    assert [row.listened for row in rows] == [False, True, True, True]
    entry = library.step_progress(key, -1)
    assert entry.progress == ticked_podcast(service, key) == 2
    assert [row.listened for row in Episodes().podcast_episodes(key)][-2:] == [True, True]


def test_set_progress_on_a_podcast_ticks_and_refresh_keeps_it(service, cli):
    key = service.add(Kind.PODCAST, "948976028").key
    result = cli("set", str(key), "--progress", "3")
    assert result.code == 0, result.err
    assert "progress 3/4" in result.out
    listed = json.loads(cli("episodes", str(key), "--json").out)
    assert sum(row["listened"] for row in listed) == 3
    result = cli("refresh", str(key))
    assert result.code == 0, result.err
    assert "progress 3/4" in result.out
    result = cli("refresh", "--all")
    assert Library().entry(key).progress == ticked_podcast(service, key) == 3


def test_lowering_a_podcast_below_its_ticks_asks_first(service, cli):
    key = service.add(Kind.PODCAST, "948976028").key
    Library().set_progress(key, 4)
    result = cli("set", str(key), "--progress", "1")
    assert result.code == 1
    assert "Untick 3 episodes of" in result.err and "--yes" in result.err
    assert ticked_podcast(service, key) == 4
    assert cli("set", str(key), "--progress", "1", "--yes").code == 0
    assert Library().entry(key).progress == ticked_podcast(service, key) == 1


def test_refresh_keeps_a_podcast_count_recorded_before_its_ticks(service):
    """A library made by an older mediatrack: 3 listened on record, 2 ticks."""
    key = service.add(Kind.PODCAST, "948976028").key
    Library().set_progress(key, 2)
    UserPodcastProgress.update(progress=3).execute()
    entry = service.refresh(key)
    assert entry.progress == ticked_podcast(service, key) == 3


# --- 2. lowering a show's progress never silently unticks ---------------------------------


def sixteen_ticks(service: CatalogService) -> EntryKey:
    key = service.add(Kind.TV, "1399").key
    episodes = Episodes()
    episodes.watch_through(key, episodes.find(key, "S01E06").id)
    episodes.set_season_watched(key, 2, True)
    return key


def test_set_progress_below_the_ticks_is_refused_without_yes(service, cli):
    key = sixteen_ticks(service)
    result = cli("set", str(key), "--progress", "3")
    assert result.code == 1
    assert "Untick 13 episodes of Game of Thrones?" in result.err
    assert len(ticked_show(key)) == 16
    result = cli("set", str(key), "--progress", "3", "--yes")
    assert result.code == 0, result.err
    assert ticked_show(key) == ["S01E01", "S01E02", "S01E03"]


def test_raising_a_show_s_progress_ticks_the_gaps_and_unticks_nothing(service):
    key = sixteen_ticks(service)
    entry = Library().set_progress(key, 18)
    assert entry.progress == 18
    assert ticked_show(key)[:8] == [f"S01E0{n}" for n in range(1, 9)]
    assert "S02E10" in ticked_show(key)


# --- 3. refresh never overrides a status ---------------------------------------------------


def test_refresh_keeps_completed_on_a_returning_show(service, fake, cli):
    fake.shows[1399] = fixture("tmdb/tv_details_returning_series.json")
    key = service.add(Kind.TV, "1399").key
    assert cli("set", str(key), "--status", "completed").code == 0
    result = cli("refresh", str(key))
    assert result.code == 0, result.err
    assert Library().entry(key).status == "completed"
    assert "completed" in result.out


def test_refresh_keeps_plan_to_watch_after_ticks(service, cli):
    key = service.add(Kind.TV, "1399").key
    episodes = Episodes()
    episodes.watch_through(key, episodes.find(key, "S01E03").id)
    assert cli("set", str(key), "--status", "plan_to_watch").code == 0
    cli("refresh", str(key))
    cli("refresh", "--all")
    entry = Library().entry(key)
    assert (entry.status, entry.progress) == ("plan_to_watch", 3)


def test_a_completed_show_that_gains_a_season_stays_completed_and_shows_next(service, fake):
    trimmed = fixture("tmdb/tv_details_ended.json")
    trimmed["seasons"] = trimmed["seasons"][:2]  # specials and S1 only
    trimmed["next_episode_to_air"] = None
    fake.shows[1399] = trimmed
    key = service.add(Kind.TV, "1399", "completed").key
    assert Library().entry(key).next_episode is None
    fake.shows[1399] = fixture("tmdb/tv_details_ended.json")
    entry = service.refresh(key)
    assert (entry.status, entry.progress, entry.next_episode) == ("completed", 10, "S2E1")


# --- 5. aired is respected -------------------------------------------------------------------


def airs_in(key: EntryKey, code: str, days: int | None) -> None:
    episode = Episodes().find(key, code)
    when = None if days is None else (TODAY + dt.timedelta(days=days)).isoformat()
    Episode.update(air_date=when).where(Episode.id == episode.id).execute()


def test_plus_on_an_unaired_episode_asks_first(service, cli):
    key = service.add(Kind.TV, "1399").key
    Library().set_progress(key, 79)
    airs_in(key, "S08E10", 5)
    with pytest.raises(NeedsConfirmation, match="S08E10 of Game of Thrones has not aired"):
        Library().step_progress(key, 1)
    result = cli("watch", str(key), "S08E10")
    assert result.code == 1 and "has not aired" in result.err
    assert len(ticked_show(key)) == 79
    assert Library().step_progress(key, 1, confirm=True).progress == 80


def test_an_episode_without_a_date_does_not_make_you_caught_up(service):
    key = service.add(Kind.TV, "1399").key
    episodes = Episodes()
    airs_in(key, "S08E10", None)
    entry = episodes.set_watched(key, [episodes.find(key, "S08E10").id], True, confirm=True)
    assert entry.next_episode == "S1E1"  # 79 aired episodes are still unticked


def test_completing_an_unreleased_movie_asks_first(library, cli):
    next_year = str(TODAY.year + 1)
    movie = library.add(NewItem(Kind.MOVIE, "Coming Soon", year=int(next_year)))
    with pytest.raises(NeedsConfirmation, match="not out yet"):
        library.step_progress(movie.key, 1)
    result = cli("set", str(movie.key), "--status", "completed")
    assert result.code == 1 and "not out yet" in result.err
    assert library.entry(movie.key).status == "plan_to_watch"
    assert cli("set", str(movie.key), "--status", "completed", "--yes").code == 0
    assert library.entry(movie.key).progress == 1


# --- 6. completing by hand fills progress ---------------------------------------------------


def test_adding_by_hand_as_completed_fills_progress(library, cli):
    result = cli("add", "movie", "--title", "Heat", "--status", "completed")
    assert result.code == 0, result.err
    result = cli("add", "book", "--title", "Dune", "--total", "412", "--status", "completed")
    assert result.code == 0, result.err
    listed = {row["title"]: row for row in json.loads(cli("list", "--json").out)}
    assert (listed["Heat"]["progress"], listed["Heat"]["total"]) == (1, 1)
    assert (listed["Dune"]["progress"], listed["Dune"]["total"]) == (412, 412)


def test_set_total_for_a_hand_made_item_and_not_for_a_catalog_one(service, library, cli):
    book = library.add(NewItem(Kind.BOOK, "Notes"))
    result = cli("set", str(book.key), "--total", "300", "--progress", "20")
    assert result.code == 0, result.err
    assert (library.entry(book.key).progress, library.entry(book.key).total) == (20, 300)
    show = service.add(Kind.TV, "1399")
    result = cli("set", str(show.key), "--total", "5")
    assert result.code == 1 and "from TMDB" in result.err
    movie = library.add(NewItem(Kind.MOVIE, "Heat"))
    assert cli("set", str(movie.key), "--total", "2").code == 1


# --- 7. nothing destructive without a question, and undo -------------------------------------


def test_unticking_a_full_season_asks_first_and_can_be_undone(service):
    key = sixteen_ticks(service)
    library, episodes = Library(), Episodes()
    with pytest.raises(NeedsConfirmation, match="Untick 10 episodes of Game of Thrones"):
        episodes.set_season_watched(key, 2, False)
    assert len(ticked_show(key)) == 16
    before = {w.episode_id: w.watched_at for w in EpisodeWatch.select() if w.deleted_at is None}
    snapshot = library.snapshot(key)
    episodes.set_season_watched(key, 2, False, confirm=True)
    assert len(ticked_show(key)) == 6
    entry = library.restore(snapshot)
    assert entry.progress == 16
    after = {w.episode_id: w.watched_at for w in EpisodeWatch.select() if w.deleted_at is None}
    assert after == before  # the same episodes, with the dates they were watched


def test_remove_names_what_goes_and_undo_brings_everything_back(service, cli):
    key = sixteen_ticks(service)
    library = Library()
    library.set_rating(key, 8)
    result = cli("remove", str(key))
    assert result.code == 1
    assert "16 episodes ticked" in result.err and "rating 8/10" in result.err
    assert library.entry(key).progress == 16
    snapshot = library.snapshot(key)
    assert cli("remove", str(key), "--yes").code == 0
    assert key not in [entry.key for entry in library.entries(Kind.TV)]
    entry = library.restore(snapshot)
    assert (entry.status, entry.progress, entry.rating) == ("watching", 16, 8)
    assert len(ticked_show(key)) == 16


def test_undo_of_a_status_change_and_a_rating_clear(library):
    book = library.add(NewItem(Kind.BOOK, "Dune", total=412))
    library.update(book.key, progress=100, rating=9)
    snapshot = library.snapshot(book.key)
    library.set_status(book.key, "completed")
    library.set_rating(book.key, None)
    entry = library.restore(snapshot)
    assert (entry.status, entry.progress, entry.rating) == ("reading", 100, 9)


# --- ratings are one scale -------------------------------------------------------------------


def test_a_rating_of_zero_is_refused(library, cli):
    movie = library.add(NewItem(Kind.MOVIE, "Heat"))
    library.set_rating(movie.key, 7)
    result = cli("set", str(movie.key), "--rating", "0")
    assert result.code == 1 and "0 is not a rating" in result.err
    with pytest.raises(InvalidValue, match="0 is not a rating"):
        library.set_rating(movie.key, 0)
    assert library.entry(movie.key).rating == 7
    assert cli("set", str(movie.key), "--rating", "none").code == 0
    assert library.entry(movie.key).rating is None


def test_hand_made_show_total_and_refresh_refusal_use_one_rule(library):
    show = library.add(NewItem(Kind.TV, "Home Video"))
    assert show.hand_made
    stored = MediaItem.get_by_id(show.key.item_id)
    assert stored.tmdb_id < 0


def test_a_hand_add_refuses_the_same_title_accents_and_case_aside(library):
    library.add(NewItem(Kind.MOVIE, "Ça Tourne, Minuit", year=2020))
    with pytest.raises(AlreadyInLibrary):
        library.add(NewItem(Kind.MOVIE, "ca tourne, minuit", year=2020))
    library.add(NewItem(Kind.MOVIE, "ca tourne, minuit", year=2021))  # another year: another film


def test_being_exactly_through_an_episode_fills_gaps_and_asks_before_unticking(service):
    key = sixteen_ticks(service)  # S1E1-6 and all of S2
    library, episodes = Library(), Episodes()
    target = episodes.find(key, "S02E05").id
    with pytest.raises(NeedsConfirmation, match="Untick 5 episodes"):
        library.watch_exactly_through(key, target)
    assert len(ticked_show(key)) == 16
    entry = library.watch_exactly_through(key, target, confirm=True)
    assert entry.progress == 15
    assert ticked_show(key)[-1] == "S02E05"
