"""Notes, rewatches and the history in the app, driven by keys through Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediatrack.app import MediaTrackApp
from mediatrack.kinds import Kind
from mediatrack.screens.history import HistoryScreen
from mediatrack.screens.note_dialog import NoteDialog
from mediatrack.services.history import History
from mediatrack.services.library import Library, NewItem
from mediatrack.store.db import open_database
from tui_helpers import SIZE, settle, table, toasts, until

TWICE = "\N{MULTIPLICATION SIGN}2"


@pytest.fixture
def seeded(db_path: Path) -> dict:
    open_database(db_path)
    library = Library()
    return {
        "heat": library.add(NewItem(Kind.MOVIE, "Heat", 1995), "completed").key,
        "dune": library.add(NewItem(Kind.BOOK, "Dune", 1965, total=412), "reading").key,
    }


def pane(app: MediaTrackApp) -> str:
    return str(app.screen.query_one("#detail-body").render())


async def test_a_note_is_written_shown_and_kept_after_a_restart(seeded):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteDialog))
        for key in ["T", "o", "o", " ", "l", "o", "n", "g", "enter", "[", "b", "]", "x"]:
            await pilot.press(key)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Too long" in pane(app))
        assert "[b]x" in pane(app)  # outside text, never markup
        assert "private" in pane(app)
        assert "Note saved." in toasts(app)
    assert History().note(seeded["heat"]).text == "Too long\n[b]x"

    app = MediaTrackApp()  # a restart: the note is read from the file
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await until(pilot, lambda: "Too long" in pane(app))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteDialog))
        await pilot.press("escape")  # leaves it as it was
        await settle(pilot)
    assert History().note(seeded["heat"]).text == "Too long\n[b]x"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_note_dialog_fits_the_terminal(seeded, size):
    app = MediaTrackApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteDialog))
        dialog = app.screen
        box = dialog.query_one(".note-box").content_region
        for part in ("#note-text", "#note-shared", ".note-hint", "#save", "#cancel"):
            region = dialog.query_one(part).region
            assert region.height > 0 and box.contains_region(region), part
            assert dialog.region.contains_region(region), part
        assert dialog.query_one("#note-text").region.height >= 5  # a few lines to write in
        await pilot.press(*"Seen twice")
        await pilot.click("#save")
        await until(pilot, lambda: "Note saved." in toasts(app))
    assert History().note(seeded["heat"]).text == "Seen twice"


async def test_rewatch_asks_counts_and_undoes(seeded):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("W")
        await settle(pilot)
        assert "Rewatch Heat?" in str(app.screen.query_one(".picker-title").render())
        await pilot.press("y")
        await until(pilot, lambda: table(app).current.status == "watching")
        assert table(app).current.progress == 0
        await pilot.press("plus")  # watched again: finished twice
        await until(pilot, lambda: TWICE in pane(app))
        await pilot.press("u")  # undoes the rewatch, the last change that asked
        await until(pilot, lambda: "Undone" in toasts(app))
    assert Library().detail(seeded["heat"]).runs == 1  # finished once, as before the rewatch
    assert Library().entry(seeded["heat"]).status == "completed"


async def test_the_history_screen_lists_what_was_done(seeded):
    Library().set_progress(seeded["dune"], 412)
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await settle(pilot)
        rows = app.screen.query_one("#history-table").row_count
        assert rows == 2  # Heat and Dune, finished
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HistoryScreen)


async def test_an_unedited_note_with_control_characters_is_saved_as_it_was(seeded):
    """The editor shows controls as symbols; saving without typing keeps the exact text."""
    raw = "line\x1b[31m red\tcell\r\nnext\x07"
    History().set_note(seeded["heat"], raw, shared=False)
    before = History().note(seeded["heat"])
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteDialog))
        assert "\x1b" not in app.screen.query_one("#note-text").text  # never on the terminal
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert History().note(seeded["heat"]) == before

        await pilot.press("n")  # only its sharing changes: the text stays as it was
        await until(pilot, lambda: isinstance(app.screen, NoteDialog))
        app.screen.query_one("#note-shared").value = True
        await pilot.press("ctrl+s")
        await until(pilot, lambda: History().note(seeded["heat"]).shared)
    assert History().note(seeded["heat"]).text == before.text


async def test_rewatch_from_the_detail_screen_asks_and_starts_again(seeded):
    from mediatrack.screens.detail import DetailScreen

    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await settle(pilot)
        await pilot.press("W")
        await until(pilot, lambda: bool(app.screen.query(".picker-title")))
        assert "Rewatch Heat?" in str(app.screen.query_one(".picker-title").render())
        await pilot.press("y")
        await until(pilot, lambda: Library().entry(seeded["heat"]).status == "watching")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert "Rewatch" in [c.title for c in app.screen.palette_commands()]
    assert Library().detail(seeded["heat"]).runs == 1  # the first run stays in the history


async def test_clearing_a_note_asks_first(seeded):
    History().set_note(seeded["heat"], "the bank scene")
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteDialog))
        app.screen.query_one("#note-text").text = ""
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(app.screen.query(".picker-title")))
        assert "Delete your note on Heat?" in str(app.screen.query_one(".picker-title").render())
        await pilot.press("n")  # kept
        await settle(pilot)
        assert History().note(seeded["heat"]).text == "the bank scene"
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteDialog))
        app.screen.query_one("#note-text").text = ""
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(app.screen.query(".picker-title")))
        await pilot.press("y")
        await until(pilot, lambda: History().note(seeded["heat"]) is None)
        await until(pilot, lambda: "Note cleared." in toasts(app))


async def test_a_note_too_long_stays_in_the_editor(seeded):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteDialog))
        app.screen.query_one("#note-text").text = "x" * 10_001
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "at most 10,000 characters" in toasts(app))
        assert isinstance(app.screen, NoteDialog)  # nothing typed is lost
        assert len(app.screen.query_one("#note-text").text) == 10_001
    assert History().note(seeded["heat"]) is None


async def test_a_show_s_own_screen_shows_its_note_in_one_line(db_path: Path):
    from textual.widgets import Static

    from mediatrack.screens.show_detail import ShowDetailScreen

    open_database(db_path)
    Library().add(NewItem(Kind.TV, "Dark", 2017), "watching")
    app = MediaTrackApp()
    async with app.run_test(size=(80, 24)) as pilot:  # no detail pane at 80 columns
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ShowDetailScreen))
        header = app.screen.query_one("#show-header", Static)
        await until(pilot, lambda: "Dark" in str(header.render()))
        assert "Your note" not in str(header.render())
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteDialog))
        for key in ["[", "b", "]", "x", "enter", "m", "o", "r", "e"]:
            await pilot.press(key)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Your note (private): [b]x more" in str(header.render()))
