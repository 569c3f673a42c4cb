"""Sync benchmarks: a realistic library pushed, pulled and re-synced, against raw psycopg + sqlite3.

A library of ``--items`` items (a quarter each of shows, movies, books and podcasts):
shows with 1-3 seasons of ~12 episodes and ticks on half of the shows, podcasts with
episodes and listens on half of them, ratings on 40% of shows and movies. Built once
per size with sqlite3 into the real local schema (``open_database``).

Each figure runs in a fresh child process (its peak RSS from /proc: VmHWM), paired
with its baseline; pairs alternate which goes first, the ratio is taken per pair and
reported as median and range:

- push: the laptop's first ``sync_once`` into an empty server database, as the
  person's provisioned role; baseline: the same rows read with sqlite3 and written
  with psycopg COPY into temporary tables, then ``INSERT ... SELECT ... ON CONFLICT``
  into the real tables (COPY straight into a table with row-level security is
  refused), parents resolved by natural key, as that person's role (its server is
  then ANALYZEd as the admin, outside the timing, so the raw pull reads at its best);
- pull: a fresh device of the same person syncs everything down; baseline: a
  SELECT of the same rows as the role, then sqlite3 ``executemany`` into a fresh
  device file (real schema, triggers, ``sync_state.applying`` set as a pull sets it);
- no-op: a sync with nothing to do (median of several); baseline: connecting and one
  indexed probe (``revision >= mark``) as the role.

Run ``python benchmarks/sync.py [--sizes 10000,100000] [--pairs 3]``; ``--sizes 40
--pairs 1`` is the smoke run. Needs the server of ``MEDIATRACK_TEST_PG_URL``
(default postgresql://postgres@127.0.0.1:5432/postgres). This is not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

ADMIN = os.environ.get("MEDIATRACK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGET = 2.0  # sync / baseline, push and pull
RSS_TARGET_MB = 200
EMAIL = "bench@example.com"
USER_ID = "google-bench"
NO_OPS = 5  # syncs per no-op figure


# --- the library ---------------------------------------------------------------------------


def build_library(path: Path, items: int, seed: int = 12) -> dict[str, int]:
    """The laptop's library at ``path``: the signed-in person and ``items`` tracked items."""
    from mediatrack.store import identity
    from mediatrack.store.db import open_database

    open_database(path)
    identity.sign_in(identity.Profile(USER_ID, "Bench", EMAIL, True))
    rng = random.Random(seed)
    start = dt.datetime(2024, 1, 1)

    def stamp() -> str:
        return (start + dt.timedelta(seconds=rng.randrange(60_000_000))).isoformat(" ")

    quarter = items // 4
    rows: dict[str, list[tuple]] = {name: [] for name in TABLE_SQL}
    season_id = episode_id = 0
    for n in range(1, quarter + 1):  # shows
        made = stamp()
        seasons = rng.randint(1, 3)
        counts = [rng.randint(8, 16) for _ in range(seasons)]
        rows["media_items"].append((n, made, made, 1_000_000 + n, "tv", f"Show {n}", '["Drama"]',
                                    "Ended", seasons, sum(counts)))  # fmt: skip
        ticked = rng.random() < 0.5
        watched = rng.randint(1, sum(counts)) if ticked else 0
        shown = 0
        for number, count in enumerate(counts, start=1):
            season_id += 1
            rows["seasons"].append((season_id, made, made, n, 5_000_000 + season_id, number,
                                    f"Season {number}", count))  # fmt: skip
            for episode in range(1, count + 1):
                episode_id += 1
                rows["episodes"].append((episode_id, made, made, season_id,
                                         10_000_000 + episode_id, episode, f"Episode {episode}",
                                         "2020-01-01", 45))  # fmt: skip
                shown += 1
                if shown <= watched:
                    rows["episode_watches"].append((made, made, USER_ID, episode_id, made))
        status = "watching" if ticked else "plan_to_watch"
        rows["user_progress"].append((made, made, USER_ID, n, status, watched))
        if rng.random() < 0.4:
            rows["ratings"].append((made, made, USER_ID, n, rng.randint(1, 10)))
    for n in range(quarter + 1, 2 * quarter + 1):  # movies
        made = stamp()
        rows["media_items"].append((n, made, made, 2_000_000 + n, "movie", f"Movie {n}",
                                    '["Thriller"]', "Released", None, None))  # fmt: skip
        rows["user_progress"].append((made, made, USER_ID, n, "completed", 1))
        if rng.random() < 0.4:
            rows["ratings"].append((made, made, USER_ID, n, rng.randint(1, 10)))
    pod_episode = 0
    for n in range(1, quarter + 1):  # books, podcasts
        made = stamp()
        rows["books"].append((n, made, made, f"gb{n:07d}", f"Book {n}", '["A. Author"]', 300))
        rows["user_book_progress"].append((made, made, USER_ID, n, "reading", 120))
        rows["podcasts"].append((n, made, made, f"it{n:07d}", f"Podcast {n}", "Host", 8))
        heard = rng.randint(1, 8) if rng.random() < 0.5 else 0
        for k in range(1, 9):
            pod_episode += 1
            rows["podcast_episodes"].append((pod_episode, made, made, n, f"guid-{n}-{k}",
                                             f"Episode {k}", made))  # fmt: skip
            if k <= heard:
                rows["podcast_listens"].append((made, made, USER_ID, pod_episode, made))
        rows["user_podcast_progress"].append((made, made, USER_ID, n, "listening", heard))
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    for name, sql in TABLE_SQL.items():
        db.executemany(sql, rows[name])
    db.execute("COMMIT")
    db.close()
    return {name: len(values) for name, values in rows.items()}


TABLE_SQL = {
    "media_items": "INSERT INTO media_items (id, created_at, updated_at, tmdb_id, type, title, "
    "genres, status, number_of_seasons, number_of_episodes) VALUES (?,?,?,?,?,?,?,?,?,?)",
    "seasons": "INSERT INTO seasons (id, created_at, updated_at, media_item_id, tmdb_id, "
    "season_number, name, episode_count) VALUES (?,?,?,?,?,?,?,?)",
    "episodes": "INSERT INTO episodes (id, created_at, updated_at, season_id, tmdb_id, "
    "episode_number, name, air_date, runtime) VALUES (?,?,?,?,?,?,?,?,?)",
    "books": "INSERT INTO books (id, created_at, updated_at, google_id, title, authors, "
    "page_count) VALUES (?,?,?,?,?,?,?)",
    "podcasts": "INSERT INTO podcasts (id, created_at, updated_at, itunes_id, collection_name, "
    "artist_name, episode_count) VALUES (?,?,?,?,?,?,?)",
    "podcast_episodes": "INSERT INTO podcast_episodes (id, created_at, updated_at, podcast_id, "
    "guid, title, published_at) VALUES (?,?,?,?,?,?,?)",
    "user_progress": "INSERT INTO user_progress (created_at, updated_at, user_id, "
    "media_item_id, status, progress) VALUES (?,?,?,?,?,?)",
    "ratings": "INSERT INTO ratings (created_at, updated_at, user_id, media_item_id, rating) "
    "VALUES (?,?,?,?,?)",
    "episode_watches": "INSERT INTO episode_watches (created_at, updated_at, user_id, "
    "episode_id, watched_at) VALUES (?,?,?,?,?)",
    "user_book_progress": "INSERT INTO user_book_progress (created_at, updated_at, user_id, "
    "book_id, status, progress) VALUES (?,?,?,?,?,?)",
    "user_podcast_progress": "INSERT INTO user_podcast_progress (created_at, updated_at, "
    "user_id, podcast_id, status, progress) VALUES (?,?,?,?,?,?)",
    "podcast_listens": "INSERT INTO podcast_listens (created_at, updated_at, user_id, "
    "episode_id, listened_at) VALUES (?,?,?,?,?)",
}


def counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        return {n: db.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in TABLE_SQL}
    finally:
        db.close()


# --- servers -------------------------------------------------------------------------------


@dataclass
class Person:
    url: str  # as the role
    password: str
    admin_url: str


@dataclass
class Servers:
    """Every database and role made here, so ``close`` drops them all."""

    tag: str = field(default_factory=lambda: secrets.token_hex(4))
    databases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    made: int = 0

    def new(self) -> Person:
        """A fresh database with the mediatrack schema and the bench person's role in it."""
        from mediatrack.services.sync import init_server, provision

        self.made += 1
        name = f"mediatrack_bench_{self.tag}_{self.made}"
        role = f"mt_bench_{self.tag}_{self.made}"
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
        init_server(url)
        self.roles.append(role)
        person = provision(url, EMAIL, role)
        return Person(person.url, person.password, url)

    def close(self) -> None:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            for name in self.databases:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for role in self.roles:
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def as_role(person: Person) -> psycopg.Connection:
    return psycopg.connect(
        person.url, password=person.password, autocommit=True, options="-c TimeZone=UTC"
    )


def claim(person: Person) -> None:
    """What a first sync does before its rows: bind the role, send the users row."""
    with as_role(person) as pg:
        pg.execute("SELECT mediatrack_claim(%s, %s, true)", (USER_ID, EMAIL))
        pg.execute(
            "INSERT INTO users (id, name, email, created_at, updated_at) "
            "VALUES (%s, 'Bench', %s, now(), now())",
            (USER_ID, EMAIL),
        )


def server_rows(person: Person) -> int:
    with psycopg.connect(person.admin_url, autocommit=True) as admin:
        return sum(
            admin.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in TABLE_SQL
        )


# --- the work, each in a child process ------------------------------------------------------


def child_sync(path: str, url: str, password: str, times: int) -> dict[str, Any]:
    from mediatrack.services.sync import sync_once
    from mediatrack.store.db import open_database

    open_database(Path(path))
    seconds, trips = [], 0
    for _ in range(times):
        started = time.perf_counter()
        report = sync_once(url, password)
        seconds.append(time.perf_counter() - started)
        trips = report.round_trips
    return {"seconds": statistics.median(seconds), "round_trips": trips}


def _tables() -> list[Any]:
    from mediatrack.store.sync.tables import METADATA, OWNED

    return [*METADATA, *OWNED]


def _wire_select_sqlite(table: Any) -> str:
    own = [f"t.{name}" for name, _ in table.columns]
    joins = ""
    if table.ref is not None:
        own += [expression for _, _, expression in table.ref.wire]
        joins = table.ref.read_joins
    return f"SELECT {', '.join(own)} FROM {table.name} t {joins}"


def child_copy_push(path: str, url: str, password: str) -> dict[str, Any]:
    """Every synced row of the laptop up with COPY into staging, then one upsert per table."""
    started = time.perf_counter()
    local = sqlite3.connect(path)
    person = Person(url, password, "")
    with as_role(person) as pg, pg.transaction(), pg.cursor() as cursor:
        for table in _tables():
            wire = list(table.columns) + (
                [(n, k) for n, k, _ in table.ref.wire] if table.ref else []
            )
            types = {"timestamp": "timestamptz"}
            stage = f"stage_{table.name}"
            cursor.execute(
                f"CREATE TEMP TABLE {stage} ("
                + ", ".join(f"{n} {types.get(k, k)}" for n, k in wire)
                + ") ON COMMIT DROP"
            )
            lists = [i for i, (_, k) in enumerate(wire) if k == "text[]"]
            bools = [i for i, (_, k) in enumerate(wire) if k == "boolean"]
            with cursor.copy(f"COPY {stage} FROM STDIN") as copy:
                for row in local.execute(_wire_select_sqlite(table)):
                    if lists or bools:
                        row = list(row)
                        for i in lists:
                            row[i] = json.loads(row[i]) if row[i] else None
                        for i in bools:
                            row[i] = None if row[i] is None else bool(row[i])
                    copy.write_row(row)
            targets = table.targets
            sources = [f"v.{n}" for n, _ in table.columns]
            conflict = list(table.conflict)
            joins = ""
            if table.ref is not None:
                sources.append(table.ref.resolved)
                joins = (
                    f"{table.ref.resolve_joins} WHERE {table.ref.scoped}.written_by = '{USER_ID}'"
                )
            if table.per_writer:
                targets, sources = [*targets, "written_by"], [*sources, f"'{USER_ID}'"]
                conflict = ["written_by", *conflict]
            updates = ", ".join(
                f"{c} = excluded.{c}" for c in targets if c not in conflict and c != "created_at"
            )
            cursor.execute(
                f"INSERT INTO {table.name} AS t ({', '.join(targets)}) "
                f"SELECT {', '.join(sources)} FROM {stage} v {joins} "
                f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {updates} "
                "WHERE excluded.updated_at > t.updated_at"
            )
    local.close()
    return {"seconds": time.perf_counter() - started}


def _server_value(column: str, kind: str) -> str:
    if kind == "timestamp":
        text = f"to_char(t.{column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
        return f"replace({text}, '.000000', '')"
    if kind == "text[]":
        return f"to_json(t.{column})::text"
    return f"t.{column}"


PARENT_LOOKUP = {  # a wire row's parent, by natural key, in SQLite
    "media": "SELECT id FROM media_items WHERE tmdb_id = ? AND type = ?",
    "season": "SELECT id FROM seasons WHERE tmdb_id = ?",
    "episode": "SELECT id FROM episodes WHERE tmdb_id = ?",
    "book": "SELECT id FROM books WHERE google_id = ?",
    "podcast": "SELECT id FROM podcasts WHERE itunes_id = ?",
    "podcast_episode": "SELECT pe.id FROM podcast_episodes pe JOIN podcasts p "
    "ON p.id = pe.podcast_id WHERE p.itunes_id = ? AND pe.guid = ?",
}


def child_raw_pull(path: str, url: str, password: str) -> dict[str, Any]:
    """SELECT every synced row as the role, sqlite3 executemany into the fresh device."""
    from mediatrack.store.db import PRAGMAS

    started = time.perf_counter()
    local = sqlite3.connect(path, isolation_level=None)
    for pragma, value in PRAGMAS.items():
        local.execute(f"PRAGMA {pragma} = {value}")
    local.execute("BEGIN IMMEDIATE")
    local.execute("UPDATE sync_state SET applying = 1 WHERE id = 1")
    with (
        as_role(Person(url, password, "")) as pg,
        pg.transaction(),
        pg.cursor(name="pull") as cursor,
    ):
        for table in _tables():
            select = [_server_value(n, k) for n, k in table.columns]
            joins = ""
            targets = [n for n, _ in table.columns]
            values = ", ".join("?" for _ in targets)
            if table.ref is not None:
                select += [expression for _, _, expression in table.ref.wire]
                joins = table.ref.read_joins
                insert = (
                    f"INSERT INTO {table.name} ({', '.join(targets)}, {table.ref.column}) "
                    f"VALUES ({values}, ({PARENT_LOOKUP[table.ref.parent]}))"
                )
            else:
                insert = f"INSERT INTO {table.name} ({', '.join(targets)}) VALUES ({values})"
            cursor.execute(f"SELECT {', '.join(select)} FROM {table.name} t {joins}")
            while batch := cursor.fetchmany(5000):
                local.executemany(insert, batch)
    local.execute("UPDATE sync_state SET applying = 0 WHERE id = 1")
    local.execute("COMMIT")
    local.close()
    return {"seconds": time.perf_counter() - started}


def child_probe(url: str, password: str, times: int) -> dict[str, Any]:
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        with as_role(Person(url, password, "")) as pg:
            pg.execute(
                "SELECT EXISTS (SELECT 1 FROM user_progress WHERE user_id = %s "
                "AND revision >= 9223372036854775000)",
                (USER_ID,),
            ).fetchone()
        seconds.append(time.perf_counter() - started)
    return {"seconds": statistics.median(seconds)}


CHILDREN = {
    "sync": child_sync,
    "copy-push": child_copy_push,
    "raw-pull": child_raw_pull,
    "probe": child_probe,
}


def run_child(kind: str, *arguments: Any) -> dict[str, Any]:
    """Run ``kind`` in a fresh interpreter; its figures and its peak RSS (MB)."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, *map(str, arguments)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM (``getrusage``'s maxrss would count the parent's
    peak from before the fork, here the whole library the parent built)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_main(kind: str, arguments: list[str]) -> None:
    values: list[Any] = [int(a) if a.isdigit() else a for a in arguments]
    figures = CHILDREN[kind](*values)
    figures["rss_mb"] = peak_rss_mb()
    print(json.dumps(figures))


# --- pairs ----------------------------------------------------------------------------------


@dataclass
class Pair:
    sync: dict[str, Any]
    raw: dict[str, Any]

    @property
    def ratio(self) -> float:
        return self.sync["seconds"] / self.raw["seconds"]


def one_pair(first_sync: bool, sync: tuple, raw: tuple) -> Pair:
    """Run the sync child and the raw child (each ``(kind, *arguments)``), in this order or not."""
    if first_sync:
        done_sync = run_child(*sync)
        return Pair(done_sync, run_child(*raw))
    done_raw = run_child(*raw)
    return Pair(run_child(*sync), done_raw)


def analyze(person: Person) -> None:
    """Fresh planner statistics on the raw server (sync asks for its own), outside any timing."""
    with psycopg.connect(person.admin_url, autocommit=True) as admin:
        admin.execute("ANALYZE")


def measure(items: int, pairs: int, folder: Path) -> dict[str, list[Pair]]:
    template = folder / f"library-{items}.db"
    started = time.perf_counter()
    made = build_library(template, items)
    rows = sum(made.values())
    print(f"built {items} items ({rows} rows) in {time.perf_counter() - started:.1f} s", flush=True)
    found: dict[str, list[Pair]] = {"push": [], "pull": [], "no-op": []}
    for run in range(pairs):
        first_sync = run % 2 == 0
        servers = Servers()
        try:
            sync_server, raw_server = servers.new(), servers.new()
            claim(raw_server)
            laptop = folder / f"laptop-{run}.db"
            shutil.copy(template, laptop)
            push = one_pair(
                first_sync,
                ("sync", laptop, sync_server.url, sync_server.password, 1),
                ("copy-push", template, raw_server.url, raw_server.password),
            )
            analyze(raw_server)
            for server in (sync_server, raw_server):
                if server_rows(server) != rows:
                    raise SystemExit(f"the server holds {server_rows(server)} rows, not {rows}")
            phone, raw_phone = folder / f"phone-{run}.db", folder / f"raw-phone-{run}.db"
            for path in (phone, raw_phone):
                build_library(path, 0)
            pull = one_pair(
                first_sync,
                ("sync", phone, sync_server.url, sync_server.password, 1),
                ("raw-pull", raw_phone, raw_server.url, raw_server.password),
            )
            for path in (phone, raw_phone):
                if sum(counts(path).values()) != rows:
                    raise SystemExit(f"{path.name} holds {counts(path)}, not {made}")
            no_op = one_pair(
                first_sync,
                ("sync", phone, sync_server.url, sync_server.password, NO_OPS),
                ("probe", sync_server.url, sync_server.password, NO_OPS),
            )
        finally:
            servers.close()
        found["push"].append(push)
        found["pull"].append(pull)
        found["no-op"].append(no_op)
        print(f"  pair {run + 1}/{pairs} done", flush=True)
    return found


def report(items: int, found: dict[str, list[Pair]]) -> None:
    print(f"\n{items} items; each pair's ratio sync/raw, median [range]; peak RSS of the child")
    for name, pairs in found.items():
        ratios = [pair.ratio for pair in pairs]
        sync_ms = statistics.median(p.sync["seconds"] for p in pairs) * 1000
        raw_ms = statistics.median(p.raw["seconds"] for p in pairs) * 1000
        rss = max(p.sync["rss_mb"] for p in pairs)
        raw_rss = max(p.raw["rss_mb"] for p in pairs)
        verdict = "  PASS" if statistics.median(ratios) <= TARGET else "  MISS"
        judged = "" if name == "no-op" else verdict
        trips = pairs[-1].sync.get("round_trips")
        print(
            f"  {name:<6} sync {sync_ms:8.0f} ms  raw {raw_ms:8.0f} ms  "
            f"ratio {statistics.median(ratios):5.2f}x [{min(ratios):.2f}-{max(ratios):.2f}]{judged}"
            f"  RSS {rss:5.0f} MB (raw {raw_rss:4.0f} MB)  {trips} round trips"
        )
    worst = max(p.sync["rss_mb"] for pairs in found.values() for p in pairs)
    print(f"  peak RSS of sync: {worst:.0f} MB (target <= {RSS_TARGET_MB} MB)")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child_main(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="items per library, comma list")
    parser.add_argument("--pairs", type=int, default=3, help="sync/raw pairs per figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for items in [int(size) for size in args.sizes.split(",")]:
            report(items, measure(items, args.pairs, Path(tmp)))


if __name__ == "__main__":
    main()
