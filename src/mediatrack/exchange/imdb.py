"""IMDb's ratings and watchlist CSVs, in the 2021 and the current column layouts."""

from __future__ import annotations

from pathlib import Path

from mediatrack.exchange._read import (
    at_noon,
    csv_rows,
    parse_date,
    parse_int,
    parse_year,
    read_text,
)
from mediatrack.exchange.records import ImportRecord, Malformed, ParseResult
from mediatrack.kinds import Kind

SOURCE = "imdb"
REQUIRED = ("Const", "Title", "Title Type")
# Title Type, folded to lower case without spaces: "TV Mini Series" -> "tvminiseries"
MOVIE_TYPES = {"movie", "tvmovie", "video", "short", "tvshort", "tvspecial"}
TV_TYPES = {"tvseries", "tvminiseries"}


def parse(path: Path) -> ParseResult:
    return parse_text(read_text(path), Path(path).name)


def parse_text(text: str, name: str = "the IMDb export") -> ParseResult:
    result = ParseResult()
    for line, row in csv_rows(text, name, REQUIRED, malformed=result.malformed):
        title_type = row["Title Type"]
        folded = title_type.lower().replace(" ", "")
        if folded in MOVIE_TYPES:
            kind = Kind.MOVIE
        elif folded in TV_TYPES:
            kind = Kind.TV
        else:
            result.skipped[f"Title Type {title_type!r}"] += 1
            continue
        try:
            result.records.append(_record(line, row, kind))
        except ValueError as error:
            result.malformed.append(Malformed(line, str(error)))
    return result


def _record(line: int, row: dict[str, str], kind: Kind) -> ImportRecord:
    const = row["Const"]
    if not (const.startswith("tt") and const[2:].isascii() and const[2:].isdigit()):
        raise ValueError(f"Const {const!r} is not an IMDb title id (tt...)")
    if not row["Title"]:
        raise ValueError("the title is empty")
    rating = parse_int(row.get("Your Rating", ""), "Your Rating")
    if rating is not None and not 1 <= rating <= 10:
        raise ValueError(f"Your Rating {rating} is not between 1 and 10")
    rated = parse_date(row.get("Date Rated", ""), "Date Rated")
    added = parse_date(row.get("Created", ""), "Created") or parse_date(
        row.get("Modified", ""), "Modified"
    )
    seen = rating is not None  # the ratings file; a watchlist row unrated is a plan
    return ImportRecord(
        source=SOURCE,
        line=line,
        kind=kind,
        title=row["Title"],
        year=parse_year(row.get("Year", "")),
        ids={"imdb": const},
        status="completed" if seen else "plan_to_watch",
        rating=rating,
        dates=(rated,) if rated and kind is Kind.MOVIE else (),
        progress=1 if seen and kind is Kind.MOVIE else None,
        changed=at_noon(rated or added),
    )
