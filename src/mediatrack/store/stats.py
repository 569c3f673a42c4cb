"""The stats figures, each one SQL aggregate over one user's library.

Nothing here loads the library into Python: every function returns sums,
counts or a few ranked rows. Dates are compared as ISO text (the store keeps
naive UTC timestamps, ``YYYY-MM-DD HH:MM:SS``), so a month is a UTC month.

When is an item *completed*? When its progress row is live (not removed) and
has the kind's done status (``completed``; ``listened`` for a podcast). The day
it counts on is the latest day recorded in ``finish_dates`` for it (an import
or a rewatch records the real day), else the day its progress row last changed
(``updated_at``: the day it was marked done, as nothing else changes a done
row's status or progress). One completion per item: a rewatch moves the day,
it does not count twice.

What each figure counts, for a period from ``start`` (included) to ``end``
(excluded):

- minutes watched: the runtime of every episode ticked in the period
  (``episode_watches.watched_at``) of a show still in the library, plus the
  runtime of every movie completed in the period; ticks and movies with no
  known runtime are counted apart;
- pages read: the pages of every book completed in the period (its page
  count, else the page the user recorded);
- episodes listened: podcast episodes ticked in the period
  (``podcast_listens.listened_at``) of a podcast still in the library;
- ratings, genres, authors and the best rated: of the items completed in the period.
"""

from __future__ import annotations

from typing import Any

from mediatrack.figures import Consumption, Period, Ranked, Standout, Stats
from mediatrack.kinds import Kind
from mediatrack.store.models import database

TOP = 10  # genres and authors listed
BEST = 5  # highest rated finished items listed

# One row per item of the user completed in the period: its kind, id, day, title,
# rating and labels. ``genres`` and ``authors`` are JSON lists (or NULL).
_DONE = """
WITH done AS (
  SELECT m.type AS kind, m.id AS item_id, m.title AS title, m.runtime AS runtime,
         NULL AS pages, m.genres AS genres, NULL AS authors,
         (SELECT r.rating FROM ratings r WHERE r.user_id = p.user_id
            AND r.media_item_id = p.media_item_id AND r.deleted_at IS NULL) AS rating,
         coalesce((SELECT max(f.finished_on) FROM finish_dates f WHERE f.user_id = p.user_id
            AND f.kind = m.type AND f.item_id = p.media_item_id), date(p.updated_at)) AS day
  FROM user_progress p JOIN media_items m ON m.id = p.media_item_id
  WHERE p.user_id = :user AND p.status = 'completed' AND p.deleted_at IS NULL
  UNION ALL
  SELECT 'book', b.id, b.title, NULL, coalesce(nullif(b.page_count, 0), nullif(p.progress, 0)),
         b.categories, b.authors, p.rating,
         coalesce((SELECT max(f.finished_on) FROM finish_dates f WHERE f.user_id = p.user_id
            AND f.kind = 'book' AND f.item_id = p.book_id), date(p.updated_at))
  FROM user_book_progress p JOIN books b ON b.id = p.book_id
  WHERE p.user_id = :user AND p.status = 'completed' AND p.deleted_at IS NULL
  UNION ALL
  SELECT 'podcast', c.id, c.collection_name, NULL, NULL, c.genres, NULL, p.rating,
         coalesce((SELECT max(f.finished_on) FROM finish_dates f WHERE f.user_id = p.user_id
            AND f.kind = 'podcast' AND f.item_id = p.podcast_id), date(p.updated_at))
  FROM user_podcast_progress p JOIN podcasts c ON c.id = p.podcast_id
  WHERE p.user_id = :user AND p.status = 'listened' AND p.deleted_at IS NULL
)
SELECT * FROM done WHERE day >= :start AND day < :end
"""
PERIOD = "temp.stats_period"  # the completed items of the period, made once per ``stats``


def _rows(sql: str, params: dict[str, Any]) -> list[tuple]:
    return list(database.execute_sql(sql, params).fetchall())


def _params(user_id: str, period: Period) -> dict[str, Any]:
    return {"user": user_id, "start": period.start.isoformat(), "end": period.end.isoformat()}


def _completed_by_month(period: Period) -> dict[Kind, list[int]]:
    """Per kind, how many items were completed in each month of the period."""
    months = period.months
    counts = {kind: [0] * len(months) for kind in Kind}
    sql = f"SELECT substr(day, 1, 7), kind, count(*) FROM {PERIOD} GROUP BY 1, 2"
    for month, kind, count in _rows(sql, {}):
        if month in months:
            counts[Kind(kind)][months.index(month)] = count
    return counts


def _consumption(user_id: str, period: Period) -> Consumption:
    """Minutes watched, pages read, episodes listened in the period (see the module's notes)."""
    params = _params(user_id, period)
    ((movie_minutes, movies_unknown, pages, pages_unknown),) = _rows(
        f"""SELECT
          coalesce(sum(CASE WHEN kind = 'movie' THEN runtime END), 0),
          coalesce(sum(kind = 'movie' AND runtime IS NULL), 0),
          coalesce(sum(CASE WHEN kind = 'book' THEN pages END), 0),
          coalesce(sum(kind = 'book' AND pages IS NULL), 0)
        FROM {PERIOD}""",
        {},
    )
    ((episode_minutes, episodes_unknown),) = _rows(
        """SELECT coalesce(sum(e.runtime), 0), coalesce(sum(e.runtime IS NULL), 0)
        FROM episode_watches w
        JOIN episodes e ON e.id = w.episode_id
        JOIN seasons s ON s.id = e.season_id
        JOIN user_progress p ON p.media_item_id = s.media_item_id AND p.user_id = w.user_id
        WHERE w.user_id = :user AND w.deleted_at IS NULL AND p.deleted_at IS NULL
          AND w.watched_at >= :start AND w.watched_at < :end""",
        params,
    )
    ((listened,),) = _rows(
        """SELECT count(*) FROM podcast_listens l
        JOIN podcast_episodes e ON e.id = l.episode_id
        JOIN user_podcast_progress p ON p.podcast_id = e.podcast_id AND p.user_id = l.user_id
        WHERE l.user_id = :user AND l.deleted_at IS NULL AND p.deleted_at IS NULL
          AND l.listened_at >= :start AND l.listened_at < :end""",
        params,
    )
    return Consumption(
        minutes_watched=movie_minutes + episode_minutes,
        runtime_unknown=movies_unknown + episodes_unknown,
        pages_read=pages,
        pages_unknown=pages_unknown,
        episodes_listened=listened,
    )


def _rating_distribution() -> dict[Kind, list[int]]:
    """Per kind, how many items completed in the period got each rating from 1 to 10."""
    counts = {kind: [0] * 10 for kind in Kind}
    sql = f"SELECT kind, rating, count(*) FROM {PERIOD} WHERE rating IS NOT NULL GROUP BY 1, 2"
    for kind, rating, count in _rows(sql, {}):
        counts[Kind(kind)][rating - 1] = count
    return counts


def _ranked(column: str) -> list[Ranked]:
    sql = (
        f"SELECT trim(j.value), count(*) FROM {PERIOD} AS p, json_each(p.{column}) AS j "
        "WHERE trim(j.value) <> '' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT :top"
    )
    return [Ranked(name, count) for name, count in _rows(sql, {"top": TOP})]


def _top_genres() -> list[Ranked]:
    """The genres (book categories too) most often carried by items completed in the period."""
    return _ranked("genres")


def _top_authors() -> list[Ranked]:
    """The authors of the most books completed in the period."""
    return _ranked("authors")


def _best_rated() -> list[Standout]:
    """The highest rated items completed in the period, most recent first on a tie."""
    sql = (
        f"SELECT kind, title, rating FROM {PERIOD} WHERE rating IS NOT NULL "
        "ORDER BY rating DESC, day DESC, title LIMIT :best"
    )
    rows = _rows(sql, {"best": BEST})
    return [Standout(Kind(kind), title, rating) for kind, title, rating in rows]


def stats(user_id: str, period: Period) -> Stats:
    """Every figure for one period, in one transaction (a consistent picture).

    The items completed in the period are gathered once, into a temporary table
    of this connection; each figure then reads that table.
    """
    with database.atomic():
        database.execute_sql(f"DROP TABLE IF EXISTS {PERIOD}")
        database.execute_sql(f"CREATE TEMP TABLE stats_period AS {_DONE}", _params(user_id, period))
        figures = Stats(
            period=period,
            completed=_completed_by_month(period),
            consumption=_consumption(user_id, period),
            ratings=_rating_distribution(),
            genres=_top_genres(),
            authors=_top_authors(),
            best=_best_rated(),
        )
        database.execute_sql(f"DROP TABLE {PERIOD}")
        return figures
