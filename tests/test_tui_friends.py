"""The Friends screen and background sync, driven by keys, against the real sync server.

Alice runs the app on her device file; Bob's side is prepared before the app
starts (the models are bound to one file at a time) and checked afterwards,
or on the server with direct SQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mediatrack import app as app_module
from mediatrack.app import MediaTrackApp
from mediatrack.kinds import Kind
from mediatrack.screens.compare import CompareScreen
from mediatrack.screens.friend_library import FriendLibraryScreen, KindTabs
from mediatrack.screens.friends import LOGGED_OUT, UNCONFIGURED, FriendsScreen
from mediatrack.screens.login import LoginScreen
from mediatrack.screens.shows import ShowsScreen
from mediatrack.services.friends import FriendsService
from mediatrack.services.library import Library, NewItem
from mediatrack.services.sync import URL_ENV
from mediatrack.store.db import open_database
from mediatrack.store.identity import Profile, sign_in
from mediatrack.widgets.library_table import LibraryTable
from tui_helpers import SIZE, palette_titles, rendered_rows, until

if TYPE_CHECKING:
    from sync_world import Device, World

pytest_plugins = ["sync_world"]  # the `world` fixture

BROWSING = {"filter", "cycle_sort", "status_tab", "clear_filter"}  # the rest write


def friends_text(app: MediaTrackApp) -> str:
    """What the friends screen shows: its note and every option of its three lists."""
    screen = app.screen
    parts = [str(screen.query_one("#friends-note").render())]
    for name in ("friends", "incoming", "outgoing"):
        widget = screen.query_one(f"#{name}")
        if widget.display:
            parts += [str(option.prompt) for option in widget.options]
    return "\n".join(parts)


def friendship(world: World, requester: Device, recipient: Device) -> str | None:
    """The friendship's status on the server, as the admin sees it."""
    with world.admin() as sql:
        row = sql.execute(
            "SELECT status FROM friendships WHERE user_id = %s AND friend_id = %s "
            "AND deleted_at IS NULL",
            (requester.person.user_id, recipient.person.user_id),
        ).fetchone()
    return row[0] if row else None


@pytest.fixture
def alice_and_bob(world: World) -> tuple[Device, Device]:
    """Bob watches a show (S1E2) and reads Dune (42 pages, rated 9); Alice rated Dune 7."""
    alice, bob = world.person("alice").device(), world.person("bob").device()
    show = bob.add_show()
    bob.episodes().watch_through(show, bob.episodes().find(show, "S1E2").id)
    library = bob.use()
    dune = library.add(
        NewItem(Kind.BOOK, "Dune", 1965, catalog_id="B1hSG45JCX4C", creator="F. Herbert", total=600)
    )
    library.update(dune.key, progress=42, rating=9)
    bob.sync()
    mine = alice.use().add(NewItem(Kind.BOOK, "Dune", catalog_id="B1hSG45JCX4C", total=600))
    alice.use().set_rating(mine.key, 7)
    alice.sync()
    return alice, bob


def befriend(alice: Device, bob: Device) -> None:
    """Bob asks, Alice accepts: both through the service, which syncs each side at once."""
    bob.use()
    assert FriendsService(bob.person.user_id).add(alice.person.email).sent
    alice.use()
    assert FriendsService(alice.person.user_id).accept(bob.person.email).sent


def alice_app(alice: Device) -> MediaTrackApp:
    alice.use()  # her sync URL in the environment, as `mediatrack sync setup` would leave it
    return MediaTrackApp(db_path=alice.path)


async def test_the_start_sync_brings_a_friend_and_what_they_are_watching(world, alice_and_bob):
    alice, bob = alice_and_bob
    bob.use()
    FriendsService(bob.person.user_id).add(alice.person.email)
    with alice.person.sql() as sql:  # accepted elsewhere (another device): only the server knows
        sql.execute("UPDATE friendships SET status = 'accepted', updated_at = now()")
    app = alice_app(alice)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        assert isinstance(app.screen, FriendsScreen)
        await until(pilot, lambda: "Bob" in friends_text(app))
        text = friends_text(app)
        assert "bob@example.com" in text
        assert "Show 1399 (watching, S1E2 · 2/8)" in text
        assert "Dune (reading, 42/600)" in text
        assert "Latest: Dune: reading, rated 9/10 · " in text
        await until(pilot, lambda: "synced just now" in app.screen.sub_title)


async def test_y_accepts_an_incoming_request_on_the_server(world, alice_and_bob):
    alice, bob = alice_and_bob
    bob.use()
    FriendsService(bob.person.user_id).add(alice.person.email)
    app = alice_app(alice)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await until(pilot, lambda: "bob@example.com" in friends_text(app))
        assert app.screen.query_one("#incoming").display
        assert app.screen.focused.id == "incoming"  # no friends yet: the requests have the keys
        assert friendship(world, bob, alice) == "pending"
        await pilot.press("y")
        await until(pilot, lambda: friendship(world, bob, alice) == "accepted")
        await until(pilot, lambda: not app.screen.query_one("#incoming").display)
        assert "Show 1399 (watching, S1E2 · 2/8)" in friends_text(app)


async def test_a_sends_a_request_by_email_after_checking_its_shape(world, alice_and_bob):
    alice, bob = alice_and_bob
    app = alice_app(alice)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await until(pilot, lambda: app.screen.sub_title.startswith("Friends · synced"))
        await pilot.press("a")
        await pilot.press(*"bob.example.com", "enter")
        assert "is not an email address" in str(app.screen.query_one("#email-hint").render())
        assert friendship(world, alice, bob) is None
        await pilot.press(*["backspace"] * 15, *"Bob@Example.com", "enter")
        await until(pilot, lambda: friendship(world, alice, bob) == "pending")
        await until(pilot, lambda: "bob@example.com" in friends_text(app))
        assert app.screen.query_one("#outgoing").display
        assert app.screen.focused.id == "outgoing"  # the only list with someone in it
        await pilot.press("x")  # cancel it
        await until(pilot, lambda: friendship(world, alice, bob) is None)


@pytest.fixture
def friends_app(alice_and_bob) -> MediaTrackApp:
    """Alice's app, Bob already her friend (and his library pulled)."""
    alice, bob = alice_and_bob
    befriend(alice, bob)
    return alice_app(alice)


async def open_friends(pilot) -> None:
    await pilot.press("5")
    await until(pilot, lambda: "Bob" in friends_text(pilot.app))


async def test_enter_opens_a_friends_library_read_only(alice_and_bob, friends_app):
    app, bob = friends_app, alice_and_bob[1]
    async with app.run_test(size=SIZE) as pilot:
        await open_friends(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FriendLibraryScreen))
        await until(pilot, lambda: rendered_rows(app))
        assert "Bob's library (read-only)" in app.screen.sub_title
        [row] = rendered_rows(app)
        assert row.startswith("Show 1399 2011 Watching S1E2 · 2/8")
        await pilot.press("3")
        await until(pilot, lambda: rendered_rows(app) and "Dune" in rendered_rows(app)[0])
        [row] = rendered_rows(app)
        assert row.startswith("Dune") and "Reading 42/600 9/10" in row
        await pilot.press("right")  # the status tabs work as on your own screens
        assert rendered_rows(app) == [row]
        await pilot.press("right")
        assert rendered_rows(app) == []
        for key in ("s", "r", "x", "plus", "minus", "a"):  # no key writes to their library
            await pilot.press(key)
            assert isinstance(app.screen, FriendLibraryScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, FriendsScreen)
    bob_rows = [(e.title, e.status, e.progress, e.rating) for e in bob.use().all_entries()]
    assert sorted(bob_rows) == [("Dune", "reading", 42, 9), ("Show 1399", "watching", 2, None)]


async def test_clicking_a_kind_tab_of_a_friends_library_asks_for_that_kind(friends_app):
    app = friends_app
    async with app.run_test(size=SIZE) as pilot:
        await open_friends(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FriendLibraryScreen))
        await until(pilot, lambda: rendered_rows(app))
        asked: list[str] = []

        async def show_kind(key: str) -> None:  # the key's own path is tested above
            asked.append(key)

        app.screen.action_show_kind = show_kind  # type: ignore[method-assign]
        tabs = app.screen.query_one(KindTabs)
        column = 1 + str(tabs.render()).index("3 Books")  # 1: the tabs' left padding
        await pilot.click(KindTabs, offset=(column, 0))
        await until(pilot, lambda: asked == ["3"])


async def test_switching_a_friends_kinds_quickly_never_draws_one_kind_in_anothers_columns(
    friends_app,
):
    app = friends_app
    async with app.run_test(size=SIZE) as pilot:
        await open_friends(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FriendLibraryScreen))
        await until(pilot, lambda: rendered_rows(app))
        await pilot.press("2", "right", "3", "1", "right", "4", "3", "right")
        await until(pilot, lambda: any("Dune" in row for row in rendered_rows(app)))
        assert app.screen.kind is Kind.BOOK


async def test_c_compares_the_ratings_you_both_gave(friends_app):
    app = friends_app
    async with app.run_test(size=SIZE) as pilot:
        await open_friends(pilot)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CompareScreen))
        table = app.screen.query_one("DataTable")
        await until(pilot, lambda: table.row_count == 1)
        assert [column.label.plain for column in table.ordered_columns[2:4]] == ["You", "Bob"]
        assert [str(cell) for cell in table.get_row_at(0)] == ["book", "Dune", "7/10", "9/10", "-2"]
        summary = str(app.screen.query_one("#compare-summary").render())
        assert "1 item you both rated" in summary


async def test_a_change_is_synced_a_moment_later(world, alice_and_bob, monkeypatch):
    alice, _bob = alice_and_bob
    monkeypatch.setattr(app_module, "SYNC_DELAY", 0.3)
    app = alice_app(alice)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await until(pilot, lambda: rendered_rows(app))
        await until(pilot, lambda: "synced" in app.screen.sub_title)
        await pilot.press("plus")

        def pages_on_server() -> int | None:
            with world.admin() as sql:
                row = sql.execute(
                    "SELECT progress FROM user_book_progress WHERE user_id = %s",
                    (alice.person.user_id,),
                ).fetchone()
            return row[0] if row else None

        await until(pilot, lambda: pages_on_server() == 1)


def signed_in_alone(db_path) -> None:
    open_database(db_path)
    sign_in(Profile("google-solo", "Solo", "solo@example.com", True))
    Library("google-solo").add(NewItem(Kind.TV, "Dark", 2017, total=26), "watching")


async def test_logged_out_the_friends_screen_offers_to_log_in(db_path, monkeypatch):
    monkeypatch.setenv("MEDIATRACK_GOOGLE_CLIENT_ID", "test-client")
    monkeypatch.setenv("MEDIATRACK_GOOGLE_DEVICE_URL", "http://127.0.0.1:9/device")
    open_database(db_path)
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await until(pilot, lambda: LOGGED_OUT in friends_text(app))
        assert app.screen.sub_title == "Friends"  # no sync state: nobody to sync for
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LoginScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, FriendsScreen))


async def test_without_a_server_the_friends_screen_says_how_to_set_one_up(db_path):
    signed_in_alone(db_path)
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await until(pilot, lambda: UNCONFIGURED in friends_text(app))
        assert app.screen.sub_title == "Friends"


async def test_an_unreachable_server_shows_offline_and_the_app_stays_usable(db_path, monkeypatch):
    signed_in_alone(db_path)
    monkeypatch.setenv(URL_ENV, "postgresql://solo@127.0.0.1:9/nowhere")
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.sub_title == "Shows · offline")
        assert [entry.title for entry in app.screen.query_one(LibraryTable).entries] == ["Dark"]
        await pilot.press("plus")
        await until(pilot, lambda: "1/26" in " ".join(rendered_rows(app)))
        await pilot.press("5")
        await until(
            pilot, lambda: "Offline: showing what the last sync brought" in friends_text(app)
        )
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("Cannot reach" in n.message for n in app._notifications))
        await pilot.press("1")
        assert isinstance(app.screen, ShowsScreen)
        assert app.screen.sub_title == "Shows · offline"


async def test_the_palette_offers_the_friends_screens_actions(db_path):
    signed_in_alone(db_path)
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await until(pilot, lambda: UNCONFIGURED in friends_text(app))
        commands = {command.title: command.callback for command in app.screen.palette_commands()}
        assert "Log in" not in commands and "Sync now" in palette_titles(app)
        commands["Add a friend"]()
        await until(pilot, lambda: app.screen.query("#email"))


def empty_text(app: MediaTrackApp) -> str:
    widget = app.screen.query_one("#empty")
    return str(widget.render()) if widget.display else ""


async def say_why_empty(pilot) -> list[str]:
    """Books: the Completed tab (nobody finished Dune), then a filter without hits."""
    said = []
    await pilot.press("3")
    await until(pilot, lambda: "Dune" in " ".join(rendered_rows(pilot.app)))
    await pilot.press("right", "right")
    await until(pilot, lambda: empty_text(pilot.app))
    said.append(empty_text(pilot.app))
    await pilot.press("slash", *"xyz")
    await until(pilot, lambda: "xyz" in empty_text(pilot.app))
    said.append(empty_text(pilot.app))
    said.append(pilot.app.screen.query_one("#filter").placeholder)
    await pilot.press("escape")
    return said


async def test_your_library_and_a_friends_say_the_same_empty_sentences(friends_app):
    app = friends_app
    async with app.run_test(size=SIZE) as pilot:
        mine = await say_why_empty(pilot)
        await open_friends(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FriendLibraryScreen))
        await until(pilot, lambda: rendered_rows(app))
        theirs = await say_why_empty(pilot)
        assert theirs == mine
        assert mine[:2] == [
            "No books marked completed.",
            "No books marked completed match 'xyz'. Escape clears the filter.",
        ]
        await pilot.press("2")  # neither has a movie: only whose library differs
        await until(pilot, lambda: empty_text(app))
        assert empty_text(app) == "Bob has no movies yet."


async def test_no_key_that_writes_your_library_writes_a_friends(alice_and_bob, friends_app):
    from mediatrack.screens.library import LibraryScreen

    app, (alice, bob) = friends_app, alice_and_bob
    write_keys = [
        key
        for binding in LibraryScreen.BINDINGS
        if binding.action.split("(")[0] not in BROWSING
        for key in binding.key.split(",")
    ]
    async with app.run_test(size=SIZE) as pilot:
        await open_friends(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FriendLibraryScreen))
        await pilot.press("3")
        await until(pilot, lambda: "Dune" in " ".join(rendered_rows(app)))
        shown = rendered_rows(app)
        stack = len(app.screen_stack)
        for key in [*write_keys, "u"]:  # u: nothing of yours to undo either
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, FriendLibraryScreen) and len(app.screen_stack) == stack
        assert rendered_rows(app) == shown
    bob_rows = [(e.title, e.status, e.progress, e.rating) for e in bob.use().all_entries()]
    assert sorted(bob_rows) == [("Dune", "reading", 42, 9), ("Show 1399", "watching", 2, None)]
    alice_rows = [(e.title, e.progress, e.rating) for e in alice.use().all_entries()]
    assert alice_rows == [("Dune", 0, 7)]
