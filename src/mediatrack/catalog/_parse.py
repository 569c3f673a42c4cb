"""Defensive readers for decoded JSON: a missing optional field is None, a wrong type is an error.

The readers raise ``ShapeError`` naming the path (``results[2].id``);
``reading(provider)`` turns it into a ``BadResponse`` sentence, so a provider
changing its format never reaches the user as a traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mediatrack.catalog.errors import BadResponse

MAX_TITLE = 500  # characters of a title or name; the library refuses longer hand entries


def clip(text: str | None, limit: int = MAX_TITLE) -> str | None:
    """``text`` cut to ``limit`` characters (ending in an ellipsis when cut)."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "\u2026"


class ShapeError(Exception):
    """A decoded JSON value is not what the parser expects."""


@contextmanager
def reading(provider: str) -> Iterator[None]:
    """Turn a ``ShapeError`` raised while parsing into a ``BadResponse`` for ``provider``."""
    try:
        yield
    except ShapeError as exc:
        raise BadResponse(
            f"{provider} sent data mediatrack cannot read ({exc}); try again later.",
            provider=provider,
            detail=str(exc),
        ) from None


class Fields:
    """Typed access to one JSON object; ``where`` names it in error messages."""

    __slots__ = ("data", "where")

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise ShapeError(f"{where} is not an object")
        self.data: dict[str, Any] = data
        self.where = where

    def _path(self, key: str) -> str:
        return f"{self.where}.{key}"

    def _get(self, key: str) -> Any:
        return self.data.get(key)

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def req_int(self, key: str) -> int:
        value = self.opt_int(key)
        if value is None:
            raise ShapeError(f"{self._path(key)} is missing")
        return value

    def opt_int(self, key: str) -> int | None:
        value = self._get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ShapeError(f"{self._path(key)} is not a whole number")
        return value

    def opt_float(self, key: str) -> float | None:
        value = self._get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ShapeError(f"{self._path(key)} is not a number")
        return float(value)

    def opt_bool(self, key: str) -> bool | None:
        value = self._get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise ShapeError(f"{self._path(key)} is not true or false")
        return value

    def req_str(self, key: str) -> str:
        value = self.opt_str(key)
        if value is None:
            raise ShapeError(f"{self._path(key)} is missing")
        return value

    def opt_str(self, key: str) -> str | None:
        """Text, with an empty or blank string read as None (TMDB sends ``""`` for unknown)."""
        value = self._get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise ShapeError(f"{self._path(key)} is not text")
        return value if value.strip() else None

    def title(self, key: str) -> str:
        """A title or name: required text, cut to ``MAX_TITLE`` characters."""
        return clip(self.req_str(key))  # type: ignore[return-value]

    def opt_title(self, key: str) -> str | None:
        return clip(self.opt_str(key))

    def id_text(self, key: str) -> str:
        """An id that may come as a number or as text; returned as text."""
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
            raise ShapeError(f"{self._path(key)} is not an id")
        return str(value)

    def opt_date(self, key: str) -> dt.date | None:
        """A ``YYYY-MM-DD`` date; a partial date (``"2019"``) reads as None."""
        text = self.opt_str(key)
        if text is None:
            return None
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None

    def opt_datetime(self, key: str) -> dt.datetime | None:
        """An ISO 8601 timestamp, returned in UTC; unparseable text reads as None."""
        text = self.opt_str(key)
        if text is None:
            return None
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC)

    def list(self, key: str) -> list[Any]:
        """A list; missing reads as empty."""
        value = self._get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise ShapeError(f"{self._path(key)} is not a list")
        return value

    def objects(self, key: str) -> Iterator[Fields]:
        """Each element of a list of objects."""
        for index, item in enumerate(self.list(key)):
            yield Fields(item, f"{self._path(key)}[{index}]")

    def str_tuple(self, key: str) -> tuple[str, ...]:
        """A list of names (authors, genres), each cut to ``MAX_TITLE`` characters."""
        values = self.list(key)
        for index, item in enumerate(values):
            if not isinstance(item, str):
                raise ShapeError(f"{self._path(key)}[{index}] is not text")
        return tuple(clip(item) for item in values if item.strip())  # type: ignore[misc]

    def obj(self, key: str) -> Fields:
        return Fields(self._get(key), self._path(key))

    def opt_obj(self, key: str) -> Fields | None:
        value = self._get(key)
        return None if value is None else Fields(value, self._path(key))


def year_of(text: str | None) -> int | None:
    """The year of an ISO date or partial date (``"1990"``, ``"2016-11-17"``)."""
    if text and len(text) >= 4 and text[:4].isdigit():
        return int(text[:4])
    return None
