"""Plain, immutable records handed from the store and services to the screens and CLI.

They hold no database handles, so they are safe to pass from a worker
thread to the UI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

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

    @property
    def kind(self) -> Kind:
        return self.key.kind

    @property
    def year(self) -> int | None:
        if self.release_date and self.release_date[:4].isdigit():
            return int(self.release_date[:4])
        return None

    @property
    def search_text(self) -> str:
        """What the filter matches: title, original title, authors or artist."""
        return " ".join(
            part for part in (self.title, self.original_title, self.creator) if part
        ).casefold()


@dataclass(frozen=True, slots=True)
class EntryDetail:
    """Everything the detail pane shows for one entry."""

    entry: LibraryEntry
    overview: str | None
    facts: list[tuple[str, str]] = field(default_factory=list)  # ("Runtime", "139 min")
    added_at: dt.datetime | None = None
