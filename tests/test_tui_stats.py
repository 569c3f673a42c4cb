"""The Stats mode, the friends' activity feed, compare and "add to mine", driven by keys."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import time_machine
from textual.widgets import DataTable, Label

from mediatrack.app import MediaTrackApp
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.screens.compare import CompareScreen
from mediatrack.screens.friend_library import FriendLibraryScreen
from mediatrack.screens.stats import StatsScreen
from mediatrack.services.library import Library
from mediatrack.store.db import connection, open_database
from mediatrack.store.identity import Profile, sign_in
from stats_library import friends_circle, known_library
from tui_helpers import (
    SIZE,
    options,
    palette_titles,
    screen_text,
    settle,
    text_of,
    toasts,
    until,
)

TODAY = dt.datetime(2026, 3, 15, 9, 30, tzinfo=dt.UTC)


def numbers(app: MediaTrackApp, name: str) -> list[list[str]]:
    table = app.screen.query_one(f"#{name}-numbers", DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def test_stats_opens_on_8_and_steps_through_years(db_path: Path):
    open_database(db_path)
    with connection():
        known_library()
    with time_machine.travel(TODAY, tick=True):
        app = MediaTrackApp()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "Go to Stats" in palette_titles(app)
            await pilot.press("8")
            await until(pilot, lambda: "Finished 7 items" in text_of(app, "#stats-review"))
            assert isinstance(app.screen, StatsScreen)
            period = str(app.screen.query_one("#stats-period", Label).render())
            assert period == "Last 12 months (Apr 2025 to Mar 2026)"
            assert "Year in review" in [c.title for c in app.screen.palette_commands()]
            await pilot.press("y")  # this year
            await until(pilot, lambda: "Finished 1 item:" in text_of(app, "#stats-review"))
            await pilot.press("left_square_bracket")  # 2025
            await until(pilot, lambda: "Finished 7 items" in text_of(app, "#stats-review"))
            review = text_of(app, "#stats-review")
            assert "Watched: 4 h 40 min (runtime unknown for 2)" in review
            assert "Best: Fleabag (show, 10/10)" in review
            assert ["Oct 2025", "0", "0", "2", "0", "2"] in numbers(app, "completed")
            assert numbers(app, "genres")[0] == ["Crime", "2"]
            await pilot.press("right_square_bracket", "right_square_bracket")  # no 2027
            await settle(pilot)
            assert "No stats from the future." in toasts(app)
            table = app.screen.query_one("#completed-numbers", DataTable)
            assert table.display and table.region.width > 0
            await pilot.press("n")
            await pilot.pause()
            assert table.region.width == 0  # hidden: the charts take the room
            await pilot.press("1")
            await settle(pilot)
            assert not isinstance(app.screen, StatsScreen)


async def test_an_empty_library_has_stats_too(db_path: Path):
    open_database(db_path)
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("8")
        await until(pilot, lambda: "Finished 0 items" in text_of(app, "#stats-review"))
        await until(pilot, lambda: app.screen.query("#ratings-title"))  # a frame after the summary
        title = str(app.screen.query_one("#ratings-title", Label).render())
        assert title == "Your ratings of what you finished: none yet"


async def test_stats_read_again_once_shown_after_a_change_elsewhere(db_path: Path):
    from mediatrack.services.library import NewItem

    open_database(db_path)
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("8")
        await until(pilot, lambda: "Finished 0 items" in text_of(app, "#stats-review"))
        stats = app.screen
        reads = []
        stats.load = lambda: reads.append(1) or StatsScreen.load(stats)  # type: ignore[method-assign]
        await pilot.press("2")
        await settle(pilot)
        Library().add(NewItem(Kind.MOVIE, "Heat", 1995), "completed")
        app.library_changed.publish(None)  # as the file's watch does
        await settle(pilot)
        assert reads == []  # hidden: nothing read for it yet
        await pilot.press("8")
        await until(pilot, lambda: "Finished 1 item" in text_of(app, "#stats-review"))
        assert reads  # read once shown (the file's own watch may ask once more)


def screen_lines(app: MediaTrackApp) -> list[str]:
    """The terminal's lines, runs of spaces made one (columns read as words)."""
    return [" ".join(line.split()) for line in screen_text(app).splitlines()]


async def scroll_until(pilot, key: str, line: str, presses: int = 12) -> bool:
    """Press ``key`` until ``line`` is on screen; whether it got there."""
    for _ in range(presses):
        if line in screen_lines(pilot.app):
            return True
        await pilot.press(key)
        await pilot.pause()
    return line in screen_lines(pilot.app)


async def test_every_figure_is_reachable_on_a_small_terminal(db_path: Path):
    open_database(db_path)
    with connection():
        known_library()
    with time_machine.travel(TODAY, tick=True):
        app = MediaTrackApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("8")
            await until(pilot, lambda: "Finished 7 items" in text_of(app, "#stats-review"))
            await until(pilot, lambda: app.screen.query("PlotextPlot"))
            body = app.screen.query_one("#stats-body")
            assert body.has_focus
            # each chart stands over its numbers, every column of them in view
            assert await scroll_until(pilot, "pagedown", "Month Shows Movies Books Podcasts Total")
            assert await scroll_until(pilot, "down", "Total 1 2 3 1 7")
            assert await scroll_until(pilot, "j", "Rating Shows Movies Books Podcasts")
            assert await scroll_until(pilot, "pagedown", "Frank Herbert 2")
            for name in ("completed", "ratings", "genres", "authors"):
                numbers = app.screen.query_one(f"#{name}-numbers", DataTable)
                assert numbers.max_scroll_x == 0 and numbers.region.right <= 80
            assert await scroll_until(
                pilot, "pageup", "Finished 7 items: 1 show, 2 movies, 3 books, 1 podcast"
            )
            await pilot.press("end")
            assert body.scroll_y == body.max_scroll_y > 0
            await pilot.press("k")
            assert body.scroll_y < body.max_scroll_y


async def signed_in_circle(db_path: Path) -> dict[str, int]:
    open_database(db_path)
    sign_in(Profile("me", "Me", "me@example.com", True))
    with connection():
        return friends_circle()


async def test_friends_show_what_friends_did_and_compare_says_how_far_apart(db_path: Path):
    await signed_in_circle(db_path)
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await until(pilot, lambda: options(app, "#activity"))
        feed = options(app, "#activity")
        assert feed[0].startswith("Bob finished Solaris (book), rated 8/10 · ")
        assert feed[1].startswith("Ana rated Up (movie) 6/10 · ")
        assert not any("Carol" in line or "Stalker" in line for line in feed)
        await until(pilot, lambda: app.screen.query_one("#friends").has_focus)
        await pilot.press("c")  # Ana, first by name
        await until(pilot, lambda: isinstance(app.screen, CompareScreen))
        await until(pilot, lambda: "you both rated" in text_of(app, "#compare-summary"))
        summary = text_of(app, "#compare-summary")
        assert "4 items you both rated · 2.5 points apart on average" in summary
        assert "Ana rate 1.5 higher on average" in summary
        assert "Most apart: Dune (4 vs 9); Ronin (5 vs 8); Heat (9 vs 7)" in summary


async def test_an_item_of_a_friend_goes_into_my_library_once(db_path: Path):
    items = await signed_in_circle(db_path)
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await until(pilot, lambda: app.screen.query_one("#friends").has_focus)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FriendLibraryScreen))
        screen = app.screen
        await until(pilot, lambda: screen.loaded)
        await pilot.press("2", "slash")
        await pilot.press(*"Up", "enter")
        await until(pilot, lambda: screen.browser.current and screen.browser.current.title == "Up")
        assert "Add to my library" in [c.title for c in screen.palette_commands()]
        await pilot.press("a")
        await until(pilot, lambda: "Added 'Up' to your movies (plan to watch)." in toasts(app))
        key = EntryKey(Kind.MOVIE, items["up"])
        assert Library("me").entry(key).status == "plan_to_watch"
        await pilot.press("a")
        await until(pilot, lambda: "'Up' is already in your library as movie:" in toasts(app))
