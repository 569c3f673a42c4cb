"""The StoryGraph's CSV export (Read Status, Star Rating in halves, Dates Read, ISBN/UID)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mediatrack.exchange._read import (
    at_noon,
    parse_date,
    parse_int,
    parse_rows,
    read_text,
    review_text,
)
from mediatrack.exchange.records import ImportRecord, ParseResult
from mediatrack.kinds import Kind

SOURCE = "storygraph"
REQUIRED = ("Title", "Read Status")
STATUSES = {
    "read": "completed",
    "currently-reading": "reading",
    "to-read": "plan_to_read",
    "did-not-finish": "dropped",
    "paused": "reading",
}


def parse(path: Path) -> ParseResult:
    return parse_text(read_text(path), Path(path).name)


def parse_text(text: str, name: str = "the StoryGraph export") -> ParseResult:
    return parse_rows(
        text, name, REQUIRED, _record, lambda row: f"read status {row.get('Read Status')!r}"
    )


def star_rating(value: str) -> int | None:
    """Stars 0.25-5 (halves and quarters) on the 1-10 scale; empty means unrated."""
    value = value.strip()
    if not value:
        return None
    try:
        stars = float(value)
    except ValueError:
        raise ValueError(f"Star Rating {value!r} is not a number") from None
    if stars == 0:
        return None
    if not 0 < stars <= 5:
        raise ValueError(f"Star Rating {value} is not between 0 and 5")
    return max(1, round(stars * 2))


def dates_read(value: str) -> tuple[dt.date, ...]:
    """``2023/01/05-2023/01/20, 2023/05/12``: the day each reading ended."""
    days = []
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        dashes = part.count("-")  # a range: "2023/01/05-2023/01/20" or "2023-01-05-2023-01-20"
        end = (
            part.rsplit("-", 1)[-1]
            if dashes == 1
            else part.split("-", 3)[-1]
            if dashes == 5
            else part
        )
        day = parse_date(end, "Dates Read")
        if day is not None:
            days.append(day)
    return tuple(sorted(set(days)))


def _record(line: int, row: dict[str, str]) -> ImportRecord | None:
    title = row.get("Title", "")
    if not title:
        raise ValueError("the title is empty")
    status = STATUSES.get(row["Read Status"].lower())
    if status is None:
        return None
    ids = {}
    uid = row.get("ISBN/UID", "").replace("-", "")
    if uid.isdigit() and len(uid) == 13:
        ids["isbn13"] = uid
    elif len(uid) == 10 and uid[:9].isdigit():
        ids["isbn10"] = uid
    dates = dates_read(row.get("Dates Read", ""))
    last = parse_date(row.get("Last Date Read", ""), "Last Date Read")
    if last and last not in dates:
        dates = tuple(sorted((*dates, last)))
    added = parse_date(row.get("Date Added", ""), "Date Added")
    tags = tuple(tag.strip() for tag in row.get("Tags", "").split(",") if tag.strip())
    read_count = parse_int(row.get("Read Count", ""), "Read Count") or 0
    return ImportRecord(
        source=SOURCE,
        line=line,
        kind=Kind.BOOK,
        title=title,
        creator=row.get("Authors") or None,
        ids=ids,
        status=status,
        rating=star_rating(row.get("Star Rating", "")),
        dates=dates,
        tags=tags,
        review=review_text(row.get("Review")),
        changed=at_noon(dates[-1] if dates else added),
        extra={"read_count": read_count} if read_count > 1 else {},
    )
