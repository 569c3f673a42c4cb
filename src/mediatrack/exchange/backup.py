"""mediatrack's own JSON backup: versioned, lossless for everything the user owns.

The file is ``{"format": "mediatrack", "version": 1, "items": [...], "friends": [...]}``.
Each item carries its catalog id and the item's metadata as stored, the user's
status, progress, rating and dates, for a show its seasons and episodes with
the watch time of each ticked one, and for a podcast its episodes with the
listen time of each listened one, so a library restored from it, with no
network, exports to the same file. Readers ignore keys they do not know, so a
backup with more parts still reads.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from mediatrack.exchange._read import parse_datetime, read_text
from mediatrack.exchange.records import (
    ExchangeError,
    ImportRecord,
    Malformed,
    ParseResult,
    Tick,
)
from mediatrack.kinds import KINDS, Kind

SOURCE = "mediatrack"
FORMAT = "mediatrack"
VERSION = 1
ID_KEYS = {Kind.TV: "tmdb", Kind.MOVIE: "tmdb", Kind.BOOK: "google", Kind.PODCAST: "itunes"}


# One item a line: diffable, and the C encoder. Keys are written in the order the dicts
# hold them: the store builds every dict in sorted key order, so the text is the same as
# with ``sort_keys`` without sorting each dict again. The values are trees of fresh dicts
# and lists, so there is no cycle to look for either.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def dumps(items: list[dict[str, Any]], friends: list[dict[str, Any]]) -> str:
    """The backup text: the same library always gives the same bytes (keys in a fixed
    order, items in the order given)."""

    line = _ENCODER.encode

    def block(values: list[dict[str, Any]]) -> str:
        return "[\n" + ",\n".join(map(line, values)) + "\n]" if values else "[]"

    return (
        f'{{"format": {line(FORMAT)}, "version": {VERSION},\n'
        f'"items": {block(items)},\n"friends": {block(friends)}}}\n'
    )


def parse(path: Path) -> ParseResult:
    return parse_text(read_text(path), Path(path).name)


def load(text: str, name: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ExchangeError(f"{name} is not JSON ({error.msg}, line {error.lineno}).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ExchangeError(f"{name} is not a mediatrack backup (made by `mediatrack export`).")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ExchangeError(f"{name} has no valid backup version.")
    if version > VERSION:
        raise ExchangeError(
            f"{name} was written by a newer mediatrack (backup version {version}, this one "
            f"reads up to {VERSION}); upgrade mediatrack to import it."
        )
    if not isinstance(document.get("items", []), list):
        raise ExchangeError(f"{name} is damaged: its items are not a list.")
    return document


def parse_text(text: str, name: str = "the backup") -> ParseResult:
    document = load(text, name)
    result = ParseResult(document=document)
    for index, item in enumerate(document.get("items", []), start=1):
        try:
            result.records.append(_record(index, item))
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            result.malformed.append(Malformed(index, f"item {index}: {error}"))
    return result


def listens(item: dict[str, Any]) -> list[tuple[str, dt.datetime | None]]:
    """A podcast item's listened episodes: (guid, when)."""
    return [
        (str(episode["guid"]), parse_datetime(episode["listened_at"]))
        for episode in item.get("episodes") or []
        if isinstance(episode, dict) and episode.get("listened_at")
    ]


def friends(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The people a backup (as ``load`` returned it) lists as friends."""
    people = document.get("friends")
    return [f for f in people if isinstance(f, dict)] if isinstance(people, list) else []


HISTORY_KEYS = ("note", "note_shared", "runs", "past_runs")


def history_extras(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Each item's note, runs and earlier runs' ticks, where it has any (see ``store.history``),
    from a backup as ``load`` returned it."""
    found = []
    for item in document.get("items", []):
        if not isinstance(item, dict) or not any(key in item for key in HISTORY_KEYS):
            continue
        note = item.get("note")
        runs = item.get("runs") or 0
        past = item.get("past_runs") or []
        if not isinstance(note, str | None) or not isinstance(runs, int) or runs < 0:
            continue  # a damaged extra: the item itself was restored, or reported, already
        try:
            ticks = _past_ticks(past)
        except (ValueError, TypeError, KeyError):
            continue
        found.append(
            {
                "kind": str(item.get("kind")),
                "catalog_id": str(item.get("catalog_id")),
                "note": note,
                "note_shared": bool(item.get("note_shared")),
                "runs": runs,
                "past_runs": ticks,
            }
        )
    return found


def _past_ticks(past: Any) -> list[dict[str, Any]]:
    return [
        {
            "run": int(tick["run"]),
            "season_number": int(tick["season_number"]),
            "episode_number": int(tick["episode_number"]),
            "watched_at": moment.isoformat(),
        }
        for tick in past
        if isinstance(tick, dict) and (moment := parse_datetime(tick.get("watched_at"))) is not None
    ]


LARGEST = 2**31 - 1  # a count or number the store (and the sync server) can hold


def _whole(value: Any, what: str, default: int | None = None) -> int | None:
    """A whole number from 0 to ``LARGEST`` (None or ``default`` when absent)."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= LARGEST:
        raise ValueError(f"the {what} {value!r} is not a whole number from 0 to {LARGEST}")
    return value


def _text(value: Any, what: str, *, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise ValueError(f"the {what} {value!r} is not text")
    if required and not value.strip():
        raise ValueError(f"the {what} is empty")
    return value


def _list_of_objects(value: Any, what: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(part, dict) for part in value):
        raise ValueError(f"its {what} are not a list of objects")
    return value


def _moment(value: Any, what: str) -> dt.datetime | None:
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str):
            raise TypeError
        return parse_datetime(value)
    except (ValueError, TypeError):
        raise ValueError(f"the {what} {value!r} is not a time (ISO 8601)") from None


def _catalog_id(kind: Kind, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"the catalog id {value!r} is not text or a number")
    text = str(value).strip()
    if kind in (Kind.TV, Kind.MOVIE):
        digits = text.removeprefix("-")  # a negative id: an item made by hand
        if not (digits.isascii() and digits.isdigit()) or int(digits) >= 2**63:
            raise ValueError(f"the catalog id {value!r} is not a TMDB id (a whole number)")
    elif not text:
        raise ValueError("the catalog id is empty")
    return text


def _record(index: int, item: dict[str, Any]) -> ImportRecord:
    if not isinstance(item, dict):
        raise ValueError("not an object")
    try:
        kind = Kind(str(item.get("kind")))
    except ValueError:
        raise ValueError(f"{item.get('kind')!r} is not a kind (tv, movie, book, podcast)") from None
    status = item.get("status")
    if not isinstance(status, str) or status not in KINDS[kind].statuses:
        raise ValueError(f"{status!r} is not a status for a {KINDS[kind].noun}")
    catalog_id = _catalog_id(kind, item.get("catalog_id"))
    title = _text(item.get("title"), "title", required=True)
    assert title is not None
    creator = _text(item.get("creator"), "creator")
    rating = item.get("rating")
    if rating is not None and not (
        isinstance(rating, int) and not isinstance(rating, bool) and 1 <= rating <= 10
    ):
        raise ValueError(f"the rating {rating!r} is not a whole number from 1 to 10")
    progress = _whole(item.get("progress"), "progress", 0) or 0
    total = _whole(item.get("total"), "total")
    if not isinstance(item.get("metadata") or {}, dict):
        raise ValueError("its metadata are not an object")
    ticks = []
    for season in _list_of_objects(item.get("seasons"), "seasons"):
        number = _whole(season.get("season_number"), "season number")
        for episode in _list_of_objects(season.get("episodes"), "episodes of a season"):
            episode_number = _whole(episode.get("episode_number"), "episode number")
            moment = _moment(episode.get("watched_at"), "watch time")
            if moment is not None and number is not None and episode_number is not None:
                ticks.append(Tick(number, episode_number, moment))
    for episode in _list_of_objects(item.get("episodes"), "episodes"):
        _text(episode.get("guid"), "episode guid", required=True)
        _moment(episode.get("listened_at"), "listen time")
        _moment(episode.get("published_at"), "publication time")
    days = item.get("dates") or []
    if not isinstance(days, list):
        raise ValueError("its dates are not a list")
    try:
        dates = tuple(dt.date.fromisoformat(day) for day in days)
    except (ValueError, TypeError):
        raise ValueError(f"its dates {days!r} are not days (year-month-day)") from None
    return ImportRecord(
        source=SOURCE,
        line=index,
        ticks=tuple(ticks),
        dates=dates,
        kind=kind,
        title=title,
        creator=creator,
        ids={ID_KEYS[kind]: catalog_id},
        status=status,
        rating=rating,
        progress=progress,
        total=total,
        changed=_moment(item.get("updated_at"), "updated_at"),
        extra=item,
    )
