"""Goodreads' library export (CSV, 31 columns in 2020; the bookwyrm copy too)."""

from __future__ import annotations

from pathlib import Path

from mediatrack.exchange._read import (
    at_noon,
    excel_text,
    parse_date,
    parse_int,
    parse_rows,
    read_text,
    review_text,
)
from mediatrack.exchange.records import ImportRecord, ParseResult
from mediatrack.kinds import Kind

SOURCE = "goodreads"
REQUIRED = ("Title", "Author", "Exclusive Shelf")
SHELVES = {
    "read": "completed",
    "currently-reading": "reading",
    "to-read": "plan_to_read",
    # not Goodreads' own shelves, but the usual names people give a shelf of abandoned books
    "did-not-finish": "dropped",
    "dnf": "dropped",
    "abandoned": "dropped",
}


def parse(path: Path) -> ParseResult:
    return parse_text(read_text(path), Path(path).name)


def parse_text(text: str, name: str = "the Goodreads export") -> ParseResult:
    return parse_rows(
        text, name, REQUIRED, _record, lambda row: f"on shelf {row.get('Exclusive Shelf')!r}"
    )


def book_rating(stars: int | None) -> int | None:
    """Goodreads' 1-5 stars on mediatrack's 1-10 scale; 0 means unrated."""
    if stars is None or stars == 0:
        return None
    if not 1 <= stars <= 5:
        raise ValueError(f"a rating of {stars} stars is not between 0 and 5")
    return stars * 2


def _book_year(value: str) -> int | None:
    """A year of publication; a classic's (-725, 397) is no reason to refuse the row, but it
    is no year mediatrack keeps either."""
    year = parse_int(value, "the year")
    return year if year is not None and 1000 <= year <= 2200 else None


def _record(line: int, row: dict[str, str]) -> ImportRecord | None:
    title = row.get("Title", "")
    if not title:
        raise ValueError("the title is empty")
    status = SHELVES.get(row["Exclusive Shelf"].lower())
    if status is None:
        return None
    ids = {}
    for column, key in (("ISBN13", "isbn13"), ("ISBN", "isbn10")):
        value = excel_text(row.get(column, ""))
        if value:
            ids[key] = value
    if row.get("Book Id"):
        ids["goodreads"] = row["Book Id"]
    rating = book_rating(parse_int(row.get("My Rating", ""), "My Rating"))
    read = parse_date(row.get("Date Read", ""), "Date Read")
    added = parse_date(row.get("Date Added", ""), "Date Added")
    pages = parse_int(row.get("Number of Pages", ""), "Number of Pages")
    if pages is not None and pages < 0:
        raise ValueError(f"Number of Pages {pages} is not a page count")
    year = _book_year(row.get("Original Publication Year", "")) or _book_year(
        row.get("Year Published", "")
    )
    tags = tuple(
        shelf.strip()
        for shelf in row.get("Bookshelves", "").split(",")
        if shelf.strip() and shelf.strip() not in SHELVES
    )
    authors = [row["Author"]] + [
        name.strip() for name in row.get("Additional Authors", "").split(",") if name.strip()
    ]
    read_count = parse_int(row.get("Read Count", ""), "Read Count") or 0
    return ImportRecord(
        source=SOURCE,
        line=line,
        kind=Kind.BOOK,
        title=title,
        year=year,
        creator=", ".join(name for name in authors if name) or None,
        ids=ids,
        status=status,
        rating=rating,
        dates=(read,) if read else (),
        progress=pages if status == "completed" and pages else None,
        total=pages,
        tags=tags,
        review=review_text(row.get("My Review")),
        changed=at_noon(read or added),
        extra={"read_count": read_count} if read_count > 1 else {},
    )
