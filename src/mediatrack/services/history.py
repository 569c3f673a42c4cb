"""History, rewatches and notes: what the user did and when, runs again, a note per item."""

from __future__ import annotations

from mediatrack.display.entries import status_label
from mediatrack.kinds import KINDS
from mediatrack.records import EntryKey, HistoryEvent, ItemNote, LibraryEntry
from mediatrack.services.library import InvalidValue, LibraryError, NeedsConfirmation, UnknownItem
from mediatrack.store import history as history_rows
from mediatrack.store import notes as note_rows
from mediatrack.store import queries, runs, snapshots
from mediatrack.store.db import LOCAL_USER_ID, connection, transaction

NOTE_LIMIT = 10_000  # characters: a note, not a diary
PAGE = 50


class CannotRepeat(LibraryError):
    """Only a finished show, movie or book starts again."""


class History:
    """One user's history, runs and notes. Safe to call from any thread."""

    def __init__(self, user_id: str = LOCAL_USER_ID) -> None:
        self.user_id = user_id

    def events(
        self, key: EntryKey | None = None, *, limit: int = PAGE, offset: int = 0
    ) -> list[HistoryEvent]:
        """A page of what the user did (everything, or one item), newest first."""
        if limit < 1:
            raise InvalidValue(f"A history shows at least 1 entry, not {limit}.")
        if offset < 0:
            raise InvalidValue(f"{offset} is not a place in the history.")
        with connection():
            entry = self._require(key) if key is not None else None
            found = history_rows.history(self.user_id, key, limit=limit, offset=offset)
            if key is None or entry is None:
                return found
            current = runs.runs_done(self.user_id, key)
            table_runs = current - (entry.status == KINDS[key.kind].done_status)
        # a tick of the current run is numbered after the runs before it
        return [
            event if event.run or event.event == "finished" else _with_run(event, table_runs + 1)
            for event in found
        ]

    # --- notes --------------------------------------------------------------------

    def note(self, key: EntryKey) -> ItemNote | None:
        with connection():
            self._require(key)
            return note_rows.read(self.user_id, key)

    def set_note(
        self,
        key: EntryKey,
        text: str | None,
        *,
        shared: bool | None = None,
        confirm: bool = False,
    ) -> ItemNote | None:
        """Write (or, with an empty text, clear) the note; ``shared`` None keeps its sharing.

        Clearing a note asks first (``NeedsConfirmation``): its text is gone for good.
        """
        text = check_note(text)
        with transaction():
            entry = self._require(key)
            if not text and not confirm and note_rows.read(self.user_id, key) is not None:
                raise NeedsConfirmation(
                    f"Delete your note on {entry.title}? Its text cannot be brought back."
                )
            note_rows.write(self.user_id, key, text, shared)
            return note_rows.read(self.user_id, key)

    # --- runs ---------------------------------------------------------------------

    def start_again(
        self, key: EntryKey, *, confirm: bool = False
    ) -> tuple[LibraryEntry, int, snapshots.ItemSnapshot]:
        """Rewatch or reread a finished item: a new run at 0, the old one kept in the history.

        Asks first (``NeedsConfirmation``): the progress shown starts again at 0.
        Returns the entry, the new run's number and a snapshot that undoes it.
        """
        with transaction():
            entry = self._require(key)
            info = KINDS[key.kind]
            if key.kind not in runs.REPEATABLE:
                raise CannotRepeat(f"A {info.noun} has no rewatch: tick its episodes instead.")
            if entry.status != info.done_status:
                raise CannotRepeat(
                    f"{entry.title} is {status_label(entry.status).lower()}, not "
                    f"{status_label(info.done_status).lower()}: only a finished {info.noun} "
                    f"starts again."
                )
            if not confirm:
                raise NeedsConfirmation(repeat_question(entry))
            before = snapshots.take(self.user_id, key)
            run = runs.start_again(self.user_id, key)
            found = queries.library_entry(self.user_id, key)
            assert found is not None
            return found, run, before

    def _require(self, key: EntryKey) -> LibraryEntry:
        entry = queries.library_entry(self.user_id, key)
        if entry is None:
            raise UnknownItem(f"There is no item {key} in your library (see `mediatrack list`).")
        return entry


def check_note(text: str | None) -> str:
    """The note as it is kept (trimmed); ``InvalidValue`` when it is too long."""
    text = (text or "").strip()
    if len(text) > NOTE_LIMIT:
        raise InvalidValue(
            f"A note holds at most {NOTE_LIMIT:,} characters; this one has {len(text):,}."
        )
    return text


def _with_run(event: HistoryEvent, run: int) -> HistoryEvent:
    from dataclasses import replace

    return replace(event, run=run)


def repeat_verb(entry: LibraryEntry) -> str:
    """``Rewatch`` a show or movie, ``Reread`` a book."""
    return "Reread" if entry.kind.value == "book" else "Rewatch"


def repeat_question(entry: LibraryEntry) -> str:
    info = KINDS[entry.kind]
    return (
        f"{repeat_verb(entry)} {entry.title}? Its progress starts again at 0 "
        f"({status_label(info.active_status).lower()}); this run stays in its history."
    )
