"""The figures of one library entry as people read them, one rule each.

- status: ``Plan to watch`` (the CLI prints the key one types, ``plan_to_watch``);
- progress: ``S2E5 · 16/28`` for a show under way, ``120/412`` for a book,
  ``3/5`` for a podcast, ``1/1`` for a movie; a count alone when the total is unknown;
- next episode: ``S2E6 · in 5d``, ``S2E6 · aired 2026-11-03``, ``S2E6 · no date``;
- rating: ``8/10``, empty when not rated;
- a count: ``1 show``, ``3 shows``.
"""

from __future__ import annotations

import datetime as dt

from mediatrack.display.dates import air_text
from mediatrack.display.text import TITLE_LIMIT, inert
from mediatrack.kinds import KINDS, Kind
from mediatrack.records import LibraryEntry

SEPARATOR = " · "


def status_label(status: str) -> str:
    """``plan_to_watch`` -> ``Plan to watch``."""
    return status.replace("_", " ").capitalize()


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 show``, ``3 shows``, ``0 shows``, ``2,500 shows``."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def progress_text(entry: LibraryEntry) -> str:
    """``S2E5 · 16/28`` for a show under way, else ``120/412``; ``42`` when the total is unknown."""
    count = str(entry.progress) if entry.total is None else f"{entry.progress}/{entry.total}"
    if entry.kind is Kind.TV and entry.last_episode:
        return f"{entry.last_episode}{SEPARATOR}{count}"
    return count


def progress_words(entry: LibraryEntry) -> str:
    """The progress with its unit, for a sentence or a detail pane: ``S2E5 · 16/28 episodes``."""
    unit = KINDS[entry.kind].unit
    plural = entry.progress != 1 if entry.total is None else entry.total != 1
    return f"{progress_text(entry)} {unit + 's' if plural else unit}"


def next_text(entry: LibraryEntry, today: dt.date) -> str:
    """The next episode to watch and when it airs: ``S2E6 · in 5d``; empty when none."""
    if not entry.next_episode:
        return ""
    return f"{entry.next_episode}{SEPARATOR}{air_text(entry.next_air_date, today)}"


def under_way_text(entry: LibraryEntry) -> str:
    """``Dune (reading, 42/600)``: one item a friend is on, in a line about them."""
    title = inert(entry.title, limit=TITLE_LIMIT)
    return f"{title} ({status_label(entry.status).lower()}, {progress_text(entry)})"


def rating_text(rating: int | None, missing: str = "") -> str:
    """``8/10``; ``missing`` when not rated."""
    return f"{rating}/10" if rating else missing


def describe(entry: LibraryEntry) -> str:
    """One line after a change: ``watching, progress S1E3 · 3/80, rated 8/10``."""
    rating = f", rated {rating_text(entry.rating)}" if entry.rating else ""
    return f"{entry.status}, progress {progress_text(entry)}{rating}"
