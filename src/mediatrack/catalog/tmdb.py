"""TMDB v3: search movies and shows, and fetch movie, show and season details.

Authenticates with a v4 read access token (``Authorization: Bearer``) or a v3
``api_key`` parameter. Without either, every call raises ``CatalogNotConfigured``
before any request is made, so the rest of the app keeps working.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from mediatrack.catalog._parse import Fields, year_of
from mediatrack.catalog.errors import AuthFailed, CatalogError, CatalogNotConfigured, NotFound
from mediatrack.catalog.http import HttpOptions, Provider, build_session, get_json
from mediatrack.catalog.ratelimit import RateLimit
from mediatrack.catalog.records import (
    EpisodeAiring,
    EpisodeDetails,
    MovieDetails,
    SearchResult,
    SeasonDetails,
    SeasonSummary,
    ShowDetails,
)
from mediatrack.kinds import Kind

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)
T = TypeVar("T")

NAME = "TMDB"
DEFAULT_URL = "https://api.themoviedb.org"
RATE_LIMIT = RateLimit(calls=40, period=1.0)  # TMDB allows roughly 40-50 requests a second
APPEND_LIMIT = 20  # append_to_response takes at most 20 sub-requests
CREDENTIAL_HINT = (
    "run `mediatrack config set tmdb.token` with a TMDB read access token, or "
    "`mediatrack config set tmdb.api_key` with an API key (both from themoviedb.org/settings/api)"
)
AUTH_CODES = {3, 7, 10, 14, 16, 30, 31, 32, 33, 35, 36}  # TMDB status_code values about credentials


def _classify(status: int, body: Any) -> CatalogError | None:
    code = body.get("status_code") if isinstance(body, dict) else None
    if status == 401 or code in AUTH_CODES:
        return AuthFailed(f"TMDB rejected the API key; {CREDENTIAL_HINT}.", provider=NAME)
    return None


PROVIDER = Provider(NAME, CREDENTIAL_HINT, "MEDIATRACK_TMDB_URL", _classify)
MAX_ID = 2**63 - 1  # what SQLite stores


def _id(value: int | str, what: str) -> int:
    """A TMDB id (or season number) for a URL; anything but a whole number is ``NotFound``."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_ID:
        raise NotFound(f"TMDB has no {what}: an id is a whole number.", provider=NAME)
    return int(text)


class TmdbClient:
    """Movies and shows from TMDB. Ids are TMDB's integer ids."""

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        token: str | None = None,
        api_key: str | None = None,
        session: requests.Session | None = None,
        options: HttpOptions | None = None,
    ) -> None:
        # Accept the base with or without the version ("https://api.themoviedb.org/3").
        self.base_url = base_url.rstrip("/").removesuffix("/3")
        self._token = token or None
        self._api_key = api_key or None
        self.options = options or HttpOptions()
        self._session = self._authorise(session) if session is not None else None

    def __repr__(self) -> str:
        return f"TmdbClient({self.base_url!r}, configured={self.configured})"

    @property
    def configured(self) -> bool:
        return bool(self._token or self._api_key)

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            self._session = self._authorise(build_session(self.options, RATE_LIMIT))
        return self._session

    def _authorise(self, session: requests.Session) -> requests.Session:
        if self._token:
            session.headers["Authorization"] = f"Bearer {self._token}"
        return session

    def _get(
        self,
        path: str,
        params: dict[str, Any],
        parse: Callable[[Any], T],
        *,
        ttl: int,
        fresh: bool,
        what: str,
    ) -> T:
        if not self.configured:
            raise CatalogNotConfigured(
                f"Movies and shows come from TMDB, which needs a key; {CREDENTIAL_HINT}.",
                provider=NAME,
            )
        if not self._token:
            params = {**params, "api_key": self._api_key}
        return get_json(
            self.session,
            f"{self.base_url}/3{path}",
            params,
            PROVIDER,
            parse,
            expire_after=ttl,
            fresh=fresh,
            what=what,
        )

    def _search(
        self, path: str, query: str, page: int, parse: Callable[[Fields], list[SearchResult]]
    ) -> list[SearchResult]:
        params = {"query": query.strip(), "page": page, "include_adult": "false"}
        what = f"search at {self.base_url} (check {PROVIDER.url_setting})"
        return self._get(
            path,
            params,
            lambda data: parse(Fields(data, "search")),
            ttl=self.options.search_ttl,
            fresh=False,
            what=what,
        )

    def search(self, kind: Kind | str, query: str, page: int = 1) -> list[SearchResult]:
        """Search one kind (``tv`` or ``movie``) by title."""
        kind = Kind(kind)
        if kind not in (Kind.TV, Kind.MOVIE):
            raise ValueError(f"TMDB searches tv and movie, not {kind}")
        if not query.strip():
            return []
        return self._search(
            f"/search/{kind}",
            query,
            page,
            lambda answer: [_search_result(item, kind) for item in answer.objects("results")],
        )

    def search_multi(self, query: str, page: int = 1) -> list[SearchResult]:
        """Search movies and shows at once (people and collections are left out)."""
        if not query.strip():
            return []
        return self._search(
            "/search/multi",
            query,
            page,
            lambda answer: [
                _search_result(item, Kind(media_type))
                for item in answer.objects("results")
                if (media_type := item.opt_str("media_type")) in (Kind.TV, Kind.MOVIE)
            ],
        )

    def find(self, external_id: str, source: str = "imdb_id") -> list[SearchResult]:
        """Movies and shows with this id in another database (IMDb's ``tt...`` by default)."""
        external_id = external_id.strip()
        if not external_id.isascii() or not external_id.isalnum():
            raise NotFound(f"TMDB has no item {external_id!r}: not an external id.", provider=NAME)

        def parse(data: Any) -> list[SearchResult]:
            answer = Fields(data, "find")
            return [
                _search_result(item, kind)
                for kind, key in ((Kind.MOVIE, "movie_results"), (Kind.TV, "tv_results"))
                for item in answer.objects(key)
            ]

        return self._get(
            f"/find/{external_id}",
            {"external_source": source},
            parse,
            ttl=self.options.details_ttl,
            fresh=False,
            what=f"item with {source} {external_id}",
        )

    def movie(self, tmdb_id: int | str, *, fresh: bool = False) -> MovieDetails:
        what = f"movie with id {tmdb_id}"
        return self._get(
            f"/movie/{_id(tmdb_id, what)}",
            {},
            lambda data: parse_movie(Fields(data, "movie")),
            ttl=self.options.details_ttl,
            fresh=fresh,
            what=what,
        )

    def show(self, tmdb_id: int | str, *, fresh: bool = False) -> ShowDetails:
        what = f"show with id {tmdb_id}"
        return self._get(
            f"/tv/{_id(tmdb_id, what)}",
            {},
            lambda data: parse_show(Fields(data, "show")),
            ttl=self.options.details_ttl,
            fresh=fresh,
            what=what,
        )

    def season(
        self, show_id: int | str, number: int, *, fresh: bool = False
    ) -> SeasonDetails | None:
        """One season; None when TMDB lists it without an id (an older answer shape)."""
        what = f"season {number} of show {show_id}"
        return self._get(
            f"/tv/{_id(show_id, what)}/season/{_id(number, what)}",
            {},
            lambda data: parse_season(Fields(data, "season"), show_id),
            ttl=self.options.details_ttl,
            fresh=fresh,
            what=what,
        )

    def seasons(
        self, show_id: int | str, numbers: Iterable[int], *, fresh: bool = False
    ) -> list[SeasonDetails]:
        """Several seasons of a show, up to 20 per request with ``append_to_response``.

        A season missing from the combined answer is fetched on its own; a season
        without an id (an older answer shape) is left out, with a logged note.
        """
        what = f"show with id {show_id}"
        wanted = list(dict.fromkeys(int(n) for n in numbers))
        found: dict[int, SeasonDetails | None] = {}

        def parse_batch(batch: list[int], data: Any) -> dict[int, SeasonDetails | None]:
            fields = Fields(data, "show")
            parsed = {}
            for n in batch:
                season = fields.opt_obj(f"season/{n}")
                if season is not None:
                    parsed[n] = parse_season(season, show_id)
            return parsed

        for start in range(0, len(wanted), APPEND_LIMIT):
            batch = wanted[start : start + APPEND_LIMIT]
            params = {"append_to_response": ",".join(f"season/{n}" for n in batch)}
            found |= self._get(
                f"/tv/{_id(show_id, what)}",
                params,
                functools.partial(parse_batch, batch),
                ttl=self.options.details_ttl,
                fresh=fresh,
                what=what,
            )
        for n in wanted:
            if n not in found:
                found[n] = self.season(show_id, n, fresh=fresh)
        return [season for n in wanted if (season := found[n]) is not None]

    def show_with_seasons(
        self, tmdb_id: int | str, *, fresh: bool = False
    ) -> tuple[ShowDetails, list[SeasonDetails]]:
        """A show and every season it lists (specials included), in 1 + ceil(n/20) requests."""
        show = self.show(tmdb_id, fresh=fresh)
        numbers = [season.season_number for season in show.seasons]
        return show, self.seasons(tmdb_id, numbers, fresh=fresh)


# --- parsing -----------------------------------------------------------------


def _search_result(item: Fields, kind: Kind) -> SearchResult:
    title_key, original_key, date_key = (
        ("name", "original_name", "first_air_date")
        if kind is Kind.TV
        else ("title", "original_title", "release_date")
    )
    title = item.title(title_key)
    original = item.opt_title(original_key)
    return SearchResult(
        kind=kind,
        catalog_id=str(item.req_int("id")),
        title=title,
        year=year_of(item.opt_str(date_key)),
        subtitle_line=original if original and original != title else None,
        overview=item.opt_str("overview"),
    )


def _genres(fields: Fields) -> tuple[str, ...]:
    return tuple(genre.title("name") for genre in fields.objects("genres"))


def parse_movie(fields: Fields) -> MovieDetails:
    return MovieDetails(
        tmdb_id=fields.req_int("id"),
        title=fields.title("title"),
        original_title=fields.opt_title("original_title"),
        overview=fields.opt_str("overview"),
        release_date=fields.opt_date("release_date"),
        runtime=fields.opt_int("runtime") or None,  # TMDB sends 0 for unknown
        vote_average=fields.opt_float("vote_average"),
        vote_count=fields.opt_int("vote_count"),
        genres=_genres(fields),
        poster_path=fields.opt_str("poster_path"),
        backdrop_path=fields.opt_str("backdrop_path"),
        status=fields.opt_str("status"),
        imdb_id=fields.opt_str("imdb_id"),
    )


def _airing(fields: Fields | None) -> EpisodeAiring | None:
    if fields is None:
        return None
    return EpisodeAiring(
        tmdb_id=fields.opt_int("id"),
        season_number=fields.req_int("season_number"),
        episode_number=fields.req_int("episode_number"),
        name=fields.opt_title("name"),
        air_date=fields.opt_date("air_date"),
    )


def parse_show(fields: Fields) -> ShowDetails:
    seasons = tuple(
        SeasonSummary(
            season_number=season.req_int("season_number"),
            tmdb_id=season.opt_int("id"),  # the season's own details carry the id that counts
            name=season.opt_title("name"),
            air_date=season.opt_date("air_date"),
            episode_count=season.opt_int("episode_count"),
            overview=season.opt_str("overview"),
            poster_path=season.opt_str("poster_path"),
        )
        for season in fields.objects("seasons")
    )
    regular = [season for season in seasons if season.season_number > 0]
    episodes = fields.opt_int("number_of_episodes")  # TMDB already leaves specials out
    if episodes is None and regular:
        episodes = sum(season.episode_count or 0 for season in regular)
    last = _airing(fields.opt_obj("last_episode_to_air"))
    upcoming = _airing(fields.opt_obj("next_episode_to_air"))
    if upcoming is not None and last is not None and upcoming.tmdb_id == last.tmdb_id:
        upcoming = None  # an episode that already aired is not "next"
    return ShowDetails(
        tmdb_id=fields.req_int("id"),
        title=fields.title("name"),
        original_title=fields.opt_title("original_name"),
        overview=fields.opt_str("overview"),
        first_air_date=fields.opt_date("first_air_date"),
        last_air_date=fields.opt_date("last_air_date"),
        vote_average=fields.opt_float("vote_average"),
        vote_count=fields.opt_int("vote_count"),
        genres=_genres(fields),
        poster_path=fields.opt_str("poster_path"),
        backdrop_path=fields.opt_str("backdrop_path"),
        status=fields.opt_str("status"),
        in_production=fields.opt_bool("in_production"),
        number_of_seasons=fields.opt_int("number_of_seasons") or len(regular) or None,
        number_of_episodes=episodes,
        seasons=seasons,
        next_episode_to_air=upcoming,
        last_episode_to_air=last,
    )


def parse_season(fields: Fields, show_id: int | str = "?") -> SeasonDetails | None:
    """A season and its episodes. A season or episode without an id (an older answer
    shape) cannot be matched later, so it is left out with a logged note; None for a season."""
    number = fields.req_int("season_number")
    tmdb_id = fields.opt_int("id")
    if tmdb_id is None:
        log.warning(
            "TMDB lists season %s of show %s without an id; it was left out.", number, show_id
        )
        return None
    episodes = []
    for episode in fields.objects("episodes"):
        parsed = _episode(episode, number)
        if parsed is None:
            log.warning(
                "TMDB lists an episode of season %s of show %s without an id or number (%s); "
                "it was left out.",
                number,
                show_id,
                episode.where,
            )
        else:
            episodes.append(parsed)
    return SeasonDetails(
        tmdb_id=tmdb_id,
        season_number=number,
        name=fields.opt_title("name"),
        air_date=fields.opt_date("air_date"),
        overview=fields.opt_str("overview"),
        poster_path=fields.opt_str("poster_path"),
        episodes=tuple(episodes),
    )


def _episode(episode: Fields, season_number: int) -> EpisodeDetails | None:
    tmdb_id, number = episode.opt_int("id"), episode.opt_int("episode_number")
    if tmdb_id is None or number is None:
        return None
    return EpisodeDetails(
        tmdb_id=tmdb_id,
        season_number=season_number,
        episode_number=number,
        name=episode.opt_title("name"),
        air_date=episode.opt_date("air_date"),
        runtime=episode.opt_int("runtime") or None,
        overview=episode.opt_str("overview"),
        still_path=episode.opt_str("still_path"),
        vote_average=episode.opt_float("vote_average"),
    )
