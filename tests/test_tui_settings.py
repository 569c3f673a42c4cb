"""The Settings screen: where each setting comes from, and a TMDB token pasted into the keyring.

The app is built without a catalog, as `mediatrack` builds it: the catalogs come
from the config (here the local catalog server's URL in the environment, and
no token), so a search meets TMDB's CatalogNotConfigured and offers Settings.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual import events
from textual.widgets import DataTable, Input

from catalog_server import FakeCatalogs
from mediatrack import config
from mediatrack.app import MediaTrackApp
from mediatrack.screens.search import DEBOUNCE, SearchScreen
from mediatrack.screens.settings import SettingsScreen
from mediatrack.secrets import SERVICE
from tui_helpers import SIZE, settle, text_of, until

TOKEN = "eyJhbGciOiJIUzI1NiJ9.pasted-SECRET"


@pytest.fixture
def catalogs(httpserver, monkeypatch: pytest.MonkeyPatch) -> FakeCatalogs:
    """The local catalogs, reached through the config: URLs in the environment, no keys."""
    for item in config.SETTINGS:
        if item.env and item.env != config.DB_ENV:
            monkeypatch.delenv(item.env, raising=False)
    base = httpserver.url_for("/").rstrip("/")
    for name in ("MEDIATRACK_TMDB_URL", "MEDIATRACK_GOOGLE_BOOKS_URL", "MEDIATRACK_ITUNES_URL"):
        monkeypatch.setenv(name, base)
    return FakeCatalogs(httpserver)


def rows(app: MediaTrackApp) -> dict[str, tuple[str, str]]:
    """The Settings table: setting -> (value shown, where it comes from)."""
    table = app.screen.query_one("#settings", DataTable)
    found = {}
    for index in range(table.row_count):
        key, value, origin = (str(cell) for cell in table.get_row_at(index))
        found[key] = (value, origin)
    return found


async def test_a_missing_tmdb_token_offers_settings_where_a_pasted_token_goes_to_the_keyring(
    db_path: Path, catalogs: FakeCatalogs, httpserver, keyring_memory
):
    app = MediaTrackApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.press(*"severance")
        await pilot.pause(DEBOUNCE + 0.15)
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        message = text_of(app, "#message")
        assert message.startswith("TMDB needs a token: press ctrl+o to open Settings and set it.")
        assert "MEDIATRACK_" not in message
        assert httpserver.log == []  # nothing was asked without a key

        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await settle(pilot)
        box = app.screen.query_one("#value", Input)
        assert app.focused is box and box.password  # ready for the token, hidden
        assert "tmdb.token" in text_of(app, "#edit-label")
        assert rows(app)["tmdb.token"] == ("-", "unset")
        await pilot.press("down")  # up and down in the box choose another setting
        assert "tmdb.api_key" in text_of(app, "#edit-label") and app.focused is box
        await pilot.press("up")
        assert "tmdb.token" in text_of(app, "#edit-label") and box.password

        box.post_message(events.Paste(TOKEN))
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)

        assert keyring_memory.entries[(SERVICE, "config:tmdb.token")] == TOKEN
        assert not config.config_path().exists() or TOKEN not in config.config_path().read_text()
        assert rows(app)["tmdb.token"] == (config.MASK, "keyring")
        assert text_of(app, "#message") == "Saved tmdb.token in the keyring."
        assert box.value == ""

        await pilot.press("escape")  # back to the search, which runs again with the token
        await until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await settle(pilot)
        assert app.screen.hits and text_of(app, "#message").endswith("found.")
        searches = [request for request, _ in httpserver.log if request.path == "/3/search/tv"]
        assert searches and searches[-1].headers["Authorization"] == f"Bearer {TOKEN}"


async def test_the_palette_opens_settings_listing_each_source(
    db_path: Path, catalogs: FakeCatalogs, keyring_memory, monkeypatch
):
    path = config.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[google]\nclient_id = "[bold]from-file\\u001b"\n', encoding="utf-8")
    config.set_value("google.client_secret", "client-SECRET")

    app = MediaTrackApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        commands = {c.title: c.callback for c in app.get_system_commands(app.screen)}
        commands["Settings"]()
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await settle(pilot)
        found = rows(app)
        assert found["tmdb.url"][1] == "environment (MEDIATRACK_TMDB_URL)"
        assert found["google.client_id"] == (
            "[bold]from-file␛",
            "file",
        )  # inert: ESC shown as its picture
        assert found["google.client_secret"] == (config.MASK, "keyring")
        assert found["google.jwks_url"][1] == "default"
        assert found["tmdb.token"] == ("-", "unset")
        assert text_of(app, "#file") == "File: ~/.config/mediatrack/config.toml"  # under $HOME

        # Choose a plain setting and change it: it goes to the file, which keeps the rest.
        table = app.screen.query_one("#settings", DataTable)
        table.focus()
        table.move_cursor(row=list(found).index("google_books.country"))
        await pilot.press("enter")
        box = app.screen.query_one("#value", Input)
        assert app.focused is box and not box.password
        await pilot.press("d", "e", "enter")
        await settle(pilot)
        assert rows(app)["google_books.country"] == ("DE", "file")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert data["google_books"]["country"] == "DE"
        assert data["google"]["client_id"] == "[bold]from-file\x1b"
        assert "client-SECRET" not in path.read_text(encoding="utf-8")

        assert box.value == "DE"  # a plain value stays there to be edited

        # A bad value is one sentence, and the screen goes on.
        box.value = ""
        await pilot.press(*"France", "enter")
        await settle(pilot)
        assert "two-letter country code" in text_of(app, "#message")

        # del on the table forgets the highlighted setting, in the file and the keyring.
        table.focus()
        table.move_cursor(row=list(found).index("google.client_secret"))
        await pilot.press("delete")
        await settle(pilot)
        assert rows(app)["google.client_secret"] == ("-", "unset")
        assert text_of(app, "#message") == "Forgot google.client_secret; now unset."
        assert (SERVICE, "config:google.client_secret") not in keyring_memory.entries
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, SettingsScreen))
        assert app.is_running
