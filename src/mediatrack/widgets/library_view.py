"""What a library table shows: the loaded entries narrowed by status and text, then sorted.

Plain Python, no widgets: the filter runs on every keystroke, so it works on
folded haystacks (accents and case away, ``mediatrack.folding``) computed once
per load, not on the database.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from mediatrack.display.entries import status_label
from mediatrack.folding import fold
from mediatrack.records import EntryKey, LibraryEntry


class SortOrder(Enum):
    """Sort orders, in the order the sort key cycles through them."""

    TITLE = ("title", "A-Z")
    UPDATED = ("last updated", "newest first")
    RATING = ("rating", "highest first")
    RELEASED = ("release date", "newest first")

    @property
    def label(self) -> str:
        return self.value[0]

    @property
    def direction(self) -> str:
        return self.value[1]

    def next(self) -> SortOrder:
        members = list(SortOrder)
        return members[(members.index(self) + 1) % len(members)]


@functools.lru_cache(maxsize=1 << 16)
def _folded_title(title: str) -> str:
    """Cached: every change resorts the whole library, and its titles rarely change."""
    return fold(title)


def _title(entry: LibraryEntry) -> str:
    return _folded_title(entry.title)


def sort_entries(entries: list[LibraryEntry], order: SortOrder) -> list[LibraryEntry]:
    """Sort in ``order``; ties, and items with no rating or date, fall back to title order
    (then the item's id, as the store's first page does)."""
    entries = sorted(entries, key=lambda entry: (_title(entry), entry.key.item_id))
    if order is SortOrder.UPDATED:
        entries.sort(key=lambda entry: entry.updated_at, reverse=True)
    elif order is SortOrder.RATING:
        entries.sort(key=lambda entry: entry.rating or 0, reverse=True)
    elif order is SortOrder.RELEASED:
        entries.sort(key=lambda entry: entry.release_date or "", reverse=True)
    return entries


@dataclass(slots=True)
class _Row:
    entry: LibraryEntry
    haystack: str


@dataclass(frozen=True, slots=True)
class Prepared:
    """Entries with their folded haystacks, sorted in ``order``: the costly part of
    loading a large library, done by the worker that read it rather than between frames."""

    rows: dict[EntryKey, _Row]
    ordered: list[_Row]
    order: SortOrder

    def __len__(self) -> int:
        return len(self.rows)


def prepare(entries: Iterable[LibraryEntry], order: SortOrder) -> Prepared:
    rows = {entry.key: _Row(entry, entry.search_text) for entry in entries}
    ordered = sort_entries([row.entry for row in rows.values()], order)
    return Prepared(rows, [rows[entry.key] for entry in ordered], order)


MATCHES_KEPT = 32  # filter texts whose matches are kept, for backspace and retyping


class LibraryView:
    """The entries of one kind, and the status, text and order the user chose.

    Entries are sorted when they or the order change; a keystroke in the
    filter only scans the sorted rows, and only those that matched a text it
    contains ("sta" scans what "st" matched): typing stays quick at 100k items.
    """

    def __init__(self) -> None:
        self._rows: dict[EntryKey, _Row] = {}
        self._ordered: list[_Row] = []
        self.status: str | None = None  # None: all statuses
        self.text = ""
        self.order = SortOrder.TITLE
        self.visible: list[LibraryEntry] = []
        # rows matching (folded text, status), and their entries, for ``_ordered`` only
        self._matches: dict[tuple[str, str | None], tuple[list[_Row], list[LibraryEntry]]] = {}
        self._matched_in: list[_Row] = self._ordered
        self._filtered_by: tuple[str, str | None] = ("", None)  # ``visible``'s text, status

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: EntryKey) -> bool:
        return key in self._rows

    def load(self, entries: Iterable[LibraryEntry] | Prepared) -> None:
        prepared = entries if isinstance(entries, Prepared) else prepare(entries, self.order)
        self._rows = prepared.rows
        if prepared.order is not self.order:  # the order changed while it was prepared
            self.resort()
            return
        self._ordered = prepared.ordered
        self.refresh()

    def put(self, entry: LibraryEntry) -> None:
        """Insert or replace one entry (after a change), keeping the newer of two versions."""
        current = self._rows.get(entry.key)
        if current is not None and current.entry.updated_at > entry.updated_at:
            return
        self._rows[entry.key] = _Row(entry, entry.search_text)
        self.resort()

    def discard(self, key: EntryKey) -> None:
        if self._rows.pop(key, None) is not None:
            self.resort()

    def set_order(self, order: SortOrder) -> None:
        self.order = order
        self.resort()

    def counts(self) -> Counter[str]:
        """Entries per status, before the text filter (what the status tabs show)."""
        return Counter(row.entry.status for row in self._rows.values())

    def resort(self) -> None:
        ordered = sort_entries([row.entry for row in self._rows.values()], self.order)
        self._ordered = [self._rows[entry.key] for entry in ordered]
        self.refresh()

    def refresh(self) -> None:
        """Recompute ``visible`` from the status and text filters."""
        needle = fold(self.text.strip())
        status = self.status
        if self._matched_in is not self._ordered:  # other rows, or another order
            self._matches.clear()
            self._matched_in = self._ordered
        matched = self._matches.get((needle, status))
        if matched is None:
            rows = [
                row
                for row in self._narrowest(needle, status)
                if (status is None or row.entry.status == status) and needle in row.haystack
            ]
            matched = rows, [row.entry for row in rows]
            if len(self._matches) >= MATCHES_KEPT:
                del self._matches[next(iter(self._matches))]  # the oldest
            self._matches[(needle, status)] = matched
        self._filtered_by = needle, status
        self.visible = matched[1]

    def _narrowest(self, needle: str, status: str | None) -> list[_Row]:
        """The fewest rows that hold every match of ``needle``: those of a kept text it
        contains (a row whose haystack holds ``needle`` holds that text too), else all."""
        narrowest = self._ordered
        for (text, kept_status), (rows, _) in self._matches.items():
            if text in needle and kept_status in (None, status) and len(rows) < len(narrowest):
                narrowest = rows
        return narrowest

    def index_of(self, key: EntryKey | None) -> int | None:
        """Where ``key`` is among the visible rows; None at once when the filters hide it."""
        row = self._rows.get(key) if key is not None else None
        needle, status = self._filtered_by
        if row is None or (status is not None and row.entry.status != status):
            return None
        if needle not in row.haystack:
            return None
        for index, entry in enumerate(self.visible):
            if entry.key == key:
                return index
        return None


def no_match_text(view: LibraryView, nouns: str) -> str:
    """Why a library that has items shows none: the status tab, the filter, or both.

    ``No shows marked dropped.``; ``No shows match 'xyz'. Escape clears the filter.``
    """
    where = f" marked {status_label(view.status).lower()}" if view.status else ""
    text = view.text.strip()
    if not text:
        return f"No {nouns}{where}."
    return f"No {nouns}{where} match '{text}'. Escape clears the filter."
