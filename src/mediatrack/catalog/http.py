"""One HTTP layer for every catalog: sessions, retries, the cache, and errors as sentences.

Each provider gets one session (``build_session``): connect/read timeouts on
every call, retries with backoff on 429 and 5xx honouring ``Retry-After``, a
``User-Agent: mediatrack/<version>``, a client-side rate limit, and an HTTP
cache (requests-cache, SQLite under the user cache dir) that answers repeated
requests within their expiry and serves stale answers when the network fails.

``get_json`` / ``get_bytes`` turn every failure into a ``CatalogError``, and
let the cache keep an answer only once the caller's parser accepted it: an
error page answered with 200 is never served from the cache.

requests, urllib3 and requests-cache are imported on first use, not when this
module is imported, so the TUI starts fast.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from mediatrack import __version__
from mediatrack.catalog._parse import reading
from mediatrack.catalog.errors import (
    AuthFailed,
    BadResponse,
    CatalogError,
    CatalogNotConfigured,
    NotFound,
    RateLimited,
    Unavailable,
)
from mediatrack.catalog.ratelimit import Limiter, RateLimit, TooSoon

if TYPE_CHECKING:
    import requests

T = TypeVar("T")

USER_AGENT = f"mediatrack/{__version__}"
CACHE_FILE_NAME = "http_cache.sqlite"
BYPASS_CACHE = "X-Mediatrack-Bypass-Cache"  # _transport.AcceptingSession.BYPASS


@dataclass(frozen=True, slots=True)
class HttpOptions:
    """How sessions behave; tests shorten the timeouts and set the backoff to 0."""

    timeout: tuple[float, float] = (3.05, 10.0)  # (connect, read) seconds
    retries: int = 3
    backoff_factor: float = 0.5  # sleeps 0, 1, 2 s between retries (capped by backoff_max)
    backoff_max: float = 4.0
    give_up_after: float = 10.0  # a longer Retry-After is reported at once, not waited for
    search_ttl: int = 3600  # seconds a search answer stays fresh
    details_ttl: int = 86400  # seconds a details answer stays fresh
    cache: bool = True
    cache_path: Path | None = None  # None: <user cache dir>/http_cache.sqlite


def default_cache_path() -> Path:
    """``http_cache.sqlite`` in the user cache dir (``mediatrack.config``), read at call time."""
    from mediatrack.config import cache_dir

    return cache_dir() / CACHE_FILE_NAME


def build_session(
    options: HttpOptions | None = None, rate_limit: RateLimit | None = None
) -> requests.Session:
    """A new session for one provider; pass a ``rate_limit`` to stay under its quota."""
    from mediatrack.catalog import _transport

    options = options or HttpOptions()
    cache_path = (options.cache_path or default_cache_path()) if options.cache else None
    return _transport.make_session(
        user_agent=USER_AGENT,
        timeout=options.timeout,
        retries=options.retries,
        backoff_factor=options.backoff_factor,
        backoff_max=options.backoff_max,
        give_up_after=options.give_up_after,
        limiter=Limiter(rate_limit) if rate_limit else None,
        cache_path=cache_path,
        expire_after=options.details_ttl,
    )


Classifier = Callable[[int, Any], CatalogError | None]


@dataclass(frozen=True, slots=True)
class Provider:
    """What error messages need to know about a provider.

    ``classify(status, body)`` lets a provider read its own error bodies first
    (Google's quota 403, iTunes' 403 that means "slow down"); it returns None
    to fall back to the generic mapping by status.
    """

    name: str  # as users know it: "TMDB", "Google Books"
    auth_hint: str  # what to do about a refused credential, after a semicolon
    url_setting: str  # the env var that holds its base URL
    classify: Classifier | None = None


def get_json(
    session: requests.Session,
    url: str,
    params: Mapping[str, Any] | None,
    provider: Provider,
    parse: Callable[[Any], T],
    *,
    expire_after: int | None = None,
    fresh: bool = False,
    what: str | None = None,
) -> T:
    """GET ``url``, decode its JSON body and ``parse`` it, or raise a ``CatalogError``.

    The answer is cached only once ``parse`` accepted it (a ``ShapeError`` or
    ``BadResponse`` refuses it). ``expire_after`` overrides the session's cache
    expiry for this answer; ``fresh`` goes straight to the provider (the
    cache is neither read nor written); ``what`` names the thing asked for in
    a ``NotFound`` message ("movie 550").
    """

    def read(response: requests.Response) -> T:
        return parse(_decoded_json(response, provider))

    return _fetch(
        session, url, params, provider, read, expire_after, fresh, what, "application/json"
    )


@dataclass(frozen=True, slots=True)
class Body:
    """A raw answer with what reading it may need: its headers (charset) and final URL (base)."""

    content: bytes
    headers: Mapping[str, str]
    url: str


def get_bytes(
    session: requests.Session,
    url: str,
    provider: Provider,
    parse: Callable[[Body], T],
    *,
    expire_after: int | None = None,
    fresh: bool = False,
    what: str | None = None,
) -> T:
    """GET ``url`` and ``parse`` the raw body (an RSS feed), or raise a ``CatalogError``."""

    def read(response: requests.Response) -> T:
        return parse(Body(response.content, dict(response.headers), response.url or url))

    return _fetch(session, url, None, provider, read, expire_after, fresh, what, "*/*")


def _fetch(
    session: requests.Session,
    url: str,
    params: Mapping[str, Any] | None,
    provider: Provider,
    read: Callable[[requests.Response], T],
    expire_after: int | None,
    fresh: bool,
    what: str | None,
    accept: str,
    *,
    again: bool = True,
) -> T:
    """One GET, read by ``read``; only an answer ``read`` accepts may stay in the cache."""
    from mediatrack.catalog import _transport

    response = _get(session, url, params, provider, expire_after, fresh, accept, refetch=not again)
    _raise_for_status(response, provider, what)
    try:
        with reading(provider.name):
            value = read(response)
    except BadResponse:
        if not (again and getattr(response, "from_cache", False)):
            raise
        # Stored before this rule (or by an older mediatrack): drop it and ask the provider.
        _transport.forget(session, response)
        return _fetch(
            session, url, params, provider, read, expire_after, False, what, accept, again=False
        )
    _transport.accept(session, response)
    return value


def _decoded_json(response: requests.Response, provider: Provider) -> Any:
    try:
        return response.json()
    except ValueError:
        raise BadResponse(
            f"{provider.name} sent a reply that is not JSON; try again later.",
            provider=provider.name,
            status=response.status_code,
            detail=response.text[:200],
        ) from None
    except RecursionError:
        raise BadResponse(
            f"{provider.name} sent JSON nested too deeply to read; try again later.",
            provider=provider.name,
            status=response.status_code,
        ) from None


def _get(
    session: requests.Session,
    url: str,
    params: Mapping[str, Any] | None,
    provider: Provider,
    expire_after: int | None,
    fresh: bool,
    accept: str,
    *,
    stream: bool = False,
    refetch: bool = False,
) -> requests.Response:
    import requests

    extra: dict[str, Any] = {"stream": True} if stream else {}
    headers = {"Accept": accept}
    if hasattr(session, "cache"):  # a requests_cache.CachedSession
        if fresh:
            # Straight to the provider: what it says now, with its errors, never a stale copy.
            headers[BYPASS_CACHE] = "1"
        else:
            if expire_after is not None:
                extra["expire_after"] = expire_after
            if refetch:  # the cached copy was unreadable: ask again, and keep the new answer
                extra["force_refresh"] = True
    name = provider.name
    host = urlsplit(url).netloc or url
    try:
        return session.get(url, params=params, headers=headers, **extra)
    except TooSoon as exc:
        raise RateLimited(
            f"mediatrack keeps {name} under its request limit; try again in {_seconds(exc.wait)}.",
            provider=name,
            retry_after=exc.wait,
        ) from None
    except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema) as exc:
        raise CatalogNotConfigured(
            f"The {name} address {url!r} is not a valid URL; check {provider.url_setting}.",
            provider=name,
            detail=str(exc),
        ) from None
    except requests.exceptions.Timeout as exc:
        raise Unavailable(
            f"{name} ({host}) did not answer in time; try again later.",
            provider=name,
            detail=str(exc),
        ) from None
    except requests.exceptions.ConnectionError as exc:
        raise Unavailable(
            f"Cannot reach {name} ({host}); check your network connection.",
            provider=name,
            detail=str(exc),
        ) from None
    except requests.exceptions.RequestException as exc:
        raise Unavailable(
            f"The request to {name} ({host}) failed; try again later.",
            provider=name,
            detail=str(exc),
        ) from None


def _raise_for_status(response: requests.Response, provider: Provider, what: str | None) -> None:
    status = response.status_code
    if status < 400:
        return
    name = provider.name
    body = _json_or_none(response)
    detail = _detail(body) or response.reason
    if provider.classify is not None:
        error = provider.classify(status, body)
        if error is not None:
            error.status = error.status or status
            error.detail = error.detail or detail
            raise error
    common: dict[str, Any] = {"provider": name, "status": status, "detail": detail}
    if status in (401, 403):
        raise AuthFailed(f"{name} rejected our credentials; {provider.auth_hint}.", **common)
    if status == 404:
        thing = what or "such item"
        raise NotFound(f"{name} has no {thing}.", **common)
    if status == 429:
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        later = f"in {_seconds(wait)}" if wait is not None else "in a minute"
        raise RateLimited(
            f"{name} is receiving too many requests from us; try again {later}.",
            retry_after=wait,
            **common,
        )
    if status >= 500:
        raise Unavailable(f"{name} is having trouble (HTTP {status}); try again later.", **common)
    raise CatalogError(f"{name} refused the request (HTTP {status}: {detail}).", **common)


def _seconds(value: float) -> str:
    whole = max(1, round(value))
    return "1 second" if whole == 1 else f"{whole} seconds"


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header (seconds, or an HTTP date) as seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError):
        return None


def _detail(body: Any) -> str | None:
    """The provider's own error message, from TMDB's or Google's error body."""
    if not isinstance(body, dict):
        return None
    for holder in (body, body.get("error")):
        if isinstance(holder, dict):
            for key in ("status_message", "message", "errorMessage"):
                if isinstance(holder.get(key), str):
                    return holder[key]
    return None
