"""The stats figures as people read them, for the CLI and the Stats screen alike.

- hours: ``41 h 20 min``, ``45 min``, ``0 min``;
- a month: ``Mar 2026`` (in a chart's axis: ``Mar``);
- a period: ``Last 12 months (Jan 2026 to Dec 2026)`` or ``2026``;
- each table is a header row and rows of text, so the CLI prints them as
  columns and the screen fills a DataTable with them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mediatrack.display.entries import counted, rating_text
from mediatrack.display.text import NAME_LIMIT, TITLE_LIMIT, inert
from mediatrack.figures import Activity, Comparison, Consumption, Period, Ranked, Stats
from mediatrack.kinds import KINDS, Kind

Table = tuple[list[str], list[list[str]]]


def hours_text(minutes: int) -> str:
    """``41 h 20 min``; ``45 min`` under an hour."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours:,} h {rest} min" if rest else f"{hours:,} h"


def month_text(month: str, short: bool = False) -> str:
    """``2026-03`` -> ``Mar 2026`` (``Mar`` when short)."""
    day = dt.date(int(month[:4]), int(month[5:7]), 1)
    return day.strftime("%b") if short else day.strftime("%b %Y")


def period_text(period: Period) -> str:
    if period.year is not None:
        return str(period.year)
    months = period.months
    return f"Last 12 months ({month_text(months[0])} to {month_text(months[-1])})"


def consumption_lines(consumption: Consumption) -> list[str]:
    """Watched, read, listened: one line each, saying what could not be counted."""
    watched = f"Watched: {hours_text(consumption.minutes_watched)}"
    if consumption.runtime_unknown:
        watched += f" (runtime unknown for {consumption.runtime_unknown})"
    read = f"Read: {counted(consumption.pages_read, 'page')}"
    if consumption.pages_unknown:
        read += f" (page count unknown for {counted(consumption.pages_unknown, 'book')})"
    listened = f"Listened: {counted(consumption.episodes_listened, 'episode')}"
    return [watched, read, listened]


def completed_table(stats: Stats) -> Table:
    """One row per month: how many shows, movies, books, podcasts were finished."""
    header = ["Month", *(KINDS[kind].label for kind in Kind), "Total"]
    rows = []
    for index, month in enumerate(stats.period.months):
        counts = [stats.completed[kind][index] for kind in Kind]
        rows.append([month_text(month), *map(str, counts), str(sum(counts))])
    totals = [stats.completed_of(kind) for kind in Kind]
    rows.append(["Total", *map(str, totals), str(sum(totals))])
    return header, rows


def ratings_table(stats: Stats) -> Table:
    """One row per rating, 10 down to 1: how many of each kind got it."""
    header = ["Rating", *(KINDS[kind].label for kind in Kind)]
    if not stats.rated:
        return header, []
    rows = [
        [rating_text(score), *(str(stats.ratings[kind][score - 1]) for kind in Kind)]
        for score in range(10, 0, -1)
    ]
    return header, rows


def ranked_table(label: str, ranked: list[Ranked]) -> Table:
    """``Genre  Items`` (or ``Author``), most first; names come from catalogs: inert."""
    return [label, "Items"], [
        [inert(row.name, limit=TITLE_LIMIT), str(row.count)] for row in ranked
    ]


def review_lines(stats: Stats) -> list[str]:
    """The period in a few sentences: the year in review."""
    lines = [
        f"Finished {counted(stats.total_completed, 'item')}: "
        + ", ".join(counted(stats.completed_of(kind), KINDS[kind].noun) for kind in Kind)
    ]
    lines += consumption_lines(stats.consumption)
    average = stats.average_rating
    if average is not None:
        lines.append(f"Rated {stats.rated} of them: {average:.1f}/10 on average")
    busiest = stats.busiest_month
    if busiest is not None:
        lines.append(f"Busiest month: {month_text(busiest[0])} ({counted(busiest[1], 'item')})")
    if stats.genres:
        lines.append(f"Top genre: {inert(stats.genres[0].name, limit=TITLE_LIMIT)}")
    if stats.authors:
        lines.append(f"Top author: {inert(stats.authors[0].name, limit=NAME_LIMIT)}")
    for standout in stats.best:
        title = inert(standout.title, limit=TITLE_LIMIT)
        lines.append(f"Best: {title} ({KINDS[standout.kind].noun}, {rating_text(standout.rating)})")
    return lines


def stats_json(stats: Stats) -> dict[str, Any]:
    """Every figure, for ``mediatrack stats --json``."""
    months = stats.period.months
    consumption = stats.consumption
    return {
        "period": {
            "start": stats.period.start.isoformat(),
            "end": stats.period.end.isoformat(),
            "year": stats.period.year,
        },
        "completed": {
            kind.value: dict(zip(months, stats.completed[kind], strict=True)) for kind in Kind
        },
        "completed_total": {kind.value: stats.completed_of(kind) for kind in Kind},
        "minutes_watched": consumption.minutes_watched,
        "runtime_unknown": consumption.runtime_unknown,
        "pages_read": consumption.pages_read,
        "pages_unknown": consumption.pages_unknown,
        "episodes_listened": consumption.episodes_listened,
        "ratings": {
            kind.value: {str(score + 1): n for score, n in enumerate(stats.ratings[kind])}
            for kind in Kind
        },
        "average_rating": stats.average_rating,
        "genres": [{"name": row.name, "items": row.count} for row in stats.genres],
        "authors": [{"name": row.name, "items": row.count} for row in stats.authors],
        "best": [
            {"kind": row.kind.value, "title": row.title, "rating": row.rating} for row in stats.best
        ],
    }


def columns(table: Table) -> list[str]:
    """A table as aligned text lines (the CLI's way); numbers aligned right."""
    header, rows = table
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        first, *rest = cells
        parts = [first.ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True)
        ]
        return "  ".join(parts).rstrip()

    return [line(header), *(line(row) for row in rows)]


# --- you and a friend ----------------------------------------------------------------


def comparison_lines(comparison: Comparison, name: str) -> list[str]:
    """How many you both rated, your average gap, and where you disagree most."""
    if not comparison.items:
        return [f"Nothing both you and {name} rated yet."]
    count = len(comparison.items)
    gap = comparison.average_gap or 0.0
    difference = comparison.average_difference or 0.0
    lines = [f"{counted(count, 'item')} you both rated · {gap:.1f} points apart on average"]
    if abs(difference) >= 0.05:
        who = "You" if difference > 0 else name
        lines.append(f"{who} rate {abs(difference):.1f} higher on average")
    if comparison.disagreements:
        widest = "; ".join(
            f"{inert(item.title, limit=TITLE_LIMIT)} ({item.mine} vs {item.theirs})"
            for item in comparison.disagreements
        )
        lines.append(f"Most apart: {widest}")
    return lines


def activity_text(activity: Activity, when: str) -> str:
    """``Ana finished Dune (book), rated 8/10 · 2h ago``: names and titles inert."""
    name = inert(activity.friend_name, limit=NAME_LIMIT)
    title = inert(activity.title, limit=TITLE_LIMIT)
    noun = KINDS[activity.kind].noun
    rated = ""
    if activity.rating and activity.verb != "rated":
        rated = f", rated {rating_text(activity.rating)}"
    verb = activity.verb
    if verb == "rated":
        return f"{name} rated {title} ({noun}) {rating_text(activity.rating)} · {when}"
    return f"{name} {verb} {title} ({noun}){rated} · {when}"


def friends_rating_text(rating: tuple[float, int] | None) -> str:
    """``7.5/10 from 2 friends``; empty when no friend rated it."""
    if rating is None:
        return ""
    average, count = rating
    return f"{average:.1f}/10 from {counted(count, 'friend')}"


def short_name(name: str, limit: int = 18) -> str:
    """A genre or author as a chart's axis label: inert, and cut with an ellipsis."""
    return inert(name, limit=limit)


def added_text(title: str, kind: Kind, status: str) -> str:
    """``Added 'Dune' to your books (plan to read).``"""
    label = KINDS[kind].label.lower()
    return (
        f"Added {inert(title, limit=TITLE_LIMIT)!r} to your {label} ({status.replace('_', ' ')})."
    )
