"""The Import screen: from the palette, a path with completion, progress, and the summary."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from catalog_server import FakeCatalogs
from mediatrack.app import MediaTrackApp
from mediatrack.kinds import Kind
from mediatrack.screens.import_file import ImportScreen, complete_path
from mediatrack.services.library import Library
from tui_helpers import SIZE, until


async def test_import_from_the_palette_shows_the_summary_and_the_library_has_it(
    httpserver, db_path: Path, tmp_path: Path
):
    fake = FakeCatalogs(httpserver)
    path = tmp_path / "ratings.csv"
    path.write_text(
        "Const,Your Rating,Date Rated,Title,Title Type,Year\n"
        "tt0137523,9,2020-01-01,Fight Club,movie,1999\n"
        "tt0000001,7,2020-01-01,An Episode,tvEpisode,2010\n"
    )
    app = MediaTrackApp(db_path=db_path, catalog=fake.catalog())
    async with app.run_test(size=SIZE) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Import…" in titles
        app.action_import_file()
        await until(pilot, lambda: isinstance(app.screen, ImportScreen))
        screen = app.screen
        screen.query_one("#source").value = "imdb"
        path_input = screen.query_one("#path", Input)
        path_input.value = str(path)
        await pilot.press("enter")
        summary = screen.query_one("#import-summary", Static)
        await until(pilot, lambda: "1 added" in str(summary.render()))
        assert "1 skipped" in str(summary.render())
        await pilot.press("escape")
    [movie] = Library().entries(Kind.MOVIE)
    assert (movie.catalog_id, movie.rating) == ("550", 9)


async def test_rows_left_to_review_open_from_the_import_screen(
    httpserver, db_path: Path, tmp_path: Path
):
    from textual.widgets import Button, OptionList

    from mediatrack.screens.import_review import ImportReviewScreen

    path = tmp_path / "ratings.csv"
    path.write_text(
        "Const,Your Rating,Date Rated,Title,Title Type,Year\n"
        "tt7654321,7,2020-01-01,Unknown,movie,2010\n"
        "tt0137523,9,2020-01-01,Fight Club,movie,1999\n"
        "tt0000002,8,2020-01-01,,movie,2010\n"
    )
    app = MediaTrackApp(db_path=db_path, catalog=FakeCatalogs(httpserver).catalog())
    async with app.run_test(size=SIZE) as pilot:
        app.action_import_file()
        await until(pilot, lambda: isinstance(app.screen, ImportScreen))
        screen = app.screen
        review = screen.query_one("#review", Button)
        assert not review.display  # nothing imported yet
        screen.query_one("#source").value = "imdb"
        screen.query_one("#path", Input).value = str(path)
        await pilot.press("enter")
        summary = screen.query_one("#import-summary", Static)
        await until(pilot, lambda: "1 to review" in str(summary.render()))
        # the CLI's words: the counts, then the malformed line with its number
        assert "line 4:" in str(summary.render())
        assert review.display and str(review.label) == "Review 1 row"
        assert review.has_focus
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ImportReviewScreen))
        rows = app.screen.query_one("#review-rows", OptionList)
        await until(pilot, lambda: rows.option_count == 1)


async def test_a_file_that_is_not_an_export_is_one_sentence_on_the_screen(
    httpserver, db_path: Path, tmp_path: Path
):
    path = tmp_path / "notes.csv"
    path.write_text("Name,Colour\nx,y\n")
    app = MediaTrackApp(db_path=db_path, catalog=FakeCatalogs(httpserver).catalog())
    async with app.run_test(size=SIZE) as pilot:
        app.action_import_file()
        await until(pilot, lambda: isinstance(app.screen, ImportScreen))
        app.screen.query_one("#path", Input).value = str(path)
        await pilot.press("enter")
        summary = app.screen.query_one("#import-summary", Static)
        await until(pilot, lambda: "'Title'" in str(summary.render()))
        assert app.screen.query_one("#start").disabled is False


def test_paths_complete_from_the_disk(tmp_path: Path):
    (tmp_path / "letterboxd-export").mkdir()
    (tmp_path / "goodreads.csv").write_text("")
    assert complete_path(str(tmp_path / "lett")) == str(tmp_path / "letterboxd-export") + "/"
    assert complete_path(str(tmp_path / "good")) == str(tmp_path / "goodreads.csv")
    assert complete_path(str(tmp_path / "nothing")) is None


async def test_review_rows_are_settled_from_the_review_screen(
    httpserver, db_path: Path, tmp_path: Path
):
    from textual.widgets import OptionList

    from mediatrack.screens.import_review import ImportReviewScreen
    from mediatrack.services.importing import ImportService
    from mediatrack.store.db import open_database

    fake = FakeCatalogs(httpserver)
    folder = tmp_path / "letterboxd"
    folder.mkdir()
    (folder / "watched.csv").write_text(
        "Date,Name,Year,Letterboxd URI\n2024-01-01,Fight Clubs,1999,x\n"
        "2024-01-01,Nothing Like It,1950,y\n"
    )
    open_database(db_path)
    ImportService(fake.catalog()).run("letterboxd", folder)
    app = MediaTrackApp(db_path=db_path, catalog=fake.catalog())
    async with app.run_test(size=SIZE) as pilot:
        app.action_review_imports()
        await until(pilot, lambda: isinstance(app.screen, ImportReviewScreen))
        screen = app.screen
        rows = screen.query_one("#review-rows", OptionList)
        await until(pilot, lambda: rows.option_count == 2)
        assert screen.query_one("#candidates", OptionList).option_count > 0
        await pilot.press("enter")  # to the candidates
        await pilot.press("enter")  # the first: Fight Club (550)
        await until(pilot, lambda: rows.option_count == 1)
        await pilot.press("s")  # skip the other
        summary = screen.query_one("#import-summary", Static)
        await until(pilot, lambda: "Skipped" in str(summary.render()))
        assert rows.option_count == 0
    assert [entry.catalog_id for entry in Library().entries(Kind.MOVIE)] == ["550"]


async def test_a_review_row_is_searched_again_with_the_users_words_and_picked(
    httpserver, db_path: Path, tmp_path: Path
):
    from textual.widgets import OptionList

    from mediatrack.screens.import_review import ImportReviewScreen
    from mediatrack.services.importing import ImportService
    from mediatrack.store.db import open_database

    fake = FakeCatalogs(httpserver)
    folder = tmp_path / "letterboxd"
    folder.mkdir()
    (folder / "watched.csv").write_text(
        "Date,Name,Year,Letterboxd URI\n2024-01-01,Nothing Like It,1950,y\n"
    )
    open_database(db_path)
    ImportService(fake.catalog()).run("letterboxd", folder)
    app = MediaTrackApp(db_path=db_path, catalog=fake.catalog())
    async with app.run_test(size=SIZE) as pilot:
        app.action_review_imports()
        await until(pilot, lambda: isinstance(app.screen, ImportReviewScreen))
        screen = app.screen
        rows = screen.query_one("#review-rows", OptionList)
        await until(pilot, lambda: rows.option_count == 1)
        candidates = screen.query_one("#candidates", OptionList)
        assert "Search again" in [c.title for c in screen.palette_commands()]
        await pilot.press("slash")
        query = screen.query_one("#query", Input)
        await until(pilot, lambda: query.has_focus)
        assert query.value == "Nothing Like It"
        query.value = ""
        await pilot.press(*"fight club", "enter")
        await until(pilot, lambda: candidates.has_focus)
        assert candidates.option_count > 0 and not query.display
        searched = [request.args.get("query") for request, _ in httpserver.log]
        assert searched[-1] == "fight club"
        first = str(candidates.get_option_at_index(0).prompt)
        assert "Fight Club" in first and "550" in first
        await pilot.press("enter")
        await until(pilot, lambda: rows.option_count == 0)
    assert [entry.catalog_id for entry in Library().entries(Kind.MOVIE)] == ["550"]


async def test_the_review_dialog_fits_a_small_terminal(httpserver, db_path: Path, tmp_path: Path):
    from textual.widgets import OptionList

    from mediatrack.screens.import_review import ImportReviewScreen
    from mediatrack.services.importing import ImportService
    from mediatrack.store.db import open_database

    fake = FakeCatalogs(httpserver)
    folder = tmp_path / "letterboxd"
    folder.mkdir()
    rows = "".join(f"2024-01-01,Fight Clubs {n},1999,x\n" for n in range(15))
    (folder / "watched.csv").write_text("Date,Name,Year,Letterboxd URI\n" + rows)
    open_database(db_path)
    ImportService(fake.catalog()).run("letterboxd", folder)
    app = MediaTrackApp(db_path=db_path, catalog=fake.catalog())
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_review_imports()
        await until(pilot, lambda: isinstance(app.screen, ImportReviewScreen))
        screen = app.screen
        await until(pilot, lambda: screen.query_one("#review-rows", OptionList).option_count == 15)

        def in_view(*parts: str) -> None:
            dialog = screen.query_one(".dialog")
            assert screen.region.contains_region(dialog.region)
            for part in parts:
                region = screen.query_one(part).region
                assert region.height > 0 and dialog.content_region.contains_region(region), part

        in_view("#review-rows", "#candidates", "#import-summary")
        assert screen.query_one("#candidates", OptionList).scrollable_content_region.height >= 2
        await pilot.press("slash")  # the search box takes its room from the lists
        await until(pilot, lambda: screen.query_one("#query", Input).has_focus)
        in_view("#review-rows", "#query", "#candidates", "#import-summary")
