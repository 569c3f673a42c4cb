"""Rewatches and rereads: a finished show, movie or book starts a new run, the old one kept.

A show's current run is its live ``episode_watches``; starting a new run copies
them, with their dates, into ``past_episode_watches`` under the run's number,
then unticks them, so progress (the current run's ticks) starts again at 0.
A movie or book keeps the day it was finished in ``finish_dates``. In every
case ``runs`` on the progress row counts the runs finished before this one.
"""

from __future__ import annotations

import datetime as dt

from peewee import EXCLUDED

from mediatrack.kinds import KINDS, Kind
from mediatrack.records import EntryKey
from mediatrack.store import episodes
from mediatrack.store.models import (
    PROGRESS_TABLES,
    Episode,
    EpisodeWatch,
    FinishDate,
    PastEpisodeWatch,
    Season,
    UserBookProgress,
    UserProgress,
    database,
    utcnow,
)

REPEATABLE = (Kind.TV, Kind.MOVIE, Kind.BOOK)


def runs_done(user_id: str, key: EntryKey) -> int:
    """Runs finished: the earlier ones, and the current one once it is done."""
    if key.kind not in REPEATABLE:
        return 0
    table = PROGRESS_TABLES[key.kind]
    row = table.model.get_or_none(table.row_of(user_id, key.item_id))
    if not isinstance(row, UserProgress | UserBookProgress) or row.deleted_at is not None:
        return 0
    return int(row.runs) + (row.status == KINDS[key.kind].done_status)


def start_again(user_id: str, key: EntryKey) -> int:
    """Start a new run of a finished item; returns the new run's number (2 for a rewatch)."""
    table = PROGRESS_TABLES[key.kind]
    now = utcnow()
    with database.atomic():
        row = table.model.get(table.row_of(user_id, key.item_id))
        assert isinstance(row, UserProgress | UserBookProgress)
        run = int(row.runs) + 1  # the run that ends now
        if key.kind is Kind.TV:
            finished = _archive_ticks(user_id, key.item_id, run, now)
        else:
            finished = row.updated_at
        FinishDate.insert(
            user=user_id,
            kind=key.kind.value,
            item_id=key.item_id,
            finished_on=(finished or now).date().isoformat(),
            created_at=now,
        ).on_conflict_ignore().execute()
        table.model.update(
            runs=run, status=KINDS[key.kind].active_status, progress=0, updated_at=now
        ).where(table.row_of(user_id, key.item_id)).execute()
        if key.kind is Kind.TV:
            episodes.save_watch_position(user_id, key.item_id)
    return run + 1


def _archive_ticks(user_id: str, show_id: int, run: int, now: dt.datetime) -> dt.datetime | None:
    """Copy the live ticks of a show into run ``run``, untick them; the last tick's time."""
    ticks = list(episodes.live_show_ticks(user_id, show_id).items())
    for start in range(0, len(ticks), 200):
        PastEpisodeWatch.insert_many(
            [
                {
                    "user": user_id,
                    "episode": episode_id,
                    "run": run,
                    "watched_at": when,
                    "created_at": now,
                    "updated_at": now,
                }
                for episode_id, when in ticks[start : start + 200]
            ]
        ).on_conflict(
            conflict_target=[PastEpisodeWatch.user, PastEpisodeWatch.episode, PastEpisodeWatch.run],
            update={
                PastEpisodeWatch.deleted_at: None,
                PastEpisodeWatch.updated_at: now,
                PastEpisodeWatch.watched_at: EXCLUDED.watched_at,
            },
        ).execute()
    if ticks:
        EpisodeWatch.update(deleted_at=now, updated_at=now).where(
            (EpisodeWatch.user == user_id)
            & EpisodeWatch.episode.in_([episode_id for episode_id, _ in ticks])
            & EpisodeWatch.deleted_at.is_null()
        ).execute()
    return max((when for _, when in ticks), default=None)


def forget_runs_after(user_id: str, key: EntryKey, runs: int) -> None:
    """Undo: the runs numbered above ``runs`` had not ended; their archived ticks go."""
    if key.kind is not Kind.TV:
        return
    now = utcnow()
    episode_ids = Episode.select(Episode.id).join(Season).where(Season.media_item == key.item_id)
    PastEpisodeWatch.update(deleted_at=now, updated_at=now).where(
        (PastEpisodeWatch.user == user_id)
        & (PastEpisodeWatch.run > runs)
        & PastEpisodeWatch.episode.in_(episode_ids)
        & PastEpisodeWatch.deleted_at.is_null()
    ).execute()


def forget_finishes_since(user_id: str, key: EntryKey, since: dt.datetime) -> None:
    """Undo: the days a movie or book was marked finished after ``since`` were not finishes."""
    FinishDate.delete().where(
        (FinishDate.user == user_id)
        & (FinishDate.kind == key.kind.value)
        & (FinishDate.item_id == key.item_id)
        & (FinishDate.created_at >= since)
    ).execute()
