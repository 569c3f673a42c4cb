"""Catalog figures: adding a big show, and repeated searches served from the HTTP cache.

    python benchmarks/catalog.py [--runs N]

A local HTTP server plays TMDB (nothing leaves the machine). It serves a show
of 20 seasons with 25 episodes each (500 episodes), answering
``append_to_response=season/N`` like TMDB does, and counts the requests it
gets. Prints, as medians of N runs:

- the time to add the show (fetch + store every season and episode) and the
  HTTP requests it took (target: at most one per season plus one for the show);
- the requests made by the same search repeated 10 times (target: 0 after the
  first, served from the cache).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

SEASONS = 20
EPISODES_PER_SEASON = 25
SHOW_ID = 424242


def season_body(number: int) -> dict[str, object]:
    return {
        "id": SHOW_ID * 100 + number,
        "season_number": number,
        "name": f"Season {number}",
        "air_date": f"{2000 + number}-01-01",
        "overview": "",
        "poster_path": None,
        "episodes": [
            {
                "id": SHOW_ID * 10_000 + number * 100 + episode,
                "season_number": number,
                "episode_number": episode,
                "name": f"Episode {episode}",
                "air_date": f"{2000 + number}-01-{episode:02d}",
                "runtime": 45,
                "overview": "An episode.",
                "still_path": None,
            }
            for episode in range(1, EPISODES_PER_SEASON + 1)
        ],
    }


def show_body() -> dict[str, object]:
    return {
        "id": SHOW_ID,
        "name": "The Long Show",
        "original_name": "The Long Show",
        "overview": "Twenty seasons of it.",
        "first_air_date": "2001-01-01",
        "last_air_date": "2020-01-25",
        "vote_average": 8.1,
        "vote_count": 1234,
        "genres": [{"id": 18, "name": "Drama"}],
        "status": "Ended",
        "in_production": False,
        "number_of_seasons": SEASONS,
        "number_of_episodes": SEASONS * EPISODES_PER_SEASON,
        "seasons": [
            {
                "id": SHOW_ID * 100 + number,
                "season_number": number,
                "name": f"Season {number}",
                "episode_count": EPISODES_PER_SEASON,
                "air_date": f"{2000 + number}-01-01",
            }
            for number in range(1, SEASONS + 1)
        ],
        "next_episode_to_air": None,
        "last_episode_to_air": None,
    }


def serve(server: HTTPServer) -> None:
    def show(request: Request) -> Response:
        body = show_body()
        wanted = request.args.get("append_to_response", "")
        for part in filter(None, wanted.split(",")):
            body[part] = season_body(int(part.removeprefix("season/")))
        return Response(json.dumps(body), mimetype="application/json")

    def season(request: Request) -> Response:
        number = int(request.path.rsplit("/", 1)[1])
        return Response(json.dumps(season_body(number)), mimetype="application/json")

    search = {
        "page": 1,
        "results": [{"id": SHOW_ID, "name": "The Long Show", "first_air_date": "2001-01-01"}],
        "total_pages": 1,
        "total_results": 1,
    }
    server.expect_request(f"/3/tv/{SHOW_ID}").respond_with_handler(show)
    server.expect_request(f"/3/tv/{SHOW_ID}/season", method="GET").respond_with_handler(season)
    server.expect_request("/3/search/tv").respond_with_json(search)


def one_run(server: HTTPServer, folder: Path) -> tuple[float, int, int, int]:
    """(seconds to add the show, requests it made, episodes stored, requests of 10 searches)."""
    os.environ["XDG_CACHE_HOME"] = str(folder / "cache")
    from mediatrack.catalog.settings import CatalogSettings, build_catalog
    from mediatrack.kinds import Kind
    from mediatrack.services.catalog import CatalogService
    from mediatrack.services.library import open_library
    from mediatrack.store.models import Episode

    open_library(folder / "bench.db")
    base = server.url_for("/").rstrip("/")
    catalog = build_catalog(CatalogSettings(tmdb_url=base, tmdb_token="bench"))
    service = CatalogService(catalog)

    server.clear_log()
    started = time.perf_counter()
    service.add(Kind.TV, str(SHOW_ID))
    seconds = time.perf_counter() - started
    add_requests = len(server.log)
    episodes = Episode.select().count()

    service.search(Kind.TV, "long show")  # the first search fills the cache
    server.clear_log()
    for _ in range(10):
        service.search(Kind.TV, "long show")
    return seconds, add_requests, episodes, len(server.log)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args(argv).runs
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = HTTPServer(host="127.0.0.1", port=0)
    serve(server)
    server.start()
    results = []
    try:
        for _ in range(runs):
            with tempfile.TemporaryDirectory(prefix="mediatrack-bench-") as folder:
                results.append(one_run(server, Path(folder)))
    finally:
        server.stop()
    seconds = statistics.median(run[0] for run in results)
    add_requests = max(run[1] for run in results)
    episodes = results[0][2]
    search_requests = max(run[3] for run in results)
    request_target = SEASONS + 1
    print(
        f"add a show of {SEASONS} seasons / {SEASONS * EPISODES_PER_SEASON} episodes, {runs} runs"
    )
    print(f"  time to add (median)       {seconds * 1000:8.1f} ms")
    print(f"  episodes stored            {episodes:8d}")
    verdict = "PASS" if add_requests <= request_target else "MISS"
    print(f"  HTTP requests              {add_requests:8d}   target <= {request_target}  {verdict}")
    verdict = "PASS" if search_requests == 0 else "MISS"
    print(f"10 repeated searches: HTTP requests {search_requests}   target 0  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
