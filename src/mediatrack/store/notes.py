"""A user's private note on an item (one per item), and whether friends may read it."""

from __future__ import annotations

from mediatrack.records import EntryKey, ItemNote
from mediatrack.store.models import NOTE_TABLES, database, utcnow


def read(user_id: str, key: EntryKey) -> ItemNote | None:
    model, field = NOTE_TABLES[key.kind]
    row = model.get_or_none(
        (model.user == user_id)
        & (getattr(model, field) == key.item_id)
        & model.deleted_at.is_null()
    )
    return ItemNote(row.note, bool(row.note_shared)) if row is not None else None


def write(user_id: str, key: EntryKey, text: str | None, shared: bool | None = None) -> None:
    """Set the note (``shared`` None keeps its sharing); an empty or None text clears it."""
    model, field = NOTE_TABLES[key.kind]
    now = utcnow()
    item = getattr(model, field)
    with database.atomic():
        row = model.get_or_none((model.user == user_id) & (item == key.item_id))
        if not text:
            if row is not None and row.deleted_at is None:
                row.deleted_at, row.updated_at = now, now
                row.save()
            return
        if row is None:
            model.insert(
                {
                    model.user: user_id,
                    item: key.item_id,
                    model.note: text,
                    model.note_shared: bool(shared),
                    model.created_at: now,
                    model.updated_at: now,
                }
            ).execute()
            return
        if shared is None:
            shared = bool(row.note_shared) if row.deleted_at is None else False
        row.note, row.note_shared, row.deleted_at, row.updated_at = text, shared, None, now
        row.save()


def all_notes(user_id: str) -> list[tuple[EntryKey, ItemNote]]:
    """Every live note of the user's, for a backup."""
    from mediatrack.kinds import Kind

    found: list[tuple[EntryKey, ItemNote]] = []
    for kind in (Kind.TV, Kind.BOOK, Kind.PODCAST):  # TV's table holds movies' notes too
        model, field = NOTE_TABLES[kind]
        item = getattr(model, field)
        query = model.select(item, model.note, model.note_shared).where(
            (model.user == user_id) & model.deleted_at.is_null()
        )
        if kind is Kind.TV:
            from mediatrack.store.models import MediaItem

            query = query.select_extend(MediaItem.type).join(MediaItem, on=(item == MediaItem.id))
            for item_id, note, shared, media_type in query.tuples().iterator():
                found.append((EntryKey(Kind(media_type), item_id), ItemNote(note, bool(shared))))
        else:
            for item_id, note, shared in query.tuples().iterator():
                found.append((EntryKey(kind, item_id), ItemNote(note, bool(shared))))
    return found
