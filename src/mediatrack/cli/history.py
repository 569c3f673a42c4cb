"""``history`` and ``rewatch``: what you did and when, and a new run of a finished item."""

from __future__ import annotations

import argparse

from mediatrack.cli.common import (
    CliError,
    add_yes_option,
    int_argument,
    key_argument,
    open_library,
    print_json,
    print_table,
    refused_unless_yes,
)
from mediatrack.display.history import run_text, what_text, when_text
from mediatrack.records import HistoryEvent


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    history = commands.add_parser(
        "history",
        parents=[common],
        help="what you watched, read and listened to, newest first",
        description=(
            "Your history, newest first: episodes watched and listened to, items finished, "
            "earlier runs of what you watched again. With ITEM, that item's only."
        ),
    )
    history.add_argument(
        "item", nargs="?", type=key_argument, metavar="ITEM", help="an id `list` shows, e.g. tv:12"
    )
    history.add_argument(
        "--limit", type=int_argument, default=50, help="how many entries (default 50)"
    )
    history.add_argument("--json", action="store_true", help="print a JSON array")
    history.set_defaults(handler=show_history)

    for name, verb in (("rewatch", "watch"), ("reread", "read")):
        again = commands.add_parser(
            name,
            parents=[common],
            help=f"{verb} a finished item again: a new run, the old one kept",
            description=(
                "Start a new run of a finished show, movie or book: its progress starts again "
                "at 0, and the run you finished stays in its history. Without --yes it only "
                "says what would change."
            ),
        )
        again.add_argument(
            "item", type=key_argument, metavar="ITEM", help="the id `list` shows, e.g. tv:12"
        )
        add_yes_option(again)
        again.set_defaults(handler=start_again)


def _history(args: argparse.Namespace):
    from mediatrack.services.history import History

    return History(open_library(args).user_id)


def show_history(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise CliError(f"--limit takes a number from 1 up, not {args.limit}.")
    events = _history(args).events(args.item, limit=args.limit)
    if args.json:
        print_json([event_json(event) for event in events])
    elif not events:
        print("Nothing in your history yet." if args.item is None else "No history for it yet.")
    else:
        print_table(
            ("WHEN", "ID", "TITLE", "WHAT", "RUN"),
            [
                (
                    when_text(event),
                    str(event.key),
                    event.title,
                    what_text(event),
                    run_text(event.run) if args.item else "",
                )
                for event in events
            ],
            wide=2,
        )
    return 0


def event_json(event: HistoryEvent) -> dict[str, object]:
    return {
        "at": event.at.isoformat(timespec="seconds") + "Z",
        "id": str(event.key),
        "kind": event.key.kind.value,
        "title": event.title,
        "event": event.event,
        "season": event.season,
        "episode": event.episode,
        "detail": event.detail,
        "run": event.run or None,
    }


def start_again(args: argparse.Namespace) -> int:
    with refused_unless_yes():
        entry, run, _ = _history(args).start_again(args.item, confirm=args.yes)
    print(f"{entry.key} {entry.title!r}: run {run} started, progress back to 0.")
    return 0
