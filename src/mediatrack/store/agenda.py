"""Reads for Up Next and the calendar: what to watch next, what airs soon, what is new.

Up Next reads a show's next episode from ``watch_positions`` (kept by
``store.episodes``: the one rule of what comes next), so the Shows screen, the
Up Next list and ``mediatrack next`` always agree. Everything here is a few
grouped queries over the whole library, never one query per item.
"""

from __future__ import annotations

import datetime as dt

from peewee import fn

from mediatrack.agenda import (
    AiringRow,
    NewEpisodesRow,
    NextPodcastRow,
    NextShowRow,
    ReadingRow,
)
from mediatrack.kinds import KINDS, Kind
from mediatrack.records import EntryKey
from mediatrack.store.models import (
    Book,
    Episode,
    EpisodeWatch,
    MediaItem,
    Podcast,
    PodcastEpisode,
    PodcastListen,
    Season,
    UserBookProgress,
    UserPodcastProgress,
    UserProgress,
    WatchPosition,
)


def _latest_ticks(user_id: str) -> dict[int, dt.datetime]:
    """Each show's latest tick (not undone)."""
    rows = (
        EpisodeWatch.select(Season.media_item, fn.MAX(EpisodeWatch.watched_at))
        .join(Episode)
        .join(Season)
        .where((EpisodeWatch.user == user_id) & EpisodeWatch.deleted_at.is_null())
        .group_by(Season.media_item)
        .tuples()
        .iterator()
    )
    return {show_id: _stamp(latest) for show_id, latest in rows}


def _aired_left(user_id: str, show_ids: list[int], today: dt.date) -> dict[int, int]:
    """Per show: regular episodes aired by ``today`` that are not ticked."""
    if not show_ids:
        return {}
    ticked = EpisodeWatch.select(EpisodeWatch.episode).where(
        (EpisodeWatch.user == user_id) & EpisodeWatch.deleted_at.is_null()
    )
    rows = (
        Episode.select(Season.media_item, fn.COUNT(Episode.id))
        .join(Season)
        .where(
            Season.media_item.in_(show_ids)
            & (Season.season_number > 0)
            & Episode.air_date.is_null(False)
            & (Episode.air_date <= today.isoformat())
            & Episode.id.not_in(ticked)
        )
        .group_by(Season.media_item)
        .tuples()
        .iterator()
    )
    return dict(rows)


def next_shows(user_id: str, today: dt.date) -> list[NextShowRow]:
    """Shows being watched whose next episode has aired, with how many aired are left."""
    rows = list(
        UserProgress.select(
            MediaItem.id,
            MediaItem.title,
            UserProgress.updated_at,
            Episode.id,
            Season.season_number,
            Episode.episode_number,
            Episode.name,
            Episode.air_date,
        )
        .join(MediaItem, on=(UserProgress.media_item == MediaItem.id))
        .join_from(
            UserProgress,
            WatchPosition,
            on=(
                (WatchPosition.user == UserProgress.user)
                & (WatchPosition.media_item == UserProgress.media_item)
            ),
        )
        .join_from(WatchPosition, Episode, on=(WatchPosition.next_episode == Episode.id))
        .join_from(Episode, Season)
        .where(
            (UserProgress.user == user_id)
            & UserProgress.deleted_at.is_null()
            & (UserProgress.status == KINDS[Kind.TV].active_status)
            & (MediaItem.type == Kind.TV.value)
            & Episode.air_date.is_null(False)
            & (Episode.air_date <= today.isoformat())
        )
        .tuples()
        .iterator()
    )
    latest = _latest_ticks(user_id)
    left = _aired_left(user_id, [row[0] for row in rows], today)
    return [
        NextShowRow(
            key=EntryKey(Kind.TV, show_id),
            title=title,
            episode_id=episode_id,
            season_number=season,
            episode_number=number,
            episode_name=name,
            air_date=air_date,
            left=max(left.get(show_id, 0), 1),
            last_activity=max(latest.get(show_id, _stamp(updated)), _stamp(updated)),
        )
        for show_id, title, updated, episode_id, season, number, name, air_date in rows
    ]


def next_podcasts(user_id: str) -> list[NextPodcastRow]:
    """Podcasts being listened to, each with its oldest unlistened episode (what ``+`` ticks)."""
    listened = PodcastListen.select(PodcastListen.episode).where(
        (PodcastListen.user == user_id) & PodcastListen.deleted_at.is_null()
    )
    progress = list(
        UserPodcastProgress.select(
            Podcast.id, Podcast.collection_name, UserPodcastProgress.updated_at
        )
        .join(Podcast, on=(UserPodcastProgress.podcast == Podcast.id))
        .where(
            (UserPodcastProgress.user == user_id)
            & UserPodcastProgress.deleted_at.is_null()
            & (UserPodcastProgress.status == KINDS[Kind.PODCAST].active_status)
        )
        .tuples()
        .iterator()
    )
    if not progress:
        return []
    ids = [row[0] for row in progress]
    unlistened: dict[int, list[tuple]] = {}
    rows = (
        PodcastEpisode.select(
            PodcastEpisode.podcast,
            PodcastEpisode.id,
            PodcastEpisode.title,
            PodcastEpisode.published_at,
        )
        .where(PodcastEpisode.podcast.in_(ids) & PodcastEpisode.id.not_in(listened))
        # oldest first, undated first: the reverse of the newest-first order episodes list in
        .order_by(PodcastEpisode.published_at.asc(nulls="FIRST"), PodcastEpisode.id.asc())
        .tuples()
        .iterator()
    )
    for podcast_id, episode_id, title, published in rows:
        unlistened.setdefault(podcast_id, []).append((episode_id, title, published))
    last_listen = dict(
        PodcastListen.select(PodcastEpisode.podcast, fn.MAX(PodcastListen.listened_at))
        .join(PodcastEpisode)
        .where(
            (PodcastListen.user == user_id)
            & PodcastListen.deleted_at.is_null()
            & PodcastEpisode.podcast.in_(ids)
        )
        .group_by(PodcastEpisode.podcast)
        .tuples()
        .iterator()
    )
    result = []
    for podcast_id, title, updated in progress:
        left = unlistened.get(podcast_id)
        if not left:
            continue
        episode_id, episode_title, published = left[0]
        heard = last_listen.get(podcast_id)
        result.append(
            NextPodcastRow(
                key=EntryKey(Kind.PODCAST, podcast_id),
                title=title,
                episode_id=episode_id,
                episode_title=episode_title,
                published_at=_stamp(published) if published else None,
                left=len(left),
                last_activity=max(_stamp(heard), _stamp(updated)) if heard else _stamp(updated),
            )
        )
    return result


def reading(user_id: str) -> list[ReadingRow]:
    """The books being read, with their page."""
    rows = (
        UserBookProgress.select(
            Book.id,
            Book.title,
            Book.authors,
            UserBookProgress.progress,
            Book.page_count,
            UserBookProgress.updated_at,
        )
        .join(Book, on=(UserBookProgress.book == Book.id))
        .where(
            (UserBookProgress.user == user_id)
            & UserBookProgress.deleted_at.is_null()
            & (UserBookProgress.status == KINDS[Kind.BOOK].active_status)
        )
        .tuples()
        .iterator()
    )
    return [
        ReadingRow(EntryKey(Kind.BOOK, book_id), title, authors or [], page, pages, _stamp(upd))
        for book_id, title, authors, page, pages, upd in rows
    ]


def airing(user_id: str, first: dt.date, last: dt.date) -> list[AiringRow]:
    """Episodes of every tracked show (any status) airing from ``first`` to ``last``."""
    rows = (
        Episode.select(
            MediaItem.id,
            MediaItem.title,
            UserProgress.status,
            Episode.tmdb_id,
            Season.season_number,
            Episode.episode_number,
            Episode.name,
            Episode.air_date,
            Season.episode_count,
        )
        .join(Season)
        .join(MediaItem)
        .join(UserProgress, on=(UserProgress.media_item == MediaItem.id))
        .where(
            (UserProgress.user == user_id)
            & UserProgress.deleted_at.is_null()
            & (MediaItem.type == Kind.TV.value)
            & Episode.air_date.is_null(False)
            & (Episode.air_date >= first.isoformat())
            & (Episode.air_date <= last.isoformat())
        )
        .order_by(Episode.air_date, MediaItem.title, Season.season_number, Episode.episode_number)
        .tuples()
        .iterator()
    )
    return [AiringRow(EntryKey(Kind.TV, row[0]), *row[1:]) for row in rows]


def new_podcast_episodes(user_id: str) -> list[NewEpisodesRow]:
    """Per tracked podcast: unlistened episodes published since the latest listen (else since
    it was added)."""
    listened = PodcastListen.select(PodcastListen.episode).where(
        (PodcastListen.user == user_id) & PodcastListen.deleted_at.is_null()
    )
    last_listen = dict(
        PodcastListen.select(PodcastEpisode.podcast, fn.MAX(PodcastListen.listened_at))
        .join(PodcastEpisode)
        .where((PodcastListen.user == user_id) & PodcastListen.deleted_at.is_null())
        .group_by(PodcastEpisode.podcast)
        .tuples()
        .iterator()
    )
    tracked = (
        UserPodcastProgress.select(
            Podcast.id, Podcast.collection_name, UserPodcastProgress.created_at
        )
        .join(Podcast, on=(UserPodcastProgress.podcast == Podcast.id))
        .where((UserPodcastProgress.user == user_id) & UserPodcastProgress.deleted_at.is_null())
        .tuples()
        .iterator()
    )
    since = {
        podcast_id: (title, _stamp(last_listen.get(podcast_id) or added))
        for podcast_id, title, added in tracked
    }
    if not since:
        return []
    new: dict[int, list[tuple[str | None, dt.datetime]]] = {}
    rows = (
        PodcastEpisode.select(
            PodcastEpisode.podcast, PodcastEpisode.title, PodcastEpisode.published_at
        )
        .where(
            PodcastEpisode.podcast.in_(list(since))
            & PodcastEpisode.published_at.is_null(False)
            & PodcastEpisode.id.not_in(listened)
        )
        .order_by(PodcastEpisode.published_at.desc())
        .tuples()
        .iterator()
    )
    for podcast_id, episode_title, published in rows:
        if _stamp(published) > since[podcast_id][1]:
            new.setdefault(podcast_id, []).append((episode_title, _stamp(published)))
    return [
        NewEpisodesRow(
            EntryKey(Kind.PODCAST, podcast_id),
            since[podcast_id][0],
            len(episodes),
            episodes[0][0],
            episodes[0][1],
            since[podcast_id][1],
        )
        for podcast_id, episodes in new.items()
    ]


def shows_due(user_id: str, today: dt.date, fetched_before: dt.datetime) -> list[EntryKey]:
    """Tracked catalog shows an episode of which has aired since their metadata was last
    fetched (``media_items.updated_at``, written by every fetch), and not fetched since
    ``fetched_before``: their stored next air date has passed."""
    fetched_day = fn.date(MediaItem.updated_at)
    rows = (
        MediaItem.select(MediaItem.id)
        .join(UserProgress, on=(UserProgress.media_item == MediaItem.id))
        .where(
            (UserProgress.user == user_id)
            & UserProgress.deleted_at.is_null()
            & (MediaItem.type == Kind.TV.value)
            & (MediaItem.tmdb_id > 0)
            & (MediaItem.updated_at < fetched_before)
            & fn.EXISTS(
                Episode.select(Episode.id)
                .join(Season)
                .where(
                    (Season.media_item == MediaItem.id)
                    & (Episode.air_date > fetched_day)
                    & (Episode.air_date <= today.isoformat())
                )
            )
        )
        .order_by(MediaItem.updated_at)
        .tuples()
        .iterator()
    )
    return [EntryKey(Kind.TV, show_id) for (show_id,) in rows]


def _stamp(value: dt.datetime | str | None) -> dt.datetime:
    """A stored time as a naive UTC datetime (SQLite aggregates hand back text)."""
    if value is None:
        return dt.datetime.min
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))
