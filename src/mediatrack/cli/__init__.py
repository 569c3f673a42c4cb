"""The ``mediatrack`` command: no arguments opens the app; subcommands script the same services.

One module per group of subcommands; each registers its parsers and sets
``handler`` on them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from mediatrack import __version__
from mediatrack.cli import account, catalog, library, sync
from mediatrack.cli.common import EXIT_ERROR, CliError, Parser
from mediatrack.config import database_path
from mediatrack.display.text import inert


def build_parser() -> argparse.ArgumentParser:
    common = Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the library file (default: $MEDIATRACK_DB, else your data dir)",
    )
    parser = Parser(
        prog="mediatrack",
        description="Track what you watch, read and listen to. Without a command, opens the app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"mediatrack {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    library.register(commands, common)
    catalog.register(commands, common)
    account.register(commands, common)
    sync.register(commands, common)  # `sync` and `friends`
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        return _run_app(args)
    from mediatrack.catalog.errors import CatalogError
    from mediatrack.services.library import LibraryError

    try:
        return args.handler(args)
    except (CliError, LibraryError, CatalogError) as error:
        print(inert(f"mediatrack: {error}", single_line=False), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("mediatrack: interrupted.", file=sys.stderr)
        return 130
    except EOFError:
        print(
            "mediatrack: there is no input to read (stdin is closed); "
            "give the value as an argument instead.",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _run_app(args: argparse.Namespace) -> int:
    from mediatrack.app import MediaTrackApp

    app = MediaTrackApp(db_path=database_path(getattr(args, "db", None)))
    app.run()
    return app.return_code or 0
