"""Plain, immutable records handed from the store and services to the screens and CLI.

They hold no database handles, so they are safe to pass from a worker
thread to the UI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mediatrack.folding import fold
from mediatrack.kinds import Kind


@dataclass(frozen=True, slots=True)
class EntryKey:
    """Names one library item across kinds: ``tv:12``, ``book:3``."""

    kind: Kind
    item_id: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.item_id}"

    @classmethod
    def parse(cls, text: str) -> EntryKey:
        kind, _, number = text.strip().partition(":")
        try:
            return cls(Kind(kind.lower()), int(number))
        except ValueError:
            raise ValueError(
                f"{text!r} is not an item id: use the id that `mediatrack list` shows, like tv:12."
            ) from None


def episode_code(season: int | None, episode: int | None) -> str | None:
    """``S2E5``; None when either number is unknown."""
    if season is None or episode is None:
        return None
    return f"S{season}E{episode}"


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """One row of a library table."""

    key: EntryKey
    title: str
    original_title: str | None
    creator: str | None  # authors of a book, artist of a podcast
    release_date: str | None  # ISO date (or year) of release / first air / publication
    status: str
    progress: int
    total: int | None  # known number of episodes / pages; None when unknown
    rating: int | None
    updated_at: dt.datetime
    catalog_id: str  # TMDB id, Google Books id or iTunes id, as text
    last_episode: str | None = None  # shows: the furthest episode watched, "S2E5"
    next_episode: str | None = None  # shows: the next one to watch
    next_air_date: str | None = None  # ISO date the next episode airs (or aired)

    @property
    def kind(self) -> Kind:
        return self.key.kind

    @property
    def hand_made(self) -> bool:
        """Added by hand: no catalog knows it (see DESIGN.md for how such ids look)."""
        return self.catalog_id.startswith(("local:", "-"))

    @property
    def year(self) -> int | None:
        if self.release_date and self.release_date[:4].isdigit():
            return int(self.release_date[:4])
        return None

    @property
    def search_text(self) -> str:
        """What the filter matches: title, original title, authors or artist, folded."""
        return fold(
            " ".join(part for part in (self.title, self.original_title, self.creator) if part)
        )


@dataclass(frozen=True, slots=True)
class FirstPage:
    """The first rows of one kind in title order, read before the rest of the library,
    with the number of items in each status and in all."""

    entries: list[LibraryEntry]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class EntryDetail:
    """Everything the detail pane shows for one entry."""

    entry: LibraryEntry
    overview: str | None
    facts: list[tuple[str, str]] = field(default_factory=list)  # ("Runtime", "139 min")
    added_at: dt.datetime | None = None
    note: ItemNote | None = None
    runs: int = 0  # runs finished: earlier ones, and the current one once done
    friend_notes: tuple[FriendNote, ...] = ()  # friends' shared notes on it, newest first


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One dated thing the user did: watched an episode, heard one, finished an item."""

    at: dt.datetime  # naive UTC; midnight for a finish date known only by its day
    key: EntryKey
    title: str
    event: str  # "watched", "listened", "finished"
    season: int | None = None
    episode: int | None = None
    detail: str | None = None  # the episode's name or title
    run: int = 0  # which run of a show a tick belongs to; 0: the current one


@dataclass(frozen=True, slots=True)
class ItemNote:
    """A user's note on an item; friends see it only when ``shared``."""

    text: str
    shared: bool = False


@dataclass(frozen=True, slots=True)
class FriendNote:
    """A note an accepted friend shared on an item, as the last sync left it."""

    key: EntryKey
    friend_name: str  # their display name (their email when they left it blank): outside text
    text: str  # outside text
    updated_at: dt.datetime  # naive UTC


@dataclass(frozen=True, slots=True)
class ShowEpisode:
    """One episode of a show, with the user's tick."""

    id: int
    season_number: int  # 0: specials, which never count towards progress
    episode_number: int
    name: str | None
    air_date: str | None  # ISO date
    watched: bool

    @property
    def code(self) -> str:
        return f"S{self.season_number:02d}E{self.episode_number:02d}"

    def aired(self, today: dt.date) -> bool:
        return self.air_date is not None and self.air_date <= today.isoformat()


@dataclass(frozen=True, slots=True)
class SeasonProgress:
    season_number: int
    name: str | None
    air_date: str | None
    watched: int
    total: int


@dataclass(frozen=True, slots=True)
class PodcastEpisodeRow:
    """One podcast episode from its feed, with the user's tick."""

    id: int
    guid: str
    title: str | None
    published_at: dt.datetime | None
    duration_seconds: int | None
    listened: bool
