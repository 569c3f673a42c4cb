"""Signing in with Google and out again: the use-cases the CLI and the TUI share.

- ``start_login()`` asks Google for a code and returns it to show (``DeviceCode``).
- ``wait_for_login(code, cancel_event)`` runs in a worker thread or the CLI: it
  polls until the user approves, verifies the id_token, puts the tokens in the
  keyring and signs the account in, re-owning the local library (``LoggedIn``).
  Setting ``cancel_event`` ends it at once with ``Cancelled``; nothing is
  written unless the id_token passed every check.
- ``whoami()``, ``logout()``, and ``ensure_access_token()`` for later features
  (sync) that call Google on the user's behalf.

Every failure is one of ``LOGIN_ERRORS``, whose ``str()`` is one sentence. The
database must be open (``open_library`` / ``open_database``) before these run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import platform
import threading
from collections.abc import Callable
from dataclasses import dataclass

from mediatrack import __version__
from mediatrack.auth.device_flow import (
    Clock,
    DeviceCode,
    PollTick,
    Sleep,
    poll_for_tokens,
    refresh_access_token,
    request_device_code,
)
from mediatrack.auth.errors import (
    AccessDenied,
    AuthError,
    BadResponse,
    Cancelled,
    CodeExpired,
    NetworkDown,
    NotLoggedIn,
    SignInAgain,
    SignInNotConfigured,
    TokenRejected,
)
from mediatrack.auth.http import FormPoster
from mediatrack.auth.id_token import verify_id_token
from mediatrack.auth.settings import GoogleSettings
from mediatrack.secrets import SecretsError, Tokens, delete_tokens, load_tokens, save_tokens
from mediatrack.store import identity as store_identity
from mediatrack.store.db import StoreError
from mediatrack.store.identity import CurrentUser, KeptLibrary, Profile

LOGIN_ERRORS: tuple[type[Exception], ...] = (AuthError, StoreError, SecretsError)

__all__ = [
    "LOGIN_ERRORS",
    "AccessDenied",
    "AuthError",
    "Cancelled",
    "CodeExpired",
    "CurrentUser",
    "DeviceCode",
    "KeptLibrary",
    "LoggedIn",
    "LoggedOut",
    "NetworkDown",
    "NotLoggedIn",
    "PollTick",
    "SignInAgain",
    "SignInNotConfigured",
    "TokenRejected",
    "ensure_access_token",
    "kept_library",
    "logout",
    "start_login",
    "wait_for_login",
    "whoami",
]


@dataclass(frozen=True, slots=True)
class LoggedIn:
    user_id: str
    name: str
    email: str
    new_user: bool  # first sign-in of this account on this library
    moved: int  # local rows now owned by the account
    tokens_file: str | None = None  # set when no keyring exists and tokens went to this file


@dataclass(frozen=True, slots=True)
class LoggedOut:
    was_logged_in: bool
    name: str | None = None
    email: str | None = None


def user_agent() -> str:
    """``mediatrack/<version> <platform>``, recorded on the session row."""
    return f"mediatrack/{__version__} {platform.platform(terse=True)}"


def start_login(
    *, settings: GoogleSettings | None = None, http: FormPoster | None = None
) -> DeviceCode:
    """Ask Google for a user code and verification URL to show."""
    return request_device_code(settings or GoogleSettings.from_config(), http=http)


def wait_for_login(
    device_code: DeviceCode,
    cancel_event: threading.Event | None = None,
    on_tick: Callable[[PollTick], None] | None = None,
    *,
    settings: GoogleSettings | None = None,
    sleep: Sleep | None = None,
    clock: Clock | None = None,
    http: FormPoster | None = None,
) -> LoggedIn:
    """Wait for the user to approve ``device_code``, then sign them in (see the module doc)."""
    settings = settings or GoogleSettings.from_config()
    client_id, _ = settings.require_client()
    tokens = poll_for_tokens(
        settings,
        device_code,
        cancel=cancel_event,
        sleep=sleep,
        clock=clock,
        on_tick=on_tick,
        http=http,
    )
    if not tokens.id_token:
        raise BadResponse("Google sent no id_token; the sign-in needs the 'openid' scope.")
    person = verify_id_token(tokens.id_token, client_id=client_id, jwks_url=settings.jwks_url)
    if cancel_event is not None and cancel_event.is_set():
        raise Cancelled("Sign-in cancelled.")
    tokens_file = save_tokens(
        person.sub,
        Tokens(
            refresh_token=tokens.refresh_token,
            access_token=tokens.access_token,
            access_token_expires_at=_expiry(tokens.expires_in),
        ),
    )
    profile = Profile(
        user_id=person.sub,
        name=person.name or person.email.partition("@")[0],
        email=person.email,
        email_verified=person.email_verified,
        image=person.picture,
    )
    try:
        signed = store_identity.sign_in(profile, scope=tokens.scope, user_agent=user_agent())
    except BaseException:
        with contextlib.suppress(SecretsError):
            delete_tokens(person.sub)
        raise
    return LoggedIn(
        user_id=signed.user_id,
        name=signed.name,
        email=signed.email,
        new_user=signed.new_user,
        moved=signed.moved,
        tokens_file=str(tokens_file) if tokens_file else None,
    )


def whoami() -> CurrentUser:
    """Who is signed in (``logged_in`` True, with ``since``), else the local user."""
    return store_identity.current_user()


def kept_library() -> KeptLibrary | None:
    """While nobody is signed in: the library of the account signed in here last, which the
    local library hides until that account logs in again (None when there is none)."""
    return store_identity.kept_library()


def logout() -> LoggedOut:
    """Forget the signed-in user's tokens, then end their session; the library stays theirs."""
    user = store_identity.current_user()
    if not user.logged_in:
        return LoggedOut(was_logged_in=False)
    delete_tokens(user.id)  # first: if the keyring refuses, the user stays signed in to retry
    store_identity.sign_out(user.id)
    return LoggedOut(was_logged_in=True, name=user.name, email=user.email)


def ensure_access_token(
    *,
    settings: GoogleSettings | None = None,
    http: FormPoster | None = None,
    now: dt.datetime | None = None,
) -> str:
    """A valid access token of the signed-in user, refreshed (and stored) when it expired."""
    user = store_identity.current_user()
    if not user.logged_in:
        raise NotLoggedIn("You are not signed in; run `mediatrack login` first.")
    now = now or dt.datetime.now(dt.UTC)
    stored = load_tokens(user.id)
    if stored is not None and stored.access_token_usable(now):
        return stored.access_token  # type: ignore[return-value]
    if stored is None or not stored.refresh_token:
        raise SignInAgain(
            f"mediatrack has no stored sign-in for {user.email}; run `mediatrack login` again."
        )
    fresh = refresh_access_token(
        settings or GoogleSettings.from_config(), stored.refresh_token, http=http
    )
    save_tokens(
        user.id,
        Tokens(
            refresh_token=fresh.refresh_token or stored.refresh_token,
            access_token=fresh.access_token,
            access_token_expires_at=_expiry(fresh.expires_in, now),
        ),
    )
    store_identity.extend_session(user.id)
    return fresh.access_token


def _expiry(expires_in: int | None, now: dt.datetime | None = None) -> dt.datetime | None:
    if expires_in is None:
        return None
    return (now or dt.datetime.now(dt.UTC)) + dt.timedelta(seconds=expires_in)
