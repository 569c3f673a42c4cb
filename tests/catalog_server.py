"""A local HTTP server playing TMDB, Google Books, iTunes and a podcast feed, from tests/fixtures.

Shows are served with ``append_to_response=season/N`` answered from the
recorded season 1, renumbered per season with ids of their own (so a 9-season
show has 9 distinct seasons); ``shows`` lets a test change a show between
requests (a new season appears, a show ends).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from mediatrack.catalog.http import HttpOptions
from mediatrack.catalog.settings import Catalog, CatalogSettings, build_catalog

FIXTURES = Path(__file__).parent / "fixtures"
FEED_PATH = "/feeds/kitchen-table-science.rss"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def season_answer(show_id: int, number: int) -> dict[str, Any]:
    """The recorded season 1, renumbered as season ``number`` of show ``show_id``."""
    season = copy.deepcopy(fixture("tmdb/tv_season_details.json"))
    season["season_number"] = number
    season["id"] = show_id * 100 + number
    for episode in season["episodes"]:
        episode["season_number"] = number
        episode["id"] = show_id * 10_000 + number * 100 + episode["episode_number"]
    return season


class FakeCatalogs:
    """Registers every endpoint on ``httpserver``; ``shows``, ``tv_search`` and ``feed`` may
    change mid-test."""

    def __init__(self, httpserver: HTTPServer) -> None:
        self.server = httpserver
        ended = fixture("tmdb/tv_details_ended.json")
        ended["next_episode_to_air"] = None  # real TMDB sends null for an ended show
        self.shows: dict[int, dict[str, Any]] = {1399: ended}
        self.feed = (FIXTURES / "feeds/podcast_feed_constructed.rss").read_text(encoding="utf-8")
        self.requests = 0
        self.book_queries: list[str] = []
        self.tv_search = fixture("tmdb/search_tv.json")
        httpserver.expect_request("/3/search/tv").respond_with_handler(
            lambda request: Response(json.dumps(self.tv_search), mimetype="application/json")
        )
        httpserver.expect_request("/3/search/movie").respond_with_json(
            fixture("tmdb/search_movie.json")
        )
        httpserver.expect_request("/3/movie/550").respond_with_json(
            fixture("tmdb/movie_details.json")
        )
        httpserver.expect_request("/3/tv/1399").respond_with_handler(self._show)
        httpserver.expect_request("/3/tv/1396").respond_with_handler(self._show)
        httpserver.expect_request("/3/find/tt0137523").respond_with_json(
            fixture("tmdb/find_imdb.json")
        )
        empty_find = {key: [] for key in fixture("tmdb/find_imdb.json")}
        httpserver.expect_request(re.compile(r"^/3/find/.*")).respond_with_json(empty_find)
        httpserver.expect_request("/books/v1/volumes").respond_with_handler(self._volumes)
        volume = fixture("google_books/volume_get.json")
        httpserver.expect_request(f"/books/v1/volumes/{volume['id']}").respond_with_json(volume)
        httpserver.expect_request("/search").respond_with_json(
            fixture("itunes/search_podcast.json")
        )
        httpserver.expect_request("/lookup").respond_with_handler(self._lookup)
        httpserver.expect_request(FEED_PATH).respond_with_handler(self._feed)

    def _show(self, request: Request) -> Response:
        show_id = int(request.path.rsplit("/", 1)[1])
        body = copy.deepcopy(self.shows[show_id])
        wanted = request.args.get("append_to_response", "")
        for part in filter(None, wanted.split(",")):
            body[part] = season_answer(show_id, int(part.removeprefix("season/")))
        return Response(json.dumps(body), mimetype="application/json")

    def _volumes(self, request: Request) -> Response:
        """The recorded search; ``q=isbn:X`` answers with the volumes carrying that ISBN."""
        self.book_queries.append(request.args.get("q", ""))
        answer = fixture("google_books/volumes_search.json")
        query = request.args.get("q", "")
        if query.startswith("isbn:"):
            isbn = query[5:]
            answer["items"] = [
                item
                for item in answer["items"]
                if any(
                    ident.get("identifier") == isbn
                    for ident in item["volumeInfo"].get("industryIdentifiers", [])
                )
            ]
            answer["totalItems"] = len(answer["items"])
            if not answer["items"]:
                answer = fixture("google_books/volumes_search_no_results.json")
        return Response(json.dumps(answer), mimetype="application/json")

    def _lookup(self, request: Request) -> Response:
        answer = fixture("itunes/lookup_podcast.json")
        answer["results"][0]["feedUrl"] = self.server.url_for(FEED_PATH)
        return Response(json.dumps(answer), mimetype="application/json")

    def _feed(self, request: Request) -> Response:
        return Response(self.feed, mimetype="application/rss+xml")

    def catalog(self) -> Catalog:
        base = self.server.url_for("/").rstrip("/")
        settings = CatalogSettings(
            tmdb_url=base, tmdb_token="test-token", google_books_url=base, itunes_url=base
        )
        options = HttpOptions(timeout=(1.0, 2.0), retries=0, backoff_factor=0.0, cache=False)
        return build_catalog(settings, options)
