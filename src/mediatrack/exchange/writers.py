"""Export writers for other programs: spreadsheets, Goodreads, Letterboxd, podcast apps.

Each takes the backup's item dicts (see ``backup.py``) and returns the file's text.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from xml.sax.saxutils import quoteattr

from mediatrack.exchange._read import clean
from mediatrack.kinds import Kind

CSV_COLUMNS = (
    "kind",
    "catalog_id",
    "title",
    "creator",
    "release_date",
    "status",
    "progress",
    "total",
    "rating",
    "updated_at",
)


def _csv(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return out.getvalue()


TEXT_COLUMNS = ("title", "creator")  # outside text: a spreadsheet must not run it
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text(value: Any) -> Any:
    """A cell a spreadsheet would read as a formula (``=HYPERLINK(…)``) gets a leading
    apostrophe, which spreadsheets show as text and do not display."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet(items: list[dict[str, Any]]) -> str:
    """One kind's items as a plain CSV (the export writes one file per kind)."""
    return _csv(
        CSV_COLUMNS,
        [
            tuple(
                _as_text(item.get(column)) if column in TEXT_COLUMNS else item.get(column)
                for column in CSV_COLUMNS
            )
            for item in items
        ],
    )


GOODREADS_SHELVES = {
    "completed": "read",
    "reading": "currently-reading",
    "plan_to_read": "to-read",
    "dropped": "did-not-finish",
}
GOODREADS_COLUMNS = (
    "Title",
    "Author",
    "Additional Authors",
    "ISBN",
    "ISBN13",
    "My Rating",
    "Number of Pages",
    "Year Published",
    "Date Read",
    "Exclusive Shelf",
    "Bookshelves",
    "My Review",
    "Read Count",
)


def goodreads_holds(item: dict[str, Any]) -> bool:
    return item.get("kind") == Kind.BOOK.value


def goodreads(items: list[dict[str, Any]]) -> str:
    """Books in the columns Goodreads' CSV import reads (ratings back to 1-5 stars)."""
    rows = []
    for item in items:
        if not goodreads_holds(item):
            continue
        shelf = GOODREADS_SHELVES[item["status"]]
        rating = item.get("rating")
        year = (item.get("release_date") or "")[:4]
        dates = item.get("dates") or []
        authors = [name.strip() for name in (item.get("creator") or "").split(",")]
        rows.append(
            (
                item["title"],
                authors[0],
                ", ".join(name for name in authors[1:] if name) or None,
                item.get("isbn_10"),
                item.get("isbn_13"),
                (rating + 1) // 2 if rating else 0,
                item.get("total"),
                year if year.isdigit() else None,
                dates[-1].replace("-", "/") if dates else None,
                shelf,
                shelf,
                item.get("note"),
                (item.get("runs") or 0) + (item["status"] == "completed") or None,
            )
        )
    return _csv(GOODREADS_COLUMNS, rows)


LETTERBOXD_COLUMNS = ("tmdbID", "Title", "Year", "Rating10", "WatchedDate", "Rewatch", "Review")


def letterboxd_holds(item: dict[str, Any]) -> bool:
    return item.get("kind") == Kind.MOVIE.value and item.get("status") == "completed"


def letterboxd(items: list[dict[str, Any]]) -> str:
    """Watched movies in Letterboxd's import columns (``tmdbID`` matches exactly)."""
    rows = []
    for item in items:
        if not letterboxd_holds(item):
            continue
        tmdb = item["catalog_id"] if not str(item["catalog_id"]).startswith("-") else None
        year = (item.get("release_date") or "")[:4]
        dates = item.get("dates") or [None]
        for number, day in enumerate(dates):
            rows.append(
                (
                    tmdb,
                    item["title"],
                    year if year.isdigit() else None,
                    item.get("rating"),
                    day,
                    "true" if number else "false",
                    item.get("note") if number == len(dates) - 1 else None,  # the last watch's
                )
            )
    return _csv(LETTERBOXD_COLUMNS, rows)


def opml_holds(item: dict[str, Any]) -> bool:
    return item.get("kind") == Kind.PODCAST.value and bool(item.get("feed_url"))


def opml(items: list[dict[str, Any]]) -> str:
    """Podcasts with a feed, as OPML 2.0 that podcast apps import."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head><title>mediatrack podcasts</title></head>",
        "  <body>",
    ]
    for item in items:
        if not opml_holds(item):
            continue
        title = quoteattr(clean(item["title"]))  # control characters are not XML
        lines.append(
            f'    <outline type="rss" text={title} title={title} '
            f"xmlUrl={quoteattr(clean(item['feed_url']))} />"
        )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
