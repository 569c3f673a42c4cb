"""The ``mediatrack`` command: no arguments opens the app; subcommands script the same services."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from mediatrack import __version__
from mediatrack.config import database_path
from mediatrack.kinds import KINDS, Kind, parse_kind
from mediatrack.records import EntryKey, LibraryEntry

EXIT_ERROR = 1


class CliError(Exception):
    """Ends the command with its message on stderr and a non-zero exit."""


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line on stderr, like every other error (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message.rstrip('.')}; see `{self.prog} --help`.\n")


def _kind(value: str) -> Kind:
    try:
        return parse_kind(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _key(value: str) -> EntryKey:
    try:
        return EntryKey.parse(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number.") from None


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the library file (default: $MEDIATRACK_DB, else your data dir)",
    )
    parser = _Parser(
        prog="mediatrack",
        description="Track what you watch, read and listen to. Without a command, opens the app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"mediatrack {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    add = commands.add_parser(
        "add",
        parents=[common],
        help="add an item by hand, without the network",
        description="Add a movie, show, book or podcast by hand (no network needed).",
    )
    add.add_argument("kind", type=_kind, metavar="KIND", help="movie, tv, book or podcast")
    add.add_argument("--title", required=True, help="the title")
    add.add_argument("--year", type=_int, help="year of release, first air or publication")
    add.add_argument("--status", help="initial status (default: the kind's plan_to_* status)")
    add.add_argument(
        "--author",
        "--artist",
        dest="creator",
        help="author(s) of a book, comma-separated, or artist of a podcast",
    )
    add.add_argument("--total", type=_int, help="number of episodes (show, podcast) or pages")
    ids = add.add_mutually_exclusive_group()
    ids.add_argument("--tmdb-id", help="TMDB id of a movie or show")
    ids.add_argument("--google-id", help="Google Books volume id of a book")
    ids.add_argument("--itunes-id", help="iTunes collection id of a podcast")

    listing = commands.add_parser(
        "list", parents=[common], help="print your library", description="Print your library."
    )
    listing.add_argument("--kind", type=_kind, help="only this kind: movie, tv, book, podcast")
    listing.add_argument("--status", help="only items with this status")
    listing.add_argument("--json", action="store_true", help="print a JSON array")

    change = commands.add_parser(
        "set",
        parents=[common],
        help="change an item's status, progress or rating",
        description="Change the status, progress or rating of an item from `mediatrack list`.",
    )
    change.add_argument("item", type=_key, metavar="ITEM", help="the id `list` shows, e.g. tv:12")
    change.add_argument("--status", help="new status")
    change.add_argument(
        "--progress", type=_int, help="episodes watched, pages read, episodes listened"
    )
    change.add_argument("--rating", help="1 to 10, or 'none' to clear it")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    path = database_path(getattr(args, "db", None))
    if args.command is None:
        return _run_app(path)
    from mediatrack.services.library import LibraryError

    try:
        library = _open_library(path)
        handler = {"add": _cmd_add, "list": _cmd_list, "set": _cmd_set}[args.command]
        return handler(library, args)
    except (CliError, LibraryError) as error:
        print(f"mediatrack: {error}", file=sys.stderr)
        return EXIT_ERROR


def _open_library(path: Path):
    from mediatrack.services.library import open_library

    return open_library(path)


def _run_app(path: Path) -> int:
    from mediatrack.app import MediaTrackApp

    app = MediaTrackApp(db_path=path)
    app.run()
    return app.return_code or 0


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


def _cmd_add(library, args: argparse.Namespace) -> int:
    from mediatrack.services.library import NewItem

    item = NewItem(
        kind=args.kind,
        title=args.title,
        year=args.year,
        catalog_id=_catalog_id(args),
        creator=args.creator,
        total=args.total,
    )
    entry = library.add(item, args.status)
    print(f"Added {entry.title!r} as {entry.key} ({entry.status}).")
    return 0


def _cmd_list(library, args: argparse.Namespace) -> int:
    if args.kind is not None:
        entries = library.entries(args.kind, status=args.status)
    else:
        if args.status is not None and not any(
            args.status in info.statuses for info in KINDS.values()
        ):
            raise CliError(f"{args.status!r} is not a status of any kind.")
        entries = library.all_entries(status=args.status)
    if args.json:
        print(json.dumps([_entry_json(entry) for entry in entries], indent=2, ensure_ascii=False))
    elif not entries and (args.kind or args.status):
        print("Nothing in your library matches.")
    elif not entries:
        print('Your library is empty. Add an item: mediatrack add tv --title "Title"')
    else:
        _print_table(entries)
    return 0


def _cmd_set(library, args: argparse.Namespace) -> int:
    if args.status is None and args.progress is None and args.rating is None:
        raise CliError("Say what to change: --status, --progress or --rating.")
    changes: dict[str, object] = {"status": args.status, "progress": args.progress}
    if args.rating is not None:
        changes["rating"] = _parse_rating(args.rating)
    entry = library.update(args.item, **changes)
    print(f"{entry.key} {entry.title!r}: {_describe(entry)}")
    return 0


def _parse_rating(text: str) -> int | None:
    if text.strip().lower() in ("none", "clear", "0"):
        return None
    try:
        rating = int(text)
    except ValueError:
        raise CliError(f"A rating is a whole number from 1 to 10, not {text!r}.") from None
    if not 1 <= rating <= 10:
        raise CliError(f"A rating is a whole number from 1 to 10, not {rating}.")
    return rating


def _entry_json(entry: LibraryEntry) -> dict[str, object]:
    catalog_key = KINDS[entry.kind].catalog_option.removeprefix("--").replace("-", "_")
    return {
        "id": str(entry.key),
        "kind": entry.kind.value,
        "title": entry.title,
        "year": entry.year,
        "status": entry.status,
        "progress": entry.progress,
        "total": entry.total,
        "rating": entry.rating,
        catalog_key: None if entry.catalog_id.startswith(("local:", "-")) else entry.catalog_id,
        "updated_at": entry.updated_at.isoformat(timespec="seconds") + "Z",
    }


def _progress_text(entry: LibraryEntry) -> str:
    return f"{entry.progress}/{entry.total}" if entry.total is not None else str(entry.progress)


def _describe(entry: LibraryEntry) -> str:
    rating = f", rated {entry.rating}/10" if entry.rating else ""
    return f"{entry.status}, progress {_progress_text(entry)}{rating}"


def _print_table(entries: list[LibraryEntry]) -> None:
    rows = [
        (
            str(entry.key),
            entry.title,
            str(entry.year or ""),
            entry.status,
            _progress_text(entry),
            str(entry.rating or ""),
        )
        for entry in entries
    ]
    header = ("ID", "TITLE", "YEAR", "STATUS", "PROGRESS", "RATING")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    widths[1] = min(widths[1], 50)
    for row in [header, *rows]:
        cells = [cell[: widths[i]].ljust(widths[i]) for i, cell in enumerate(row)]
        print("  ".join(cells).rstrip())
