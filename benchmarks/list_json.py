"""``mediatrack list --json`` against a stdlib ``sqlite3`` script that prints the same bytes.

For each size the project's builder (``library.py``) makes a library; then
pairs of fresh processes run in alternation, ``mediatrack list --json`` and
the baseline below, from spawn to exit. The outputs must be byte-identical
(the run stops if they are not); the ratio is taken per pair and printed as
the median and range. ``--sizes 8 --pairs 1`` is the smoke run. Not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from library import build_library  # the builder beside this script

BASELINE = r'''
"""The library as `mediatrack list --json` prints it, with sqlite3, json and unicodedata."""
import datetime as dt
import json
import sqlite3
import sys
import unicodedata

WATCH = """
SELECT m.id, m.title, m.release_date, p.status, p.progress, {total}, r.rating, p.updated_at,
       r.updated_at, m.tmdb_id, ls.season_number, le.episode_number, ns.season_number,
       ne.episode_number, ne.air_date
FROM user_progress p JOIN media_items m ON p.media_item_id = m.id
LEFT JOIN ratings r ON r.user_id = p.user_id AND r.media_item_id = p.media_item_id
     AND r.deleted_at IS NULL
LEFT JOIN watch_positions w ON w.user_id = p.user_id AND w.media_item_id = p.media_item_id
LEFT JOIN episodes le ON w.last_episode_id = le.id LEFT JOIN seasons ls ON le.season_id = ls.id
LEFT JOIN episodes ne ON w.next_episode_id = ne.id LEFT JOIN seasons ns ON ne.season_id = ns.id
WHERE p.user_id = ? AND p.deleted_at IS NULL AND m.type = '{kind}'
"""
OTHER = """
SELECT i.id, i.{title}, i.{released}, p.status, p.progress, i.{total}, p.rating, p.updated_at,
       NULL, i.{catalog}, NULL, NULL, NULL, NULL, NULL
FROM {progress} p JOIN {items} i ON p.{item} = i.id
WHERE p.user_id = ? AND p.deleted_at IS NULL
"""
KINDS = [
    ("tv", "tmdb_id", WATCH.format(total="m.number_of_episodes", kind="tv")),
    ("movie", "tmdb_id", WATCH.format(total="1", kind="movie")),
    ("book", "google_id", OTHER.format(title="title", released="published_date",
     total="page_count", catalog="google_id", progress="user_book_progress", items="books",
     item="book_id")),
    ("podcast", "itunes_id", OTHER.format(title="collection_name", released="release_date",
     total="episode_count", catalog="itunes_id", progress="user_podcast_progress",
     items="podcasts", item="podcast_id")),
]
UNSAFE = [0x7F, *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
          *range(0x2066, 0x206A), 0x2028, 0x2029]
ESCAPES = {code: f"\\u{code:04x}" for code in UNSAFE}


def fold(text):
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(char for char in folded if not unicodedata.combining(char))


def code(season, episode):
    return None if season is None or episode is None else f"S{season}E{episode}"


def moment(text):
    return dt.datetime.fromisoformat(text)


connection = sqlite3.connect(sys.argv[1])
user = "local"  # the builder's user, signed in on no server
items = []
for kind, key, sql in KINDS:
    rows = []
    for (item_id, title, released, status, progress, total, rating, updated, rated, catalog,
         last_season, last_number, next_season, next_number, next_air) in connection.execute(
            sql, (user,)):
        when = moment(updated)
        if rated is not None and moment(rated) > when:
            when = moment(rated)
        catalog = str(catalog)
        rows.append({
            "id": f"{kind}:{item_id}",
            "kind": kind,
            "title": title,
            "year": int(released[:4]) if released and released[:4].isdigit() else None,
            "status": status,
            "progress": progress,
            "total": total,
            "rating": rating,
            key: None if catalog.startswith(("local:", "-")) else catalog,
            "last_episode": code(last_season, last_number),
            "next_episode": code(next_season, next_number),
            "next_air_date": next_air,
            "updated_at": when.isoformat(timespec="seconds") + "Z",
        })
    items += sorted(rows, key=lambda row: fold(row["title"]))
print(json.dumps(items, indent=2, ensure_ascii=False).translate(ESCAPES))
'''


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, bytes]:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env, check=False, timeout=600)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{argv[1:3]} failed:\n{done.stderr.decode()[-2000:]}")
    return took, done.stdout


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,10000,100000", help="items per library")
    parser.add_argument("--pairs", type=int, default=5, help="timed pairs per size (default 5)")
    parser.add_argument("--cache", type=Path, help="keep built libraries here (default: a temp)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mediatrack-bench-") as temporary:
        folder = Path(temporary)
        cache = args.cache or folder
        cache.mkdir(parents=True, exist_ok=True)
        baseline = folder / "baseline.py"
        baseline.write_text(BASELINE, encoding="utf-8")
        home = folder / "home"
        env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}
        print(f"{'':12} {'list --json':>12} {'sqlite3':>10}  ratio per pair: median (range)")
        for size in (int(size) for size in args.sizes.split(",")):
            built = cache / f"library-{size}.db"
            if not built.exists():
                build_library(folder / "building.db", size)
                shutil.move(folder / "building.db", built)
            library = folder / "run.db"
            shutil.copy(built, library)
            ours_argv = [sys.executable, "-m", "mediatrack", "--db", str(library), "list", "--json"]
            timed(ours_argv, env)  # migrations (if any) and caches, untimed
            samples = []
            for pair in range(max(args.pairs, 1) + 1):  # the first pair warms up
                ours, printed = timed(ours_argv, env)
                floor, expected = timed([sys.executable, str(baseline), str(library)], env)
                if printed != expected:
                    raise SystemExit(f"{size:,} items: the outputs differ; the figures would lie")
                if pair:
                    samples.append((ours, floor))
            ratios = sorted(ours / floor for ours, floor in samples)
            print(
                f"{size:>10,}   {statistics.median(s[0] for s in samples):9.3f} s "
                f"{statistics.median(s[1] for s in samples):7.3f} s  "
                f"{statistics.median(ratios):5.2f}x ({ratios[0]:.2f}-{ratios[-1]:.2f})",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
