"""Base URLs and credentials of the catalogs, from the config, and the clients built from them.

Every base URL is configurable so tests (and mirrors) can point the real
clients at another server. No key or secret is written in code: credentials
come from ``mediatrack.config`` (environment, then ``config.toml``, then the
keyring), or from the environment alone with ``from_env``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from mediatrack import config
from mediatrack.catalog import google_books, itunes, tmdb
from mediatrack.catalog.feeds import FeedClient
from mediatrack.catalog.google_books import GoogleBooksClient
from mediatrack.catalog.http import HttpOptions
from mediatrack.catalog.itunes import ItunesClient
from mediatrack.catalog.tmdb import TmdbClient


@dataclass(frozen=True, slots=True)
class CatalogSettings:
    tmdb_url: str = tmdb.DEFAULT_URL
    tmdb_token: str | None = field(default=None, repr=False)  # v4 read access token
    tmdb_api_key: str | None = field(default=None, repr=False)  # v3 API key
    google_books_url: str = google_books.DEFAULT_URL
    google_books_key: str | None = field(default=None, repr=False)
    google_books_country: str | None = None  # two-letter code, when Google cannot geolocate
    itunes_url: str = itunes.DEFAULT_URL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CatalogSettings:
        """Read ``MEDIATRACK_*`` variables; unset or empty ones keep the defaults."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        return cls(
            tmdb_url=get("MEDIATRACK_TMDB_URL") or tmdb.DEFAULT_URL,
            tmdb_token=get("MEDIATRACK_TMDB_TOKEN"),
            tmdb_api_key=get("MEDIATRACK_TMDB_API_KEY"),
            google_books_url=get("MEDIATRACK_GOOGLE_BOOKS_URL") or google_books.DEFAULT_URL,
            google_books_key=get("MEDIATRACK_GOOGLE_BOOKS_KEY"),
            google_books_country=get("MEDIATRACK_GOOGLE_BOOKS_COUNTRY"),
            itunes_url=get("MEDIATRACK_ITUNES_URL") or itunes.DEFAULT_URL,
        )

    @classmethod
    def from_config(cls, settings: config.Config | None = None) -> CatalogSettings:
        """Read the settings: environment, then ``config.toml``, then the keyring.

        Raises ``config.ConfigError`` when the file or the keyring cannot be read.
        """
        settings = settings or config.load()
        get = settings.get
        return cls(
            tmdb_url=get("tmdb.url") or tmdb.DEFAULT_URL,
            tmdb_token=get("tmdb.token"),
            tmdb_api_key=get("tmdb.api_key"),
            google_books_url=get("google_books.url") or google_books.DEFAULT_URL,
            google_books_key=get("google_books.key"),
            google_books_country=get("google_books.country"),
            itunes_url=get("itunes.url") or itunes.DEFAULT_URL,
        )


@dataclass(frozen=True, slots=True)
class Catalog:
    """One client per provider. Sessions (and the cache file) are created on first use."""

    tmdb: TmdbClient
    books: GoogleBooksClient
    itunes: ItunesClient
    feeds: FeedClient


def build_catalog(
    settings: CatalogSettings | None = None, options: HttpOptions | None = None
) -> Catalog:
    """The clients for ``settings`` (default: from the config)."""
    settings = settings or CatalogSettings.from_config()
    options = options or HttpOptions()
    return Catalog(
        tmdb=TmdbClient(
            settings.tmdb_url,
            token=settings.tmdb_token,
            api_key=settings.tmdb_api_key,
            options=options,
        ),
        books=GoogleBooksClient(
            settings.google_books_url,
            api_key=settings.google_books_key,
            options=options,
            country=settings.google_books_country,
        ),
        itunes=ItunesClient(settings.itunes_url, options=options),
        feeds=FeedClient(options=options),
    )
