"""What a user did and when, newest first: ticks, listens, completions, earlier runs.

Read straight from the rows that record it (``episode_watches`` and
``past_episode_watches`` keep when each episode was watched, ``podcast_listens``
when each episode was heard, ``finish_dates`` the days an item was finished,
a movie's or book's progress row when it was last completed). Each branch of
the union reads at most ``offset + limit`` rows through a (user, time) index,
so a page costs the same on 100 ticks as on 100,000.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mediatrack.kinds import Kind
from mediatrack.records import EntryKey, HistoryEvent
from mediatrack.store.models import database

# Each branch yields: at, kind, item_id, title, event, season, episode, detail, run.
# ``run`` is 0 for the current run (the caller names it); ``at`` is stored UTC text.
_TICKS = """
SELECT w.watched_at AS at, 'tv' AS kind, s.media_item_id AS item_id, m.title AS title,
       'watched' AS event, s.season_number AS season, e.episode_number AS episode,
       e.name AS detail, 0 AS run
FROM episode_watches w
JOIN episodes e ON e.id = w.episode_id
JOIN seasons s ON s.id = e.season_id
JOIN media_items m ON m.id = s.media_item_id
WHERE w.user_id = :user AND w.deleted_at IS NULL {item}
ORDER BY w.watched_at DESC LIMIT :upto"""

_PAST_TICKS = """
SELECT w.watched_at, 'tv', s.media_item_id, m.title, 'watched', s.season_number,
       e.episode_number, e.name, w.run
FROM past_episode_watches w
JOIN episodes e ON e.id = w.episode_id
JOIN seasons s ON s.id = e.season_id
JOIN media_items m ON m.id = s.media_item_id
WHERE w.user_id = :user AND w.deleted_at IS NULL {item}
ORDER BY w.watched_at DESC LIMIT :upto"""

_LISTENS = """
SELECT l.listened_at, 'podcast', pe.podcast_id, p.collection_name, 'listened', NULL, NULL,
       pe.title, 0
FROM podcast_listens l
JOIN podcast_episodes pe ON pe.id = l.episode_id
JOIN podcasts p ON p.id = pe.podcast_id
WHERE l.user_id = :user AND l.deleted_at IS NULL {item}
ORDER BY l.listened_at DESC LIMIT :upto"""

_FINISHED = """
SELECT f.finished_on, f.kind, f.item_id, coalesce(m.title, b.title, p.collection_name),
       'finished', NULL, NULL, NULL, 0
FROM finish_dates f
LEFT JOIN media_items m ON f.kind IN ('tv', 'movie') AND m.id = f.item_id
LEFT JOIN books b ON f.kind = 'book' AND b.id = f.item_id
LEFT JOIN podcasts p ON f.kind = 'podcast' AND p.id = f.item_id
WHERE f.user_id = :user {item}
ORDER BY f.finished_on DESC LIMIT :upto"""

# A movie or book completed before finish days were kept: its progress row's last change.
_COMPLETED_MOVIES = """
SELECT u.updated_at, 'movie', u.media_item_id, m.title, 'finished', NULL, NULL, NULL, 0
FROM user_progress u JOIN media_items m ON m.id = u.media_item_id
WHERE u.user_id = :user AND u.deleted_at IS NULL AND u.status = 'completed'
  AND m.type = 'movie' {item}
  AND NOT EXISTS (SELECT 1 FROM finish_dates f WHERE f.user_id = u.user_id
                  AND f.kind = 'movie' AND f.item_id = u.media_item_id)
ORDER BY u.updated_at DESC LIMIT :upto"""

_COMPLETED_BOOKS = """
SELECT u.updated_at, 'book', u.book_id, b.title, 'finished', NULL, NULL, NULL, 0
FROM user_book_progress u JOIN books b ON b.id = u.book_id
WHERE u.user_id = :user AND u.deleted_at IS NULL AND u.status = 'completed' {item}
  AND NOT EXISTS (SELECT 1 FROM finish_dates f WHERE f.user_id = u.user_id
                  AND f.kind = 'book' AND f.item_id = u.book_id)
ORDER BY u.updated_at DESC LIMIT :upto"""

# Which branches can hold events of one kind, and how each names the item.
_BRANCHES: dict[Kind, tuple[tuple[str, str], ...]] = {
    Kind.TV: ((_TICKS, "s.media_item_id"), (_PAST_TICKS, "s.media_item_id"), (_FINISHED, "")),
    Kind.MOVIE: ((_FINISHED, ""), (_COMPLETED_MOVIES, "u.media_item_id")),
    Kind.BOOK: ((_FINISHED, ""), (_COMPLETED_BOOKS, "u.book_id")),
    Kind.PODCAST: ((_LISTENS, "pe.podcast_id"), (_FINISHED, "")),
}
_ALL = (_TICKS, _PAST_TICKS, _LISTENS, _FINISHED, _COMPLETED_MOVIES, _COMPLETED_BOOKS)


def history(
    user_id: str, key: EntryKey | None = None, *, limit: int = 50, offset: int = 0
) -> list[HistoryEvent]:
    """One page of the user's history (or of one item's), newest first."""
    sql, params = page_query(user_id, key, limit=limit, offset=offset)
    cursor = database.execute_sql(sql, params)  # sqlite3 takes named parameters
    return [_event(row) for row in cursor.fetchall()]


def page_query(
    user_id: str, key: EntryKey | None = None, *, limit: int = 50, offset: int = 0
) -> tuple[str, dict[str, Any]]:
    """The SQL of one page and its parameters (a test reads its query plan)."""
    params: dict[str, Any] = {"user": user_id, "upto": offset + limit}
    if key is None:
        branches = [branch.format(item="") for branch in _ALL]
    else:
        params["item"], params["kind"] = key.item_id, key.kind.value
        branches = [
            branch.format(
                item=f"AND {column} = :item"
                if column
                else "AND f.kind = :kind AND f.item_id = :item"
            )
            for branch, column in _BRANCHES[key.kind]
        ]
    union = " UNION ALL ".join(f"SELECT * FROM ({branch})" for branch in branches)
    sql = (
        "WITH h(at, kind, item_id, title, event, season, episode, detail, run) AS "
        f"({union}) SELECT * FROM h ORDER BY at DESC, title, kind, item_id, season DESC, "
        "episode DESC, detail LIMIT :limit OFFSET :offset"
    )
    params.update(limit=limit, offset=offset)
    return sql, params


def _event(row: tuple) -> HistoryEvent:
    at, kind, item_id, title, event, season, episode, detail, run = row
    return HistoryEvent(
        at=_moment(at),
        key=EntryKey(Kind(kind), item_id),
        title=title or "",
        event=event,
        season=season,
        episode=episode,
        detail=detail,
        run=run,
    )


def _moment(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    text = str(value)
    if len(text) == 10:  # a finish date: a day, no time
        return dt.datetime.fromisoformat(text)
    return dt.datetime.fromisoformat(text.replace(" ", "T"))


# --- the backup: notes, runs and the ticks of earlier runs ------------------------------


def backup_extras(user_id: str, kind: Kind) -> dict[int, dict[str, Any]]:
    """By item id: what a backup item carries beyond its record, only where there is some.

    ``note`` and ``note_shared``; ``runs`` (earlier runs finished) and, for a show,
    ``past_runs``: each tick of those runs as run, season, episode and time.
    """
    from mediatrack.store.models import (
        NOTE_TABLES,
        PROGRESS_TABLES,
        Episode,
        MediaItem,
        PastEpisodeWatch,
        Season,
    )

    extras: dict[int, dict[str, Any]] = {}
    model, field = NOTE_TABLES[kind]
    item = getattr(model, field)
    notes = model.select(item, model.note, model.note_shared).where(
        (model.user == user_id) & model.deleted_at.is_null()
    )
    if kind in (Kind.TV, Kind.MOVIE):
        notes = notes.join(MediaItem, on=(item == MediaItem.id)).where(MediaItem.type == kind.value)
    for item_id, note, shared in notes.tuples().iterator():
        extras.setdefault(item_id, {}).update(note=note, note_shared=bool(shared))
    if kind is Kind.PODCAST:
        return extras
    table = PROGRESS_TABLES[kind]
    progress: Any = table.model  # shows, movies and books: they have runs
    runs = progress.select(table.item_column, progress.runs).where(
        (progress.user == user_id) & progress.deleted_at.is_null() & (progress.runs > 0)
    )
    for item_id, count in runs.tuples().iterator():
        extras.setdefault(item_id, {})["runs"] = count
    if kind is Kind.TV:
        past = (
            PastEpisodeWatch.select(
                Season.media_item,
                PastEpisodeWatch.run,
                Season.season_number,
                Episode.episode_number,
                PastEpisodeWatch.watched_at,
            )
            .join(Episode)
            .join(Season)
            .where((PastEpisodeWatch.user == user_id) & PastEpisodeWatch.deleted_at.is_null())
            .order_by(PastEpisodeWatch.run, Season.season_number, Episode.episode_number)
        )
        for show_id, run, season, episode, when in past.tuples().iterator():
            if show_id in extras and "runs" in extras[show_id]:
                extras[show_id].setdefault("past_runs", []).append(
                    {
                        "run": run,
                        "season_number": season,
                        "episode_number": episode,
                        "watched_at": when.isoformat(sep="T"),
                    }
                )
    return extras


def restore_extras(user_id: str, extras: list[dict[str, Any]], *, overwrite: bool = False) -> None:
    """Write back what ``backup_extras`` wrote, for items the restore put in the library.

    A note the user has (or cleared) is kept, unless ``overwrite``: the file wins then.
    """
    from mediatrack.store import notes as note_rows
    from mediatrack.store.imports import ITEM_MODELS, catalog_column
    from mediatrack.store.models import (
        PROGRESS_TABLES,
        Episode,
        MediaItem,
        PastEpisodeWatch,
        Season,
        utcnow,
    )

    now = utcnow()
    with database.atomic():
        for extra in extras:
            kind = Kind(extra["kind"])
            model = ITEM_MODELS[kind]
            column = catalog_column(kind)
            value = (
                int(extra["catalog_id"]) if kind in (Kind.TV, Kind.MOVIE) else extra["catalog_id"]
            )
            query = model.select(model.id).where(column == value)
            if model is MediaItem:
                query = query.where(MediaItem.type == kind.value)
            found = query.scalar()
            if found is None:
                continue
            key = EntryKey(kind, found)
            if extra.get("note"):
                shared = bool(extra.get("note_shared"))
                note_rows.restore(user_id, key, extra["note"], shared, overwrite=overwrite)
            if kind is Kind.PODCAST or not extra.get("runs"):
                continue
            table = PROGRESS_TABLES[kind]
            progress: Any = table.model  # shows, movies and books: they have runs
            progress.update(runs=extra["runs"]).where(
                table.row_of(user_id, found) & (progress.runs < extra["runs"])
            ).execute()
            for tick in extra.get("past_runs") or []:
                episode = (
                    Episode.select(Episode.id)
                    .join(Season)
                    .where(
                        (Season.media_item == found)
                        & (Season.season_number == tick["season_number"])
                        & (Episode.episode_number == tick["episode_number"])
                    )
                    .scalar()
                )
                if episode is None:
                    continue
                PastEpisodeWatch.insert(
                    user=user_id,
                    episode=episode,
                    run=tick["run"],
                    watched_at=dt.datetime.fromisoformat(tick["watched_at"]),
                    created_at=now,
                    updated_at=now,
                ).on_conflict_ignore().execute()
