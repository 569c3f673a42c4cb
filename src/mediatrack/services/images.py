"""Posters, covers and artwork for the detail views: which mode, the disk cache, decoding.

A picture is fetched once and kept in ``<cache dir>/images`` as a small PNG;
the folder is held under ``images.cache_mb`` by removing the least recently
shown files. A cached picture costs no request, and with ``images.show = off``
nothing is read or fetched at all. Whatever a server sends (not a picture, cut
short, huge), the answer is "no poster" with at most one sentence why.

Pillow is imported on first use, inside the worker that decodes.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mediatrack import config
from mediatrack.catalog.errors import CatalogError, NotFound
from mediatrack.catalog.images import ImageClient, ImageRef
from mediatrack.records import EntryKey
from mediatrack.store import queries
from mediatrack.store.db import connection

if TYPE_CHECKING:
    from PIL.Image import Image

log = logging.getLogger(__name__)

BOX = (342, 513)  # the largest picture kept: TMDB's w342 poster
MAX_PIXELS = 40_000_000  # a bigger picture is refused before it is decoded
MB = 1024 * 1024


# --- which mode ---------------------------------------------------------------------


def detect_mode(environ: Mapping[str, str], is_tty: bool) -> str:
    """The best picture mode the terminal announces, from its environment alone.

    Asking the terminal (escape sequences) would race Textual for stdin, so only
    what terminals set is read: Kitty and Ghostty speak the Kitty protocol,
    WezTerm, foot, mlterm, Konsole and iTerm2 speak Sixel, tmux and the rest get
    half-blocks, and a terminal without colour (or no terminal) gets nothing.
    """
    term = environ.get("TERM", "")
    program = environ.get("TERM_PROGRAM", "")
    if not is_tty or term in ("", "dumb") or environ.get("NO_COLOR"):
        return "off"
    if environ.get("TMUX") or term.startswith(("tmux", "screen")):
        return "halfblocks"
    if term == "xterm-kitty" or environ.get("KITTY_WINDOW_ID") or program == "ghostty":
        return "kitty"
    if (
        program in ("WezTerm", "iTerm.app", "mlterm")
        or term.startswith(("foot", "mlterm", "wezterm"))
        or environ.get("KONSOLE_VERSION")
    ):
        return "sixel"
    return "halfblocks"


def image_mode(settings: config.Config | None = None, *, headless: bool = False) -> str:
    """``images.show`` resolved: "off", "halfblocks", "kitty" or "sixel".

    A headless app (tests, snapshots) has no terminal to ask: "auto" is "off" there.
    """
    import sys

    settings = settings or config.load()
    chosen = (settings.get("images.show") or "auto").strip().lower()
    if chosen in ("auto", "on"):
        if headless:
            return "off"
        stdout = sys.__stdout__
        return detect_mode(os.environ, bool(stdout and stdout.isatty()))
    return chosen if chosen in config.IMAGE_MODES else "off"


# --- the disk cache -------------------------------------------------------------------


class ImageCache:
    """Files named by the hash of their URL; least recently used ones go past ``max_bytes``."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def path(self, url: str) -> Path:
        return self.folder / (hashlib.sha256(url.encode()).hexdigest() + ".png")

    def get(self, url: str) -> bytes | None:
        path = self.path(url)
        try:
            data = path.read_bytes()
            os.utime(path)  # recently used: evicted last
        except OSError:
            return None
        return data

    def put(self, url: str, data: bytes) -> None:
        """Keep ``data``; a cache that cannot be written is only logged."""
        path = self.path(url)
        with self._lock:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                partial = path.with_suffix(f".{threading.get_ident()}.part")
                partial.write_bytes(data)
                partial.replace(path)
                self._evict()
            except OSError as error:
                log.warning("mediatrack could not keep a poster in %s: %s", self.folder, error)

    def size(self) -> int:
        return sum(size for _, size, _ in self._files())

    def _files(self) -> list[tuple[float, int, Path]]:
        found = []
        for entry in os.scandir(self.folder):
            if entry.name.endswith(".png"):
                try:
                    stat = entry.stat()
                except OSError:
                    continue
                found.append((stat.st_mtime, stat.st_size, Path(entry.path)))
        return found

    def _evict(self) -> None:
        files = sorted(self._files())
        total = sum(size for _, size, _ in files)
        for _, size, path in files:
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size


# --- posters ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Poster:
    """A decoded picture, or none and (at most) one sentence why."""

    image: Image | None = None
    note: str | None = None


class Posters:
    """Pictures for library items: the setting, then the cache, then the network."""

    def __init__(self, client: ImageClient, cache: ImageCache, mode: str) -> None:
        self.client = client
        self.cache = cache
        self.mode = mode

    @property
    def enabled(self) -> bool:
        return self.mode != "off"

    def for_entry(self, key: EntryKey) -> Poster:
        """The item's picture (runs in a worker: may read the disk and the network)."""
        if not self.enabled:
            return Poster()
        with connection():
            ref = queries.image_ref(key)
        return self.picture(ImageRef(key.kind, ref)) if ref else Poster()

    def picture(self, image: ImageRef) -> Poster:
        url = self.client.url(image)
        if url is None or not self.enabled:
            return Poster()
        cached = self.cache.get(url)
        if cached is not None:
            try:
                return Poster(_decode(cached))
            except ValueError:
                pass  # a damaged file: fetch it again
        try:
            data = self.client.fetch(url)
        except NotFound:
            return Poster()
        except CatalogError as error:
            return Poster(note=str(error))
        try:
            picture = _decode(data)
        except ValueError as error:
            return Poster(note=str(error))
        self.cache.put(url, _png(picture))
        return Poster(picture)


def _decode(data: bytes) -> Image:
    """Pixels no bigger than ``BOX``; ``ValueError`` (one sentence) for anything unreadable."""
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    try:
        with PILImage.open(io.BytesIO(data)) as opened:
            width, height = opened.size
            if width * height > MAX_PIXELS or width > 20_000 or height > 20_000:
                raise ValueError(f"The picture is too large to show ({width}x{height}).")
            opened.draft("RGB", BOX)  # JPEG decodes at a fraction of its size
            picture = opened.convert("RGB")
    except PILImage.DecompressionBombError:
        raise ValueError("The picture is too large to show.") from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValueError("The picture cannot be read (damaged or cut short).") from None
    picture.thumbnail(BOX)
    return picture


def _png(picture: Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=False)
    return out.getvalue()


_shared: tuple[tuple[Any, ...], Posters] | None = None
_shared_lock = threading.Lock()


def posters(*, headless: bool = False) -> Posters:
    """The posters service for the current settings (built again when they change)."""
    global _shared
    settings = config.load()
    mode = image_mode(settings, headless=headless)
    url = settings.get("tmdb.image_url") or "https://image.tmdb.org/t/p"
    megabytes = settings.get("images.cache_mb") or "100"
    limit = int(megabytes) * MB if megabytes.isdigit() else 100 * MB
    folder = config.cache_dir() / "images"
    wanted = (mode, url, limit, folder)
    with _shared_lock:
        if _shared is None or _shared[0] != wanted:
            _shared = (wanted, Posters(ImageClient(url), ImageCache(folder, limit), mode))
        return _shared[1]
