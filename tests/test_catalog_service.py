"""Adding from the catalogs, ticking episodes, refreshing: against a local server, into SQLite."""

from __future__ import annotations

import pytest

from catalog_server import FakeCatalogs, fixture
from mediatrack.catalog.errors import Unavailable
from mediatrack.catalog.http import HttpOptions
from mediatrack.catalog.settings import CatalogSettings, build_catalog
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.services.catalog import CatalogService
from mediatrack.services.episodes import Episodes
from mediatrack.services.library import AlreadyInLibrary, InvalidValue, Library
from mediatrack.store.models import Episode, EpisodeWatch, MediaItem, PodcastEpisode, Season


@pytest.fixture
def fake(httpserver, library) -> FakeCatalogs:
    return FakeCatalogs(httpserver)


@pytest.fixture
def service(fake) -> CatalogService:
    return CatalogService(fake.catalog())


def got(service: CatalogService) -> EntryKey:
    return service.add(Kind.TV, "1399").key


# --- search and add ---------------------------------------------------------------


def test_search_says_which_results_are_in_the_library(service):
    hits = service.search(Kind.TV, "breaking")
    assert [(hit.result.title, hit.in_library) for hit in hits] == [("Breaking Bad", None)]
    hits = service.search(Kind.PODCAST, "freakonomics")
    assert hits[0].result.title == "Freakonomics Radio"
    assert all(hit.in_library is None for hit in hits)


def test_adding_a_show_stores_every_season_and_episode(service):
    entry = service.add(Kind.TV, "1399")
    assert (entry.title, entry.status, entry.progress) == ("Game of Thrones", "plan_to_watch", 0)
    show = MediaItem.get(MediaItem.tmdb_id == 1399)
    assert [season.season_number for season in show.seasons.order_by(Season.season_number)] == [
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
    ]
    assert Episode.select().join(Season).where(Season.media_item == show).count() == 90
    # Specials (season 0) never count towards the total.
    assert entry.total == 80
    assert entry.next_episode == "S1E1"
    assert entry.next_air_date == "2011-04-17"


def test_adding_twice_does_not_duplicate(service):
    key = got(service)
    with pytest.raises(AlreadyInLibrary):
        service.add(Kind.TV, "1399")
    assert MediaItem.select().count() == 1
    assert len(Library().entries(Kind.TV)) == 1
    hits = service.search(Kind.TV, "breaking")
    assert hits[0].in_library is None  # another show
    assert service.library.entry(key).title == "Game of Thrones"


def test_a_search_hit_already_added_is_marked(service, fake):
    fake.tv_search["results"][0]["id"] = 1399
    key = got(service)
    assert service.search(Kind.TV, "anything")[0].in_library == key


def test_movie_book_and_podcast_details(service):
    movie = service.add(Kind.MOVIE, "550", "completed")
    assert (movie.title, movie.status, movie.year) == ("Fight Club", "completed", 1999)
    stored = MediaItem.get(MediaItem.tmdb_id == 550)
    assert stored.runtime == 139
    assert stored.vote_average == round(fixture("tmdb/movie_details.json")["vote_average"] * 10)

    book = service.add(Kind.BOOK, "kPbzR4LDkAkC", "reading")
    assert book.title == "Thermodynamics of Solar Energy Conversion"
    assert book.total == 205  # pages: progress is capped at page_count
    assert Library().step_progress(book.key, 500).progress == 205

    podcast = service.add(Kind.PODCAST, "948976028")
    assert podcast.total == 4  # the feed's items that have a guid or an enclosure
    episodes = Episodes().podcast_episodes(podcast.key)
    assert [episode.title for episode in episodes][:2] == ["Episode 3: Salt", "Episode 2: Yeast"]


def test_an_unknown_status_is_refused_before_any_request(service, fake):
    with pytest.raises(InvalidValue):
        service.add(Kind.TV, "1399", "reading")
    assert MediaItem.select().count() == 0


def test_offline_is_one_clear_error_and_writes_nothing(library):
    settings = CatalogSettings(tmdb_url="http://127.0.0.1:9", tmdb_token="t")
    catalog = build_catalog(settings, HttpOptions(timeout=(0.5, 0.5), retries=0, cache=False))
    with pytest.raises(Unavailable) as raised:
        CatalogService(catalog).add(Kind.TV, "1399")
    assert "TMDB" in str(raised.value)
    assert MediaItem.select().count() == 0


# --- ticks -----------------------------------------------------------------------


def test_the_first_tick_starts_the_show_and_progress_follows_ticks(service):
    key = got(service)
    episodes = Episodes()
    first = episodes.find(key, "S01E01")
    entry = episodes.set_watched(key, [first.id], True)
    assert (entry.status, entry.progress, entry.last_episode) == ("watching", 1, "S1E1")
    entry = episodes.watch_through(key, episodes.find(key, "s1e5").id)
    assert (entry.progress, entry.last_episode, entry.next_episode) == (5, "S1E5", "S1E6")
    assert EpisodeWatch.select().count() == 5


def test_specials_never_count(service):
    key = got(service)
    episodes = Episodes()
    entry = episodes.set_season_watched(key, 0, True)
    assert entry.progress == 0
    assert entry.status == "plan_to_watch"
    seasons = {season.season_number: season for season in episodes.seasons(key)}
    assert (seasons[0].watched, seasons[0].total) == (10, 10)
    assert (seasons[1].watched, seasons[1].total) == (0, 10)


def test_the_last_episode_of_an_ended_show_completes_it(service):
    key = got(service)
    episodes = Episodes()
    last = episodes.find(key, "S08E10")
    entry = episodes.watch_through(key, last.id)
    assert (entry.status, entry.progress, entry.next_episode) == ("completed", 80, None)
    entry = episodes.set_watched(key, [last.id], False)
    assert (entry.status, entry.progress) == ("watching", 79)


def test_a_returning_show_you_caught_up_on_stays_watching(service, fake):
    fake.shows[1399] = fixture("tmdb/tv_details_returning_series.json")
    key = got(service)
    entry = Episodes().set_season_watched(key, 1, True)
    assert (entry.status, entry.progress, entry.total) == ("watching", 10, 10)


def test_plus_and_minus_tick_episodes_of_a_show(service):
    key = got(service)
    library = Library()
    library.step_progress(key, 1)
    entry = library.step_progress(key, 1)
    assert (entry.progress, entry.last_episode) == (2, "S1E2")
    assert library.step_progress(key, -1).last_episode == "S1E1"
    entry = library.set_status(key, "completed")  # ticks every aired episode
    assert (entry.status, entry.progress) == ("completed", 80)


def test_episode_commands_refuse_other_kinds_and_bad_codes(service):
    key = got(service)
    with pytest.raises(InvalidValue):
        Episodes().find(key, "episode 3")
    with pytest.raises(InvalidValue):
        Episodes().find(key, "S09E01")
    movie = service.add(Kind.MOVIE, "550")
    with pytest.raises(InvalidValue):
        Episodes().show_episodes(movie.key)


# --- refresh ---------------------------------------------------------------------


def test_refresh_adds_new_episodes_and_keeps_ticks(service, fake):
    trimmed = fixture("tmdb/tv_details_ended.json")
    trimmed["next_episode_to_air"] = None
    trimmed["seasons"] = trimmed["seasons"][:3]  # specials, S1, S2
    trimmed["status"] = "Returning Series"
    fake.shows[1399] = trimmed
    key = got(service)
    episodes = Episodes()
    entry = episodes.set_season_watched(key, 2, True)
    assert (entry.total, entry.progress, entry.status) == (20, 10, "watching")

    fake.shows[1399] = fixture("tmdb/tv_details_ended.json")
    entry = service.refresh(key)
    assert entry.total == 80
    assert entry.progress == 10
    assert [s.watched for s in episodes.seasons(key)][:4] == [0, 0, 10, 0]
    assert EpisodeWatch.select().count() == 10


def test_podcast_ticks_follow_guids_when_the_feed_changes(service, fake):
    key = service.add(Kind.PODCAST, "948976028").key
    episodes = Episodes()
    salt = next(e for e in episodes.podcast_episodes(key) if e.title == "Episode 3: Salt")
    entry = episodes.set_listened(key, [salt.id], True)
    assert (entry.progress, entry.status) == (1, "listening")

    # The feed drops episode 2 and puts a new episode first: positions move, guids do not.
    fake.feed = fake.feed.replace("<title>Episode 2: Yeast</title>", "<title>Yeast</title>")
    start = fake.feed.index("<item>")
    new_item = (
        "<item><title>Episode 4: Sugar</title><guid>kts-2024-004</guid>"
        "<pubDate>Sat, 06 Apr 2024 06:00:00 GMT</pubDate></item>"
    )
    fake.feed = fake.feed[:start] + new_item + fake.feed[start:]
    service.refresh(key)
    after = episodes.podcast_episodes(key)
    assert after[0].title == "Episode 4: Sugar"
    assert [e.title for e in after if e.listened] == ["Episode 3: Salt"]
    assert PodcastEpisode.select().count() == 5


def test_adding_as_completed_fills_progress(service):
    movie = service.add(Kind.MOVIE, "550", "completed")
    assert (movie.status, movie.progress) == ("completed", 1)
    show = service.add(Kind.TV, "1399", "completed")
    assert (show.status, show.progress, show.next_episode) == ("completed", 80, None)


def test_a_show_with_seasons_without_ids_is_added_without_them(fake, service):
    fake.shows[91004] = fixture("tmdb/tv_details_seasons_without_id.json")
    fake.server.expect_request("/3/tv/91004").respond_with_json(fake.shows[91004])

    entry = service.add(Kind.TV, "91004")

    assert entry.title == "The Lighthouse Keepers"
    show = MediaItem.get(MediaItem.tmdb_id == 91004)
    assert [season.tmdb_id for season in show.seasons] == [910041]
    assert Episode.select().join(Season).where(Season.media_item == show).count() == 2
