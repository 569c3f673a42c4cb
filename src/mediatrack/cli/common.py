"""What every subcommand shares: argument types, errors, opening the library, printing tables."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from mediatrack.config import database_path, default_database_path
from mediatrack.kinds import Kind, parse_kind
from mediatrack.records import EntryKey

if TYPE_CHECKING:
    from mediatrack.services.library import Library

EXIT_ERROR = 1


class CliError(Exception):
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


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]], wide: int = 1) -> None:
    """Columns padded to their widest cell; column ``wide`` is cut at 50 characters."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    widths[wide] = min(widths[wide], 50)
    for row in [header, *rows]:
        cells = [cell[: widths[i]].ljust(widths[i]) for i, cell in enumerate(row)]
        print("  ".join(cells).rstrip())
