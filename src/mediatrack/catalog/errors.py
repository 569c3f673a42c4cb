"""What can go wrong when asking a catalog, as one small hierarchy.

Every error's ``str()`` is one sentence a user understands and names the
provider, so the TUI can ``notify(str(error))`` and the CLI can print it.
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

from mediatrack.errors import MediatrackError


class CatalogError(MediatrackError):
    """A catalog request failed; ``str(error)`` is the sentence to show."""

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        status: int | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status = status  # the HTTP status, when there was a response
        self.detail = detail  # the provider's own words, for logs and --verbose

    def __str__(self) -> str:
        return self.message

    def reworded(self, message: str) -> Self:
        """The same error (class, status, detail...) with another sentence."""
        return _restore(type(self), message, {**self.__dict__, "message": message})

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments defeat the default pickling (and copy) of exceptions.
        return (_restore, (type(self), self.message, dict(self.__dict__)))


E = TypeVar("E", bound=CatalogError)


def _restore(cls: type[E], message: str, state: dict[str, Any]) -> E:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class CatalogNotConfigured(CatalogError):
    """The provider needs a credential that is not set."""


NotConfigured = CatalogNotConfigured  # the older name, for code written before the rename


class AuthFailed(CatalogError):
    """The provider refused our credential (401, 403, an invalid key)."""


class NotFound(CatalogError):
    """The provider has no such item (404, or an empty lookup)."""


class RateLimited(CatalogError):
    """Too many requests; ``retry_after`` is the wait in seconds when known."""

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        status: int | None = None,
        detail: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, provider=provider, status=status, detail=detail)
        self.retry_after = retry_after


class Unavailable(CatalogError):
    """The provider cannot be reached or is failing: offline, a timeout, a 5xx."""


class BadResponse(CatalogError):
    """The provider answered with something we cannot read: not JSON, or the wrong shape."""
