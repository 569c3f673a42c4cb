"""Import and export figures.

    python benchmarks/exchange.py [--rows 10000] [--slow-rows 2000] [--latency 0.05]

Prints three comparisons, each against a baseline measured in the same run:

1. importing N Goodreads rows whose catalog look-ups are already answered
   (an in-memory catalog) vs. reading the same CSV with ``csv`` and writing the
   same rows with raw ``sqlite3`` ``executemany`` in one transaction (target <= 2x);
2. importing M rows against a local catalog server that answers each request in
   ``--latency`` seconds: requests made (target: one per distinct book) and wall
   time vs. the same requests made one after another (target <= 0.25x);
3. exporting the N-item library to JSON vs. ``json.dumps`` of the same rows read
   with raw ``sqlite3`` (target <= 2x).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sqlite3
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


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def baseline_write(csv_path: Path, db_path: Path) -> None:
    connection = sqlite3.connect(db_path)
    connection.execute(
        "CREATE TABLE books (id INTEGER PRIMARY KEY, google_id TEXT UNIQUE, title TEXT, "
        "authors TEXT, page_count INTEGER, isbn_13 TEXT)"
    )
    connection.execute(
        "CREATE TABLE progress (user_id TEXT, book_id INTEGER, status TEXT, progress INTEGER, "
        "rating INTEGER, UNIQUE (user_id, book_id))"
    )
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with connection:
        connection.executemany(
            "INSERT OR IGNORE INTO books (google_id, title, authors, page_count, isbn_13) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (
                    "g" + row["ISBN13"][2:-1],
                    row["Title"],
                    json.dumps([row["Author"]]),
                    int(row["Number of Pages"]),
                    row["ISBN13"][2:-1],
                )
                for row in rows
            ],
        )
        connection.executemany(
            "INSERT OR IGNORE INTO progress SELECT 'local', id, 'completed', page_count, ? "
            "FROM books WHERE google_id = ?",
            [(int(row["My Rating"]) * 2 or None, "g" + row["ISBN13"][2:-1]) for row in rows],
        )
    connection.close()


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
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--slow-rows", type=int, default=2_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument(
        "--sequential-sample",
        type=int,
        default=200,
        help="requests timed one after another for the baseline (scaled to all of them)",
    )
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    folder = Path(tempfile.mkdtemp(prefix="mediatrack-bench-"))
    os.environ["XDG_CACHE_HOME"] = str(folder / "cache")

    # 1. cached look-ups: the import's own cost
    big = folder / "goodreads.csv"
    write_csv(big, args.rows)
    baseline = timed(lambda: baseline_write(big, folder / "baseline.db"))
    library = open_library(folder / "library.db")
    service = ImportService(SimpleNamespace(books=AnsweredBooks()), library.user_id)
    summary = None

    def run() -> None:
        nonlocal summary
        summary = service.run("goodreads", big)

    ours = timed(run)
    assert summary is not None and summary.added == args.rows, summary
    print(
        f"import {args.rows} Goodreads rows (look-ups answered): {ours:.2f} s; csv + sqlite3 "
        f"executemany: {baseline:.2f} s; ratio {ours / baseline:.1f}x (target <= 2x)"
    )
    again = timed(lambda: service.run("goodreads", big))
    print(f"  importing the same file again: {again:.2f} s, nothing changed")

    # 3. export (the same library)
    def raw_export() -> None:
        connection = sqlite3.connect(folder / "library.db")
        rows = connection.execute(
            "SELECT b.*, p.status, p.progress, p.rating, p.updated_at FROM books b "
            "JOIN user_book_progress p ON p.book_id = b.id"
        ).fetchall()
        json.dumps(rows)
        connection.close()

    raw = timed(raw_export)
    exported = timed(lambda: exporting.export("json", user_id=library.user_id))
    print(
        f"export {args.rows} items to JSON: {exported:.2f} s; raw sqlite3 + json.dumps: "
        f"{raw:.2f} s; ratio {exported / raw:.1f}x (target <= 2x)"
    )

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
    library = open_library(folder / "slow.db")
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
