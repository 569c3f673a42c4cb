"""Friendship rows as the last sync left them: who is linked to a user, and how."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Case

from mediatrack.store.models import Friendship, User


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
