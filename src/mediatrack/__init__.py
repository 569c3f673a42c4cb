"""mediatrack: track what you watch, read and listen to, from the terminal."""

__version__ = "0.1.0"
