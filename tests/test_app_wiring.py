"""The app's wiring: one services object per account, and signals screens subscribe to."""

from __future__ import annotations

from pathlib import Path

from mediatrack.app import MediaTrackApp, SyncLine  # SyncLine: wherever display keeps it
from mediatrack.catalog.settings import build_catalog
from mediatrack.kinds import Kind
from mediatrack.screens.friends import FriendsScreen
from mediatrack.screens.shows import ShowsScreen
from mediatrack.services.bundle import open_services
from mediatrack.services.library import Library, NewItem
from mediatrack.store.db import open_database
from mediatrack.store.identity import Profile, sign_in
from mediatrack.widgets.library_table import LibraryTable
from tui_helpers import settle, until


def test_services_are_built_for_whoever_is_signed_in_and_again_for_another(db_path: Path):
    services = open_services(db_path)
    try:
        assert services.account.id == "local"
        assert {services.library.user_id, services.episodes.user_id} == {"local"}
        assert {services.catalog.user_id, services.friends.user_id} == {"local"}
        sign_in(Profile("google-ann", "Ann", "ann@example.com", True))
        from mediatrack.services.identity import whoami

        ann = services.for_account(whoami())
        assert ann.account.id == "google-ann"
        assert {ann.library.user_id, ann.episodes.user_id, ann.friends.user_id} == {"google-ann"}
        assert ann.watch is services.watch  # the same file, watched once
    finally:
        services.watch.close()


def test_a_saved_setting_rebuilds_the_catalogs_unless_they_were_handed_in(db_path: Path):
    services = open_services(db_path)
    try:
        again = services.with_new_settings()
        assert again.catalog is not services.catalog
        assert again.library is services.library
        handed = open_services(db_path, build_catalog())
        assert handed.with_new_settings() is handed
        handed.watch.close()
    finally:
        services.watch.close()


async def test_the_sync_state_reaches_every_open_screen_through_the_signal(db_path: Path):
    open_database(db_path)
    Library().add(NewItem(Kind.TV, "Dark", 2017, total=26), "watching")
    app = MediaTrackApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        app.set_sync_line(SyncLine("offline"))
        await until(pilot, lambda: app.screen.sub_title == "Shows · offline", 5.0)
        assert isinstance(app.screen, ShowsScreen)
        (friends,) = app.get_screen_stack("friends")
        assert isinstance(friends, FriendsScreen)
        await until(pilot, lambda: friends.sub_title == "Friends · offline", 5.0)  # background


async def test_a_login_elsewhere_reaches_the_screens_through_library_changed(db_path: Path):
    """switch_account publishes "library changed": the shown library is read again."""
    open_database(db_path)
    Library().add(NewItem(Kind.TV, "Dark", 2017, total=26), "watching")
    app = MediaTrackApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert [e.title for e in app.screen.query_one(LibraryTable).entries] == ["Dark"]
        sign_in(Profile("google-bo", "Bo", "bo@example.com", True))
        Library("google-bo").add(NewItem(Kind.TV, "Lost", 2004, total=121))
        from mediatrack.services.identity import whoami

        app.run_worker(lambda: app.switch_account(whoami()), thread=True)
        await settle(pilot)
        assert app.account is not None and app.account.id == "google-bo"
        assert "Lost" in [e.title for e in app.screen.query_one(LibraryTable).entries]


async def test_full_collections_wait_for_quiet_while_the_app_runs(db_path: Path):
    """Once the first frame is out the app runs Python's full collections itself, when no
    key has come for a while; when it ends, Python runs them again."""
    import gc

    from mediatrack.collector import NEVER

    open_database(db_path)
    kept = gc.get_threshold()
    app = MediaTrackApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert gc.get_threshold()[2] == NEVER
        assert gc.isenabled()
        before = app._collector._last_input
        await pilot.press("down")
        assert app._collector._last_input > before  # a key: not idle
    assert gc.get_threshold() == kept
