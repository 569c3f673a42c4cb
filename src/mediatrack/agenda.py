"""What Up Next and the calendar show: plain records, shared by the store, the services,
``display`` (CLI and app alike) and the screens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mediatrack.records import EntryKey

CALENDAR_RANGES = (7, 30, 90)  # the calendar's spans in days, today included; the app cycles them


@dataclass(frozen=True, slots=True)
class NextShowRow:
    key: EntryKey
    title: str
    episode_id: int
    season_number: int
    episode_number: int
    episode_name: str
    air_date: str
    left: int  # aired regular episodes not ticked, this one included
    last_activity: dt.datetime  # the latest tick, else the progress row's last change


@dataclass(frozen=True, slots=True)
class NextPodcastRow:
    key: EntryKey
    title: str
    episode_id: int
    episode_title: str | None
    published_at: dt.datetime | None
    left: int  # episodes not listened
    last_activity: dt.datetime


@dataclass(frozen=True, slots=True)
class ReadingRow:
    key: EntryKey
    title: str
    authors: list[str]
    page: int
    pages: int | None
    last_activity: dt.datetime


@dataclass(frozen=True, slots=True)
class AiringRow:
    key: EntryKey
    title: str
    status: str
    episode_tmdb_id: int
    season_number: int
    episode_number: int
    episode_name: str
    air_date: str
    season_episode_count: int | None


@dataclass(frozen=True, slots=True)
class NewEpisodesRow:
    key: EntryKey
    title: str
    new: int
    latest_title: str | None
    latest_at: dt.datetime | None
    since: dt.datetime


UpNextItem = NextShowRow | NextPodcastRow | ReadingRow


@dataclass(frozen=True, slots=True)
class CalendarDay:
    day: dt.date
    episodes: list[AiringRow]


@dataclass(frozen=True, slots=True)
class Calendar:
    """Episodes airing from ``first`` to ``last`` (both included), by day; new podcast episodes."""

    first: dt.date
    last: dt.date
    days: list[CalendarDay] = field(default_factory=list)
    podcasts: list[NewEpisodesRow] = field(default_factory=list)

    @property
    def span(self) -> int:
        return (self.last - self.first).days + 1


def is_premiere(row: AiringRow) -> bool:
    """The first episode of a regular season."""
    return row.season_number > 0 and row.episode_number == 1


def is_finale(row: AiringRow) -> bool:
    """The last episode of a regular season whose episode count is known."""
    count = row.season_episode_count
    return row.season_number > 0 and count is not None and row.episode_number == count
