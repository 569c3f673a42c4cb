"""Progress typed by a person, read by the rules of each kind.

A book takes the page you are on; a show an episode code (``S2E5``: every
regular episode up to and including it watched, none after) or a count; a
podcast a count of episodes listened; a movie 0 or 1. Anything else is one
sentence (``InvalidValue``), and nothing is written.
"""

from __future__ import annotations

from mediatrack.kinds import KINDS, Kind
from mediatrack.records import EntryKey, LibraryEntry
from mediatrack.services.episodes import EPISODE_CODE, Episodes
from mediatrack.services.library import InvalidValue, Library

HINTS = {
    Kind.BOOK: "The page you are on, like 120.",
    Kind.TV: "An episode like S2E5 (it and every episode before it watched), or a count.",
    Kind.PODCAST: "How many episodes you have listened to.",
    Kind.MOVIE: "1 for watched, 0 for not watched.",
}


def progress_hint(entry: LibraryEntry) -> str:
    """What to type for ``entry``, with its total when known."""
    hint = HINTS[entry.kind]
    if entry.total is not None and entry.kind is not Kind.MOVIE:
        hint += f" It has {entry.total} {KINDS[entry.kind].unit}s."
    return hint


def progress_as_text(entry: LibraryEntry) -> str:
    """The current progress as the user would type it (``S2E5`` for a show under way)."""
    if entry.kind is Kind.TV and entry.last_episode:
        return entry.last_episode
    return str(entry.progress)


def _count(text: str, kind: Kind) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidValue(f"{text!r} is not a number. {HINTS[kind]}") from None


def apply_progress_text(
    user_id: str, key: EntryKey, text: str, *, confirm: bool = False
) -> LibraryEntry:
    """Set ``key``'s progress from what the user typed; raises ``InvalidValue`` on bad input
    and lets the library's ``NeedsConfirmation`` through."""
    text = text.strip()
    library = Library(user_id)
    if not text:
        raise InvalidValue(f"Type a value. {HINTS[key.kind]}")
    if key.kind is Kind.TV and EPISODE_CODE.match(text):
        target = _regular_episode(user_id, key, text)
        return library.watch_exactly_through(key, target, confirm=confirm)
    progress = _count(text, key.kind)
    if key.kind is Kind.MOVIE and progress not in (0, 1):
        raise InvalidValue(f"A movie is watched or not: {HINTS[Kind.MOVIE]}")
    if progress < 0:
        raise InvalidValue(f"Progress cannot be negative ({progress}).")
    return library.set_progress(key, progress, confirm=confirm)


def _regular_episode(user_id: str, key: EntryKey, code: str) -> int:
    """The id of the regular episode ``code`` names."""
    episodes = Episodes(user_id)
    regular = [e for e in episodes.show_episodes(key) if e.season_number > 0]
    if not regular:
        raise InvalidValue(
            "This show has no episode list: type how many episodes you have watched."
        )
    target = episodes.find(key, code)
    if target.season_number == 0:
        raise InvalidValue(
            "Specials do not count as progress: tick them on the show's screen (enter)."
        )
    return target.id
