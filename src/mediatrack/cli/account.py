"""``login``, ``whoami`` and ``logout``: signing in with Google from the command line.

``login`` shows a code, the page to enter it on and a QR code of that page,
then waits in a thread while the main thread counts down (so Ctrl-C is
noticed at once and cancels the wait cleanly).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from mediatrack.cli.common import CliError, open_library, print_json
from mediatrack.display.dates import local_time
from mediatrack.display.login import countdown, qr_lines
from mediatrack.display.text import inert

if TYPE_CHECKING:
    from mediatrack.services.identity import CurrentUser, DeviceCode, LoggedIn

EXIT_CANCELLED = 130
QR_COLOURS = "\x1b[38;5;16;48;5;231m"  # black on white, so the code scans on dark terminals too
RESET = "\x1b[0m"


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    login = commands.add_parser(
        "login",
        parents=[common],
        help="sign in with your Google account",
        description=(
            "Sign in with Google: open the page shown (or scan the QR code) on any device and "
            "enter the code. Needs google.client_id and google.client_secret "
            "(`mediatrack config set`)."
        ),
    )
    login.set_defaults(handler=log_in)

    whoami = commands.add_parser(
        "whoami", parents=[common], help="say who is signed in", description="Who is signed in."
    )
    whoami.add_argument("--json", action="store_true", help="print a JSON object")
    whoami.set_defaults(handler=who_am_i)

    logout = commands.add_parser(
        "logout",
        parents=[common],
        help="sign out; your library stays on this machine",
        description="Forget the sign-in tokens and end the session; your library stays here.",
    )
    logout.set_defaults(handler=log_out)


def log_in(args: argparse.Namespace) -> int:
    from mediatrack.services import identity

    open_library(args)
    try:
        code = identity.start_login()
        show_code(code, sys.stdout)
        result = _wait(code)
    except KeyboardInterrupt:
        print("Login cancelled.", file=sys.stderr)
        return EXIT_CANCELLED
    except identity.CodeExpired:
        raise CliError(
            "The code expired before it was approved; run `mediatrack login` again for a new one."
        ) from None
    _print_logged_in(result)
    return 0


def show_code(code: DeviceCode, out: TextIO) -> None:
    """The QR code (when the terminal can draw it), the page and the code to enter there."""
    print("To log in, scan this QR code or open the page below on any device:", file=out)
    lines = qr_lines(code.qr_url)
    if _can_draw(out):
        colour = out.isatty()
        print(file=out)
        for line in lines:
            print(f"  {QR_COLOURS}{line}{RESET}" if colour else f"  {line}", file=out)
    url, user_code = inert(code.verification_url), inert(code.user_code)
    print(f"\n  {url}\n\nand enter the code\n\n  {user_code}\n", file=out)
    out.flush()


def _can_draw(out: TextIO) -> bool:
    try:
        "▀▄█".encode(out.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _wait(code: DeviceCode) -> LoggedIn:
    """Poll in a thread; count down here. Ctrl-C sets the cancel event and waits for the thread."""
    from mediatrack.services import identity

    cancel = threading.Event()
    outcome: dict[str, object] = {}

    def wait() -> None:
        try:
            outcome["result"] = identity.wait_for_login(code, cancel)
        except BaseException as error:  # handed to the main thread
            outcome["error"] = error

    worker = threading.Thread(target=wait, name="mediatrack-login", daemon=True)
    status = _Status(sys.stdout)
    with _no_keyring_warning():
        worker.start()
        try:
            _count_down(code, worker, cancel, status)
        except KeyboardInterrupt:
            if "result" not in outcome:  # else the approval won the race: the user is signed in
                raise
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]


def _count_down(
    code: DeviceCode, worker: threading.Thread, cancel: threading.Event, status: _Status
) -> None:
    """Show the time left until ``worker`` ends; on Ctrl-C, cancel it and wait for it."""
    try:
        while worker.is_alive():
            status.show(f"Waiting for approval; the code expires in {_left(code)}. Ctrl-C cancels.")
            worker.join(timeout=1.0)
    except KeyboardInterrupt:
        cancel.set()
        worker.join(timeout=10)
        raise
    finally:
        status.end()


@contextlib.contextmanager
def _no_keyring_warning() -> Iterator[None]:
    """The secrets module warns once when there is no keyring; login says it in its own words."""
    logger = logging.getLogger("mediatrack.secrets")
    handler = logging.NullHandler()  # keeps logging's last-resort handler from printing it
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


def _left(code: DeviceCode) -> str:
    return countdown(code.seconds_left())


class _Status:
    """One line rewritten in place on a terminal; printed once elsewhere (pipes, tests)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.live = out.isatty()
        self.shown = False

    def show(self, text: str) -> None:
        if self.live:
            self.out.write(f"\r\x1b[2K{text}")
            self.out.flush()
        elif not self.shown:
            print(text, file=self.out, flush=True)
        self.shown = True

    def end(self) -> None:
        if self.live and self.shown:
            self.out.write("\n")
            self.out.flush()


def _print_logged_in(result: LoggedIn) -> None:
    print(inert(f"Logged in as {result.name} <{result.email}>."))
    if result.moved:
        print("Everything you tracked before logging in now belongs to this account.")
    if result.tokens_file:
        print(
            f"No system keyring is available, so your sign-in tokens are kept in "
            f"{result.tokens_file}, readable only by you."
        )


def who_am_i(args: argparse.Namespace) -> int:
    from mediatrack.services import identity

    open_library(args)
    user = identity.whoami()
    if args.json:
        print_json(user_json(user))
    elif not user.logged_in:
        print("Not logged in.")
    else:
        since = f" since {local_time(user.since)}" if user.since else ""
        print(inert(f"Logged in as {user.name} <{user.email}>{since}."))
    return 0


def user_json(user: CurrentUser) -> dict[str, object]:
    """``whoami --json``: who, and since when (UTC, ISO 8601)."""
    if not user.logged_in:
        return {"logged_in": False}
    return {
        "logged_in": True,
        "user_id": user.id,
        "name": user.name,
        "email": user.email,
        "since": _iso(user.since),
        "session_expires_at": _iso(user.session_expires_at),
    }


def _iso(moment: dt.datetime | None) -> str | None:
    return f"{moment.isoformat(timespec='seconds')}Z" if moment is not None else None


def log_out(args: argparse.Namespace) -> int:
    from mediatrack.services import identity

    open_library(args)
    out = identity.logout()
    if out.was_logged_in:
        print(inert(f"Logged out {out.name}; your library stays on this machine."))
    else:
        print("Not logged in.")
    return 0
