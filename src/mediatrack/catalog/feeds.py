"""Podcast episodes from a feed's RSS (or Atom), newest first, parsed with feedparser.

An episode is identified by its RSS ``guid``, falling back to its enclosure
URL, never by its position: a feed that adds or drops episodes must never move
a listened mark onto another episode. Items with neither are left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from mediatrack.catalog._parse import clip
from mediatrack.catalog.errors import (
    AuthFailed,
    BadResponse,
    CatalogError,
    CatalogNotConfigured,
    NotFound,
    RateLimited,
)
from mediatrack.catalog.http import HttpOptions, Provider, build_session, get_bytes
from mediatrack.catalog.records import FeedEpisode

if TYPE_CHECKING:
    import requests

NAME = "Podcast feed"
FEED_TTL = 3600
PROVIDER = Provider(NAME, "the feed may be private", "the podcast's feed URL")


class FeedClient:
    """Fetches feeds through the shared HTTP layer (timeouts, retries, cache)."""

    def __init__(
        self, session: requests.Session | None = None, options: HttpOptions | None = None
    ) -> None:
        self.options = options or HttpOptions()
        self._session = session

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            self._session = build_session(self.options)
        return self._session

    def episodes(self, feed_url: str, *, fresh: bool = False) -> list[FeedEpisode]:
        """The feed's episodes, newest first."""
        try:
            return get_bytes(
                self.session,
                feed_url,
                PROVIDER,
                lambda body: parse_feed(body.content, body.url, body.headers),
                expire_after=FEED_TTL,
                fresh=fresh,
                what="feed",
            )
        except CatalogError as error:
            raise _feed_error(error, feed_url) from None


def parse_feed(
    content: bytes, feed_url: str = "", headers: Mapping[str, str] | None = None
) -> list[FeedEpisode]:
    """Parse feed bytes into episodes, newest first; undated episodes go last, in feed order.

    ``headers`` are the HTTP response's: a charset given only in ``Content-Type``
    decodes the feed. ``feed_url`` (the URL it came from) is the base that
    relative links and enclosure URLs are resolved against.
    """
    import feedparser

    given = {name.lower(): value for name, value in (headers or {}).items()}
    location = urljoin(feed_url, given.get("content-location", "")) or feed_url
    given["content-location"] = location
    parsed = feedparser.parse(content, response_headers=given)
    if not parsed.get("version") and not parsed.entries:
        raise BadResponse(
            "The podcast's feed is not an RSS or Atom feed.", provider=NAME, detail=feed_url
        )
    episodes: list[FeedEpisode] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        episode = _episode(entry, location)
        if episode is not None and episode.guid not in seen:  # a repeated guid keeps the first
            seen.add(episode.guid)
            episodes.append(episode)
    episodes.sort(key=lambda e: (e.published is None, -(e.published or _EPOCH).timestamp()))
    return episodes


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _episode(entry: Any, base: str) -> FeedEpisode | None:
    enclosure = next(
        (_text(e.get("href")) for e in entry.get("enclosures") or [] if _text(e.get("href"))),
        None,
    )
    # The identity stays the enclosure as written, so episodes stored before links were
    # resolved keep their marks; the URL to play is made absolute against the feed's URL.
    guid = _text(entry.get("id")) or enclosure
    if guid is None:
        return None
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    return FeedEpisode(
        guid=guid,
        title=clip(_text(entry.get("title"))),
        published=dt.datetime(*when[:6]).replace(tzinfo=dt.UTC) if when else None,
        duration_seconds=parse_duration(entry.get("itunes_duration")),
        enclosure_url=urljoin(base, enclosure) if enclosure else None,
    )


def parse_duration(value: Any) -> int | None:
    """``itunes:duration`` as seconds: ``"3600"``, ``"62:03"``, ``"1:02:03"``, ``"1:02:03.5"``."""
    text = _text(value)
    if text is None or not re.fullmatch(r"\d+(?::\d{1,2}){0,2}(?:\.\d+)?", text):
        return None
    seconds = 0.0
    for part in text.split(":"):
        seconds = seconds * 60 + float(part)
    return round(seconds)


def _feed_error(error: CatalogError, url: str) -> CatalogError:
    """The same error, worded for a feed: the feed's host is not a provider users know."""
    host = urlsplit(url).netloc or url
    if isinstance(error, BadResponse):
        message = f"The podcast's feed at {host} is not a feed mediatrack can read."
    elif isinstance(error, NotFound):
        message = f"The podcast's feed is gone from {url}; refresh the podcast to find its new one."
    elif isinstance(error, RateLimited):
        message = f"{host} is limiting requests for the podcast's feed; try again later."
    elif isinstance(error, AuthFailed):
        message = f"{host} refused to send the podcast's feed (it may be private)."
    elif isinstance(error, CatalogNotConfigured):
        message = f"The podcast's feed address {url!r} is not a valid URL."
    else:
        message = f"Cannot fetch the podcast's feed from {host}; check your network or try later."
    return error.reworded(message)
