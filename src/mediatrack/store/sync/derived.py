"""Derived data after a pull, for many shows and podcasts at once.

The same figures as ``store.episodes.recompute_show`` (with ``derive_status=False``),
``save_watch_position`` and ``recompute_podcast`` compute one item at a time, but
with a handful of statements for the whole pull: the affected (person, show) pairs
go into a temporary table, their episodes and ticks are read in one ordered pass,
and the results are written with ``executemany`` and set-based updates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from mediatrack.records import ShowEpisode
from mediatrack.store.episodes import POSITION_SQL, watch_position
from mediatrack.store.models import database, utcnow

CHUNK = 5000  # rows per executemany

SHOWS = "temp.sync_derived_shows"
COUNTS = "temp.sync_derived_counts"

# Every regular episode (season 0 holds specials, which never count) of the staged
# shows, in order, with the person's tick.
EPISODES_SQL = f"""
SELECT w.user_id, w.media_item_id, e.id, s.season_number, e.episode_number, e.air_date,
  EXISTS (SELECT 1 FROM episode_watches x WHERE x.user_id = w.user_id
          AND x.episode_id = e.id AND x.deleted_at IS NULL)
FROM {SHOWS} w
JOIN seasons s ON s.media_item_id = w.media_item_id AND s.season_number > 0
JOIN episodes e ON e.season_id = s.id
ORDER BY w.user_id, w.media_item_id, s.season_number, e.episode_number
"""


def stage_shows(keys: Iterable[tuple[str | None, int, str]]) -> None:
    """Stage (person, local show id) of every progress row matching these keys.

    A key is (person or None for everyone, tmdb id, type); only shows someone tracks count.
    """
    database.execute_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {SHOWS} "
        "(user_id TEXT NOT NULL, media_item_id INTEGER NOT NULL, "
        "PRIMARY KEY (user_id, media_item_id)) WITHOUT ROWID"
    )
    database.execute_sql(f"DELETE FROM {SHOWS}")
    database.execute_sql("CREATE TEMP TABLE IF NOT EXISTS sync_derived_keys (u, tmdb_id, type)")
    database.execute_sql("DELETE FROM temp.sync_derived_keys")
    database.cursor().executemany("INSERT INTO temp.sync_derived_keys VALUES (?, ?, ?)", list(keys))
    database.execute_sql(
        f"INSERT OR IGNORE INTO {SHOWS} (user_id, media_item_id) "
        "SELECT p.user_id, m.id FROM temp.sync_derived_keys k "
        "JOIN media_items m ON m.tmdb_id = k.tmdb_id AND m.type = k.type "
        "JOIN user_progress p ON p.media_item_id = m.id AND p.deleted_at IS NULL "
        "WHERE k.u IS NULL OR p.user_id = k.u"
    )
    database.execute_sql("DELETE FROM temp.sync_derived_keys")


def recompute_staged_shows(user_id: str, today: dt.date | None = None) -> None:
    """Watch positions of every staged show; for ``user_id``'s own, counts too.

    A friend's progress row is theirs to derive: only their position is stored here.
    Statuses are never re-derived (they arrive as set on the other device).
    """
    today = today or dt.date.today()
    database.execute_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {COUNTS} (media_item_id INTEGER PRIMARY KEY, "
        "watched INTEGER NOT NULL, total INTEGER NOT NULL)"
    )
    database.execute_sql(f"DELETE FROM {COUNTS}")
    positions: list[tuple] = []
    counts: list[tuple] = []
    for person, show, episodes in _grouped(database.execute_sql(EPISODES_SQL)):
        positions.append((person, show, *watch_position(episodes, today)))
        if person == user_id:
            counts.append((show, sum(episode.watched for episode in episodes), len(episodes)))
        if len(positions) >= CHUNK:
            database.cursor().executemany(POSITION_SQL, positions)
            positions.clear()
    database.cursor().executemany(POSITION_SQL, positions)
    database.cursor().executemany(f"INSERT INTO {COUNTS} VALUES (?, ?, ?)", counts)
    database.execute_sql(
        f"UPDATE user_progress AS p SET progress = c.watched, updated_at = ? FROM {COUNTS} c "
        "WHERE p.user_id = ? AND p.media_item_id = c.media_item_id "
        "AND p.progress IS NOT c.watched",
        (str(utcnow()), user_id),
    )
    database.execute_sql(
        f"UPDATE media_items AS m SET number_of_episodes = c.total FROM {COUNTS} c "
        "WHERE m.id = c.media_item_id AND m.number_of_episodes IS NOT c.total"
    )
    database.execute_sql(f"DELETE FROM {COUNTS}")
    database.execute_sql(f"DELETE FROM {SHOWS}")


def _grouped(rows: Iterable[tuple]) -> Iterator[tuple[str, int, list[ShowEpisode]]]:
    """(person, show, its episodes in order) from the ordered rows of ``EPISODES_SQL``."""
    current: tuple[str, int] | None = None
    episodes: list[ShowEpisode] = []
    for person, show, episode_id, season, number, air_date, watched in rows:
        if (person, show) != current:
            if current is not None and episodes:
                yield current[0], current[1], episodes
            current, episodes = (person, show), []
        episodes.append(ShowEpisode(episode_id, season, number, None, air_date, bool(watched)))
    if current is not None and episodes:
        yield current[0], current[1], episodes


def recompute_podcasts(user_id: str, itunes_ids: Iterable[str]) -> None:
    """Make ``user_id``'s listened count of these podcasts equal their ticks.

    A podcast without known episodes keeps its count: it is the person's own figure.
    """
    database.execute_sql(
        "CREATE TEMP TABLE IF NOT EXISTS sync_derived_podcasts (itunes_id TEXT PRIMARY KEY)"
    )
    database.execute_sql("DELETE FROM temp.sync_derived_podcasts")
    database.cursor().executemany(
        "INSERT OR IGNORE INTO temp.sync_derived_podcasts VALUES (?)",
        [(itunes_id,) for itunes_id in itunes_ids],
    )
    # CROSS JOIN fixes the order: each staged podcast, its episodes by index, then the
    # person's listen of each by the unique (user, episode) index. A podcast without
    # known episodes has no row here.
    listened = database.execute_sql(
        "SELECT p.id, count(l.id) FROM temp.sync_derived_podcasts d "
        "CROSS JOIN podcasts p ON p.itunes_id = d.itunes_id "
        "CROSS JOIN podcast_episodes e ON e.podcast_id = p.id "
        "LEFT JOIN podcast_listens l ON l.user_id = ? AND l.episode_id = e.id "
        "AND l.deleted_at IS NULL GROUP BY p.id",
        (user_id,),
    ).fetchall()
    now = str(utcnow())
    database.cursor().executemany(
        "UPDATE user_podcast_progress SET progress = ?, updated_at = ? "
        "WHERE user_id = ? AND podcast_id = ? AND progress IS NOT ?",
        [(count, now, user_id, podcast_id, count) for podcast_id, count in listened],
    )
    database.execute_sql("DELETE FROM temp.sync_derived_podcasts")
