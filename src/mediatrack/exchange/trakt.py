"""Trakt's JSON export: watched and history of movies and shows, ratings, watchlist.

Accepts one JSON file, the export's folder, or its ZIP. Every entry names its
item by Trakt's ``ids`` (``tmdb`` among them), so one record is made per item:
watch dates from the history, episode ticks with their dates from the
watched shows and the episode history.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mediatrack.exchange._read import decode, parse_datetime
from mediatrack.exchange.records import ExchangeError, ImportRecord, Malformed, ParseResult, Tick
from mediatrack.kinds import Kind

SOURCE = "trakt"


@dataclass
class _Item:
    line: int
    kind: Kind
    title: str
    year: int | None
    ids: dict[str, str]
    watched: set[dt.datetime] = field(default_factory=set)
    plays: int = 0
    ticks: dict[tuple[int, int], Tick] = field(default_factory=dict)
    rating: int | None = None
    listed: bool = False
    changed: dt.datetime | None = None

    def touch(self, moment: dt.datetime | None) -> None:
        if moment is not None and (self.changed is None or moment > self.changed):
            self.changed = moment


def read_files(path: Path) -> dict[str, str]:
    path = Path(path)
    if path.is_dir():
        found = {entry.name: decode(entry.read_bytes()) for entry in sorted(path.rglob("*.json"))}
    elif path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            found = {
                info.filename: decode(archive.read(info))
                for info in archive.infolist()
                if info.filename.endswith(".json")
            }
    elif path.is_file():
        return {path.name: decode(path.read_bytes())}
    else:
        raise ExchangeError(f"{path} does not exist.")
    if not found:
        raise ExchangeError(f"{path} holds no Trakt JSON files (*.json).")
    return found


def parse(path: Path) -> ParseResult:
    return parse_files(read_files(path))


def parse_files(files: dict[str, str]) -> ParseResult:
    result = ParseResult()
    items: dict[tuple[Kind, str], _Item] = {}
    for name, text in files.items():
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            if len(files) == 1:
                raise ExchangeError(
                    f"{name} is not JSON ({error.msg}, line {error.lineno})."
                ) from None
            result.malformed.append(Malformed(error.lineno, f"{name} is not JSON"))
            continue
        lines = _entry_lines(text) if isinstance(data, list) else [1]
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list):
            raise ExchangeError(f"{name} is not a Trakt export (not a list of entries).")
        for index, entry in enumerate(data):
            line = lines[index] if index < len(lines) else 0
            try:
                if not _merge(items, entry, line):
                    result.skipped["not a movie or show"] += 1
            except (ValueError, TypeError, KeyError, AttributeError) as error:
                result.malformed.append(Malformed(line, f"{name}: {error}"))
    result.records.extend(_record(item) for item in items.values())
    return result


def _entry_lines(text: str) -> list[int]:
    """The line where each top-level entry of a JSON list starts (best effort)."""
    lines, depth, line, in_string, escape = [], 0, 1, False, False
    expecting = False  # at depth 1, after "[" or ",": the next character starts an entry
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            if escape:
                escape = False
            elif char == "\\":
                escape = True
            elif char == '"':
                in_string = False
            continue
        if expecting and not char.isspace() and char not in ",]":
            lines.append(line)
            expecting = False
        if char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            expecting = depth == 1 and char == "["
        elif char in "]}":
            depth -= 1
        elif char == "," and depth == 1:
            expecting = True
    return lines


def _ids(thing: dict[str, Any]) -> dict[str, str]:
    ids = thing.get("ids") or {}
    return {key: str(value) for key, value in ids.items() if value not in (None, "")}


def _check(kind: Kind, thing: Any) -> None:
    """Raises for a movie or show ``_item`` could not make an item of."""
    if not isinstance(thing, dict) or not thing.get("title"):
        raise ValueError(f"the {kind.value} has no title")
    year = thing.get("year")
    if year and not (
        isinstance(year, int) or (isinstance(year, str) and year.isascii() and year.isdigit())
    ):
        raise ValueError(f"the year {year!r} is not a whole number")
    if not isinstance(thing.get("ids") or {}, dict):
        raise ValueError(f"the {kind.value}'s ids are not an object")
    tmdb = _ids(thing).get("tmdb")
    if tmdb is not None and not (tmdb.isascii() and tmdb.isdigit() and 0 < int(tmdb) < 2**63):
        raise ValueError(f"the {kind.value}'s TMDB id {tmdb!r} is not a TMDB id")


def _item(items: dict, kind: Kind, thing: dict[str, Any], line: int) -> _Item:
    ids = _ids(thing)
    key = ids.get("tmdb") or ids.get("trakt") or f"{thing['title']}|{thing.get('year')}"
    year = thing.get("year")
    return items.setdefault(
        (kind, key),
        _Item(line, kind, str(thing["title"]), int(year) if year else None, ids),
    )


def _merge(items: dict, entry: dict[str, Any], line: int) -> bool:
    """Adds the entry to its item; an entry it refuses (an error) adds nothing."""
    if not isinstance(entry, dict):
        raise ValueError("an entry is not an object")
    if "movie" in entry:
        kind, thing = Kind.MOVIE, entry["movie"]
    elif "show" in entry and entry.get("type") in (None, "show", "episode"):
        kind, thing = Kind.TV, entry["show"]
    else:
        return False  # seasons, people, lists
    _check(kind, thing)
    watched_at = parse_datetime(entry.get("watched_at"))
    last = parse_datetime(entry.get("last_watched_at"))
    rated_at = parse_datetime(entry.get("rated_at"))
    listed_at = parse_datetime(entry.get("listed_at"))
    rating = None
    if "rating" in entry:
        rating = int(entry["rating"])
        if not 1 <= rating <= 10:
            raise ValueError(f"the rating {rating} is not between 1 and 10")
    ticks: list[tuple[int, int, dt.datetime | None, dict]] = []
    if entry.get("type") == "episode" and "episode" in entry:
        episode = entry["episode"]
        ticks.append((int(episode["season"]), int(episode["number"]), watched_at, episode))
    for season in entry.get("seasons") or []:
        for episode in season.get("episodes") or []:
            moment = parse_datetime(episode.get("last_watched_at"))
            ticks.append((int(season["number"]), int(episode["number"]), moment, episode))
    for season, number, _moment, episode in ticks:
        if season < 0 or number < 0:
            raise ValueError(f"S{season}E{number} is not an episode")
        if (episode.get("ids") or {}).get("tmdb"):
            int(episode["ids"]["tmdb"])  # else the entry is malformed, before it adds anything
    plays = int(entry.get("plays") or 1)
    item = _item(items, kind, thing, line)
    if rating is not None and entry.get("type", "movie" if kind is Kind.MOVIE else "show") in (
        "movie",
        "show",
    ):
        item.rating = rating
        item.touch(rated_at)
    if "listed_at" in entry:
        item.listed = True
        item.touch(listed_at)
    if watched_at is not None and not (entry.get("type") == "episode" and "episode" in entry):
        item.watched.add(watched_at)
    for season, number, moment, episode in ticks:
        _tick(item, season, number, moment, episode)
    if kind is Kind.MOVIE and last is not None:
        item.watched.add(last)
        item.plays = max(item.plays, plays)
    item.touch(watched_at)
    item.touch(last)
    return True


def _tick(item: _Item, season: int, number: int, moment: dt.datetime | None, episode: dict) -> None:
    tmdb = (episode.get("ids") or {}).get("tmdb")
    known = item.ticks.get((season, number))
    if known is not None:
        moment = max(filter(None, (known.watched_at, moment)), default=None)
        tmdb = tmdb or known.tmdb_id
    item.ticks[(season, number)] = Tick(season, number, moment, int(tmdb) if tmdb else None)
    item.touch(moment)


def _record(item: _Item) -> ImportRecord:
    watched = bool(item.watched or item.ticks)
    if item.kind is Kind.MOVIE:
        status = "completed" if watched or item.rating else "plan_to_watch"
    else:
        status = "watching" if watched else ("completed" if item.rating else "plan_to_watch")
    return ImportRecord(
        source=SOURCE,
        line=item.line,
        kind=item.kind,
        title=item.title,
        year=item.year,
        ids=item.ids,
        status=status,
        rating=item.rating,
        dates=tuple(sorted({moment.date() for moment in item.watched})),
        ticks=tuple(item.ticks[key] for key in sorted(item.ticks)),
        progress=1 if item.kind is Kind.MOVIE and status == "completed" else None,
        changed=item.changed,
        extra={"plays": item.plays} if item.plays > 1 else {},
    )
