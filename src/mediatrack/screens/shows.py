"""Your TV shows."""

from mediatrack.kinds import Kind
from mediatrack.screens.library import LibraryScreen


class ShowsScreen(LibraryScreen):
    KIND = Kind.TV
