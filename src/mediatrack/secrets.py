"""Secrets in the system keyring, with a 0600 file when there is no keyring.

Everything is stored under the keyring service ``mediatrack``; the username is
the secret's key (a user id for sign-in tokens). When ``keyring`` has no usable
backend (a headless Linux box: ``keyring.backends.fail.Keyring`` raises
``NoKeyringError``), secrets go to ``secrets.json`` in
the config dir (``mediatrack.config.config_dir()``) instead: the file is created with
mode 0600 (never loosened, never chmod-ed after writing) and a warning says once
per process that this is happening. Writers get the file's path back, so the CLI
can say it too. Secret values are never logged nor put in an error message.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mediatrack.config import config_dir
from mediatrack.errors import MediatrackError
from mediatrack.files import replace_file

SERVICE = "mediatrack"
FALLBACK_FILE_NAME = "secrets.json"

log = logging.getLogger(__name__)
_lock = threading.RLock()
_announced: set[str] = set()


class SecretsError(MediatrackError):
    """The keyring or the fallback file cannot be used; the message is one sentence."""


# --- generic secrets -----------------------------------------------------------


def fallback_path() -> Path:
    """The file used when there is no keyring (read at call time, so tests can move it)."""
    return config_dir() / FALLBACK_FILE_NAME


def keyring_available() -> bool:
    """Whether a real keyring backend is configured (else secrets go to ``fallback_path()``)."""
    return _backend() is not None


def set_secret(key: str, value: str) -> Path | None:
    """Store ``value`` under ``key``; returns the fallback file's path when it was used."""
    from keyring.errors import KeyringError, NoKeyringError

    backend = _backend()
    if backend is not None:
        try:
            backend.set_password(SERVICE, key, value)
        except NoKeyringError:
            pass  # a backend that turns out to be unusable: use the file
        except KeyringError as exc:
            raise SecretsError(
                f"The system keyring refused to store a secret ({type(exc).__name__}); "
                "unlock it and try again."
            ) from None
        else:
            _file_delete(key)  # a copy left from a time without a keyring
            return None
    path = _file_set(key, value)
    _announce(path)
    return path


def get_secret(key: str) -> str | None:
    """The secret stored under ``key``: the keyring's, else the fallback file's, else None."""
    from keyring.errors import KeyringError, NoKeyringError

    backend = _backend()
    if backend is not None:
        try:
            value = backend.get_password(SERVICE, key)
        except NoKeyringError:
            value = None
        except KeyringError as exc:
            raise SecretsError(
                f"The system keyring refused to read a secret ({type(exc).__name__}); "
                "unlock it and try again."
            ) from None
        if value is not None:
            return value
    return _read_file(fallback_path()).get(key)


def delete_secret(key: str) -> None:
    """Remove ``key`` from the keyring and from the fallback file; absent keys are fine."""
    from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

    backend = _backend()
    if backend is not None:
        try:
            backend.delete_password(SERVICE, key)
        except (PasswordDeleteError, NoKeyringError):
            pass  # nothing stored there
        except KeyringError as exc:
            raise SecretsError(
                f"The system keyring refused to delete a secret ({type(exc).__name__}); "
                "unlock it and try again."
            ) from None
    _file_delete(key)


def _backend() -> Any:
    """The configured keyring backend, or None when it is the failing or the null one."""
    import keyring
    from keyring.backends import fail, null

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    return backend


def _announce(path: Path) -> None:
    with _lock:
        if str(path) in _announced:
            return
        _announced.add(str(path))
    log.warning(
        "No system keyring is available; mediatrack keeps your sign-in tokens and keys in %s, "
        "readable only by you.",
        path,
    )


# --- the fallback file ---------------------------------------------------------


def _read_file(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise SecretsError(f"{path} cannot be read ({exc.strerror}).") from None
    try:
        entries = json.loads(text).get("secrets", {})
    except (ValueError, AttributeError):
        entries = None
    if not isinstance(entries, dict):
        raise SecretsError(f"{path} is damaged; delete it and sign in again.")
    return {str(key): str(value) for key, value in entries.items()}


def _write_file(path: Path, entries: dict[str, str]) -> None:
    """Replace the file atomically by one created 0600 from the start."""
    if not entries:
        path.unlink(missing_ok=True)
        return
    replace_file(path, json.dumps({"version": 1, "secrets": entries}, indent=1), 0o600)


def _file_set(key: str, value: str) -> Path:
    path = fallback_path()
    with _lock:
        entries = _read_file(path)
        entries[key] = value
        try:
            _write_file(path, entries)
        except OSError as exc:
            raise SecretsError(f"{path} cannot be written ({exc.strerror}).") from None
    return path


def _file_delete(key: str) -> None:
    path = fallback_path()
    with _lock:
        if not path.exists():
            return
        entries = _read_file(path)
        if entries.pop(key, None) is None:
            return
        try:
            _write_file(path, entries)
        except OSError as exc:
            raise SecretsError(f"{path} cannot be written ({exc.strerror}).") from None


# --- sign-in tokens --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tokens:
    """A user's OAuth tokens as kept in the keyring; never shown in ``repr``."""

    refresh_token: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    access_token_expires_at: dt.datetime | None = None  # aware, UTC

    def access_token_usable(self, now: dt.datetime | None = None, margin: float = 60) -> bool:
        """Whether the access token is there and valid for at least ``margin`` more seconds."""
        if not self.access_token or self.access_token_expires_at is None:
            return False
        now = now or dt.datetime.now(dt.UTC)
        return self.access_token_expires_at - now > dt.timedelta(seconds=margin)

    def to_json(self) -> str:
        expires = self.access_token_expires_at
        return json.dumps(
            {
                "refresh_token": self.refresh_token,
                "access_token": self.access_token,
                "access_token_expires_at": expires.isoformat() if expires else None,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Tokens:
        try:
            data = json.loads(text)
            expires = data.get("access_token_expires_at")
            return cls(
                refresh_token=data.get("refresh_token"),
                access_token=data.get("access_token"),
                access_token_expires_at=dt.datetime.fromisoformat(expires) if expires else None,
            )
        except (ValueError, AttributeError, TypeError):
            raise SecretsError(
                "The stored sign-in tokens are damaged; run `mediatrack login` again."
            ) from None


def save_tokens(user_id: str, tokens: Tokens) -> Path | None:
    """Store ``user_id``'s tokens; returns the fallback file's path when it was used."""
    return set_secret(user_id, tokens.to_json())


def load_tokens(user_id: str) -> Tokens | None:
    """``user_id``'s stored tokens, or None."""
    text = get_secret(user_id)
    return Tokens.from_json(text) if text is not None else None


def delete_tokens(user_id: str) -> None:
    """Forget ``user_id``'s tokens, wherever they were stored."""
    delete_secret(user_id)
