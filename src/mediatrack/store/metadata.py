"""Writing catalog metadata into the store: upserts by natural key, never touching user data.

Refreshing an item runs the same upserts again: new seasons and episodes
appear, changed ones are updated, and nothing a user recorded (progress,
ticks, ratings) is deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext

from mediatrack.catalog.records import (
    BookDetails,
    FeedEpisode,
    MovieDetails,
    PodcastDetails,
    SeasonDetails,
    SeasonSummary,
    ShowDetails,
)
from mediatrack.kinds import Kind
from mediatrack.store.models import (
    Book,
    Episode,
    MediaItem,
    Podcast,
    PodcastEpisode,
    Season,
    database,
    utcnow,
)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _vote(value: float | None) -> int | None:
    """TMDB's 0-10 float as the seed's integer (7.8 -> 78)."""
    return round(value * 10) if value is not None else None


def season_name(name: str | None, number: int) -> str:
    """A season's name is never empty (the seed's NOT NULL): TMDB's, or one made from its number."""
    if name and name.strip():
        return name
    return "Specials" if number == 0 else f"Season {number}"


def episode_name(name: str | None, number: int) -> str:
    """An episode's name is never empty (the seed's NOT NULL): TMDB's, or "Episode N"."""
    return name if name and name.strip() else f"Episode {number}"


def _upsert(model, conflict: list, values: dict) -> int:
    """Insert or update one row by its natural key; return its id."""
    now = utcnow()
    row = {**values, model.created_at.name: now, model.updated_at.name: now}
    keep = tuple(name for name in row if name != model.created_at.name)
    sql = _upsert_sql(model, tuple(row), tuple(column.name for column in conflict), keep)
    # One statement gives the id whether the row was inserted or updated (SQLite 3.35+).
    found = database.execute_sql(sql + " RETURNING id", _params(model, row)).fetchone()
    return int(found[0])


def _upsert_many(model, conflict, rows: list[dict]) -> dict:
    """Upsert rows having the same fields, ``UPSERT_CHUNK`` to a statement; returns the
    ``conflict`` field's value (one field, unique) -> the row's id, inserted or updated."""
    now = utcnow()
    rows = [{**values, model.created_at.name: now, model.updated_at.name: now} for values in rows]
    found: dict = {}
    if not rows:
        return found
    names = tuple(rows[0])
    keep = tuple(name for name in names if name != model.created_at.name)
    returning = f" RETURNING {_q(conflict.column_name)}, id"
    for start in range(0, len(rows), UPSERT_CHUNK):
        chunk = rows[start : start + UPSERT_CHUNK]
        sql = _upsert_sql(model, names, (conflict.name,), keep, len(chunk)) + returning
        params = [value for row in chunk for value in _params(model, row)]
        found.update(database.execute_sql(sql, params).fetchall())
    return found


UPSERT_CHUNK = 50  # rows per statement: 50 rows of 20 columns stay within SQLite's 999 variables
_SQL: dict[tuple, str] = {}


def _q(name: str) -> str:
    return '"' + name + '"'


def _upsert_sql(
    model, names: tuple[str, ...], conflict: tuple[str, ...], keep: tuple[str, ...], rows: int = 1
) -> str:
    """``INSERT ... ON CONFLICT DO UPDATE`` for these fields, built once and kept.

    Refreshing a library writes thousands of rows; building each statement
    through the query builder cost more than running it.
    """
    key = (model, names, conflict, keep, rows)
    sql = _SQL.get(key)
    if sql is None:
        fields = model._meta.fields
        columns = [fields[name].column_name for name in names]
        sql = (
            f"INSERT INTO {_q(model._meta.table_name)} ({', '.join(map(_q, columns))}) "
            f"VALUES {', '.join(['(' + ', '.join('?' * len(columns)) + ')'] * rows)} "
            f"ON CONFLICT ({', '.join(_q(fields[name].column_name) for name in conflict)}) "
            "DO UPDATE SET "
            + ", ".join(
                f"{_q(fields[name].column_name)} = excluded.{_q(fields[name].column_name)}"
                for name in keep
            )
        )
        _SQL[key] = sql
    return sql


def _params(model, row: dict) -> list:
    fields = model._meta.fields
    return [fields[name].db_value(value) for name, value in row.items()]


def _atomic() -> AbstractContextManager[object]:
    """A transaction of its own, or the caller's: a failure there rolls the caller's back
    whole, so a savepoint (two statements more for every show refreshed) adds nothing."""
    return nullcontext() if database.in_transaction() else database.atomic()


def save_movie(details: MovieDetails) -> int:
    return _upsert(
        MediaItem,
        [MediaItem.tmdb_id, MediaItem.type],
        {
            "tmdb_id": details.tmdb_id,
            "type": Kind.MOVIE.value,
            "title": details.title,
            "original_title": details.original_title,
            "overview": details.overview,
            "poster_path": details.poster_path,
            "backdrop_path": details.backdrop_path,
            "release_date": _iso(details.release_date),
            "vote_average": _vote(details.vote_average),
            "vote_count": details.vote_count,
            "genres": list(details.genres),
            "runtime": details.runtime,
            "status": details.status,
        },
    )


def save_show(details: ShowDetails, seasons: Iterable[SeasonDetails]) -> int:
    """The show, its seasons and every episode, in one transaction."""
    seasons = list(seasons)
    regular_episodes = sum(len(season.episodes) for season in seasons if season.season_number > 0)
    with _atomic():
        show_id = _upsert(
            MediaItem,
            [MediaItem.tmdb_id, MediaItem.type],
            {
                "tmdb_id": details.tmdb_id,
                "type": Kind.TV.value,
                "title": details.title,
                "original_title": details.original_title,
                "overview": details.overview,
                "poster_path": details.poster_path,
                "backdrop_path": details.backdrop_path,
                "release_date": _iso(details.first_air_date),
                "vote_average": _vote(details.vote_average),
                "vote_count": details.vote_count,
                "genres": list(details.genres),
                "status": details.status,
                "number_of_seasons": details.number_of_seasons,
                "number_of_episodes": regular_episodes or details.number_of_episodes,
                "last_air_date": _iso(details.last_air_date),
            },
        )
        summaries = {summary.season_number: summary for summary in details.seasons}
        stamp = Episode.updated_at.db_value(utcnow())
        season_rows = [
            _season_row(show_id, season, summaries.get(season.season_number)) for season in seasons
        ]
        season_ids = _upsert_many(Season, Season.tmdb_id, season_rows)
        episode_rows = [
            row
            for season in seasons
            for row in _episode_rows(season_ids[season.tmdb_id], season, stamp)
        ]
        if episode_rows:
            # Every episode of the show in one statement, run once per row by SQLite.
            sql = _upsert_sql(Episode, EPISODE_COLUMNS, ("tmdb_id",), EPISODE_CHANGING)
            database.cursor().executemany(sql, episode_rows)
    return show_id


def _season_row(show_id: int, season: SeasonDetails, summary: SeasonSummary | None) -> dict:
    return {
        "media_item": show_id,
        "tmdb_id": season.tmdb_id,
        "season_number": season.season_number,
        "name": season_name(season.name, season.season_number),
        "overview": season.overview,
        "air_date": _iso(season.air_date),
        "episode_count": len(season.episodes) or (summary.episode_count if summary else None),
        "poster_path": season.poster_path,
    }


# An episode row as ``_episode_rows`` lays it out, and what a refresh may change in it.
EPISODE_COLUMNS = (
    "season",
    "tmdb_id",
    "episode_number",
    "name",
    "overview",
    "air_date",
    "runtime",
    "still_path",
    "vote_average",
    "created_at",
    "updated_at",
)
EPISODE_CHANGING = tuple(name for name in EPISODE_COLUMNS if name not in ("tmdb_id", "created_at"))


def _episode_rows(season_id: int, season: SeasonDetails, stamp: object) -> list[tuple]:
    """The season's episodes as parameters in ``EPISODE_COLUMNS`` order.

    The parsed values already have the columns' types, so they go to SQLite as
    they are (``stamp`` is the timestamp as the store writes it) rather than
    through each field's conversion, which cost more than the upsert itself.
    """
    return [
        (
            season_id,
            episode.tmdb_id,
            episode.episode_number,
            episode_name(episode.name, episode.episode_number),
            episode.overview,
            _iso(episode.air_date),
            episode.runtime,
            episode.still_path,
            _vote(episode.vote_average),
            stamp,
            stamp,
        )
        for episode in season.episodes
    ]


def save_book(details: BookDetails) -> int:
    return _upsert(
        Book,
        [Book.google_id],
        {
            "google_id": details.google_id,
            "title": details.title,
            "subtitle": details.subtitle,
            "authors": list(details.authors) or None,
            "publisher": details.publisher,
            "published_date": details.published_date,
            "description": details.description,
            "isbn_13": details.isbn_13,
            "isbn_10": details.isbn_10,
            "page_count": details.page_count,
            "categories": list(details.categories) or None,
            "thumbnail": details.thumbnail,
            "language": details.language,
            "is_ebook": details.is_ebook,
        },
    )


def save_podcast(details: PodcastDetails) -> int:
    return _upsert(
        Podcast,
        [Podcast.itunes_id],
        {
            "itunes_id": details.itunes_id,
            "collection_name": details.title,
            "artist_name": details.artist,
            "feed_url": details.feed_url,
            "artwork_url": details.artwork_url,
            "genres": list(details.genres) or None,
            "release_date": details.release_date.isoformat() if details.release_date else None,
            "episode_count": details.episode_count,
        },
    )


def save_podcast_episodes(podcast_id: int, episodes: Iterable[FeedEpisode]) -> int:
    """Upsert the feed's episodes by guid; episodes gone from the feed keep their rows and ticks.

    Returns how many episodes the podcast now has.
    """
    now = utcnow()
    rows = [
        {
            "podcast": podcast_id,
            "guid": episode.guid,
            "title": episode.title,
            "published_at": episode.published.replace(tzinfo=None) if episode.published else None,
            "duration_seconds": episode.duration_seconds,
            "enclosure_url": episode.enclosure_url,
            "created_at": now,
            "updated_at": now,
        }
        for episode in episodes
    ]
    with database.atomic():
        for start in range(0, len(rows), 200):
            PodcastEpisode.insert_many(rows[start : start + 200]).on_conflict(
                conflict_target=[PodcastEpisode.podcast, PodcastEpisode.guid],
                preserve=[
                    PodcastEpisode.title,
                    PodcastEpisode.published_at,
                    PodcastEpisode.duration_seconds,
                    PodcastEpisode.enclosure_url,
                    PodcastEpisode.updated_at,
                ],
            ).execute()
        total = PodcastEpisode.select().where(PodcastEpisode.podcast == podcast_id).count()
        Podcast.update(episode_count=total, updated_at=now).where(
            Podcast.id == podcast_id
        ).execute()
    return total
