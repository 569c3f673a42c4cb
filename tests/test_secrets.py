"""The keyring wrapper: the keyring when there is one, a 0600 file when there is none."""

from __future__ import annotations

import datetime as dt
import logging
import os
import stat
from collections.abc import Iterator

import pytest
from keyring.backends import fail
from keyring.errors import KeyringLocked

from auth_server import MemoryKeyring, NoKeyring, installed_keyring
from mediatrack import secrets
from mediatrack.secrets import (
    SecretsError,
    Tokens,
    delete_tokens,
    fallback_path,
    get_secret,
    load_tokens,
    save_tokens,
    set_secret,
)

TOKENS = Tokens(
    refresh_token="1//refresh-SECRET",
    access_token="ya29.access-SECRET",
    access_token_expires_at=dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
)


@pytest.fixture(autouse=True)
def fresh_notice(monkeypatch) -> None:
    """Each test sees the "no keyring" warning as a new process would."""
    monkeypatch.setattr(secrets, "_announced", set())


@pytest.fixture
def memory() -> Iterator[MemoryKeyring]:
    with installed_keyring(MemoryKeyring()) as backend:
        yield backend


@pytest.fixture(params=["raises NoKeyringError", "fail.Keyring"])
def no_keyring(request) -> Iterator[None]:
    backend = NoKeyring() if request.param == "raises NoKeyringError" else fail.Keyring()
    with installed_keyring(backend):
        yield


def test_tokens_go_to_the_keyring_under_service_mediatrack_and_the_user_id(memory):
    assert save_tokens("user-1", TOKENS) is None

    assert set(memory.entries) == {("mediatrack", "user-1")}
    assert load_tokens("user-1") == TOKENS
    assert not fallback_path().exists()


def test_delete_removes_the_keyring_entry(memory):
    save_tokens("user-1", TOKENS)
    save_tokens("user-2", TOKENS)

    delete_tokens("user-1")
    delete_tokens("never-stored")

    assert set(memory.entries) == {("mediatrack", "user-2")}
    assert load_tokens("user-1") is None


def test_without_a_keyring_tokens_go_to_a_0600_file_and_a_warning_says_so_once(no_keyring, caplog):
    caplog.set_level(logging.DEBUG)

    path = save_tokens("user-1", TOKENS)
    save_tokens("user-2", TOKENS)

    assert path == fallback_path()
    assert path.parent.name == "mediatrack" and "config" in str(path.parent)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_tokens("user-1") == TOKENS
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1 and str(path) in warnings[0].getMessage()
    assert "SECRET" not in caplog.text


def test_the_file_is_0600_from_its_creation_whatever_the_umask(no_keyring):
    old = os.umask(0)
    try:
        path = save_tokens("user-1", TOKENS)
    finally:
        os.umask(old)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_delete_removes_the_fallback_entry_and_the_empty_file(no_keyring):
    save_tokens("user-1", TOKENS)
    save_tokens("user-2", TOKENS)

    delete_tokens("user-1")
    assert load_tokens("user-1") is None and load_tokens("user-2") == TOKENS

    delete_tokens("user-2")
    assert not fallback_path().exists()


def test_a_keyring_that_appears_later_takes_over_from_the_file(memory):
    with installed_keyring(NoKeyring()):
        save_tokens("user-1", TOKENS)
    assert load_tokens("user-1") == TOKENS  # still read from the file

    save_tokens("user-1", TOKENS)

    assert ("mediatrack", "user-1") in memory.entries
    assert not fallback_path().exists()


def test_a_locked_keyring_is_an_error_not_a_silent_fallback():
    class Locked(MemoryKeyring):
        def set_password(self, service, username, password):
            raise KeyringLocked("locked")

    with installed_keyring(Locked()), pytest.raises(SecretsError, match="unlock"):
        set_secret("user-1", "value")
    assert not fallback_path().exists()


def test_a_damaged_file_is_a_sentence(no_keyring):
    path = fallback_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(SecretsError, match="damaged"):
        get_secret("user-1")


def test_tokens_never_show_in_repr():
    assert "SECRET" not in repr(TOKENS)


def test_access_token_usable_leaves_a_margin():
    now = dt.datetime(2030, 1, 2, 3, 0, 0, tzinfo=dt.UTC)

    assert TOKENS.access_token_usable(now)
    assert not TOKENS.access_token_usable(now + dt.timedelta(minutes=4, seconds=10))
    assert not Tokens(refresh_token="r").access_token_usable(now)
