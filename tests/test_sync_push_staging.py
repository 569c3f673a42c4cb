"""A push reaches the server the same way with or without temporary staging tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

import psycopg
import pytest

from mediatrack.catalog.records import BookDetails
from mediatrack.kinds import Kind
from mediatrack.store import metadata
from mediatrack.store.db import connection
from mediatrack.store.models import Book, Episode, MediaItem, PodcastEpisode
from mediatrack.store.sync import engine, remote
from mediatrack.store.sync.tables import EPISODE_WATCHES, SyncTable

if TYPE_CHECKING:
    from sync_world import World

pytest_plugins = ["sync_world"]  # the `world` fixture

AWKWARD = ('O\'Brien, "Pat"', "{braces}", "back\\slash", "tab\there", "", "NULL", "Ünïcode ✓")


def rows() -> dict[str, list]:
    with connection():
        return {
            "books": sorted(
                Book.select(Book.google_id, Book.authors, Book.categories, Book.is_ebook).tuples()
            ),
            "shows": sorted(
                MediaItem.select(MediaItem.tmdb_id, MediaItem.genres, MediaItem.updated_at).tuples()
            ),
            "episodes": sorted(Episode.select(Episode.tmdb_id, Episode.name).tuples()),
            "podcast_episodes": sorted(
                PodcastEpisode.select(PodcastEpisode.guid, PodcastEpisode.published_at).tuples()
            ),
        }


@pytest.mark.parametrize(
    ("temporary", "stage_from", "copies"),
    [(True, 1, True), (True, remote.STAGE_FROM, False), (False, 1, False)],
    ids=["staged", "few-rows-as-json", "no-temporary-tables"],
)
def test_awkward_values_reach_the_other_device_unchanged(
    world: World, temporary: bool, stage_from: int, copies: bool
) -> None:
    copied: list[str] = []
    copy = remote.Remote._copy

    def counted(self: remote.Remote, table: SyncTable, rows: list[tuple]) -> None:
        copied.append(table.name)
        copy(self, table, rows)

    world.monkeypatch.setattr(remote.Remote, "_copy", counted)
    world.monkeypatch.setattr(remote, "STAGE_FROM", stage_from)
    if not temporary:  # a server that lets nobody make temporary tables
        with psycopg.connect(world.admin_url, autocommit=True) as admin:
            name = admin.info.dbname
            admin.execute(f'REVOKE TEMPORARY ON DATABASE "{name}" FROM PUBLIC')
    alice = world.person("alice")
    laptop, phone = alice.device("laptop"), alice.device("phone")
    library = laptop.use()
    laptop.add_show()
    laptop.add_podcast()
    books = [
        BookDetails(
            f"book-{n}",
            "A title",
            None,
            AWKWARD[n:],
            None,
            None,
            None,
            None,
            AWKWARD[:n],
            None,
            None,
            None,
            None,
            is_ebook=n % 2 == 1,
        )
        for n in range(3)
    ]
    with connection():
        for book in books:
            library.track(Kind.BOOK, metadata.save_book(book), "reading")
    sent = rows()

    world.monkeypatch.setattr(engine, "BATCH_SIZE", 3)  # several batches, parents sent once
    report = laptop.sync()
    phone.sync()

    phone.use()
    assert rows() == sent
    assert report.pushed == 5
    assert bool(copied) == copies
    assert sent["books"][0][1:] == (list(AWKWARD), None, False)
    if not temporary:
        with alice.sql() as sql, pytest.raises(psycopg.errors.InsufficientPrivilege):
            sql.execute("CREATE TEMP TABLE t (x int)")


def test_a_pushed_row_finds_its_parent_by_index_however_large_the_library(world: World) -> None:
    """Each batch probes the writer's parent rows by key: it never reads all of them."""
    alice = world.person("alice")
    laptop = alice.device("laptop")
    laptop.add_show(seasons=10, per_season=300)
    laptop.sync()
    with alice.sql() as sql:
        sql.execute("ANALYZE episodes")
        sql.execute(remote.staging_sql())
        with sql.transaction():
            sql.execute(
                "INSERT INTO pg_temp.mediatrack_stage_episode_watches "
                "SELECT now(), now(), NULL, %s, now(), 1399 * 10 * 100 + n "
                "FROM generate_series(1, 3000) n",
                (alice.user_id,),
            )
            sql.execute("ANALYZE pg_temp.mediatrack_stage_episode_watches")
            plan = sql.execute(f"EXPLAIN {remote.push_sql(EPISODE_WATCHES)}").fetchall()
    text = "\n".join(line for (line,) in plan)
    assert "Index Scan using episodes_written_by_tmdb_id_key" in text
    assert "Seq Scan on episodes" not in text
