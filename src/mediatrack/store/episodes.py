"""Per-episode tracking: ticks on show and podcast episodes, and what follows from them.

A show's ``user_progress.progress`` is the number of its regular episodes the
user ticked (season 0 specials never count); its status and its
``watch_positions`` row (furthest episode watched, next to watch) follow from
the ticks. A podcast's ``episodes_listened`` is its count of ticked episodes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from mediatrack.kinds import KINDS, Kind
from mediatrack.records import PodcastEpisodeRow, SeasonProgress, ShowEpisode
from mediatrack.store.models import (
    Episode,
    EpisodeWatch,
    MediaItem,
    PodcastEpisode,
    PodcastListen,
    Season,
    UserPodcastProgress,
    UserProgress,
    WatchPosition,
    database,
    utcnow,
)

FINISHED_SHOW_STATUSES = {"Ended", "Canceled", "Cancelled"}


def show_episodes(user_id: str, show_id: int) -> list[ShowEpisode]:
    """Every episode of a show in order (specials first, as season 0), with the user's ticks."""
    watched = {
        episode_id
        for (episode_id,) in EpisodeWatch.select(EpisodeWatch.episode)
        .join(Episode)
        .join(Season)
        .where(
            (EpisodeWatch.user == user_id)
            & EpisodeWatch.deleted_at.is_null()
            & (Season.media_item == show_id)
        )
        .tuples()
    }
    rows = (
        Episode.select(
            Episode.id, Season.season_number, Episode.episode_number, Episode.name, Episode.air_date
        )
        .join(Season)
        .where(Season.media_item == show_id)
        .order_by(Season.season_number, Episode.episode_number)
        .tuples()
    )
    return [ShowEpisode(*row, watched=row[0] in watched) for row in rows]


def set_episodes_watched(
    user_id: str, show_id: int, episode_ids: Iterable[int], watched: bool
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
        }
        if watched:
            rows = [
                {
                    "user": user_id,
                    "episode": episode_id,
                    "watched_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for episode_id in sorted(belongs)
            ]
            for start in range(0, len(rows), 200):
                EpisodeWatch.insert_many(rows[start : start + 200]).on_conflict(
                    conflict_target=[EpisodeWatch.user, EpisodeWatch.episode],
                    update={
                        EpisodeWatch.deleted_at: None,
                        EpisodeWatch.updated_at: now,
                        EpisodeWatch.watched_at: now,
                    },
                    where=EpisodeWatch.deleted_at.is_null(False),
                ).execute()
        elif belongs:
            EpisodeWatch.update(deleted_at=now, updated_at=now).where(
                (EpisodeWatch.user == user_id)
                & EpisodeWatch.episode.in_(list(belongs))
                & EpisodeWatch.deleted_at.is_null()
            ).execute()
        recompute_show(user_id, show_id)


def recompute_show(user_id: str, show_id: int) -> None:
    """Derive progress, status and the watch position of a show from its ticks."""
    episodes = save_watch_position(user_id, show_id)
    progress_row = UserProgress.get_or_none(
        (UserProgress.user == user_id) & (UserProgress.media_item == show_id)
    )
    if not episodes or progress_row is None:
        return
    count = sum(episode.watched for episode in episodes)
    show = MediaItem.get_by_id(show_id)
    status = _show_status(progress_row.status, count, len(episodes), show.tmdb_status)
    if (progress_row.progress, progress_row.status) != (count, status):
        progress_row.progress, progress_row.status = count, status
        progress_row.updated_at = utcnow()
        progress_row.save()
    if show.number_of_episodes != len(episodes):
        MediaItem.update(number_of_episodes=len(episodes)).where(MediaItem.id == show_id).execute()


def save_watch_position(user_id: str, show_id: int) -> list[ShowEpisode]:
    """Store the furthest episode watched and the next to watch; return the regular episodes.

    Sync calls it alone for a friend's show: their progress row is theirs to derive.
    """
    episodes = regular_episodes(user_id, show_id)
    if not episodes:
        return episodes
    last_index = max((i for i, episode in enumerate(episodes) if episode.watched), default=None)
    after = episodes[last_index + 1 :] if last_index is not None else episodes
    next_episode = next((episode for episode in after if not episode.watched), None)
    WatchPosition.insert(
        user=user_id,
        media_item=show_id,
        last_episode=episodes[last_index].id if last_index is not None else None,
        next_episode=next_episode.id if next_episode else None,
    ).on_conflict(
        conflict_target=[WatchPosition.user, WatchPosition.media_item],
        preserve=[WatchPosition.last_episode, WatchPosition.next_episode],
    ).execute()
    return episodes


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
    )
    return [PodcastEpisodeRow(*row, listened=row[0] in listened) for row in rows]


def set_podcast_episodes_listened(
    user_id: str, podcast_id: int, episode_ids: Iterable[int], listened: bool
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
        ]
        if listened:
            for episode_id in belongs:
                PodcastListen.insert(
                    user=user_id,
                    episode=episode_id,
                    listened_at=now,
                    created_at=now,
                    updated_at=now,
                ).on_conflict(
                    conflict_target=[PodcastListen.user, PodcastListen.episode],
                    update={PodcastListen.deleted_at: None, PodcastListen.updated_at: now},
                    where=PodcastListen.deleted_at.is_null(False),
                ).execute()
        elif belongs:
            PodcastListen.update(deleted_at=now, updated_at=now).where(
                (PodcastListen.user == user_id)
                & PodcastListen.episode.in_(belongs)
                & PodcastListen.deleted_at.is_null()
            ).execute()
        recompute_podcast(user_id, podcast_id)


def recompute_podcast(user_id: str, podcast_id: int) -> None:
    count = (
        PodcastListen.select()
        .join(PodcastEpisode)
        .where(
            (PodcastListen.user == user_id)
            & PodcastListen.deleted_at.is_null()
            & (PodcastEpisode.podcast == podcast_id)
        )
        .count()
    )
    row = UserPodcastProgress.get_or_none(
        (UserPodcastProgress.user == user_id) & (UserPodcastProgress.podcast == podcast_id)
    )
    if row is None:
        return
    info = KINDS[Kind.PODCAST]
    status = info.active_status if count and row.status == info.plan_status else row.status
    if (row.episodes_listened, row.status) != (count, status):
        row.episodes_listened, row.status, row.updated_at = count, status, utcnow()
        row.save()


# --- shows: progress as ticks --------------------------------------------------


def season_progress(user_id: str, show_id: int) -> list[SeasonProgress]:
    """Each season of a show with its ticked and total episode counts."""
    episodes = show_episodes(user_id, show_id)
    seasons = (
        Season.select(Season.season_number, Season.name, Season.air_date)
        .where(Season.media_item == show_id)
        .order_by(Season.season_number)
        .tuples()
    )
    result = []
    for number, name, air_date in seasons:
        in_season = [episode for episode in episodes if episode.season_number == number]
        watched = sum(episode.watched for episode in in_season)
        result.append(SeasonProgress(number, name, air_date, watched, len(in_season)))
    return result


def regular_episodes(user_id: str, show_id: int) -> list[ShowEpisode]:
    """The episodes that count towards progress: every season but 0 (specials), in order."""
    return [episode for episode in show_episodes(user_id, show_id) if episode.season_number > 0]


def step_show(user_id: str, show_id: int, delta: int) -> bool:
    """``+1`` ticks the first unwatched episode, ``-1`` unticks the last watched one.

    Returns False when the show has no episodes (its progress is then a plain count).
    """
    episodes = regular_episodes(user_id, show_id)
    if not episodes:
        return False
    if delta > 0:
        target = next((episode for episode in episodes if not episode.watched), None)
    else:
        target = next((episode for episode in reversed(episodes) if episode.watched), None)
    if target is not None:
        set_episodes_watched(user_id, show_id, [target.id], delta > 0)
    return True


def set_show_progress(user_id: str, show_id: int, count: int) -> bool:
    """Exactly the first ``count`` regular episodes ticked; False when the show has none."""
    episodes = regular_episodes(user_id, show_id)
    if not episodes:
        return False
    with database.atomic():
        set_episodes_watched(user_id, show_id, [e.id for e in episodes[:count]], True)
        set_episodes_watched(user_id, show_id, [e.id for e in episodes[count:]], False)
    return True


def watch_all_aired(user_id: str, show_id: int, today: dt.date) -> bool:
    """Tick every regular episode aired by ``today``; False when the show has no episodes."""
    episodes = regular_episodes(user_id, show_id)
    if not episodes:
        return False
    set_episodes_watched(user_id, show_id, [e.id for e in episodes if e.aired(today)], True)
    return True
