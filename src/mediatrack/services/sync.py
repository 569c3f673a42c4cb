"""Sync with a shared PostgreSQL server: the use-cases the CLI and the TUI share.

- ``setup(url, password)`` remembers the server: the URL (without password) as
  ``sync.url`` in ``config.toml``, the password in the keyring (``mediatrack.secrets``).
  ``MEDIATRACK_SYNC_URL`` overrides the file; a ``sync.json`` of older versions is still read.
- ``sync_once()`` pushes and pulls once as the signed-in user; returns a ``SyncReport``.
- ``init_server(admin_url)`` and ``provision(admin_url, email)`` for the server's admin.
- ``sync_status()`` for a header: configured or not, last sync time, last error.

psycopg is imported only when one of these connects. Every failure is a
``SyncError`` whose ``str()`` is one sentence; ``ServerUnreachable`` means offline.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from mediatrack import config
from mediatrack.secrets import SecretsError, get_secret, set_secret
from mediatrack.services.identity import CurrentUser, whoami
from mediatrack.store.db import connection
from mediatrack.store.sync import local
from mediatrack.store.sync.errors import ServerRefused, ServerUnreachable, SyncError

if TYPE_CHECKING:
    from mediatrack.store.sync.engine import FailedAction
    from mediatrack.store.sync.server import Provisioned, SchemaStatus

__all__ = [
    "ServerRefused",
    "ServerUnreachable",
    "SyncError",
    "SyncReport",
    "SyncStatus",
    "init_server",
    "provision",
    "send_now",
    "setup",
    "sync_once",
    "sync_status",
    "sync_url",
]

URL_ENV = "MEDIATRACK_SYNC_URL"

Progress = Callable[[str, int, int], None]  # (phase "push" | "pull", done, total)
_one_at_a_time = threading.Lock()  # a background sync and a key press never overlap
Connect = Callable[[str, str | None], Any]  # (url, password) -> a psycopg connection


class NotSignedIn(SyncError):
    """Sync needs a Google sign-in and there is none."""


class SyncNotConfigured(SyncError):
    """No sync server is set up, or its URL cannot be used."""


NotConfigured = SyncNotConfigured  # the older name, for code written before the rename


@dataclass(frozen=True, slots=True)
class SyncReport:
    pushed: int
    pulled: int
    conflicts: int
    failed_actions: tuple[FailedAction, ...] = ()
    round_trips: int = 0

    def summary(self) -> str:
        return f"pushed {self.pushed}, pulled {self.pulled}, conflicts resolved {self.conflicts}"


@dataclass(frozen=True, slots=True)
class SyncStatus:
    configured: bool
    url: str | None
    last_sync_at: dt.datetime | None  # naive UTC
    last_error: str | None


# --- settings ----------------------------------------------------------------------


def settings_path() -> Path:
    """The file `sync setup` writes the URL to: the config file."""
    return config.config_path()


def sync_url() -> str | None:
    """The server's URL: ``$MEDIATRACK_SYNC_URL``, else ``sync.url`` in the config file."""
    return config.get("sync.url")


def _password_key(url: str) -> str:
    return config.sync_password_name(url)


def setup(url: str, password: str | None) -> Path | None:
    """Store the URL (a password inside it is moved to the keyring) and the password.

    Returns the fallback secrets file when there is no keyring.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("postgresql", "postgres") or not parts.hostname:
        raise SyncNotConfigured(f"{url!r} is not a postgresql://user@host/database URL.")
    if not parts.username:
        raise SyncNotConfigured("The URL names no user: use postgresql://ROLE@host/database.")
    password = password or parts.password
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    clean = urlunsplit((parts.scheme, f"{parts.username}@{host}", parts.path, parts.query, ""))
    try:
        config.set_value("sync.url", clean)
    except config.ConfigError as error:
        raise SyncNotConfigured(str(error)) from None
    if password:
        return set_secret(_password_key(clean), password)
    return None


def _password(url: str) -> str | None:
    try:
        return get_secret(_password_key(url))
    except SecretsError as error:
        raise SyncError(str(error)) from None


# --- syncing -----------------------------------------------------------------------


def _default_connect(url: str, password: str | None) -> Any:
    from mediatrack.store.sync.remote import connect

    return connect(url, password)


def _target(url: str | None, password: str | None) -> tuple[CurrentUser, str, str | None]:
    """Who syncs, to which server, with which password; or the sentence saying what is missing."""
    user = whoami()
    if not user.logged_in or not user.email:
        raise NotSignedIn(
            "Sync needs to know whose library this is: sign in first with `mediatrack login`."
        )
    if not user.email_verified:
        raise NotSignedIn(
            f"Google has not verified the email {user.email} of the account you signed in "
            "with, so it cannot sync; verify it with Google, then run `mediatrack login` again."
        )
    url = url or sync_url()
    if not url:
        raise SyncNotConfigured("No sync server is set up; run `mediatrack sync setup` first.")
    return user, url, password if password is not None else _password(url)


def send_now(
    action: str,
    email: str,
    url: str | None = None,
    password: str | None = None,
    *,
    connect: Connect | None = None,
) -> str:
    """Send one friend action that is never queued (``block``, ``unblock``) to the server now.

    Returns what happened in a word; a refusal is a ``ServerRefused`` with its sentence.
    """
    from mediatrack.store.sync.remote import Remote

    _user, url, password = _target(url, password)
    with _one_at_a_time, (connect or _default_connect)(url, password) as session:
        return Remote(session).friend_action(action, email)


def sync_once(
    url: str | None = None,
    password: str | None = None,
    *,
    on_progress: Progress | None = None,
    connect: Connect | None = None,
) -> SyncReport:
    """Push and pull once as the signed-in user. The library must be open."""
    from mediatrack.store.sync import engine
    from mediatrack.store.sync.remote import Remote

    user, url, password = _target(url, password)
    assert user.email is not None  # _target refuses a user without one
    try:
        with _one_at_a_time, (connect or _default_connect)(url, password) as session:
            result = engine.run(
                Remote(session),
                user.id,
                user.email,
                email_verified=user.email_verified,
                on_progress=on_progress,
            )
    except SyncError as error:
        with connection():
            local.record_outcome(str(error))
        raise
    with connection():
        local.record_outcome(None)
    return SyncReport(
        result.pushed,
        result.pulled,
        result.conflicts,
        tuple(result.failed_actions),
        result.statements,
    )


def sync_status() -> SyncStatus:
    """What a header shows: is sync set up, when did it last work, what went wrong since."""
    url = sync_url()
    with connection():
        last_sync_at, last_error = local.last_outcome()
    return SyncStatus(
        configured=url is not None,
        url=url,
        last_sync_at=last_sync_at,
        last_error=last_error,
    )


# --- the admin's side ------------------------------------------------------------------


def init_server(admin_url: str) -> SchemaStatus:
    """Create or migrate the server schema (idempotent)."""
    from mediatrack.store.sync.server import init_schema

    return init_schema(admin_url)


def provision(admin_url: str, email: str, role: str | None = None) -> Provisioned:
    """Create (or give a new password to) the login role of the person with this email."""
    from mediatrack.store.sync.server import provision as provision_role

    return provision_role(admin_url, email, role)
