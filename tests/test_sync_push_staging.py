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
from mediatrack.store.sync.tables import SyncTable

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
