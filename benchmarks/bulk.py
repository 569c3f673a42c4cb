"""The store's bulk write path, and the cost of one item added by hand as the library grows.

    python benchmarks/bulk.py [--size 10000] [--runs 5] [--big 100000] [--adds 20]
    python benchmarks/bulk.py --size 50 --runs 1 --big 500 --adds 3   # a smoke run

Prints two figures:

1. writing N books (each with the user's row, a rating and a finish date) through
   the services' bulk path (a mediatrack backup restored with ``import
   mediatrack``: the file read, each row decided, then written in batches) vs.
   reading the same file with ``json`` and writing the same rows with raw
   ``sqlite3`` ``executemany`` in one transaction, into the same migrated
   schema with the same triggers. Pairs run in alternation on fresh copies of
   one empty library; the ratio is taken per pair and reported as its median
   and range (target <= 2x).
2. adding one book by hand (``Library.add``: the limits, the duplicate check,
   the insert) to a library of 100 items vs. one of ``--big`` items: the median
   of ``--adds`` adds each; the duplicate check is an indexed lookup, so the
   two should cost the same (target: ratio <= 1.5x).
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mediatrack.kinds import Kind
from mediatrack.services.importing import ImportService
from mediatrack.services.library import NewItem, open_library
from mediatrack.store.models import database

NOW = "2024-03-15T10:00:00"


def close_database() -> None:
    if database.obj is not None:
        database.obj.close()


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def book(n: int) -> dict:
    metadata = {
        "google_id": f"g{n:08d}",
        "title": f"Book number {n}",
        "subtitle": None,
        "authors": [f"Author {n % 97}"],
        "publisher": None,
        "published_date": str(1950 + n % 70),
        "description": None,
        "isbn_13": f"978{n:010d}",
        "isbn_10": None,
        "page_count": 100 + n % 400,
        "categories": None,
        "thumbnail": None,
        "language": "en",
        "is_ebook": False,
    }
    return {
        "kind": "book",
        "catalog_id": metadata["google_id"],
        "title": metadata["title"],
        "creator": metadata["authors"][0],
        "release_date": metadata["published_date"],
        "total": metadata["page_count"],
        "status": "completed",
        "progress": metadata["page_count"],
        "rating": 1 + n % 10,
        "updated_at": NOW,
        "dates": [f"2020-01-{1 + n % 28:02d}"],
        "metadata": metadata,
        "isbn_13": metadata["isbn_13"],
        "isbn_10": None,
    }


def write_backup(path: Path, size: int) -> None:
    document = {"format": "mediatrack", "version": 1, "items": [book(n) for n in range(size)]}
    path.write_text(json.dumps(document), encoding="utf-8")


def baseline_write(backup: Path, db_path: Path) -> None:
    """The same rows with nothing but ``json`` and ``sqlite3``."""
    items = json.loads(backup.read_text(encoding="utf-8"))["items"]
    connection = sqlite3.connect(db_path)
    now = NOW.replace("T", " ")
    columns = list(items[0]["metadata"])
    marks = ", ".join("?" for _ in columns)
    with connection:
        connection.executemany(
            f"INSERT INTO books ({', '.join(columns)}, created_at, updated_at) "
            f"VALUES ({marks}, ?, ?) ON CONFLICT DO NOTHING",
            [
                [
                    json.dumps(value) if isinstance(value, list) else value
                    for value in item["metadata"].values()
                ]
                + [now, now]
                for item in items
            ],
        )
        ids = dict(connection.execute("SELECT google_id, id FROM books"))
        connection.executemany(
            "INSERT INTO user_book_progress (user_id, book_id, status, progress, rating, "
            "created_at, updated_at) VALUES ('local', ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                (
                    ids[item["catalog_id"]],
                    item["status"],
                    item["progress"],
                    item["rating"],
                    now,
                    now,
                )
                for item in items
            ],
        )
        connection.executemany(
            "INSERT INTO finish_dates (user_id, kind, item_id, finished_on, created_at) "
            "VALUES ('local', 'book', ?, ?, ?) ON CONFLICT DO NOTHING",
            [(ids[item["catalog_id"]], day, now) for item in items for day in item["dates"]],
        )
    connection.close()


def grow(db_path: Path, size: int) -> None:
    """A library of ``size`` books, written directly (its cost is not measured)."""
    items = [book(n) for n in range(size)]
    backup = db_path.with_suffix(".json")
    backup.write_text(json.dumps({"items": items}), encoding="utf-8")
    baseline_write(backup, db_path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5, help="pairs of runs, in alternation")
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--adds", type=int, default=20)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    folder = Path(tempfile.mkdtemp(prefix="mediatrack-bulk-"))
    os.environ["XDG_CACHE_HOME"] = str(folder / "cache")
    template = folder / "empty.db"
    open_library(template)
    close_database()

    def fresh(name: str) -> Path:
        target = folder / name
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, target)
        return target

    # 1. the bulk path
    backup = folder / "backup.json"
    write_backup(backup, args.size)

    def ours(run: int) -> None:
        library = open_library(fresh(f"ours-{run}.db"))
        summary = ImportService(None, library.user_id).run("mediatrack", backup)
        assert summary.added == args.size, summary
        close_database()

    def theirs(run: int) -> None:
        baseline_write(backup, fresh(f"base-{run}.db"))

    results = [
        (timed(functools.partial(ours, run)), timed(functools.partial(theirs, run)))
        for run in range(args.runs)
    ]
    ratios = [o / b for o, b in results]
    print(
        f"write {args.size} books through the services' bulk path: "
        f"{statistics.median(o for o, _ in results):.3f} s; json + sqlite3 executemany, same "
        f"schema and triggers: {statistics.median(b for _, b in results):.3f} s; ratio median "
        f"{statistics.median(ratios):.2f}x, range {min(ratios):.2f}-{max(ratios):.2f}x over "
        f"{len(results)} pairs (target <= 2x)"
    )

    # 2. one add by hand, small library vs big library
    def adds(size: int) -> float:
        path = fresh(f"hand-{size}.db")
        grow(path, size)
        library = open_library(path)
        times = [
            timed(lambda n=n: library.add(NewItem(Kind.BOOK, f"Added by hand {n}", 2001)))
            for n in range(args.adds)
        ]
        close_database()
        return statistics.median(times)

    small, big = adds(100), adds(args.big)
    print(
        f"add one book by hand: {small * 1000:.2f} ms with 100 items, {big * 1000:.2f} ms with "
        f"{args.big} items; ratio {big / small:.2f}x (target <= 1.5x: an indexed lookup)"
    )
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
