"""An item's poster, cover or artwork, fetched in a worker and drawn with textual-image.

textual-image asks the terminal about its graphics when it is imported, by
writing escape sequences and reading stdin; once Textual runs, its input
thread owns stdin, so that probe would stall or eat a key. Here it is imported
on first use, in a worker, with stdout looking like no terminal (no probe), and
the cell size read with an ioctl; the mode comes from ``services.images``.
"""

from __future__ import annotations

import io
import sys
import threading
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import get_current_worker

from mediatrack.display.text import inert
from mediatrack.records import EntryKey

if TYPE_CHECKING:
    from mediatrack.services.images import Poster as Picture

_import_lock = threading.Lock()
REST = 0.25  # seconds an item stays shown before its picture is fetched: scrolling fetches none


def image_class(mode: str) -> Any:
    """textual-image's widget class for ``mode``, imported without probing the terminal."""
    with _import_lock:
        if "textual_image.widget" not in sys.modules:
            from textual_image import _terminal

            if not hasattr(_terminal.get_cell_size, "_result"):
                _terminal.get_cell_size._result = _cell_size()  # type: ignore[attr-defined]
            real = sys.__stdout__
            sys.__stdout__ = io.StringIO()  # type: ignore[misc,assignment]  # no tty: no probe
            try:
                import textual_image.widget  # noqa: F401
            finally:
                sys.__stdout__ = real  # type: ignore[misc]
    widgets = sys.modules["textual_image.widget"]
    if mode == "kitty":
        return widgets.TGPImage
    if mode == "sixel":
        return widgets.SixelImage
    return widgets.HalfcellImage


def _cell_size() -> Any:
    """The terminal's cell size in pixels (ioctl only), else the usual 10x20."""
    from textual_image._terminal import CellSize

    try:
        from textual_image._posix import get_tiocgwinsz

        rows, columns, width, height = get_tiocgwinsz()
        if rows and columns and width and height:
            return CellSize(width // columns, height // rows)
    except Exception:  # no terminal, or not a POSIX one
        pass
    return CellSize(10, 20)


class Poster(Widget):
    """Nothing until a picture arrives; then the picture, or one dim line why not."""

    DEFAULT_CSS = """
    Poster {
        display: none;
        height: auto;
        width: 1fr;
        &.-shown { display: block; }
        & > .poster-image { width: auto; height: 14; }
        & > .poster-note { color: $text-muted; height: 1; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.key: EntryKey | None = None
        self.fetches = 0  # look-ups started, for tests: a resting cursor starts one
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        return iter(())

    def show(self, key: EntryKey | None) -> None:
        """Show ``key``'s picture (a worker fetches it); None clears the poster."""
        if key == self.key:
            return
        self.key = key
        self.remove_class("-shown")
        self.remove_children()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if key is not None:
            self._timer = self.set_timer(REST, lambda: self._start(key))

    def _start(self, key: EntryKey) -> None:
        self._timer = None
        if key == self.key:
            self.fetches += 1
            self._load(key)

    def reload(self) -> None:
        """Fetch the current item's picture again (after a refresh or a setting change)."""
        key, self.key = self.key, None
        self.show(key)

    @work(thread=True, exclusive=True, group="poster", exit_on_error=False)
    def _load(self, key: EntryKey) -> None:
        from mediatrack.services.images import posters  # the store and Pillow: not at start-up

        worker = get_current_worker()
        service = posters(headless=self.app.is_headless)
        if not service.enabled:
            return
        picture = service.for_entry(key)
        if worker.is_cancelled or (picture.image is None and picture.note is None):
            return
        cls = image_class(service.mode) if picture.image is not None else None
        if not worker.is_cancelled:
            self.app.call_from_thread(self._put, key, picture, cls)

    def _put(self, key: EntryKey, picture: Picture, cls: Any) -> None:
        if key != self.key:
            return  # the cursor moved on meanwhile
        self.remove_children()
        self.add_class("-shown")
        if picture.image is not None and cls is not None:
            self.mount(cls(picture.image, classes="poster-image"))
        elif picture.note:
            self.mount(
                Static(
                    Text(inert(picture.note), no_wrap=True, overflow="ellipsis"),
                    classes="poster-note",
                )
            )
