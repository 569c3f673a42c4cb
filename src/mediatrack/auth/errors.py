"""What can go wrong while signing in, as one small hierarchy.

Every error's ``str()`` is one sentence for the user; ``detail`` keeps the
server's own words (never a token) for logs and ``--verbose``.
"""

from __future__ import annotations

from mediatrack.errors import MediatrackError


class AuthError(MediatrackError):
    """Signing in (or refreshing the sign-in) failed; ``str(error)`` is the sentence to show."""

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class SignInNotConfigured(AuthError):
    """A setting the sign-in needs is missing or unusable; the message names it."""

    def __init__(self, message: str, *, setting: str, detail: str | None = None) -> None:
        super().__init__(message, detail=detail)
        self.setting = setting


NotConfigured = SignInNotConfigured  # the older name, for code written before the rename


class ClientRejected(AuthError):
    """Google refused the configured client id or secret."""


class Unavailable(AuthError):
    """Google could not be asked: a server error, or (``NetworkDown``) no connection."""


class NetworkDown(Unavailable):
    """Google cannot be reached: offline, DNS, refused connection or a timeout."""


class BadResponse(AuthError):
    """Google answered with something we cannot use: not JSON, a missing field, an unknown error."""


class AccessDenied(AuthError):
    """The user declined the sign-in on Google's page."""


class CodeExpired(AuthError):
    """The user code expired (or was already used) before the sign-in was approved."""


class Cancelled(AuthError):
    """The user cancelled the sign-in."""


class TokenRejected(AuthError):
    """The id_token failed verification; ``reason`` is the one check that failed."""

    def __init__(self, message: str, *, reason: str, detail: str | None = None) -> None:
        super().__init__(message, detail=detail)
        self.reason = reason  # "signature", "audience", "issuer", "expired", "not_yet_valid"...


class SignInAgain(AuthError):
    """The stored sign-in can no longer be used (refresh token revoked or expired, or missing)."""


class NotLoggedIn(AuthError):
    """An action needs a Google sign-in and there is none."""
