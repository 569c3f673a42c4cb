"""Pictures of the main screens, as a user sees them, at 120x40 and at 80x24.

Each test drives the app to one screen and compares the terminal with the
SVG kept in ``tests/__snapshots__/``; a change of layout, wording or colour
shows up as a failing test with a picture of the difference. After a change
meant to be seen, run ``pytest tests/test_snapshots.py --snapshot-update``
and look at the new pictures before committing them.

Nothing in a picture may depend on when or where it is taken: the wall clock
is frozen (``FROZEN``) while the data is written and while the screen is
drawn, so "updated", "next episode" and "airs in" read the same every day;
the countdown of the login code is held; the files live under ``$HOME``; the
cursor does not blink.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from textual.pilot import Pilot
from textual.widgets import Input

from catalog_server import FakeCatalogs
from mediatrack import config
from mediatrack.app import MediaTrackApp
from mediatrack.auth.device_flow import DeviceCode
from mediatrack.kinds import Kind
from mediatrack.screens.login import LoginScreen
from mediatrack.screens.search import DEBOUNCE, SearchScreen
from mediatrack.screens.settings import SettingsScreen
from mediatrack.screens.show_detail import ShowDetailScreen
from mediatrack.services import identity
from mediatrack.services.catalog import CatalogService
from mediatrack.services.library import Library, NewItem
from mediatrack.services.sync import URL_ENV
from mediatrack.store.db import open_database
from mediatrack.store.identity import Profile, sign_in
from tui_helpers import settle, table, until

FROZEN = dt.datetime(2024, 3, 15, 9, 30, tzinfo=dt.UTC)  # a Friday, long after every air date
SIZES = [pytest.param((120, 40), id="120x40"), pytest.param((80, 24), id="80x24")]
GAME_OF_THRONES = "1399"
FIGHT_CLUB = "550"
SOLAR_ENERGY = "kPbzR4LDkAkC"  # Google Books volume in tests/fixtures
STORIES_PODCAST = "948976028"  # iTunes collection in tests/fixtures

Drive = Callable[[Pilot], Awaitable[None]]


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """The wall clock stands still (asyncio's monotonic clock runs on, so the app does too)."""
    with time_machine.travel(FROZEN, tick=False):
        yield


@pytest.fixture(autouse=True)
def files_under_home(
    isolated_environment: Path, monkeypatch: pytest.MonkeyPatch, keyring_memory
) -> Path:
    """The library at its default place under ``$HOME``, secrets in memory; the library path."""
    for name in list(os.environ):
        if name.startswith("MEDIATRACK_"):
            monkeypatch.delenv(name)
    return config.database_path()


@pytest.fixture
def fake(httpserver) -> FakeCatalogs:
    catalogs = FakeCatalogs(httpserver)
    breaking_bad = dict(catalogs.shows[1399])
    breaking_bad.update(
        id=1396,
        name="Breaking Bad",
        original_name="Breaking Bad",
        overview="A chemistry teacher with a grim diagnosis turns to cooking crystal meth.",
    )
    catalogs.shows[1396] = breaking_bad
    return catalogs


@pytest.fixture
def library_world(files_under_home: Path, fake: FakeCatalogs) -> Path:
    """Every kind with items from the catalogs and typed in by hand, in several states."""
    open_database(files_under_home)
    catalog, library = CatalogService(fake.catalog()), Library()
    thrones = catalog.add(Kind.TV, GAME_OF_THRONES, "watching")
    library.set_progress(thrones.key, 5)
    library.set_rating(thrones.key, 9)
    catalog.add(Kind.TV, "1396", "plan_to_watch")
    dark = library.add(NewItem(Kind.TV, "Dark", 2017, total=26), "watching")
    library.set_progress(dark.key, 3)
    library.add(NewItem(Kind.TV, "Lost", 2004, total=121), "dropped")

    fight_club = catalog.add(Kind.MOVIE, FIGHT_CLUB, "completed")
    library.set_rating(fight_club.key, 8)
    library.add(NewItem(Kind.MOVIE, "Heat", 1995))

    solar = catalog.add(Kind.BOOK, SOLAR_ENERGY, "reading")
    library.set_progress(solar.key, 120)
    dune = library.add(
        NewItem(Kind.BOOK, "Dune", 1965, creator="Frank Herbert", total=412), "completed"
    )
    library.set_rating(dune.key, 10)

    stories = catalog.add(Kind.PODCAST, STORIES_PODCAST, "listening")
    library.set_progress(stories.key, 2)
    library.add(NewItem(Kind.PODCAST, "Hardcore History", creator="Dan Carlin"))
    return files_under_home


def app_for(fake: FakeCatalogs | None = None) -> MediaTrackApp:
    return MediaTrackApp(catalog=fake.catalog() if fake else None)


def then(*steps: Drive) -> Drive:
    """One ``run_before`` of several steps, ending with everything settled and no blinking."""

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        for step in steps:
            await step(pilot)
            await settle(pilot)
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.pause()

    return run


def press(*keys: str) -> Drive:
    async def run(pilot: Pilot) -> None:
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


def highlight(title: str) -> Drive:
    """Move the library's cursor down to ``title``."""

    async def run(pilot: Pilot) -> None:
        for _ in range(20):
            current = table(pilot.app).current
            if current is not None and current.title == title:
                return
            await pilot.press("down")
        raise AssertionError(f"{title} is not in the library")

    return run


# --- the four libraries ----------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("key", ["1", "2", "3", "4"], ids=["shows", "movies", "books", "podcasts"])
def test_library(snap_compare, library_world, fake, size, key):
    assert snap_compare(app_for(fake), terminal_size=size, run_before=then(press(key)))


@pytest.mark.parametrize("size", SIZES)
def test_show_detail(snap_compare, library_world, fake, size):
    async def opened(pilot: Pilot) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, ShowDetailScreen))

    drive = then(press("1"), highlight("Game of Thrones"), press("enter"), opened)
    assert snap_compare(app_for(fake), terminal_size=size, run_before=drive)


@pytest.mark.parametrize("size", SIZES)
def test_search_dialog(snap_compare, library_world, fake, size):
    async def searched(pilot: Pilot) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, SearchScreen))
        await pilot.press(*"game")
        await pilot.pause(DEBOUNCE + 0.15)

    drive = then(press("1", "a"), searched)
    assert snap_compare(app_for(fake), terminal_size=size, run_before=drive)


# --- friends, login, settings ----------------------------------------------------------


@pytest.fixture
def signed_in(files_under_home: Path) -> Path:
    open_database(files_under_home)
    sign_in(Profile("google-solo", "Solo", "solo@example.com", True))
    Library("google-solo").add(NewItem(Kind.TV, "Dark", 2017, total=26), "watching")
    return files_under_home


@pytest.mark.parametrize("size", SIZES)
def test_friends_without_a_server(snap_compare, signed_in, size):
    assert snap_compare(app_for(), terminal_size=size, run_before=then(press("5")))


@pytest.mark.parametrize("size", SIZES)
def test_friends_offline(snap_compare, signed_in, monkeypatch, size):
    monkeypatch.setenv(URL_ENV, "postgresql://solo@127.0.0.1:9/nowhere")

    async def offline(pilot: Pilot) -> None:
        await until(pilot, lambda: "offline" in pilot.app.screen.sub_title)

    assert snap_compare(app_for(), terminal_size=size, run_before=then(offline, press("5")))


@pytest.fixture
def waiting_login(google, monkeypatch: pytest.MonkeyPatch) -> None:
    """Google hands out its recorded code, then the approval never comes (until closed)."""

    def wait_for_login(code, cancel: threading.Event, on_tick=None, **options):
        cancel.wait(5.0)
        raise identity.Cancelled("The sign-in was closed.")

    monkeypatch.setattr(identity, "wait_for_login", wait_for_login)
    monkeypatch.setattr(DeviceCode, "seconds_left", lambda self, now=None: self.expires_in)


@pytest.mark.parametrize("size", SIZES)
def test_login(snap_compare, library_world, fake, waiting_login, size):
    async def login(pilot: Pilot) -> None:
        commands = {c.title: c for c in pilot.app.get_system_commands(pilot.app.screen)}
        commands["Log in"].callback()
        await until(pilot, lambda: isinstance(pilot.app.screen, LoginScreen))
        await until(pilot, lambda: pilot.app.screen.state == "waiting")

    async def run(pilot: Pilot) -> None:
        await then(press("2"))(pilot)
        await login(pilot)  # not settled after: the sign-in worker waits for Google until closed

    assert snap_compare(app_for(fake), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_settings(snap_compare, library_world, fake, size):
    async def opened(pilot: Pilot) -> None:
        pilot.app.push_screen(SettingsScreen())
        await until(pilot, lambda: isinstance(pilot.app.screen, SettingsScreen))

    assert snap_compare(app_for(fake), terminal_size=size, run_before=then(press("2"), opened))


# --- Up Next and Calendar ---------------------------------------------------------------


@pytest.fixture
def airing_world(library_world: Path) -> Path:
    """The library, and shows airing around the frozen day: a premiere, a finale, a gap."""
    from agenda_world import add_show, days_from

    today = FROZEN.date()
    add_show(5001, "Severance", [days_from(today, -400), days_from(today, -14, -7, 0, 7)])
    add_show(5002, "Shogun", [days_from(today, 1, 8, 15, None)], status="plan_to_watch")
    add_show(5003, "Slow Horses", [days_from(today, -30, 3, 25)], status="dropped")
    return library_world


@pytest.mark.parametrize("size", SIZES)
def test_up_next(snap_compare, airing_world, fake, size):
    assert snap_compare(app_for(fake), terminal_size=size, run_before=then(press("6")))


@pytest.mark.parametrize("size", SIZES)
def test_calendar(snap_compare, airing_world, fake, size):
    assert snap_compare(app_for(fake), terminal_size=size, run_before=then(press("7", "d")))


async def stats_figures(pilot: Pilot) -> None:
    review = pilot.app.screen.query_one("#stats-review")
    await until(pilot, lambda: "Finished" in str(review.render()))
    await until(pilot, lambda: pilot.app.screen.query("FooterKey"))  # after the figures


@pytest.mark.parametrize("size", SIZES)
def test_stats(snap_compare, library_world, fake, size):
    drive = then(press("8"), stats_figures)
    assert snap_compare(app_for(fake), terminal_size=size, run_before=drive)


def test_stats_numbers_on_a_small_terminal(snap_compare, library_world, fake):
    """Under 100 columns the numbers stand below their chart, every column in view."""
    drive = then(press("8"), stats_figures, press("pagedown"))
    assert snap_compare(app_for(fake), terminal_size=(80, 24), run_before=drive)


# --- history -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_history(snap_compare, library_world, fake, size):
    from mediatrack.screens.history import HistoryScreen

    async def opened(pilot: Pilot) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen))

    drive = then(press("1"), press("h"), opened)
    assert snap_compare(app_for(fake), terminal_size=size, run_before=drive)


# --- the note dialog ---------------------------------------------------------------------


def test_note_dialog_on_a_small_terminal(snap_compare, library_world, fake):
    from mediatrack.screens.note_dialog import NoteDialog

    async def written(pilot: Pilot) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, NoteDialog))
        await pilot.press(*"Rewatch before season 2", "enter", *"with Sam")
        pilot.app.screen.query_one("#note-text").cursor_blink = False

    drive = then(press("1"), highlight("Dark"), press("n"), written)
    assert snap_compare(app_for(fake), terminal_size=(80, 24), run_before=drive)
