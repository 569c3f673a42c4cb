"""Import and export figures.

    python benchmarks/exchange.py [--size 10000] [--runs 5] [--slow-rows 2000] [--latency 0.05]
    python benchmarks/exchange.py --size 50 --runs 1 --slow-rows 40   # a smoke run

Prints three comparisons, each against a baseline measured in the same run; the
first and the third are pairs run in alternation (ours, then the baseline, on
fresh copies of the same migrated library), with the ratio taken per pair and
reported as its median and range:

1. importing N Goodreads rows whose catalog look-ups are already answered
   (an in-memory catalog) vs. reading the same CSV with ``csv`` and writing the
   same rows (books, the user's rows, finish dates) with raw ``sqlite3``
   ``executemany`` in one transaction, into the same schema with the same
   triggers (target <= 2x);
2. importing M rows against a local catalog server that answers each request in
   ``--latency`` seconds: requests made (target: one per distinct book) and wall
   time vs. the same requests made one after another (target <= 0.25x);
3. exporting the N-item library to JSON vs. the same rows (items, the user's rows,
   finish dates) read with raw ``sqlite3`` and written one object a line, keyed by
   column, with the backup's ``json`` encoder options (target <= 2x).
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import logging
import os
import shutil
import sqlite3
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import requests

from mediatrack.catalog.http import HttpOptions
from mediatrack.catalog.records import SearchResult
from mediatrack.catalog.settings import CatalogSettings, build_catalog
from mediatrack.kinds import Kind
from mediatrack.services import exporting
from mediatrack.services.importing import ImportService
from mediatrack.services.library import open_library
from mediatrack.store.models import database

HEADER = (
    "Book Id,Title,Author,ISBN,ISBN13,My Rating,Number of Pages,Date Read,Date Added,"
    "Exclusive Shelf\n"
)


def isbn(number: int) -> str:
    return f"978{number:010d}"


def write_csv(path: Path, rows: int, distinct: int | None = None) -> None:
    distinct = distinct or rows
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for n in range(rows):
            book = n % distinct
            out.write(
                f'{n},Book number {book},Author {book % 97},"=""""","=""{isbn(book)}""",'
                f"{n % 6},{100 + n % 400},2020/01/{1 + n % 28:02d},2019/12/01,read\n"
            )


class AnsweredBooks:
    """Google Books with every answer already at hand (a warm cache, without HTTP)."""

    def search(self, query: str) -> list[SearchResult]:
        number = query.removeprefix("isbn:")
        return [SearchResult(Kind.BOOK, f"g{number}", f"Book {number}", 2000, "A", None)]


def close_database() -> None:
    if database.obj is not None:
        database.obj.close()


def profile(call) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(call)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def baseline_write(csv_path: Path, db_path: Path) -> None:
    """The same rows as the import writes, with nothing but ``csv`` and ``sqlite3``."""
    connection = sqlite3.connect(db_path)
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    now = "2024-03-15 00:00:00"
    with connection:
        connection.executemany(
            "INSERT INTO books (google_id, title, authors, page_count, isbn_13, is_ebook, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING",
            [
                (
                    "g" + row["ISBN13"][2:-1],
                    row["Title"],
                    json.dumps([row["Author"]]),
                    int(row["Number of Pages"]),
                    row["ISBN13"][2:-1],
                    now,
                    now,
                )
                for row in rows
            ],
        )
        ids = dict(connection.execute("SELECT google_id, id FROM books"))
        connection.executemany(
            "INSERT INTO user_book_progress (user_id, book_id, status, progress, rating, "
            "created_at, updated_at) VALUES ('local', ?, 'completed', ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [
                (
                    ids["g" + row["ISBN13"][2:-1]],
                    int(row["Number of Pages"]),
                    int(row["My Rating"]) * 2 or None,
                    now,
                    now,
                )
                for row in rows
            ],
        )
        connection.executemany(
            "INSERT INTO finish_dates (user_id, kind, item_id, finished_on, created_at) "
            "VALUES ('local', 'book', ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                (ids["g" + row["ISBN13"][2:-1]], row["Date Read"].replace("/", "-"), now)
                for row in rows
            ],
        )
    connection.close()


def raw_export(db_path: Path) -> str:
    """The rows an export reads, read with ``sqlite3`` and written with ``json.dumps``'s
    encoder: one object a line with its column names as keys (a backup that outlives a new
    column needs them), in catalog id order (the same library must give the same bytes),
    and the same envelope and options as the backup. No more: a list column stays the
    JSON text it is stored as, and nothing is copied out of the item's columns."""
    connection = sqlite3.connect(db_path)
    dates: dict[int, list[str]] = {}
    for item_id, day in connection.execute(
        "SELECT item_id, finished_on FROM finish_dates WHERE user_id = 'local' AND kind = 'book' "
        "ORDER BY finished_on"
    ):
        dates.setdefault(item_id, []).append(day)
    columns = ", ".join(
        f"b.{name}"
        for _, name, *_ in connection.execute("PRAGMA table_info(books)")
        if name not in ("id", "created_at", "updated_at")  # the store's own, as in the export
    )
    cursor = connection.execute(
        f"SELECT b.id, {columns}, p.status, p.progress, p.rating, p.updated_at "
        "FROM user_book_progress p JOIN books b ON b.id = p.book_id "
        "WHERE p.user_id = 'local' AND p.deleted_at IS NULL ORDER BY b.google_id"
    )
    names = [column[0] for column in cursor.description][1:]
    line = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    lines = [
        line({**dict(zip(names, values, strict=True)), "dates": dates.get(item_id, [])})
        for item_id, *values in cursor
    ]
    connection.close()
    items = ",\n".join(lines)
    return f'{{"format": "mediatrack", "version": 1,\n"items": [\n{items}\n],\n"friends": []}}\n'


def pairs(runs: int, ours, baseline) -> list[tuple[float, float]]:
    """``runs`` (ours, baseline) timings in alternation; each callable gets its run number."""
    return [
        (timed(functools.partial(ours, run)), timed(functools.partial(baseline, run)))
        for run in range(runs)
    ]


def summary_line(what: str, results: list[tuple[float, float]], base: str, target: float) -> str:
    ratios = [ours / theirs for ours, theirs in results]
    ours = statistics.median(o for o, _ in results)
    theirs = statistics.median(b for _, b in results)
    return (
        f"{what}: {ours:.3f} s; {base}: {theirs:.3f} s; ratio median "
        f"{statistics.median(ratios):.2f}x, range {min(ratios):.2f}-{max(ratios):.2f}x over "
        f"{len(results)} pairs (target <= {target:g}x)"
    )


class SlowCatalog(BaseHTTPRequestHandler):
    latency = 0.05
    count = 0
    lock = threading.Lock()

    def do_GET(self) -> None:
        with SlowCatalog.lock:
            SlowCatalog.count += 1
        time.sleep(self.latency)
        query = parse_qs(urlparse(self.path).query).get("q", [""])[0]
        number = query.removeprefix("isbn:")
        body = json.dumps(
            {
                "kind": "books#volumes",
                "totalItems": 1,
                "items": [
                    {
                        "id": f"g{number}",
                        "volumeInfo": {
                            "title": f"Book {number}",
                            "industryIdentifiers": [{"type": "ISBN_13", "identifier": number}],
                        },
                    }
                ],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", "--rows", dest="rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5, help="pairs of runs, in alternation")
    parser.add_argument("--slow-rows", type=int, default=2_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument(
        "--sequential-sample",
        type=int,
        default=200,
        help="requests timed one after another for the baseline (scaled to all of them)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile one import and export")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    folder = Path(tempfile.mkdtemp(prefix="mediatrack-bench-"))
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

    # 1. cached look-ups: the import's own cost
    big = folder / "goodreads.csv"
    write_csv(big, args.rows)

    def ours_import(run: int) -> None:
        library = open_library(fresh(f"ours-{run}.db"))
        service = ImportService(SimpleNamespace(books=AnsweredBooks()), library.user_id)
        summary = service.run("goodreads", big)
        assert summary.added == args.rows, summary
        close_database()

    def baseline_import(run: int) -> None:
        baseline_write(big, fresh(f"base-{run}.db"))

    if args.profile:
        profile(lambda: ours_import(99))
    results = pairs(args.runs, ours_import, baseline_import)
    print(
        summary_line(
            f"import {args.rows} Goodreads rows (look-ups answered)",
            results,
            "csv + sqlite3 executemany, same schema and triggers",
            2,
        )
    )
    library = open_library(folder / "ours-0.db")
    service = ImportService(SimpleNamespace(books=AnsweredBooks()), library.user_id)
    again = timed(lambda: service.run("goodreads", big))
    print(f"  importing the same file again: {again:.3f} s, nothing changed")

    # 3. export (the same library)
    def ours_export(run: int) -> None:
        [file] = exporting.export("json", user_id=library.user_id)
        assert file.items == args.rows

    if args.profile:
        profile(lambda: ours_export(0))
    results = pairs(args.runs, ours_export, lambda run: raw_export(folder / "ours-0.db"))
    print(summary_line(f"export {args.rows} items to JSON", results, "raw sqlite3 + json.dumps", 2))
    close_database()

    # 2. a slow catalog: concurrency and one request per distinct book
    SlowCatalog.latency = args.latency
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowCatalog)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    distinct = args.slow_rows * 3 // 4
    slow_csv = folder / "slow.csv"
    write_csv(slow_csv, args.slow_rows, distinct)
    catalog = build_catalog(
        CatalogSettings(google_books_url=base),
        HttpOptions(timeout=(2.0, 5.0), retries=0, cache=False),
    )
    library = open_library(fresh("slow.db"))
    SlowCatalog.count = 0
    wall = timed(lambda: ImportService(catalog, library.user_id).run("goodreads", slow_csv))
    made = SlowCatalog.count
    session = requests.Session()
    sample = min(args.sequential_sample, distinct)
    one_by_one = timed(
        lambda: [
            session.get(f"{base}/books/v1/volumes", params={"q": f"isbn:{isbn(n)}"}).json()
            for n in range(sample)
        ]
    )
    sequential = one_by_one * distinct / sample
    print(
        f"import {args.slow_rows} rows ({distinct} distinct books) against a catalog answering "
        f"in {args.latency * 1000:.0f} ms: {made} requests (target {distinct}); {wall:.2f} s vs "
        f"{sequential:.2f} s one after another (timed on {sample}, scaled); ratio "
        f"{wall / sequential:.2f}x (target <= 0.25x)"
    )
    server.shutdown()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
