"""Writes to the library's catalog rows that a user makes by hand."""

from __future__ import annotations

from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.store.models import Book, MediaItem, Podcast, utcnow


def set_item_total(key: EntryKey, total: int) -> None:
    """Record the number of episodes or pages of an item no catalog counts for us."""
    now = utcnow()
    if key.kind is Kind.TV:
        query = MediaItem.update(number_of_episodes=total, updated_at=now).where(
            MediaItem.id == key.item_id
        )
    elif key.kind is Kind.BOOK:
        query = Book.update(page_count=total, updated_at=now).where(Book.id == key.item_id)
    elif key.kind is Kind.PODCAST:
        query = Podcast.update(episode_count=total, updated_at=now).where(Podcast.id == key.item_id)
    else:
        raise ValueError(f"{key.kind} has no total to set")
    query.execute()
