"""Letterboxd's export: the ZIP or its folder (diary, ratings, watched, watchlist; they overlap).

Rows name a film by Name + Year only (no TMDB id), so one record is made per
(name, year): rated and watched from every file, each diary entry a watch date.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from mediatrack.exchange._read import at_noon, csv_rows, decode, parse_date, parse_year
from mediatrack.exchange.records import ExchangeError, ImportRecord, Malformed, ParseResult
from mediatrack.folding import fold
from mediatrack.kinds import Kind

SOURCE = "letterboxd"
FILES = ("diary.csv", "ratings.csv", "watched.csv", "watchlist.csv")
REQUIRED = ("Name", "Year")


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


def read_files(path: Path) -> dict[str, str]:
    """The export's CSV files by name, from the ZIP or the folder (missing ones absent)."""
    path = Path(path)
    found: dict[str, str] = {}
    if path.is_dir():
        for name in FILES:
            if (path / name).is_file():
                found[name] = decode((path / name).read_bytes())
    elif path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                base = info.filename.rsplit("/", 1)[-1]
                # the top-level files only: deleted/ and likes/ hold other lists
                if base in FILES and info.filename.count("/") == 0 and base not in found:
                    found[base] = decode(archive.read(info))
    elif path.is_file() and path.name in FILES:
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
    for name in FILES:
        if name not in files:
            continue
        for line, row in csv_rows(files[name], name, REQUIRED):
            try:
                _merge(films, name, line, row)
            except ValueError as error:
                result.malformed.append(Malformed(line, f"{name}: {error}"))
    for film in films.values():
        result.records.append(_record(film))
    return result


def _merge(films: dict[tuple[str, int | None], _Film], name: str, line: int, row: dict) -> None:
    title = row.get("Name", "")
    if not title:
        raise ValueError("the name is empty")
    year = parse_year(row.get("Year", ""))
    film = films.setdefault((fold(title), year), _Film(line, title, year))
    logged = parse_date(row.get("Date", ""), "Date")
    if logged and (film.changed is None or logged > film.changed):
        film.changed = logged
    if name == "watchlist.csv":
        return
    film.watched = True
    rating = film_rating(row.get("Rating", ""))
    if rating is not None and (name == "ratings.csv" or film.rating is None):
        film.rating = rating  # ratings.csv holds the current rating; a diary entry an old one
    if name == "diary.csv":
        watched = parse_date(row.get("Watched Date", ""), "Watched Date") or logged
        if watched:
            film.dates.add(watched)
        if row.get("Rewatch", "").lower() == "yes":
            film.rewatches += 1
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
        ids={"letterboxd": film.uri} if film.uri else {},
        status="completed" if film.watched else "plan_to_watch",
        rating=film.rating,
        dates=tuple(sorted(film.dates)),
        progress=1 if film.watched else None,
        tags=tuple(sorted(film.tags)),
        changed=at_noon(film.changed),
        extra={"rewatches": film.rewatches} if film.rewatches else {},
    )
