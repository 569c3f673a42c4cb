"""Stats: what one user finished, watched, read, listened to and rated, over a period.

The figures are SQL aggregates (``store/stats.py`` says which date counts for
what); this service picks the period and opens the connection.
"""

from __future__ import annotations

import datetime as dt

from mediatrack.errors import MediatrackError
from mediatrack.figures import Period, Stats
from mediatrack.store import stats as stat_rows
from mediatrack.store.db import LOCAL_USER_ID, connection

FIRST_YEAR = 1900


class StatsError(MediatrackError):
    """A period the stats cannot be about; the message is one sentence."""


def period_for(year: int | None, today: dt.date) -> Period:
    """A calendar year, or (None) the last twelve months up to this one."""
    if year is None:
        return Period.last_twelve_months(today)
    if not FIRST_YEAR <= year <= today.year:
        raise StatsError(f"{year} is not a year to look back on: use {FIRST_YEAR} to {today.year}.")
    return Period.calendar_year(year)


class StatsService:
    """One user's stats. Safe to call from worker threads."""

    def __init__(self, user_id: str = LOCAL_USER_ID) -> None:
        self.user_id = user_id

    def stats(self, year: int | None = None, today: dt.date | None = None) -> Stats:
        """The figures of a calendar year, or (None) of the last twelve months."""
        period = period_for(year, today or dt.date.today())
        with connection():
            return stat_rows.stats(self.user_id, period)
