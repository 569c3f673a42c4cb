"""Plain, immutable records the catalog clients return and the services consume.

Values stay as the providers give them (TMDB's ``vote_average`` is a 0-10
float; the store multiplies it by 10). Missing optional fields are None, lists
are tuples, and full dates are ``datetime.date``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mediatrack.kinds import Kind


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One row of a search dialog, any kind."""

    kind: Kind
    catalog_id: str  # TMDB id, Google Books volume id or iTunes collection id, as text
    title: str
    year: int | None
    subtitle_line: str | None  # authors, artist, or the original title when it differs
    overview: str | None


@dataclass(frozen=True, slots=True)
class MovieDetails:
    tmdb_id: int
    title: str
    original_title: str | None
    overview: str | None
    release_date: dt.date | None
    runtime: int | None  # minutes
    vote_average: float | None  # 0-10, as TMDB sends it
    vote_count: int | None
    genres: tuple[str, ...]
    poster_path: str | None
    backdrop_path: str | None
    status: str | None  # "Released", "Post Production"...
    imdb_id: str | None


@dataclass(frozen=True, slots=True)
class SeasonSummary:
    """A season as listed inside a show's details (no episodes)."""

    season_number: int  # 0 is "Specials"
    tmdb_id: int | None  # older answers list seasons without one
    name: str | None
    air_date: dt.date | None
    episode_count: int | None
    overview: str | None
    poster_path: str | None


@dataclass(frozen=True, slots=True)
class EpisodeAiring:
    """TMDB's ``next_episode_to_air`` / ``last_episode_to_air``."""

    tmdb_id: int | None
    season_number: int
    episode_number: int
    name: str | None
    air_date: dt.date | None


@dataclass(frozen=True, slots=True)
class ShowDetails:
    tmdb_id: int
    title: str
    original_title: str | None
    overview: str | None
    first_air_date: dt.date | None
    last_air_date: dt.date | None
    vote_average: float | None
    vote_count: int | None
    genres: tuple[str, ...]
    poster_path: str | None
    backdrop_path: str | None
    status: str | None  # "Returning Series", "Ended", "Canceled"...
    in_production: bool | None
    number_of_seasons: int | None  # regular seasons, specials excluded
    number_of_episodes: int | None  # regular episodes, specials excluded
    seasons: tuple[SeasonSummary, ...]  # as TMDB lists them, season 0 included
    next_episode_to_air: EpisodeAiring | None
    last_episode_to_air: EpisodeAiring | None


@dataclass(frozen=True, slots=True)
class EpisodeDetails:
    tmdb_id: int
    season_number: int
    episode_number: int
    name: str | None
    air_date: dt.date | None
    runtime: int | None  # minutes
    overview: str | None
    still_path: str | None
    vote_average: float | None = None  # 0-10, as TMDB sends it


@dataclass(frozen=True, slots=True)
class SeasonDetails:
    tmdb_id: int
    season_number: int
    name: str | None
    air_date: dt.date | None
    overview: str | None
    poster_path: str | None
    episodes: tuple[EpisodeDetails, ...]


@dataclass(frozen=True, slots=True)
class BookDetails:
    google_id: str
    title: str
    subtitle: str | None
    authors: tuple[str, ...]
    publisher: str | None
    published_date: str | None  # as Google sends it: "2016-11-17", "2016-11" or "1990"
    description: str | None
    page_count: int | None
    categories: tuple[str, ...]
    isbn_13: str | None
    isbn_10: str | None
    thumbnail: str | None
    language: str | None
    is_ebook: bool = False  # saleInfo.isEbook


@dataclass(frozen=True, slots=True)
class PodcastDetails:
    itunes_id: str
    title: str
    artist: str | None
    feed_url: str | None
    artwork_url: str | None
    genres: tuple[str, ...]
    release_date: dt.datetime | None  # the latest episode, UTC
    episode_count: int | None


@dataclass(frozen=True, slots=True)
class FeedEpisode:
    """One podcast episode from an RSS feed.

    ``guid`` is the item's RSS guid, or its enclosure URL when it has none: an
    identity that does not move when the feed adds or drops episodes.
    """

    guid: str
    title: str | None
    published: dt.datetime | None  # UTC
    duration_seconds: int | None
    enclosure_url: str | None
