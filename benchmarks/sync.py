"""Sync benchmarks against the PostgreSQL server, compared with raw psycopg and sqlite3.

Each run uses throwaway server databases and roles (dropped afterwards) and fresh
SQLite files. A device (the laptop) holds N movies in its library: N media_items
and N user_progress rows.

- sync push: the laptop's first sync into an empty server database, as the
  person's provisioned role; sync pull: a fresh device (the phone) of the same
  person syncs them down; no-op: a sync of the phone with nothing to do, and its
  round trips.
- Baselines on the real schema: the same rows go into the same server tables
  (media_items, user_progress as ``mediatrack sync init`` creates them: unique
  keys, revision triggers, constraints) of another fresh server database, as
  that person's own provisioned role, so row-level security applies as it does
  to sync. Push: the laptop's rows read with sqlite3, then written either with
  ``executemany`` of ``INSERT ... ON CONFLICT (natural key) DO UPDATE`` (what a
  hand-written client does), or with COPY. COPY FROM straight into a table with
  row-level security is refused by PostgreSQL, so the COPY baseline copies into
  temporary tables and upserts from them with ``INSERT ... SELECT ... ON
  CONFLICT``. Pull: a SELECT of the rows as the role, then sqlite3
  ``executemany`` into a fresh SQLite file with the real local schema
  (``open_database``), with ``sync_state.applying`` set as a pull sets it.
  Baselines include connecting, as a sync does; the person's claim and users
  row are made beforehand, outside the timing (sync does them in its push).
- Bare floor (for reference): the same rows read with sqlite3 and COPYed into
  bare tables (no indexes, triggers or policies), as the admin, then SELECTed
  and ``executemany``d into bare SQLite tables.

Figures are medians of ``--runs`` runs. Run with ``python benchmarks/sync.py
[--rows N] [--runs N]``. Needs the server of ``MEDIATRACK_TEST_PG_URL`` (default
postgresql://postgres@127.0.0.1:5432/postgres). This is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from mediatrack.store import identity
from mediatrack.store.db import PRAGMAS, open_database
from mediatrack.store.models import MediaItem, UserProgress, database, utcnow
from mediatrack.store.sync import engine
from mediatrack.store.sync.tables import MEDIA_ITEMS, USER_PROGRESS

ADMIN = os.environ.get("MEDIATRACK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGET = 2.0  # sync / baseline, push and pull
EMAIL = "bench@example.com"
USER_ID = "google-bench"
NO_OP_SYNCS = 5  # per run

# The columns sync writes (every column but the serial id and the foreign key).
MEDIA_COLUMNS = [name for name, _ in MEDIA_ITEMS.columns]
MEDIA_TYPES = [kind for _, kind in MEDIA_ITEMS.columns]
PROGRESS_COLUMNS = [name for name, _ in USER_PROGRESS.columns]
PROGRESS_TYPES = [kind for _, kind in USER_PROGRESS.columns]
PG_TYPES = {"timestamp": "timestamptz"}  # wire types -> server column types


def pg_type(kind: str) -> str:
    return PG_TYPES.get(kind, kind)


# --- servers and devices -----------------------------------------------------------------


@dataclass
class Servers:
    """Every database and role made here, so ``close`` drops them all."""

    tag: str = field(default_factory=lambda: secrets.token_hex(4))
    databases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)

    def new(self, purpose: str) -> tuple[str, object]:
        """A fresh database with the mediatrack schema and the bench person's role in it."""
        from mediatrack.services.sync import init_server, provision

        name = f"mediatrack_bench_{self.tag}_{purpose}"
        role = f"mt_bench_{self.tag}_{purpose}"
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
        init_server(url)
        self.roles.append(role)
        return url, provision(url, EMAIL, role)

    def close(self) -> None:
        failed = []
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            drops = [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in self.databases]
            drops += [f'DROP ROLE IF EXISTS "{role}"' for role in self.roles]
            for drop in drops:
                try:
                    admin.execute(drop)
                except psycopg.Error as error:
                    failed.append(f"{drop}: {error}")
        if failed:
            raise RuntimeError("cleanup failed: " + "; ".join(failed))


def as_role(person) -> psycopg.Connection:
    """A connection as the person's own role, times in UTC (as sync connects)."""
    return psycopg.connect(
        person.url, password=person.password, autocommit=True, options="-c TimeZone=UTC"
    )


def device(folder: Path, name: str) -> Path:
    path = folder / f"{name}.db"
    open_database(path)
    identity.sign_in(identity.Profile(USER_ID, "Bench", EMAIL, True))
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
        ids = [item.id for item in MediaItem.select(MediaItem.id)]
        for start in range(0, rows, 500):
            UserProgress.insert_many(
                [
                    {
                        "user": USER_ID,
                        "media_item": item,
                        "status": "completed",
                        "progress": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for item in ids[start : start + 500]
                ]
            ).execute()


def timed(work: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


# --- sync --------------------------------------------------------------------------------


@dataclass
class SyncFigures:
    push: float
    push_statements: int
    pushed: int
    pull: float
    pull_statements: int
    pulled: int
    no_op: list[float]
    no_op_statements: int


def run_sync(servers: Servers, folder: Path, rows: int) -> tuple[SyncFigures, str, Path]:
    from mediatrack.services.sync import sync_once

    url, person = servers.new("sync")
    laptop = device(folder, "laptop")
    fill(rows)
    push, pushed = timed(lambda: sync_once(person.url, person.password))
    device(folder, "phone")
    pull, pulled = timed(lambda: sync_once(person.url, person.password))
    quiet = []
    for _ in range(NO_OP_SYNCS):
        seconds, report = timed(lambda: sync_once(person.url, person.password))
        quiet.append(seconds)
    figures = SyncFigures(
        push,
        pushed.round_trips,
        pushed.pushed,
        pull,
        pulled.round_trips,
        pulled.pulled,
        quiet,
        report.round_trips,
    )
    return figures, url, laptop


# --- baselines on the real schema, as the role -------------------------------------------


def read_device(source: Path) -> tuple[list[tuple], list[tuple]]:
    """The laptop's media_items and user_progress rows, progress with its item's natural key."""
    local = sqlite3.connect(source)
    try:
        media = local.execute(f"SELECT {', '.join(MEDIA_COLUMNS)} FROM media_items").fetchall()
        genres = MEDIA_COLUMNS.index("genres")
        media = [
            (*row[:genres], json.loads(row[genres]) if row[genres] else None, *row[genres + 1 :])
            for row in media
        ]
        progress = local.execute(
            f"SELECT {', '.join('p.' + c for c in PROGRESS_COLUMNS)}, m.tmdb_id, m.type "
            "FROM user_progress p JOIN media_items m ON m.id = p.media_item_id"
        ).fetchall()
    finally:
        local.close()
    return media, progress


def _updates(columns: list[str], conflict: tuple[str, ...]) -> str:
    return ", ".join(
        f"{c} = excluded.{c}" for c in columns if c not in conflict and c != "created_at"
    )


# Catalog rows are the writer's own copies (written_by): a hand-written client names itself.
MEDIA_UPSERT = (
    f"INSERT INTO media_items AS t ({', '.join(MEDIA_COLUMNS)}, written_by) "
    f"VALUES ({', '.join(f'%s::{pg_type(k)}' for k in MEDIA_TYPES)}, '{USER_ID}') "
    f"ON CONFLICT (written_by, tmdb_id, type) DO UPDATE SET "
    f"{_updates(MEDIA_COLUMNS, ('tmdb_id', 'type'))} "
    "WHERE excluded.updated_at > t.updated_at"
)
PROGRESS_TARGETS = [*PROGRESS_COLUMNS, "media_item_id"]
PROGRESS_UPSERT = (
    f"INSERT INTO user_progress AS t ({', '.join(PROGRESS_TARGETS)}) "
    f"SELECT {', '.join(f'%s::{pg_type(k)}' for k in PROGRESS_TYPES)}, m.id "
    f"FROM media_items m WHERE m.tmdb_id = %s AND m.type = %s AND m.written_by = '{USER_ID}' "
    f"ON CONFLICT (user_id, media_item_id) DO UPDATE SET "
    f"{_updates(PROGRESS_TARGETS, ('user_id', 'media_item_id'))} "
    "WHERE excluded.updated_at > t.updated_at"
)


def push_executemany(person, source: Path) -> None:
    media, progress = read_device(source)
    with as_role(person) as pg, pg.transaction(), pg.cursor() as cursor:
        cursor.executemany(MEDIA_UPSERT, media)
        cursor.executemany(PROGRESS_UPSERT, progress)


def push_copy(person, source: Path) -> None:
    media, progress = read_device(source)
    stage_media = ", ".join(f"{c} {pg_type(k)}" for c, k in MEDIA_ITEMS.columns)
    stage_progress = ", ".join(f"{c} {pg_type(k)}" for c, k in USER_PROGRESS.columns)
    media_list = ", ".join(MEDIA_COLUMNS)
    progress_list = ", ".join(PROGRESS_COLUMNS)
    with as_role(person) as pg, pg.transaction(), pg.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE stage_media ({stage_media}) ON COMMIT DROP")
        cursor.execute(
            f"CREATE TEMP TABLE stage_progress ({stage_progress}, media_tmdb_id bigint, "
            "media_type text) ON COMMIT DROP"
        )
        with cursor.copy(f"COPY stage_media ({media_list}) FROM STDIN") as copy:
            for row in media:
                copy.write_row(row)
        with cursor.copy(
            f"COPY stage_progress ({progress_list}, media_tmdb_id, media_type) FROM STDIN"
        ) as copy:
            for row in progress:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO media_items AS t ({media_list}, written_by) "
            f"SELECT {media_list}, '{USER_ID}' FROM stage_media "
            f"ON CONFLICT (written_by, tmdb_id, type) DO UPDATE SET "
            f"{_updates(MEDIA_COLUMNS, ('tmdb_id', 'type'))} "
            "WHERE excluded.updated_at > t.updated_at"
        )
        cursor.execute(
            f"INSERT INTO user_progress AS t ({', '.join(PROGRESS_TARGETS)}) "
            f"SELECT {', '.join('s.' + c for c in PROGRESS_COLUMNS)}, m.id FROM stage_progress s "
            "JOIN media_items m ON m.tmdb_id = s.media_tmdb_id AND m.type = s.media_type "
            f"AND m.written_by = '{USER_ID}' "
            "ON CONFLICT (user_id, media_item_id) DO UPDATE SET "
            f"{_updates(PROGRESS_TARGETS, ('user_id', 'media_item_id'))} "
            "WHERE excluded.updated_at > t.updated_at"
        )


def copy_refusal(person) -> str:
    """What PostgreSQL says to COPY FROM straight into media_items as the role."""
    with as_role(person) as pg:
        try:
            with pg.transaction(), pg.cursor() as cursor:
                with cursor.copy("COPY media_items (tmdb_id) FROM STDIN"):
                    pass
                raise RuntimeError("rolled back")
        except psycopg.Error as error:
            return (error.diag.message_primary or str(error)).strip()
        except RuntimeError:
            return "accepted"


def _local_timestamp(column: str) -> str:
    """A timestamptz as the local store writes it (UTC, no zone)."""
    text = f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE {text} END"


def _server_value(column: str, kind: str, alias: str) -> str:
    if kind == "timestamp":
        return _local_timestamp(f"{alias}.{column}")
    if kind == "text[]":
        return f"to_json({alias}.{column})::text"
    return f"{alias}.{column}"


def pull_raw(person, target: Path) -> None:
    """SELECT the rows as the role, executemany them into the fresh device's SQLite file."""
    media_select = ", ".join(_server_value(c, k, "t") for c, k in MEDIA_ITEMS.columns)
    progress_select = ", ".join(_server_value(c, k, "p") for c, k in USER_PROGRESS.columns)
    with as_role(person) as pg:
        media = pg.execute(f"SELECT {media_select} FROM media_items t").fetchall()
        progress = pg.execute(
            f"SELECT {progress_select}, m.tmdb_id, m.type FROM user_progress p "
            "JOIN media_items m ON m.id = p.media_item_id"
        ).fetchall()
    local = sqlite3.connect(target, isolation_level=None)
    try:
        for pragma, value in PRAGMAS.items():
            local.execute(f"PRAGMA {pragma} = {value}")
        local.execute("BEGIN IMMEDIATE")
        local.execute("UPDATE sync_state SET applying = 1 WHERE id = 1")
        local.executemany(
            f"INSERT INTO media_items ({', '.join(MEDIA_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in MEDIA_COLUMNS)})",
            media,
        )
        local.executemany(
            f"INSERT INTO user_progress ({', '.join(PROGRESS_TARGETS)}) "
            f"SELECT {', '.join('?' for _ in PROGRESS_COLUMNS)}, id FROM media_items "
            "WHERE tmdb_id = ? AND type = ?",
            progress,
        )
        local.execute("UPDATE sync_state SET applying = 0 WHERE id = 1")
        local.execute("COMMIT")
    finally:
        local.close()


@dataclass
class BaselineFigures:
    executemany: float
    copy: float
    pull: float
    copy_refused: str


def claim(person) -> None:
    """What a first sync does before pushing: bind the role, send the users row."""
    with as_role(person) as pg:
        pg.execute("SELECT mediatrack_claim(%s, %s, true)", (USER_ID, EMAIL))
        pg.execute(
            "INSERT INTO users (id, name, email, created_at, updated_at) "
            "VALUES (%s, 'Bench', %s, now(), now())",
            (USER_ID, EMAIL),
        )


def server_count(url: str) -> tuple[int, int]:
    with psycopg.connect(url, autocommit=True) as admin:
        return admin.execute(
            "SELECT (SELECT count(*) FROM media_items), (SELECT count(*) FROM user_progress)"
        ).fetchone()


def local_count(path: Path) -> tuple[int, int]:
    local = sqlite3.connect(path)
    try:
        return local.execute(
            "SELECT (SELECT count(*) FROM media_items), (SELECT count(*) FROM user_progress)"
        ).fetchone()
    finally:
        local.close()


def run_baselines(servers: Servers, folder: Path, laptop: Path, rows: int) -> BaselineFigures:
    url, person = servers.new("many")
    claim(person)
    refused = copy_refusal(person)
    executemany, _ = timed(lambda: push_executemany(person, laptop))
    check("executemany push", server_count(url), rows)

    copy_url, copy_person = servers.new("copy")
    claim(copy_person)
    copied, _ = timed(lambda: push_copy(copy_person, laptop))
    check("COPY push", server_count(copy_url), rows)

    target = device(folder, "raw-phone")
    pulled, _ = timed(lambda: pull_raw(person, target))
    check("raw pull", local_count(target), rows)
    return BaselineFigures(executemany, copied, pulled, refused)


def check(what: str, counts: tuple[int, int], rows: int) -> None:
    if counts != (rows, rows):
        raise SystemExit(f"{what} left {counts} (media_items, user_progress), not {rows} each")


# --- the bare floor: no indexes, triggers or policies -------------------------------------


def bare_floor(url: str, source: Path, folder: Path) -> tuple[float, float]:
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
        target.close()
        down = time.perf_counter() - started
    local.close()
    return up, down


# --- main ----------------------------------------------------------------------------------


@contextmanager
def servers_kept() -> Iterator[Servers]:
    servers = Servers()
    try:
        yield servers
    finally:
        servers.close()


def line(label: str, values: list[float], note: str = "") -> str:
    """``label``, median ms, the runs' ms in brackets, and a note."""
    runs = ", ".join(f"{v * 1000:.0f}" for v in values)
    median = statistics.median(values) * 1000
    return f"  {label:<46} {median:6.0f} ms  [{runs}]  {note}".rstrip()


def versus(sync: list[float], baseline: list[float], judged: bool = True) -> str:
    ratio = statistics.median(sync) / statistics.median(baseline)
    if not judged:
        return f"sync/this {ratio:4.1f}x  (reference, not judged)"
    return f"sync/this {ratio:4.1f}x  {'PASS' if ratio <= TARGET else 'MISS'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    syncs: list[SyncFigures] = []
    bases: list[BaselineFigures] = []
    floors: list[tuple[float, float]] = []
    for run in range(args.runs):
        with servers_kept() as servers, tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            figures, sync_url, laptop = run_sync(servers, folder, args.rows)
            syncs.append(figures)
            bases.append(run_baselines(servers, folder, laptop, args.rows))
            floors.append(bare_floor(sync_url, laptop, folder))
        print(f"run {run + 1}/{args.runs} done", flush=True)

    push = [s.push for s in syncs]
    pull = [s.pull for s in syncs]
    quiet = [statistics.median(s.no_op) for s in syncs]
    last = syncs[-1]
    print()
    print(
        f"{args.rows} movies (media_items + user_progress rows each), {args.runs} runs: "
        f"median ms, each run's ms in brackets."
    )
    print(
        f"raw = psycopg on the real server schema, as the person's role (RLS applies); "
        f"target: sync <= {TARGET}x raw"
    )
    print("push: the laptop's first sync into an empty server database")
    print(
        line(
            f"sync (claim, batches of {engine.BATCH_SIZE}, pull)",
            push,
            f"{last.pushed} progress rows, {last.push_statements} statements",
        )
    )
    many = [b.executemany for b in bases]
    print(line("raw executemany INSERT .. ON CONFLICT", many, versus(push, many)))
    copied = [b.copy for b in bases]
    print(line("raw COPY to temp tables + INSERT .. SELECT", copied, versus(push, copied)))
    print(f"  raw COPY straight into the real tables: refused ({bases[-1].copy_refused})")
    bare_up = [f[0] for f in floors]
    print(
        line("bare floor: COPY into bare tables, as admin", bare_up, versus(push, bare_up, False))
    )
    print("pull: a fresh device of the same person")
    print(
        line(
            "sync",
            pull,
            f"{last.pulled} progress rows, {last.pull_statements} statements",
        )
    )
    raw_pull = [b.pull for b in bases]
    print(line("raw SELECT + sqlite3 executemany", raw_pull, versus(pull, raw_pull)))
    bare_down = [f[1] for f in floors]
    print(
        line(
            "bare floor: SELECT bare tables, bare SQLite", bare_down, versus(pull, bare_down, False)
        )
    )
    print("no-op: a sync with nothing to do")
    print(
        line(
            f"sync (each run: median of {NO_OP_SYNCS})",
            quiet,
            f"{last.no_op_statements} round trip(s) to the server",
        )
    )


if __name__ == "__main__":
    main()
