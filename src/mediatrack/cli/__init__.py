"""The ``mediatrack`` command: no arguments opens the app; subcommands script the same services.

One module per group of subcommands; each registers its parsers and sets
``handler`` on them. A command imports only its own module: ``list --json`` must not
pay for the app, the HTTP clients or the progress bars (``--help`` registers them all).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import os
import sys
from collections.abc import Sequence

from mediatrack import __version__
from mediatrack.cli.common import EXIT_ERROR, Parser, library_path
from mediatrack.display.text import inert
from mediatrack.errors import MediatrackError

# The module (in mediatrack.cli) that registers each command, in the order --help lists them.
COMMANDS: dict[str, str] = {
    "add": "library",
    "list": "library",
    "set": "library",
    "remove": "library",
    "search": "catalog",
    "episodes": "catalog",
    "watch": "catalog",
    "refresh": "catalog",
    "login": "account",
    "whoami": "account",
    "logout": "account",
    "sync": "sync",
    "friends": "friends",
    "config": "config",
    "import": "exchange",
    "export": "exchange",
    "backup": "exchange",
    "restore": "exchange",
    "history": "history",
    "rewatch": "history",
    "reread": "history",
    "next": "agenda",
    "calendar": "agenda",
    "stats": "stats",
}


def chosen_command(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` when it is a known one, else None (help, typos, the app)."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            next(words, None)
        elif word.startswith("--db="):
            continue
        elif word.startswith("-"):
            return None  # --help, --version or a mistake: the full parser answers
        else:
            return word if word in COMMANDS else None
    return None


def opens_the_app(argv: Sequence[str]) -> bool:
    """Whether ``argv`` names no command and no option but ``--db``: the app is opened."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            if next(words, None) is None:
                return False  # "--db" without its path: the full parser says so
        elif not word.startswith("--db="):
            return False
    return True


def build_parser(command: str | None = None, *, app_only: bool = False) -> argparse.ArgumentParser:
    """The parser for every command, or only for ``command``'s module when one is named, or
    for none (``app_only``: the app opens sooner without the commands' modules)."""
    common = Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the library file (default: $MEDIATRACK_DB, else db in config.toml, else your "
        "data dir)",
    )
    parser = Parser(
        prog="mediatrack",
        description="Track what you watch, read and listen to. Without a command, opens the app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"mediatrack {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    if app_only:
        names = []
    elif command is not None:
        names = [COMMANDS[command]]
    else:
        names = list(dict.fromkeys(COMMANDS.values()))
    for name in names:
        importlib.import_module(f"mediatrack.cli.{name}").register(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure a user can act on ends in one sentence and exit status 1.

    A reader that goes away (``mediatrack list | head``) ends the command quietly.
    """
    try:
        code = _main(argv)
        sys.stdout.flush()  # a closed pipe shows here, not as a warning at exit
        return code
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_ERROR


def _main(argv: Sequence[str] | None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    if opens_the_app(words):
        return _run_app(build_parser(app_only=True).parse_args(words))
    args = build_parser(chosen_command(words)).parse_args(words)
    if args.command is None:
        return _run_app(args)
    try:
        return args.handler(args)
    except MediatrackError as error:  # every error a user can act on: its sentence, once
        return _fail(str(error))
    except KeyboardInterrupt:
        print("mediatrack: interrupted.", file=sys.stderr)
        return 130
    except EOFError:
        return _fail(
            "there is no input to read (stdin is closed); give the value as an argument instead."
        )
    except BrokenPipeError:
        raise
    except Exception as error:  # a full disk, a read-only file: the store says which
        from mediatrack.store.db import explain_failure

        sentence = explain_failure(error)
        if sentence is None:
            raise
        return _fail(sentence)


def _fail(sentence: str) -> int:
    print(inert(f"mediatrack: {sentence}", single_line=False), file=sys.stderr)
    return EXIT_ERROR


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so flushing it at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file (a test's capture): nothing is flushed at exit


def _run_app(args: argparse.Namespace) -> int:
    try:
        path = library_path(args)
    except MediatrackError as error:
        return _fail(str(error))
    from mediatrack.services.startup import FirstRead

    # No collection until the first frame is written (the app turns it back on then): a
    # full sweep of what importing Textual made takes ~7 ms, and it fell in that frame.
    gc.disable()
    first_read = FirstRead(path)  # the first rows, read while the app is imported
    from mediatrack.app import MediaTrackApp

    app = MediaTrackApp(db_path=path, first_read=first_read)
    try:
        app.run()
    finally:
        gc.enable()  # even if the app ended before its first frame
    return app.return_code or 0
