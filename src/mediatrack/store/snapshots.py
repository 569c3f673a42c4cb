"""Everything a user recorded on one item, taken before a destructive change and put back on undo.

A snapshot holds the progress row (status, progress, rating of a book or
podcast, whether it is in the library), a movie's or show's rating, and the
live ticks with the dates they were made. Putting it back writes those
values with a fresh ``updated_at``, so sync carries the undo like any edit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from peewee import ModelSelect

from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.store import episodes, library, runs
from mediatrack.store.models import (
    PROGRESS_TABLES,
    Episode,
    EpisodeWatch,
    PodcastEpisode,
    PodcastListen,
    Rating,
    Season,
    database,
    utcnow,
)


@dataclass(frozen=True, slots=True)
class ItemSnapshot:
    key: EntryKey
    user_id: str
    in_library: bool
    status: str | None = None
    progress: int = 0
    item_rating: int | None = None  # a book's or podcast's rating, on its progress row
    rating: int | None = None  # a movie's or show's rating, in ``ratings``
    ticks: dict[int, dt.datetime] = field(default_factory=dict)  # episode id -> when
    runs: int = 0  # earlier runs finished (shows, movies, books)
    # When it was taken: bookkeeping for undo, not part of what the item was.
    taken_at: dt.datetime = field(default_factory=utcnow, compare=False)


def take(user_id: str, key: EntryKey) -> ItemSnapshot:
    table = PROGRESS_TABLES[key.kind]
    row = table.model.get_or_none(table.row_of(user_id, key.item_id))
    live = row if row is not None and row.deleted_at is None else None
    rating = None
    if key.kind in (Kind.TV, Kind.MOVIE):
        found = Rating.get_or_none(
            (Rating.user == user_id)
            & (Rating.media_item == key.item_id)
            & Rating.deleted_at.is_null()
        )
        rating = found.rating if found else None
    return ItemSnapshot(
        key=key,
        user_id=user_id,
        in_library=live is not None,
        status=live.status if live is not None else None,
        progress=live.progress if live is not None else 0,
        item_rating=getattr(live, "rating", None),
        rating=rating,
        ticks=_live_ticks(user_id, key),
        runs=getattr(live, "runs", 0) if live is not None else 0,
    )


def put_back(snapshot: ItemSnapshot) -> None:
    """Make the item exactly as it was when ``snapshot`` was taken (one transaction)."""
    key, user_id, now = snapshot.key, snapshot.user_id, utcnow()
    table = PROGRESS_TABLES[key.kind]
    with database.atomic():
        runs.forget_runs_after(user_id, key, snapshot.runs)
        runs.forget_finishes_since(user_id, key, snapshot.taken_at)
        _put_back_ticks(snapshot, now)
        row = table.model.get_or_none(table.row_of(user_id, key.item_id))
        if snapshot.in_library:
            values = {
                "status": snapshot.status,
                "progress": snapshot.progress,
                "deleted_at": None,
                "updated_at": now,
            }
            if key.kind in (Kind.BOOK, Kind.PODCAST):
                values["rating"] = snapshot.item_rating
            if key.kind in runs.REPEATABLE:
                values["runs"] = snapshot.runs
            if row is None:
                table.model.create(
                    user=user_id, **{table.item_field: key.item_id}, created_at=now, **values
                )
            else:
                table.model.update(values).where(table.row_of(user_id, key.item_id)).execute()
        elif row is not None and row.deleted_at is None:
            table.model.update(deleted_at=now, updated_at=now).where(
                table.row_of(user_id, key.item_id)
            ).execute()
        if key.kind in (Kind.TV, Kind.MOVIE):
            library.write_rating(user_id, key, snapshot.rating)
        if key.kind is Kind.TV:
            episodes.save_watch_position(user_id, key.item_id)


def _live_ticks(user_id: str, key: EntryKey) -> dict[int, dt.datetime]:
    query: ModelSelect[Any]
    if key.kind is Kind.TV:
        query = (
            EpisodeWatch.select(EpisodeWatch.episode, EpisodeWatch.watched_at)
            .join(Episode)
            .join(Season)
            .where(
                (EpisodeWatch.user == user_id)
                & EpisodeWatch.deleted_at.is_null()
                & (Season.media_item == key.item_id)
            )
        )
    elif key.kind is Kind.PODCAST:
        query = (
            PodcastListen.select(PodcastListen.episode, PodcastListen.listened_at)
            .join(PodcastEpisode)
            .where(
                (PodcastListen.user == user_id)
                & PodcastListen.deleted_at.is_null()
                & (PodcastEpisode.podcast == key.item_id)
            )
        )
    else:
        return {}
    return {episode_id: when for episode_id, when in query.tuples().iterator()}


def _put_back_ticks(snapshot: ItemSnapshot, now: dt.datetime) -> None:
    if snapshot.key.kind not in (Kind.TV, Kind.PODCAST):
        return
    model, when_field = (
        (EpisodeWatch, "watched_at")
        if snapshot.key.kind is Kind.TV
        else (PodcastListen, "listened_at")
    )
    current = _live_ticks(snapshot.user_id, snapshot.key)
    gone = [episode_id for episode_id in current if episode_id not in snapshot.ticks]
    if gone:
        model.update(deleted_at=now, updated_at=now).where(
            (model.user == snapshot.user_id) & model.episode.in_(gone) & model.deleted_at.is_null()
        ).execute()
    for episode_id, when in snapshot.ticks.items():
        if episode_id in current:
            continue
        model.insert(
            user=snapshot.user_id,
            episode=episode_id,
            created_at=now,
            updated_at=now,
            **{when_field: when},
        ).on_conflict(
            conflict_target=[model.user, model.episode],
            update={
                model.deleted_at: None,
                model.updated_at: now,
                getattr(model, when_field): when,
            },
        ).execute()
