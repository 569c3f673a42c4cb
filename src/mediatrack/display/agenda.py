"""Up Next and the calendar as people read them, for ``mediatrack next``/``calendar`` and the app.

- an Up Next row: title; what is next (``S2E6 · The Name``, a podcast episode's title, a
  book's authors); what is left (``3 left``, ``page 120/412``); when it aired
  (``aired 2026-11-03``, ``today``);
- a calendar day: ``Today · Tue 2026-12-01``, ``Tomorrow · …``, ``Fri 2026-12-04``;
- a calendar row: title, ``S3E1 · The Name``, and ``premiere`` / ``finale`` marks;
- new podcast episodes: ``3 new since 2026-11-20``, and the latest one's title.

Every title here is outside text: made inert.
"""

from __future__ import annotations

import datetime as dt

from mediatrack.agenda import (
    AiringRow,
    NewEpisodesRow,
    NextPodcastRow,
    NextShowRow,
    UpNextItem,
    is_finale,
    is_premiere,
)
from mediatrack.display.dates import air_text, day_text
from mediatrack.display.entries import SEPARATOR
from mediatrack.display.text import TITLE_LIMIT, inert
from mediatrack.records import episode_code

UP_NEXT_HEADER = ("Title", "Next", "Left", "When")
NOTHING_NEXT = "Nothing up next: start a show, a podcast or a book, or wait for new episodes."
NOTHING_AIRING = "Nothing airs in these {days} days among the shows you track."
NAME_LIMIT = 60  # an episode's name beside its code


def kind_mark(item: UpNextItem) -> str:
    """``show``, ``podcast``, ``book``."""
    if isinstance(item, NextShowRow):
        return "show"
    return "podcast" if isinstance(item, NextPodcastRow) else "book"


def up_next_cells(
    item: UpNextItem, today: dt.date, title_limit: int = TITLE_LIMIT, next_limit: int | None = None
) -> tuple[str, str, str, str]:
    """(title, next, left, when), each inert; titles and names cut at the limits (``next_limit``:
    the whole Next cell, its code included; None: names cut at ``NAME_LIMIT``)."""
    title = inert(item.title, limit=title_limit)
    if isinstance(item, NextShowRow):
        code = episode_code(item.season_number, item.episode_number) or ""
        room = NAME_LIMIT if next_limit is None else next_limit - len(code) - len(SEPARATOR)
        name = inert(item.episode_name, limit=max(room, 1))
        return (
            title,
            f"{code}{SEPARATOR}{name}",
            f"{item.left} left",
            air_text(item.air_date, today),
        )
    name_limit = NAME_LIMIT if next_limit is None else next_limit
    if isinstance(item, NextPodcastRow):
        name = inert(item.episode_title, limit=name_limit) or "untitled episode"
        when = day_text(item.published_at, "no date")
        return title, name, f"{item.left} left", when
    authors = inert(", ".join(item.authors), limit=name_limit)
    page = f"page {item.page}/{item.pages}" if item.pages else f"page {item.page}"
    return title, authors, page, ""


def up_next_line(item: UpNextItem, today: dt.date) -> str:
    """One line for a notification: ``Severance: S2E6 · Name (aired 2026-11-03)``."""
    title, what, _left, when = up_next_cells(item, today)
    return f"{title}: {what}" + (f" ({when})" if when else "")


def day_heading(day: dt.date, today: dt.date) -> str:
    """``Today · Tue 2026-12-01``, ``Tomorrow · Wed 2026-12-02``, ``Fri 2026-12-04``."""
    text = f"{day.strftime('%a')} {day.isoformat()}"
    if day == today:
        return f"Today{SEPARATOR}{text}"
    if day == today + dt.timedelta(days=1):
        return f"Tomorrow{SEPARATOR}{text}"
    return text


def marks(row: AiringRow) -> str:
    """``premiere``, ``finale``, both, or empty."""
    found = [
        word for word, yes in (("premiere", is_premiere(row)), ("finale", is_finale(row))) if yes
    ]
    return SEPARATOR.join(found)


def airing_cells(row: AiringRow) -> tuple[str, str, str]:
    """(title, ``S3E1 · The Name``, marks), each inert."""
    code = episode_code(row.season_number, row.episode_number) or ""
    name = inert(row.episode_name, limit=NAME_LIMIT)
    return inert(row.title, limit=TITLE_LIMIT), f"{code}{SEPARATOR}{name}", marks(row)


def new_episodes_cells(row: NewEpisodesRow) -> tuple[str, str, str]:
    """(title, ``3 new since 2026-11-20``, latest: its title and day), each inert."""
    latest = inert(row.latest_title, limit=NAME_LIMIT) or "untitled episode"
    since = f"{row.new} new since {day_text(row.since)}"
    return inert(row.title, limit=TITLE_LIMIT), since, f"{latest} ({day_text(row.latest_at)})"


def range_text(days: int) -> str:
    """``Next 7 days``."""
    return f"Next {days} days"


def nothing_airing(days: int) -> str:
    return NOTHING_AIRING.format(days=days)
