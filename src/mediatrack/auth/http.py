"""POSTing forms to Google's OAuth endpoints: timeouts, no retries, errors as sentences.

requests is imported on first use, so importing ``mediatrack.auth`` stays cheap.
Form values (codes, secrets, tokens) never appear in an error: only the host does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mediatrack import __version__
from mediatrack.auth.errors import BadResponse, NetworkDown, SignInNotConfigured, Unavailable

if TYPE_CHECKING:
    import requests

USER_AGENT = f"mediatrack/{__version__}"


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer from an OAuth endpoint: its status and decoded JSON object."""

    status: int
    body: dict[str, Any]

    @property
    def error(self) -> str | None:
        """The OAuth ``error`` code (Google's device endpoint says ``error_code``)."""
        value = self.body.get("error") or self.body.get("error_code")
        return value if isinstance(value, str) else None

    @property
    def description(self) -> str | None:
        value = self.body.get("error_description")
        return value if isinstance(value, str) else None


@dataclass
class FormPoster:
    """One ``requests.Session`` (made on first use) with a timeout on every call."""

    timeout: tuple[float, float] = (3.05, 10.0)  # (connect, read) seconds
    _session: requests.Session | None = field(default=None, init=False, repr=False)

    def post(self, url: str, form: Mapping[str, str], *, setting: str) -> Reply:
        """POST ``form`` to ``url``; ``setting`` names the variable holding the URL, for errors."""
        import requests

        if self._session is None:
            self._session = requests.Session()
            self._session.headers["User-Agent"] = USER_AGENT
        host = urlsplit(url).netloc or url
        try:
            response = self._session.post(
                url, data=dict(form), headers={"Accept": "application/json"}, timeout=self.timeout
            )
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema) as exc:
            raise SignInNotConfigured(
                f"The Google address {url!r} is not a valid URL; check {setting}.",
                setting=setting,
                detail=type(exc).__name__,
            ) from None
        except requests.exceptions.Timeout:
            raise NetworkDown(
                f"Google ({host}) did not answer in time; check your network connection "
                "and try again.",
            ) from None
        except requests.exceptions.ConnectionError:
            raise NetworkDown(
                f"Cannot reach Google ({host}); check your network connection."
            ) from None
        except requests.exceptions.RequestException as exc:
            raise NetworkDown(
                f"The request to Google ({host}) failed; try again later.",
                detail=type(exc).__name__,
            ) from None
        return _reply(response, host)

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None


def _reply(response: requests.Response, host: str) -> Reply:
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        if status >= 500:
            raise Unavailable(
                f"Google ({host}) is having trouble (HTTP {status}); try again later."
            )
        raise BadResponse(
            f"Google ({host}) sent a reply mediatrack cannot read (HTTP {status}); "
            "try again later.",
            detail=response.text[:200],
        )
    reply = Reply(status, body)
    if status >= 500 and reply.error is None:
        raise Unavailable(f"Google ({host}) is having trouble (HTTP {status}); try again later.")
    return reply
