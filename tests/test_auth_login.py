"""Signing in end to end: the identity use-cases against a local server playing Google.

Each test runs the real device flow, id_token check, keyring wrapper (an
in-memory keyring) and store on the test's own database; only the clock and
the sleep between polls are fake.
"""

from __future__ import annotations

import datetime as dt
import json
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from peewee import SqliteDatabase

from auth_server import (
    ACCESS_DENIED,
    EXPIRED_TOKEN,
    INVALID_GRANT,
    PENDING,
    SLOW_DOWN,
    SUB,
    FakeClock,
    FakeGoogle,
    NoKeyring,
    Reply,
    fixture,
    installed_keyring,
    rsa_key,
)
from mediatrack import __version__
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.secrets import fallback_path, load_tokens
from mediatrack.services import identity
from mediatrack.services.identity import (
    AccessDenied,
    CodeExpired,
    LoggedIn,
    NotLoggedIn,
    SignInAgain,
    SignInNotConfigured,
    TokenRejected,
)
from mediatrack.services.library import Library, NewItem
from mediatrack.store.identity import IdentityConflict
from mediatrack.store.models import (
    ALL_MODELS,
    LOCAL_USER_ID,
    Account,
    Episode,
    EpisodeWatch,
    Friendship,
    Rating,
    SchemaVersion,
    Season,
    Session,
    User,
    UserBookProgress,
    UserPodcastProgress,
    UserProgress,
)

TOKEN_SUCCESS = fixture("token_success.json")
OWNED = (UserProgress, Rating, EpisodeWatch, UserBookProgress, UserPodcastProgress)


@pytest.fixture
def fake() -> FakeClock:
    return FakeClock()


def login(google: FakeGoogle, fake: FakeClock, *replies: Reply) -> LoggedIn:
    """``mediatrack login`` as the CLI and the TUI run it: start, then wait in a worker thread."""
    google.script(*replies)
    code = identity.start_login()
    outcome: dict[str, object] = {}

    def worker() -> None:
        try:
            outcome["result"] = identity.wait_for_login(
                code, threading.Event(), sleep=fake.sleep, clock=fake.clock
            )
        except Exception as error:
            outcome["error"] = error

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=10)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]


def row_counts() -> dict[str, int]:
    return {
        model._meta.table_name: model.select().count()
        for model in ALL_MODELS
        if model is not SchemaVersion
    }


def token_strings(id_token: str) -> list[str]:
    return [TOKEN_SUCCESS["access_token"], TOKEN_SUCCESS["refresh_token"], id_token]


# --- success ------------------------------------------------------------------


def test_pending_pending_success_signs_in_and_keeps_tokens_only_in_the_keyring(
    google, fake, keyring_memory, library, db_path, tmp_path, caplog
):
    caplog.set_level("DEBUG")
    library.add(NewItem(Kind.MOVIE, "Dune", 2021))
    id_token = google.id_token()

    result = login(google, fake, PENDING, PENDING, google.success(id_token))

    assert (result.user_id, result.name, result.email) == (SUB, "Jane Smith", "jsmith@example.com")
    assert result.new_user and result.moved == 1 and result.tokens_file is None
    assert fake.sleeps == [5, 5, 5]
    user = User.get_by_id(SUB)
    assert (user.name, user.email, user.email_verified) == (
        "Jane Smith",
        "jsmith@example.com",
        True,
    )
    assert user.image == fixture("id_token_claims.json")["picture"]
    assert user.created_at is not None and user.updated_at is not None
    account = Account.get()
    assert (account.provider_id, account.account_id, account.user_id) == ("google", SUB, SUB)
    assert account.access_token is None and account.refresh_token is None
    assert account.id_token is None and account.access_token_expires_at is None
    session = Session.get()
    assert session.user_id == SUB and len(session.token) >= 32
    assert session.expires_at > dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=30)
    assert session.user_agent.startswith(f"mediatrack/{__version__} ")
    # The tokens are in the keyring, under the user id...
    stored = json.loads(keyring_memory.entries[("mediatrack", SUB)])
    assert stored["access_token"] == TOKEN_SUCCESS["access_token"]
    assert stored["refresh_token"] == TOKEN_SUCCESS["refresh_token"]
    assert dt.datetime.fromisoformat(stored["access_token_expires_at"]) > dt.datetime.now(dt.UTC)
    # ...and nowhere in the database (nor its WAL), the other files, or the logs.
    database_bytes = db_path.read_bytes() + Path(f"{db_path}-wal").read_bytes()
    assert b"jsmith@example.com" in database_bytes  # the search below does look at real content
    other_files = b"".join(path.read_bytes() for path in tmp_path.rglob("*") if path.is_file())
    for secret in token_strings(id_token):
        assert secret.encode() not in database_bytes
        assert secret.encode() not in other_files
        assert secret not in caplog.text
    assert not fallback_path().exists()
    me = identity.whoami()
    assert me.logged_in and (me.id, me.name, me.email) == (SUB, "Jane Smith", "jsmith@example.com")
    assert me.since is not None


def test_slow_down_while_signing_in_slows_the_polls(google, fake, keyring_memory, library):
    login(google, fake, SLOW_DOWN, PENDING, google.success())

    assert fake.sleeps == [5, 10, 10]


def test_without_a_keyring_tokens_go_to_a_0600_file_and_the_result_says_where(
    google, fake, library, db_path
):
    with installed_keyring(NoKeyring()):
        result = login(google, fake, google.success())
        assert load_tokens(SUB).refresh_token == TOKEN_SUCCESS["refresh_token"]

    path = fallback_path()
    assert result.tokens_file == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert TOKEN_SUCCESS["refresh_token"].encode() in path.read_bytes()
    assert TOKEN_SUCCESS["refresh_token"].encode() not in db_path.read_bytes()


# --- refusals write nothing --------------------------------------------------------


def forged(google: FakeGoogle) -> list[Reply]:
    return [PENDING, google.success(google.id_token(key=rsa_key("attacker")))]


REFUSALS: dict[str, tuple[Callable[[FakeGoogle], list[Reply]], type[Exception], str]] = {
    "access_denied": (lambda g: [PENDING, ACCESS_DENIED], AccessDenied, "declined"),
    "expired_token": (lambda g: [PENDING, EXPIRED_TOKEN], CodeExpired, "expired"),
    "forged signature": (forged, TokenRejected, "signature"),
    "wrong aud": (
        lambda g: [g.success(g.id_token(aud="other.apps.googleusercontent.com"))],
        TokenRejected,
        "another app",
    ),
    "wrong iss": (
        lambda g: [g.success(g.id_token(iss="https://accounts.example.com"))],
        TokenRejected,
        "not issued by Google",
    ),
    "expired exp": (
        lambda g: [g.success(g.id_token(iat=1353601026, exp=1353604626))],
        TokenRejected,
        "clock",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refused_sign_in_writes_nothing(google, fake, keyring_memory, library, case):
    script, error, words = REFUSALS[case]
    library.add(NewItem(Kind.BOOK, "Dune", 1965, creator="Frank Herbert"))
    before = row_counts()

    with pytest.raises(error, match=words):
        login(google, fake, *script(google))

    assert row_counts() == before
    assert keyring_memory.entries == {}
    assert not fallback_path().exists()
    assert not identity.whoami().logged_in
    assert [entry.title for entry in Library().all_entries()] == ["Dune"]


def test_missing_client_id_is_not_configured_naming_the_variable(google, monkeypatch, library):
    monkeypatch.delenv("MEDIATRACK_GOOGLE_CLIENT_ID")

    with pytest.raises(SignInNotConfigured, match="MEDIATRACK_GOOGLE_CLIENT_ID"):
        identity.start_login()

    assert google.device_forms == []


# --- the local library becomes the account's -----------------------------------------


def fill_local_library(library: Library) -> None:
    """One row in every user-owned table, all owned by the local user."""
    movie = library.add(NewItem(Kind.MOVIE, "Arrival", 2016, catalog_id="329865"))
    library.set_rating(movie.key, 9)
    show = library.add(NewItem(Kind.TV, "Severance", 2022, total=9))
    library.add(NewItem(Kind.BOOK, "Piranesi", 2020, creator="Susanna Clarke"))
    library.add(NewItem(Kind.PODCAST, "Radiolab", creator="WNYC"))
    season = Season.create(media_item=show.key.item_id, tmdb_id=1, season_number=1, name="S1")
    episode = Episode.create(season=season, tmdb_id=2, episode_number=1, name="E1")
    EpisodeWatch.create(user=LOCAL_USER_ID, episode=episode)
    User.create(id="friend", name="Friend", email="friend@example.com")
    Friendship.create(user=LOCAL_USER_ID, friend="friend")


def test_first_sign_in_gives_every_local_row_to_the_account(google, fake, keyring_memory, library):
    fill_local_library(library)
    titles = sorted(entry.title for entry in library.all_entries())

    result = login(google, fake, google.success())

    for model in OWNED:
        assert model.select().where(model.user == LOCAL_USER_ID).count() == 0
        assert model.select().where(model.user == SUB).count() >= 1
    assert Friendship.get().user_id == SUB
    assert result.moved >= 7  # one row per table above; more if new tables derive rows
    assert Library().all_entries() == []
    mine = Library(SUB)
    assert sorted(entry.title for entry in mine.all_entries()) == titles
    assert [entry.title for entry in mine.entries(Kind.MOVIE)] == ["Arrival"]
    assert mine.entries(Kind.MOVIE)[0].rating == 9
    assert User.get_or_none(User.id == LOCAL_USER_ID) is not None  # the local user stays


def test_second_sign_in_reuses_the_user_and_the_newer_local_row_wins(
    google, fake, keyring_memory, library
):
    arrival = NewItem(Kind.MOVIE, "Arrival", 2016, catalog_id="329865")
    library.add(arrival)
    login(google, fake, google.success())
    identity.logout()
    # Signed out, the same movie is added again and finished, and a book is added.
    again = Library().add(arrival)
    Library().set_status(again.key, "completed")
    Library().add(NewItem(Kind.BOOK, "Piranesi", 2020))

    result = login(google, fake, google.success())

    # Rows moved: the movie's and the book's progress, and the day the movie was finished.
    assert not result.new_user and result.moved == 3
    assert User.select().where(User.id == SUB).count() == 1
    assert Account.select().count() == 1
    assert Session.select().count() == 1
    mine = Library(SUB)
    assert [(entry.title, entry.status) for entry in mine.entries(Kind.MOVIE)] == [
        ("Arrival", "completed")
    ]
    assert UserProgress.select().count() == 1
    assert [entry.title for entry in mine.entries(Kind.BOOK)] == ["Piranesi"]


def test_a_local_row_older_than_the_accounts_own_is_dropped(google, fake, keyring_memory, library):
    arrival = NewItem(Kind.MOVIE, "Arrival", 2016, catalog_id="329865")
    entry = library.add(arrival)
    library.set_status(entry.key, "watching")
    login(google, fake, google.success())
    identity.logout()
    Library().add(arrival)  # plan_to_watch, but pretend it was changed long ago
    UserProgress.update(updated_at=dt.datetime(2001, 1, 1)).where(
        UserProgress.user == LOCAL_USER_ID
    ).execute()

    login(google, fake, google.success())

    assert UserProgress.select().count() == 1
    assert Library(SUB).entry(EntryKey(Kind.MOVIE, entry.key.item_id)).status == "watching"


# --- logout and tokens ----------------------------------------------------------


def test_logout_removes_the_keyring_entries_and_the_session(google, fake, keyring_memory, library):
    library.add(NewItem(Kind.MOVIE, "Arrival", 2016))
    login(google, fake, google.success())
    assert keyring_memory.entries

    result = identity.logout()

    assert result.was_logged_in and result.email == "jsmith@example.com"
    assert keyring_memory.entries == {}
    assert Session.select().count() == 0
    assert not identity.whoami().logged_in
    assert [entry.title for entry in Library(SUB).all_entries()] == ["Arrival"]  # still theirs
    assert not identity.logout().was_logged_in


def test_an_expired_access_token_is_refreshed_and_stored(google, fake, keyring_memory, library):
    login(google, fake, google.success())
    refreshed = {**fixture("token_refresh_success.json"), "access_token": "ya29.refreshed"}
    google.script((200, refreshed))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)  # the first token has expired

    token = identity.ensure_access_token(now=later)

    assert token == "ya29.refreshed"
    assert google.token_forms[-1]["grant_type"] == "refresh_token"
    assert google.token_forms[-1]["refresh_token"] == TOKEN_SUCCESS["refresh_token"]
    stored = load_tokens(SUB)
    assert stored.access_token == "ya29.refreshed"
    assert stored.refresh_token == TOKEN_SUCCESS["refresh_token"]  # kept: Google sent none
    polls = len(google.token_forms)
    assert identity.ensure_access_token() == "ya29.refreshed"  # still valid: no request
    assert len(google.token_forms) == polls


def test_a_valid_access_token_is_used_as_is(google, fake, keyring_memory, library):
    login(google, fake, google.success())

    assert identity.ensure_access_token() == TOKEN_SUCCESS["access_token"]
    assert len(google.token_forms) == 1


def test_a_revoked_refresh_token_asks_to_sign_in_again(google, fake, keyring_memory, library):
    login(google, fake, google.success())
    google.script(INVALID_GRANT)

    with pytest.raises(SignInAgain, match="mediatrack login"):
        identity.ensure_access_token(now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=2))


def test_access_token_needs_a_sign_in(keyring_memory, db: SqliteDatabase):
    with pytest.raises(NotLoggedIn, match="mediatrack login"):
        identity.ensure_access_token()


def test_an_email_owned_by_another_user_is_refused_and_the_tokens_are_dropped(
    google, fake, keyring_memory, library
):
    User.create(id="someone-else", name="Other", email="jsmith@example.com")
    before = row_counts()

    with pytest.raises(IdentityConflict, match=r"jsmith@example\.com"):
        login(google, fake, google.success())

    assert row_counts() == before
    assert keyring_memory.entries == {}


def test_an_expired_session_is_not_a_sign_in(google, fake, keyring_memory, library):
    login(google, fake, google.success())
    Session.update(expires_at=dt.datetime(2001, 1, 1)).execute()

    me = identity.whoami()

    assert not me.logged_in and me.id == LOCAL_USER_ID
