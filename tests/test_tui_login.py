"""Logging in from the app: the login screen against a local server playing Google.

The device flow, id_token check, keyring wrapper (in memory) and store are
real; the wait between polls is held on a gate the test opens, so each test
sees the code before the approval and never sleeps for the real interval.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from auth_server import (
    ACCESS_DENIED,
    EXPIRED_TOKEN,
    PENDING,
    SUB,
    MemoryKeyring,
    installed_keyring,
)
from mediatrack.app import MediaTrackApp
from mediatrack.kinds import Kind
from mediatrack.screens.library import LibraryScreen
from mediatrack.screens.login import LoginScreen
from mediatrack.screens.movies import MoviesScreen
from mediatrack.services import identity
from mediatrack.services.library import Library, NewItem
from mediatrack.store.db import open_database
from mediatrack.store.identity import Profile, sign_in
from mediatrack.store.models import Session, User
from tui_helpers import SIZE, titles, until

DEVICE_CODE = "GQVQ-JKEC"  # tests/fixtures/google_oauth/device_code_response.json
URL = "https://www.google.com/device"


@pytest.fixture(autouse=True)
def keyring_memory() -> Iterator[MemoryKeyring]:
    with installed_keyring(MemoryKeyring()) as backend:
        yield backend


class Gate:
    """Each wait between polls lasts until the test opens the gate or the sign-in is cancelled."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.cancel_events: list[threading.Event] = []  # what each wait_for_login was given

    def set(self) -> None:
        self.opened.set()

    def sleep(self, cancel: threading.Event) -> None:
        for _ in range(500):  # 5 s at most: a broken cancel fails the test, never hangs it
            if self.opened.is_set() or cancel.wait(0.01):
                return


@pytest.fixture
def gate(monkeypatch) -> Gate:
    gate = Gate()
    real = identity.wait_for_login

    def wait_for_login(code, cancel_event, on_tick=None, **options):
        def sleep(seconds: float) -> None:
            gate.sleep(cancel_event)

        gate.cancel_events.append(cancel_event)
        return real(code, cancel_event, on_tick, sleep=sleep, **options)

    monkeypatch.setattr(identity, "wait_for_login", wait_for_login)
    return gate


@pytest.fixture
def with_movie(db_path: Path) -> Path:
    open_database(db_path)
    Library().add(NewItem(Kind.MOVIE, "Heat", 1995))
    return db_path


def screen_text(app: MediaTrackApp) -> str:
    """Everything the login screen shows, as text."""
    return "\n".join(str(widget.render()) for widget in app.screen.query("Static, Label"))


def palette(app: MediaTrackApp) -> dict[str, Callable[[], object]]:
    """The command palette's entries by title (typing into the palette itself takes a second)."""
    return {command.title: command.callback for command in app.get_system_commands(app.screen)}


async def open_login(pilot) -> None:
    palette(pilot.app)["Log in"]()
    await until(pilot, lambda: isinstance(pilot.app.screen, LoginScreen))


async def test_login_shows_code_url_and_qr_then_greets_the_user(google, gate, with_movie):
    google.script(PENDING, google.success())
    app = MediaTrackApp(db_path=with_movie)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await until(pilot, lambda: titles(app) == ["Heat"])
        await open_login(pilot)
        await until(pilot, lambda: DEVICE_CODE in screen_text(app))
        text = screen_text(app)
        assert URL in text and "expires in" in text
        assert "▀" in str(app.screen.query_one("#login-qr").render())
        assert Session.select().count() == 0

        gate.set()
        await until(pilot, lambda: "Welcome, Jane Smith (jsmith@example.com)" in screen_text(app))
        await pilot.press("space")
        await until(pilot, lambda: isinstance(app.screen, MoviesScreen))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert titles(app) == ["Heat"]  # now the signed-in user's row
        assert app.account is not None and app.account.id == SUB
        assert Session.get().user_id == SUB

        assert "Log out" in palette(app) and "Log in" not in palette(app)


async def test_escape_cancels_and_returns_to_the_library_with_nothing_written(
    google, gate, with_movie
):
    google.script(*[PENDING] * 5)
    app = MediaTrackApp(db_path=with_movie)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await until(pilot, lambda: titles(app) == ["Heat"])
        await open_login(pilot)
        await until(pilot, lambda: DEVICE_CODE in screen_text(app))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MoviesScreen))
        await asyncio.wait_for(app.workers.wait_for_complete(), 3)
        assert [event.is_set() for event in gate.cancel_events] == [True]
        assert Session.select().count() == 0
        assert User.get_or_none(User.id == SUB) is None
        assert titles(app) == ["Heat"]
        await pilot.press("o")  # the library still answers keys
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_quitting_while_the_code_waits_stops_waiting_for_google_at_once(
    google, gate, with_movie
):
    google.script(*[PENDING] * 5)
    app = MediaTrackApp(db_path=with_movie)
    async with app.run_test(size=SIZE) as pilot:
        await open_login(pilot)
        await until(pilot, lambda: DEVICE_CODE in screen_text(app))
        quitting = time.monotonic()
        await pilot.press("ctrl+q")
    assert time.monotonic() - quitting < 2.0  # not the next poll, nor the code's expiry
    assert [event.is_set() for event in gate.cancel_events] == [True]
    assert Session.select().count() == 0


async def test_access_denied_is_one_sentence_on_the_screen(google, gate, with_movie):
    google.script(ACCESS_DENIED)
    gate.set()
    app = MediaTrackApp(db_path=with_movie)
    async with app.run_test(size=SIZE) as pilot:
        await open_login(pilot)
        await until(pilot, lambda: "declined" in screen_text(app))
        assert "The sign-in was declined on Google's page; nothing was changed." in screen_text(app)
        assert Session.select().count() == 0


async def test_expired_code_offers_r_for_a_new_one(google, gate, with_movie):
    google.script(EXPIRED_TOKEN, PENDING, google.success())
    gate.set()
    app = MediaTrackApp(db_path=with_movie)
    async with app.run_test(size=SIZE) as pilot:
        await open_login(pilot)
        await until(pilot, lambda: "press r for a new one" in screen_text(app))
        await pilot.press("r")
        await until(pilot, lambda: "Welcome, Jane Smith" in screen_text(app))
        assert len(google.device_forms) == 2


async def test_a_signed_in_user_sees_their_library_and_can_log_out(with_movie):
    sign_in(Profile(user_id=SUB, name="Jane Smith", email="jsmith@example.com"))
    app = MediaTrackApp(db_path=with_movie)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await until(pilot, lambda: titles(app) == ["Heat"])
        assert "Log out" in palette(app) and "Log in" not in palette(app)

        app.action_log_out()
        await pilot.pause()
        await pilot.press("y")
        await until(pilot, lambda: titles(app) == [])
        assert Session.select().count() == 0
        assert any("Logged out Jane Smith" in str(n.message) for n in app._notifications)
