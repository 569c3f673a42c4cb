"""A sync server with people on it, for the sync and friends tests.

``World`` owns one throwaway database (``pg_url``), creates its schema as the
admin, provisions a login role with a random name per person and gives each
device its own SQLite file. Roles are cluster-wide, so ``close()`` drops them
(``DROP OWNED`` in the database first). Devices share the models' global
database proxy: ``Device.use()`` binds the models to that device's file and
points ``$MEDIATRACK_SYNC_URL`` at its owner's role, whose password waits in
an in-memory keyring, as ``mediatrack sync setup`` would leave it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from peewee import SqliteDatabase

from auth_server import MemoryKeyring, installed_keyring
from mediatrack.catalog.records import (
    EpisodeDetails,
    FeedEpisode,
    PodcastDetails,
    SeasonDetails,
    SeasonSummary,
    ShowDetails,
)
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.services.episodes import Episodes
from mediatrack.services.library import Library
from mediatrack.services.sync import URL_ENV, SyncReport, provision, setup, sync_once
from mediatrack.store import identity, metadata
from mediatrack.store.db import connection, open_database
from mediatrack.store.models import database
from mediatrack.store.sync.server import init_schema


@dataclass
class Device:
    """One library file of one person, signed in with Google."""

    person: Person
    path: Path
    db: SqliteDatabase = field(init=False)

    def __post_init__(self) -> None:
        self.db = open_database(self.path)
        identity.sign_in(
            identity.Profile(self.person.user_id, self.person.name.title(), self.person.email, True)
        )

    def use(self) -> Library:
        """Bind the models to this device's file and sync to its owner; their library."""
        database.initialize(self.db)
        self.person.world.monkeypatch.setenv(URL_ENV, self.person.url)
        return Library(self.person.user_id)

    def sync(self, **options) -> SyncReport:
        self.use()
        return sync_once(self.person.url, self.person.password, **options)

    def episodes(self) -> Episodes:
        self.use()
        return Episodes(self.person.user_id)

    def add_show(self, tmdb_id: int = 1399, seasons: int = 2, per_season: int = 4) -> EntryKey:
        """A show from the catalog (seasons and episodes included) put in the library."""
        library = self.use()
        summaries = tuple(
            SeasonSummary(n, tmdb_id * 10 + n, f"Season {n}", None, per_season, None, None)
            for n in range(1, seasons + 1)
        )
        details = ShowDetails(
            tmdb_id,
            f"Show {tmdb_id}",
            None,
            None,
            dt.date(2011, 4, 17),
            None,
            8.4,
            100,
            ("Drama",),
            None,
            None,
            "Ended",
            False,
            seasons,
            seasons * per_season,
            summaries,
            None,
            None,
        )
        season_details = [
            SeasonDetails(
                summary.tmdb_id,
                summary.season_number,
                summary.name,
                None,
                None,
                None,
                tuple(
                    EpisodeDetails(
                        summary.tmdb_id * 100 + e,
                        summary.season_number,
                        e,
                        f"Episode {e}",
                        dt.date(2011, 4, 17),
                        60,
                        None,
                        None,
                    )
                    for e in range(1, per_season + 1)
                ),
            )
            for summary in summaries
        ]
        with connection():
            show_id = metadata.save_show(details, season_details)
            library.track(Kind.TV, show_id, "plan_to_watch")
        return EntryKey(Kind.TV, show_id)

    def add_podcast(self, itunes_id: str = "917918570", episodes: int = 3) -> EntryKey:
        library = self.use()
        details = PodcastDetails(
            itunes_id, f"Podcast {itunes_id}", "Someone", None, None, ("Science",), None, episodes
        )
        feed = [
            FeedEpisode(
                f"guid-{n}", f"Episode {n}", dt.datetime(2024, 1, n, tzinfo=dt.UTC), 1800, None
            )
            for n in range(1, episodes + 1)
        ]
        with connection():
            podcast_id = metadata.save_podcast(details)
            metadata.save_podcast_episodes(podcast_id, feed)
            library.track(Kind.PODCAST, podcast_id, "plan_to_listen")
        return EntryKey(Kind.PODCAST, podcast_id)

    def snapshot(self, user_id: str | None = None) -> list[tuple]:
        """The library as a person sees it, without local ids: what must agree across devices."""
        library = self.use() if user_id is None else (self.use(), Library(user_id))[1]
        return sorted(
            (
                e.kind.value,
                e.catalog_id,
                e.title,
                e.status,
                e.progress,
                e.total,
                e.rating,
                e.last_episode,
                e.next_episode,
                e.updated_at,
            )
            for e in library.all_entries()
        )


@dataclass
class Person:
    name: str
    email: str
    user_id: str
    role: str
    password: str
    url: str
    world: World

    def device(self, name: str = "laptop") -> Device:
        return Device(self, self.world.folder / f"{self.name}-{name}.db")

    def sql(self) -> psycopg.Connection:
        """A direct connection as this person's role, as psql would have it."""
        return psycopg.connect(self.url, password=self.password, autocommit=True)


class World:
    def __init__(
        self,
        admin_url: str,
        folder: Path,
        monkeypatch: pytest.MonkeyPatch,
        version: int | None = None,
    ) -> None:
        """``version``: build the server schema only up to this step (to test migrations)."""
        self.admin_url = admin_url
        self.folder = folder
        self.monkeypatch = monkeypatch
        self.roles: list[str] = []
        self.tag = secrets.token_hex(3)
        self.version = version
        init_schema(admin_url, version)

    def person(self, name: str, *, claim: bool = True) -> Person:
        """Provision ``name`` (email name@example.com); ``claim`` binds the role as a first sync."""
        email = f"{name}@example.com"
        done = provision(self.admin_url, email, role=f"mt_test_{name}_{self.tag}")
        self.roles.append(done.role)
        person = Person(
            name, email, f"google-{name}-{self.tag}", done.role, done.password, done.url, self
        )
        setup(done.url, done.password)
        if claim:  # what a first sync does before anything else
            with person.sql() as sql:
                if self.version == 1:  # before step 2 the claim asked nothing more
                    sql.execute("SELECT mediatrack_claim(%s, %s)", (person.user_id, email))
                else:
                    sql.execute("SELECT mediatrack_claim(%s, %s, true)", (person.user_id, email))
                sql.execute(
                    "INSERT INTO users (id, name, email, created_at, updated_at) "
                    "VALUES (%s, %s, %s, '2000-01-01', '2000-01-01')",
                    (person.user_id, name.title(), email),
                )
        return person

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.admin_url, autocommit=True)

    def close(self) -> None:
        """Drop the people's roles, as the cluster's superuser (the admin may be an owner)."""
        from pg_server import ADMIN_URL

        database = self.admin_url.rsplit("/", 1)[1]
        superuser = ADMIN_URL.rsplit("/", 1)[0] + "/" + database
        with psycopg.connect(superuser, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY(%s)",
                (self.roles,),
            )
            for role in self.roles:
                admin.execute(f'DROP OWNED BY "{role}"')
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')


@contextmanager
def built_world(
    pg_url: str, folder: Path, monkeypatch: pytest.MonkeyPatch, version: int | None = None
) -> Iterator[World]:
    created = World(pg_url, folder, monkeypatch, version)
    created.folder.mkdir()
    try:
        with installed_keyring(MemoryKeyring()):
            yield created
    finally:
        created.close()


@pytest.fixture
def world(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with built_world(pg_url, tmp_path / "devices", monkeypatch) as created:
        yield created
