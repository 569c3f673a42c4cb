"""Logging in with Google: a code to enter on another device, its QR code, and a countdown.

The sign-in runs in a thread worker (``start_login`` then ``wait_for_login``)
with a ``threading.Event`` that ``escape`` sets, so cancelling is immediate and
writes nothing. The screen dismisses with the ``LoggedIn`` result, or None.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Label, Static
from textual.worker import Worker

from mediatrack.display.login import countdown, qr_lines
from mediatrack.display.text import inert
from mediatrack.errors import MediatrackError
from mediatrack.screens.common import WorkerErrors

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp
    from mediatrack.services.identity import DeviceCode, LoggedIn

State = Literal["asking", "waiting", "failed", "done"]
QR_STYLE = "#000000 on #ffffff"  # dark modules on light, whatever the theme: phones expect that
MIN_HEIGHT_FOR_QR = 26  # rows; below that the QR code is left out so the code stays visible
EXPIRED = "The code expired before it was approved; press r for a new one."
KEYS: dict[State, str] = {
    "asking": "escape cancel",
    "waiting": "escape cancel",
    "failed": "r try again · escape close",
    "done": "any key to continue",
}


class LoginScreen(WorkerErrors, ModalScreen["LoggedIn | None"]):
    """Shows the user code, the page to enter it on and its QR code until the user approves."""

    CSS_PATH = "login.tcss"
    BINDINGS = [
        Binding("escape", "close", "Cancel"),
        Binding("r", "restart", "New code"),
    ]
    WELCOME_SECONDS = 2.5  # how long the greeting stays before the screen closes by itself

    app: MediaTrackApp

    def __init__(self) -> None:
        super().__init__()
        self.state: State = "asking"
        self._cancel = threading.Event()
        self._code: DeviceCode | None = None
        self._result: LoggedIn | None = None
        self._ticker: Timer | None = None
        self._leaving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="login"):
            yield Label("Log in with Google", id="login-title")
            with Horizontal(id="login-body"):
                yield Static(id="login-qr")
                with Vertical(id="login-text"):
                    yield Static("On your phone or computer, open", classes="login-step")
                    yield Static(id="login-url", markup=False)
                    yield Static("and enter the code", classes="login-step")
                    yield Static(id="login-code", markup=False)
            yield Static("Asking Google for a code…", id="login-status", markup=False)
            yield Static(id="login-keys")

    def on_mount(self) -> None:
        self._start()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < MIN_HEIGHT_FOR_QR, "-short")

    # --- the sign-in ------------------------------------------------------------

    def _start(self) -> None:
        self._cancel = threading.Event()
        self._set_state("asking", "Asking Google for a code…")
        self.sign_in(self._cancel)

    @work(thread=True, exclusive=True, group="login", exit_on_error=False)
    def sign_in(self, cancel: threading.Event) -> None:
        """Get a code, show it, wait for the approval: all off the event loop."""
        from mediatrack.services import identity

        try:
            self.app.wait_until_open()  # the sign-in writes to the library file
            code = identity.start_login()
            if cancel.is_set():
                return
            self.app.call_from_thread(self._show_code, code)
            result = identity.wait_for_login(code, cancel)
        except identity.Cancelled:
            return
        except identity.CodeExpired:
            self.app.call_from_thread(self._failed, EXPIRED)
            return
        except MediatrackError as error:
            if not cancel.is_set():
                self.app.call_from_thread(self._failed, str(error))
            return
        self.app.switch_account(identity.whoami())
        self.app.call_from_thread(self._signed_in, result, cancel.is_set())

    def worker_failed(self, worker: Worker, sentence: str) -> bool:
        """Anything the worker did not expect still ends as a sentence on screen."""
        self._failed(sentence)
        return True  # said on the screen, and as a notification

    def _show_code(self, code: DeviceCode) -> None:
        self._code = code
        self.query_one("#login-url", Static).update(inert(code.verification_url))
        self.query_one("#login-code", Static).update(inert(code.user_code))
        self.query_one("#login-qr", Static).update(Text("\n".join(qr_lines(code.qr_url)), QR_STYLE))
        self._set_state("waiting", self._time_left())
        self._ticker = self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        if self.state == "waiting":
            self.query_one("#login-status", Static).update(self._time_left())

    def _time_left(self) -> str:
        left = self._code.seconds_left() if self._code else 0
        if left <= 0:
            return "The code has expired."
        return f"Waiting for you to approve… the code expires in {countdown(left)}."

    def _failed(self, message: str) -> None:
        if self.state == "done" or self._cancel.is_set():
            return
        self._set_state("failed", message)
        self.notify(message, title="Not logged in", severity="error", timeout=8)

    def _signed_in(self, result: LoggedIn, cancelled: bool) -> None:
        note = ""
        if result.tokens_file:
            note = (
                f"\nNo system keyring is available, so your sign-in tokens are kept in "
                f"{result.tokens_file}, readable only by you."
            )
        if cancelled:  # the approval arrived as the user closed the screen: still say so
            self.app.notify(f"Logged in as {result.name} ({result.email}).{note}")
            return
        self._result = result
        self._set_state("done", f"Welcome, {result.name} ({result.email}){note}")
        self.notify(f"Logged in as {result.name} ({result.email}).")
        if not note:  # a note about the tokens file stays until the user has read it
            self.set_timer(self.WELCOME_SECONDS, self._leave)

    def _leave(self) -> None:
        """Close once, and only from the top (not from under the command palette, say)."""
        if not self._leaving and self.is_current:
            self._leaving = True
            self.dismiss(self._result)

    # --- keys -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restart":
            return self.state == "failed"
        return True

    def action_restart(self) -> None:
        if self.state == "failed":
            self._start()

    def on_unmount(self) -> None:
        """Leaving in any way (the app quitting too) ends the wait for Google at once."""
        self._cancel.set()

    def action_close(self) -> None:
        """Cancel the sign-in (or leave the greeting) and go back."""
        self._cancel.set()
        self._leave()

    def on_key(self, event: events.Key) -> None:
        if self.state == "done":
            event.stop()
            self._leave()

    def _set_state(self, state: State, message: str) -> None:
        self.state = state
        if state != "waiting" and self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self.query_one("#login-body").display = state == "waiting"
        status = self.query_one("#login-status", Static)
        status.update(inert(message, single_line=False))
        status.set_class(state == "failed", "-error")
        status.set_class(state == "done", "-success")
        self.query_one("#login-keys", Static).update(KEYS[state])
        self.refresh_bindings()
