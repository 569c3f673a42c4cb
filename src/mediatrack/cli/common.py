"""What every subcommand shares: argument types, errors, opening the library, printing tables."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from mediatrack.config import database_path, default_database_path
from mediatrack.display.text import inert, json_inert
from mediatrack.errors import MediatrackError
from mediatrack.kinds import Kind, parse_kind
from mediatrack.records import EntryKey

if TYPE_CHECKING:
    from mediatrack.services.library import Library

EXIT_ERROR = 1


class CliError(MediatrackError):
    """Ends the command with its message on stderr and a non-zero exit."""


class Parser(argparse.ArgumentParser):
    """Usage errors are one line on stderr, like every other error (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message.rstrip('.')}; see `{self.prog} --help`.\n")


def kind_argument(value: str) -> Kind:
    try:
        return parse_kind(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def key_argument(value: str) -> EntryKey:
    try:
        return EntryKey.parse(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def int_argument(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number.") from None


def add_yes_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--yes",
        action="store_true",
        help="go ahead with a change that removes ticks or progress, or ticks what has not aired",
    )


@contextmanager
def refused_unless_yes() -> Iterator[None]:
    """A change that needs a yes ends the command with its question, having changed nothing."""
    from mediatrack.services.library import NeedsConfirmation

    try:
        yield
    except NeedsConfirmation as error:
        raise CliError(f"{error} Nothing was changed; run again with --yes to go ahead.") from None


def library_path(args: argparse.Namespace) -> Path:
    """The library file named by ``--db``, ``$MEDIATRACK_DB`` or the data dir.

    Only the default location gets its folders made: a mistyped ``--db`` must not
    silently create folders and an empty library.
    """
    path = database_path(getattr(args, "db", None))
    if not path.parent.is_dir() and os.path.abspath(path) != os.path.abspath(
        default_database_path()
    ):
        raise CliError(
            f"The folder {path.parent} does not exist, so there is no library at {path}; "
            "create the folder first or check --db / MEDIATRACK_DB."
        )
    return path


def open_library(args: argparse.Namespace) -> Library:
    """The library file named by ``--db``, ``$MEDIATRACK_DB`` or the data dir, opened."""
    from mediatrack.services.library import open_library as open_file

    return open_file(library_path(args))


def print_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    wide: int = 1,
    after: Mapping[int, Sequence[str]] | None = None,
) -> None:
    """Columns padded to their widest cell; column ``wide`` is cut at 50 characters.
    ``after`` holds lines (already inert) printed under row ``i``, indented to its second
    column.

    Cells are outside text: controls show as control pictures, never as escapes.
    """
    rows = [[inert(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    widths[wide] = min(widths[wide], 50)
    indent = " " * (widths[0] + 2)
    for number, row in enumerate([header, *rows], start=-1):
        cells = [cell[: widths[i]].ljust(widths[i]) for i, cell in enumerate(row)]
        print("  ".join(cells).rstrip())
        for line in (after or {}).get(number, ()):
            print(indent + line)


def print_json(data: object) -> None:
    """``data`` as indented JSON, exact, with no raw C1 or bidi control left for a terminal."""
    import json  # here: opening the app needs no JSON

    print(json_inert(json.dumps(data, indent=2, ensure_ascii=False)))
