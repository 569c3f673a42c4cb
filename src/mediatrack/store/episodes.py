"""Per-episode tracking: ticks on show and podcast episodes, and what follows from them.

One source of truth per figure: a show's ``user_progress.progress`` *is* the
number of its regular episodes the user ticked (season 0 specials never
count), and a podcast's ``user_podcast_progress.progress`` *is* its number of listened
episodes; the stored numbers are kept equal to the ticks in the same
transaction. A tick may move the status (the first tick starts a planned
show, the last episode of an ended show completes it); recomputing after a
refresh never does: a status is the user's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from peewee import SQL

from mediatrack.kinds import KINDS, Kind
from mediatrack.records import EntryKey, PodcastEpisodeRow, SeasonProgress, ShowEpisode
from mediatrack.store.models import (
    Episode,
    EpisodeWatch,
    PodcastEpisode,
    PodcastListen,
    Season,
    UserPodcastProgress,
    database,
    utcnow,
)

FINISHED_SHOW_STATUSES = {"Ended", "Canceled", "Cancelled"}


def live_show_ticks(user_id: str, show_id: int) -> dict[int, dt.datetime]:
    """The show's ticked episodes (the current run's): episode id -> when it was watched."""
    query = (
        EpisodeWatch.select(EpisodeWatch.episode, EpisodeWatch.watched_at)
        .join(Episode)
        .join(Season)
        .where(
            (EpisodeWatch.user == user_id)
            & EpisodeWatch.deleted_at.is_null()
            & (Season.media_item == show_id)
        )
        .tuples()
    )
    return {episode_id: when for episode_id, when in query.iterator()}


def show_episodes(user_id: str, show_id: int) -> list[ShowEpisode]:
    """Every episode of a show in order (specials first, as season 0), with the user's ticks."""
    watched = live_show_ticks(user_id, show_id).keys()
    rows = (
        Episode.select(
            Episode.id, Season.season_number, Episode.episode_number, Episode.name, Episode.air_date
        )
        .join(Season)
        .where(Season.media_item == show_id)
        .order_by(Season.season_number, Episode.episode_number)
        .tuples()
        .iterator()
    )
    return [
        ShowEpisode(episode_id, season, number, name, air_date, watched=episode_id in watched)
        for episode_id, season, number, name, air_date in rows
    ]


def set_episodes_watched(
    user_id: str,
    show_id: int,
    episode_ids: Iterable[int],
    watched: bool,
    *,
    derive_status: bool = True,
) -> None:
    """Tick (or untick) episodes of one show, then bring its progress and status up to date."""
    ids = list(episode_ids)
    now = utcnow()
    with database.atomic():
        belongs = {
            episode_id
            for (episode_id,) in Episode.select(Episode.id)
            .join(Season)
            .where((Season.media_item == show_id) & Episode.id.in_(ids))
            .tuples()
            .iterator()
        }
        if watched:
            write_marks(EpisodeWatch, user_id, [(e, now) for e in sorted(belongs)], revive=True)
        elif belongs:
            EpisodeWatch.update(deleted_at=now, updated_at=now).where(
                (EpisodeWatch.user == user_id)
                & EpisodeWatch.episode.in_(list(belongs))
                & EpisodeWatch.deleted_at.is_null()
            ).execute()
        recompute_show(user_id, show_id, derive_status=derive_status)


def write_marks(
    model: type[EpisodeWatch] | type[PodcastListen],
    user_id: str,
    marks: Iterable[tuple[int, dt.datetime | None]],
    *,
    revive: bool,
) -> None:
    """Tick episodes (``EpisodeWatch``) or podcast episodes (``PodcastListen``), each at its
    own time (None: now). A live tick stays as it is; a tick the user took back comes back
    only with ``revive`` (the user ticking again, or an import that overwrites), at the
    new time. The one place both the app's ticks and imports write them."""
    now = utcnow()
    moment = EpisodeWatch.watched_at if model is EpisodeWatch else PodcastListen.listened_at
    rows = [
        {
            "user": user_id,
            "episode": episode_id,
            moment.name: when or now,
            "created_at": now,
            "updated_at": now,
        }
        for episode_id, when in marks
    ]
    for start in range(0, len(rows), 200):
        batch = model.insert_many(rows[start : start + 200])
        if not revive:
            batch.on_conflict_ignore().execute()
            continue
        batch.on_conflict(
            conflict_target=[model.user, model.episode],
            update={
                model.deleted_at: None,
                model.updated_at: now,
                moment: SQL(f'excluded."{moment.column_name}"'),
            },
            where=model.deleted_at.is_null(False),
        ).execute()


def recompute_show(user_id: str, show_id: int, *, derive_status: bool = True) -> None:
    """Bring a show's progress and watch position up to date with its ticks.

    ``derive_status`` is for ticks the user just made; a refresh passes False,
    so new episodes never change a status the user chose. Two reads (the
    episodes with their ticks, then the show, progress and position rows), and
    a write only for a figure that changed: a refresh runs it for every show.
    """
    episodes = regular_episodes(user_id, show_id)
    if not episodes:
        return
    (
        tmdb_status,
        number_of_episodes,
        progress_id,
        progress,
        status,
        position_id,
        *position,
    ) = database.execute_sql(_SHOW_STATE_SQL, (user_id, user_id, show_id)).fetchone()
    wanted = watch_position(episodes, dt.date.today())
    if position_id is None or tuple(position) != wanted:
        database.execute_sql(POSITION_SQL, (user_id, show_id, *wanted))
    if progress_id is None:
        return
    count = sum(episode.watched for episode in episodes)
    new_status = status
    if derive_status:
        new_status = _show_status(status, count, len(episodes), tmdb_status)
    if (progress, status) != (count, new_status):
        database.execute_sql(
            "UPDATE user_progress SET progress = ?, status = ?, updated_at = ? WHERE id = ?",
            (count, new_status, str(utcnow()), progress_id),
        )
    if number_of_episodes != len(episodes):
        database.execute_sql(
            "UPDATE media_items SET number_of_episodes = ? WHERE id = ?", (len(episodes), show_id)
        )


# The show's own figures and the user's rows about it, read at once for ``recompute_show``.
# A progress row is found whatever its tombstone, as ``UserProgress.get_or_none`` did.
_SHOW_STATE_SQL = (
    "SELECT m.status, m.number_of_episodes, p.id, p.progress, p.status, "
    "wp.id, wp.last_episode_id, wp.next_episode_id FROM media_items m "
    "LEFT JOIN user_progress p ON p.user_id = ? AND p.media_item_id = m.id "
    "LEFT JOIN watch_positions wp ON wp.user_id = ? AND wp.media_item_id = m.id "
    "WHERE m.id = ?"
)

POSITION_SQL = (
    "INSERT INTO watch_positions (user_id, media_item_id, last_episode_id, next_episode_id) "
    "VALUES (?, ?, ?, ?) ON CONFLICT (user_id, media_item_id) DO UPDATE SET "
    "last_episode_id = excluded.last_episode_id, next_episode_id = excluded.next_episode_id"
)

# Every regular episode of a show (season 0 holds specials, which never count), in
# order, with whether the user ticked it in the current run.
_REGULAR_EPISODES_SQL = (
    "SELECT e.id, s.season_number, e.episode_number, e.name, e.air_date, "
    "EXISTS (SELECT 1 FROM episode_watches w WHERE w.user_id = ? AND w.episode_id = e.id "
    "AND w.deleted_at IS NULL) "
    "FROM seasons s JOIN episodes e ON e.season_id = s.id "
    "WHERE s.media_item_id = ? AND s.season_number > 0 "
    "ORDER BY s.season_number, e.episode_number"
)


def watch_position(episodes: list[ShowEpisode], today: dt.date) -> tuple[int | None, int | None]:
    """(the furthest episode ticked, the next to watch) of a show's regular episodes."""
    last = next((episode.id for episode in reversed(episodes) if episode.watched), None)
    following = next_to_watch(episodes, today)
    return last, following.id if following else None


def save_watch_position(
    user_id: str, show_id: int, today: dt.date | None = None
) -> list[ShowEpisode]:
    """Store the furthest episode watched and the next to watch; return the regular episodes.

    Sync calls it alone for a friend's show: their progress row is theirs to derive.
    """
    episodes = regular_episodes(user_id, show_id)
    if episodes:
        wanted = watch_position(episodes, today or dt.date.today())
        database.execute_sql(POSITION_SQL, (user_id, show_id, *wanted))
    return episodes


def next_to_watch(episodes: list[ShowEpisode], today: dt.date) -> ShowEpisode | None:
    """The episode to watch next, in order of preference.

    The first unticked aired episode after the furthest aired one ticked, else
    the first unticked aired episode anywhere (a gap), else the first unticked
    episode still to air (shown with its date). None means caught up with
    nothing announced. An episode without a date counts as not aired, so
    ticking one never hides aired episodes left unticked.
    """
    aired_ticked = [i for i, e in enumerate(episodes) if e.watched and e.aired(today)]
    start = aired_ticked[-1] + 1 if aired_ticked else 0
    unticked = [(i, episode) for i, episode in enumerate(episodes) if not episode.watched]
    for candidates in (
        [e for i, e in unticked if i >= start and e.aired(today)],
        [e for _, e in unticked if e.aired(today)],
        [e for i, e in unticked if i >= start],
        [e for _, e in unticked],
    ):
        if candidates:
            return candidates[0]
    return None


def _show_status(status: str, watched: int, total: int, tmdb_status: str | None) -> str:
    info = KINDS[Kind.TV]
    if status == "dropped":
        return status
    if watched == total and (tmdb_status in FINISHED_SHOW_STATUSES or tmdb_status is None):
        return info.done_status
    if watched and status == info.plan_status:
        return info.active_status  # the first tick starts the show
    if status == info.done_status:
        return info.active_status  # unticked, or new episodes appeared since
    return status


# --- podcasts -----------------------------------------------------------------


def podcast_episodes(user_id: str, podcast_id: int) -> list[PodcastEpisodeRow]:
    """A podcast's episodes, newest first, with the user's ticks."""
    listened = {
        episode_id
        for (episode_id,) in PodcastListen.select(PodcastListen.episode)
        .join(PodcastEpisode)
        .where(
            (PodcastListen.user == user_id)
            & PodcastListen.deleted_at.is_null()
            & (PodcastEpisode.podcast == podcast_id)
        )
        .tuples()
        .iterator()
    }
    rows = (
        PodcastEpisode.select(
            PodcastEpisode.id,
            PodcastEpisode.guid,
            PodcastEpisode.title,
            PodcastEpisode.published_at,
            PodcastEpisode.duration_seconds,
        )
        .where(PodcastEpisode.podcast == podcast_id)
        .order_by(PodcastEpisode.published_at.desc(nulls="LAST"), PodcastEpisode.id.desc())
        .tuples()
        .iterator()
    )
    return [
        PodcastEpisodeRow(
            episode_id, guid, title, published, seconds, listened=episode_id in listened
        )
        for episode_id, guid, title, published, seconds in rows
    ]


def set_podcast_episodes_listened(
    user_id: str,
    podcast_id: int,
    episode_ids: Iterable[int],
    listened: bool,
    *,
    derive_status: bool = True,
) -> None:
    """Tick (or untick) podcast episodes, then update the listened count and status."""
    ids = list(episode_ids)
    now = utcnow()
    with database.atomic():
        belongs = [
            episode_id
            for (episode_id,) in PodcastEpisode.select(PodcastEpisode.id)
            .where((PodcastEpisode.podcast == podcast_id) & PodcastEpisode.id.in_(ids))
            .tuples()
            .iterator()
        ]
        if listened:
            write_marks(PodcastListen, user_id, [(e, now) for e in belongs], revive=True)
        elif belongs:
            PodcastListen.update(deleted_at=now, updated_at=now).where(
                (PodcastListen.user == user_id)
                & PodcastListen.episode.in_(belongs)
                & PodcastListen.deleted_at.is_null()
            ).execute()
        recompute_podcast(user_id, podcast_id, derive_status=derive_status)


def recompute_podcast(
    user_id: str, podcast_id: int, *, derive_status: bool = True, keep_count: bool = False
) -> None:
    """Make the podcast's listened count equal its ticks.

    With ``keep_count`` (a refresh), a count recorded before the feed's
    episodes were known (a library made by an older mediatrack, or a feed that
    was down when it was added) is kept: its oldest unlistened episodes are
    ticked to match, so the figure the user saw never drops.
    """
    row = UserPodcastProgress.get_or_none(
        (UserPodcastProgress.user == user_id) & (UserPodcastProgress.podcast == podcast_id)
    )
    if row is None:
        return
    episodes = podcast_episodes(user_id, podcast_id)
    count = sum(episode.listened for episode in episodes)
    if keep_count and episodes and row.progress > count:
        missing = [e.id for e in oldest_first(episodes) if not e.listened]
        missing = missing[: row.progress - count]
        if missing:
            set_podcast_episodes_listened(user_id, podcast_id, missing, True, derive_status=False)
            return
    if not episodes:
        return  # no episodes known: the count is the user's own figure
    info = KINDS[Kind.PODCAST]
    status = row.status
    if derive_status and count and status == info.plan_status:
        status = info.active_status
    if (row.progress, row.status) != (count, status):
        row.progress, row.status, row.updated_at = count, status, utcnow()
        row.save()


def oldest_first(episodes: list[PodcastEpisodeRow]) -> list[PodcastEpisodeRow]:
    """``podcast_episodes`` lists newest first; undated episodes count as the oldest."""
    return list(reversed(episodes))


def plan_podcast_progress(
    user_id: str, podcast_id: int, count: int
) -> tuple[list[PodcastEpisodeRow], list[PodcastEpisodeRow]] | None:
    """What makes ``count`` episodes listened: (to tick, oldest first; to untick, newest first).

    None when the podcast has no episodes known (its count is then a plain number).
    """
    episodes = podcast_episodes(user_id, podcast_id)
    if not episodes:
        return None
    listened = [e for e in oldest_first(episodes) if e.listened]
    if count >= len(listened):
        unlistened = [e for e in oldest_first(episodes) if not e.listened]
        return unlistened[: count - len(listened)], []
    return [], list(reversed(listened))[: len(listened) - count]


# --- shows: progress as ticks --------------------------------------------------


def season_progress(user_id: str, show_id: int) -> list[SeasonProgress]:
    """Each season of a show with its ticked and total episode counts."""
    episodes = show_episodes(user_id, show_id)
    seasons = (
        Season.select(Season.season_number, Season.name, Season.air_date)
        .where(Season.media_item == show_id)
        .order_by(Season.season_number)
        .tuples()
        .iterator()
    )
    result = []
    for number, name, air_date in seasons:
        in_season = [episode for episode in episodes if episode.season_number == number]
        watched = sum(episode.watched for episode in in_season)
        result.append(SeasonProgress(number, name, air_date, watched, len(in_season)))
    return result


def regular_episodes(user_id: str, show_id: int) -> list[ShowEpisode]:
    """The episodes that count towards progress: every season but 0 (specials), in order."""
    rows = database.execute_sql(_REGULAR_EPISODES_SQL, (user_id, show_id))
    return [
        ShowEpisode(episode_id, season, number, name, air_date, bool(watched))
        for episode_id, season, number, name, air_date, watched in rows
    ]


def plan_show_progress(
    user_id: str, show_id: int, count: int
) -> tuple[list[ShowEpisode], list[ShowEpisode]] | None:
    """What makes ``count`` regular episodes ticked: (to tick, in order; to untick, last first).

    Raising progress ticks the earliest unticked episodes and never unticks;
    lowering it unticks the latest ticked ones. None when the show has no episodes.
    """
    episodes = regular_episodes(user_id, show_id)
    if not episodes:
        return None
    ticked = [e for e in episodes if e.watched]
    if count >= len(ticked):
        return [e for e in episodes if not e.watched][: count - len(ticked)], []
    return [], list(reversed(ticked))[: len(ticked) - count]


def aired_unticked(user_id: str, show_id: int, today: dt.date) -> list[ShowEpisode]:
    """The regular episodes aired by ``today`` that are not ticked yet."""
    return [e for e in regular_episodes(user_id, show_id) if e.aired(today) and not e.watched]


def untick_everything(user_id: str, key: EntryKey) -> None:
    """Untick every episode of a show or podcast leaving the library (its status stays)."""
    if key.kind is Kind.TV:
        ids = [e.id for e in show_episodes(user_id, key.item_id) if e.watched]
        set_episodes_watched(user_id, key.item_id, ids, False, derive_status=False)
    elif key.kind is Kind.PODCAST:
        ids = [e.id for e in podcast_episodes(user_id, key.item_id) if e.listened]
        set_podcast_episodes_listened(user_id, key.item_id, ids, False, derive_status=False)
