"""What several screens share: failed workers, and a palette of the screen's own commands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider

from mediatrack.errors import MediatrackError, unexpected_sentence

if TYPE_CHECKING:
    from textual.worker import Worker

    from mediatrack.app import MediaTrackApp
    from mediatrack.records import LibraryEntry


def open_detail(app: App[None], entry: LibraryEntry) -> None:
    """Push the item's own screen: seasons for a show, the feed for a podcast, else the
    record. Imported when first opened: start-up does not pay for them."""
    from mediatrack.kinds import Kind

    if entry.kind is Kind.TV:
        from mediatrack.screens.show_detail import ShowDetailScreen

        app.push_screen(ShowDetailScreen(entry))
    elif entry.kind is Kind.PODCAST:
        from mediatrack.screens.podcast_detail import PodcastDetailScreen

        app.push_screen(PodcastDetailScreen(entry))
    else:
        from mediatrack.screens.item_detail import ItemDetailScreen

        app.push_screen(ItemDetailScreen(entry))


def error_sentence(error: BaseException | None) -> str:
    """What a failure tells the user: our errors are sentences already.

    Failed workers need not call this: the app's one handler does (and logs the unexpected).
    """
    if isinstance(error, MediatrackError):
        return str(error)
    return unexpected_sentence(error)


class WorkerErrors:
    """Mixed into every screen that runs workers: their failures go to the app's one handler.

    ``MediaTrackApp.worker_error`` turns the error into a sentence (and logs one
    nobody expected), then calls ``worker_failed`` on the screen that ran the
    worker: the screen stops its spinner or resets its flags, and answers True
    when it showed the sentence itself, False for a notification.
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        from textual.worker import WorkerState

        if event.state is WorkerState.ERROR:
            app: MediaTrackApp = self.app  # type: ignore[attr-defined]
            app.worker_error(event.worker)

    def worker_failed(self, worker: Worker, sentence: str) -> bool:
        return False


class ReadsAgainWhenChanged:
    """Mixed into a mode's screen that shows what it read from the library (Up Next, the
    Calendar): a change read again at once while the screen is shown, else when it is shown
    again. The screen sets ``loaded`` once its first read is on screen, and subscribes
    ``_library_changed`` to ``app.library_changed``."""

    loaded = False
    _stale = False

    def load(self) -> object:
        raise NotImplementedError

    def _library_changed(self, _: None = None) -> None:
        if self.is_current and self.loaded:  # type: ignore[attr-defined]
            self.load()
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale and self.loaded:
            self._stale = False
            self.load()


class ScreenCommands(Provider):
    """Offers the active screen's ``palette_commands()`` by name (ctrl+p)."""

    def _commands(self) -> list[SystemCommand]:
        commands: Iterable[SystemCommand] = getattr(self.screen, "palette_commands", list)()
        return list(commands)

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    command.callback,
                    help=command.help,
                )
