"""Text from outside is inert: no control or escape sequence reaches a terminal.

Hostile titles and names (ESC, an OSC that retitles the terminal, CSI 2J that
clears it, a CR that rewinds the line, a bidi override, the C1 CSI U+009B) go
through every output path: the CLI's `list`, `search`, `episodes`, `friends`
and the refresh progress bar, and the app's library table, detail pane, show
episodes, search results, Friends screen and toasts. Each output must hold
none of them raw, show them visibly, and `--json` must still carry the exact
original string.
"""

from __future__ import annotations

import copy
import json
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

import catalog_server
from catalog_server import FakeCatalogs
from mediatrack.app import MediaTrackApp
from mediatrack.display.text import BIDI_CONTROLS, inert, json_inert
from mediatrack.kinds import Kind
from mediatrack.services.friends import FriendsService
from mediatrack.services.library import Library, NewItem
from mediatrack.store.db import open_database
from tui_helpers import SIZE, screen_text, until

if TYPE_CHECKING:
    from sync_world import World

pytest_plugins = ["sync_world"]  # the `world` fixture

RETITLE = "\x1b]0;friend-pwned\x07"  # OSC 0: sets the terminal's title
CLEAR = "\x1b[2J"  # CSI 2J: clears the screen
HOSTILE = f"Evil{RETITLE}{CLEAR}Title\rOverwritten \u202eReversed\u2069 \x9b31mRed"
NAME = f"Mallory{RETITLE}{CLEAR}\u202eX"
LONG_NAME = NAME + "b" * 5000


def raw_controls(text: str, allowed: str = "\n") -> set[str]:
    """Every control, bidi override/isolate or lone surrogate in ``text``, as ``U+XXXX``."""
    return {
        f"U+{ord(char):04X}"
        for char in text
        if char not in allowed
        and (unicodedata.category(char) in ("Cc", "Cs") or ord(char) in BIDI_CONTROLS)
    }


# --- the function -------------------------------------------------------------------------


def test_inert_makes_controls_visible_and_drops_bidi_overrides():
    assert inert(HOSTILE) == "Evil␛]0;friend-pwned␇␛[2JTitle Overwritten Reversed \ufffd31mRed"
    assert inert("a\r\nb\nc\td\x7f") == "a b c d\u2421"
    assert inert("a\r\nb\rc", single_line=False) == "a\nb\nc"
    assert inert(None) == inert("") == ""
    assert inert("[bold]Dune[/bold] ✓ 東京") == "[bold]Dune[/bold] ✓ 東京"  # untouched
    assert inert("x" * 100, limit=10) == "x" * 9 + "…"


@given(st.text())
def test_nothing_inert_returns_can_drive_a_terminal(text: str):
    assert not raw_controls(inert(text), allowed="")
    assert not raw_controls(inert(text, single_line=False))
    assert "\n" not in inert(text)
    if text.isprintable():
        assert inert(text) == text


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_json_inert_is_exact_and_holds_no_raw_control(data):
    text = json_inert(json.dumps(data, indent=2, ensure_ascii=False))
    assert json.loads(text) == data
    assert not raw_controls(text)


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def fake(httpserver, monkeypatch, db_path: Path) -> FakeCatalogs:
    """The local catalog server, answering with hostile titles, names and overviews."""
    base = httpserver.url_for("/").rstrip("/")
    for name in ("MEDIATRACK_TMDB_URL", "MEDIATRACK_GOOGLE_BOOKS_URL", "MEDIATRACK_ITUNES_URL"):
        monkeypatch.setenv(name, base)
    monkeypatch.setenv("MEDIATRACK_TMDB_TOKEN", "test-token")
    catalogs = FakeCatalogs(httpserver)
    catalogs.tv_search["results"][0].update(id=1399, name=HOSTILE, original_name=HOSTILE)
    catalogs.shows[1399].update(name=HOSTILE, original_name=HOSTILE, overview=f"{HOSTILE}\n2nd")
    recorded = catalog_server.season_answer

    def hostile_season(show_id: int, number: int) -> dict:
        season = copy.deepcopy(recorded(show_id, number))
        for episode in season["episodes"]:
            episode["name"] = f"{episode['name']} {HOSTILE}"
        return season

    monkeypatch.setattr(catalog_server, "season_answer", hostile_season)
    return catalogs


def test_cli_list_search_episodes_and_refresh_print_no_raw_control(fake, cli):
    searched = cli("search", "tv", "game")
    assert searched.code == 0, searched.err
    assert not raw_controls(searched.out)
    assert "Evil␛]0;friend-pwned␇␛[2JTitle" in searched.out
    assert json.loads(cli("search", "tv", "game", "--json").out)[0]["title"] == HOSTILE

    added = cli("add", "tv", "--tmdb-id", "1399")
    assert added.code == 0, added.err
    assert not raw_controls(added.out)
    cli("add", "movie", "--title", HOSTILE)
    listed = cli("list")
    assert not raw_controls(listed.out)
    assert len(listed.out.splitlines()) == 3  # header, the show, the movie: no row broken by a CR
    assert [e["title"] for e in json.loads(cli("list", "--json").out)] == [HOSTILE, HOSTILE]

    episodes = cli("episodes", "tv:1")
    assert not raw_controls(episodes.out)
    assert len(episodes.out.splitlines()) == 91  # the header and one line per episode
    assert "Winter Is Coming Evil␛]0;friend-pwned␇" in episodes.out
    exact = json.loads(cli("episodes", "tv:1", "--json").out)
    assert all(episode["title"].endswith(HOSTILE) for episode in exact)

    refreshed = cli("refresh", "--all")  # not a terminal: no bar at all
    assert refreshed.code == 0, refreshed.err
    assert refreshed.err == "" and not raw_controls(refreshed.out)


def test_the_refresh_bar_on_a_terminal_shows_titles_inert(fake, cli, monkeypatch):
    import io

    from rich.console import Console

    from mediatrack.cli import progress

    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=120, color_system=None)
    monkeypatch.setattr(progress, "stderr_console", lambda: terminal)
    assert cli("add", "tv", "--tmdb-id", "1399").code == 0
    refreshed = cli("refresh", "--all")
    assert refreshed.code == 0, refreshed.err
    drawn = screen.getvalue()
    assert "1/1" in drawn and "━" in drawn  # rich's bar and count
    assert "Evil␛]0;friend-pwned␇␛[2JTitle" in drawn
    # rich's own cursor moves are the only escapes: none from the title
    assert RETITLE not in drawn and CLEAR not in drawn and "\u202e" not in drawn
    assert "\x9b" not in drawn and "Title Overwrit" in drawn  # the title's CR is a space


def test_cli_json_escapes_c1_and_bidi_controls_and_stays_exact(library: Library, cli):
    library.add(NewItem(Kind.BOOK, "\x9b2J\u202egnp.exe\x7f"))
    out = cli("list", "--json").out
    assert not raw_controls(out)
    assert "\\u009b2J\\u202egnp.exe\\u007f" in out
    assert json.loads(out)[0]["title"] == "\x9b2J\u202egnp.exe\x7f"


@pytest.fixture
def hostile_friends(world: World):
    """Bob, Alice's friend, renamed himself (5,000 characters long) and reads a hostile title;
    Mallory, a stranger with a hostile display name, asked Alice to be friends."""
    alice = world.person("alice").device()
    bob, mallory = world.person("bob").device(), world.person("mallory").device()
    bob.use().add(NewItem(Kind.BOOK, HOSTILE, total=600), "reading")
    bob.sync()
    bob.use()
    assert FriendsService(bob.person.user_id).add(alice.person.email).sent
    mallory.use()
    assert FriendsService(mallory.person.user_id).add(alice.person.email).sent
    for person, name in ((bob.person, LONG_NAME), (mallory.person, NAME)):
        with person.sql() as sql:  # as psql would: their own users row
            sql.execute(
                "UPDATE users SET name = %s, updated_at = now() WHERE id = %s",
                (name, person.user_id),
            )
    alice.use()
    assert FriendsService(alice.person.user_id).accept(bob.person.email).sent
    alice.sync()
    return alice


def test_cli_friends_prints_a_strangers_name_inert(hostile_friends, cli):
    alice = hostile_friends
    listed = cli("friends", "--db", str(alice.path))
    assert listed.code == 0, listed.err
    assert not raw_controls(listed.out)
    assert "  Mallory␛]0;friend-pwned␇␛[2JX <mallory@example.com>  since " in listed.out
    assert "  Mallory␛]0;friend-pwned␇␛[2JXbbb" in listed.out  # Bob, his name cut short
    assert max(len(line) for line in listed.out.splitlines()) < 200
    assert "  Evil␛]0;friend-pwned" in listed.out and "(reading, 0/600)" in listed.out
    data = json.loads(cli("friends", "--db", str(alice.path), "--json").out)
    assert [f["name"] for f in data["friends"]] == [LONG_NAME]
    assert [r["name"] for r in data["incoming"]] == [NAME]
    assert data["friends"][0]["now"][0]["title"] == HOSTILE
    theirs = cli("list", "--db", str(alice.path), "--user", "bob@example.com")
    assert not raw_controls(theirs.out) and "Evil␛]0;" in theirs.out


# --- the app ---------------------------------------------------------------------------------


async def test_app_shows_hostile_catalog_text_inert(fake, db_path: Path):
    from mediatrack.screens.search import SearchScreen
    from mediatrack.screens.show_detail import ShowDetailScreen
    from mediatrack.services.catalog import CatalogService

    open_database(db_path)
    CatalogService(fake.catalog()).add(Kind.TV, "1399")
    app = MediaTrackApp(db_path=db_path, catalog=fake.catalog())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        # the library table, and the detail pane with the overview once it is read
        await until(pilot, lambda: "friend-pwned" in screen_text(app) and "2nd" in screen_text(app))
        text = screen_text(app)
        assert not raw_controls(text)
        assert "Evil␛]0;friend-pwned␇… 2011" in text  # the table row, cut to its column
        assert "Evil␛]0;friend-pwned␇␛[2JTitle" in text  # the detail pane's title
        assert "Overwritten Reversed \ufffd31mRed" in text  # the detail pane

        await pilot.press("enter")  # the show's seasons and episodes
        await until(pilot, lambda: isinstance(app.screen, ShowDetailScreen))
        await until(pilot, lambda: "Winter Is Coming Evil" in screen_text(app))
        assert not raw_controls(screen_text(app))

        app.notify(f"Refreshed {HOSTILE}.", title=NAME)  # a toast with a title in it
        await until(pilot, lambda: "Refreshed Evil" in screen_text(app))
        assert not raw_controls(screen_text(app))

        await pilot.press("escape", "a")  # search results
        await until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await pilot.press(*"game")
        await until(pilot, lambda: "1 show found." in screen_text(app))
        assert not raw_controls(screen_text(app))
        assert "▊ Evil␛]0;friend-pwned␇␛[2JTitle Overwritten Reversed" in screen_text(app)


async def test_friends_screen_shows_a_strangers_name_inert(hostile_friends):
    from mediatrack.screens.friend_library import FriendLibraryScreen
    from mediatrack.screens.friends import FriendsScreen

    alice = hostile_friends
    alice.use()
    app = MediaTrackApp(db_path=alice.path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("5")
        assert isinstance(app.screen, FriendsScreen)
        # a friend, a request, and what the friend started (the activity feed)
        await until(pilot, lambda: screen_text(app).count("Mallory") == 3)
        text = screen_text(app)
        assert not raw_controls(text)
        assert text.count("Mallory␛]0;friend-pwned␇␛[2JX") == 3
        assert "Evil␛]0;friend-pwned" in text  # what Bob is reading
        assert app.screen.sub_title.startswith("Friends")

        await pilot.press("enter")  # Bob's library, read-only
        await until(pilot, lambda: isinstance(app.screen, FriendLibraryScreen))
        await pilot.press("3")
        await until(pilot, lambda: "Evil" in screen_text(app))
        assert not raw_controls(screen_text(app))
        assert "Evil␛]0;friend-pwned" in screen_text(app)
        assert not raw_controls(app.screen.sub_title)
        await pilot.press("2")  # no movies: the empty text names him
        await until(pilot, lambda: "has no movies yet" in screen_text(app))
        assert not raw_controls(screen_text(app))


async def test_a_feeds_episode_titles_reach_the_terminal_inert(fake, cli, db_path: Path):
    from mediatrack.screens.podcast_detail import PodcastDetailScreen

    fake.feed = fake.feed.replace("Episode 3: Salt", "Salt&#x1b;]0;pwned&#x7;\u202eX&#x1b;[2J")
    added = cli("add", "podcast", "--itunes-id", "948976028")
    assert added.code == 0, added.err
    exact = json.loads(cli("episodes", "podcast:1", "--json").out)
    assert "Salt\x1b]0;pwned\x07\u202eX\x1b[2J" in [episode["title"] for episode in exact]
    listed = cli("episodes", "podcast:1")
    assert not raw_controls(listed.out)
    assert "Salt␛]0;pwned␇X␛[2J" in listed.out and len(listed.out.splitlines()) == 5

    app = MediaTrackApp(db_path=db_path, catalog=fake.catalog())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await until(pilot, lambda: "Stories Podcast" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PodcastDetailScreen))
        await until(pilot, lambda: "Salt" in screen_text(app))
        assert not raw_controls(screen_text(app))
        assert "Salt␛]0;pwned␇X␛[2J" in screen_text(app)
