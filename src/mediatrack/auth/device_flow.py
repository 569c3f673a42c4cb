"""The OAuth 2.0 device authorization grant (RFC 8628) against Google's endpoints.

1. ``request_device_code``: POST ``client_id`` and the scope; Google answers with
   a ``user_code`` to type at ``verification_url``.
2. ``poll_for_tokens``: POST the token endpoint every ``interval`` seconds until
   the user approves (tokens), declines (``AccessDenied``) or the code expires
   (``CodeExpired``). ``slow_down`` adds 5 s to the interval for the rest of the
   flow. Google answers "pending" with HTTP 428 and "slow down" / "denied" with
   403, so answers are read by their ``error`` field, never by status.
3. ``refresh_access_token``: a new access token from the refresh token.

The clock, the sleep and a cancel ``threading.Event`` are injectable, so a
worker thread can be cancelled at once and tests run without waiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mediatrack.auth.errors import (
    AccessDenied,
    BadResponse,
    Cancelled,
    ClientRejected,
    CodeExpired,
    SignInAgain,
    Unavailable,
)
from mediatrack.auth.http import FormPoster, Reply
from mediatrack.auth.settings import (
    CLIENT_ID_SETTING,
    CLIENT_SECRET_SETTING,
    DEVICE_URL_SETTING,
    SCOPE,
    TOKEN_URL_SETTING,
    GoogleSettings,
)

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DEFAULT_INTERVAL = 5  # seconds, when the server names none (RFC 8628 §3.2)
SLOW_DOWN_STEP = 5  # seconds added to the interval on each slow_down (RFC 8628 §3.5)
MAX_NETWORK_FAILURES = 3  # polls in a row that may fail on the network before giving up


@dataclass(frozen=True, slots=True)
class DeviceCode:
    """What the user needs to approve the sign-in, and what the poller needs to notice it."""

    device_code: str = field(repr=False)
    user_code: str
    verification_url: str
    expires_in: int  # seconds from ``issued_at``
    interval: int = DEFAULT_INTERVAL
    verification_url_complete: str | None = None  # with the code filled in, when offered
    issued_at: float = field(default_factory=time.monotonic)  # time.monotonic() at receipt

    @property
    def qr_url(self) -> str:
        """The URL worth drawing as a QR code."""
        return self.verification_url_complete or self.verification_url

    def seconds_left(self, now: float | None = None) -> float:
        """Seconds until the code expires, by ``time.monotonic()`` unless ``now`` is given."""
        now = time.monotonic() if now is None else now
        return max(0.0, self.issued_at + self.expires_in - now)


@dataclass(frozen=True, slots=True)
class TokenSet:
    """A successful token answer. The tokens never appear in ``repr``."""

    access_token: str = field(repr=False)
    expires_in: int | None
    refresh_token: str | None = field(default=None, repr=False)
    id_token: str | None = field(default=None, repr=False)
    scope: str | None = None
    token_type: str | None = None


@dataclass(frozen=True, slots=True)
class PollTick:
    """Reported before each wait: how the polling stands."""

    polls: int  # token requests made so far
    wait: float  # seconds until the next one
    seconds_left: float  # until the code expires


Sleep = Callable[[float], Any]
Clock = Callable[[], float]


def request_device_code(settings: GoogleSettings, *, http: FormPoster | None = None) -> DeviceCode:
    """Ask Google for a user code (step 1). Needs the client id and secret configured."""
    client_id, _ = settings.require_client()
    http = http or FormPoster()
    reply = http.post(
        settings.device_url, {"client_id": client_id, "scope": SCOPE}, setting=DEVICE_URL_SETTING
    )
    if reply.error is not None:
        raise _device_error(reply)
    if reply.status != 200:
        raise BadResponse(
            f"Google did not start the sign-in (HTTP {reply.status}); try again later."
        )
    body = reply.body
    url = body.get("verification_url") or body.get("verification_uri")  # Google's name first
    if not isinstance(url, str) or not url:
        raise BadResponse("Google's reply lacks 'verification_url'; try again later.")
    complete = body.get("verification_url_complete") or body.get("verification_uri_complete")
    interval = _seconds(body, "interval", required=False) or DEFAULT_INTERVAL
    return DeviceCode(
        device_code=_text(body, "device_code"),
        user_code=_text(body, "user_code"),
        verification_url=url,
        expires_in=_seconds(body, "expires_in") or 0,
        interval=max(1, interval),
        verification_url_complete=complete if isinstance(complete, str) else None,
    )


def poll_for_tokens(
    settings: GoogleSettings,
    code: DeviceCode,
    *,
    cancel: threading.Event | None = None,
    sleep: Sleep | None = None,
    clock: Clock | None = None,
    on_tick: Callable[[PollTick], None] | None = None,
    http: FormPoster | None = None,
) -> TokenSet:
    """Poll the token endpoint until the user approves (step 2); raises on any other end.

    ``sleep`` defaults to ``cancel.wait``, so setting ``cancel`` interrupts a wait
    at once; ``clock`` (default ``time.monotonic``) times the code's expiry.
    """
    client_id, client_secret = settings.require_client()
    cancel = cancel or threading.Event()
    sleep = sleep or cancel.wait
    clock = clock or time.monotonic
    http = http or FormPoster()
    form = {
        "grant_type": DEVICE_GRANT,
        "client_id": client_id,
        "client_secret": client_secret,
        "device_code": code.device_code,
    }
    deadline = clock() + code.seconds_left()
    interval = float(code.interval)
    polls = failures = 0
    while True:
        left = deadline - clock()
        if left <= 0:
            raise _expired()
        # RFC 8628 §3.5: back off on connection trouble (doubling), without slowing later polls.
        wait = min(interval * 2**failures, left)
        if on_tick is not None:
            on_tick(PollTick(polls=polls, wait=wait, seconds_left=left))
        _check(cancel)
        sleep(wait)
        _check(cancel)
        if clock() >= deadline:
            raise _expired()
        polls += 1
        try:
            reply = http.post(settings.token_url, form, setting=TOKEN_URL_SETTING)
        except Unavailable:
            failures += 1
            if failures >= MAX_NETWORK_FAILURES:
                raise
            continue
        failures = 0
        error = reply.error
        if error is None and reply.status == 200:
            return _token_set(reply)
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            interval += SLOW_DOWN_STEP
            continue
        if error == "access_denied":
            raise AccessDenied(
                "The sign-in was declined on Google's page; nothing was changed.",
                detail=reply.description,
            )
        if error in ("expired_token", "invalid_grant"):
            raise _expired(reply.description)
        raise _token_error(reply)


def refresh_access_token(
    settings: GoogleSettings, refresh_token: str, *, http: FormPoster | None = None
) -> TokenSet:
    """A new access token for ``refresh_token`` (``grant_type=refresh_token``)."""
    client_id, client_secret = settings.require_client()
    http = http or FormPoster()
    reply = http.post(
        settings.token_url,
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": client_secret,
        },
        setting=TOKEN_URL_SETTING,
    )
    if reply.error is None and reply.status == 200:
        return _token_set(reply)
    if reply.error == "invalid_grant":
        raise SignInAgain(
            "Google no longer accepts your sign-in (it was revoked or has expired); "
            "run `mediatrack login` to sign in again.",
            detail=reply.description,
        )
    raise _token_error(reply)


# --- helpers -----------------------------------------------------------------


def _check(cancel: threading.Event) -> None:
    if cancel.is_set():
        raise Cancelled("Sign-in cancelled.")


def _expired(detail: str | None = None) -> CodeExpired:
    return CodeExpired(
        "The sign-in code expired before it was approved; start the sign-in again for a new code.",
        detail=detail,
    )


def _client_error(reply: Reply) -> ClientRejected | None:
    if reply.error == "invalid_client":
        return ClientRejected(
            f"Google does not accept the configured OAuth client; check {CLIENT_ID_SETTING} "
            f"and {CLIENT_SECRET_SETTING}.",
            detail=reply.description,
        )
    if reply.error == "unauthorized_client":
        return ClientRejected(
            "Google does not allow this OAuth client to sign in from a device; use a client "
            f"of type 'TVs and Limited Input devices' in {CLIENT_ID_SETTING}.",
            detail=reply.description,
        )
    return None


def _device_error(reply: Reply) -> Exception:
    client = _client_error(reply)
    if client is not None:
        return client
    if reply.error == "rate_limit_exceeded":
        return Unavailable(
            "Google is handing out too many sign-in codes for this client right now; "
            "wait a minute and try again.",
            detail=reply.description,
        )
    return BadResponse(
        f"Google refused to start the sign-in ({reply.error}); try again later.",
        detail=reply.description,
    )


def _token_error(reply: Reply) -> Exception:
    client = _client_error(reply)
    if client is not None:
        return client
    what = reply.error or f"HTTP {reply.status}"
    return BadResponse(
        f"Google's token endpoint answered with an error ({what}); try again later.",
        detail=reply.description,
    )


def _token_set(reply: Reply) -> TokenSet:
    body = reply.body
    return TokenSet(
        access_token=_text(body, "access_token"),
        expires_in=_seconds(body, "expires_in", required=False),
        refresh_token=_optional_text(body, "refresh_token"),
        id_token=_optional_text(body, "id_token"),
        scope=_optional_text(body, "scope"),
        token_type=_optional_text(body, "token_type"),
    )


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise BadResponse(f"Google's reply lacks {key!r}; try again later.")
    return value


def _optional_text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    return value if isinstance(value, str) and value else None


def _seconds(body: dict[str, Any], key: str, *, required: bool = True) -> int | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise BadResponse(f"Google's reply has no usable {key!r}; try again later.")
    return int(value)
