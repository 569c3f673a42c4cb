"""Reading everything a user owns for an export or a backup, as JSON-ready dicts.

One dict per library item: the item's stored columns (``metadata``), its
catalog id, the user's status, progress, rating and finish dates, and the
item's parts (``PARTS``): for a show every season and episode with the time
each ticked one was watched, for a podcast every episode with the time each
listened one was heard. A new table the user owns is one more part here and
one more restorer in ``store.imports.RESTORERS``.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from peewee import BooleanField, DateTimeField

from mediatrack.kinds import Kind
from mediatrack.store import history
from mediatrack.store.db import SchemaTooNew, StoreError, latest_version, read_schema_version
from mediatrack.store.imports import ITEM_MODELS, RATED, SKIPPED_COLUMNS, catalog_column
from mediatrack.store.models import (
    PROGRESS_TABLES,
    Episode,
    EpisodeWatch,
    Friendship,
    PodcastEpisode,
    PodcastListen,
    Season,
    TextListField,
    User,
    database,
)

ORDER = (Kind.TV, Kind.MOVIE, Kind.BOOK, Kind.PODCAST)


PARENTS = {"media_item", "season", "podcast"}  # a part's link to its item: the item holds it


def _fields(model: Any, row: dict[str, Any]) -> dict[str, Any]:
    """A row's stored columns, in the model's order, without ids, bookkeeping and parent."""
    values = {}
    for field in model._meta.sorted_fields:
        if field.name in SKIPPED_COLUMNS or field.name in PARENTS:
            continue
        value = row[field.name]
        values[field.name] = list(value) if isinstance(value, tuple) else value
    return values


def _iso(value: Any) -> str | None:
    return value.isoformat(sep="T") if value is not None else None


def library_items(user_id: str, kinds: tuple[Kind, ...] = ORDER) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for kind in kinds:
        items.extend(_kind_items(user_id, kind))
    return items


_PEEWEE_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?")


def _stored_iso(value: Any) -> str | None:
    """A time as stored (peewee writes ``str(datetime)``) in ISO form, without parsing it."""
    if isinstance(value, str) and _PEEWEE_TIME.fullmatch(value):
        return value.replace(" ", "T", 1)
    return _iso(DateTimeField().python_value(value))


_DECODER = json.JSONDecoder()


def _list(text: str) -> list[str]:
    """A list column's stored JSON text, decoded as ``TextListField`` does, but straight
    through the decoder's ``raw_decode`` (``json.loads`` only when that does not read the
    whole text, so a damaged value fails as it always did)."""
    try:
        value, end = _DECODER.raw_decode(text)
    except ValueError:
        end = -1
    return value if end == len(text) else json.loads(text)


def _columns(model: Any) -> tuple[list[str], list[tuple[str, Callable[[Any], Any]]]]:
    """The exported columns in key order, and those whose stored value needs converting
    (lists, flags, times; plain text and numbers are used as stored)."""
    names: list[str] = []
    converters: list[tuple[str, Callable[[Any], Any]]] = []
    for field in sorted(model._meta.sorted_fields, key=lambda field: field.column_name):
        if field.name in SKIPPED_COLUMNS:
            continue
        names.append(field.column_name)
        if isinstance(field, TextListField):
            converters.append((field.column_name, _list))
        elif isinstance(field, BooleanField | DateTimeField):
            converters.append((field.column_name, field.python_value))
    return names, converters


def _in_key_order(value: Any) -> Any:
    """``value`` with every dict's keys in sorted order, as the backup writes them."""
    if isinstance(value, dict):
        return {key: _in_key_order(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_in_key_order(each) for each in value]
    return value


def _kind_items(user_id: str, kind: Kind) -> list[dict[str, Any]]:
    """One read per table, through the cursor, and one dict per item (with its metadata):
    an export of 10,000 items builds no per-row model objects. Every dict has its keys in
    sorted order (``exchange.backup.dumps`` writes them as they come)."""
    table = PROGRESS_TABLES[kind]
    model = ITEM_MODELS[kind]
    names, converters = _columns(model)
    columns = ", ".join(f'i."{column}"' for column in names)
    rating_column = "p.rating" if issubclass(table.model, RATED) else "NULL"  # books, podcasts
    sql = (
        f'SELECT i."id", p."status", p."progress", p."updated_at", {rating_column}, {columns} '
        f'FROM "{table.model._meta.table_name}" p JOIN "{model._meta.table_name}" i '
        f'ON i."id" = p."{table.item_column.column_name}" '
        "WHERE p.user_id = ? AND p.deleted_at IS NULL"
    )
    params: list[Any] = [user_id]
    if kind in (Kind.TV, Kind.MOVIE):
        sql += ' AND i."type" = ?'
        params.append(kind.value)
    sql += f' ORDER BY i."{catalog_column(kind).column_name}"'  # the final sort has less to do
    ratings: dict[int, int] = {}
    if kind in (Kind.TV, Kind.MOVIE):
        ratings = dict(
            database.execute_sql(
                "SELECT media_item_id, rating FROM ratings "
                "WHERE user_id = ? AND deleted_at IS NULL",
                (user_id,),
            )
        )
    dates: dict[int, list[str]] = {}
    for item_id, day in database.execute_sql(
        "SELECT item_id, finished_on FROM finish_dates WHERE user_id = ? AND kind = ? "
        "ORDER BY finished_on",
        (user_id, kind.value),
    ):
        dates.setdefault(item_id, []).append(day)
    key = catalog_column(kind).name
    total_column = {Kind.TV: "number_of_episodes", Kind.BOOK: "page_count"}.get(
        kind, "episode_count"
    )
    value_of_kind, own_rating = kind.value, kind not in (Kind.TV, Kind.MOVIE)
    is_book, is_podcast = kind is Kind.BOOK, kind is Kind.PODCAST
    out: dict[int, dict[str, Any]] = {}
    for item_id, status, progress, updated_at, rating, *values in database.execute_sql(sql, params):
        metadata = dict(zip(names, values, strict=True))
        for column, convert in converters:
            value = metadata[column]
            if value is not None:
                metadata[column] = convert(value)
        if is_book:
            creator = ", ".join(metadata["authors"] or []) or None
        else:
            creator = metadata["artist_name"] if is_podcast else None
        entry: dict[str, Any] = {
            "catalog_id": str(metadata[key]),
            "creator": creator,
            "dates": dates.get(item_id, []),
        }
        if is_podcast:
            entry["feed_url"] = metadata["feed_url"]
        elif is_book:
            entry["isbn_10"], entry["isbn_13"] = metadata["isbn_10"], metadata["isbn_13"]
        entry["kind"] = value_of_kind
        entry["metadata"] = metadata
        entry["progress"] = progress
        entry["rating"] = rating if own_rating else ratings.get(item_id)
        entry["release_date"] = metadata.get("release_date") or metadata.get("published_date")
        entry["status"] = status
        entry["title"] = metadata.get("title") or metadata.get("collection_name")
        entry["total"] = 1 if kind is Kind.MOVIE else metadata.get(total_column)
        entry["updated_at"] = _stored_iso(updated_at)
        out[item_id] = entry
    item_ids = list(out)
    parts = {name: read(user_id, item_ids) for name, read in PARTS.get(kind, {}).items()}
    extras = history.backup_extras(user_id, kind)  # notes, runs, earlier runs' ticks
    if parts or extras:
        for item_id, entry in out.items():
            more = {name: part.get(item_id, []) for name, part in parts.items()}
            more.update(extras.get(item_id, {}))
            if more:
                out[item_id] = _in_key_order({**entry, **more})
    return sorted(out.values(), key=lambda entry: entry["catalog_id"])


def _chunks(ids: list[int], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _seasons(user_id: str, show_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each show's seasons and episodes, with the time each ticked episode was watched."""
    watched: dict[int, Any] = {}
    seasons: dict[int, list[dict[str, Any]]] = {}
    episodes: dict[int, list[dict[str, Any]]] = {}
    for chunk in _chunks(show_ids):
        watched.update(
            EpisodeWatch.select(EpisodeWatch.episode, EpisodeWatch.watched_at)
            .join(Episode)
            .join(Season)
            .where(
                Season.media_item.in_(chunk)
                & (EpisodeWatch.user == user_id)
                & EpisodeWatch.deleted_at.is_null()
            )
            .tuples()
            .iterator()
        )
        for season in (
            Season.select()
            .where(Season.media_item.in_(chunk))
            .order_by(Season.season_number, Season.tmdb_id)
            .dicts()
            .iterator()
        ):
            values = {**_fields(Season, season), "episodes": episodes.setdefault(season["id"], [])}
            seasons.setdefault(season["media_item"], []).append(values)
        for episode in (
            Episode.select()
            .join(Season)
            .where(Season.media_item.in_(chunk))
            .order_by(Episode.episode_number, Episode.tmdb_id)
            .dicts()
            .iterator()
        ):
            values = _fields(Episode, episode)
            values["watched_at"] = _iso(watched.get(episode["id"]))
            episodes[episode["season"]].append(values)
    return seasons


def _podcast_episodes(user_id: str, podcast_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each podcast's episodes (by guid), with the time each listened one was heard."""
    heard: dict[int, Any] = {}
    out: dict[int, list[dict[str, Any]]] = {}
    for chunk in _chunks(podcast_ids):
        heard.update(
            PodcastListen.select(PodcastListen.episode, PodcastListen.listened_at)
            .join(PodcastEpisode)
            .where(
                PodcastEpisode.podcast.in_(chunk)
                & (PodcastListen.user == user_id)
                & PodcastListen.deleted_at.is_null()
            )
            .tuples()
            .iterator()
        )
        for episode in (
            PodcastEpisode.select()
            .where(PodcastEpisode.podcast.in_(chunk))
            .order_by(PodcastEpisode.guid)
            .dicts()
            .iterator()
        ):
            values = _fields(PodcastEpisode, episode)
            values["published_at"] = _iso(episode["published_at"])
            values["listened_at"] = _iso(heard.get(episode["id"]))
            out.setdefault(episode["podcast"], []).append(values)
    return out


# What an item carries besides its own columns and the user's row, one reader per table:
# (user_id, item ids) -> item id -> the part's JSON-ready value.
Part = Callable[[str, list[int]], dict[int, list[dict[str, Any]]]]
PARTS: dict[Kind, dict[str, Part]] = {
    Kind.TV: {"seasons": _seasons},
    Kind.PODCAST: {"episodes": _podcast_episodes},
}


def friends(user_id: str) -> list[dict[str, Any]]:
    """The user's friendships, each with the other person's id, name and e-mail."""
    out: list[dict[str, Any]] = []
    for friendship in Friendship.select().where(
        ((Friendship.user == user_id) | (Friendship.friend == user_id))
        & Friendship.deleted_at.is_null()
    ):
        asked = friendship.user_id == user_id
        other = User.get_by_id(friendship.friend_id if asked else friendship.user_id)
        out.append(  # keys in sorted order, as the backup writes them
            {
                "asked_by_me": asked,
                "email": other.email,
                "id": other.id,
                "name": other.name,
                "status": friendship.status,
            }
        )
    out.sort(key=lambda friend: friend["email"])
    return out


def restore_friends(user_id: str, people: list[dict[str, Any]]) -> None:
    """Friendships from a backup (the people too, when missing); existing ones stay as they are.
    One transaction: a restore stopped half-way leaves no person without their friendship."""
    with database.atomic():
        _restore_people(user_id, people)


def _restore_people(user_id: str, people: list[dict[str, Any]]) -> None:
    for person in people:
        try:
            other, email, status = str(person["id"]), str(person["email"]), person["status"]
        except (KeyError, TypeError):
            continue
        if status not in ("pending", "accepted") or other == user_id:
            continue
        name = str(person.get("name") or email)
        User.insert(id=other, name=name, email=email).on_conflict_ignore().execute()
        pair = (user_id, other) if person.get("asked_by_me", True) else (other, user_id)
        Friendship.insert(
            user=pair[0], friend=pair[1], status=status
        ).on_conflict_ignore().execute()


# --- backup and restore (SQLite's online backup API) ----------------------------


def backup_file(source: Path, target: Path) -> None:
    """A consistent copy of the library at ``source``, even while another process writes it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
    except sqlite3.OperationalError as error:
        src.close()
        raise StoreError(f"{target} cannot be written ({error}).") from None
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    partial.replace(target)


def check_backup(path: Path) -> int:
    """The schema version of a backup file, after checking it whole; raises ``StoreError``."""
    if not path.is_file():
        raise StoreError(f"{path} does not exist (or is not a file).")
    version = read_schema_version(path)
    if version == 0:
        raise StoreError(f"{path} is an empty database, not a mediatrack backup.")
    if version > latest_version():
        raise SchemaTooNew(
            f"{path} was written by a newer mediatrack (schema {version}); upgrade first."
        )
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path} is damaged ({error}).") from None
    finally:
        connection.close()
    if verdict != "ok":
        raise StoreError(f"{path} is damaged ({verdict}); it was not restored.")
    return version


def restore_file(backup: Path, library: Path, keep_aside: Path) -> None:
    """Put ``backup`` in place of ``library``; the current library is first copied to
    ``keep_aside``. Written through the backup API, so readers never see half a file."""
    check_backup(backup)
    if library.exists():
        backup_file(library, keep_aside)
    src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(library, timeout=10)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
