"""Friends: requests by email, answers, and what each friend watches, reads and listens to now.

Reads come from the local database, as the last sync left it: friends'
libraries are pulled into the same tables under their user ids, so
``Library(friend_id)`` reads one. Changes (``add``, ``accept``, ``decline``,
``remove``) are queued in ``sync_outbox`` and sent by a sync right away; when
the server cannot be reached they stay queued for the next sync. The server
decides (row-level security); a refusal comes back as ``FriendsError``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from mediatrack.errors import MediatrackError
from mediatrack.figures import Activity, ComparedItem, Comparison
from mediatrack.kinds import KINDS
from mediatrack.records import EntryKey, FriendNote, LibraryEntry
from mediatrack.services.library import AlreadyInLibrary, Library, UnknownItem
from mediatrack.services.sync import (
    ServerUnreachable,
    SyncError,
    SyncNotConfigured,
    SyncReport,
    send_now,
    sync_once,
)
from mediatrack.store import friends as friend_rows
from mediatrack.store.db import LOCAL_USER_ID, connection, transaction
from mediatrack.store.sync import local

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ACTIVE = {info.active_status for info in KINDS.values()}


class FriendsError(MediatrackError):
    """A friend request or answer that cannot be made; the message is one sentence."""


@dataclass(frozen=True, slots=True)
class Person:
    user_id: str
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Friend:
    person: Person
    since: dt.datetime  # when the friendship last changed (accepted), naive UTC
    now: tuple[LibraryEntry, ...]  # what they are watching, reading, listening to
    latest: LibraryEntry | None  # their most recently changed item


@dataclass(frozen=True, slots=True)
class _Link:
    sent: bool  # the user asked (else the other person did)
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    person: Person


@dataclass(frozen=True, slots=True)
class Request:
    person: Person
    since: dt.datetime


@dataclass(frozen=True, slots=True)
class QueuedAction:
    action: str
    email: str
    queued_at: dt.datetime


@dataclass(frozen=True, slots=True)
class FriendsOverview:
    friends: tuple[Friend, ...]
    incoming: tuple[Request, ...]
    outgoing: tuple[Request, ...]
    queued: tuple[QueuedAction, ...]


@dataclass(frozen=True, slots=True)
class ActionResult:
    action: str
    email: str
    sent: bool  # False: queued for the next sync
    message: str  # one sentence for the user


class FriendsService:
    """One user's friends. Safe to call from worker threads."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id

    # --- reads -----------------------------------------------------------------------

    def overview(self) -> FriendsOverview:
        friends: list[Friend] = []
        incoming: list[Request] = []
        outgoing: list[Request] = []
        with connection():
            for link in self._friendships():
                if link.status == "accepted":
                    friends.append(self._friend(link.person, link.updated_at))
                else:
                    requests = outgoing if link.sent else incoming
                    requests.append(Request(link.person, link.created_at))
            queued = [
                QueuedAction(action.action, action.email, action.created_at)
                for action in local.pending_actions()
            ]
        friends.sort(key=lambda friend: friend.person.name.casefold())
        return FriendsOverview(tuple(friends), tuple(incoming), tuple(outgoing), tuple(queued))

    def _friendships(self) -> list[_Link]:
        """Live friendships and requests involving the user, each with the other person."""
        return [
            _Link(
                row.sent,
                row.status,
                row.created_at,
                row.updated_at,
                Person(row.other_id, row.other_name, row.other_email),
            )
            for row in friend_rows.friendships(self.user_id)
        ]

    def _friend(self, person: Person, since: dt.datetime) -> Friend:
        entries = Library(person.user_id).all_entries()
        now = tuple(entry for entry in entries if entry.status in ACTIVE)
        latest = max(entries, key=lambda entry: entry.updated_at, default=None)
        return Friend(person, since, now, latest)

    def friend_id(self, email: str) -> str:
        """The user id of the accepted friend with this email."""
        wanted = email.strip().lower()
        with connection():
            for link in self._friendships():
                if link.status == "accepted" and link.person.email.lower() == wanted:
                    return link.person.user_id
        raise FriendsError(
            f"{wanted} is not one of your friends (see `mediatrack friends`); "
            "a new friend's library arrives with the next sync."
        )

    def library(self, email: str) -> Library:
        """A friend's library, read-only by convention: the server refuses writes to it."""
        return Library(self.friend_id(email))

    def compare(self, email: str) -> list[ComparedItem]:
        """Items both of you rated, with both ratings, closest agreement first."""
        return self.comparison(email).items

    def comparison(self, email: str, disagreements: int = 5) -> Comparison:
        """Items both of you rated, closest first; your average gap; where you differ most."""
        friend_id = self.friend_id(email)
        with connection():
            items = friend_rows.both_rated(self.user_id, friend_id)
            _, gap, difference = friend_rows.rating_gaps(self.user_id, friend_id)
        widest = sorted(
            (item for item in items if item.difference),
            key=lambda item: -abs(item.difference),
        )
        return Comparison(items, gap, difference, widest[:disagreements])

    def activity(self, limit: int = 50) -> list[Activity]:
        """What your friends finished, started or rated, newest first, as the last sync left it."""
        with connection():
            return friend_rows.activity(self.user_id, limit)

    def friends_rating(self, key: EntryKey) -> tuple[float, int] | None:
        """Your friends' average rating of an item, and how many rated it; None if none did."""
        with connection():
            return friend_rows.friends_rating(self.user_id, key)

    def shared_notes(self, email: str) -> dict[EntryKey, FriendNote]:
        """The notes this friend shared on items in their library, by item."""
        friend_id = self.friend_id(email)
        with connection():
            found = friend_rows.friends_notes(self.user_id, friend_id=friend_id)
        return {note.key: note for note in found}

    def add_to_my_library(self, key: EntryKey) -> LibraryEntry:
        """Put an item of a friend's library into yours, as planned.

        Raises ``AlreadyInLibrary`` when it is in yours already: nothing is changed.
        """
        mine = Library(self.user_id)
        with transaction():
            try:
                existing = mine.entry(key)
            except UnknownItem:
                existing = None
            if existing is not None:
                raise AlreadyInLibrary(existing)
            mine.track(key.kind, key.item_id, KINDS[key.kind].plan_status)
            return mine.entry(key)

    # --- changes ---------------------------------------------------------------------

    def add(self, email: str) -> ActionResult:
        """Ask the person with this email to be friends (or accept their request to you)."""
        return self._act("add", email)

    def accept(self, email: str) -> ActionResult:
        return self._act("accept", email)

    def decline(self, email: str) -> ActionResult:
        return self._act("decline", email)

    def remove(self, email: str) -> ActionResult:
        """End a friendship, or cancel a request you sent."""
        return self._act("remove", email)

    def block(self, email: str) -> ActionResult:
        """No friend requests from this person at all; what is between you ends.

        Sent at once, never queued: the server must be reachable.
        """
        return self._now("block", email)

    def unblock(self, email: str) -> ActionResult:
        return self._now("unblock", email)

    def _now(self, action: str, email: str) -> ActionResult:
        email = self._check(email)
        try:
            send_now(action, email)
        except SyncError as error:
            raise FriendsError(str(error)) from None
        done = {
            "block": f"Blocked {email}: no friend requests from them.",
            "unblock": f"Unblocked {email}.",
        }
        return ActionResult(action, email, True, done[action])

    def _check(self, email: str) -> str:
        """The email, normalised, if it may be the subject of a friend action."""
        email = email.strip().lower()
        if self.user_id == LOCAL_USER_ID:
            raise FriendsError("Friends need an account: sign in first with `mediatrack login`.")
        if not EMAIL.match(email):
            raise FriendsError(f"{email!r} is not an email address.")
        with connection():
            mine = friend_rows.email_of(self.user_id)
        if mine is not None and mine.lower() == email:
            raise FriendsError("That is your own email.")
        return email

    def _act(self, action: str, email: str) -> ActionResult:
        email = self._check(email)
        with connection():
            action_id = local.queue_action(action, email)
        try:
            report = sync_once()
        except (ServerUnreachable, SyncNotConfigured) as error:
            return ActionResult(action, email, False, f"Queued: {error} It goes at the next sync.")
        except SyncError as error:
            with connection():
                local.drop_action(action_id)  # reported as failed: it must not go later
            raise FriendsError(str(error)) from None
        return _outcome(action, email, action_id, report)


def _outcome(action: str, email: str, action_id: int, report: SyncReport) -> ActionResult:
    for failed in report.failed_actions:
        if failed.action_id == action_id:
            raise FriendsError(failed.reason)
    done = {
        "add": f"Asked {email} to be friends (or accepted their request).",
        "accept": f"You and {email} are friends now.",
        "decline": f"Declined the request from {email}.",
        "remove": f"{email} is no longer a friend or a request of yours.",
    }
    return ActionResult(action, email, True, done[action])
