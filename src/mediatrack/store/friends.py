"""Friendship rows as the last sync left them: who is linked to a user, and how."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Case

from mediatrack.figures import Activity, ComparedItem
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey, FriendNote
from mediatrack.store.models import Friendship, User, database


@dataclass(frozen=True, slots=True)
class FriendshipRow:
    """One live friendship or request involving a user, seen from that user's side."""

    sent: bool  # the user asked (else the other person did)
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    other_id: str
    other_name: str
    other_email: str


def friendships(user_id: str) -> list[FriendshipRow]:
    """Live (not deleted) friendships and requests involving ``user_id``, oldest first."""
    other = User.alias()
    other_id = Case(None, [(Friendship.user == user_id, Friendship.friend)], Friendship.user)
    query = (
        Friendship.select(
            Friendship.user,
            Friendship.status,
            Friendship.created_at,
            Friendship.updated_at,
            other.id,
            other.name,
            other.email,
        )
        .join(other, on=(other.id == other_id))
        .where(
            ((Friendship.user == user_id) | (Friendship.friend == user_id))
            & Friendship.deleted_at.is_null()
        )
        .order_by(Friendship.created_at)
        .tuples()
        .iterator()
    )
    return [
        FriendshipRow(requester == user_id, status, created, updated, *person)
        for requester, status, created, updated, *person in query
    ]


def email_of(user_id: str) -> str | None:
    """The email of a known user, or None when no row has that id."""
    row = User.select(User.email).where(User.id == user_id).tuples().first()
    return row[0] if row else None


# Accepted, live friendships of :user, as the other person's id.
_FRIENDS = """
friends AS (
  SELECT CASE WHEN f.user_id = :user THEN f.friend_id ELSE f.user_id END AS id
  FROM friendships f
  WHERE (f.user_id = :user OR f.friend_id = :user)
    AND f.status = 'accepted' AND f.deleted_at IS NULL
)"""

# Every live rating, whichever table holds it: (user_id, kind, item_id, rating, updated_at).
_RATINGS = """
rated AS (
  SELECT r.user_id, m.type AS kind, r.media_item_id AS item_id, r.rating, r.updated_at
  FROM ratings r JOIN media_items m ON m.id = r.media_item_id
  JOIN user_progress p ON p.user_id = r.user_id AND p.media_item_id = r.media_item_id
  WHERE r.deleted_at IS NULL AND p.deleted_at IS NULL
  UNION ALL
  SELECT user_id, 'book', book_id, rating, updated_at FROM user_book_progress
  WHERE rating IS NOT NULL AND deleted_at IS NULL
  UNION ALL
  SELECT user_id, 'podcast', podcast_id, rating, updated_at FROM user_podcast_progress
  WHERE rating IS NOT NULL AND deleted_at IS NULL
)"""

_TITLE = """CASE x.kind
    WHEN 'book' THEN (SELECT title FROM books WHERE id = x.item_id)
    WHEN 'podcast' THEN (SELECT collection_name FROM podcasts WHERE id = x.item_id)
    ELSE (SELECT title FROM media_items WHERE id = x.item_id) END"""


def both_rated(user_id: str, friend_id: str) -> list[ComparedItem]:
    """Items both people rated (live ratings of items in both libraries), closest first."""
    sql = f"""WITH {_RATINGS.strip()}
    SELECT x.kind, {_TITLE}, x.rating, y.rating
    FROM rated x JOIN rated y ON y.kind = x.kind AND y.item_id = x.item_id
    WHERE x.user_id = :user AND y.user_id = :friend
    ORDER BY abs(x.rating - y.rating), 2"""
    rows = database.execute_sql(sql, {"user": user_id, "friend": friend_id}).fetchall()
    return [ComparedItem(Kind(kind), title, mine, theirs) for kind, title, mine, theirs in rows]


def rating_gaps(user_id: str, friend_id: str) -> tuple[int, float | None, float | None]:
    """How many items both rated, the mean of |yours - theirs|, the mean of yours - theirs."""
    sql = f"""WITH {_RATINGS.strip()}
    SELECT count(*), avg(abs(x.rating - y.rating)), avg(x.rating - y.rating)
    FROM rated x JOIN rated y ON y.kind = x.kind AND y.item_id = x.item_id
    WHERE x.user_id = :user AND y.user_id = :friend"""
    ((count, gap, difference),) = database.execute_sql(
        sql, {"user": user_id, "friend": friend_id}
    ).fetchall()
    return count, gap, difference


def friends_rating(user_id: str, key: EntryKey) -> tuple[float, int] | None:
    """The average rating of the user's friends who rated this item, and how many they are.

    Only live ratings of items in the friend's library count, as everywhere else.
    """
    if key.kind in (Kind.TV, Kind.MOVIE):
        rated = """SELECT r.user_id, r.rating FROM ratings r
          JOIN user_progress p ON p.user_id = r.user_id AND p.media_item_id = r.media_item_id
          WHERE r.media_item_id = :item AND r.deleted_at IS NULL AND p.deleted_at IS NULL"""
    else:
        table, column = (
            ("user_book_progress", "book_id")
            if key.kind is Kind.BOOK
            else ("user_podcast_progress", "podcast_id")
        )
        rated = f"""SELECT user_id, rating FROM {table}
          WHERE {column} = :item AND rating IS NOT NULL AND deleted_at IS NULL"""
    sql = f"""WITH {_FRIENDS.strip()}, rated AS ({rated})
    SELECT avg(rating), count(*) FROM rated WHERE user_id IN (SELECT id FROM friends)"""
    ((average, count),) = database.execute_sql(sql, {"user": user_id, "item": key.item_id})
    return (average, count) if count else None


# Every live shared note on an item in its writer's library: (user_id, kind, item_id, note, at).
_SHARED_NOTES = """
shared AS (
  SELECT n.user_id, m.type AS kind, n.media_item_id AS item_id, n.note, n.updated_at
  FROM media_notes n JOIN media_items m ON m.id = n.media_item_id
  JOIN user_progress p ON p.user_id = n.user_id AND p.media_item_id = n.media_item_id
  WHERE n.note_shared AND n.deleted_at IS NULL AND p.deleted_at IS NULL
  UNION ALL
  SELECT n.user_id, 'book', n.book_id, n.note, n.updated_at
  FROM book_notes n JOIN user_book_progress p ON p.user_id = n.user_id AND p.book_id = n.book_id
  WHERE n.note_shared AND n.deleted_at IS NULL AND p.deleted_at IS NULL
  UNION ALL
  SELECT n.user_id, 'podcast', n.podcast_id, n.note, n.updated_at
  FROM podcast_notes n
  JOIN user_podcast_progress p ON p.user_id = n.user_id AND p.podcast_id = n.podcast_id
  WHERE n.note_shared AND n.deleted_at IS NULL AND p.deleted_at IS NULL
)"""


def friends_notes(
    user_id: str, *, key: EntryKey | None = None, friend_id: str | None = None
) -> list[FriendNote]:
    """Notes the user's accepted friends shared, newest first: on one item (``key``), by one
    friend (``friend_id``), or both.

    Only live shared rows of items in the friend's library, as with ratings: a private row
    must never show, whatever reached this file, and a note taken back is a tombstone.
    """
    where = ["x.user_id IN (SELECT id FROM friends)", "x.note <> ''"]
    params: dict[str, object] = {"user": user_id}
    if key is not None:
        where.append("x.kind = :kind AND x.item_id = :item")
        params |= {"kind": key.kind.value, "item": key.item_id}
    if friend_id is not None:
        where.append("x.user_id = :friend")
        params["friend"] = friend_id
    sql = f"""WITH {_FRIENDS.strip()}, {_SHARED_NOTES.strip()}
    SELECT x.kind, x.item_id, coalesce(nullif(u.name, ''), u.email), x.note, x.updated_at
    FROM shared x JOIN users u ON u.id = x.user_id
    WHERE {" AND ".join(where)}
    ORDER BY x.updated_at DESC, 3"""
    return [
        FriendNote(EntryKey(Kind(kind), item_id), name, note, _datetime(at))
        for kind, item_id, name, note, at in database.execute_sql(sql, params).fetchall()
    ]


def activity(user_id: str, limit: int = 50) -> list[Activity]:
    """What the user's friends finished, started or rated, newest first.

    One line per friend and item, from the rows sync pulled: a finished or
    started item (its progress row's status, when that row last changed, with
    its rating if any), or a rating alone of an item neither finished nor
    under way (when the rating last changed).
    """
    sql = f"""WITH {_FRIENDS.strip()}, {_RATINGS.strip()},
    progress AS (
      SELECT p.user_id, m.type AS kind, p.media_item_id AS item_id, p.status, p.updated_at
      FROM user_progress p JOIN media_items m ON m.id = p.media_item_id
      WHERE p.deleted_at IS NULL AND p.user_id IN (SELECT id FROM friends)
      UNION ALL
      SELECT user_id, 'book', book_id, status, updated_at FROM user_book_progress
      WHERE deleted_at IS NULL AND user_id IN (SELECT id FROM friends)
      UNION ALL
      SELECT user_id, 'podcast', podcast_id, status, updated_at FROM user_podcast_progress
      WHERE deleted_at IS NULL AND user_id IN (SELECT id FROM friends)
    ),
    events AS (
      SELECT p.user_id, p.kind, p.item_id,
             CASE WHEN p.status IN ('completed', 'listened') THEN 'finished' ELSE 'started' END
               AS verb,
             r.rating, max(p.updated_at, coalesce(r.updated_at, p.updated_at)) AS at
      FROM progress p LEFT JOIN rated r
        ON r.user_id = p.user_id AND r.kind = p.kind AND r.item_id = p.item_id
      WHERE p.status IN ('completed', 'listened', 'watching', 'reading', 'listening')
      UNION ALL
      SELECT r.user_id, r.kind, r.item_id, 'rated', r.rating, r.updated_at
      FROM rated r JOIN progress p
        ON p.user_id = r.user_id AND p.kind = r.kind AND p.item_id = r.item_id
      WHERE p.status NOT IN ('completed', 'listened', 'watching', 'reading', 'listening')
    )
    SELECT u.name, u.email, x.verb, x.kind, x.item_id, {_TITLE}, x.rating, x.at
    FROM events x JOIN users u ON u.id = x.user_id
    ORDER BY x.at DESC, u.name, 6 LIMIT :limit"""
    rows = database.execute_sql(sql, {"user": user_id, "limit": limit}).fetchall()
    return [
        Activity(name, email, verb, Kind(kind), item_id, title, rating, _datetime(at))
        for name, email, verb, kind, item_id, title, rating, at in rows
    ]


def _datetime(value: str | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)
