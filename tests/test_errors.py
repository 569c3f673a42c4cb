"""One base for every error a user can act on, caught in one place by the CLI and by the app."""

from __future__ import annotations

import ast
import importlib
import inspect
import logging
import pkgutil
from pathlib import Path

import pytest

import mediatrack
from mediatrack.app import MediaTrackApp
from mediatrack.auth.errors import AccessDenied, AuthError, NetworkDown, SignInNotConfigured
from mediatrack.catalog.errors import CatalogError, CatalogNotConfigured, Unavailable
from mediatrack.cli.common import CliError
from mediatrack.config import ConfigError
from mediatrack.errors import MediatrackError
from mediatrack.kinds import Kind
from mediatrack.screens.movies import MoviesScreen
from mediatrack.secrets import SecretsError
from mediatrack.services.friends import FriendsError
from mediatrack.services.library import InvalidValue, Library, LibraryError, NewItem
from mediatrack.services.sync import NotSignedIn, SyncNotConfigured
from mediatrack.store.db import NotAMediatrackDatabase, StoreError, open_database
from mediatrack.store.identity import IdentityConflict
from mediatrack.store.sync.errors import ServerRefused, ServerUnreachable, SyncError
from mediatrack.widgets.library_table import LibraryTable
from tui_helpers import settle, toasts

SRC = Path(mediatrack.__file__).parent
INTERNAL = {"ShapeError", "TooSoon"}  # caught where they are raised; never reach a person

# One of each family, with the sentence it carries.
FAMILIES: list[MediatrackError] = [
    CatalogNotConfigured("TMDB needs a token: set tmdb.token.", provider="TMDB"),
    Unavailable("TMDB cannot be reached: you seem to be offline.", provider="TMDB"),
    SignInNotConfigured("Set google.client_id to log in.", setting="google.client_id"),
    AccessDenied("You declined the sign-in on Google's page."),
    NetworkDown("Google cannot be reached: you seem to be offline."),
    InvalidValue("A rating is a whole number from 1 to 10."),
    FriendsError("'bob' is not an email address."),
    ServerUnreachable("The sync server cannot be reached: you seem to be offline."),
    ServerRefused("The sync server refused the password of role mt_ann."),
    NotSignedIn("Sync needs an account: log in first."),
    SyncNotConfigured("No sync server is set up; run `mediatrack sync setup` first."),
    ConfigError("config.toml is not valid TOML (line 3)."),
    NotAMediatrackDatabase("/tmp/x.db is not a mediatrack database."),
    IdentityConflict("That email already belongs to another user of this library."),
    SecretsError("The keyring refused the secret."),
    CliError("The folder /nowhere does not exist."),
]


def all_modules() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages([str(SRC)], prefix="mediatrack.")
        if not info.name.endswith("__main__")
    ]


def test_every_error_class_of_mediatrack_is_a_mediatrack_error():
    """A new error class elsewhere must join the family, or the user gets a traceback."""
    strays = []
    for name in all_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, Exception)
                and value.__module__ == name
                and value.__name__ not in INTERNAL
                and not issubclass(value, MediatrackError)
            ):
                strays.append(f"{name}.{value.__name__}")
    assert strays == []


@pytest.mark.parametrize(
    "family",
    [
        CatalogError,
        AuthError,
        LibraryError,
        FriendsError,
        SyncError,
        ConfigError,
        StoreError,
        SecretsError,
        CliError,
    ],
)
def test_each_family_is_a_mediatrack_error(family):
    assert issubclass(family, MediatrackError)


def test_the_three_not_configured_errors_have_names_of_their_own():
    names = {
        CatalogNotConfigured.__name__,
        SignInNotConfigured.__name__,
        SyncNotConfigured.__name__,
    }
    assert names == {"CatalogNotConfigured", "SignInNotConfigured", "SyncNotConfigured"}


def test_errors_module_imports_nothing_of_mediatrack():
    tree = ast.parse((SRC / "errors.py").read_text())
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [name for name in imported if name and name.startswith("mediatrack")]


@pytest.mark.parametrize("error", FAMILIES, ids=lambda error: type(error).__name__)
def test_the_cli_prints_one_sentence_for_each_family(cli, monkeypatch, error):
    def handler(args):
        raise error

    monkeypatch.setattr("mediatrack.cli.config.run_path", handler)
    result = cli("config", "path")
    assert result.code == 1
    assert result.out == ""
    assert result.err == f"mediatrack: {error}\n"


# --- the app: a worker that fails ---------------------------------------------------------


@pytest.fixture
def heat(db_path: Path) -> None:
    open_database(db_path)
    Library().add(NewItem(Kind.MOVIE, "Heat", 1995))


async def test_an_unexpected_error_in_a_worker_is_one_sentence_and_a_log_line(
    heat, monkeypatch, caplog
):
    """A bug in a screen's worker: one sentence on screen, the traceback in the log, and the
    app goes on (the next read works)."""
    real = Library.entries
    calls = {"n": 0}

    def entries_once_broken(self, kind, **options):
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyError("tmdb_id")
        return real(self, kind, **options)

    monkeypatch.setattr(Library, "entries", entries_once_broken)
    app = MediaTrackApp()
    with caplog.at_level(logging.ERROR, logger="mediatrack"):
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert toasts(app) == "Something unexpected went wrong (KeyError: 'tmdb_id')."
            assert not app.screen.query_one(LibraryTable).loading  # no spinner left turning
            await pilot.press("2")
            await settle(pilot)
            assert isinstance(app.screen, MoviesScreen)
            assert [entry.title for entry in app.screen.query_one(LibraryTable).entries] == ["Heat"]
            assert app.is_running
    logged = [record for record in caplog.records if record.name == "mediatrack.app"]
    assert len(logged) == 1
    assert logged[0].exc_info is not None and logged[0].exc_info[0] is KeyError


async def test_our_error_in_a_worker_is_its_own_sentence_and_not_logged(heat, monkeypatch, caplog):
    def refused(self, key, rating):
        raise InvalidValue("A rating is a whole number from 1 to 10.")

    monkeypatch.setattr(Library, "set_rating", refused)
    app = MediaTrackApp()
    with caplog.at_level(logging.ERROR, logger="mediatrack"):
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("2")
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            await pilot.press("7")
            await settle(pilot)
            assert "A rating is a whole number from 1 to 10." in toasts(app)
            assert isinstance(app.screen, MoviesScreen)
    assert not [record for record in caplog.records if record.name == "mediatrack.app"]


async def test_an_unexpected_error_in_an_app_worker_is_one_sentence(heat, monkeypatch):
    """Who am I (an app worker, no screen of its own) fails on a bug: a sentence, no crash."""

    def broken():
        raise ValueError("no row")

    monkeypatch.setattr("mediatrack.services.identity.whoami", broken)
    app = MediaTrackApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.action_who_am_i()
        await settle(pilot)
        assert "Something unexpected went wrong (ValueError: no row)." in toasts(app)
        assert app.is_running
