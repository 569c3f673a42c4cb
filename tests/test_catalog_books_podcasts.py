"""Google Books, iTunes and podcast feeds against a local server serving recorded samples."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_httpserver import HTTPServer

from catalog_server import FIXTURES, fixture
from mediatrack.catalog.errors import (
    AuthFailed,
    BadResponse,
    CatalogNotConfigured,
    NotFound,
    RateLimited,
)
from mediatrack.catalog.feeds import FeedClient, parse_duration
from mediatrack.catalog.google_books import GoogleBooksClient, build_query
from mediatrack.catalog.http import HttpOptions
from mediatrack.catalog.itunes import ItunesClient
from mediatrack.catalog.settings import CatalogSettings, build_catalog
from mediatrack.kinds import Kind


@pytest.fixture
def options() -> HttpOptions:
    return HttpOptions(timeout=(1.0, 2.0), retries=1, backoff_factor=0.0)


@pytest.fixture
def books(httpserver: HTTPServer, options: HttpOptions) -> GoogleBooksClient:
    return GoogleBooksClient(httpserver.url_for("/"), options=options)


@pytest.fixture
def itunes(httpserver: HTTPServer, options: HttpOptions) -> ItunesClient:
    return ItunesClient(httpserver.url_for("/"), options=options)


# --- Google Books ---------------------------------------------------------------------


def test_book_search_parses_results(httpserver, books):
    httpserver.expect_request("/books/v1/volumes").respond_with_json(
        fixture("google_books/volumes_search.json")
    )

    results = books.search("ruby")

    assert [r.catalog_id for r in results] == [
        "iuz1L-PSXtgC",
        "_sYWHQAACAAJ",
        "lPeKDQAAQBAJ",
        "ePuCDQAAQBAJ",
        "RBUJZ-ma7voC",
    ]
    bare = results[0]  # no authors, date or description in the sample
    assert (bare.title, bare.subtitle_line, bare.year, bare.overview) == (
        "The Ultimate Guide to Ruby Programming",
        None,
        None,
        None,
    )
    rails = results[3]
    assert (rails.kind, rails.title, rails.subtitle_line, rails.year) == (
        Kind.BOOK,
        "Ruby on Rails Tutorial",
        "Michael Hartl",
        2016,
    )
    request, _ = httpserver.log[0]
    assert request.args["q"] == "ruby"
    assert "key" not in request.args


def test_no_results_is_an_empty_list_when_items_is_absent(httpserver, books):
    httpserver.expect_request("/books/v1/volumes").respond_with_json(
        fixture("google_books/volumes_search_no_results.json")
    )

    assert books.search("zzzzqqqq no such book") == []
    assert len(httpserver.log) == 1


def test_an_isbn_search_is_sent_as_isbn(httpserver, books):
    httpserver.expect_request("/books/v1/volumes").respond_with_json(
        fixture("google_books/volumes_search_isbn.json")
    )

    results = books.search("isbn:0-253-32400-9")

    assert httpserver.log[0][0].args["q"] == "isbn:0253324009"
    assert [(r.catalog_id, r.title, r.year) for r in results] == [
        ("kdwPAQAAMAAJ", "Foundations of scientific method", 1973)
    ]


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("isbn:978-0-8041-8824-1", "isbn:9780804188241"),
        ("ISBN: 978 0804188241", "isbn:9780804188241"),
        ("9780804188241", "isbn:9780804188241"),
        ("0-316-23660-8", "isbn:0316236608"),
        ("352740841x", "isbn:352740841X"),
        ("InTitle:dune inauthor:herbert", "intitle:dune inauthor:herbert"),
        ("the left hand of darkness", "the left hand of darkness"),
        ("1984", "1984"),
    ],
)
def test_build_query(typed, sent):
    assert build_query(typed) == sent


def test_volume_details(httpserver, books):
    httpserver.expect_request("/books/v1/volumes/kPbzR4LDkAkC").respond_with_json(
        fixture("google_books/volume_get.json")
    )

    book = books.volume("kPbzR4LDkAkC")

    assert book.google_id == "kPbzR4LDkAkC"
    assert book.title == "Thermodynamics of Solar Energy Conversion"
    assert book.authors == ("Alexis De Vos",)
    assert book.publisher == "John Wiley & Sons"
    assert book.published_date == "2008-03-28"
    assert book.page_count == 205
    assert book.categories == ("Technology & Engineering / Power Resources / General",)
    assert (book.isbn_13, book.isbn_10) == ("9783527408412", "352740841X")
    assert book.language == "en"
    assert book.subtitle is None
    assert book.thumbnail is not None and "zoom=1" in book.thumbnail
    assert book.is_ebook is False  # saleInfo.isEbook


def test_a_volume_sold_as_an_ebook_says_so(httpserver, books):
    answer = fixture("google_books/volumes_search.json")["items"][3]
    httpserver.expect_request("/books/v1/volumes/ePuCDQAAQBAJ").respond_with_json(answer)

    assert books.volume("ePuCDQAAQBAJ").is_ebook is True


def test_a_volume_without_sale_info_is_not_an_ebook(httpserver, books):
    answer = {k: v for k, v in fixture("google_books/volume_get.json").items() if k != "saleInfo"}
    httpserver.expect_request("/books/v1/volumes/kPbzR4LDkAkC").respond_with_json(answer)

    assert books.volume("kPbzR4LDkAkC").is_ebook is False


def test_a_volume_with_only_other_identifiers_has_no_isbn(httpserver, books):
    answer = fixture("google_books/volumes_search_isbn.json")["items"][0]
    httpserver.expect_request("/books/v1/volumes/kdwPAQAAMAAJ").respond_with_json(answer)

    book = books.volume("kdwPAQAAMAAJ")

    assert (book.isbn_13, book.isbn_10) == (None, None)
    assert book.subtitle == "the nineteenth century"
    assert book.page_count == 306
    assert book.published_date == "1973"


def test_the_key_is_sent_when_set(httpserver, options):
    httpserver.expect_request("/books/v1/volumes").respond_with_json(
        fixture("google_books/volumes_search.json")
    )
    client = GoogleBooksClient(httpserver.url_for("/books/v1"), api_key="gb-key", options=options)

    client.search("ruby")

    assert httpserver.log[0][0].args["key"] == "gb-key"


def test_a_spent_keyless_quota_says_how_to_set_a_key(httpserver, books):
    httpserver.expect_request("/books/v1/volumes").respond_with_json(
        fixture("google_books/error_429_quota_exceeded.json"), status=429
    )

    with pytest.raises(RateLimited) as caught:
        books.search("ruby")

    assert "shared keyless quota" in str(caught.value)
    assert "mediatrack config set google_books.key" in str(caught.value)
    assert len(httpserver.log) == 2  # retried once (options.retries=1), then reported


def test_a_spent_quota_with_a_key_does_not_ask_for_a_key(httpserver, options):
    httpserver.expect_request("/books/v1/volumes").respond_with_json(
        fixture("google_books/error_429_quota_exceeded.json"), status=429
    )
    client = GoogleBooksClient(httpserver.url_for("/"), api_key="gb-key", options=options)

    with pytest.raises(RateLimited) as caught:
        client.search("ruby")

    assert (
        str(caught.value) == "Google Books says this API key's quota is used up; try again later."
    )


def test_an_invalid_key_is_auth_failed(httpserver, options):
    httpserver.expect_request("/books/v1/volumes").respond_with_json(
        fixture("google_books/error_400_invalid_api_key.json"), status=400
    )
    client = GoogleBooksClient(httpserver.url_for("/"), api_key="wrong", options=options)

    with pytest.raises(AuthFailed) as caught:
        client.search("ruby")

    assert str(caught.value).startswith("Google Books rejected the API key;")
    assert len(httpserver.log) == 1


def test_an_unknown_location_asks_for_a_country(httpserver, books):
    httpserver.expect_request("/books/v1/volumes").respond_with_json(
        fixture("google_books/error_403_unknown_location.json"), status=403
    )

    with pytest.raises(CatalogNotConfigured) as caught:
        books.search("ruby")

    assert "mediatrack config set google_books.country" in str(caught.value)


# --- iTunes ------------------------------------------------------------------------------


def test_podcast_search_parses_results(httpserver, itunes):
    httpserver.expect_request("/search").respond_with_json(fixture("itunes/search_podcast.json"))

    results = itunes.search("freakonomics")

    assert len(results) == 5
    first = results[0]
    assert (first.kind, first.catalog_id, first.title, first.subtitle_line, first.year) == (
        Kind.PODCAST,
        "354668519",
        "Freakonomics Radio",
        "Freakonomics Radio",
        2020,
    )
    assert first.overview == "Documentary, Society & Culture"
    assert results[1].title == "The Alternative Investor"
    request, _ = httpserver.log[0]
    assert (request.args["media"], request.args["term"]) == ("podcast", "freakonomics")


def test_podcast_lookup(httpserver, itunes):
    httpserver.expect_request(
        "/lookup", query_string={"id": "948976028", "entity": "podcast"}
    ).respond_with_json(fixture("itunes/lookup_podcast.json"))

    podcast = itunes.lookup(948976028)

    assert podcast.itunes_id == "948976028"
    assert podcast.title.startswith("Stories Podcast - A Free Children's Story Podcast")
    assert podcast.artist == "Stories Podcast / Wondery"
    assert podcast.feed_url == "http://rss.art19.com/stories-podcast"
    assert podcast.episode_count == 95
    assert podcast.genres == ("Kids & Family", "Podcasts", "Arts", "Education")
    assert podcast.release_date == dt.datetime(2017, 6, 14, 21, 51, tzinfo=dt.UTC)
    assert podcast.artwork_url is not None and podcast.artwork_url.endswith("600x600bb.jpg")
    assert httpserver.log[0][0].args["id"] == "948976028"


def test_an_unknown_podcast_id_is_not_found(httpserver, itunes):
    httpserver.expect_request("/lookup").respond_with_json(fixture("itunes/lookup_not_found.json"))

    with pytest.raises(NotFound) as caught:
        itunes.lookup(1)

    assert str(caught.value) == "iTunes has no podcast with id 1."


def test_an_itunes_403_means_slow_down(httpserver, itunes):
    httpserver.expect_request("/search").respond_with_data("Forbidden", status=403)

    with pytest.raises(RateLimited) as caught:
        itunes.search("freakonomics")

    assert "about 20 a minute" in str(caught.value)


# --- podcast feeds -----------------------------------------------------------------------


def serve_feed(server: HTTPServer) -> str:
    feed = (FIXTURES / "feeds" / "podcast_feed_constructed.rss").read_bytes()
    server.expect_request("/feed.rss").respond_with_data(feed, content_type="application/rss+xml")
    return server.url_for("/feed.rss")


def test_feed_episodes_newest_first_identified_by_guid_or_enclosure(httpserver, options):
    url = serve_feed(httpserver)

    episodes = FeedClient(options=options).episodes(url)

    assert [e.guid for e in episodes] == [
        "kts-2024-003",  # has a guid
        "https://cdn.example.org/audio/ep2-yeast.mp3",  # no guid: its enclosure URL
        "https://cdn.example.org/audio/ep1-heat.mp3",
        "https://cdn.example.org/audio/bonus-questions.mp3",  # undated: last
    ]  # the text-only item with neither guid nor enclosure is left out
    newest = episodes[0]
    assert newest.title == "Episode 3: Salt"
    assert newest.published == dt.datetime(2024, 3, 5, 7, 30, tzinfo=dt.UTC)
    assert newest.duration_seconds == 3723
    assert [e.duration_seconds for e in episodes[1:]] == [2710, 2730, 750]
    assert episodes[3].published is None


def test_a_feed_is_fetched_once_within_its_expiry(httpserver, options):
    url = serve_feed(httpserver)
    feeds = FeedClient(options=options)

    assert feeds.episodes(url) == feeds.episodes(url)
    assert len(httpserver.log) == 1
    assert httpserver.log[0][0].headers["User-Agent"].startswith("mediatrack/")


def test_a_page_that_is_not_a_feed_is_bad_response(httpserver, options):
    httpserver.expect_request("/feed.rss").respond_with_data(
        "<html><body>Moved</body></html>", content_type="text/html"
    )

    with pytest.raises(BadResponse) as caught:
        FeedClient(options=options).episodes(httpserver.url_for("/feed.rss"))

    assert str(caught.value).startswith("The podcast's feed at localhost:")


def test_a_feed_that_is_gone_is_not_found(httpserver, options):
    httpserver.expect_request("/feed.rss").respond_with_data("gone", status=404)

    with pytest.raises(NotFound) as caught:
        FeedClient(options=options).episodes(httpserver.url_for("/feed.rss"))

    assert "refresh the podcast" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("3600", 3600), ("62:03", 3723), ("1:02:03", 3723), ("45.6", 46), ("", None), ("n/a", None)],
)
def test_parse_duration(value, seconds):
    assert parse_duration(value) == seconds


# --- settings ------------------------------------------------------------------------------


def test_settings_come_from_the_environment_and_build_working_clients(httpserver, options):
    env = {
        "MEDIATRACK_TMDB_URL": httpserver.url_for("/"),
        "MEDIATRACK_TMDB_TOKEN": "env-token",
        "MEDIATRACK_GOOGLE_BOOKS_URL": httpserver.url_for("/"),
        "MEDIATRACK_GOOGLE_BOOKS_KEY": "",
        "MEDIATRACK_ITUNES_URL": httpserver.url_for("/"),
    }
    httpserver.expect_request("/search").respond_with_json(fixture("itunes/search_podcast.json"))
    httpserver.expect_request("/3/movie/550").respond_with_json(fixture("tmdb/movie_details.json"))

    settings = CatalogSettings.from_env(env)
    catalog = build_catalog(settings, options)

    assert settings.google_books_key is None  # empty counts as unset
    assert "env-token" not in repr(settings)
    assert catalog.itunes.search("freakonomics")[0].catalog_id == "354668519"
    assert catalog.tmdb.movie(550).title == "Fight Club"
    assert httpserver.log[1][0].headers["Authorization"] == "Bearer env-token"


def test_default_settings_point_at_the_real_services():
    settings = CatalogSettings.from_env({})

    assert settings.tmdb_url == "https://api.themoviedb.org"
    assert settings.google_books_url == "https://www.googleapis.com"
    assert settings.itunes_url == "https://itunes.apple.com"
    assert settings.tmdb_token is None and settings.tmdb_api_key is None
    assert not build_catalog(settings).tmdb.configured


def test_a_feed_is_read_with_its_http_charset_and_its_url_as_base(httpserver, options):
    """The charset is only in Content-Type; enclosure URLs are relative to the feed's URL."""
    feed = (FIXTURES / "feeds" / "podcast_feed_windows1251.rss").read_bytes()
    httpserver.expect_request("/shows/mayak/feed.rss").respond_with_data(
        feed, content_type="application/rss+xml; charset=windows-1251"
    )
    url = httpserver.url_for("/shows/mayak/feed.rss")
    root = httpserver.url_for("/")

    episodes = FeedClient(options=options).episodes(url)

    assert [e.title for e in episodes] == ["Выпуск 2: Соль", "Выпуск 1: Хлеб"]
    assert [e.enclosure_url for e in episodes] == [
        f"{root}shows/mayak/audio/vypusk-2.mp3",
        f"{root}media/vypusk-1.mp3",
    ]
    # An episode's identity stays the enclosure as the feed writes it, as it was stored before.
    assert [e.guid for e in episodes] == ["mayak-002", "/media/vypusk-1.mp3"]


def test_a_page_that_is_not_a_feed_is_not_cached(httpserver, options):
    httpserver.expect_oneshot_request("/feed.rss").respond_with_data(
        "<html><body>Moved</body></html>", content_type="text/html"
    )
    url = serve_feed(httpserver)
    feeds = FeedClient(options=options)

    with pytest.raises(BadResponse):
        feeds.episodes(url)

    assert len(feeds.episodes(url)) == 4
    assert len(httpserver.log) == 2
