"""Your movies."""

from mediatrack.kinds import Kind
from mediatrack.screens.library import LibraryScreen


class MoviesScreen(LibraryScreen):
    KIND = Kind.MOVIE
