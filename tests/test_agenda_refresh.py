"""The calendar's background refresh: only shows whose stored next air date has passed, at
most once a day each, through the catalog service; what the user recorded stays."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agenda_world import add_show, days_from
from catalog_server import FakeCatalogs
from mediatrack.agenda import NextShowRow
from mediatrack.kinds import Kind
from mediatrack.services.agenda import Agenda
from mediatrack.services.catalog import CatalogService
from mediatrack.services.episodes import Episodes
from mediatrack.services.library import Library
from mediatrack.store.db import connection
from mediatrack.store.models import MediaItem


@pytest.fixture
def fake(httpserver, library) -> FakeCatalogs:
    return FakeCatalogs(httpserver)


def test_refresh_due_fetches_passed_shows_once_and_keeps_the_record(fake, httpserver):
    catalog = CatalogService(fake.catalog())
    key = catalog.add(Kind.TV, "1399", "watching").key
    episodes = Episodes()
    episodes.watch_through(key, episodes.find(key, "S01E03").id)
    Library().set_rating(key, 7)
    before = Library().entry(key)
    agenda = Agenda(catalog)
    assert agenda.shows_due() == []  # just fetched
    with connection():  # as if fetched long ago, before its episodes aired
        MediaItem.update(updated_at=dt.datetime(2010, 1, 1)).where(
            MediaItem.id == key.item_id
        ).execute()
    assert agenda.shows_due() == [key]
    asked = len(httpserver.log)
    report = agenda.refresh_due()
    assert [entry.key for entry in report.refreshed] == [key] and not report.failed
    assert len(httpserver.log) > asked
    after = Library().entry(key)
    assert (after.status, after.progress, after.rating) == (
        before.status,
        before.progress,
        before.rating,
    )
    assert [e.code for e in episodes.show_episodes(key) if e.watched] == [
        "S01E01",
        "S01E02",
        "S01E03",
    ]
    asked = len(httpserver.log)
    assert agenda.refresh_due().refreshed == []  # fetched today: not again
    assert len(httpserver.log) == asked


def test_refresh_due_without_a_catalog_does_nothing(library):
    key = add_show(1, "Severance", [days_from(dt.date.today(), -3)])
    with connection():  # fetched long ago: due, were there a catalog to ask
        MediaItem.update(updated_at=dt.datetime(2010, 1, 1)).where(
            MediaItem.id == key.item_id
        ).execute()
    assert Agenda(None).shows_due() == [key]
    assert Agenda(None).refresh_due().refreshed == []


OFFSETS = st.lists(st.one_of(st.none(), st.integers(-60, 60)), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None)
@given(offsets=OFFSETS, ticks=st.lists(st.integers(0, 7), max_size=8))
def test_up_next_is_always_the_library_s_next_episode_when_aired(tmp_path_factory, offsets, ticks):
    """For any air dates and ticks: Up Next shows a show iff its Next episode has aired, and
    then that very episode, with the aired unticked episodes counted."""
    from mediatrack.store.db import open_database
    from mediatrack.store.models import database

    open_database(tmp_path_factory.mktemp("db") / "library.db")
    try:
        today = dt.date.today()
        key = add_show(1, "Show", [days_from(today, *offsets)])
        episodes = Episodes()
        shown = episodes.show_episodes(key)
        chosen = [shown[i].id for i in ticks if i < len(shown)]
        if chosen:
            episodes.set_watched(key, chosen, True, confirm=True)
        entry = Library().entry(key)
        rows = [row for row in Agenda().up_next(today) if isinstance(row, NextShowRow)]
        aired = entry.next_air_date is not None and entry.next_air_date <= today.isoformat()
        if entry.status != "watching" or not aired:
            assert rows == []
        else:
            (row,) = rows
            assert f"S{row.season_number}E{row.episode_number}" == entry.next_episode
            left = [e for e in episodes.show_episodes(key) if e.aired(today) and not e.watched]
            assert row.left == len(left)
    finally:
        database.obj.close()
        database.initialize(None)
