"""History events, runs and notes as people read them, for the CLI and the app alike."""

from __future__ import annotations

import datetime as dt

from mediatrack.display.dates import local_time
from mediatrack.display.entries import SEPARATOR
from mediatrack.display.text import NAME_LIMIT, inert
from mediatrack.kinds import Kind
from mediatrack.records import FriendNote, HistoryEvent, ItemNote

VERBS = {"watched": "Watched", "listened": "Listened to", "finished": "Finished"}


def when_text(event: HistoryEvent) -> str:
    """When it happened, local time; a finish date known only by its day is that day."""
    if event.event == "finished" and event.at.time() == dt.time(0):
        return event.at.date().isoformat()
    return local_time(event.at)


def what_text(event: HistoryEvent) -> str:
    """``Watched S1E2 · Pilot``, ``Listened to Episode 12``, ``Finished`` (a book: ``Read``)."""
    verb = VERBS.get(event.event, event.event.capitalize())
    if event.event == "finished" and event.key.kind is Kind.BOOK:
        verb = "Finished reading"
    parts = [verb]
    if event.season is not None and event.episode is not None:
        parts.append(f"S{event.season}E{event.episode}")
    text = " ".join(parts)
    if event.detail:
        text += f" · {event.detail}" if len(parts) > 1 else f" {event.detail}"
    return text


def run_text(run: int) -> str:
    """``run 2``; empty for a first run (most items have only one)."""
    return f"run {run}" if run > 1 else ""


def runs_badge(runs: int) -> str:
    """``x2`` (a multiplication sign) beside a status once an item was finished more than once."""
    return f"\N{MULTIPLICATION SIGN}{runs}" if runs > 1 else ""


def note_lines(text: str, limit: int = 12) -> str:
    """A note as the detail pane shows it: at most ``limit`` lines."""
    lines = text.splitlines()
    if len(lines) > limit:
        lines = [*lines[:limit], "…"]
    return "\n".join(lines)


FRIEND_NOTES_SHOWN = 3  # friends' notes in the detail pane; the rest as "and N more"
FRIEND_NOTE_LINES = 6  # lines of each: the user's own note keeps the most room


def friend_notes_shown(notes: tuple[FriendNote, ...]) -> tuple[tuple[FriendNote, ...], str]:
    """The friends' notes the detail pane shows, and ``and 2 more`` (or "") for the rest."""
    more = len(notes) - FRIEND_NOTES_SHOWN
    return notes[:FRIEND_NOTES_SHOWN], f"and {more} more" if more > 0 else ""


NOTE_LINE_LIMIT = 100  # a note's first characters on a show's or podcast's own screen


def note_summary(note: ItemNote | None, friend_notes: int) -> str:
    """``Your note: the bank scene… · 2 friends' notes`` on one line, inert ("" when neither):
    a show's or podcast's screen has no room for the whole note (``n`` opens it)."""
    parts = []
    if note is not None:
        sharing = "shared" if note.shared else "private"
        parts.append(f"Your note ({sharing}): {inert(note.text, limit=NOTE_LINE_LIMIT)}")
    if friend_notes:
        parts.append(
            f"{friend_notes} friend's note"
            if friend_notes == 1
            else f"{friend_notes} friends' notes"
        )
    return SEPARATOR.join(parts)


FRIEND_NOTE_LIMIT = 120  # with the name, two lines at 80 columns: a longer note ends in "…"


def friend_note_line(note: FriendNote) -> str:
    """``Ana's note: the bank scene``, on one line and inert (a friend's library)."""
    text = inert(note.text, limit=FRIEND_NOTE_LIMIT)
    return f"{inert(note.friend_name, limit=NAME_LIMIT)}'s note: {text}"


TITLE_LIMIT = 24  # the history table's item column, so "What" keeps its room at 80 columns


def history_cells(event: HistoryEvent, with_run: bool) -> list[str]:
    """One history row as the app's table shows it: when, item, what (and run), inert."""
    cells = [when_text(event), inert(event.title, limit=TITLE_LIMIT), inert(what_text(event))]
    return [*cells, run_text(event.run)] if with_run else cells
