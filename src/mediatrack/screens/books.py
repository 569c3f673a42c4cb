"""Your books."""

from mediatrack.kinds import Kind
from mediatrack.screens.library import LibraryScreen


class BooksScreen(LibraryScreen):
    KIND = Kind.BOOK
