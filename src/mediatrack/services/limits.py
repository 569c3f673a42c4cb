"""Sane bounds for what people type: titles, names, counts and catalog ids.

Checked at the edges (hand entry, catalog ids typed on the command line), so an
absurd value ends in one sentence instead of reaching SQLite: a 50,000-character
title breaks a ``LIKE`` search, and a number past 2**63 cannot be stored at all.
Catalog answers are cut to the same title length when they are parsed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mediatrack.catalog._parse import MAX_TITLE
from mediatrack.kinds import KINDS, Kind

if TYPE_CHECKING:
    from mediatrack.services.library import NewItem

MAX_NAME = MAX_TITLE  # an author or artist, as typed (several, comma-separated)
MAX_COUNT = 1_000_000  # episodes, pages, progress
MAX_SQLITE_INT = 2**63 - 1
_GOOGLE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _refused(message: str) -> Exception:
    """The library's ``InvalidValue`` (imported late: ``services.library`` imports this module)."""
    from mediatrack.services.library import InvalidValue

    return InvalidValue(message)


def check_new_item(item: NewItem) -> None:
    """What a person typed to add an item by hand: title, author/artist, total and catalog id."""
    check_title(item.title)
    if item.creator is not None:
        check_title(item.creator, "An author or artist")
    check_count(item.total, "A total")
    if item.catalog_id is not None:
        check_catalog_id(item.kind, item.catalog_id)


def check_title(title: str, what: str = "A title") -> str:
    """``title`` unchanged, or ``InvalidValue`` when it is longer than ``MAX_TITLE``."""
    if len(title) > MAX_TITLE:
        raise _refused(
            f"{what} can be at most {MAX_TITLE} characters long (this one has {len(title):,})."
        )
    return title


def check_count(value: int | None, what: str) -> int | None:
    """A count (episodes, pages, progress) no larger than ``MAX_COUNT``; None passes."""
    if value is not None and abs(value) > MAX_COUNT:
        raise _refused(f"{what} of {_short(value)} is more than mediatrack can track.")
    return value


def check_catalog_id(kind: Kind, value: str) -> str:
    """A catalog id as typed, stripped; refused unless it can be one of ``kind``'s catalog."""
    text = value.strip()
    if kind in (Kind.TV, Kind.MOVIE):
        if not (text.isascii() and text.isdigit()):
            raise _refused(f"A TMDB id is a whole number, not {_short(value)!r}.")
        if not 0 < int(text) <= MAX_SQLITE_INT:
            raise _refused(f"{_short(text)} is not a TMDB id: it is out of range.")
        return str(int(text))
    if kind is Kind.PODCAST:
        if not (text.isascii() and text.isdigit() and len(text) <= 18):
            raise _refused(f"An iTunes id is a whole number, not {_short(value)!r}.")
        return text
    if not _GOOGLE_ID.fullmatch(text):
        noun = KINDS[kind].noun
        raise _refused(f"{_short(value)!r} is not a Google Books id for a {noun}.")
    return text


def _short(value: object) -> str:
    """A value quoted in a sentence, cut so the sentence stays one line."""
    text = str(value)
    return text if len(text) <= 40 else f"{text[:37]}..."
