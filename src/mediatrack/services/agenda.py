"""Up Next and the calendar: what to watch next, what airs soon, and keeping it current.

Reads are the store's (``store.agenda``); ticks go through the episode and
library services, so a tick from Up Next is the very tick of the Shows
screen; the background refresh is the catalog service's ``refresh``, which
never changes what the user recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from mediatrack.agenda import (
    CALENDAR_RANGES,
    Calendar,
    CalendarDay,
    NextPodcastRow,
    NextShowRow,
    UpNextItem,
)
from mediatrack.errors import MediatrackError
from mediatrack.folding import fold
from mediatrack.records import EntryKey, LibraryEntry
from mediatrack.services.catalog import CatalogService, RefreshReport
from mediatrack.services.episodes import Episodes
from mediatrack.services.library import InvalidValue, Library
from mediatrack.store import agenda as store
from mediatrack.store.db import LOCAL_USER_ID, connection

MAX_DAYS = 366
REFRESH_EVERY = dt.timedelta(days=1)  # a show is fetched again at most this often
REFRESH_AT_ONCE = 40  # shows per background refresh: TMDB's limiter paces them anyway


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def check_days(days: int) -> int:
    if not 1 <= days <= MAX_DAYS:
        raise InvalidValue(f"The calendar spans 1 to {MAX_DAYS} days, not {days}.")
    return days


def up_next_search_text(item: UpNextItem) -> str:
    """What ``/`` matches in Up Next: the title, and the episode's name or the authors."""
    if isinstance(item, NextShowRow):
        extra = item.episode_name
    elif isinstance(item, NextPodcastRow):
        extra = item.episode_title or ""
    else:
        extra = " ".join(item.authors)
    return fold(f"{item.title} {extra}")


def filter_up_next(items: list[UpNextItem], text: str) -> list[UpNextItem]:
    needle = fold(text.strip())
    if not needle:
        return items
    return [item for item in items if needle in up_next_search_text(item)]


class Agenda:
    """One user's Up Next and calendar. Safe to call from worker threads."""

    def __init__(self, catalog: CatalogService | None = None, user_id: str = LOCAL_USER_ID) -> None:
        self.user_id = user_id
        self._catalog = catalog
        self.library = Library(user_id)
        self.episodes = Episodes(user_id)

    # --- Up Next ----------------------------------------------------------------

    def up_next(self, today: dt.date | None = None) -> list[UpNextItem]:
        """Shows, podcasts and books under way, what each has next; most recent first."""
        today = today or dt.date.today()
        with connection():
            items: list[UpNextItem] = [
                *store.next_shows(self.user_id, today),
                *store.next_podcasts(self.user_id),
                *store.reading(self.user_id),
            ]
        items.sort(key=lambda item: item.title.casefold())
        items.sort(key=lambda item: item.last_activity, reverse=True)
        return items

    def tick(self, item: UpNextItem, *, confirm: bool = False) -> LibraryEntry:
        """Tick the episode shown (a book moves on one page); may ask (``NeedsConfirmation``)."""
        if isinstance(item, NextShowRow):
            return self.episodes.set_watched(item.key, [item.episode_id], True, confirm=confirm)
        if isinstance(item, NextPodcastRow):
            return self.episodes.set_listened(item.key, [item.episode_id], True, confirm=confirm)
        return self.library.step_progress(item.key, 1, confirm=confirm)

    # --- calendar ---------------------------------------------------------------

    def calendar(self, days: int = CALENDAR_RANGES[0], today: dt.date | None = None) -> Calendar:
        """Episodes of every tracked show airing in the next ``days`` days (today included),
        by day; podcast episodes new since the latest listen. Reads only what is stored."""
        first = today or dt.date.today()
        last = first + dt.timedelta(days=check_days(days) - 1)
        with connection():
            rows = store.airing(self.user_id, first, last)
            podcasts = store.new_podcast_episodes(self.user_id)
        by_day: dict[str, list] = {}
        for row in rows:
            by_day.setdefault(row.air_date[:10], []).append(row)
        calendar_days = [
            CalendarDay(dt.date.fromisoformat(day), episodes) for day, episodes in by_day.items()
        ]
        podcasts.sort(key=lambda row: row.latest_at or dt.datetime.min, reverse=True)
        return Calendar(first, last, calendar_days, podcasts)

    # --- keeping it current -------------------------------------------------------

    def shows_due(
        self, today: dt.date | None = None, now: dt.datetime | None = None
    ) -> list[EntryKey]:
        """Shows whose stored next air date has passed, not fetched in the last day."""
        now = now or utc_now()
        with connection():
            return store.shows_due(self.user_id, today or dt.date.today(), now - REFRESH_EVERY)

    def refresh_due(
        self,
        *,
        limit: int = REFRESH_AT_ONCE,
        skip: set[EntryKey] | None = None,
        on_refreshed: Callable[[LibraryEntry], None] | None = None,
    ) -> RefreshReport:
        """Refresh (through the catalog service and its limiter) the shows due; each fetch
        marks its show as fetched, so a show is due again a day later at the soonest.
        ``skip``: keys tried already this run (a failure is not retried before next start)."""
        report = RefreshReport()
        if self._catalog is None:
            return report
        skip = skip if skip is not None else set()
        for key in [key for key in self.shows_due() if key not in skip][:limit]:
            skip.add(key)
            try:
                entry = self._catalog.refresh(key)
            except MediatrackError as error:  # offline, no token, a limit: try again next start
                report.failed.append((self.library.entry(key), str(error)))
                break
            report.refreshed.append(entry)
            if on_refreshed is not None:
                on_refreshed(entry)
        return report
