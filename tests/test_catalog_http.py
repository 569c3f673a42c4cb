"""The catalog's HTTP layer against a real local server: retries, errors, cache, timeouts.

Nothing here patches requests: the real clients talk to pytest-httpserver,
which serves the recorded samples in ``tests/fixtures/``.
"""

from __future__ import annotations

import json
import os
import pickle
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from catalog_server import fixture
from mediatrack import __version__
from mediatrack.catalog.errors import (
    AuthFailed,
    BadResponse,
    NotFound,
    RateLimited,
    Unavailable,
)
from mediatrack.catalog.http import HttpOptions, build_session, retry_after_seconds
from mediatrack.catalog.itunes import ItunesClient
from mediatrack.catalog.ratelimit import Limiter, RateLimit, TooSoon
from mediatrack.catalog.tmdb import TmdbClient


@pytest.fixture
def options() -> HttpOptions:
    """Short timeouts and no backoff, so failing paths stay fast."""
    return HttpOptions(timeout=(1.0, 2.0), retries=3, backoff_factor=0.0)


@pytest.fixture
def own_server() -> Iterator[HTTPServer]:
    """A threaded server of the test's own, which the test may stop."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    if server.is_running():
        server.stop()


def tmdb(server: HTTPServer, options: HttpOptions, **credentials: str) -> TmdbClient:
    credentials = credentials or {"token": "test-read-token"}
    return TmdbClient(server.url_for("/"), options=options, **credentials)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- request shape -------------------------------------------------------------


def test_every_request_carries_the_mediatrack_user_agent(httpserver, options):
    httpserver.expect_request("/search").respond_with_json(fixture("itunes/search_podcast.json"))

    ItunesClient(httpserver.url_for("/"), options=options).search("freakonomics")

    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"] == f"mediatrack/{__version__}"


# --- retries -------------------------------------------------------------------


def test_429_with_retry_after_is_waited_for_then_succeeds(httpserver, options):
    httpserver.expect_oneshot_request("/3/search/tv").respond_with_json(
        fixture("tmdb/error_429_rate_limit.json"), status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_request("/3/search/tv").respond_with_json(fixture("tmdb/search_tv.json"))

    started = time.monotonic()
    results = tmdb(httpserver, options).search("tv", "breaking bad")

    assert time.monotonic() - started >= 0.9  # Retry-After: 1 was honoured
    assert [r.title for r in results] == ["Breaking Bad"]
    assert len(httpserver.log) == 2


def test_429_every_time_is_retried_then_rate_limited(httpserver):
    httpserver.expect_request("/3/search/tv").respond_with_json(
        fixture("tmdb/error_429_rate_limit.json"), status=429, headers={"Retry-After": "1"}
    )
    options = HttpOptions(timeout=(1.0, 2.0), retries=2, backoff_factor=0.0)

    with pytest.raises(RateLimited) as caught:
        tmdb(httpserver, options).search("tv", "breaking bad")

    assert len(httpserver.log) == 3  # the first try and 2 retries
    assert caught.value.retry_after == 1
    assert caught.value.status == 429
    assert (
        str(caught.value) == "TMDB is receiving too many requests from us; try again in 1 second."
    )


def test_a_long_retry_after_is_reported_at_once_not_waited_for(httpserver):
    httpserver.expect_request("/3/search/movie").respond_with_json(
        fixture("tmdb/error_429_rate_limit.json"), status=429, headers={"Retry-After": "5"}
    )
    options = HttpOptions(timeout=(1.0, 2.0), backoff_factor=0.0, give_up_after=2.0)

    started = time.monotonic()
    with pytest.raises(RateLimited) as caught:
        tmdb(httpserver, options).search("movie", "fight club")

    assert time.monotonic() - started < 1  # not 5 s, let alone 3 x 5 s
    assert len(httpserver.log) == 1
    assert caught.value.retry_after == 5
    assert "try again in 5 seconds" in str(caught.value)


def test_503_is_retried_then_unavailable(httpserver, options):
    httpserver.expect_request("/3/movie/550").respond_with_data("busy", status=503)

    with pytest.raises(Unavailable) as caught:
        tmdb(httpserver, options).movie(550)

    assert len(httpserver.log) == 4  # the first try and 3 retries
    assert str(caught.value) == "TMDB is having trouble (HTTP 503); try again later."


def test_500_twice_then_200_recovers(httpserver, options):
    for _ in range(2):
        httpserver.expect_oneshot_request("/3/movie/550").respond_with_data("oops", status=500)
    httpserver.expect_request("/3/movie/550").respond_with_json(fixture("tmdb/movie_details.json"))

    movie = tmdb(httpserver, options).movie(550)

    assert movie.title == "Fight Club"
    assert len(httpserver.log) == 3


# --- errors --------------------------------------------------------------------


def test_401_invalid_key_is_auth_failed_with_what_to_do(httpserver, options):
    httpserver.expect_request("/3/search/movie").respond_with_json(
        fixture("tmdb/error_401_invalid_api_key.json"), status=401
    )

    with pytest.raises(AuthFailed) as caught:
        tmdb(httpserver, options).search("movie", "fight club")

    assert len(httpserver.log) == 1  # a refused key is not retried
    message = str(caught.value)
    assert message.startswith("TMDB rejected the API key; run `mediatrack config set tmdb.token`")
    assert caught.value.detail == "Invalid API key: You must be granted a valid key."


def test_404_is_not_found_naming_the_item(httpserver, options):
    httpserver.expect_request("/3/movie/999999").respond_with_json(
        fixture("tmdb/error_404_not_found.json"), status=404
    )

    with pytest.raises(NotFound) as caught:
        tmdb(httpserver, options).movie(999999)

    assert str(caught.value) == "TMDB has no movie with id 999999."


def test_an_html_body_is_bad_response(httpserver, options):
    httpserver.expect_request("/3/tv/1399").respond_with_data(
        "<html><body>Captive portal: please log in</body></html>", content_type="text/html"
    )

    with pytest.raises(BadResponse) as caught:
        tmdb(httpserver, options).show(1399)

    assert str(caught.value) == "TMDB sent a reply that is not JSON; try again later."


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"page": 1, "results": "Breaking Bad"}, "search.results is not a list"),
        ([1, 2, 3], "search is not an object"),
        ({"results": [{"id": "1396", "name": "Breaking Bad"}]}, "search.results[0].id"),
        ({"results": [{"id": 1396, "name": ["Breaking Bad"]}]}, "search.results[0].name"),
        ({"results": [{"id": 1396}]}, "search.results[0].name is missing"),
    ],
)
def test_json_of_the_wrong_shape_is_bad_response(httpserver, options, body, path):
    httpserver.expect_request("/3/search/tv").respond_with_json(body)

    with pytest.raises(BadResponse) as caught:
        tmdb(httpserver, options).search("tv", "breaking bad")

    assert str(caught.value).startswith("TMDB sent data mediatrack cannot read (")
    assert path in str(caught.value)


def test_connection_refused_is_unavailable(options):
    client = TmdbClient(f"http://127.0.0.1:{closed_port()}", token="t", options=options)

    with pytest.raises(Unavailable) as caught:
        client.search("tv", "breaking bad")

    assert str(caught.value).startswith("Cannot reach TMDB (127.0.0.1:")


def test_a_slow_answer_times_out_as_unavailable(own_server):
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response(json.dumps(fixture("tmdb/search_tv.json")), mimetype="application/json")

    own_server.expect_request("/3/search/tv").respond_with_handler(slow)
    options = HttpOptions(timeout=(1.0, 0.2), backoff_factor=0.0)

    started = time.monotonic()
    with pytest.raises(Unavailable) as caught:
        tmdb(own_server, options).search("tv", "breaking bad")

    assert time.monotonic() - started < 0.9  # one read timeout, not retried
    assert "did not answer in time" in str(caught.value)


# --- cache ---------------------------------------------------------------------


def test_the_same_search_twice_makes_one_request(httpserver, options):
    httpserver.expect_request("/3/search/tv").respond_with_json(fixture("tmdb/search_tv.json"))
    client = tmdb(httpserver, options)

    first = client.search("tv", "breaking bad")
    second = client.search("tv", "breaking bad")
    client.search("tv", "better call saul")

    assert first == second
    assert len(httpserver.log) == 2  # the repeat came from the cache; the new query did not


def test_the_cache_file_is_in_the_user_cache_dir(httpserver, options):
    httpserver.expect_request("/search").respond_with_json(fixture("itunes/search_podcast.json"))

    ItunesClient(httpserver.url_for("/"), options=options).search("freakonomics")

    cache_file = Path(os.environ["XDG_CACHE_HOME"]) / "mediatrack" / "http_cache.sqlite"
    assert cache_file.is_file()


def test_credentials_never_reach_the_cache_file(httpserver, options):
    httpserver.expect_request("/3/movie/550").respond_with_json(fixture("tmdb/movie_details.json"))
    by_key = tmdb(httpserver, options, api_key="SECRET-V3-KEY-123")
    by_token = tmdb(httpserver, options, token="SECRET-V4-TOKEN-456")

    by_key.movie(550)
    by_token.movie(550, fresh=True)

    assert httpserver.log[0][0].args["api_key"] == "SECRET-V3-KEY-123"
    assert httpserver.log[1][0].headers["Authorization"] == "Bearer SECRET-V4-TOKEN-456"
    cache_dir = Path(os.environ["XDG_CACHE_HOME"]) / "mediatrack"
    stored = b"".join(path.read_bytes() for path in cache_dir.iterdir())
    assert b"Fight Club" in stored
    assert b"SECRET-V3-KEY-123" not in stored
    assert b"SECRET-V4-TOKEN-456" not in stored


def test_fresh_skips_the_cache(httpserver, options):
    httpserver.expect_request("/3/tv/1399").respond_with_json(fixture("tmdb/tv_details_ended.json"))
    client = tmdb(httpserver, options)

    client.show(1399)
    client.show(1399)
    client.show(1399, fresh=True)

    assert len(httpserver.log) == 2


def test_cached_details_answer_with_the_server_stopped(own_server, options):
    own_server.expect_request("/3/tv/1399").respond_with_json(fixture("tmdb/tv_details_ended.json"))
    client = tmdb(own_server, options)
    client.show(1399)

    own_server.stop()

    assert client.show(1399).title == "Game of Thrones"


def test_an_expired_answer_is_served_when_the_server_fails(httpserver, options):
    httpserver.expect_oneshot_request("/3/tv/1399").respond_with_json(
        fixture("tmdb/tv_details_ended.json")
    )
    httpserver.expect_request("/3/tv/1399").respond_with_data("down", status=503)
    client = tmdb(httpserver, options)
    client.show(1399)
    client.session.cache.reset_expiration(-60)  # as if its day of freshness had passed

    show = client.show(1399)

    assert show.title == "Game of Thrones"
    assert len(httpserver.log) == 1 + 4  # it did try again (with retries) before falling back


def test_an_expired_answer_is_served_when_offline(own_server, options):
    own_server.expect_request("/3/search/movie").respond_with_json(
        fixture("tmdb/search_movie.json")
    )
    client = tmdb(own_server, options)
    client.search("movie", "fight club")
    client.session.cache.reset_expiration(-60)
    own_server.stop()

    results = client.search("movie", "fight club")

    assert results[0].title == "Fight Club"


def test_without_a_cached_answer_offline_is_unavailable(own_server, options):
    own_server.expect_request("/3/search/movie").respond_with_json(
        fixture("tmdb/search_movie.json")
    )
    client = tmdb(own_server, options)
    client.search("movie", "fight club")
    own_server.stop()

    with pytest.raises(Unavailable):
        client.search("movie", "zombie")


# --- client-side rate limit ------------------------------------------------------


def test_the_client_side_rate_limit_refuses_before_the_server_does(httpserver, options):
    httpserver.expect_request("/search").respond_with_json(fixture("itunes/search_podcast.json"))
    session = build_session(options, RateLimit(calls=2, period=60.0, max_wait=0.0))
    client = ItunesClient(httpserver.url_for("/"), session=session, options=options)
    client.search("one")
    client.search("two")

    with pytest.raises(RateLimited) as caught:
        client.search("three")

    assert len(httpserver.log) == 2
    assert caught.value.retry_after is not None and 50 < caught.value.retry_after <= 60
    assert "iTunes" in str(caught.value)
    assert client.search("one")  # a cached answer costs no slot


def test_the_limiter_waits_when_the_wait_is_short():
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = Limiter(RateLimit(calls=2, period=1.0, max_wait=2.0), lambda: now[0], sleep)
    limiter.acquire()
    limiter.acquire()
    limiter.acquire()  # the window is full: waits for the first slot to free

    assert slept == [1.0]
    limiter = Limiter(RateLimit(calls=1, period=60.0, max_wait=2.0), lambda: now[0], sleep)
    limiter.acquire()
    with pytest.raises(TooSoon):
        limiter.acquire()


def test_errors_survive_pickling_and_rewording():
    error = RateLimited("TMDB is busy.", provider="TMDB", status=429, retry_after=5.0)

    copied = pickle.loads(pickle.dumps(error))
    reworded = error.reworded("Slow down.")

    assert (type(copied), str(copied), copied.retry_after, copied.status) == (
        RateLimited,
        "TMDB is busy.",
        5.0,
        429,
    )
    assert (type(reworded), str(reworded), reworded.retry_after) == (RateLimited, "Slow down.", 5.0)


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    in_90s = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 90))
    assert 80 < retry_after_seconds(in_90s) <= 90


# --- start-up cost -----------------------------------------------------------------


def test_importing_the_catalog_does_not_import_requests():
    code = (
        "import sys, mediatrack.catalog, mediatrack.catalog.settings, mediatrack.catalog.feeds;"
        "print(sorted(m for m in ('requests', 'requests_cache', 'urllib3', 'feedparser')"
        " if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --- only answers that parsed are cached -------------------------------------------------


def test_an_html_page_answered_with_200_is_never_served_from_the_cache(httpserver, options):
    httpserver.expect_oneshot_request("/3/tv/91003").respond_with_data(
        "<html><body>Captive portal: please log in</body></html>", content_type="text/html"
    )
    show = {**fixture("tmdb/tv_details_ended.json"), "id": 91003}
    httpserver.expect_request("/3/tv/91003").respond_with_json(show)
    client = tmdb(httpserver, options)

    with pytest.raises(BadResponse):
        client.show(91003)
    recovered = client.show(91003)  # the catalog recovered: this must ask it again
    client.show(91003)  # and this one is answered by the cache, now that it holds a good answer

    assert recovered.tmdb_id == 91003
    assert len(httpserver.log) == 2


def test_json_of_the_wrong_shape_is_not_cached_either(httpserver, options):
    httpserver.expect_oneshot_request("/3/search/tv").respond_with_json({"results": "oops"})
    httpserver.expect_request("/3/search/tv").respond_with_json(fixture("tmdb/search_tv.json"))
    client = tmdb(httpserver, options)

    with pytest.raises(BadResponse):
        client.search("tv", "breaking bad")

    assert client.search("tv", "breaking bad")[0].title == "Breaking Bad"
    assert len(httpserver.log) == 2


def test_a_bad_answer_an_older_version_cached_is_dropped_and_asked_again(httpserver, options):
    """A cache file written before answers were checked may hold an HTML page: it is not served."""
    import requests_cache

    from mediatrack.catalog.http import default_cache_path

    httpserver.expect_oneshot_request("/3/movie/550").respond_with_data(
        "<html>maintenance</html>", content_type="text/html"
    )
    httpserver.expect_request("/3/movie/550").respond_with_json(fixture("tmdb/movie_details.json"))
    old = requests_cache.CachedSession(
        str(default_cache_path()), backend="sqlite", expire_after=86400, match_headers=False
    )
    old.get(httpserver.url_for("/3/movie/550"))  # stores the HTML page, as requests-cache does
    assert old.get(httpserver.url_for("/3/movie/550")).from_cache
    old.close()

    movie = tmdb(httpserver, options).movie(550)

    assert movie.title == "Fight Club"
    assert len(httpserver.log) == 2
    assert tmdb(httpserver, options).movie(550).title == "Fight Club"
    assert len(httpserver.log) == 2  # the good answer replaced the bad one in the cache


def test_json_nested_100000_deep_is_bad_response(httpserver, options):
    httpserver.expect_request("/3/tv/1399").respond_with_data(
        "[" * 100_000 + "]" * 100_000, content_type="application/json"
    )

    with pytest.raises(BadResponse) as caught:
        tmdb(httpserver, options).show(1399)

    assert str(caught.value) == "TMDB sent JSON nested too deeply to read; try again later."


def test_a_deeply_nested_error_body_still_maps_by_status(httpserver, options):
    httpserver.expect_request("/3/tv/1399").respond_with_data(
        "{" + '"a":{' * 100_000 + "}" * 100_001, status=404, content_type="application/json"
    )

    with pytest.raises(NotFound):
        tmdb(httpserver, options).show(1399)


@pytest.mark.parametrize("tmdb_id", ["abc", "99999999999999999999999", "-5", "1 OR 1=1"])
def test_an_id_that_is_not_a_number_is_not_found_without_a_request(httpserver, options, tmdb_id):
    with pytest.raises(NotFound) as caught:
        tmdb(httpserver, options).show(tmdb_id)

    assert "an id is a whole number" in str(caught.value)
    assert httpserver.log == []
