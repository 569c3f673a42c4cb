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
    if not isinstance(version, int) or version < 1:
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
        except (ValueError, TypeError, KeyError) as error:
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


def _record(index: int, item: dict[str, Any]) -> ImportRecord:
    if not isinstance(item, dict):
        raise ValueError("not an object")
    kind = Kind(item["kind"])
    status = item["status"]
    if status not in KINDS[kind].statuses:
        raise ValueError(f"{status!r} is not a status for a {KINDS[kind].noun}")
    catalog_id = str(item["catalog_id"])
    title = str(item["title"])
    if not title.strip():
        raise ValueError("the title is empty")
    rating = item.get("rating")
    if rating is not None and not (isinstance(rating, int) and 1 <= rating <= 10):
        raise ValueError(f"the rating {rating!r} is not a whole number from 1 to 10")
    progress = item.get("progress") or 0
    if not isinstance(progress, int) or progress < 0:
        raise ValueError(f"the progress {progress!r} is not a whole number from 0")
    ticks = tuple(
        Tick(int(season["season_number"]), int(episode["episode_number"]), moment)
        for season in item.get("seasons") or []
        for episode in season.get("episodes") or []
        if (moment := parse_datetime(episode.get("watched_at"))) is not None
    )
    dates = tuple(dt.date.fromisoformat(day) for day in item.get("dates") or [])
    listens(item)  # a bad listen time is a malformed item, here rather than mid-write
    return ImportRecord(
        source=SOURCE,
        line=index,
        ticks=ticks,
        dates=dates,
        kind=kind,
        title=title,
        creator=item.get("creator"),
        ids={ID_KEYS[kind]: catalog_id},
        status=status,
        rating=rating,
        progress=progress,
        total=item.get("total"),
        changed=parse_datetime(item.get("updated_at")),
        extra=item,
    )
