"""The requests / urllib3 pieces behind ``http.build_session``.

Kept apart from ``http.py`` because importing requests, urllib3 and
requests-cache costs start-up time: this module is imported only when the
first session is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry

from mediatrack.catalog.ratelimit import Limiter

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
        session = requests_cache.CachedSession(
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
