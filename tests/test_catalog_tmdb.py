"""The TMDB client against a local server serving recorded TMDB responses."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from catalog_server import fixture
from mediatrack.catalog.errors import CatalogNotConfigured
from mediatrack.catalog.http import HttpOptions
from mediatrack.catalog.records import EpisodeAiring, SearchResult
from mediatrack.catalog.tmdb import TmdbClient
from mediatrack.kinds import Kind


@pytest.fixture
def options() -> HttpOptions:
    return HttpOptions(timeout=(1.0, 2.0), retries=1, backoff_factor=0.0)


@pytest.fixture
def client(httpserver: HTTPServer, options: HttpOptions) -> TmdbClient:
    return TmdbClient(httpserver.url_for("/"), token="test-read-token", options=options)


def season_answer(number: int) -> dict[str, Any]:
    """The recorded season 1, renumbered as season ``number`` with ids of its own."""
    season = copy.deepcopy(fixture("tmdb/tv_season_details.json"))
    season["season_number"] = number
    season["id"] = 10_000 + number
    for episode in season["episodes"]:
        episode["season_number"] = number
        episode["id"] = number * 1000 + episode["episode_number"]
    return season


def appending(show: dict[str, Any]):
    """A handler for ``/3/tv/{id}`` that answers ``append_to_response=season/N,...``."""

    def handle(request: Request) -> Response:
        body = dict(show)
        wanted = request.args.get("append_to_response", "")
        for part in filter(None, wanted.split(",")):
            body[part] = season_answer(int(part.removeprefix("season/")))
        return Response(json.dumps(body), mimetype="application/json")

    return handle


# --- search ----------------------------------------------------------------------


def test_search_tv_parses_results(httpserver, client):
    httpserver.expect_request("/3/search/tv").respond_with_json(fixture("tmdb/search_tv.json"))

    results = client.search("tv", "breaking bad")

    assert len(results) == 1
    show = results[0]
    assert (show.kind, show.catalog_id, show.title, show.year) == (
        Kind.TV,
        "1396",
        "Breaking Bad",
        2008,
    )
    assert show.subtitle_line is None  # the original name is the same
    assert show.overview is not None and show.overview.startswith("When Walter White")
    request, _ = httpserver.log[0]
    assert request.args["query"] == "breaking bad"


def test_search_movie_parses_results(httpserver, client):
    httpserver.expect_request("/3/search/movie").respond_with_json(
        fixture("tmdb/search_movie.json")
    )

    results = client.search(Kind.MOVIE, "fight club")

    assert [r.catalog_id for r in results[:3]] == ["550", "289732", "323667"]
    assert results[0] == SearchResult(
        kind=Kind.MOVIE,
        catalog_id="550",
        title="Fight Club",
        year=1999,
        subtitle_line=None,
        overview=results[0].overview,
    )
    assert results[1].subtitle_line == "屍城"  # the original title, when it differs


def test_search_multi_keeps_only_movies_and_shows(httpserver, client):
    httpserver.expect_request("/3/search/multi").respond_with_json(
        fixture("tmdb/search_multi.json")
    )

    results = client.search_multi("star wars")

    assert [(r.kind, r.catalog_id, r.title, r.year) for r in results] == [
        (Kind.MOVIE, "11", "Star Wars", 1977),
        (Kind.TV, "83867", "Star Wars: Andor", 2022),
    ]


def test_an_empty_query_makes_no_request(httpserver, client):
    assert client.search("tv", "   ") == []
    assert httpserver.log == []


# --- details ---------------------------------------------------------------------


def test_movie_details(httpserver, client):
    httpserver.expect_request("/3/movie/550").respond_with_json(fixture("tmdb/movie_details.json"))

    movie = client.movie(550)

    assert movie.tmdb_id == 550
    assert movie.title == "Fight Club"
    assert movie.release_date == dt.date(1999, 10, 15)
    assert movie.runtime == 139
    assert movie.vote_average == pytest.approx(8.433)
    assert isinstance(movie.vote_average, float)
    assert movie.vote_count == 26280
    assert movie.genres == ("Drama", "Thriller", "Comedy")
    assert movie.imdb_id == "tt0137523"
    assert movie.status == "Released"


def test_show_details_of_an_ended_show(httpserver, client):
    httpserver.expect_request("/3/tv/1399").respond_with_json(fixture("tmdb/tv_details_ended.json"))

    show = client.show(1399)

    assert (show.tmdb_id, show.title, show.status) == (1399, "Game of Thrones", "Ended")
    assert show.in_production is False
    assert show.first_air_date == dt.date(2011, 4, 17)
    assert show.last_air_date == dt.date(2019, 5, 19)
    assert show.number_of_seasons == 8
    assert show.number_of_episodes == 73  # regular episodes: the 272 specials are not counted
    assert [s.season_number for s in show.seasons] == list(range(9))
    specials = show.seasons[0]
    assert (specials.name, specials.tmdb_id, specials.episode_count) == ("Specials", 3627, 272)
    assert specials.overview is None  # "" in the answer
    assert show.seasons[8].episode_count == 6
    assert show.last_episode_to_air == EpisodeAiring(
        tmdb_id=1551830,
        season_number=8,
        episode_number=6,
        name="The Iron Throne",
        air_date=dt.date(2019, 5, 19),
    )
    # The sample's next_episode_to_air repeats the last, already aired, episode: not "next".
    assert show.next_episode_to_air is None


def test_show_details_of_a_returning_show(httpserver, client):
    httpserver.expect_request("/3/tv/1399").respond_with_json(
        fixture("tmdb/tv_details_returning_series.json")
    )

    show = client.show(1399)

    assert show.status == "Returning Series"
    assert show.in_production is True
    assert show.next_episode_to_air is None
    assert show.last_episode_to_air is not None
    assert (show.last_episode_to_air.season_number, show.last_episode_to_air.episode_number) == (
        7,
        7,
    )
    assert show.number_of_episodes == 67


def test_show_details_with_missing_optional_fields(httpserver, client):
    httpserver.expect_request("/3/tv/31572").respond_with_json(
        fixture("tmdb/tv_details_returning_ja_trimmed.json")
    )

    show = client.show(31572)

    assert show.title == "ルパン三世"
    assert show.overview is None
    assert show.poster_path is None
    assert show.vote_average is None
    assert show.last_episode_to_air is None
    assert show.number_of_episodes == 300
    assert [(s.season_number, s.name) for s in show.seasons][:2] == [
        (0, "特別編"),
        (1, "シーズン1"),
    ]
    assert all(s.overview is None and s.poster_path is None for s in show.seasons)


def test_season_details(httpserver, client):
    httpserver.expect_request("/3/tv/1399/season/1").respond_with_json(
        fixture("tmdb/tv_season_details.json")
    )

    season = client.season(1399, 1)

    assert (season.tmdb_id, season.season_number, season.name) == (3624, 1, "Season 1")
    assert len(season.episodes) == 10
    first = season.episodes[0]
    assert (first.tmdb_id, first.episode_number, first.name) == (63056, 1, "Winter Is Coming")
    assert first.air_date == dt.date(2011, 4, 17)
    assert first.runtime == 62
    assert first.still_path == "/9hGF3WUkBf7cSjMg0cdMDHJkByd.jpg"
    assert first.vote_average == 7.838
    assert season.episodes[2].vote_average == 8  # an integer in the answer
    assert [e.episode_number for e in season.episodes] == list(range(1, 11))


def test_season_details_with_missing_optional_fields(httpserver, client):
    httpserver.expect_request("/3/tv/31572/season/1").respond_with_json(
        fixture("tmdb/tv_season_details_ja_trimmed.json")
    )

    season = client.season(31572, 1)

    assert season.overview is None and season.poster_path is None
    assert season.episodes[0].name == "ルパンは燃えているか・・・・?!"
    assert len(season.episodes) == 3
    assert all(e.overview is None and e.still_path is None for e in season.episodes)


# --- a show with all its seasons ------------------------------------------------------


def test_show_with_seasons_uses_append_to_response(httpserver, client):
    httpserver.expect_request("/3/tv/1399").respond_with_handler(
        appending(fixture("tmdb/tv_details_ended.json"))
    )

    show, seasons = client.show_with_seasons(1399)

    assert [s.season_number for s in seasons] == list(range(9))  # specials included
    assert sum(len(s.episodes) for s in seasons) == 9 * 10
    assert seasons[3].episodes[0].tmdb_id == 3001
    assert len(httpserver.log) == 2  # the show, then all 9 seasons in one request
    appended = httpserver.log[1][0].args["append_to_response"]
    assert appended == ",".join(f"season/{n}" for n in range(9))
    assert show.title == "Game of Thrones"


def test_many_seasons_are_fetched_20_at_a_time(httpserver, client):
    httpserver.expect_request("/3/tv/1399").respond_with_handler(
        appending(fixture("tmdb/tv_details_ended.json"))
    )

    seasons = client.seasons(1399, range(1, 26))

    assert [s.season_number for s in seasons] == list(range(1, 26))
    batches = [request.args["append_to_response"].count("season/") for request, _ in httpserver.log]
    assert batches == [20, 5]


def test_a_season_missing_from_the_combined_answer_is_fetched_alone(httpserver, client):
    httpserver.expect_request("/3/tv/1399").respond_with_json(
        {**fixture("tmdb/tv_details_ended.json"), "season/2": season_answer(2)}
    )
    httpserver.expect_request("/3/tv/1399/season/1").respond_with_json(
        fixture("tmdb/tv_season_details.json")
    )

    seasons = client.seasons(1399, [1, 2])

    assert [(s.season_number, s.tmdb_id) for s in seasons] == [(1, 3624), (2, 10_002)]
    assert [request.path for request, _ in httpserver.log] == ["/3/tv/1399", "/3/tv/1399/season/1"]


# --- credentials and configuration ------------------------------------------------------


def test_without_a_credential_it_is_not_configured_and_sends_nothing(httpserver, options):
    client = TmdbClient(httpserver.url_for("/"), options=options)

    with pytest.raises(CatalogNotConfigured) as caught:
        client.search("movie", "fight club")

    assert not client.configured
    assert httpserver.log == []
    assert "mediatrack config set tmdb.token" in str(caught.value)
    assert "mediatrack config set tmdb.api_key" in str(caught.value)


def test_a_v4_token_goes_in_the_authorization_header(httpserver, client):
    httpserver.expect_request("/3/movie/550").respond_with_json(fixture("tmdb/movie_details.json"))

    client.movie(550)

    request, _ = httpserver.log[0]
    assert request.headers["Authorization"] == "Bearer test-read-token"
    assert "api_key" not in request.args


def test_a_v3_key_goes_in_the_api_key_parameter(httpserver, options):
    httpserver.expect_request("/3/movie/550").respond_with_json(fixture("tmdb/movie_details.json"))
    client = TmdbClient(httpserver.url_for("/"), api_key="v3-key", options=options)

    client.movie(550)

    request, _ = httpserver.log[0]
    assert request.args["api_key"] == "v3-key"
    assert "Authorization" not in request.headers


def test_the_base_url_may_include_the_api_version(httpserver, options):
    httpserver.expect_request("/3/movie/550").respond_with_json(fixture("tmdb/movie_details.json"))
    client = TmdbClient(httpserver.url_for("/3/"), token="t", options=options)

    assert client.movie(550).title == "Fight Club"


# --- older answer shapes -----------------------------------------------------------------


def test_seasons_and_episodes_without_an_id_are_left_out_with_a_note(httpserver, client, caplog):
    httpserver.expect_request("/3/tv/91004").respond_with_json(
        fixture("tmdb/tv_details_seasons_without_id.json")
    )

    show, seasons = client.show_with_seasons(91004)

    assert show.title == "The Lighthouse Keepers"
    assert [s.tmdb_id for s in show.seasons] == [None, None]  # listed without ids: still fetched
    [first] = seasons  # season 2 has no id of its own: left out
    assert first.tmdb_id == 910041
    assert [e.name for e in first.episodes] == ["First Light", "Gale"]
    notes = [record.getMessage() for record in caplog.records]
    assert "TMDB lists season 2 of show 91004 without an id; it was left out." in notes
    assert any("an episode of season 1 of show 91004" in note for note in notes)


def test_a_title_longer_than_500_characters_is_cut(httpserver, client):
    movie = {**fixture("tmdb/movie_details.json"), "title": "Long " * 20_000}
    httpserver.expect_request("/3/movie/550").respond_with_json(movie)

    title = client.movie(550).title

    assert len(title) == 500
    assert title.endswith("\u2026")
