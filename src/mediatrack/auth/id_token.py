"""Checking the id_token Google returns: RS256 signature against Google's JWKS, iss, aud, exp.

A token that fails any check raises ``TokenRejected`` with one sentence; a token
that looks expired or not yet valid right after Google issued it points at the
computer's clock, and the message says so.

PyJWT is imported on first use. JWKS clients are kept per URL, so the key set is
fetched once and reused (``forget_jwks_clients`` drops them).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mediatrack import __version__
from mediatrack.auth.errors import BadResponse, NetworkDown, TokenRejected
from mediatrack.auth.settings import CLIENT_ID_SETTING

if TYPE_CHECKING:
    from jwt import PyJWKClient

ISSUERS = ("accounts.google.com", "https://accounts.google.com")
ALGORITHM = "RS256"
LEEWAY = 60  # seconds of clock difference tolerated on exp and iat
JWKS_LIFESPAN = 3600  # seconds the fetched key set is trusted before it is fetched again
REQUIRED_CLAIMS = ("iss", "aud", "sub", "exp", "iat")

_clients: dict[str, PyJWKClient] = {}
_clients_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class GoogleIdentity:
    """Who signed in, from a verified id_token."""

    sub: str
    email: str
    email_verified: bool
    name: str | None
    picture: str | None


def jwks_client(url: str) -> PyJWKClient:
    """The cached JWKS client for ``url``."""
    from jwt import PyJWKClient

    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = PyJWKClient(
                url,
                cache_jwk_set=True,
                lifespan=JWKS_LIFESPAN,
                headers={"User-Agent": f"mediatrack/{__version__}"},
                timeout=10,
            )
            _clients[url] = client
        return client


def forget_jwks_clients() -> None:
    """Drop every cached key set (after a key rotation, or between tests)."""
    with _clients_lock:
        _clients.clear()


def verify_id_token(
    token: str, *, client_id: str, jwks_url: str, leeway: float = LEEWAY
) -> GoogleIdentity:
    """Verify ``token`` and return who it names, or raise ``TokenRejected``."""
    import jwt

    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise _rejected("malformed", "Google's sign-in token is not a valid JWT") from None
    algorithm = header.get("alg")
    if algorithm != ALGORITHM:
        raise _rejected(
            "algorithm", f"Google's sign-in token is signed with {algorithm!r}, not RS256"
        )
    key = _signing_key(token, jwks_url)
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[ALGORITHM],
            audience=client_id,
            issuer=ISSUERS,
            leeway=leeway,
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except jwt.InvalidSignatureError:
        raise _rejected(
            "signature", "Google's sign-in token has a signature that Google's keys do not match"
        ) from None
    except jwt.ExpiredSignatureError:
        raise _clock_error(token, "expired") from None
    except jwt.ImmatureSignatureError:
        raise _clock_error(token, "not_yet_valid") from None
    except jwt.InvalidAudienceError:
        raise _rejected(
            "audience",
            f"The sign-in token was issued to another app, not to the client id in "
            f"{CLIENT_ID_SETTING}",
        ) from None
    except jwt.InvalidIssuerError:
        raise _rejected("issuer", "The sign-in token was not issued by Google") from None
    except jwt.MissingRequiredClaimError as exc:
        raise _rejected(
            "missing_claim", f"The sign-in token lacks its {exc.claim!r} claim"
        ) from None
    except jwt.PyJWTError as exc:
        raise _rejected(
            "malformed", "Google's sign-in token is not valid", detail=type(exc).__name__
        ) from None
    return _identity(claims)


def _signing_key(token: str, jwks_url: str) -> Any:
    import jwt

    host = urlsplit(jwks_url).netloc or jwks_url
    try:
        return jwks_client(jwks_url).get_signing_key_from_jwt(token)
    except jwt.PyJWKClientConnectionError as exc:
        raise NetworkDown(
            f"Cannot fetch Google's signing keys ({host}); check your network connection.",
            detail=str(exc),
        ) from None
    except (jwt.PyJWKSetError, ValueError) as exc:
        raise BadResponse(
            f"Google's signing keys ({host}) could not be read; try again later.",
            detail=str(exc),
        ) from None
    except jwt.PyJWKClientError:
        raise _rejected(
            "unknown_key", "The sign-in token is signed with a key Google does not publish"
        ) from None
    except jwt.PyJWTError as exc:
        raise _rejected(
            "malformed", "Google's sign-in token is not valid", detail=type(exc).__name__
        ) from None


def _rejected(reason: str, why: str, detail: str | None = None) -> TokenRejected:
    return TokenRejected(f"{why}; the sign-in was refused.", reason=reason, detail=detail)


def _clock_error(token: str, reason: str) -> TokenRejected:
    """Google just issued this token, so "expired" or "not yet valid" means our clock is off."""
    import jwt

    claims = jwt.decode(token, options={"verify_signature": False})
    now = time.time()
    if reason == "expired":
        gap = now - float(claims.get("exp", now))
        what = f"looks expired by {_duration(gap)}"
    else:
        gap = max(float(claims.get("iat", now)), float(claims.get("nbf", now))) - now
        what = f"looks issued {_duration(gap)} in the future"
    return TokenRejected(
        f"Google's sign-in token {what}: your computer's clock looks wrong; set it right "
        "and sign in again.",
        reason=reason,
    )


def _duration(seconds: float) -> str:
    seconds = abs(seconds)
    if seconds < 120:
        return f"{round(seconds)} seconds"
    if seconds < 7200:
        return f"{round(seconds / 60)} minutes"
    return f"{round(seconds / 3600)} hours"


def _identity(claims: dict[str, Any]) -> GoogleIdentity:
    sub, email = claims.get("sub"), claims.get("email")
    if not isinstance(sub, str) or not sub:
        raise _rejected("missing_claim", "The sign-in token names no Google account ('sub')")
    if not isinstance(email, str) or not email:
        raise _rejected(
            "missing_claim", "The sign-in token carries no email address (scope 'email' missing)"
        )
    verified = claims.get("email_verified")
    if isinstance(verified, str):  # older tokens say "true"
        verified = verified.lower() == "true"
    name, picture = claims.get("name"), claims.get("picture")
    return GoogleIdentity(
        sub=sub,
        email=email,
        email_verified=verified is True,
        name=name if isinstance(name, str) and name else None,
        picture=picture if isinstance(picture, str) and picture else None,
    )
