"""``refresh --all``: look-ups run concurrently, within each catalog's limit, writes stay whole."""

from __future__ import annotations

import json
import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from mediatrack.catalog.feeds import FeedClient
from mediatrack.catalog.google_books import GoogleBooksClient
from mediatrack.catalog.http import HttpOptions, build_session
from mediatrack.catalog.itunes import ItunesClient
from mediatrack.catalog.ratelimit import RateLimit
from mediatrack.catalog.settings import Catalog
from mediatrack.catalog.tmdb import TmdbClient
from mediatrack.kinds import Kind
from mediatrack.services.catalog import CatalogService
from mediatrack.store.models import Episode

OPTIONS = HttpOptions(timeout=(1.0, 5.0), retries=0, backoff_factor=0.0, cache=False)
SHOWS = 12
PODCASTS = 5


def show_body(show_id: int, seasons: int = 2) -> dict[str, object]:
    return {
        "id": show_id,
        "name": f"Show {show_id}",
        "first_air_date": "2001-01-01",
        "status": "Ended",
        "number_of_seasons": seasons,
        "number_of_episodes": seasons * 3,
        "seasons": [
            {"id": show_id * 100 + n, "season_number": n, "episode_count": 3}
            for n in range(1, seasons + 1)
        ],
    }


def season_body(show_id: int, number: int) -> dict[str, object]:
    return {
        "id": show_id * 100 + number,
        "season_number": number,
        "episodes": [
            {
                "id": show_id * 10_000 + number * 100 + e,
                "season_number": number,
                "episode_number": e,
                "name": f"Episode {e}",
                "air_date": "2001-01-01",
            }
            for e in range(1, 4)
        ],
    }


class World:
    """A threaded server playing TMDB and iTunes that counts requests and how many overlap."""

    def __init__(self, server: HTTPServer, delay: float = 0.03) -> None:
        self.server = server
        self.delay = delay
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.broken: set[int] = set()
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        server.expect_request(__import__("re").compile(r"^/3/tv/\d+$")).respond_with_handler(
            self._show
        )
        server.expect_request("/lookup").respond_with_handler(self._lookup)

    def _timed(self, request: Request, answer: dict[str, object], status: int = 200) -> Response:
        with self._lock:
            self.paths.append(request.full_path)
            self.headers.append(dict(request.headers))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            time.sleep(self.delay)
        finally:
            with self._lock:
                self.in_flight -= 1
        return Response(json.dumps(answer), status=status, mimetype="application/json")

    def _show(self, request: Request) -> Response:
        show_id = int(request.path.rsplit("/", 1)[1])
        if show_id in self.broken:
            return self._timed(request, {"status_message": "gone"}, 404)
        body = show_body(show_id)
        for part in filter(None, request.args.get("append_to_response", "").split(",")):
            body[part] = season_body(show_id, int(part.removeprefix("season/")))
        return self._timed(request, body)

    def _lookup(self, request: Request) -> Response:
        podcast_id = int(request.args["id"])
        result = {
            "wrapperType": "track",
            "kind": "podcast",
            "collectionId": podcast_id,
            "collectionName": f"Podcast {podcast_id}",
        }
        return self._timed(request, {"resultCount": 1, "results": [result]})

    def catalog(self, itunes_limit: RateLimit | None = None) -> Catalog:
        base = self.server.url_for("/").rstrip("/")
        itunes_session = build_session(OPTIONS, itunes_limit) if itunes_limit else None
        return Catalog(
            tmdb=TmdbClient(base, token="t", options=OPTIONS),
            books=GoogleBooksClient(base, options=OPTIONS),
            itunes=ItunesClient(base, options=OPTIONS, session=itunes_session),
            feeds=FeedClient(options=OPTIONS),
        )


@pytest.fixture
def world(library):
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield World(server)
    finally:
        server.clear()
        server.stop()


def add_shows(world: World, count: int = SHOWS) -> None:
    service = CatalogService(world.catalog())
    for n in range(1, count + 1):
        service.add(Kind.TV, str(1000 + n))


def test_refresh_all_makes_the_expected_requests_concurrently(world):
    add_shows(world)
    world.paths.clear()
    world.max_in_flight = 0
    seen: list[tuple[int, int]] = []
    report = CatalogService(world.catalog()).refresh_all(
        on_progress=lambda done, total, entry: seen.append((done, total))
    )
    assert len(report.refreshed) == SHOWS and not report.failed
    expected = sorted(
        path
        for n in range(1, SHOWS + 1)
        for path in (f"/3/tv/{1000 + n}?", f"/3/tv/{1000 + n}?append_to_response=season/1,season/2")
    )
    assert sorted(p.replace("%2F", "/").replace("%2C", ",") for p in world.paths) == expected
    assert world.max_in_flight > 1
    assert seen == [(done, SHOWS) for done in range(1, SHOWS + 1)]
    assert Episode.select().count() == SHOWS * 6


def test_one_failing_show_is_reported_and_the_rest_refresh(world):
    add_shows(world, 6)
    world.broken.add(1003)
    report = CatalogService(world.catalog()).refresh_all()
    assert [entry.title for entry in report.refreshed] == [
        f"Show {1000 + n}" for n in (1, 2, 4, 5, 6)
    ]
    [(entry, reason)] = report.failed
    assert entry.title == "Show 1003" and "TMDB has no show with id 1003" in reason


def test_a_podcast_past_the_itunes_quota_waits_instead_of_failing(world):
    service = CatalogService(world.catalog())
    for n in range(1, PODCASTS + 1):
        service.add(Kind.PODCAST, str(500 + n))
    world.paths.clear()
    # Two look-ups per 0.4 s, and an interactive look-up would give up after 50 ms.
    limit = RateLimit(calls=2, period=0.4, max_wait=0.05)
    started = time.monotonic()
    report = CatalogService(world.catalog(limit)).refresh_all()
    took = time.monotonic() - started
    assert not report.failed
    assert len(report.refreshed) == PODCASTS
    assert len(world.paths) == PODCASTS
    assert took >= 0.8  # five look-ups at two per 0.4 s: two full windows waited


def test_the_same_limit_still_refuses_an_interactive_lookup_at_once(world):
    from mediatrack.catalog.errors import RateLimited

    limit = RateLimit(calls=1, period=5.0, max_wait=0.05)
    itunes = world.catalog(limit).itunes
    itunes.lookup("501")
    with pytest.raises(RateLimited):
        itunes.lookup("502")


def test_a_refresh_asks_the_provider_past_the_cache_and_says_nothing_of_it(world, tmp_path):
    from dataclasses import replace

    cached = replace(OPTIONS, cache=True, cache_path=tmp_path / "http.sqlite")
    base = world.server.url_for("/").rstrip("/")
    catalog = Catalog(
        tmdb=TmdbClient(base, token="t", options=cached),
        books=GoogleBooksClient(base, options=cached),
        itunes=ItunesClient(base, options=cached),
        feeds=FeedClient(options=cached),
    )
    service = CatalogService(catalog)
    service.add(Kind.TV, "1001")
    service.add(Kind.TV, "1002")
    world.paths.clear()
    world.headers.clear()
    report = service.refresh_all()
    assert len(report.refreshed) == 2
    assert len(world.paths) == 4  # the cached answers of the add were not served
    assert not any(name.lower().startswith("x-mediatrack") for h in world.headers for name in h)
