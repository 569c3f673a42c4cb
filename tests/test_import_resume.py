"""A Goodreads import killed with SIGKILL mid-run, then run again: nothing kept is lost,
the library file stays whole, and the second run finishes the job without duplicates."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

BOOKS = 240
LATENCY = 0.01  # seconds the catalog takes per answer


def isbn(number: int) -> str:
    return f"978{number:010d}"


def write_goodreads(path: Path) -> None:
    lines = [
        "Book Id,Title,Author,ISBN,ISBN13,My Rating,Number of Pages,Date Read,Date Added,"
        "Exclusive Shelf"
    ]
    for n in range(BOOKS):
        lines.append(
            f'{n},Book number {n},Author {n % 7},"=""""","=""{isbn(n)}""",{n % 6},{100 + n},'
            f"2020/01/{1 + n % 28:02d},2019/12/01,read"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class SlowBooks:
    """Google Books answering every ISBN with one volume, ``LATENCY`` seconds late."""

    def __init__(self, server: HTTPServer) -> None:
        self.asked: list[str] = []
        self._lock = threading.Lock()
        server.expect_request("/books/v1/volumes").respond_with_handler(self._volumes)

    def _volumes(self, request: Request) -> Response:
        query = request.args.get("q", "")
        with self._lock:
            self.asked.append(query)
        time.sleep(LATENCY)
        number = query.removeprefix("isbn:")
        volume = {
            "id": f"g{number}",
            "volumeInfo": {
                "title": f"Book number {int(number[3:])}",
                "authors": ["Someone"],
                "industryIdentifiers": [{"type": "ISBN_13", "identifier": number}],
                "pageCount": 300,
            },
        }
        body = {"kind": "books#volumes", "totalItems": 1, "items": [volume]}
        return Response(json.dumps(body), mimetype="application/json")


def start_import(path: Path, db: Path, books_url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "MEDIATRACK_DB": str(db), "MEDIATRACK_GOOGLE_BOOKS_URL": books_url}
    return subprocess.Popen(
        [sys.executable, "-m", "mediatrack", "import", "goodreads", str(path), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def committed_books(db: Path) -> int:
    """Books in the library as another reader sees them (committed rows only)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=5) as reader:
            (count,) = reader.execute(
                "SELECT count(*) FROM user_book_progress WHERE deleted_at IS NULL"
            ).fetchone()
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0
    return count


def check_whole(db: Path) -> None:
    with sqlite3.connect(db) as reader:
        assert reader.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert reader.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = reader.execute(
            "SELECT count(*) FROM books b LEFT JOIN user_book_progress p ON p.book_id = b.id "
            "WHERE p.id IS NULL"
        ).fetchone()
        assert orphans == (0,), "a book was written without the user's row"


@pytest.mark.parametrize("moment", ["matching", "writing"])
def test_a_killed_import_keeps_what_it_wrote_and_a_second_run_finishes(
    httpserver, tmp_path, moment
):
    books = SlowBooks(httpserver)
    export = tmp_path / "goodreads.csv"
    write_goodreads(export)
    db = tmp_path / "library.db"
    url = httpserver.url_for("/").rstrip("/")
    process = start_import(export, db, url)
    seen = 0
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if moment == "matching" and len(books.asked) >= BOOKS // 3:
                break
            seen = committed_books(db)
            if moment == "writing" and seen:
                break
            time.sleep(0.005)
        else:
            pytest.fail(f"the import ended before the {moment} kill: {process.stderr}")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    asked_before = len(books.asked)
    check_whole(db)
    assert committed_books(db) >= seen  # nothing committed before the kill is lost

    again = start_import(export, db, url)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    summary = json.loads(out)
    assert summary["to_review"] == 0 and summary["malformed"] == 0
    assert summary["added"] + summary["unchanged"] == BOOKS
    check_whole(db)
    with sqlite3.connect(db) as reader:
        assert reader.execute(
            "SELECT count(*), count(DISTINCT google_id) FROM books"
        ).fetchone() == (
            BOOKS,
            BOOKS,
        )
        assert reader.execute("SELECT count(*) FROM user_book_progress").fetchone() == (BOOKS,)
        dates = reader.execute("SELECT count(*) FROM finish_dates").fetchone()
        assert dates == (BOOKS,)
    # Answers the catalog gave before the kill are not asked for again.
    repeated = set(books.asked[:asked_before]) & set(books.asked[asked_before:])
    assert len(repeated) <= 16
    third = start_import(export, db, url)
    out, _ = third.communicate(timeout=120)
    assert json.loads(out)["unchanged"] == BOOKS
