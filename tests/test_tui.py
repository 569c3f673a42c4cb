"""The app driven by keys through Pilot: what is on screen, and what is in the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediatrack.app import MediaTrackApp
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.screens.books import BooksScreen
from mediatrack.screens.movies import MoviesScreen
from mediatrack.screens.podcasts import PodcastsScreen
from mediatrack.screens.shows import ShowsScreen
from mediatrack.services.library import Library, NewItem
from mediatrack.store.db import open_database
from mediatrack.widgets.status_tabs import StatusTabs
from tui_helpers import SIZE, rendered_rows, settle, table, titles


@pytest.fixture
def seeded(db_path: Path) -> dict[str, EntryKey]:
    open_database(db_path)  # the file MediaTrackApp() opens: $MEDIATRACK_DB
    library = Library()
    keys = {
        "dark": library.add(NewItem(Kind.TV, "Dark", 2017, total=26), "watching").key,
        "severance": library.add(NewItem(Kind.TV, "Severance", 2022, total=19)).key,
        "lost": library.add(NewItem(Kind.TV, "Lost", 2004, total=121), "dropped").key,
        "heat": library.add(NewItem(Kind.MOVIE, "Heat", 1995)).key,
        "dune": library.add(
            NewItem(Kind.BOOK, "Dune", 1965, creator="Frank Herbert", total=412), "reading"
        ).key,
        "history": library.add(NewItem(Kind.PODCAST, "Hardcore History", creator="Dan Carlin")).key,
    }
    library.set_progress(keys["dark"], 3)
    return keys


def tab_labels(app: MediaTrackApp) -> list[str]:
    """The status tabs as drawn on screen, split into their labels."""
    line = app.screen.query_one(StatusTabs).render().plain
    return [label.strip() for label in line.split("  ") if label.strip()]


async def test_number_keys_switch_between_the_four_libraries(seeded):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ShowsScreen)
        assert titles(app) == ["Dark", "Lost", "Severance"]
        for key, screen_type, expected in [
            ("2", MoviesScreen, ["Heat"]),
            ("3", BooksScreen, ["Dune"]),
            ("4", PodcastsScreen, ["Hardcore History"]),
            ("1", ShowsScreen, ["Dark", "Lost", "Severance"]),
        ]:
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen_type)
            assert titles(app) == expected
        assert any(row.startswith("Dark") and "3/26" in row for row in rendered_rows(app))


async def test_status_tabs_show_counts_and_narrow_the_table(seeded):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert tab_labels(app) == [
            "All 3",
            "Watching 1",
            "Completed 0",
            "Plan to watch 1",
            "Dropped 1",
        ]
        await pilot.press("right")
        await settle(pilot)
        assert titles(app) == ["Dark"]
        await pilot.press("right", "right")
        await settle(pilot)
        assert titles(app) == ["Severance"]


async def test_filter_narrows_as_you_type_and_escape_clears_it(seeded):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "s", "e", "v")
        await pilot.pause()
        assert titles(app) == ["Severance"]
        assert rendered_rows(app)[0].startswith("Severance")
        await pilot.press("escape")
        await pilot.pause()
        assert titles(app) == ["Dark", "Lost", "Severance"]
        await pilot.press("3", "slash", *"herbert")
        await settle(pilot)
        assert titles(app) == ["Dune"]  # books match on their authors
        await pilot.press("backspace", *"x")
        await pilot.pause()
        assert titles(app) == []
        assert str(app.screen.query_one("#empty").render()) == (
            "No books match 'herberx'. Escape clears the filter."
        )


async def test_sort_key_cycles_orders_and_the_header_shows_it(seeded):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = table(app).render_line(0).text
        assert "Title ▲" in header
        await pilot.press("o")  # last updated: Dark was changed last
        assert titles(app)[0] == "Dark"
        assert "Updated ▼" in table(app).render_line(0).text
        await pilot.press("o", "o")  # release date, newest first
        assert titles(app) == ["Severance", "Dark", "Lost"]
        assert "Year ▼" in table(app).render_line(0).text


async def test_keys_change_status_progress_rating_and_remove(seeded):
    library = Library()
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table(app).focus()
        # Cursor on "Dark" (first by title).
        await pilot.press("plus", "plus")
        await settle(pilot)
        assert library.entry(seeded["dark"]).progress == 5
        assert any(row.startswith("Dark") and "5/26" in row for row in rendered_rows(app))
        await pilot.press("minus")
        await settle(pilot)
        assert library.entry(seeded["dark"]).progress == 4

        await pilot.press("s", "2")  # Completed
        await settle(pilot)
        dark = library.entry(seeded["dark"])
        assert (dark.status, dark.progress) == ("completed", 26)
        assert "Completed 1" in tab_labels(app)

        await pilot.press("r", "8")
        await settle(pilot)
        assert library.entry(seeded["dark"]).rating == 8
        assert any("8/10" in row for row in rendered_rows(app))

        await pilot.press("down")  # Lost
        await pilot.press("x")
        await pilot.press("n")  # keep it
        await settle(pilot)
        assert "Lost" in titles(app)
        await pilot.press("x", "y")
        await settle(pilot)
        assert "Lost" not in titles(app)
        assert [entry.title for entry in library.entries(Kind.TV)] == ["Dark", "Severance"]
        assert tab_labels(app)[0] == "All 2"


async def test_progress_never_leaves_zero_to_total(seeded):
    library = Library()
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")  # Heat: 0 of 1
        await settle(pilot)
        table(app).focus()
        await pilot.press("minus")
        await settle(pilot)
        assert library.entry(seeded["heat"]).progress == 0
        await pilot.press("plus", "plus", "plus")
        await settle(pilot)
        heat = library.entry(seeded["heat"])
        assert (heat.progress, heat.status) == (1, "completed")


async def test_changes_survive_a_restart(seeded):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table(app).focus()
        await pilot.press("r", "9", "plus")
        await settle(pilot)
    # A new app on the same file.
    again = MediaTrackApp()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        dune = table(again).entries[0]
        assert (dune.rating, dune.progress, dune.status) == (9, 1, "reading")
        assert any("9/10" in row and "1/412" in row for row in rendered_rows(again))


async def test_empty_library_says_how_to_add_the_first_item(tmp_path):
    app = MediaTrackApp(db_path=tmp_path / "new" / "empty.db")  # created on first use
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        message = str(app.screen.query_one("#empty").render())
        assert "mediatrack add tv" in message
        await pilot.press("s", "r", "x")  # nothing highlighted: nothing happens
        await settle(pilot)
        assert isinstance(app.screen, ShowsScreen)


async def test_help_and_command_palette_offer_the_actions(seeded):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        titles_offered = [command.title for command in app.get_system_commands(app.screen)]
        for expected in (
            "Filter",
            "Sort",
            "Change status",
            "Progress +1",
            "Rate",
            "Remove from library",
            "Go to Books",
        ):
            assert expected in titles_offered


async def test_detail_pane_shows_the_highlighted_item(seeded):
    from mediatrack.store.models import Book

    Book.update(description="Arrakis, the desert planet.").execute()
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.pause(0.3)  # the pane reads the full record once the cursor rests
        await settle(pilot)
        pane = str(app.screen.query_one("#detail-body").render())
        assert "Dune" in pane
        assert "Frank Herbert" in pane
        assert "Arrakis, the desert planet." in pane
        assert "Pages: 412" in pane
        assert "Reading" in pane


async def test_a_file_that_is_not_a_library_stops_the_app_untouched(tmp_path, capsys):
    stranger = tmp_path / "notes.txt"
    stranger.write_bytes(b"my notes, not a database\n" * 100)
    before = stranger.read_bytes()
    app = MediaTrackApp(db_path=stranger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert app.return_code == 1
    assert stranger.read_bytes() == before
    said = " ".join(capsys.readouterr().err.split())
    assert said == f"mediatrack: {stranger} is not a mediatrack database (not an SQLite file)."


async def test_titles_that_look_like_markup_are_shown_as_they_are(db_path):
    open_database(db_path)
    key = Library().add(NewItem(Kind.MOVIE, "Live [/] at [b]Wembley")).key
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        table(app).focus()
        for opener in ("s", "r", "x"):
            await pilot.press(opener)
            await pilot.pause()
            assert "Live [/] at [b]Wembley" in str(app.screen.query_one(".picker-title").render())
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("x", "y")  # the notification names the title too
        await settle(pilot)
        assert app.is_running
        assert Library().entries(Kind.MOVIE) == []
        assert key not in [entry.key for entry in table(app).entries]


async def test_a_library_larger_than_its_first_page_draws_that_page_then_the_rest(
    seeded, monkeypatch: pytest.MonkeyPatch
):
    import mediatrack.screens.library as library_screen
    from mediatrack.widgets.library_browser import LibraryBrowser

    monkeypatch.setattr(library_screen, "FIRST_PAGE", 2)
    first_pages: list[list[str]] = []
    show_first = LibraryBrowser.show_first

    def recorded(browser: LibraryBrowser, page) -> None:
        first_pages.append([entry.title for entry in page.entries])
        show_first(browser, page)

    monkeypatch.setattr(LibraryBrowser, "show_first", recorded)
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert first_pages == [["Dark", "Lost"]]  # drawn before the rest was read
        assert titles(app) == ["Dark", "Lost", "Severance"]
        assert tab_labels(app)[0] == "All 3"
        await pilot.press("2")  # one film: its first page is all of it, read once
        await settle(pilot)
        assert titles(app) == ["Heat"]
        assert first_pages == [["Dark", "Lost"]]


def first_frames(monkeypatch: pytest.MonkeyPatch, app: MediaTrackApp) -> list[tuple]:
    """(titles, summary) of the app as each frame is painted, from the first one on."""
    frames: list[tuple] = []
    display = MediaTrackApp._display

    def painted(self, screen, renderable) -> None:
        if renderable is not None and not self._batch_count and self is app:
            summary = str(screen.query_one("#summary").render())
            frames.append((titles(self), summary))
        display(self, screen, renderable)

    monkeypatch.setattr(MediaTrackApp, "_display", painted)
    return frames


async def test_rows_read_before_the_app_started_are_in_its_first_frame(
    seeded, db_path, monkeypatch
):
    from mediatrack.services.startup import FirstRead

    read = FirstRead(db_path)
    read.wait()  # as when Textual takes longer to import than the read takes
    asked: list[Kind] = []
    first_page = Library.first_page
    monkeypatch.setattr(
        Library,
        "first_page",
        lambda self, kind, limit: asked.append(kind) or first_page(self, kind, limit),
    )
    app = MediaTrackApp(db_path=db_path, first_read=read)
    frames = first_frames(monkeypatch, app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert frames[0] == (["Dark", "Lost", "Severance"], frames[0][1])
        assert frames[0][1].startswith("3 shows")
        assert titles(app) == ["Dark", "Lost", "Severance"]
        assert tab_labels(app)[:2] == ["All 3", "Watching 1"]
        assert table(app).loading is False
        await settle(pilot)
        assert app.services_open  # then the file is opened, and its watch is on
        await pilot.press("2")  # another kind: read from the file as always
        await settle(pilot)
        assert titles(app) == ["Heat"]
    assert asked == [Kind.MOVIE]  # the Shows' first page was not read twice


async def test_a_first_read_not_done_yet_is_waited_for_by_the_worker(seeded, db_path, monkeypatch):
    import threading

    from mediatrack.services.startup import FirstRead
    from mediatrack.store import first_rows

    release = threading.Event()
    read_page = first_rows.read_first_page

    def slow(*args):
        release.wait(5)
        return read_page(*args)

    monkeypatch.setattr(first_rows, "read_first_page", slow)
    read = FirstRead(db_path)
    app = MediaTrackApp(db_path=db_path, first_read=read)
    frames = first_frames(monkeypatch, app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert frames and frames[0] == ([], "Loading…")  # never "0 shows"
        release.set()
        await settle(pilot)
        assert titles(app) == ["Dark", "Lost", "Severance"]
        assert all("0 shows" not in summary for _, summary in frames)


async def test_a_library_that_needs_migrating_is_migrated_before_its_rows_are_read(
    tmp_path, monkeypatch
):
    import shutil

    from mediatrack.services.startup import FirstRead
    from mediatrack.store.db import latest_version, read_schema_version

    old = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "library_v4" / "library_v4.db", old)
    read = FirstRead(old)
    assert read.wait() is None  # not read: it is not at this version yet
    app = MediaTrackApp(db_path=old, first_read=read)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert titles(app)  # read once migrated
    assert read_schema_version(old) == latest_version()
