"""The four kinds of media mediatrack tracks, and what differs between them.

Everything that varies by kind (its statuses, its unit of progress, its
catalog id) is written here once, so screens, services and the CLI agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    TV = "tv"
    MOVIE = "movie"
    BOOK = "book"
    PODCAST = "podcast"


WATCH_STATUSES = ("watching", "completed", "plan_to_watch", "dropped")
BOOK_STATUSES = ("reading", "completed", "plan_to_read", "dropped")
PODCAST_STATUSES = ("listening", "listened", "plan_to_listen", "dropped")


@dataclass(frozen=True, slots=True)
class KindInfo:
    kind: Kind
    label: str  # the screen's title: "Shows"
    noun: str  # one item: "show"
    statuses: tuple[str, ...]
    active_status: str  # what progress moves a planned item to
    done_status: str
    plan_status: str  # the default when adding
    unit: str  # what progress counts: "episode"
    creator_label: str  # the column beside the title
    catalog: str  # where items come from
    catalog_option: str  # the CLI option that carries the catalog id
    completes_at_total: bool  # reaching the known total marks it done


KINDS: dict[Kind, KindInfo] = {
    Kind.TV: KindInfo(
        Kind.TV,
        "Shows",
        "show",
        WATCH_STATUSES,
        "watching",
        "completed",
        "plan_to_watch",
        "episode",
        "Year",
        "TMDB",
        "--tmdb-id",
        True,
    ),
    Kind.MOVIE: KindInfo(
        Kind.MOVIE,
        "Movies",
        "movie",
        WATCH_STATUSES,
        "watching",
        "completed",
        "plan_to_watch",
        "viewing",
        "Year",
        "TMDB",
        "--tmdb-id",
        True,
    ),
    Kind.BOOK: KindInfo(
        Kind.BOOK,
        "Books",
        "book",
        BOOK_STATUSES,
        "reading",
        "completed",
        "plan_to_read",
        "page",
        "Author",
        "Google Books",
        "--google-id",
        True,
    ),
    Kind.PODCAST: KindInfo(
        Kind.PODCAST,
        "Podcasts",
        "podcast",
        PODCAST_STATUSES,
        "listening",
        "listened",
        "plan_to_listen",
        "episode",
        "Artist",
        "iTunes",
        "--itunes-id",
        False,  # a podcast keeps publishing: listening to all of today's is not "listened"
    ),
}


def parse_kind(value: str) -> Kind:
    """Accept the CLI's spellings of a kind (``tv``, ``show``, ``shows``, ``movies``...)."""
    aliases = {"show": Kind.TV, "shows": Kind.TV, "series": Kind.TV}
    text = value.strip().lower()
    if text in aliases:
        return aliases[text]
    try:
        return Kind(text.removesuffix("s"))
    except ValueError:
        raise ValueError(f"Unknown kind {value!r}: use one of tv, movie, book, podcast.") from None
