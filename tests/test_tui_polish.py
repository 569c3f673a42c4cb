"""The app as a new user meets it: folding filter and sort, honest empty states, the same
list keys everywhere, adding by hand from the search dialog, unaired episodes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import Footer, OptionList, Static
from textual.widgets._footer import FooterKey

from catalog_server import FakeCatalogs
from mediatrack.app import MediaTrackApp
from mediatrack.catalog.http import HttpOptions
from mediatrack.catalog.settings import CatalogSettings, build_catalog
from mediatrack.kinds import Kind
from mediatrack.records import ShowEpisode
from mediatrack.screens.add_by_hand import AddByHandScreen
from mediatrack.screens.books import BooksScreen
from mediatrack.screens.compare import CompareScreen
from mediatrack.screens.friends import FriendList, FriendsScreen
from mediatrack.screens.podcast_detail import PodcastDetailScreen
from mediatrack.screens.rating_picker import RatingPicker
from mediatrack.screens.search import DEBOUNCE
from mediatrack.screens.show_detail import ShowDetailScreen, episode_prompt
from mediatrack.screens.shows import ShowsScreen
from mediatrack.screens.status_picker import StatusPicker
from mediatrack.services.catalog import CatalogService
from mediatrack.services.library import Library, NewItem
from mediatrack.store.db import open_database
from mediatrack.store.identity import Profile, sign_in
from mediatrack.store.models import Episode, Season
from mediatrack.widgets.library_table import LibraryTable
from mediatrack.widgets.lists import KeyList, KeyTable
from tui_helpers import SIZE, settle, titles, until

TODAY = dt.date.today()


def empty_text(app: MediaTrackApp) -> str:
    widget = app.screen.query_one("#empty", Static)
    return str(widget.render()) if widget.display else ""


# --- accents and case ------------------------------------------------------------------


@pytest.fixture
def accented(db_path: Path) -> None:
    open_database(db_path)
    library = Library()
    for title in ("Lübeck", "Dark", "Ça Tourne, Minuit", "Babylon Berlin", "Caterpillar"):
        library.add(NewItem(Kind.TV, title, 2020))


async def test_filter_and_sort_fold_accents_and_case(accented):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # "Ça…" sorts under C, before "Caterpillar" (c, a, t: "ca " < "cat")
        assert titles(app) == [
            "Babylon Berlin",
            "Ça Tourne, Minuit",
            "Caterpillar",
            "Dark",
            "Lübeck",
        ]
        await pilot.press("slash", *"ca tourne")
        await pilot.pause()
        assert titles(app) == ["Ça Tourne, Minuit"]
        await pilot.press("escape", "slash", *"LUBECK")
        await pilot.pause()
        assert titles(app) == ["Lübeck"]


# --- empty states ------------------------------------------------------------------------


async def test_an_empty_status_tab_and_a_filter_without_hits_say_so(accented):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert empty_text(app) == ""
        await pilot.press("right", "right")  # Completed: nobody has finished anything
        await pilot.pause()
        assert titles(app) == []
        assert empty_text(app) == "No shows marked completed."
        await pilot.press("left", "left", "slash", *"xyz")
        await pilot.pause()
        assert empty_text(app) == "No shows match 'xyz'. Escape clears the filter."
        assert app.screen.query_one(LibraryTable).has_class("-empty")  # the sentence sits under
        await pilot.press("escape")  # the table's header, not at the bottom of the screen
        await pilot.pause()
        assert empty_text(app) == ""
        assert len(titles(app)) == 5


async def test_after_logging_out_the_library_says_whose_library_is_hidden(db_path, keyring_memory):
    open_database(db_path)
    Library().add(NewItem(Kind.TV, "Dark", 2017))
    Library().add(NewItem(Kind.BOOK, "Dune", 1965))
    sign_in(Profile(user_id="ana-sub", name="Ana", email="ana@example.com"))  # Ana's now
    app = MediaTrackApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: titles(app) == ["Dark"])
        app.action_log_out()
        await pilot.pause()
        await pilot.press("y")
        await until(pilot, lambda: titles(app) == [] and empty_text(app))
        assert empty_text(app) == (
            "You are signed out: Ana's library (ana@example.com, 2 items) is kept on this "
            "machine; log in (ctrl+p → Log in) to see it."
        )
        assert "No shows yet" not in empty_text(app)


async def test_an_empty_library_never_signed_in_says_how_to_add(db_path):
    app = MediaTrackApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert empty_text(app).startswith("No shows yet. Press a to search TMDB")


# --- the catalog-backed screens ----------------------------------------------------------


@pytest.fixture
def fake(httpserver, db_path: Path) -> FakeCatalogs:
    return FakeCatalogs(httpserver)


@pytest.fixture
def app(fake: FakeCatalogs, db_path: Path) -> MediaTrackApp:
    return MediaTrackApp(db_path=db_path, catalog=fake.catalog())


def add(fake: FakeCatalogs, db_path: Path, kind: Kind, catalog_id: str):
    open_database(db_path)
    return CatalogService(fake.catalog()).add(kind, catalog_id)


def highlighted(app: MediaTrackApp, selector: str) -> int | None:
    return app.screen.query_one(selector, OptionList).highlighted


async def test_j_k_g_G_move_through_seasons_and_episodes(app, fake, db_path):
    add(fake, db_path, Kind.TV, "1399")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ShowDetailScreen)
        assert app.screen.focused is app.screen.query_one("#seasons")
        assert highlighted(app, "#seasons") == 0
        await pilot.press("j", "j")
        assert highlighted(app, "#seasons") == 2
        await pilot.press("k")
        assert highlighted(app, "#seasons") == 1
        await pilot.press("G")
        assert highlighted(app, "#seasons") == app.screen.seasons_list.option_count - 1
        await pilot.press("g")
        assert highlighted(app, "#seasons") == 0
        await pilot.press("right")
        assert app.screen.focused is app.screen.query_one("#episodes")
        await pilot.press("G")
        assert highlighted(app, "#episodes") == 9
        await pilot.press("k", "k")
        assert highlighted(app, "#episodes") == 7
        await pilot.press("g", "j")
        assert highlighted(app, "#episodes") == 1
        await pilot.press("left")
        assert app.screen.focused is app.screen.query_one("#seasons")


def footer_text(app: MediaTrackApp) -> str:
    footer = app.screen.query_one(Footer)
    return " ".join(str(child.render()) for child in footer.query("*"))


async def test_the_show_footer_says_how_to_move_between_seasons_and_episodes(app, fake, db_path):
    add(fake, db_path, Kind.TV, "1399")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.focused is app.screen.query_one("#seasons")  # from the start
        text = footer_text(app)
        assert "Seasons·Episodes" in text
        assert "←" in text and "→" in text


async def test_j_k_g_G_in_podcast_episodes_and_the_pickers(app, fake, db_path):
    add(fake, db_path, Kind.PODCAST, "948976028")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PodcastDetailScreen)
        assert highlighted(app, "#episodes") == 0
        await pilot.press("j", "j")
        assert highlighted(app, "#episodes") == 2
        await pilot.press("G")
        assert highlighted(app, "#episodes") == app.screen.episodes_list.option_count - 1
        await pilot.press("g")
        assert highlighted(app, "#episodes") == 0
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StatusPicker)
        start = app.screen.query_one(OptionList).highlighted
        await pilot.press("k")
        assert app.screen.query_one(OptionList).highlighted == start - 1
        await pilot.press("G")
        assert app.screen.query_one(OptionList).highlighted == 3
        await pilot.press("escape", "r")
        await pilot.pause()
        assert isinstance(app.screen, RatingPicker)
        await pilot.press("j", "j")
        assert app.screen.query_one(OptionList).highlighted == 2
        await pilot.press("G")
        assert app.screen.query_one(OptionList).highlighted == 10  # "clear rating"
        await pilot.press("escape")


def test_the_friends_lists_and_the_comparison_take_the_same_keys():
    """The friends screens need the sync server to run; their lists are the same widgets."""
    assert issubclass(FriendList, KeyList)
    composed = FriendsScreen.compose.__code__.co_names
    assert "KeyList" in composed and "OptionList" not in composed
    assert "KeyTable" in CompareScreen.compose.__code__.co_names
    assert {binding.key for binding in KeyTable.BINDINGS} == {"j", "k", "g", "G"}


async def search(pilot, text: str) -> None:
    await pilot.press(*text)
    await pilot.pause(DEBOUNCE + 0.15)
    await settle(pilot)


async def test_j_k_move_through_search_results(app, fake):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "a")
        await search(pilot, "fight")
        results = app.screen.query_one("#results", OptionList)
        assert results.option_count >= 2
        await pilot.press("down", "j")
        assert results.highlighted == 1
        await pilot.press("G")
        assert results.highlighted == results.option_count - 1
        await pilot.press("g")
        assert results.highlighted == 0


# --- add by hand -------------------------------------------------------------------------


async def add_by_hand(pilot, *fields: str) -> None:
    """From the dialog's "add by hand" option: the title is the query; type the other fields
    (year, then author or artist, then total: those the kind has), tab between them, enter."""
    await pilot.press("down", "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, AddByHandScreen)
    assert pilot.app.screen.focused is pilot.app.screen.query_one("#title")
    for value in fields:
        await pilot.press("tab", *value)
    await pilot.press("enter")
    await settle(pilot)


async def test_nothing_found_offers_to_add_by_hand(app, fake):
    fake.tv_search = {"page": 1, "results": [], "total_pages": 0, "total_results": 0}
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await search(pilot, "Kestrel Harbour")
        assert "Nothing found for 'Kestrel Harbour'" in str(
            app.screen.query_one("#message").render()
        )
        (offer,) = [str(option.prompt) for option in app.screen.query_one("#results").options]
        assert "Add 'Kestrel Harbour' by hand" in offer
        await add_by_hand(pilot, "2019", "12")
        assert isinstance(app.screen, ShowsScreen)
        assert app.screen.query_one(LibraryTable).current.title == "Kestrel Harbour"
    (entry,) = Library().entries(Kind.TV)
    assert (entry.title, entry.year, entry.total, entry.catalog_id.startswith("-")) == (
        "Kestrel Harbour",
        2019,
        12,
        True,
    )


async def test_a_failing_catalog_offers_to_add_by_hand_and_a_duplicate_is_a_sentence(db_path):
    open_database(db_path)
    Library().add(NewItem(Kind.BOOK, "Die Blechtrommel", 1959, creator="Günter Grass"))
    settings = CatalogSettings(google_books_url="http://127.0.0.1:9")  # nobody listens there
    options = HttpOptions(retries=0, cache=False, timeout=(0.5, 0.5))
    app = MediaTrackApp(db_path=db_path, catalog=build_catalog(settings, options))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("a")
        await search(pilot, "Die Blechtrommel")
        message = str(app.screen.query_one("#message").render())
        assert "Google Books" in message and "adds it by hand" in message
        await add_by_hand(pilot, "1959", "Günter Grass")
        assert isinstance(app.screen, AddByHandScreen)  # refused: the form stays, says why
        said = str(app.screen.query_one("#hand-message").render())
        assert said == "'Die Blechtrommel' is already in your library as book:1."
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, BooksScreen)
    assert len(Library().entries(Kind.BOOK)) == 1


async def test_the_form_refuses_a_year_that_is_no_number(app, fake):
    fake.tv_search = {"page": 1, "results": [], "total_pages": 0, "total_results": 0}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await search(pilot, "Dark")
        await add_by_hand(pilot, "20x7")
        assert isinstance(app.screen, AddByHandScreen)
        assert str(app.screen.query_one("#hand-message").render()) == (
            "A year is a whole number, not '20x7'."
        )
    assert Library().entries(Kind.TV) == []


# --- unaired episodes ----------------------------------------------------------------------


def test_unaired_episodes_are_dimmed_with_when_they_air():
    def prompt(air_date: str | None) -> Content:
        episode = ShowEpisode(1, 1, 8, "The Pointy End", air_date, watched=False)
        return episode_prompt(episode, TODAY, next_id=None)

    soon = prompt((TODAY + dt.timedelta(days=5)).isoformat())
    undated = prompt(None)
    aired = prompt((TODAY - dt.timedelta(days=5)).isoformat())
    assert (TODAY + dt.timedelta(days=5)).isoformat() in soon.plain
    assert soon.plain.endswith("The Pointy End  · airs in 5d")
    assert "no date" in undated.plain and undated.plain.endswith("· not aired")
    assert aired.plain.endswith("The Pointy End")
    for content in (soon, undated):
        assert any("dim" in str(span.style) for span in content.spans)
    assert not any("dim" in str(span.style) for span in aired.spans)


async def test_the_episode_list_draws_unaired_episodes_dimmed(app, fake, db_path):
    add(fake, db_path, Kind.TV, "1399")
    first = Season.get(Season.season_number == 1)
    last_two = list(
        Episode.select().where(Episode.season == first).order_by(Episode.episode_number)
    )[-2:]
    Episode.update(air_date=(TODAY + dt.timedelta(days=5)).isoformat()).where(
        Episode.id == last_two[0].id
    ).execute()
    Episode.update(air_date=None).where(Episode.id == last_two[1].id).execute()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        prompts = [option.prompt for option in app.screen.query_one("#episodes").options]
        assert prompts[-2].plain.endswith("· airs in 5d")
        assert "no date" in prompts[-1].plain and prompts[-1].plain.endswith("· not aired")
        assert "airs" not in prompts[0].plain


async def test_coming_back_to_a_mode_keeps_its_footer_as_drawn(db_path):
    open_database(db_path)
    Library().add(NewItem(Kind.MOVIE, "Heat", 1995), "completed")
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await until(pilot, lambda: titles(app) == ["Heat"])
        await settle(pilot)
        drawn = list(app.screen.query(FooterKey))
        assert any(key.description == "Note" and not key.disabled for key in drawn)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert list(app.screen.query(FooterKey)) == drawn  # the same keys: nothing rebuilt


async def test_a_filter_that_empties_the_table_dims_the_item_keys_in_place(db_path):
    open_database(db_path)
    Library().add(NewItem(Kind.MOVIE, "Heat", 1995), "completed")
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await until(pilot, lambda: titles(app) == ["Heat"])
        await pilot.press("slash")  # the box has the keys: the Footer shows what it takes
        await settle(pilot)
        drawn = list(app.screen.query(FooterKey))

        def dimmed() -> set[str]:
            return {key.action for key in drawn if key.has_class("-disabled")}

        assert "progress(1)" not in dimmed()
        await pilot.press(*"zzz")
        await until(pilot, lambda: "progress(1)" in dimmed())  # no row: item keys dimmed
        assert list(app.screen.query(FooterKey)) == drawn  # restyled, not mounted again
        await pilot.press(*["backspace"] * 3)
        await until(pilot, lambda: not dimmed())
        assert list(app.screen.query(FooterKey)) == drawn


async def test_the_detail_pane_shows_the_current_row_once_the_terminal_is_wide_enough(db_path):
    open_database(db_path)
    for title in ("Alien", "Brazil", "Heat"):
        Library().add(NewItem(Kind.MOVIE, title, 1995), "completed")
    app = MediaTrackApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await until(pilot, lambda: titles(app) == ["Alien", "Brazil", "Heat"])
        await pilot.press("down")  # moved while the pane is hidden
        await settle(pilot)
        assert not app.screen.query_one("#detail").display
        await pilot.resize_terminal(130, 40)
        body = app.screen.query_one("#detail-body", Static)
        await until(pilot, lambda: app.screen.query_one("#detail").display)
        await until(pilot, lambda: str(body.render()).startswith("Brazil"))
        assert body.region.height > 3  # laid out at its content's height
