"""Letterboxd's export: the ZIP or its folder (diary, ratings, watched, watchlist; they overlap).

Rows name a film by Name + Year only (no TMDB id), so one record is made per
(name, year): rated and watched from every file, each diary entry a watch date.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from mediatrack.exchange._read import (
    at_noon,
    csv_rows,
    decode,
    parse_date,
    parse_year,
    review_text,
)
from mediatrack.exchange.records import ExchangeError, ImportRecord, Malformed, ParseResult
from mediatrack.folding import fold
from mediatrack.kinds import Kind

SOURCE = "letterboxd"
FILES = ("diary.csv", "ratings.csv", "watched.csv", "watchlist.csv", "reviews.csv")
REQUIRED = ("Year",)
NAMES = ("Name", "Title")  # the export's column, the import layout's


@dataclass
class _Film:
    line: int
    title: str
    year: int | None
    watched: bool = False
    rating: int | None = None
    dates: set[dt.date] = field(default_factory=set)
    rewatches: int = 0
    changed: dt.date | None = None
    tags: set[str] = field(default_factory=set)
    uri: str | None = None
    tmdb: str | None = None  # the import layout's tmdbID
    review: str | None = None  # the newest review's words
    reviewed: dt.date | None = None


def film_rating(value: str) -> int | None:
    """Stars 0.5-5 in halves on the 1-10 scale; empty is unrated."""
    value = value.strip()
    if not value:
        return None
    try:
        stars = float(value)
    except ValueError:
        raise ValueError(f"the rating {value!r} is not a number") from None
    if not 0.5 <= stars <= 5 or (stars * 2) != int(stars * 2):
        raise ValueError(f"the rating {value} is not between 0.5 and 5 in halves")
    return int(stars * 2)


def film_rating10(value: str) -> int:
    """The import layout's ``Rating10``: already on the 1-10 scale."""
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 10:
        raise ValueError(f"Rating10 {value!r} is not a whole number from 1 to 10")
    return int(value)


def read_files(path: Path) -> dict[str, str]:
    """The export's CSV files by name, from the ZIP or the folder (missing ones absent).

    A lone CSV of another name is read as Letterboxd's import layout (``Title``,
    ``tmdbID``, ``WatchedDate``, ``Rating10``...), the one ``mediatrack export`` writes.
    """
    path = Path(path)
    found: dict[str, str] = {}
    if path.is_dir():
        for name in FILES:
            if (path / name).is_file():
                found[name] = decode((path / name).read_bytes())
    elif path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            by_folder: dict[str, dict[str, zipfile.ZipInfo]] = {}
            for info in archive.infolist():
                folder, _, base = info.filename.rpartition("/")
                if base in FILES:
                    by_folder.setdefault(folder, {})[base] = info
            if by_folder:
                # the export's own folder: the top-most one (deleted/ and likes/ hold other
                # lists), which is the root or, in a ZIP made of the folder, that folder
                top = min(by_folder, key=lambda folder: (folder.count("/") + bool(folder), folder))
                for base, info in by_folder[top].items():
                    found[base] = decode(archive.read(info))
    elif path.is_file() and (path.name in FILES or path.suffix.lower() == ".csv"):
        found[path.name] = decode(path.read_bytes())
    elif not path.exists():
        raise ExchangeError(f"{path} does not exist.")
    else:
        raise ExchangeError(
            f"{path} is not a Letterboxd export: give the ZIP, its folder, or one of its CSVs."
        )
    if not found:
        raise ExchangeError(f"{path} holds none of Letterboxd's files ({', '.join(FILES)}).")
    return found


def parse(path: Path) -> ParseResult:
    return parse_files(read_files(path))


def parse_files(files: dict[str, str]) -> ParseResult:
    result = ParseResult()
    films: dict[tuple[str, int | None], _Film] = {}
    # the export's files, then any other: a CSV in the layout Letterboxd's importer reads
    for name in sorted(files, key=lambda name: FILES.index(name) if name in FILES else len(FILES)):
        required = REQUIRED if name in FILES else ()
        refused: list[Malformed] = []
        for line, row in csv_rows(files[name], name, required, NAMES, refused):
            try:
                _merge(films, name, line, row)
            except ValueError as error:
                result.malformed.append(Malformed(line, f"{name}: {error}"))
        result.malformed.extend(Malformed(bad.line, f"{name}: {bad.reason}") for bad in refused)
    for film in films.values():
        result.records.append(_record(film))
    return result


def _dated(name: str) -> bool:
    """Whether the file's rows are watches with their days: the diary, or the import layout."""
    return name == "diary.csv" or name not in FILES


def _merge(films: dict[tuple[str, int | None], _Film], name: str, line: int, row: dict) -> None:
    """Adds the row to its film; a row it refuses (ValueError) adds nothing."""
    title = row.get("Name") or row.get("Title", "")
    if not title:
        raise ValueError("the name is empty")
    year = parse_year(row.get("Year", ""))
    logged = parse_date(row.get("Date", ""), "Date")
    watchlist = name == "watchlist.csv"
    rating = None if watchlist else film_rating(row.get("Rating", ""))
    if rating is None and not watchlist and row.get("Rating10"):
        rating = film_rating10(row["Rating10"])
    watched = None
    if _dated(name):
        watched = (
            parse_date(row.get("Watched Date", ""), "Watched Date")
            or parse_date(row.get("WatchedDate", ""), "WatchedDate")
            or logged
        )
    tmdb = row.get("tmdbID", "")
    if tmdb and not (tmdb.isascii() and tmdb.isdigit() and 0 < int(tmdb) < 2**63):
        raise ValueError(f"tmdbID {tmdb!r} is not a TMDB id")
    film = films.setdefault((fold(title), year), _Film(line, title, year))
    if logged and (film.changed is None or logged > film.changed):
        film.changed = logged
    if tmdb:
        film.tmdb = tmdb
    if watchlist:
        return
    film.watched = True
    if rating is not None and (name == "ratings.csv" or film.rating is None):
        film.rating = rating  # ratings.csv holds the current rating; a diary entry an old one
    if watched:
        film.dates.add(watched)
    review = review_text(row.get("Review"))
    if review and (film.reviewed is None or (logged and logged >= film.reviewed)):
        film.review, film.reviewed = review, logged or film.reviewed  # the newest review
    if name == "reviews.csv":
        return  # its entries are the diary's, with their words: counted there
    if row.get("Rewatch", "").lower() in ("yes", "true"):
        film.rewatches += 1
    if _dated(name):
        film.tags.update(tag.strip() for tag in row.get("Tags", "").split(",") if tag.strip())
    elif name != "ratings.csv" and row.get("Letterboxd URI"):
        film.uri = row["Letterboxd URI"]


def _record(film: _Film) -> ImportRecord:
    return ImportRecord(
        source=SOURCE,
        line=film.line,
        kind=Kind.MOVIE,
        title=film.title,
        year=film.year,
        ids={
            key: value
            for key, value in (("letterboxd", film.uri), ("tmdb", film.tmdb))
            if value is not None
        },
        status="completed" if film.watched else "plan_to_watch",
        rating=film.rating,
        dates=tuple(sorted(film.dates)),
        progress=1 if film.watched else None,
        tags=tuple(sorted(film.tags)),
        review=film.review,
        changed=at_noon(film.changed),
        extra={"rewatches": film.rewatches} if film.rewatches else {},
    )
