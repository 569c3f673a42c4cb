"""The iTunes Search API: find podcasts and look one up by its collection id. No key needed.

Apple allows about 20 requests a minute and answers a burst with HTTP 403,
so the session is rate-limited and a 403 reads as "slow down".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mediatrack.catalog._parse import Fields
from mediatrack.catalog.errors import CatalogError, NotFound, RateLimited
from mediatrack.catalog.http import HttpOptions, Provider, build_session, get_json
from mediatrack.catalog.ratelimit import RateLimit
from mediatrack.catalog.records import PodcastDetails, SearchResult
from mediatrack.kinds import Kind

if TYPE_CHECKING:
    import requests

NAME = "iTunes"
DEFAULT_URL = "https://itunes.apple.com"
RATE_LIMIT = RateLimit(calls=20, period=60.0)
SEARCH_LIMIT = 25


def _classify(status: int, body: Any) -> CatalogError | None:
    if status == 403:
        return RateLimited(
            "iTunes is limiting our requests (it allows about 20 a minute); try again in a minute.",
            provider=NAME,
            retry_after=60.0,
        )
    return None


PROVIDER = Provider(NAME, "try again later", "MEDIATRACK_ITUNES_URL", _classify)


class ItunesClient:
    """Podcasts from the iTunes Search API. Ids are iTunes collection ids, as text."""

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        session: requests.Session | None = None,
        options: HttpOptions | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.options = options or HttpOptions()
        self._session = session

    def __repr__(self) -> str:
        return f"ItunesClient({self.base_url!r})"

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            self._session = build_session(self.options, RATE_LIMIT)
        return self._session

    def search(self, query: str) -> list[SearchResult]:
        return [_search_result(podcast) for podcast in self.search_podcasts(query)]

    def search_podcasts(self, query: str) -> list[PodcastDetails]:
        """Like ``search``, with each podcast's details (its feed URL among them)."""
        if not query.strip():
            return []
        params = {"media": "podcast", "entity": "podcast", "term": query.strip()}
        return get_json(
            self.session,
            f"{self.base_url}/search",
            {**params, "limit": SEARCH_LIMIT},
            PROVIDER,
            _podcasts,
            expire_after=self.options.search_ttl,
            what=f"search at {self.base_url} (check {PROVIDER.url_setting})",
        )

    def lookup(self, itunes_id: int | str, *, fresh: bool = False) -> PodcastDetails:
        """One podcast; an unknown id (iTunes answers ``resultCount: 0``) is ``NotFound``."""
        what = f"podcast with id {itunes_id}"
        podcasts = get_json(
            self.session,
            f"{self.base_url}/lookup",
            {"id": str(itunes_id), "entity": "podcast"},
            PROVIDER,
            _podcasts,
            expire_after=self.options.details_ttl,
            fresh=fresh,
            what=what,
        )
        if not podcasts:
            raise NotFound(f"iTunes has no {what}.", provider=NAME)
        return podcasts[0]


def _podcasts(data: Any) -> list[PodcastDetails]:
    """The podcasts in a search or lookup answer (other kinds of results are left out)."""
    podcasts = []
    for item in Fields(data, "answer").objects("results"):
        if item.opt_str("kind") == "podcast" or (
            item.opt_str("wrapperType") == "track" and item.has("feedUrl")
        ):
            podcasts.append(parse_podcast(item))
    return podcasts


def _search_result(podcast: PodcastDetails) -> SearchResult:
    return SearchResult(
        kind=Kind.PODCAST,
        catalog_id=podcast.itunes_id,
        title=podcast.title,
        year=podcast.release_date.year if podcast.release_date else None,
        subtitle_line=podcast.artist,
        overview=", ".join(g for g in podcast.genres if g != "Podcasts") or None,
    )


def parse_podcast(item: Fields) -> PodcastDetails:
    artwork = next(
        (
            url
            for key in ("artworkUrl600", "artworkUrl100", "artworkUrl60", "artworkUrl30")
            if (url := item.opt_str(key))
        ),
        None,
    )
    return PodcastDetails(
        itunes_id=item.id_text("collectionId"),
        title=item.opt_title("collectionName") or item.title("trackName"),
        artist=item.opt_title("artistName"),
        feed_url=item.opt_str("feedUrl"),
        artwork_url=artwork,
        genres=item.str_tuple("genres"),
        release_date=item.opt_datetime("releaseDate"),
        episode_count=item.opt_int("trackCount"),
    )
