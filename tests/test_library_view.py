"""The library view's filter: narrowing from earlier matches never changes what is shown."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from mediatrack.folding import fold
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey, LibraryEntry
from mediatrack.widgets.library_view import LibraryView, SortOrder, sort_entries

STATUSES = ["watching", "completed", "dropped"]
LETTERS = "abcsté "


def entry(number: int, title: str, status: str, day: int = 1) -> LibraryEntry:
    return LibraryEntry(
        key=EntryKey(Kind.TV, number),
        title=title,
        original_title=None,
        creator=None,
        release_date="2017-12-01",
        status=status,
        progress=0,
        total=10,
        rating=number % 5 or None,
        updated_at=dt.datetime(2026, 1, day),
        catalog_id=str(number),
    )


def full_scan(view: LibraryView, entries: dict[EntryKey, LibraryEntry]) -> list[EntryKey]:
    """What the filter must show: every entry, checked afresh, in the view's order."""
    needle = fold(view.text.strip())
    ordered = sort_entries(list(entries.values()), view.order)
    return [
        e.key
        for e in ordered
        if (view.status is None or e.status == view.status) and needle in e.search_text
    ]


titles = st.text(alphabet=LETTERS, min_size=1, max_size=8)
actions = st.one_of(
    st.tuples(st.just("type"), st.sampled_from(LETTERS)),
    st.tuples(st.just("erase"), st.integers(1, 3)),
    st.tuples(st.just("status"), st.sampled_from([None, *STATUSES])),
    st.tuples(st.just("put"), st.integers(0, 12), titles, st.sampled_from(STATUSES)),
    st.tuples(st.just("discard"), st.integers(0, 12)),
    st.tuples(st.just("sort"), st.none()),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(titles, st.sampled_from(STATUSES)), max_size=12),
    st.lists(actions, max_size=40),
)
def test_any_sequence_of_edits_shows_what_a_full_scan_finds(start, steps) -> None:
    entries = {
        e.key: e for e in (entry(n, title, status) for n, (title, status) in enumerate(start))
    }
    view = LibraryView()
    view.load(list(entries.values()))
    day = 2
    for step in steps:
        match step:
            case ("type", letter):
                view.text += letter
                view.refresh()
            case ("erase", count):
                view.text = view.text[:-count]
                view.refresh()
            case ("status", status):
                view.status = status
                view.refresh()
            case ("put", number, title, status):
                day = min(day + 1, 28)
                changed = entry(number, title, status, day)
                entries[changed.key] = changed
                view.put(changed)
            case ("discard", number):
                key = EntryKey(Kind.TV, number)
                entries.pop(key, None)
                view.discard(key)
            case ("sort", _):
                view.set_order(view.order.next())
        expected = full_scan(view, entries)
        assert [e.key for e in view.visible] == expected
        for key in [*entries, EntryKey(Kind.TV, 99)]:  # where the cursor would find each
            assert view.index_of(key) == (expected.index(key) if key in expected else None)


def test_a_longer_text_scans_only_what_the_shorter_one_matched() -> None:
    view = LibraryView()
    view.load(
        [entry(n, title, "watching") for n, title in enumerate(["Star", "Best", "Stab", "Dark"])]
    )
    view.text = "st"
    view.refresh()
    kept, _ = view._matches[("st", None)]
    view.text = "sta"
    view.refresh()
    narrower, _ = view._matches[("sta", None)]
    assert view._narrowest("star", None) is narrower
    assert len(narrower) < len(kept) == 3
    assert [e.title for e in view.visible] == ["Stab", "Star"]
    assert view.order is SortOrder.TITLE
