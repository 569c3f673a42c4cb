"""The library table's own drawing: kept rows, a cursor move that repaints two lines,
the quick scrollbar, and the collector kept off a loaded library."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from mediatrack.kinds import Kind
from mediatrack.records import EntryKey, LibraryEntry
from mediatrack.widgets.library_browser import LibraryBrowser
from mediatrack.widgets.library_table import LibraryTable
from mediatrack.widgets.scrollbar import QuickScrollBar
from tui_helpers import SIZE


def show(number: int) -> LibraryEntry:
    return LibraryEntry(
        key=EntryKey(Kind.TV, number),
        title=f"Show {number:03d}",
        original_title=None,
        creator=None,
        release_date="2017-12-01",
        status=("watching", "completed", "dropped")[number % 3],
        progress=3,
        total=26,
        rating=None,
        updated_at=dt.datetime(2026, 1, 1) - dt.timedelta(hours=number),
        catalog_id=str(1000 + number),
    )


SHOWS = [show(number) for number in range(300)]


class OneBrowser(App[None]):
    def compose(self) -> ComposeResult:
        yield LibraryBrowser(Kind.TV, id="mine")


@asynccontextmanager
async def shown() -> AsyncIterator[tuple[Pilot, LibraryBrowser, LibraryTable]]:
    """A browser showing SHOWS, its table focused and drawn."""
    app = OneBrowser()
    async with app.run_test(size=SIZE) as pilot:
        browser = app.query_one(LibraryBrowser)
        browser.show(SHOWS)
        table = browser.table
        table.focus()
        await pilot.pause()
        yield pilot, browser, table


def lines(table: LibraryTable) -> list[Strip]:
    return table.render_lines(Region(0, 0, table.size.width, table.size.height))


def background(style: Style | None) -> object:
    """The colour a cell shows behind its text (reverse swaps the two)."""
    if style is None:
        return None
    return style.color if style.reverse else style.bgcolor


def first_background(line: Strip) -> object:
    return background(next(iter(line)).style)


def cursor_lines(table: LibraryTable) -> list[str]:
    """The lines drawn in the cursor's colour."""
    cursor = background(table.get_component_rich_style("library-table--cursor"))
    return [line.text for line in lines(table) if first_background(line) == cursor]


async def test_the_cursor_is_drawn_on_its_row_alone_however_it_moved(db_path):
    async with shown() as (pilot, _browser, table):
        for key in ["down", "down", "up", "pagedown", "pagedown", "pageup", "end", "up", "home"]:
            await pilot.press(key)
            await pilot.pause()
            drawn = cursor_lines(table)
            assert len(drawn) == 1 and table.current is not None
            assert drawn[0].split()[:2] == table.current.title.split()
            top = int(table.scroll_y)
            titles = [" ".join(line.text.split()[:2]) for line in lines(table)[1:4]]
            assert titles == [entry.title for entry in table.entries[top : top + 3]]


async def test_a_move_within_the_screen_repaints_the_two_lines_it_changes(db_path, monkeypatch):
    async with shown() as (pilot, _browser, table):
        asked: list[tuple[Region, ...]] = []
        original = LibraryTable.refresh

        def refresh(self: LibraryTable, *regions: Region, **kwargs: object) -> Widget:
            asked.append(regions)
            return original(self, *regions, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(LibraryTable, "refresh", refresh)
        await pilot.press("down", "down")
        width = table.size.width
        assert asked == [
            (Region(0, 1, width, 1), Region(0, 2, width, 1)),
            (Region(0, 2, width, 1), Region(0, 3, width, 1)),
        ]
        asked.clear()
        await pilot.press("pagedown")  # the rows scroll: all of it
        assert () in asked


async def test_a_changed_entry_or_the_focus_leaving_redraws_the_kept_rows(db_path):
    async with shown() as (pilot, browser, table):
        focused = cursor_lines(table)
        renamed = replace(SHOWS[0], title="Show 000 renamed", updated_at=dt.datetime(2026, 2, 1))
        browser.put(renamed)
        await pilot.pause()
        assert cursor_lines(table)[0].split()[:3] == ["Show", "000", "renamed"]
        await browser.open_filter()  # the table loses the focus: a dimmer cursor
        await pilot.pause()
        assert cursor_lines(table) and cursor_lines(table) != focused
        blurred = background(table.get_component_rich_style("library-table--cursor"))
        assert first_background(lines(table)[1]) == blurred


async def test_the_scrollbar_draws_what_textuals_own_draws(db_path):
    async with shown() as (pilot, _browser, table):
        bar = table.vertical_scrollbar
        assert isinstance(bar, QuickScrollBar) and bar.display
        for key in ["home", "pagedown", "pagedown", "end"]:
            await pilot.press(key)
            await pilot.pause()
            crop = Region(0, 0, bar.size.width, bar.size.height)
            ours = bar.render_lines(crop)
            bar._styles_cache.clear()
            textuals = Widget.render_lines(bar, crop)  # through Rich, as Textual draws it

            def cells(strips: list[Strip]) -> list[tuple[str, object, object]]:
                return [
                    (text, background(style), style.color if text.strip() and style else None)
                    for strip in strips
                    for text, style, _ in strip
                ]

            assert cells(ours) == cells(textuals)
            assert len({first_background(strip) for strip in ours}) == 2  # a thumb


async def test_a_held_key_moves_the_rows_and_the_pane_catches_up_when_it_rests(
    db_path, monkeypatch
):
    from mediatrack.widgets import library_browser

    monkeypatch.setattr(library_browser, "REPEAT_GAP", 10.0)  # every move after the first
    app = OneBrowser()
    async with app.run_test(size=SIZE) as pilot:
        browser = app.query_one(LibraryBrowser)
        browser.show(SHOWS)
        browser.table.focus()
        await pilot.pause(0.2)
        body = browser.query_one("#detail-body", Static)
        await pilot.press(*["pagedown"] * 6, "down")
        current = browser.current
        assert current is not None and current.title != SHOWS[0].title
        assert current.title not in str(body.render())  # held: the rows moved, the pane waits
        assert cursor_lines(browser.table)[0].split()[:2] == current.title.split()
        await pilot.pause(0.3)  # the key is let go: the cursor rests
        assert current.title in str(body.render())


async def test_a_loaded_library_is_kept_out_of_the_collectors_sweeps(db_path):
    app = OneBrowser()
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(LibraryBrowser).show(SHOWS)
        await pilot.pause()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0  # the browser gone, so may its entries be


async def test_the_next_page_is_made_while_the_keyboard_rests(db_path, monkeypatch):
    async with shown() as (pilot, _browser, table):
        await pilot.press("pagedown", "pagedown")  # the first one stays on the first page
        await pilot.pause(0.1)  # the frame is drawn, then the next page's rows are made
        made: list[str] = []
        original = LibraryTable._line

        def line(self: LibraryTable, texts: list[str], *args: object) -> Strip:
            made.append(texts[0] if texts else "")
            return original(self, texts, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(LibraryTable, "_line", line)
        monkeypatch.setattr(LibraryTable, "_prepare_rows", lambda self, direction: None)
        before = table.current
        await pilot.press("pagedown")
        lines(table)
        # made now: the two rows the cursor left and reached, no more
        assert before is not None and table.current is not None
        assert sorted(made) == [before.title, table.current.title]
        assert [line.text.split()[:2] for line in lines(table)[1:3]] == [
            entry.title.split() for entry in table.entries[int(table.scroll_y) :][:2]
        ]
