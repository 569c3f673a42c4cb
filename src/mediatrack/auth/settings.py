"""The Google OAuth client and endpoints, from the config.

No client id or secret is written in code: they come from ``google.client_id``
and ``google.client_secret`` in ``mediatrack.config`` (the environment's
``MEDIATRACK_GOOGLE_CLIENT_ID`` / ``_SECRET``, then ``config.toml``, then the
keyring for the secret). Every endpoint is configurable so tests point the real
client at a local server.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from mediatrack import config
from mediatrack.auth.errors import SignInNotConfigured

CLIENT_ID_SETTING = "MEDIATRACK_GOOGLE_CLIENT_ID"
CLIENT_SECRET_SETTING = "MEDIATRACK_GOOGLE_CLIENT_SECRET"
DEVICE_URL_SETTING = "MEDIATRACK_GOOGLE_DEVICE_URL"
TOKEN_URL_SETTING = "MEDIATRACK_GOOGLE_TOKEN_URL"
JWKS_URL_SETTING = "MEDIATRACK_GOOGLE_JWKS_URL"

DEFAULT_DEVICE_URL = "https://oauth2.googleapis.com/device/code"
DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token"
DEFAULT_JWKS_URL = "https://www.googleapis.com/oauth2/v3/certs"

SCOPE = "openid email profile"


@dataclass(frozen=True, slots=True)
class GoogleSettings:
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    device_url: str = DEFAULT_DEVICE_URL
    token_url: str = DEFAULT_TOKEN_URL
    jwks_url: str = DEFAULT_JWKS_URL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> GoogleSettings:
        """Read the ``MEDIATRACK_GOOGLE_*`` variables; unset or empty ones keep the defaults."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        return cls(
            client_id=get(CLIENT_ID_SETTING),
            client_secret=get(CLIENT_SECRET_SETTING),
            device_url=get(DEVICE_URL_SETTING) or DEFAULT_DEVICE_URL,
            token_url=get(TOKEN_URL_SETTING) or DEFAULT_TOKEN_URL,
            jwks_url=get(JWKS_URL_SETTING) or DEFAULT_JWKS_URL,
        )

    @classmethod
    def from_config(cls, settings: config.Config | None = None) -> GoogleSettings:
        """Read the settings: environment, then ``config.toml``, then the keyring.

        Raises ``config.ConfigError`` when the file or the keyring cannot be read.
        """
        get = (settings or config.load()).get
        return cls(
            client_id=get("google.client_id"),
            client_secret=get("google.client_secret"),
            device_url=get("google.device_url") or DEFAULT_DEVICE_URL,
            token_url=get("google.token_url") or DEFAULT_TOKEN_URL,
            jwks_url=get("google.jwks_url") or DEFAULT_JWKS_URL,
        )

    def require_client(self) -> tuple[str, str]:
        """``(client_id, client_secret)``, or ``SignInNotConfigured`` naming the missing setting."""
        if not self.client_id:
            raise SignInNotConfigured(
                "No Google client id is configured; run `mediatrack config set google.client_id` "
                "with the id of an OAuth client of type 'TVs and Limited Input devices' "
                f"(or set {CLIENT_ID_SETTING}).",
                setting=CLIENT_ID_SETTING,
            )
        if not self.client_secret:
            raise SignInNotConfigured(
                "No Google client secret is configured; run `mediatrack config set "
                "google.client_secret` with the secret of that OAuth client "
                f"(or set {CLIENT_SECRET_SETTING}).",
                setting=CLIENT_SECRET_SETTING,
            )
        return self.client_id, self.client_secret
