"""Your podcasts."""

from mediatrack.kinds import Kind
from mediatrack.screens.library import LibraryScreen


class PodcastsScreen(LibraryScreen):
    KIND = Kind.PODCAST
