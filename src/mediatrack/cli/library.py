"""``add``, ``list`` and ``set``: the library from the command line."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from mediatrack.cli.common import (
    CliError,
    add_yes_option,
    int_argument,
    key_argument,
    kind_argument,
    open_library,
    print_json,
    print_table,
    refused_unless_yes,
)
from mediatrack.display.entries import describe, next_text, progress_text, rating_text
from mediatrack.folding import fold
from mediatrack.kinds import KINDS
from mediatrack.records import LibraryEntry


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    add = commands.add_parser(
        "add",
        parents=[common],
        help="add an item from its catalog id, or by hand",
        description=(
            "Add a movie, show, book or podcast. With a catalog id and no --title, its details "
            "are fetched from TMDB, Google Books or iTunes. With --title it is added by hand, "
            "without the network."
        ),
    )
    add.add_argument("kind", type=kind_argument, metavar="KIND", help="movie, tv, book or podcast")
    add.add_argument("--title", help="add by hand with this title (no network)")
    add.add_argument("--year", type=int_argument, help="year of release, first air or publication")
    add.add_argument("--status", help="initial status (default: the kind's plan_to_* status)")
    add.add_argument(
        "--author",
        "--artist",
        dest="creator",
        help="author(s) of a book, comma-separated, or artist of a podcast",
    )
    add.add_argument(
        "--total", type=int_argument, help="number of episodes (show, podcast) or pages"
    )
    ids = add.add_mutually_exclusive_group()
    ids.add_argument("--tmdb-id", help="TMDB id of a movie or show")
    ids.add_argument("--google-id", help="Google Books volume id of a book")
    ids.add_argument("--itunes-id", help="iTunes collection id of a podcast")
    add_yes_option(add)
    add.set_defaults(handler=add_item)

    listing = commands.add_parser(
        "list", parents=[common], help="print your library", description="Print your library."
    )
    listing.add_argument(
        "--kind", type=kind_argument, help="only this kind: movie, tv, book, podcast"
    )
    listing.add_argument("--status", help="only items with this status")
    listing.add_argument(
        "--filter",
        metavar="TEXT",
        help="only items whose title, original title, author or artist contains TEXT "
        "(accents and case aside, as in the app)",
    )
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.add_argument(
        "--user", metavar="EMAIL", help="a friend's library instead, as the last sync brought it"
    )
    listing.set_defaults(handler=list_items)

    change = commands.add_parser(
        "set",
        parents=[common],
        help="change an item's status, progress or rating",
        description="Change the status, progress or rating of an item from `mediatrack list`.",
    )
    change.add_argument(
        "item", type=key_argument, metavar="ITEM", help="the id `list` shows, e.g. tv:12"
    )
    change.add_argument("--status", help="new status")
    change.add_argument(
        "--progress", type=int_argument, help="episodes watched, pages read, episodes listened"
    )
    change.add_argument("--rating", help="1 to 10, or 'none' to clear it")
    change.add_argument(
        "--total",
        type=int_argument,
        help="number of episodes or pages, for an item no catalog counts",
    )
    _note_options(change)
    add_yes_option(change)
    change.set_defaults(handler=set_values)

    remove = commands.add_parser(
        "remove",
        parents=[common],
        help="take an item out of your library",
        description=(
            "Take an item out of your library, with its status, ticks and rating. "
            "Without --yes it only says what would be removed."
        ),
    )
    remove.add_argument(
        "item", type=key_argument, metavar="ITEM", help="the id `list` shows, e.g. tv:12"
    )
    add_yes_option(remove)
    remove.set_defaults(handler=remove_item)


def _catalog_id(args: argparse.Namespace) -> str | None:
    given = {
        "--tmdb-id": args.tmdb_id,
        "--google-id": args.google_id,
        "--itunes-id": args.itunes_id,
    }
    expected = KINDS[args.kind].catalog_option
    for option, value in given.items():
        if value is not None and option != expected:
            raise CliError(f"{option} is not an id for a {KINDS[args.kind].noun}: use {expected}.")
    return given[expected]


def add_item(args: argparse.Namespace) -> int:
    catalog_id = _catalog_id(args)
    library = open_library(args)
    if args.title is None:
        if catalog_id is None:
            option = KINDS[args.kind].catalog_option
            raise CliError(f"Give {option} to fetch the item, or --title to add it by hand.")
        from mediatrack.services.catalog import CatalogService

        with refused_unless_yes():
            entry = CatalogService(user_id=library.user_id).add(
                args.kind, catalog_id, args.status, confirm=args.yes
            )
    else:
        from mediatrack.services.library import NewItem

        item = NewItem(
            kind=args.kind,
            title=args.title,
            year=args.year,
            catalog_id=catalog_id,
            creator=args.creator,
            total=args.total,
        )
        with refused_unless_yes():
            entry = library.add(item, args.status, confirm=args.yes)
    print(f"Added {entry.title!r} as {entry.key} ({entry.status}).")
    return 0


def list_items(args: argparse.Namespace) -> int:
    if args.user:
        from mediatrack.cli.friends import friend_library

        library = friend_library(args, args.user)
    else:
        library = open_library(args)
    if args.kind is not None:
        kinds = [args.kind]
    else:
        if args.status is not None and not any(
            args.status in info.statuses for info in KINDS.values()
        ):
            raise CliError(f"{args.status!r} is not a status of any kind.")
        kinds = [kind for kind, info in KINDS.items() if args.status in (None, *info.statuses)]
    entries = [
        entry
        for kind in kinds
        for entry in sorted(
            library.entries(kind, status=args.status, text=args.filter),
            key=lambda entry: fold(entry.title),  # as the app sorts: "Ça…" under C
        )
    ]
    if args.json and args.user:  # a friend's: with the note they shared on each item
        from mediatrack.cli.friends import friend_notes

        notes = {key: note.text for key, note in friend_notes(args, args.user).items()}
        print_json([entry_json(entry) | {"note": notes.get(entry.key)} for entry in entries])
    elif args.json:
        print_json([entry_json(entry) for entry in entries])
    elif not entries and (args.kind or args.status or args.user or args.filter):
        owner = f"{args.user}'s" if args.user else "your"
        print(f"Nothing in {owner} library matches.")
    elif not entries:
        print('Your library is empty. Add an item: mediatrack add tv --title "Title"')
    else:
        _print_entries(entries)
    return 0


def _note_options(change: argparse.ArgumentParser) -> None:
    change.add_argument("--note", metavar="TEXT", help="your private note ('' clears it)")
    sharing = change.add_mutually_exclusive_group()
    sharing.add_argument(
        "--share-note",
        dest="note_shared",
        action="store_const",
        const=True,
        help="let your friends read the note",
    )
    sharing.add_argument(
        "--private-note",
        dest="note_shared",
        action="store_const",
        const=False,
        help="keep the note to yourself (the default)",
    )


def _set_note(args: argparse.Namespace) -> None:
    """``--note`` and its sharing: printed on a line of their own."""
    from mediatrack.services.history import History

    history = History(open_library(args).user_id)
    text = args.note
    if text is None:  # only the sharing changes
        current = history.note(args.item)
        if current is None:
            raise CliError(f"{args.item} has no note to share: write one with --note.")
        text = current.text
    with refused_unless_yes():
        note = history.set_note(args.item, text, shared=args.note_shared, confirm=args.yes)
    if note is None:
        print(f"{args.item}: note cleared.")
    else:
        print(f"{args.item}: note saved ({'shared with friends' if note.shared else 'private'}).")


def set_values(args: argparse.Namespace) -> int:
    noted = args.note is not None or args.note_shared is not None
    if noted:
        _set_note(args)
    if all(value is None for value in (args.status, args.progress, args.rating, args.total)):
        if noted:
            return 0
        raise CliError("Say what to change: --status, --progress, --rating, --total or --note.")
    changes: dict[str, Any] = {  # keyword arguments of Library.update
        "status": args.status,
        "progress": args.progress,
        "total": args.total,
    }
    if args.rating is not None:
        changes["rating"] = _parse_rating(args.rating)
    with refused_unless_yes():
        entry = open_library(args).update(args.item, confirm=args.yes, **changes)
    print(f"{entry.key} {entry.title!r}: {describe(entry)}")
    return 0


def remove_item(args: argparse.Namespace) -> int:
    with refused_unless_yes():
        entry = open_library(args).remove(args.item, confirm=args.yes)
    print(f"Removed {entry.title!r} ({entry.key}) from your library.")
    return 0


def _parse_rating(text: str) -> int | None:
    if text.strip().lower() in ("none", "clear"):
        return None
    try:
        rating = int(text)
    except ValueError:
        raise CliError(f"A rating is a whole number from 1 to 10, not {text!r}.") from None
    if rating == 0:
        raise CliError("0 is not a rating: ratings go from 1 to 10 (use 'none' to clear one).")
    if not 1 <= rating <= 10:
        raise CliError(f"A rating is a whole number from 1 to 10, not {rating}.")
    return rating


def catalog_key(entry_kind) -> str:
    """``tmdb_id``, ``google_id`` or ``itunes_id``: the JSON key of a kind's catalog id."""
    return KINDS[entry_kind].catalog_option.removeprefix("--").replace("-", "_")


def entry_json(entry: LibraryEntry) -> dict[str, object]:
    hand_made = entry.hand_made
    return {
        "id": str(entry.key),
        "kind": entry.kind.value,
        "title": entry.title,
        "year": entry.year,
        "status": entry.status,
        "progress": entry.progress,
        "total": entry.total,
        "rating": entry.rating,
        catalog_key(entry.kind): None if hand_made else entry.catalog_id,
        "last_episode": entry.last_episode,
        "next_episode": entry.next_episode,
        "next_air_date": entry.next_air_date,
        "updated_at": entry.updated_at.isoformat(timespec="seconds") + "Z",
    }


def _print_entries(entries: list[LibraryEntry]) -> None:
    today = dt.date.today()  # air dates are local dates
    rows = [
        (
            str(entry.key),
            entry.title,
            str(entry.year or ""),
            entry.status,
            progress_text(entry),
            next_text(entry, today),
            rating_text(entry.rating),
        )
        for entry in entries
    ]
    print_table(("ID", "TITLE", "YEAR", "STATUS", "PROGRESS", "NEXT", "RATING"), rows)
