"""The library browser on its own: your library and a friend's, side by side, in a bare app."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from textual import on
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from mediatrack.kinds import Kind
from mediatrack.records import EntryKey, FirstPage, LibraryEntry
from mediatrack.screens.library import LibraryScreen
from mediatrack.services.identity import KeptLibrary
from mediatrack.widgets.detail_pane import DetailPane
from mediatrack.widgets.library_browser import LibraryBrowser, nothing_yet_text
from mediatrack.widgets.library_table import LibraryTable
from mediatrack.widgets.status_tabs import StatusTabs
from tui_helpers import SIZE, until

BROWSING = {"filter", "cycle_sort", "status_tab", "clear_filter"}  # the rest write


def entry(number: int, title: str, status: str) -> LibraryEntry:
    return LibraryEntry(
        key=EntryKey(Kind.TV, number),
        title=title,
        original_title=None,
        creator=None,
        release_date="2017-12-01",
        status=status,
        progress=3,
        total=26,
        rating=None,
        updated_at=dt.datetime(2026, 1, number),
        catalog_id=str(1000 + number),
    )


ENTRIES = [entry(1, "Dark", "watching"), entry(2, "Lost", "dropped"), entry(3, "Lübeck", "dropped")]


class Browsers(App[None]):
    """Yours and Bob's, the same entries in both; records every ``Rested`` request."""

    def __init__(self) -> None:
        super().__init__()
        self.rested: list[tuple[str | None, str]] = []

    def compose(self) -> ComposeResult:
        yield LibraryBrowser(Kind.TV, id="mine")
        yield LibraryBrowser(Kind.TV, friend="Bob", id="bobs")

    @on(LibraryBrowser.Rested)
    def _rested(self, event: LibraryBrowser.Rested) -> None:
        self.rested.append((event.browser.id, event.entry.title))

    def browser(self, name: str) -> LibraryBrowser:
        return self.query_one(f"#{name}", LibraryBrowser)


def empty_text(browser: LibraryBrowser) -> str:
    widget = browser.query_one("#empty", Static)
    return str(widget.render()) if widget.display else ""


def summary(browser: LibraryBrowser) -> str:
    return str(browser.query_one("#summary").render())


def titles(browser: LibraryBrowser) -> list[str]:
    return [item.title for item in browser.query_one(LibraryTable).entries]


async def test_both_libraries_say_the_same_empty_sentences(db_path):
    app = Browsers()
    async with app.run_test(size=SIZE) as pilot:
        mine, bobs = app.browser("mine"), app.browser("bobs")
        for browser in (mine, bobs):
            browser.show(ENTRIES)
        await pilot.pause()
        said: dict[str, list[str]] = {"mine": [], "bobs": []}
        for name, browser in (("mine", mine), ("bobs", bobs)):
            browser.move_tab(2)  # Completed: nothing
            await pilot.pause()
            said[name].append(empty_text(browser))
            await browser.open_filter()
            browser.query_one("#filter", Input).value = "xyz"
            await pilot.pause()
            said[name].append(empty_text(browser))
            browser.move_tab(2)  # Dropped: two, and the filter folds accents
            browser.query_one("#filter", Input).value = "LUBECK"
            await pilot.pause()
            said[name].append(empty_text(browser))
            assert titles(browser) == ["Lübeck"]
        assert (
            said["mine"]
            == said["bobs"]
            == [
                "No shows marked completed.",
                "No shows marked completed match 'xyz'. Escape clears the filter.",
                "",
            ]
        )
        placeholders = {b.query_one("#filter", Input).placeholder for b in (mine, bobs)}
        assert len(placeholders) == 1  # one filter, one sentence
        # An empty library is the one sentence that differs: whose library it is.
        for browser in (mine, bobs):
            browser.show([])
        await pilot.pause()
        assert empty_text(bobs) == "Bob has no shows yet."
        assert empty_text(mine).startswith("No shows yet. Press a to search TMDB")


async def test_the_summary_line_says_count_order_and_whose(db_path):
    app = Browsers()
    async with app.run_test(size=SIZE) as pilot:
        mine, bobs = app.browser("mine"), app.browser("bobs")
        for browser in (mine, bobs):
            browser.show(ENTRIES)
            browser.cycle_sort()
        await pilot.pause()
        assert summary(mine) == "3 shows · sorted by last updated (newest first) · o to change"
        assert summary(bobs) == "3 shows · sorted by last updated (newest first) · read-only"
        assert titles(mine) == titles(bobs) == ["Lübeck", "Lost", "Dark"]


async def test_read_only_has_no_detail_pane_and_asks_for_no_record(db_path):
    app = Browsers()
    async with app.run_test(size=SIZE) as pilot:
        mine, bobs = app.browser("mine"), app.browser("bobs")
        assert bobs.read_only and not mine.read_only
        for browser in (mine, bobs):
            browser.show(ENTRIES)
        await until(pilot, lambda: mine.query(DetailPane))  # mounted after the first frame
        await pilot.pause(0.3)  # longer than the cursor needs to rest
        assert not bobs.query(DetailPane)  # it would say "Your status" of Bob's
        assert mine.query(DetailPane)
        assert app.rested == [("mine", "Dark")]  # only yours reads the full record


async def test_no_write_key_does_anything_in_read_only_mode(db_path):
    """Every key that changes your library, pressed on Bob's: nothing changes, nothing opens."""
    app = Browsers()
    write_keys = [
        key
        for binding in LibraryScreen.BINDINGS
        if binding.action.split("(")[0] not in BROWSING
        for key in binding.key.split(",")
    ]
    assert {"a", "enter", "s", "plus", "minus", "p", "r", "c", "x"} <= set(write_keys)
    async with app.run_test(size=SIZE) as pilot:
        bobs = app.browser("bobs")
        bobs.show(ENTRIES)
        bobs.table.focus()
        await pilot.pause()
        before = (list(bobs.view.visible), summary(bobs), empty_text(bobs))
        for key in [*write_keys, "u"]:
            await pilot.press(key)
        await pilot.pause()
        assert (list(bobs.view.visible), summary(bobs), empty_text(bobs)) == before
        assert len(app.screen_stack) == 1 and not app._notifications


def test_the_empty_library_sentences():
    kept = KeptLibrary("google-1", "Ana", "ana@example.com", 1)
    assert nothing_yet_text(Kind.BOOK, "Bob") == "Bob has no books yet."
    assert nothing_yet_text(Kind.BOOK, "Bob", kept) == "Bob has no books yet."  # yours only
    assert nothing_yet_text(Kind.PODCAST, None, kept) == (
        "You are signed out: Ana's library (ana@example.com, 1 item) is kept on this machine; "
        "log in (ctrl+p → Log in) to see it."
    )
    assert nothing_yet_text(Kind.MOVIE) == (
        'No movies yet. Press a to search TMDB, or run: mediatrack add movie --title "Title"'
    )


async def test_a_status_tab_change_mid_swap_never_draws_the_old_kind(db_path):
    """Switching kind replaces the tabs and the table; until the new kind's rows are shown,
    a tab change (the new tabs post one) must not draw the old kind's rows."""
    app = Browsers()
    async with app.run_test(size=SIZE) as pilot:
        bobs = app.browser("bobs")
        bobs.show(ENTRIES)
        await pilot.pause()
        await bobs.set_kind(Kind.BOOK)
        bobs.move_tab(4)  # to "dropped", as a key press arriving before the books are shown
        await pilot.pause()
        assert titles(bobs) == []
        bobs.show([])
        await pilot.pause()
        assert titles(bobs) == []


def tabs(browser: LibraryBrowser) -> list[str]:
    return browser.query_one(StatusTabs).labels()


async def test_until_the_library_arrives_it_says_loading_never_zero(db_path):
    app = Browsers()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        mine = app.browser("mine")
        assert summary(mine) == "Loading…"
        assert "0 shows" not in summary(mine) and not empty_text(mine)
        assert tabs(mine)[0] == "All"  # no count yet, rather than a wrong one


async def test_the_first_rows_show_at_once_and_the_cursor_stays_when_the_rest_arrives(db_path):
    app = Browsers()
    async with app.run_test(size=SIZE) as pilot:
        mine = app.browser("mine")
        counts = {"watching": 1, "dropped": 2}
        mine.show_first(FirstPage(ENTRIES[:2], counts))
        await pilot.pause()
        assert titles(mine) == ["Dark", "Lost"]
        assert summary(mine) == "3 shows · sorted by title (A-Z) · o to change"
        assert tabs(mine)[:2] == ["All 3", "Watching 1"]
        assert not mine.loaded and not mine.table.loading and not empty_text(mine)
        mine.table.focus()
        await pilot.press("j")
        assert mine.current is not None and mine.current.title == "Lost"

        mine.show(ENTRIES)
        await pilot.pause()
        assert titles(mine) == ["Dark", "Lost", "Lübeck"]
        assert mine.current is not None and mine.current.title == "Lost"
        assert summary(mine) == "3 shows · sorted by title (A-Z) · o to change"
        mine.show_first(FirstPage(ENTRIES[:1], counts))  # late: the whole library is shown
        await pilot.pause()
        assert titles(mine) == ["Dark", "Lost", "Lübeck"]


async def test_the_detail_pane_follows_the_cursor_in_the_same_frame(db_path):
    app = Browsers()
    async with app.run_test(size=SIZE) as pilot:
        mine = app.browser("mine")
        mine.show(ENTRIES)
        await pilot.pause()
        mine.table.focus()
        mine.table.action_cursor(1)  # no message is handled before the pane shows it
        body = mine.query_one("#detail-body", Static)
        assert "Lost" in str(body.render())


class OneBrowser(App[None]):
    """A browser of many shows, for counting what a keystroke costs."""

    def compose(self) -> ComposeResult:
        yield LibraryBrowser(Kind.TV, id="mine")


@pytest.mark.parametrize("size", [SIZE, (80, 24)])  # with the detail pane, and without
async def test_a_filter_keystroke_or_page_move_lays_nothing_out_again(db_path, monkeypatch, size):
    """Typing in the filter and paging repaint the box and the rows: no layout pass of the
    screen (it cost two or three per key, and a frame each), the rows in the same frame."""
    from textual.screen import Screen

    layouts: list[int] = []
    laid_out = Screen._refresh_layout

    def counted(self, *args, **kwargs):
        layouts.append(1)
        return laid_out(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    shows = [
        replace(entry(1, f"Show {n:03d}", "watching"), key=EntryKey(Kind.TV, n + 1))
        for n in range(300)
    ]
    app = OneBrowser()
    async with app.run_test(size=size) as pilot:
        browser = app.query_one(LibraryBrowser)
        browser.show(shows)
        await pilot.pause(0.2)
        browser.table.action_cursor(1)  # the detail pane filled once, at its height
        await browser.open_filter()
        await pilot.pause(0.2)
        layouts.clear()
        for key in ["1", "backspace", "2", "backspace"]:  # more than a screenful each time
            await pilot.press(key)
            await pilot.pause(0.02)
            shown = browser.query_one(LibraryTable).entries
            assert len(shown) >= 100
            assert all(browser.view.text in show.title.lower() for show in shown)
        assert browser.view.text == "" and len(shown) == 300 and len(layouts) == 0
        await pilot.press("enter", "pagedown")  # back to the rows, the pane filled
        await pilot.pause(0.2)
        layouts.clear()
        for _ in range(5):
            await pilot.press("pagedown")
            await pilot.pause(0.02)
        assert browser.query_one(LibraryTable).cursor > 30 and len(layouts) == 0
