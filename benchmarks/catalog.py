"""Catalog figures: ``refresh --all`` of a library of shows, against raw GETs of the same URLs.

    python benchmarks/catalog.py [--shows 200] [--runs 3] [--delay-ms 20] [--with-limit]
    python benchmarks/catalog.py --shows 5 --runs 1        # a smoke run

A local threaded HTTP server plays TMDB (nothing leaves the machine), answering
every request after ``--delay-ms`` milliseconds, as a distant server would. The
library holds ``--shows`` shows of 3 seasons with 10 episodes each; refreshing
one takes 2 requests (the show, then its seasons in one ``append_to_response``).

Each run pairs, in alternating order:

- mediatrack: ``CatalogService.refresh_all`` (what ``mediatrack refresh --all``
  runs), fetching, parsing, caching and writing every show and episode;
- raw 8 threads: the same URLs fetched by 8 threads with a plain
  ``requests.Session`` (bodies read, nothing parsed or stored);
- raw serial: the same URLs one after another.

The ratio is taken per pair and printed as median and range. By default the
client-side TMDB limit (40 requests a second) is lifted so the figures measure
concurrency itself (400 requests under the limit take 10 s whatever the code
does); ``--with-limit`` adds one pair with the limit on both sides.

It also checks that adding a show of 20 seasons takes 2 requests (the show,
then its 20 seasons in one ``append_to_response``), and that 10 repeated
searches cost no request (served from the HTTP cache).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

FIRST_ID = 100_000
SEASONS = 3
EPISODES = 10
BIG_SHOW = 424_242
BIG_SEASONS = 20
TOKEN = "bench"
LIMIT_PER_SECOND = 40  # TMDB's, as the client keeps it
TARGET = 1.5  # mediatrack / raw 8 threads


def season_body(show_id: int, number: int, episodes: int = EPISODES) -> dict[str, object]:
    return {
        "id": show_id * 100 + number,
        "season_number": number,
        "name": f"Season {number}",
        "air_date": f"{2000 + number}-01-01",
        "episodes": [
            {
                "id": show_id * 10_000 + number * 100 + episode,
                "season_number": number,
                "episode_number": episode,
                "name": f"Episode {episode}",
                "air_date": f"{2000 + number}-01-{episode:02d}",
                "runtime": 45,
                "overview": "An episode.",
            }
            for episode in range(1, episodes + 1)
        ],
    }


def show_body(show_id: int, seasons: int = SEASONS) -> dict[str, object]:
    return {
        "id": show_id,
        "name": f"Show {show_id}",
        "overview": "A show.",
        "first_air_date": "2001-01-01",
        "vote_average": 8.1,
        "vote_count": 1234,
        "genres": [{"id": 18, "name": "Drama"}],
        "status": "Ended",
        "number_of_seasons": seasons,
        "number_of_episodes": seasons * EPISODES,
        "seasons": [
            {"id": show_id * 100 + n, "season_number": n, "episode_count": EPISODES}
            for n in range(1, seasons + 1)
        ],
    }


class Tmdb:
    """The fake TMDB: answers after ``delay`` seconds and counts requests."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.delay = 0.0
        self.requests = 0
        self._lock = threading.Lock()
        server.expect_request(re.compile(r"^/3/tv/\d+$")).respond_with_handler(self._show)
        search = {
            "page": 1,
            "results": [{"id": BIG_SHOW, "name": "The Long Show", "first_air_date": "2001-01-01"}],
            "total_pages": 1,
            "total_results": 1,
        }
        server.expect_request("/3/search/tv").respond_with_handler(
            lambda request: self._answer(search)
        )

    def _answer(self, body: dict[str, object]) -> Response:
        with self._lock:
            self.requests += 1
        if self.delay:
            time.sleep(self.delay)
        return Response(json.dumps(body), mimetype="application/json")

    def _show(self, request: Request) -> Response:
        show_id = int(request.path.rsplit("/", 1)[1])
        seasons = BIG_SEASONS if show_id == BIG_SHOW else SEASONS
        body = show_body(show_id, seasons)
        for part in filter(None, request.args.get("append_to_response", "").split(",")):
            body[part] = season_body(show_id, int(part.removeprefix("season/")))
        return self._answer(body)

    def base(self) -> str:
        return self.server.url_for("/").rstrip("/")


def urls(tmdb: Tmdb, shows: int) -> list[str]:
    """The URLs one refresh of the library asks for, in the order it asks."""
    seasons = ",".join(f"season/{n}" for n in range(1, SEASONS + 1))
    out = []
    for show_id in range(FIRST_ID, FIRST_ID + shows):
        out.append(f"{tmdb.base()}/3/tv/{show_id}")
        out.append(f"{tmdb.base()}/3/tv/{show_id}?append_to_response={seasons}")
    return out


def catalog(tmdb: Tmdb, folder: Path, *, limited: bool):  # -> Catalog
    """The clients ``refresh --all`` uses; the TMDB limit lifted unless ``limited``."""
    from mediatrack.catalog.http import HttpOptions, build_session
    from mediatrack.catalog.ratelimit import RateLimit
    from mediatrack.catalog.settings import Catalog, CatalogSettings, build_catalog
    from mediatrack.catalog.tmdb import RATE_LIMIT, TmdbClient

    options = HttpOptions(cache_path=folder / "http_cache.sqlite")
    built = build_catalog(CatalogSettings(tmdb_url=tmdb.base(), tmdb_token=TOKEN), options)
    limit = RATE_LIMIT if limited else RateLimit(calls=1_000_000, period=1.0)
    session = build_session(options, limit)
    client = TmdbClient(tmdb.base(), token=TOKEN, session=session, options=options)
    return Catalog(tmdb=client, books=built.books, itunes=built.itunes, feeds=built.feeds)


def build_library(tmdb: Tmdb, folder: Path, shows: int) -> None:
    from mediatrack.kinds import Kind
    from mediatrack.services.catalog import CatalogService
    from mediatrack.services.library import open_library

    open_library(folder / "bench.db")
    service = CatalogService(catalog(tmdb, folder, limited=False))
    for show_id in range(FIRST_ID, FIRST_ID + shows):
        service.add(Kind.TV, str(show_id))


def run_mediatrack(tmdb: Tmdb, folder: Path, shows: int, limited: bool) -> float:
    from mediatrack.services.catalog import CatalogService

    started = time.perf_counter()
    report = CatalogService(catalog(tmdb, folder, limited=limited)).refresh_all(
        on_progress=lambda done, total, entry: None
    )
    seconds = time.perf_counter() - started
    if report.failed or len(report.refreshed) != shows:
        raise SystemExit(f"refresh failed: {report.failed[:3]}")
    return seconds


def run_raw(addresses: list[str], threads: int, limited: bool) -> float:
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=max(threads, 10))
    session.mount("http://", adapter)
    started = time.perf_counter()
    pace = _pacer(started) if limited else None

    def get(address: str) -> int:
        if pace is not None:
            pace()
        return len(session.get(address, timeout=10).content)

    if threads == 1:
        for address in addresses:
            get(address)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(get, addresses))
    return time.perf_counter() - started


def _pacer(start: float) -> Callable[[], None]:
    """Request n starts no earlier than ``n / LIMIT_PER_SECOND`` after the first (a fair limit)."""
    lock = threading.Lock()
    count = [0]

    def pace() -> None:
        with lock:
            slot = start + count[0] / LIMIT_PER_SECOND
            count[0] += 1
        wait = slot - time.perf_counter()
        if wait > 0:
            time.sleep(wait)

    return pace


def refresh_figures(tmdb: Tmdb, shows: int, runs: int, delay: float, with_limit: bool) -> bool:
    from mediatrack.store.models import Episode

    addresses = urls(tmdb, shows)
    with tempfile.TemporaryDirectory(prefix="mediatrack-bench-") as name:
        folder = Path(name)
        os.environ["XDG_CACHE_HOME"] = str(folder / "cache")
        build_library(tmdb, folder, shows)
        episodes = Episode.select().count()
        tmdb.delay = delay
        tmdb.requests = 0
        run_mediatrack(tmdb, folder, shows, limited=False)  # warm-up, and the request count
        made = tmdb.requests
        pairs: list[tuple[float, float, float]] = []
        for run in range(runs):
            app = raw8 = 0.0
            order = ("app", "raw8") if run % 2 == 0 else ("raw8", "app")
            for which in order:
                if which == "app":
                    app = run_mediatrack(tmdb, folder, shows, limited=False)
                else:
                    raw8 = run_raw(addresses, 8, limited=False)
            serial = run_raw(addresses, 1, limited=False)
            pairs.append((app, raw8, serial))
        limited_pair = None
        if with_limit:
            raw_limited = run_raw(addresses, 8, limited=True)
            app_limited = run_mediatrack(tmdb, folder, shows, limited=True)
            limited_pair = (app_limited, raw_limited)
    expected = 2 * shows
    print(
        f"refresh --all: {shows} shows ({episodes} episodes), server delay {delay * 1000:.0f} ms, "
        f"{runs} pairs"
    )
    print(
        f"  TMDB's client limit ({LIMIT_PER_SECOND}/s) lifted on both sides, so this measures "
        "concurrency itself; --with-limit adds a pair under it"
    )
    verdict = "PASS" if made == expected else "MISS"
    print(f"  HTTP requests per refresh   {made:6d}   expected {expected}  {verdict}")
    print(f"  {'':26} {'median':>9} {'min':>9} {'max':>9}")
    for label, index in (("mediatrack", 0), ("raw GETs, 8 threads", 1), ("raw GETs, serial", 2)):
        values = [pair[index] for pair in pairs]
        print(
            f"  {label:26} {statistics.median(values):8.2f}s {min(values):8.2f}s "
            f"{max(values):8.2f}s"
        )
    ok = made == expected
    for label, index in (("vs 8 threads", 1), ("vs serial", 2)):
        ratios = [pair[0] / pair[index] for pair in pairs]
        line = (
            f"  ratio {label:19} {statistics.median(ratios):8.2f}x "
            f"({min(ratios):.2f}-{max(ratios):.2f})"
        )
        if index == 1:
            passed = statistics.median(ratios) <= TARGET
            ok = ok and passed
            line += f"   target <= {TARGET}x  {'PASS' if passed else 'MISS'}"
        print(line)
    if limited_pair is not None:
        app_limited, raw_limited = limited_pair
        floor = expected / LIMIT_PER_SECOND
        print(
            f"  with TMDB's {LIMIT_PER_SECOND}/s limit on both: mediatrack {app_limited:.2f}s, "
            f"raw 8 threads {raw_limited:.2f}s ({app_limited / raw_limited:.2f}x); "
            f"floor {floor:.2f}s"
        )
    return ok


def add_figures(tmdb: Tmdb) -> bool:
    """Adding a 20-season show: 2 requests; 10 repeated searches: none."""
    from mediatrack.kinds import Kind
    from mediatrack.services.catalog import CatalogService
    from mediatrack.services.library import open_library

    tmdb.delay = 0.0
    with tempfile.TemporaryDirectory(prefix="mediatrack-bench-") as name:
        folder = Path(name)
        open_library(folder / "bench.db")
        service = CatalogService(catalog(tmdb, folder, limited=True))
        tmdb.requests = 0
        service.add(Kind.TV, str(BIG_SHOW))
        add_requests = tmdb.requests
        service.search(Kind.TV, "long show")  # the first search fills the cache
        tmdb.requests = 0
        for _ in range(10):
            service.search(Kind.TV, "long show")
        search_requests = tmdb.requests
    target = 1 + math.ceil(BIG_SEASONS / 20)
    print(
        f"add a show of {BIG_SEASONS} seasons: {add_requests} HTTP requests   target {target}  "
        f"{'PASS' if add_requests == target else 'MISS'}"
    )
    print(
        f"10 repeated searches: {search_requests} HTTP requests   target 0  "
        f"{'PASS' if search_requests == 0 else 'MISS'}"
    )
    return add_requests == target and search_requests == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shows", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="pairs")
    parser.add_argument("--delay-ms", type=float, default=20.0)
    parser.add_argument("--with-limit", action="store_true", help="one pair under TMDB's limit")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    tmdb = Tmdb(server)
    server.start()
    try:
        refresh_figures(tmdb, args.shows, max(1, args.runs), args.delay_ms / 1000, args.with_limit)
        add_figures(tmdb)
    finally:
        server.clear()
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
