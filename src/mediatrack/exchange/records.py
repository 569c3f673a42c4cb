"""The plain records every parser yields: one per item, whatever the source."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from mediatrack.errors import MediatrackError
from mediatrack.kinds import Kind


class ExchangeError(MediatrackError):
    """A file that cannot be read at all; the message is one sentence for the user."""


@dataclass(frozen=True, slots=True)
class Tick:
    """One watched episode of a show, by its numbers (and TMDB id when the file has it)."""

    season: int
    episode: int
    watched_at: dt.datetime | None = None
    tmdb_id: int | None = None


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One item read from a file.

    ``ids`` holds what the file knows: ``tmdb``, ``imdb``, ``isbn13``, ``isbn10``,
    ``google``, ``itunes``, ``feed_url``. ``rating`` is already on mediatrack's 1-10
    scale (None when unrated); ``dates`` are the days the item was finished
    (several for a rewatch or a reread); ``changed`` is the file's own date for
    the row (when it was rated, added or last watched), used by merge.
    """

    source: str
    line: int
    kind: Kind
    title: str
    year: int | None = None
    creator: str | None = None
    ids: dict[str, str] = field(default_factory=dict)
    status: str | None = None
    rating: int | None = None
    dates: tuple[dt.date, ...] = ()
    ticks: tuple[Tick, ...] = ()
    progress: int | None = None
    total: int | None = None
    tags: tuple[str, ...] = ()
    review: str | None = None  # the user's own review or notes, kept as the item's note
    changed: dt.datetime | None = None
    extra: dict = field(default_factory=dict)  # the mediatrack backup's lossless fields


@dataclass(frozen=True, slots=True)
class Malformed:
    line: int
    reason: str


@dataclass(slots=True)
class ParseResult:
    records: list[ImportRecord] = field(default_factory=list)
    malformed: list[Malformed] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> rows
    # a mediatrack backup as parsed, for its friends and history (read once); else None
    document: dict[str, Any] | None = None


def record_to_json(record: ImportRecord) -> dict:
    """A record as JSON-ready values (the review list keeps rows this way)."""
    return {
        "source": record.source,
        "line": record.line,
        "kind": record.kind.value,
        "title": record.title,
        "year": record.year,
        "creator": record.creator,
        "ids": dict(record.ids),
        "status": record.status,
        "rating": record.rating,
        "dates": [day.isoformat() for day in record.dates],
        "ticks": [
            [
                tick.season,
                tick.episode,
                tick.watched_at.isoformat() if tick.watched_at else None,
                tick.tmdb_id,
            ]
            for tick in record.ticks
        ],
        "progress": record.progress,
        "total": record.total,
        "tags": list(record.tags),
        "review": record.review,
        "changed": record.changed.isoformat() if record.changed else None,
        "extra": record.extra,
    }


def record_from_json(data: dict) -> ImportRecord:
    return ImportRecord(
        source=data["source"],
        line=int(data["line"]),
        kind=Kind(data["kind"]),
        title=data["title"],
        year=data.get("year"),
        creator=data.get("creator"),
        ids=dict(data.get("ids") or {}),
        status=data.get("status"),
        rating=data.get("rating"),
        dates=tuple(dt.date.fromisoformat(day) for day in data.get("dates") or ()),
        ticks=tuple(
            Tick(season, episode, dt.datetime.fromisoformat(moment) if moment else None, tmdb)
            for season, episode, moment, tmdb in data.get("ticks") or ()
        ),
        progress=data.get("progress"),
        total=data.get("total"),
        tags=tuple(data.get("tags") or ()),
        review=data.get("review"),
        changed=dt.datetime.fromisoformat(data["changed"]) if data.get("changed") else None,
        extra=dict(data.get("extra") or {}),
    )
