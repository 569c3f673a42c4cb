"""TMDB v3: search movies and shows, and fetch movie, show and season details.

Authenticates with a v4 read access token (``Authorization: Bearer``) or a v3
``api_key`` parameter. Without either, every call raises ``NotConfigured``
before any request is made, so the rest of the app keeps working.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from mediatrack.catalog._parse import Fields, reading, year_of
from mediatrack.catalog.errors import AuthFailed, CatalogError, NotConfigured
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

    def _get(self, path: str, params: dict[str, Any], *, ttl: int, fresh: bool, what: str) -> Any:
        if not self.configured:
            raise NotConfigured(
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
            expire_after=ttl,
            fresh=fresh,
            what=what,
        )

    def _search(self, path: str, query: str, page: int) -> Fields:
        params = {"query": query.strip(), "page": page, "include_adult": "false"}
        what = f"search at {self.base_url} (check {PROVIDER.url_setting})"
        data = self._get(path, params, ttl=self.options.search_ttl, fresh=False, what=what)
        with reading(NAME):
            return Fields(data, "search")

    def search(self, kind: Kind | str, query: str, page: int = 1) -> list[SearchResult]:
        """Search one kind (``tv`` or ``movie``) by title."""
        kind = Kind(kind)
        if kind not in (Kind.TV, Kind.MOVIE):
            raise ValueError(f"TMDB searches tv and movie, not {kind}")
        if not query.strip():
            return []
        answer = self._search(f"/search/{kind}", query, page)
        with reading(NAME):
            return [_search_result(item, kind) for item in answer.objects("results")]

    def search_multi(self, query: str, page: int = 1) -> list[SearchResult]:
        """Search movies and shows at once (people and collections are left out)."""
        if not query.strip():
            return []
        answer = self._search("/search/multi", query, page)
        with reading(NAME):
            return [
                _search_result(item, Kind(media_type))
                for item in answer.objects("results")
                if (media_type := item.opt_str("media_type")) in (Kind.TV, Kind.MOVIE)
            ]

    def movie(self, tmdb_id: int | str, *, fresh: bool = False) -> MovieDetails:
        data = self._get(
            f"/movie/{int(tmdb_id)}",
            {},
            ttl=self.options.details_ttl,
            fresh=fresh,
            what=f"movie with id {tmdb_id}",
        )
        with reading(NAME):
            return parse_movie(Fields(data, "movie"))

    def show(self, tmdb_id: int | str, *, fresh: bool = False) -> ShowDetails:
        data = self._get(
            f"/tv/{int(tmdb_id)}",
            {},
            ttl=self.options.details_ttl,
            fresh=fresh,
            what=f"show with id {tmdb_id}",
        )
        with reading(NAME):
            return parse_show(Fields(data, "show"))

    def season(self, show_id: int | str, number: int, *, fresh: bool = False) -> SeasonDetails:
        data = self._get(
            f"/tv/{int(show_id)}/season/{int(number)}",
            {},
            ttl=self.options.details_ttl,
            fresh=fresh,
            what=f"season {number} of show {show_id}",
        )
        with reading(NAME):
            return parse_season(Fields(data, "season"))

    def seasons(
        self, show_id: int | str, numbers: Iterable[int], *, fresh: bool = False
    ) -> list[SeasonDetails]:
        """Several seasons of a show, up to 20 per request with ``append_to_response``.

        A season missing from the combined answer is fetched on its own.
        """
        wanted = list(dict.fromkeys(int(n) for n in numbers))
        found: dict[int, SeasonDetails] = {}
        for start in range(0, len(wanted), APPEND_LIMIT):
            batch = wanted[start : start + APPEND_LIMIT]
            params = {"append_to_response": ",".join(f"season/{n}" for n in batch)}
            data = self._get(
                f"/tv/{int(show_id)}",
                params,
                ttl=self.options.details_ttl,
                fresh=fresh,
                what=f"show with id {show_id}",
            )
            with reading(NAME):
                fields = Fields(data, "show")
                for n in batch:
                    season = fields.opt_obj(f"season/{n}")
                    if season is not None:
                        found[n] = parse_season(season)
        for n in wanted:
            if n not in found:
                found[n] = self.season(show_id, n, fresh=fresh)
        return [found[n] for n in wanted]

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
    title = item.str(title_key)
    original = item.opt_str(original_key)
    return SearchResult(
        kind=kind,
        catalog_id=str(item.int("id")),
        title=title,
        year=year_of(item.opt_str(date_key)),
        subtitle_line=original if original and original != title else None,
        overview=item.opt_str("overview"),
    )


def _genres(fields: Fields) -> tuple[str, ...]:
    return tuple(genre.str("name") for genre in fields.objects("genres"))


def parse_movie(fields: Fields) -> MovieDetails:
    return MovieDetails(
        tmdb_id=fields.int("id"),
        title=fields.str("title"),
        original_title=fields.opt_str("original_title"),
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
        season_number=fields.int("season_number"),
        episode_number=fields.int("episode_number"),
        name=fields.opt_str("name"),
        air_date=fields.opt_date("air_date"),
    )


def parse_show(fields: Fields) -> ShowDetails:
    seasons = tuple(
        SeasonSummary(
            season_number=season.int("season_number"),
            tmdb_id=season.int("id"),
            name=season.opt_str("name"),
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
        tmdb_id=fields.int("id"),
        title=fields.str("name"),
        original_title=fields.opt_str("original_name"),
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


def parse_season(fields: Fields) -> SeasonDetails:
    number = fields.int("season_number")
    return SeasonDetails(
        tmdb_id=fields.int("id"),
        season_number=number,
        name=fields.opt_str("name"),
        air_date=fields.opt_date("air_date"),
        overview=fields.opt_str("overview"),
        poster_path=fields.opt_str("poster_path"),
        episodes=tuple(
            EpisodeDetails(
                tmdb_id=episode.int("id"),
                season_number=number,
                episode_number=episode.int("episode_number"),
                name=episode.opt_str("name"),
                air_date=episode.opt_date("air_date"),
                runtime=episode.opt_int("runtime") or None,
                overview=episode.opt_str("overview"),
                still_path=episode.opt_str("still_path"),
                vote_average=episode.opt_float("vote_average"),
            )
            for episode in fields.objects("episodes")
        ),
    )
