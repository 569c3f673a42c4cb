"""What the TUI tests share: the terminal size, waiting for the app, and reading the screen.

Every ``tests/test_tui*.py`` imports from here, so a change to how the app
draws a library row or shows a notification is followed in one place.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.widgets import OptionList, Static

from mediatrack.app import MediaTrackApp
from mediatrack.widgets.library_table import LibraryTable

SIZE = (130, 40)  # wide enough for every library column at once


async def settle(pilot) -> None:
    """Let workers finish and their results reach the screen, and the parts of it mounted
    once a frame is painted (the Footer, the detail pane) arrive."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    app = pilot.app
    if app.is_running and app.screen.query("AfterFirstFrame"):  # not while it stops
        await until(pilot, lambda: not app.is_running or not app.screen.query("AfterFirstFrame"))


async def until(pilot, condition: Callable[[], object], timeout: float = 10.0) -> float:
    """Let the app run until ``condition()`` holds; how long it took (fails after ``timeout``).

    One more pause follows, so what the same handler queued (a focus, a refresh) lands too.
    """
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"the screen never got there within {timeout} s")
        await pilot.pause(0.02)
    elapsed = time.monotonic() - start
    await pilot.pause()
    return elapsed


def table(app: MediaTrackApp) -> LibraryTable:
    return app.screen.query_one(LibraryTable)


def rendered_rows(app: MediaTrackApp) -> list[str]:
    """The library table's lines as the user sees them (header excluded, blanks collapsed)."""
    widget = table(app)
    lines = [widget.render_line(y).text for y in range(1, widget.size.height)]
    return [" ".join(line.split()) for line in lines if line.strip()]


def row_of(app: MediaTrackApp, title: str) -> str:
    """The table's line for ``title`` as drawn on screen ("" when it is not there)."""
    return next((line for line in rendered_rows(app) if line.startswith(title)), "")


def titles(app: MediaTrackApp) -> list[str]:
    """The titles in the library table, in their order."""
    return [entry.title for entry in table(app).entries]


def toasts(app: MediaTrackApp) -> str:
    """Every notification still on screen."""
    return "\n".join(notification.message for notification in app._notifications)


def screen_text(app: MediaTrackApp) -> str:
    """Every character the whole screen sends to the terminal, toasts and modals included."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return "\n".join("".join(segment.text for segment in strip) for strip in update.strips)


def text_of(app: MediaTrackApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def options(app: MediaTrackApp, selector: str) -> list[str]:
    widget = app.screen.query_one(selector, OptionList)
    return [str(widget.get_option_at_index(i).prompt) for i in range(widget.option_count)]


def palette_titles(app: MediaTrackApp) -> list[str]:
    """The command palette's entries (typing into the palette itself takes a second)."""
    return [command.title for command in app.get_system_commands(app.screen)]
