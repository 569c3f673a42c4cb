"""Dates, ages and durations as people read them, one rule each.

- a day is ISO: ``2026-11-03``;
- an age is relative: ``just now``, ``5m ago``, ``3h ago``, ``4d ago``, ``3w ago``,
  ``5mo ago``, ``2y ago``;
- a day ahead is ``today``, ``in 5d`` within 100 days, else ``on 2027-05-01``;
  an air date adds ``aired 2026-11-03`` for a day gone and ``no date`` for none;
- a length of time is a clock: ``45:30``, ``1:02:03``.
"""

from __future__ import annotations

import datetime as dt

NEAR_DAYS = 100  # closer than this, a day ahead reads as "in 5d"


def day_text(moment: dt.date | dt.datetime | None, missing: str = "") -> str:
    """``2026-11-03``; ``missing`` when there is no day."""
    if moment is None:
        return missing
    if isinstance(moment, dt.datetime):
        moment = moment.date()
    return moment.isoformat()


def _parse_day(iso_date: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso_date or "")
    except ValueError:
        return None


def until_text(day: dt.date, today: dt.date) -> str:
    """A day from ``today`` on: ``today``, ``in 5d``, ``on 2027-05-01`` (far off)."""
    days = (day - today).days
    if days <= 0:
        return "today"
    if days < NEAR_DAYS:
        return f"in {days}d"
    return f"on {day.isoformat()}"


def air_text(iso_date: str | None, today: dt.date) -> str:
    """When an episode airs or aired: ``in 5d``, ``today``, ``aired 2026-11-03``, ``no date``."""
    day = _parse_day(iso_date)
    if day is None:
        return "no date"
    if day < today:
        return f"aired {day.isoformat()}"
    return until_text(day, today)


def ago_text(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """How long ago a naive-UTC ``moment`` was: ``just now``, ``5m ago`` ... ``2y ago``."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    seconds = (now - moment).total_seconds()
    days = seconds / 86400
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m ago"
    if days < 1:
        return f"{int(seconds // 3600)}h ago"
    if days < 14:
        return f"{int(days)}d ago"
    if days < 60:
        return f"{int(days // 7)}w ago"
    if days < 365:
        return f"{int(days // 30)}mo ago"
    return f"{int(days // 365)}y ago"


def local_time(moment: dt.datetime) -> str:
    """A stored naive-UTC time as local time, e.g. ``2025-03-04 18:05 CET``."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()


def clock_text(seconds: int) -> str:
    """``45:30`` (minutes:seconds), ``1:02:03`` past an hour."""
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration_text(seconds: int | None) -> str:
    """An episode's length, ``1:02:03``, ``45:30``; empty when unknown."""
    return clock_text(seconds) if seconds else ""
