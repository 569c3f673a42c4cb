"""Sync benchmarks against the PostgreSQL server, with raw psycopg and sqlite3 floors.

In a throwaway database (dropped afterwards, with its role):

- push: a device with N movies in its library (N media_items + N user_progress
  rows) syncs into the empty server; the floor reads the same rows from SQLite
  with sqlite3 and COPYs them into plain tables (no triggers, no policies);
- pull: a fresh device of the same person syncs them down; the floor SELECTs
  the plain tables and ``executemany``s the rows into a fresh SQLite file;
- no-op: a sync with nothing to do (median of ``--runs``) and its round trips.

Run with ``python benchmarks/sync.py [--rows N] [--runs N]``. Needs the server of
``MEDIATRACK_TEST_PG_URL`` (default postgresql://postgres@127.0.0.1:5432/postgres).
This is not a test.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import psycopg

from mediatrack.store import identity
from mediatrack.store.db import open_database
from mediatrack.store.models import MediaItem, UserProgress, database, utcnow

ADMIN = os.environ.get("MEDIATRACK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGET = 2.0  # sync / floor, push and pull


def device(folder: Path, name: str, user_id: str) -> Path:
    path = folder / f"{name}.db"
    open_database(path)
    identity.sign_in(identity.Profile(user_id, "Bench", "bench@example.com", True))
    return path


def fill(rows: int) -> None:
    now = utcnow()
    with database.atomic():
        for start in range(0, rows, 500):
            MediaItem.insert_many(
                [
                    {
                        "tmdb_id": n,
                        "type": "movie",
                        "title": f"Movie {n}",
                        "genres": ["Drama"],
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in range(start + 1, min(rows, start + 500) + 1)
                ]
            ).execute()
        user = identity.current_user().id
        ids = [item.id for item in MediaItem.select(MediaItem.id)]
        for start in range(0, rows, 500):
            UserProgress.insert_many(
                [
                    {
                        "user": user,
                        "media_item": item,
                        "status": "completed",
                        "progress": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for item in ids[start : start + 500]
                ]
            ).execute()


def floors(url: str, source: Path, folder: Path) -> tuple[float, float]:
    """Raw psycopg COPY of the device's rows up, then SELECT + sqlite3 executemany down."""
    local = sqlite3.connect(source)
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute(
            "CREATE TABLE raw_media (id bigint, tmdb_id bigint, type text, title text, "
            "genres text[], created_at timestamptz, updated_at timestamptz)"
        )
        pg.execute(
            "CREATE TABLE raw_progress (user_id text, media_item_id bigint, status text, "
            "progress int, created_at timestamptz, updated_at timestamptz)"
        )
        started = time.perf_counter()
        media = local.execute(
            "SELECT id, tmdb_id, type, title, genres, created_at, updated_at FROM media_items"
        ).fetchall()
        progress = local.execute(
            "SELECT user_id, media_item_id, status, progress, created_at, updated_at "
            "FROM user_progress"
        ).fetchall()
        with pg.transaction(), pg.cursor() as cursor:
            with cursor.copy("COPY raw_media FROM STDIN") as copy:
                for row in media:
                    copy.write_row((*row[:4], ["Drama"], *row[5:]))
            with cursor.copy("COPY raw_progress FROM STDIN") as copy:
                for row in progress:
                    copy.write_row(row)
        up = time.perf_counter() - started

        started = time.perf_counter()
        target = sqlite3.connect(folder / "floor.db")
        target.execute(
            "CREATE TABLE media (id, tmdb_id, type, title, genres, created_at, updated_at)"
        )
        target.execute(
            "CREATE TABLE progress (user_id, media_item_id, status, progress, "
            "created_at, updated_at)"
        )
        rows = pg.execute(
            "SELECT id, tmdb_id, type, title, genres::text, created_at::text, "
            "updated_at::text FROM raw_media"
        ).fetchall()
        target.executemany("INSERT INTO media VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        rows = pg.execute(
            "SELECT user_id, media_item_id, status, progress, created_at::text, "
            "updated_at::text FROM raw_progress"
        ).fetchall()
        target.executemany("INSERT INTO progress VALUES (?, ?, ?, ?, ?, ?)", rows)
        target.commit()
        down = time.perf_counter() - started
    return up, down


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from mediatrack.services.sync import init_server, provision, sync_once

    name = f"mediatrack_bench_{secrets.token_hex(4)}"
    role = f"mt_bench_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        init_server(url)
        person = provision(url, "bench@example.com", role)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            laptop = device(folder, "laptop", "google-bench")
            fill(args.rows)
            started = time.perf_counter()
            pushed = sync_once(person.url, person.password)
            push = time.perf_counter() - started
            device(folder, "phone", "google-bench")
            started = time.perf_counter()
            pulled = sync_once(person.url, person.password)
            pull = time.perf_counter() - started
            quiet = []
            for _ in range(args.runs):
                started = time.perf_counter()
                report = sync_once(person.url, person.password)
                quiet.append(time.perf_counter() - started)
            up, down = floors(url, laptop, folder)
        print(f"rows: {args.rows} movies (media_items + user_progress each)")
        print(
            f"push: {push * 1000:.0f} ms for {pushed.pushed} progress rows "
            f"({pushed.round_trips} statements); floor (sqlite3 read + COPY) {up * 1000:.0f} "
            f"ms; ratio {push / up:.1f} (target <= {TARGET})"
        )
        print(
            f"pull: {pull * 1000:.0f} ms for {pulled.pulled} progress rows "
            f"({pulled.round_trips} statements); floor (SELECT + executemany) {down * 1000:.0f}"
            f" ms; ratio {pull / down:.1f} (target <= {TARGET})"
        )
        print(
            f"no-op sync: median {statistics.median(quiet) * 1000:.1f} ms, "
            f"{report.round_trips} round trip(s)"
        )
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')


if __name__ == "__main__":
    main()
