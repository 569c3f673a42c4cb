"""A user's note on an item (one live at most), and whether friends may read it.

A private note and a shared one are separate rows (``note_shared`` is part of
the key). Sharing or taking back a note moves its text to the other row and
tombstones the old one: the tombstone of a shared row, its text blanked, is
what tells a friend's device to drop its copy (friends can read only shared rows).
"""

from __future__ import annotations

from typing import Any

from mediatrack.records import EntryKey, ItemNote
from mediatrack.store.models import NOTE_TABLES, NoteModel, database, utcnow


def _rows(user_id: str, key: EntryKey) -> tuple[type[NoteModel], Any, list[NoteModel]]:
    model, field = NOTE_TABLES[key.kind]
    item = getattr(model, field)
    rows = list(
        model.select()
        .where((model.user == user_id) & (item == key.item_id))
        .order_by(model.updated_at.desc())
    )
    return model, item, rows


def read(user_id: str, key: EntryKey) -> ItemNote | None:
    """The live note; after edits on two devices at once, the latest."""
    _, _, rows = _rows(user_id, key)
    live = next((row for row in rows if row.deleted_at is None), None)
    return ItemNote(live.note, bool(live.note_shared)) if live is not None else None


def write(user_id: str, key: EntryKey, text: str | None, shared: bool | None = None) -> None:
    """Set the note (``shared`` None keeps its sharing); an empty or None text clears it."""
    now = utcnow()
    with database.atomic():
        model, item, rows = _rows(user_id, key)
        live = [row for row in rows if row.deleted_at is None]
        if shared is None:
            shared = bool(live[0].note_shared) if live else False
        for row in live:
            if text and bool(row.note_shared) == shared:
                continue
            row.deleted_at, row.updated_at = now, now
            if row.note_shared:
                row.note = ""  # a tombstone friends read carries nothing
            row.save()
        if not text:
            return
        keep = next((row for row in rows if bool(row.note_shared) == shared), None)
        if keep is None:
            model.insert(
                {
                    model.user: user_id,
                    item: key.item_id,
                    model.note: text,
                    model.note_shared: shared,
                    model.created_at: now,
                    model.updated_at: now,
                }
            ).execute()
        elif (keep.note, keep.deleted_at) != (text, None):
            keep.note, keep.deleted_at, keep.updated_at = text, None, now
            keep.save()


def restore(user_id: str, key: EntryKey, text: str, shared: bool, *, overwrite: bool) -> None:
    """A backup's note. Unless ``overwrite``, only where the user has never had one:
    a note written or cleared since the backup stands (the backup carries no time)."""
    if not overwrite and _rows(user_id, key)[2]:
        return
    write(user_id, key, text, shared)
