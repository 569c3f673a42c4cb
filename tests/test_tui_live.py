"""Live screens, undo, confirmations and the progress dialog, driven through Pilot.

Outside changes come from a real second process (``python -m mediatrack set``)
or from another thread with its own connection, as a second app or a sync would.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from textual.widgets import Input, Label, OptionList, Static

from catalog_server import FakeCatalogs
from mediatrack import app as app_module
from mediatrack.app import MediaTrackApp
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.screens.books import BooksScreen
from mediatrack.screens.confirm import ConfirmScreen
from mediatrack.screens.item_detail import ItemDetailScreen
from mediatrack.screens.progress_dialog import ProgressDialog
from mediatrack.screens.show_detail import ShowDetailScreen
from mediatrack.services.catalog import CatalogService
from mediatrack.services.episodes import Episodes
from mediatrack.services.library import Library, NeedsConfirmation, NewItem
from mediatrack.store.db import open_database
from tui_helpers import SIZE, row_of, settle, table, toasts, until

LIVE_WITHIN = 2.0  # seconds an outside change may take to reach the screen


@pytest.fixture
def seeded(db_path: Path) -> dict[str, EntryKey]:
    open_database(db_path)
    library = Library()
    keys = {
        "dark": library.add(NewItem(Kind.TV, "Dark", 2017, total=26), "watching").key,
        "lost": library.add(NewItem(Kind.TV, "Lost", 2004, total=121), "dropped").key,
        "severance": library.add(NewItem(Kind.TV, "Severance", 2022, total=19)).key,
        "heat": library.add(NewItem(Kind.MOVIE, "Heat", 1995)).key,
        "dune": library.add(NewItem(Kind.BOOK, "Dune", 1965, total=412), "reading").key,
    }
    library.set_progress(keys["dark"], 3)
    library.set_progress(keys["dune"], 120)
    library.set_rating(keys["dune"], 9)
    return keys


def cli(db_path: Path, *args: str) -> None:
    """``mediatrack ARGS`` in a process of its own, as a user in another terminal."""
    subprocess.run(
        [sys.executable, "-m", "mediatrack", "--db", str(db_path), *args],
        check=True,
        capture_output=True,
        timeout=60,
    )


# --- live screens ------------------------------------------------------------------------


async def test_a_change_from_another_process_is_shown_within_two_seconds(seeded, db_path):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down")  # the cursor on Lost
        assert table(app).current.title == "Lost"
        assert "3/26" in row_of(app, "Dark")

        cli(db_path, "set", str(seeded["dark"]), "--progress", "7", "--rating", "8")
        await until(pilot, lambda: "7/26" in row_of(app, "Dark"), LIVE_WITHIN)
        assert "8/10" in row_of(app, "Dark")
        assert table(app).current.title == "Lost"  # the cursor stayed on its item

        cli(db_path, "set", str(seeded["severance"]), "--status", "watching")
        await until(pilot, lambda: "Watching" in row_of(app, "Severance"), LIVE_WITHIN)
        assert table(app).current.title == "Lost"


async def test_plus_after_an_outside_change_acts_on_and_shows_the_fresh_row(seeded, db_path):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "3/26" in row_of(app, "Dark")
        cli(db_path, "set", str(seeded["dark"]), "--progress", "10")
        await until(pilot, lambda: "10/26" in row_of(app, "Dark"), LIVE_WITHIN)
        await pilot.press("plus")
        await settle(pilot)
        assert "11/26" in row_of(app, "Dark")
        assert Library().entry(seeded["dark"]).progress == 11


async def test_a_screen_not_shown_reads_the_file_when_it_is(seeded, db_path):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")  # books
        await settle(pilot)
        cli(db_path, "set", str(seeded["dark"]), "--progress", "20")
        await pilot.pause(1.0)  # the shows screen is not shown: it only notes the change
        await pilot.press("1")
        await until(pilot, lambda: "20/26" in row_of(app, "Dark"), LIVE_WITHIN)


async def test_two_writers_end_with_the_screen_matching_the_file(seeded):
    """The app's + and another connection's + interleave; the screen ends as the file is."""
    key = seeded["dark"]

    def other_writer() -> None:  # a second app: its own thread, its own connection
        library = Library()
        for _ in range(5):
            library.step_progress(key, 1)
            time.sleep(0.03)

    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        writer = threading.Thread(target=other_writer)
        writer.start()
        for _ in range(5):
            await pilot.press("plus")
            await pilot.pause(0.02)
        writer.join()
        await settle(pilot)
        assert Library().entry(key).progress == 13
        await until(pilot, lambda: "13/26" in row_of(app, "Dark"), LIVE_WITHIN)


# --- undo ------------------------------------------------------------------------------


async def test_remove_says_what_it_removes_and_u_puts_everything_back(seeded):
    library = Library()
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")  # Dune: page 120, rated 9
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one(".picker-title", Label).render())
        assert "Dune" in question and question.startswith("Remove")
        await pilot.press("y")
        await settle(pilot)
        assert row_of(app, "Dune") == ""
        assert "Removed 'Dune'" in toasts(app) and "u to undo" in toasts(app)
        assert library.entries(Kind.BOOK) == []

        await pilot.press("u")
        await settle(pilot)
        dune = library.entry(seeded["dune"])
        assert (dune.status, dune.progress, dune.rating) == ("reading", 120, 9)
        await until(pilot, lambda: "120/412" in row_of(app, "Dune"), LIVE_WITHIN)
        assert "9/10" in row_of(app, "Dune")


async def test_status_change_and_rating_clear_can_be_undone(seeded):
    library = Library()
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("s", "2")  # completed: fills the pages
        await settle(pilot)
        assert library.entry(seeded["dune"]).progress == 412
        assert "u to undo" in toasts(app)
        await pilot.press("u")
        await settle(pilot)
        dune = library.entry(seeded["dune"])
        assert (dune.status, dune.progress) == ("reading", 120)

        await pilot.press("c")  # clears the rating straight from the library
        await settle(pilot)
        assert library.entry(seeded["dune"]).rating is None
        assert "Cleared the rating 9/10 of 'Dune'" in toasts(app)
        await until(pilot, lambda: "9/10" not in row_of(app, "Dune"), LIVE_WITHIN)
        await pilot.press("u")
        await settle(pilot)
        assert library.entry(seeded["dune"]).rating == 9

        await pilot.press("r", "c")  # the rating dialog's c clears too
        await settle(pilot)
        assert library.entry(seeded["dune"]).rating is None


async def test_undo_lasts_a_few_seconds_only(seeded, monkeypatch):
    monkeypatch.setattr(app_module, "UNDO_SECONDS", 0.3)
    library = Library()
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.pause(0.5)
        await pilot.press("u")
        await settle(pilot)
        assert library.entry(seeded["dune"]).rating is None
        assert "Nothing to undo" in toasts(app)


# --- the progress dialog ---------------------------------------------------------------


async def progress_dialog(pilot, text: str) -> None:
    await pilot.press("p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ProgressDialog)
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await settle(pilot)


def dialog_error(app: MediaTrackApp) -> str:
    label = app.screen.query_one("#progress-error", Label)
    return str(label.render()) if label.display else ""


async def test_p_types_a_page_and_bad_input_is_one_sentence(seeded):
    library = Library()
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        for bad, says in [("abc", "not a number"), ("999", "412 pages"), ("-3", "negative")]:
            await progress_dialog(pilot, bad)
            assert isinstance(app.screen, ProgressDialog)
            assert says in dialog_error(app)
            assert library.entry(seeded["dune"]).progress == 120
            await pilot.press("escape")
            await settle(pilot)
        await progress_dialog(pilot, "250")
        assert not isinstance(app.screen, ProgressDialog)
        assert library.entry(seeded["dune"]).progress == 250
        assert "250/412" in row_of(app, "Dune")

        await pilot.press("2")  # Heat: a movie is 0 or 1
        await settle(pilot)
        await progress_dialog(pilot, "2")
        assert "watched" in dialog_error(app)
        pilot.app.screen.query_one(Input).value = "1"
        await pilot.press("enter")
        await settle(pilot)
        assert library.entry(seeded["heat"]).progress == 1


async def test_p_is_in_the_footer_and_the_palette(seeded):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = {binding.key for (_, binding, enabled, _) in app.active_bindings.values()}
        assert "p" in keys
        titles = [command.title for command in app.screen.palette_commands()]
        assert "Set progress" in titles and "Clear rating" in titles


# --- shows with episodes: S2E5, season untick, confirmation, undo --------------------------


@pytest.fixture
def fake(httpserver) -> FakeCatalogs:
    return FakeCatalogs(httpserver)


def watched_at(key: EntryKey) -> dict[str, object]:
    return {
        f"S{e.season_number}E{e.episode_number}": e.id
        for e in Episodes().show_episodes(key)
        if e.watched
    }


async def test_p_takes_an_episode_code_for_a_show(fake, db_path):
    open_database(db_path)
    show = CatalogService(fake.catalog()).add(Kind.TV, "1399")
    app = MediaTrackApp(db_path=db_path, catalog=fake.catalog())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await progress_dialog(pilot, "S2E5")
        assert Library().entry(show.key).progress == 15  # 10 in season 1, 5 in season 2
        assert set(watched_at(show.key)) == {f"S1E{n}" for n in range(1, 11)} | {
            f"S2E{n}" for n in range(1, 6)
        }
        assert "S2E5" in row_of(app, "Game of Thrones")
        await progress_dialog(pilot, "S9E1")
        assert "no episode S09E01" in dialog_error(app)
        await pilot.press("escape")
        await settle(pilot)
        await progress_dialog(pilot, "S1E4")  # unticks 11 episodes: asks first
        assert isinstance(app.screen, ConfirmScreen)
        assert "Untick 11 episodes of Game of Thrones?" in str(
            app.screen.query_one(".picker-title", Label).render()
        )
        await pilot.press("y")
        await settle(pilot)
        assert Library().entry(show.key).progress == 4
        assert set(watched_at(show.key)) == {f"S1E{n}" for n in range(1, 5)}


async def test_unticking_a_full_season_asks_and_u_brings_the_ticks_back(fake, db_path):
    open_database(db_path)
    show = CatalogService(fake.catalog()).add(Kind.TV, "1399")
    Episodes().set_season_watched(show.key, 1, True)
    ticks = {e.id: e for e in Episodes().show_episodes(show.key) if e.watched}
    snapshot = Library().snapshot(show.key)
    app = MediaTrackApp(db_path=db_path, catalog=fake.catalog())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ShowDetailScreen)
        await pilot.press("home", "S")  # season 1 is fully ticked: asks first
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Untick 10 episodes of Game of Thrones?" in str(
            app.screen.query_one(".picker-title", Label).render()
        )
        await pilot.press("n")
        await settle(pilot)
        assert len(watched_at(show.key)) == 10
        season = app.screen.query_one("#seasons", OptionList).get_option_at_index(0)
        assert str(season.prompt) == "Season 1 · 10/10 ✓"  # drawn as it is, not as it was asked

        await pilot.press("S", "y")
        await settle(pilot)
        assert watched_at(show.key) == {}
        assert "Unticked season 1 of 'Game of Thrones'" in toasts(app)
        assert "0/80 episodes" in str(app.screen.query_one("#show-header", Static).render())

        await pilot.press("u")
        await settle(pilot)
        assert set(watched_at(show.key).values()) == set(ticks)
        assert Library().snapshot(show.key) == snapshot  # the same ticks, with their dates
        await until(
            pilot,
            lambda: (
                str(app.screen.query_one("#seasons", OptionList).get_option_at_index(0).prompt)
                == "Season 1 · 10/10 ✓"
            ),
            LIVE_WITHIN,
        )


async def test_an_item_screen_goes_back_when_the_item_is_removed_outside(seeded, db_path):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "enter")  # Dune's own screen
        await settle(pilot)
        assert isinstance(app.screen, ItemDetailScreen)
        Library().remove(seeded["dune"], confirm=True)  # another connection, as the CLI
        await until(pilot, lambda: isinstance(app.screen, BooksScreen), LIVE_WITHIN)
        assert "no longer in your library" in toasts(app)
        await until(pilot, lambda: row_of(app, "Dune") == "", LIVE_WITHIN)
    assert app._watch_stop.is_set()  # the watch thread ends with the app


# --- the library's questions (NeedsConfirmation), asked on screen --------------------------


def asking(monkeypatch, method: str, question: str) -> list[bool]:
    """Make ``Library.method`` ask ``question`` unless confirmed; returns the confirms seen."""
    real = getattr(Library, method)
    seen: list[bool] = []

    def ask_first(self, *args, confirm: bool = False, **kwargs):
        seen.append(confirm)
        if not confirm:
            raise NeedsConfirmation(question)
        return real(self, *args, confirm=confirm, **kwargs)

    monkeypatch.setattr(Library, method, ask_first)
    return seen


async def test_plus_asks_the_library_question_and_writes_only_on_yes(seeded, monkeypatch):
    seen = asking(monkeypatch, "step_progress", "Tick S1E4 of Dark, which airs in 5 days?")
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("plus")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "airs in 5 days" in str(app.screen.query_one(".picker-title", Label).render())
        await pilot.press("n")
        await settle(pilot)
        assert Library().entry(seeded["dark"]).progress == 3
        await pilot.press("plus", "y")
        await settle(pilot)
        assert Library().entry(seeded["dark"]).progress == 4
        assert "4/26" in row_of(app, "Dark")
        assert seen == [False, False, True]


async def test_the_progress_dialog_asks_before_removing_what_was_recorded(seeded, monkeypatch):
    seen = asking(monkeypatch, "set_progress", "Untick 2 episodes of Dark?")
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await progress_dialog(pilot, "1")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ProgressDialog)  # still there, to type another value
        assert Library().entry(seeded["dark"]).progress == 3
        await pilot.press("enter", "y")
        await settle(pilot)
        assert not isinstance(app.screen, ProgressDialog)
        assert Library().entry(seeded["dark"]).progress == 1
        assert seen == [False, False, True]
