"""The requests / urllib3 pieces behind ``http.build_session``.

Kept apart from ``http.py`` because importing requests, urllib3 and
requests-cache costs start-up time: this module is imported only when the
first session is built.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from requests_cache import CachedResponse
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry

from mediatrack.catalog.ratelimit import Limiter

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class PatientRetry(Retry):
    """A ``Retry`` that honours ``Retry-After``, but gives up when it asks for too long a wait.

    urllib3 would sleep for whatever the server asks (an hour, for a spent quota);
    a worker behind the TUI should rather report "try again in N seconds" at once.
    """

    def __init__(self, *args: Any, give_up_after: float = 10.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.give_up_after = give_up_after

    def new(self, **kw: Any) -> PatientRetry:
        kw.setdefault("give_up_after", self.give_up_after)
        return super().new(**kw)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> PatientRetry:
        if response is not None and error is None and self.respect_retry_after_header:
            wait = self.get_retry_after(response)
            if wait is not None and wait > self.give_up_after:
                # With raise_on_status=False urllib3 then hands back this response.
                raise MaxRetryError(_pool, url, ResponseError(f"Retry-After {wait:.0f} s"))
        return super().increment(method, url, response, error, _pool, _stacktrace)


class GuardedAdapter(HTTPAdapter):
    """An adapter that always sets a timeout and passes the provider's rate limit first.

    Only requests that reach the network get here (requests-cache answers hits
    before the adapter), so cached answers cost no rate-limit slot.
    """

    def __init__(
        self, *, timeout: tuple[float, float], limiter: Limiter | None, max_retries: Retry
    ) -> None:
        super().__init__(max_retries=max_retries)
        self.default_timeout = timeout
        self.limiter = limiter

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        if self.limiter is not None:
            self.limiter.acquire()
        return super().send(request, **kwargs)


class AcceptingSession(requests_cache.CachedSession):
    """A cached session that stores a new answer only once the client has accepted it.

    requests-cache saves every 200 as it arrives, so a captive portal's HTML page
    or a half-sent body answered with 200 would be served from the cache for a
    day. Here the write is held on the response instead, and ``accept`` performs
    it once the caller has read the body as the answer it expected; ``forget``
    drops an answer from the cache (one stored by an older mediatrack, say).
    """

    _PENDING = "_mediatrack_pending_write"
    BYPASS = "X-Mediatrack-Bypass-Cache"  # set by ``http``, removed here: never sent

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._write = self.cache.save_response
        self.cache.save_response = self._hold  # type: ignore[method-assign]

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> Any:  # type: ignore[override]
        """A request marked ``BYPASS`` goes straight to the network: no cache read, key or write.

        A refresh asks for what the provider says now; reading and writing the
        cache for it cost more than the request on a fast connection.
        """
        if request.headers.pop(self.BYPASS, None) is not None:
            for name in ("expire_after", "only_if_cached", "refresh", "force_refresh"):
                kwargs.pop(name, None)
            return requests.Session.send(self, request, **kwargs)
        return super().send(request, **kwargs)

    def _hold(self, response: Any, cache_key: str | None = None, expires: Any = None) -> None:
        if isinstance(response, CachedResponse):
            self._write(response, cache_key, expires)  # revalidated (304): accepted before
        else:
            setattr(response, self._PENDING, (cache_key, expires))

    def accept(self, response: requests.Response) -> None:
        """Store ``response`` if it came from the network; a failing cache is not an error."""
        pending = getattr(response, self._PENDING, None)
        if pending is None:
            return
        delattr(response, self._PENDING)
        try:
            self._write(response, *pending)
        except (sqlite3.Error, OSError) as error:  # a full disk, a read-only cache dir
            log.warning("mediatrack could not cache %s: %s", response.url, error)

    def forget(self, response: requests.Response) -> None:
        key = getattr(response, "cache_key", None)
        if key:
            try:
                self.cache.delete(key)
            except (sqlite3.Error, OSError) as error:
                log.warning("mediatrack could not drop %s from its cache: %s", response.url, error)


def accept(session: requests.Session, response: requests.Response) -> None:
    """The client read ``response`` as the answer it expected: the cache may keep it."""
    if isinstance(session, AcceptingSession):
        session.accept(response)


def forget(session: requests.Session, response: requests.Response) -> None:
    """``response`` came from the cache but cannot be read: never serve it again."""
    if isinstance(session, AcceptingSession):
        session.forget(response)


def make_session(
    *,
    user_agent: str,
    timeout: tuple[float, float],
    retries: int,
    backoff_factor: float,
    backoff_max: float,
    give_up_after: float,
    limiter: Limiter | None,
    cache_path: Path | None,
    expire_after: int,
) -> requests.Session:
    retry = PatientRetry(
        total=retries,
        connect=min(retries, 1),  # offline stays offline: one quick second try is enough
        read=False,  # a read timeout already cost the full read timeout: re-raise it as is
        status=retries,
        other=0,
        redirect=5,
        allowed_methods=frozenset({"GET"}),
        status_forcelist=RETRY_STATUSES,
        backoff_factor=backoff_factor,
        backoff_max=backoff_max,
        respect_retry_after_header=True,
        raise_on_status=False,  # hand back the last 429/5xx so its status and headers map to errors
        give_up_after=give_up_after,
    )
    session: requests.Session
    if cache_path is None:
        session = requests.Session()
    else:
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        session = AcceptingSession(
            cache_name=str(cache_path),
            backend="sqlite",
            wal=True,
            expire_after=expire_after,
            allowable_methods=("GET",),
            allowable_codes=(200,),
            stale_if_error=True,
            # Credentials never form part of the cache key nor get stored with the response.
            ignored_parameters=("api_key", "key", "Authorization", "access_token"),
            match_headers=False,
        )
    adapter = GuardedAdapter(timeout=timeout, limiter=limiter, max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent
    return session
