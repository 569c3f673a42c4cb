"""Posters, covers and artwork: where they live, and their bytes, read with a hard size cap.

TMDB stores a poster as a path (``/abc.jpg``) under its image server; Google
Books and iTunes give whole URLs. Bodies are read as a stream and refused past
``MAX_BYTES`` (a poster is some 50 kB), or when they are not an image at all;
every failure is a ``CatalogError`` with one sentence. Nothing here decodes pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mediatrack.catalog.errors import BadResponse, CatalogError
from mediatrack.catalog.http import HttpOptions, Provider, build_session
from mediatrack.kinds import Kind

if TYPE_CHECKING:
    import requests

DEFAULT_URL = "https://image.tmdb.org/t/p"
POSTER_SIZE = "w342"  # TMDB's width for a poster; enough for a terminal pane
MAX_BYTES = 5 * 1024 * 1024
PROVIDER = Provider(
    name="The image server",
    auth_hint="posters need no credentials",
    url_setting="MEDIATRACK_TMDB_IMAGE_URL",
)
# The first bytes of the formats catalogs send (JPEG, PNG, GIF, WebP).
_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"RIFF")


@dataclass(frozen=True, slots=True)
class ImageRef:
    """What the library stores for an item's picture, and which catalog it came from."""

    kind: Kind
    ref: str


class ImageClient:
    """Fetches pictures; one session (retries, timeouts, no HTTP cache: the caller keeps files)."""

    def __init__(
        self,
        tmdb_image_url: str = DEFAULT_URL,
        *,
        options: HttpOptions | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.tmdb_image_url = tmdb_image_url.rstrip("/")
        self.options = options or HttpOptions()
        self._session = session

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            from dataclasses import replace

            self._session = build_session(replace(self.options, cache=False))
        return self._session

    def url(self, image: ImageRef) -> str | None:
        """The address of ``image``; None when the stored reference is not one."""
        ref = image.ref.strip()
        if image.kind in (Kind.TV, Kind.MOVIE):
            if not ref.startswith("/") or any(c.isspace() for c in ref) or len(ref) > 200:
                return None
            return f"{self.tmdb_image_url}/{POSTER_SIZE}{ref}"
        if ref.startswith("http://books.google."):  # Google lists covers over plain http
            ref = "https://" + ref.removeprefix("http://")
        if not ref.startswith(("http://", "https://")) or len(ref) > 2000:
            return None
        return ref

    def fetch(self, url: str) -> bytes:
        """The picture's bytes, or a ``CatalogError`` (404, too large, not an image...)."""
        from mediatrack.catalog import http

        response = http._get(self.session, url, None, PROVIDER, None, False, "image/*", stream=True)
        try:
            http._raise_for_status(response, PROVIDER, "such picture")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > MAX_BYTES:
                raise _too_large()
            body = bytearray()
            try:
                for chunk in response.iter_content(64 * 1024):
                    body += chunk
                    if len(body) > MAX_BYTES:
                        raise _too_large()
            except OSError as error:  # the connection dropped halfway
                raise BadResponse(
                    "The image server stopped sending a picture halfway.",
                    provider=PROVIDER.name,
                    detail=str(error),
                ) from None
            except Exception as error:  # requests' ChunkedEncodingError and kin
                if isinstance(error, CatalogError):
                    raise
                raise BadResponse(
                    "The image server stopped sending a picture halfway.",
                    provider=PROVIDER.name,
                    detail=str(error),
                ) from None
        finally:
            response.close()
        if not bytes(body[:12]).startswith(_SIGNATURES):
            raise BadResponse(
                "The image server sent something that is not a picture.", provider=PROVIDER.name
            )
        return bytes(body)


def _too_large() -> BadResponse:
    return BadResponse(
        f"The image server sent a picture over {MAX_BYTES // (1024 * 1024)} MB; it is left out.",
        provider=PROVIDER.name,
    )
