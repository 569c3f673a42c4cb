"""What several screens share: errors as sentences, and a palette of the screen's own commands."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider


def error_sentence(error: BaseException | None) -> str:
    """What a failed worker tells the user: our errors are sentences already."""
    from mediatrack.catalog.errors import CatalogError
    from mediatrack.config import ConfigError
    from mediatrack.services.library import LibraryError

    if isinstance(error, LibraryError | CatalogError | ConfigError):
        return str(error)
    return f"That did not work: {error}."


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
