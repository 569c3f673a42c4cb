"""Plain records of the stats figures, handed from the store to the services, CLI and screens.

They hold no database handles; ``display/stats.py`` formats them for people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mediatrack.kinds import Kind


@dataclass(frozen=True, slots=True)
class Period:
    """Days from ``start`` (included) to ``end`` (excluded); ``year`` when a calendar year."""

    start: dt.date
    end: dt.date
    year: int | None = None

    @property
    def months(self) -> list[str]:
        """Every month of the period, oldest first: ``["2025-04", ..., "2026-03"]``."""
        months: list[str] = []
        day = self.start.replace(day=1)
        while day < self.end:
            months.append(f"{day.year:04d}-{day.month:02d}")
            day = (day + dt.timedelta(days=32)).replace(day=1)
        return months

    @classmethod
    def last_twelve_months(cls, today: dt.date) -> Period:
        """This month and the eleven before it."""
        first = today.replace(day=1)
        start = first
        for _ in range(11):
            start = (start - dt.timedelta(days=1)).replace(day=1)
        return cls(start, (first + dt.timedelta(days=32)).replace(day=1))

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), year)


@dataclass(frozen=True, slots=True)
class Consumption:
    """How much was watched, read and listened to in a period."""

    minutes_watched: int = 0  # ticked episodes' runtimes + finished movies' runtimes
    runtime_unknown: int = 0  # ticked episodes and finished movies with no known runtime
    pages_read: int = 0  # pages of the books finished
    pages_unknown: int = 0  # books finished with neither a page count nor a page recorded
    episodes_listened: int = 0  # podcast episodes ticked


@dataclass(frozen=True, slots=True)
class Ranked:
    """A genre or an author, and how many finished items carry it."""

    name: str
    count: int


@dataclass(frozen=True, slots=True)
class Standout:
    """A finished item and the rating it got."""

    kind: Kind
    title: str
    rating: int


@dataclass(frozen=True, slots=True)
class Stats:
    """Every figure of the Stats screen and of ``mediatrack stats``, for one period."""

    period: Period
    completed: dict[Kind, list[int]]  # per kind, one count per month of ``period.months``
    consumption: Consumption
    ratings: dict[Kind, list[int]]  # per kind, how many ratings of 1..10 (index 0 is 1)
    genres: list[Ranked]
    authors: list[Ranked]
    best: list[Standout] = field(default_factory=list)  # the highest rated finished items

    @property
    def total_completed(self) -> int:
        return sum(sum(counts) for counts in self.completed.values())

    def completed_of(self, kind: Kind) -> int:
        return sum(self.completed.get(kind, []))

    @property
    def rated(self) -> int:
        return sum(sum(counts) for counts in self.ratings.values())

    @property
    def average_rating(self) -> float | None:
        given = self.rated
        if not given:
            return None
        total = sum(
            (score + 1) * count
            for counts in self.ratings.values()
            for score, count in enumerate(counts)
        )
        return total / given

    @property
    def busiest_month(self) -> tuple[str, int] | None:
        """The month with the most items finished (the earliest on a tie); None if none."""
        months = self.period.months
        totals = [
            sum(self.completed[kind][index] for kind in self.completed)
            for index in range(len(months))
        ]
        if not totals or max(totals) == 0:
            return None
        best = max(range(len(months)), key=lambda index: (totals[index], -index))
        return months[best], totals[best]


@dataclass(frozen=True, slots=True)
class ComparedItem:
    """One item both you and a friend rated."""

    kind: Kind
    title: str
    mine: int
    theirs: int

    @property
    def difference(self) -> int:
        return self.mine - self.theirs


@dataclass(frozen=True, slots=True)
class Comparison:
    """You and a friend: what you both rated and how far apart you are."""

    items: list[ComparedItem]  # closest agreement first
    average_gap: float | None  # mean of |yours - theirs|; None when nothing in common
    average_difference: float | None  # mean of yours - theirs: > 0 when you rate higher
    disagreements: list[ComparedItem]  # the widest gaps first (gap > 0 only)


@dataclass(frozen=True, slots=True)
class Activity:
    """Something a friend did: finished, started or rated an item."""

    friend_name: str
    friend_email: str
    verb: str  # "finished", "started", "rated"
    kind: Kind
    item_id: int
    title: str
    rating: int | None
    at: dt.datetime  # naive UTC: when the row last changed, as sync brought it
