"""``friends``: list friends and requests; ``friends add|accept|decline|remove|block|unblock
EMAIL``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mediatrack.cli.common import CliError, open_library, print_json
from mediatrack.display.dates import day_text
from mediatrack.display.entries import under_way_text
from mediatrack.display.text import NAME_LIMIT, inert

if TYPE_CHECKING:
    from mediatrack.records import EntryKey, FriendNote
    from mediatrack.services.friends import FriendsOverview, FriendsService
    from mediatrack.services.library import Library

ACTIONS = {
    "add": "ask someone to be friends, by their email",
    "accept": "accept a friend request",
    "decline": "decline a friend request",
    "remove": "end a friendship, or cancel a request you sent",
    "block": "refuse every friend request from someone (and end what is between you)",
    "unblock": "take back a block",
}


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    friends = commands.add_parser(
        "friends",
        parents=[common],
        help="your friends, what they watch, read and listen to, and requests",
        description=(
            "Without an action: your friends with what each is on now, and incoming and "
            "outgoing requests, as of the last sync. Actions go to the server at once when it "
            "is reachable, else at the next sync."
        ),
    )
    friends.add_argument("--json", action="store_true", help="print JSON")
    friends.set_defaults(handler=list_friends)
    actions = friends.add_subparsers(dest="friends_action", metavar="ACTION")
    for name, text in ACTIONS.items():
        action = actions.add_parser(name, parents=[common], help=text, description=text + ".")
        action.add_argument("email", metavar="EMAIL")
        action.set_defaults(handler=change_friendship, action=name)


def _service(args: argparse.Namespace) -> FriendsService:
    from mediatrack.services.friends import FriendsService
    from mediatrack.services.identity import whoami

    open_library(args)
    user = whoami()
    if not user.logged_in:
        raise CliError("Friends need an account: sign in first with `mediatrack login`.")
    return FriendsService(user.id)


def friend_library(args: argparse.Namespace, email: str) -> Library:
    """``list --user EMAIL``: a friend's library, as the last sync brought it."""
    return _service(args).library(email)


def friend_notes(args: argparse.Namespace, email: str) -> dict[EntryKey, FriendNote]:
    """``list --user EMAIL --json``: the notes that friend shared, by item."""
    return _service(args).shared_notes(email)


def change_friendship(args: argparse.Namespace) -> int:
    result = getattr(_service(args), args.action)(args.email)
    print(inert(result.message))
    return 0


def list_friends(args: argparse.Namespace) -> int:
    overview = _service(args).overview()
    if args.json:
        print_json(overview_json(overview))
    else:
        _print_overview(overview)
    return 0


def _stamp(value) -> str:
    return value.isoformat(timespec="seconds") + "Z"


def overview_json(overview: FriendsOverview) -> dict[str, list]:
    from mediatrack.cli.library import entry_json

    def person(request) -> dict[str, str]:
        return {"name": request.person.name, "email": request.person.email}

    return {
        "friends": [
            {
                **person(friend),
                "since": _stamp(friend.since),
                "now": [entry_json(entry) for entry in friend.now],
                "latest": entry_json(friend.latest) if friend.latest else None,
            }
            for friend in overview.friends
        ],
        "incoming": [{**person(r), "since": _stamp(r.since)} for r in overview.incoming],
        "outgoing": [{**person(r), "since": _stamp(r.since)} for r in overview.outgoing],
        "queued": [
            {"action": q.action, "email": q.email, "queued_at": _stamp(q.queued_at)}
            for q in overview.queued
        ],
    }


def _who(person) -> str:
    """``Name <email>``: both come from the server, written by the person themselves."""
    return f"{inert(person.name, limit=NAME_LIMIT)} <{inert(person.email, limit=NAME_LIMIT)}>"


def _print_overview(overview: FriendsOverview) -> None:
    if not any((overview.friends, overview.incoming, overview.outgoing, overview.queued)):
        print("No friends yet. Ask someone: mediatrack friends add EMAIL")
        return
    if overview.friends:
        print("Friends")
    for friend in overview.friends:
        now = "; ".join(under_way_text(entry) for entry in friend.now)
        print(f"  {_who(friend.person)}  {now or 'nothing in progress'}")
    for title, requests in (("Incoming", overview.incoming), ("Outgoing", overview.outgoing)):
        if requests:
            print(f"{title} requests")
        for request in requests:
            since = day_text(request.since)
            print(f"  {_who(request.person)}  since {since}")
    if overview.queued:
        print("Waiting for the next sync")
    for queued in overview.queued:
        print(f"  {queued.action} {inert(queued.email)}")
