"""A library read's rows, as the sqlite3 driver returns them, made ``LibraryEntry`` records.

Without the ORM: the queries built by peewee (``queries.py``) and the first page
read with sqlite3 alone (``first_rows.py``) select the same sixteen columns and
share this decoding.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator

from mediatrack.kinds import Kind
from mediatrack.records import EntryKey, LibraryEntry, episode_code


def _later(first: dt.datetime, second: dt.datetime | None) -> dt.datetime:
    return second if second is not None and second > first else first


def _join_list(names: list[str] | None) -> str | None:
    return ", ".join(names) if names else None


def to_entry(kind: Kind, row: tuple) -> LibraryEntry:
    """One decoded row (see ``decoded``) as the entry a table shows."""
    (item_id, title, original, released, status, progress, total, rating, updated, extra, cid) = (
        row[:11]
    )
    last_season, last_number, next_season, next_number, next_air_date = row[11:]
    if kind in (Kind.TV, Kind.MOVIE):
        creator, updated_at = None, _later(updated, extra)
    elif kind is Kind.BOOK:
        creator, updated_at = _join_list(extra), updated
    else:
        creator, updated_at = extra, updated
    return LibraryEntry(
        key=EntryKey(kind, item_id),
        title=title,
        original_title=original,
        creator=creator,
        release_date=released,
        status=status,
        progress=progress,
        total=total,
        rating=rating,
        updated_at=updated_at,
        catalog_id=str(cid),
        last_episode=episode_code(last_season, last_number),
        next_episode=episode_code(next_season, next_number),
        next_air_date=next_air_date,
    )


def moment(value: object) -> dt.datetime:
    """A stored timestamp as a naive UTC datetime, parsed in C when it is ISO text."""
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            from peewee import DateTimeField  # a format only peewee's own parser knows

            return DateTimeField().python_value(value)
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
        return parsed
    return value  # type: ignore[return-value]


def decoded(kind: Kind, rows: Iterable[tuple]) -> Iterator[tuple]:
    """Raw rows with their timestamps (and a book's authors) as Python values."""
    for row in rows:
        extra = row[9]
        if kind in (Kind.TV, Kind.MOVIE):
            extra = None if extra is None else moment(extra)
        elif kind is Kind.BOOK and isinstance(extra, str):
            extra = json.loads(extra)
        yield (*row[:8], moment(row[8]), extra, *row[10:])


def entries(kind: Kind, rows: Iterable[tuple]) -> list[LibraryEntry]:
    """Raw rows of a library read, as entries."""
    return [to_entry(kind, row) for row in decoded(kind, rows)]
