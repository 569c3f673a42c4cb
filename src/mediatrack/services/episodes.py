"""Ticking show and podcast episodes: one, a whole season, or everything up to one.

Progress and status follow from the ticks (see ``store.episodes``); each call
is one transaction and returns the item's updated library entry.
"""

from __future__ import annotations

import datetime as dt
import re

from mediatrack.kinds import Kind
from mediatrack.records import (
    EntryKey,
    LibraryEntry,
    PodcastEpisodeRow,
    SeasonProgress,
    ShowEpisode,
)
from mediatrack.services.library import (
    InvalidValue,
    Library,
    NeedsConfirmation,
    unaired_question,
    untick_question,
)
from mediatrack.store import episodes as store
from mediatrack.store.db import LOCAL_USER_ID, connection, transaction

EPISODE_CODE = re.compile(r"^\s*s(\d{1,3})\s*e(\d{1,4})\s*$", re.IGNORECASE)


def parse_episode_code(text: str) -> tuple[int, int]:
    """``S01E03`` (any case, any zero padding) -> (1, 3)."""
    match = EPISODE_CODE.match(text)
    if not match:
        raise InvalidValue(f"{text!r} is not an episode: write it like S01E03.")
    return int(match.group(1)), int(match.group(2))


class Episodes:
    """One user's episode ticks. Safe to call from any thread."""

    def __init__(self, user_id: str = LOCAL_USER_ID) -> None:
        self.user_id = user_id
        self.library = Library(user_id)

    # --- shows ------------------------------------------------------------------

    def show_episodes(self, key: EntryKey) -> list[ShowEpisode]:
        self._require_kind(key, Kind.TV)
        with connection():
            self.library.entry(key)
            return store.show_episodes(self.user_id, key.item_id)

    def seasons(self, key: EntryKey) -> list[SeasonProgress]:
        """Each season (specials as season 0) with how many of its episodes are ticked."""
        self._require_kind(key, Kind.TV)
        with connection():
            return store.season_progress(self.user_id, key.item_id)

    def find(self, key: EntryKey, code: str) -> ShowEpisode:
        season, number = parse_episode_code(code)
        for episode in self.show_episodes(key):
            if (episode.season_number, episode.episode_number) == (season, number):
                return episode
        raise InvalidValue(f"{key} has no episode S{season:02d}E{number:02d}.")

    def set_watched(
        self, key: EntryKey, episode_ids: list[int], watched: bool, *, confirm: bool = False
    ) -> LibraryEntry:
        """Tick or untick episodes. Asks first (``NeedsConfirmation``) before ticking an
        episode that has not aired or unticking more than one."""
        self._require_kind(key, Kind.TV)
        with transaction():
            entry = self.library.entry(key)
            chosen = [
                e
                for e in store.show_episodes(self.user_id, key.item_id)
                if e.id in set(episode_ids)
            ]
            if not confirm:
                changing = [e for e in chosen if e.watched != watched]
                if watched:
                    not_aired = [e for e in changing if not e.aired(dt.date.today())]
                    if not_aired:
                        raise NeedsConfirmation(unaired_question(not_aired, entry.title))
                elif len(changing) > 1:
                    raise NeedsConfirmation(untick_question(len(changing), entry.title))
            store.set_episodes_watched(self.user_id, key.item_id, episode_ids, watched)
        return self.library.entry(key)

    def set_season_watched(
        self, key: EntryKey, season_number: int, watched: bool, *, confirm: bool = False
    ) -> LibraryEntry:
        ids = [
            episode.id
            for episode in self.show_episodes(key)
            if episode.season_number == season_number
        ]
        if not ids:
            raise InvalidValue(f"{key} has no season {season_number}.")
        return self.set_watched(key, ids, watched, confirm=confirm)

    def watch_through(
        self, key: EntryKey, episode_id: int, *, confirm: bool = False
    ) -> LibraryEntry:
        """Tick an episode and every regular episode before it."""
        episodes = self.show_episodes(key)
        target = next((episode for episode in episodes if episode.id == episode_id), None)
        if target is None:
            raise InvalidValue(f"{key} has no episode with id {episode_id}.")
        order = (target.season_number, target.episode_number)
        ids = [
            episode.id
            for episode in episodes
            if episode.id == episode_id
            or (
                episode.season_number > 0
                and (episode.season_number, episode.episode_number) < order
            )
        ]
        return self.set_watched(key, ids, True, confirm=confirm)

    # --- podcasts -----------------------------------------------------------------

    def podcast_episodes(self, key: EntryKey) -> list[PodcastEpisodeRow]:
        self._require_kind(key, Kind.PODCAST)
        with connection():
            self.library.entry(key)
            return store.podcast_episodes(self.user_id, key.item_id)

    def set_listened(
        self, key: EntryKey, episode_ids: list[int], listened: bool, *, confirm: bool = False
    ) -> LibraryEntry:
        """Tick or untick podcast episodes; unticking more than one asks first."""
        self._require_kind(key, Kind.PODCAST)
        with transaction():
            entry = self.library.entry(key)
            if not listened and not confirm:
                chosen = set(episode_ids)
                changing = [
                    e
                    for e in store.podcast_episodes(self.user_id, key.item_id)
                    if e.id in chosen and e.listened
                ]
                if len(changing) > 1:
                    raise NeedsConfirmation(untick_question(len(changing), entry.title))
            store.set_podcast_episodes_listened(self.user_id, key.item_id, episode_ids, listened)
        return self.library.entry(key)

    @staticmethod
    def _require_kind(key: EntryKey, kind: Kind) -> None:
        if key.kind is not kind:
            if key.kind in (Kind.TV, Kind.PODCAST):
                raise InvalidValue(f"{key} is a {key.kind.value}, not a {kind.value}.")
            raise InvalidValue(
                f"{key} is a {key.kind.value}: only shows and podcasts have episodes."
            )
