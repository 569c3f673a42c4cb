"""History figures: one page of the history on a library of many ticks.

    python benchmarks/history.py [--ticks N] [--runs N]

Builds a library with N episode ticks (default 100,000; half of them in an
earlier run of a rewatched show) and 1,000 podcast listens, then reads pages
of the history through ``store.history`` (the first page, and one 1,000
entries deep) in alternation with the floor: the same number of rows read
newest first from ``episode_watches`` alone, through its index. Prints, per
page, the median time and the median and range of the ratio to the floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.store import history
from mediatrack.store.db import open_database
from mediatrack.store.models import (
    Episode,
    EpisodeWatch,
    MediaItem,
    PastEpisodeWatch,
    Podcast,
    PodcastEpisode,
    PodcastListen,
    Season,
    User,
    UserProgress,
    database,
)

LIMIT = 50


def build(path: Path, ticks: int) -> None:
    open_database(path)
    now = dt.datetime(2020, 1, 1)
    stamp = {"created_at": now, "updated_at": now}
    User.get_or_create(id="local", defaults={"name": "Me", "email": "me@example.com"})
    with database.atomic():
        show = MediaItem.create(tmdb_id=1, type="tv", title="Long Show", **stamp)
        UserProgress.create(user="local", media_item=show, status="watching", runs=1, **stamp)
        season = Season.create(media_item=show, tmdb_id=1, season_number=1, name="S1", **stamp)
        half = ticks // 2
        for start in range(0, half, 5000):
            rows = [
                {
                    "id": n + 1,
                    "season": season.id,
                    "tmdb_id": n + 1,
                    "episode_number": n + 1,
                    "name": f"E{n + 1}",
                    **stamp,
                }
                for n in range(start, min(start + 5000, half))
            ]
            Episode.insert_many(rows).execute()
            for model in (EpisodeWatch, PastEpisodeWatch):
                extra = {"run": 1} if model is PastEpisodeWatch else {}
                model.insert_many(
                    [
                        {
                            "user": "local",
                            "episode": row["id"],
                            **extra,
                            "watched_at": now
                            + dt.timedelta(minutes=2 * row["id"] + (model is EpisodeWatch)),
                            **stamp,
                        }
                        for row in rows
                    ]
                ).execute()
        podcast = Podcast.create(itunes_id="p", collection_name="Talk", **stamp)
        for n in range(1000):
            episode = PodcastEpisode.create(podcast=podcast, guid=str(n), title=f"#{n}", **stamp)
            PodcastListen.create(
                user="local",
                episode=episode,
                listened_at=now + dt.timedelta(minutes=7 * n),
                **stamp,
            )


def floor(offset: int) -> None:
    database.execute_sql(
        "SELECT w.watched_at, w.episode_id FROM episode_watches w WHERE w.user_id = 'local' "
        "AND w.deleted_at IS NULL ORDER BY w.watched_at DESC LIMIT ? OFFSET ?",
        (LIMIT, offset),
    ).fetchall()


def page(offset: int) -> None:
    history.history("local", limit=LIMIT, offset=offset)


def timed(work, offset: int) -> float:
    began = time.perf_counter()
    work(offset)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        build(Path(folder) / "library.db", max(args.ticks, 2))
        print(f"{args.ticks:,} ticks, 1,000 listens; a page is {LIMIT} entries")
        for offset in (0, 1000):
            page(offset), floor(offset)  # warm
            pairs = []
            for _ in range(args.runs):
                pairs.append((timed(page, offset), timed(floor, offset)))
            ratios = sorted(p / f for p, f in pairs)
            median = statistics.median(p for p, _ in pairs) * 1000
            print(
                f"page at {offset:>5}: {median:.2f} ms (median); vs the floor x"
                f"{statistics.median(ratios):.1f} (range x{ratios[0]:.1f}-x{ratios[-1]:.1f})"
            )
        # one item's history: the long show's
        began = time.perf_counter()
        history.history("local", EntryKey(Kind.TV, 1), limit=LIMIT)
        print(f"one show's first page: {(time.perf_counter() - began) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
