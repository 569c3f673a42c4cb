"""Metadata providers over HTTP (TMDB, Google Books, iTunes). Never touches the store."""
