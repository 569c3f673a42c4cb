"""A local stand-in for Google's OAuth endpoints, used by the auth tests.

``FakeGoogle`` registers on a pytest-httpserver: a device-code endpoint, a token
endpoint that answers from a scripted list of (status, body) replies (and
records every form it receives), and a JWKS URL publishing the public half of a
test RSA key made here. ``id_token()`` signs tokens with that key (or another).
The bodies come from ``tests/fixtures/google_oauth/`` (see SOURCES.md).

Also: ``FakeClock`` (a clock and a sleep that only move time and record the
waits) and ``memory_keyring()`` (an in-memory keyring backend, restoring the
previous one afterwards).
"""

from __future__ import annotations

import copy
import functools
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jwt
import keyring
from cryptography.hazmat.primitives.asymmetric import rsa
from keyring.backend import KeyringBackend
from keyring.errors import NoKeyringError, PasswordDeleteError
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from mediatrack.auth.id_token import forget_jwks_clients
from mediatrack.auth.settings import GoogleSettings

FIXTURES = Path(__file__).parent / "fixtures" / "google_oauth"
CLIENT_ID = "1234987819200.apps.googleusercontent.com"  # the aud of the fixture claims
CLIENT_SECRET = "test-client-secret-not-real"
SUB = "10769150350006150715113082367"

Reply = tuple[int, dict[str, Any] | str]  # a str body is sent as is, not as JSON


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


PENDING: Reply = (428, fixture("token_error_428_authorization_pending.json"))
SLOW_DOWN: Reply = (403, fixture("token_error_403_slow_down.json"))
ACCESS_DENIED: Reply = (403, fixture("token_error_403_access_denied.json"))
EXPIRED_TOKEN: Reply = (400, fixture("token_error_400_expired_token.json"))
INVALID_GRANT: Reply = (400, fixture("token_error_400_invalid_grant_refresh_revoked.json"))


@functools.cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """A 2048-bit test key per name ("google", "attacker"), made once per test run."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeGoogle:
    """Google's device flow endpoints, played on ``server``."""

    def __init__(self, server: HTTPServer) -> None:
        forget_jwks_clients()
        self.server = server
        self.key = rsa_key("google")
        self.kid = "test-" + uuid.uuid4().hex[:12]
        self.token_script: list[Reply] = []
        self.token_forms: list[dict[str, str]] = []
        self.device_forms: list[dict[str, str]] = []
        self.device_reply: Reply = (200, fixture("device_code_response.json"))
        # A fresh JWKS path per instance: no cached key set can leak between tests.
        self.jwks_path = f"/oauth2/v3/certs/{uuid.uuid4().hex[:8]}"
        self.jwks: dict[str, Any] = {"keys": [self.public_jwk(self.key, self.kid)]}
        server.expect_request("/device/code", method="POST").respond_with_handler(self._device)
        server.expect_request("/token", method="POST").respond_with_handler(self._token)
        server.expect_request(self.jwks_path, method="GET").respond_with_handler(self._certs)

    # --- configuration -------------------------------------------------------

    def settings(self, **overrides: str) -> GoogleSettings:
        values = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "device_url": self.server.url_for("/device/code"),
            "token_url": self.server.url_for("/token"),
            "jwks_url": self.server.url_for(self.jwks_path),
            **overrides,
        }
        return GoogleSettings(**values)

    def environ(self) -> dict[str, str]:
        """The ``MEDIATRACK_GOOGLE_*`` variables pointing at this server."""
        settings = self.settings()
        return {
            "MEDIATRACK_GOOGLE_CLIENT_ID": CLIENT_ID,
            "MEDIATRACK_GOOGLE_CLIENT_SECRET": CLIENT_SECRET,
            "MEDIATRACK_GOOGLE_DEVICE_URL": settings.device_url,
            "MEDIATRACK_GOOGLE_TOKEN_URL": settings.token_url,
            "MEDIATRACK_GOOGLE_JWKS_URL": settings.jwks_url,
        }

    @staticmethod
    def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}

    # --- tokens --------------------------------------------------------------

    def claims(self, **overrides: Any) -> dict[str, Any]:
        """The fixture's claims, issued now to ``CLIENT_ID``; ``None`` values drop a claim."""
        now = int(time.time())
        claims = {**fixture("id_token_claims.json"), "iat": now, "exp": now + 3600}
        claims.update(overrides)
        return {key: value for key, value in claims.items() if value is not None}

    def id_token(
        self,
        *,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        algorithm: str = "RS256",
        **claims: Any,
    ) -> str:
        signing_key: Any = key or self.key
        if algorithm.startswith("HS"):
            signing_key = "a-shared-secret-that-is-long-enough-for-hs256"
        return jwt.encode(
            self.claims(**claims),
            signing_key,
            algorithm=algorithm,
            headers={"kid": kid or self.kid},
        )

    def success(self, id_token: str | None = None, **body: Any) -> Reply:
        """A token answer: the docs sample plus an id_token signed by this server."""
        reply = {**fixture("token_success.json"), "id_token": id_token or self.id_token()}
        return (200, {**reply, **body})

    def script(self, *replies: Reply) -> None:
        self.token_script.extend(copy.deepcopy(list(replies)))

    # --- handlers ------------------------------------------------------------

    def _device(self, request: Request) -> Response:
        self.device_forms.append(dict(request.form))
        status, body = self.device_reply
        return _json(status, body)

    def _token(self, request: Request) -> Response:
        self.token_forms.append(dict(request.form))
        if not self.token_script:
            return _json(500, {"error": "test_script_exhausted"})
        status, body = self.token_script.pop(0)
        return _json(status, body)

    def _certs(self, request: Request) -> Response:
        return _json(200, self.jwks)

    @property
    def jwks_fetches(self) -> int:
        return sum(1 for request, _ in self.server.log if request.path == self.jwks_path)


def _json(status: int, body: dict[str, Any] | str) -> Response:
    if isinstance(body, str):
        return Response(body, status=status, content_type="text/html")
    return Response(json.dumps(body), status=status, content_type="application/json")


class FakeClock:
    """A monotonic clock that moves only when ``sleep`` is called; ``sleeps`` records the waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in a dict: ``entries[(service, username)] = password``."""

    priority = -10  # type: ignore[assignment]  # below fail.Keyring: never chosen on its own

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class NoKeyring(KeyringBackend):
    """A backend that looks present but raises ``NoKeyringError`` on use, like a broken one."""

    priority = -10  # type: ignore[assignment]

    def get_password(self, service: str, username: str, *args: Any) -> str | None:
        raise NoKeyringError("No recommended backend was available.")

    set_password = delete_password = get_password  # type: ignore[assignment]


@contextmanager
def installed_keyring(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    """Use ``backend`` as the keyring inside the block, then put the previous one back."""
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
