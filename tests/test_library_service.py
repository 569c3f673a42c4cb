"""The library use-cases: adding, removing, status, progress and rating rules."""

from __future__ import annotations

import uuid

import pytest

from mediatrack.kinds import BOOK_STATUSES, KINDS, PODCAST_STATUSES, WATCH_STATUSES, Kind
from mediatrack.records import EntryKey, LibraryEntry
from mediatrack.services.library import (
    AlreadyInLibrary,
    InvalidValue,
    Library,
    NewItem,
    UnknownItem,
)
from mediatrack.store.models import (
    Book,
    MediaItem,
    Podcast,
    Rating,
    UserBookProgress,
    UserPodcastProgress,
    UserProgress,
)

ALL_STATUSES = set(WATCH_STATUSES) | set(BOOK_STATUSES) | set(PODCAST_STATUSES)
CATALOG_IDS = {Kind.TV: "1396", Kind.MOVIE: "603", Kind.BOOK: "zyTCAlFPjgYC", Kind.PODCAST: "1"}


def state(entry: LibraryEntry) -> tuple:
    """What a user sees of an entry, including when it last changed."""
    return (entry.status, entry.progress, entry.total, entry.rating, entry.updated_at)


def snapshot(library: Library) -> list[tuple]:
    return sorted((str(entry.key), entry.title, *state(entry)) for entry in library.all_entries())


def item_row(entry: LibraryEntry):
    model = {Kind.BOOK: Book, Kind.PODCAST: Podcast}.get(entry.kind, MediaItem)
    return model.get_by_id(entry.key.item_id)


def progress_rows(entry: LibraryEntry) -> list:
    if entry.kind is Kind.BOOK:
        return list(UserBookProgress.select().where(UserBookProgress.book == entry.key.item_id))
    if entry.kind is Kind.PODCAST:
        return list(
            UserPodcastProgress.select().where(UserPodcastProgress.podcast == entry.key.item_id)
        )
    return list(UserProgress.select().where(UserProgress.media_item == entry.key.item_id))


def with_total(library: Library, kind: Kind, total: int, status: str | None = None):
    return library.add(NewItem(kind, f"A {kind} of {total}", total=total), status)


# --- adding -------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(Kind))
def test_add_each_kind(library: Library, kind: Kind) -> None:
    entry = library.add(NewItem(kind, "  Title  ", 1999, creator="Someone", total=12))
    assert entry.kind is kind
    assert entry.title == "Title"
    assert entry.year == 1999
    assert entry.status == KINDS[kind].plan_status
    assert entry.progress == 0
    assert entry.rating is None
    assert library.entries(kind) == [entry]
    assert library.entry(entry.key) == entry
    expected_total = {Kind.MOVIE: 1}.get(kind, 12)
    assert entry.total == expected_total


def test_add_keeps_the_creator(library: Library) -> None:
    book = library.add(NewItem(Kind.BOOK, "Good Omens", creator="Terry Pratchett, Neil Gaiman"))
    podcast = library.add(NewItem(Kind.PODCAST, "Radiolab", creator="WNYC Studios"))
    assert item_row(book).authors == ["Terry Pratchett", "Neil Gaiman"]
    assert book.creator == "Terry Pratchett, Neil Gaiman"
    assert podcast.creator == "WNYC Studios"


@pytest.mark.parametrize("kind", [Kind.MOVIE, Kind.TV])
def test_hand_made_movie_or_show_gets_a_negative_tmdb_id(library: Library, kind: Kind) -> None:
    first = library.add(NewItem(kind, "First"))
    second = library.add(NewItem(kind, "Second"))
    ids = [item_row(first).tmdb_id, item_row(second).tmdb_id]
    assert all(tmdb_id < 0 for tmdb_id in ids)
    assert ids[0] != ids[1]
    assert first.catalog_id == str(ids[0])
    assert item_row(first).type == kind.value


@pytest.mark.parametrize(
    ("kind", "column"), [(Kind.BOOK, "google_id"), (Kind.PODCAST, "itunes_id")]
)
def test_hand_made_book_or_podcast_gets_a_local_id(
    library: Library, kind: Kind, column: str
) -> None:
    first = library.add(NewItem(kind, "First"))
    second = library.add(NewItem(kind, "Second"))
    ids = [getattr(item_row(first), column), getattr(item_row(second), column)]
    for local_id in ids:
        prefix, _, rest = local_id.partition(":")
        assert prefix == "local"
        uuid.UUID(rest)
    assert ids[0] != ids[1]
    assert first.catalog_id == ids[0]


@pytest.mark.parametrize("kind", list(Kind))
def test_add_with_a_catalog_id_stores_it(library: Library, kind: Kind) -> None:
    entry = library.add(NewItem(kind, "From the catalog", catalog_id=CATALOG_IDS[kind]))
    assert entry.catalog_id == CATALOG_IDS[kind]


@pytest.mark.parametrize("kind", list(Kind))
def test_adding_the_same_catalog_id_twice_is_refused(library: Library, kind: Kind) -> None:
    first = library.add(NewItem(kind, "Original", catalog_id=CATALOG_IDS[kind]))
    before = snapshot(library)
    with pytest.raises(AlreadyInLibrary) as refused:
        library.add(NewItem(kind, "Another title", catalog_id=CATALOG_IDS[kind]))
    assert refused.value.entry.key == first.key
    assert snapshot(library) == before


def test_the_same_tmdb_id_may_be_a_movie_and_a_show(library: Library) -> None:
    movie = library.add(NewItem(Kind.MOVIE, "Film", catalog_id="42"))
    show = library.add(NewItem(Kind.TV, "Show", catalog_id="42"))
    assert movie.key != show.key
    assert {item_row(movie).type, item_row(show).type} == {"movie", "tv"}


@pytest.mark.parametrize("kind", list(Kind))
def test_adding_the_same_title_and_year_by_hand_is_refused(library: Library, kind: Kind) -> None:
    first = library.add(NewItem(kind, "Solaris", 1972))
    before = snapshot(library)
    with pytest.raises(AlreadyInLibrary) as refused:
        library.add(NewItem(kind, "solaris", 1972))
    assert refused.value.entry.key == first.key
    assert snapshot(library) == before
    remake = library.add(NewItem(kind, "Solaris", 2002))
    assert remake.key != first.key
    assert len(library.entries(kind)) == 2


def test_the_same_title_may_be_two_kinds(library: Library) -> None:
    book = library.add(NewItem(Kind.BOOK, "Dune", 1965))
    movie = library.add(NewItem(Kind.MOVIE, "Dune", 1965))
    assert book.key.kind is Kind.BOOK and movie.key.kind is Kind.MOVIE


@pytest.mark.parametrize(
    ("item", "status"),
    [
        (NewItem(Kind.MOVIE, "   "), None),
        (NewItem(Kind.MOVIE, "X", year=99), None),
        (NewItem(Kind.TV, "X", total=-1), None),
        (NewItem(Kind.MOVIE, "X", catalog_id="abc"), None),
        (NewItem(Kind.MOVIE, "X", catalog_id="-5"), None),
        (NewItem(Kind.BOOK, "X"), "watching"),
    ],
    ids=["empty title", "year", "negative total", "tmdb text", "tmdb negative", "status"],
)
def test_add_refuses_bad_values_and_writes_nothing(
    library: Library, item: NewItem, status: str | None
) -> None:
    with pytest.raises(InvalidValue):
        library.add(item, status)
    assert library.all_entries() == []
    assert MediaItem.select().count() == Book.select().count() == 0


# --- removing -----------------------------------------------------------------


@pytest.mark.parametrize("kind", list(Kind))
def test_remove_then_re_add_revives_the_same_row(library: Library, kind: Kind) -> None:
    other = with_total(library, kind, 3)
    entry = library.add(NewItem(kind, "From the catalog", catalog_id=CATALOG_IDS[kind]))
    library.update(entry.key, status=KINDS[kind].statuses[0], progress=1, rating=8)

    removed = library.remove(entry.key, confirm=True)
    assert removed.key == entry.key
    assert entry.key not in [listed.key for listed in library.entries(kind)]
    with pytest.raises(UnknownItem):
        library.entry(entry.key)
    assert progress_rows(entry)[0].deleted_at is not None

    revived = library.add(NewItem(kind, "From the catalog", catalog_id=CATALOG_IDS[kind]))
    assert revived.key == entry.key
    assert (revived.status, revived.progress, revived.rating) == (KINDS[kind].plan_status, 0, None)
    rows = progress_rows(entry)
    assert len(rows) == 1
    assert rows[0].deleted_at is None
    assert sorted(listed.key.item_id for listed in library.entries(kind)) == sorted(
        [other.key.item_id, entry.key.item_id]
    )


def test_removing_a_movie_tombstones_its_rating(library: Library) -> None:
    movie = library.add(NewItem(Kind.MOVIE, "Heat", catalog_id="949"))
    library.set_rating(movie.key, 9)
    library.remove(movie.key, confirm=True)
    assert Rating.get(Rating.media_item == movie.key.item_id).deleted_at is not None


def test_a_hand_made_item_can_be_added_again_after_removal(library: Library) -> None:
    first = library.add(NewItem(Kind.BOOK, "Notebook", 2020))
    library.remove(first.key, confirm=True)
    again = library.add(NewItem(Kind.BOOK, "Notebook", 2020))
    assert [entry.key for entry in library.entries(Kind.BOOK)] == [again.key]


def test_unknown_items_are_refused(library: Library) -> None:
    missing = EntryKey(Kind.TV, 12345)
    for call in (
        lambda: library.entry(missing),
        lambda: library.remove(missing, confirm=True),
        lambda: library.set_status(missing, "watching"),
        lambda: library.set_progress(missing, 1),
        lambda: library.step_progress(missing, 1),
        lambda: library.set_rating(missing, 5),
        lambda: library.update(missing, status="watching"),
    ):
        with pytest.raises(UnknownItem):
            call()


def test_an_item_of_one_kind_is_not_found_as_another(library: Library) -> None:
    show = library.add(NewItem(Kind.TV, "Show"))
    with pytest.raises(UnknownItem):
        library.entry(EntryKey(Kind.MOVIE, show.key.item_id))


# --- status -------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(Kind))
def test_set_status_accepts_only_the_kinds_statuses(library: Library, kind: Kind) -> None:
    entry = library.add(NewItem(kind, "Item"))
    own = KINDS[kind].statuses
    for status in [*sorted(ALL_STATUSES - set(own)), "", "Watching", "finished"]:
        before = library.entry(entry.key)
        with pytest.raises(InvalidValue, match=repr(status)):
            library.set_status(entry.key, status)
        assert library.entry(entry.key) == before
    for status in own:
        assert library.set_status(entry.key, status).status == status


@pytest.mark.parametrize("kind", [Kind.TV, Kind.MOVIE, Kind.BOOK])
def test_marking_done_fills_progress(library: Library, kind: Kind) -> None:
    entry = with_total(library, kind, 5 if kind is not Kind.MOVIE else 1)
    done = library.set_status(entry.key, KINDS[kind].done_status)
    assert done.progress == done.total == entry.total


def test_marking_a_podcast_listened_keeps_its_progress(library: Library) -> None:
    entry = with_total(library, Kind.PODCAST, 40)
    library.set_progress(entry.key, 10)
    assert library.set_status(entry.key, "listened").progress == 10


# --- progress -----------------------------------------------------------------


@pytest.mark.parametrize("kind", list(Kind))
def test_step_progress_stays_between_zero_and_total(library: Library, kind: Kind) -> None:
    total = 1 if kind is Kind.MOVIE else 3
    entry = with_total(library, kind, total)
    assert library.step_progress(entry.key, -1).progress == 0
    assert library.step_progress(entry.key, -10).progress == 0
    assert library.step_progress(entry.key, 1).progress == 1
    assert library.step_progress(entry.key, 100).progress == total
    assert library.step_progress(entry.key, 1).progress == total
    assert library.step_progress(entry.key, -total - 5).progress == 0


def test_step_progress_without_a_total_has_no_ceiling(library: Library) -> None:
    book = library.add(NewItem(Kind.BOOK, "Unknown length"))
    assert book.total is None
    assert library.step_progress(book.key, 250).progress == 250
    assert library.step_progress(book.key, -300).progress == 0


def test_a_step_that_changes_nothing_writes_nothing(library: Library) -> None:
    entry = with_total(library, Kind.TV, 2)
    assert library.step_progress(entry.key, -1).updated_at == entry.updated_at


@pytest.mark.parametrize("kind", list(Kind))
def test_set_progress_beyond_total_is_refused(library: Library, kind: Kind) -> None:
    total = 1 if kind is Kind.MOVIE else 4
    entry = with_total(library, kind, total)
    library.set_progress(entry.key, total - 1 if total > 1 else 0)
    before = library.entry(entry.key)
    for bad in (total + 1, total + 100, -1):
        with pytest.raises(InvalidValue):
            library.set_progress(entry.key, bad)
        assert library.entry(entry.key) == before


# A movie has one viewing, so its first step is also its last: see the test below.
@pytest.mark.parametrize("total", [10, None], ids=["known total", "unknown total"])
@pytest.mark.parametrize("kind", [Kind.TV, Kind.BOOK, Kind.PODCAST])
def test_progress_moves_a_planned_item_to_the_active_status(
    library: Library, kind: Kind, total: int | None
) -> None:
    info = KINDS[kind]
    entry = library.add(NewItem(kind, "Stepped", total=total))
    assert entry.status == info.plan_status
    assert library.step_progress(entry.key, 1).status == info.active_status
    other = library.add(NewItem(kind, "Set directly", total=total))
    assert library.set_progress(other.key, 2).status == info.active_status


@pytest.mark.parametrize("kind", [Kind.TV, Kind.MOVIE, Kind.BOOK])
def test_reaching_the_total_marks_done(library: Library, kind: Kind) -> None:
    total = 1 if kind is Kind.MOVIE else 3
    entry = with_total(library, kind, total)
    done = library.set_progress(entry.key, total)
    assert done.status == KINDS[kind].done_status
    back = library.step_progress(entry.key, -1)
    assert back.status == KINDS[kind].active_status
    assert library.step_progress(entry.key, 1).status == KINDS[kind].done_status


def test_reaching_a_podcasts_episode_count_does_not_mark_it_listened(library: Library) -> None:
    entry = with_total(library, Kind.PODCAST, 3)
    assert library.set_progress(entry.key, 3).status == "listening"
    assert library.step_progress(entry.key, 5).progress == 3
    assert library.entry(entry.key).status == "listening"


def test_a_dropped_item_stays_dropped_at_its_total(library: Library) -> None:
    entry = with_total(library, Kind.TV, 2, "dropped")
    assert library.set_progress(entry.key, 2).status == "dropped"


# --- rating -------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(Kind))
def test_rating_from_one_to_ten_and_clearing(library: Library, kind: Kind) -> None:
    entry = library.add(NewItem(kind, "Rated"))
    for rating in range(1, 11):
        assert library.set_rating(entry.key, rating).rating == rating
        assert library.entry(entry.key).rating == rating
    assert library.set_rating(entry.key, None).rating is None
    assert library.entry(entry.key).rating is None
    assert library.set_rating(entry.key, 3).rating == 3


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("rating", [0, 11, -1, 100])
def test_ratings_out_of_range_are_refused(library: Library, kind: Kind, rating: int) -> None:
    entry = library.add(NewItem(kind, "Rated"))
    library.set_rating(entry.key, 7)
    with pytest.raises(InvalidValue):
        library.set_rating(entry.key, rating)
    assert library.entry(entry.key).rating == 7


# --- update: several changes at once --------------------------------------------


def test_update_applies_every_change(library: Library) -> None:
    entry = with_total(library, Kind.BOOK, 300)
    changed = library.update(entry.key, status="reading", progress=120, rating=8)
    assert (changed.status, changed.progress, changed.rating) == ("reading", 120, 8)
    assert library.entry(entry.key) == changed


def test_update_keeps_an_explicit_status_beside_progress(library: Library) -> None:
    show = with_total(library, Kind.TV, 10)
    library.set_status(show.key, "completed")
    changed = library.update(show.key, status="completed", progress=3)
    assert (changed.status, changed.progress) == ("completed", 3)
    planned = library.update(show.key, status="plan_to_watch", progress=5)
    assert (planned.status, planned.progress) == ("plan_to_watch", 5)


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "reading", "rating": 11},
        {"status": "reading", "progress": 301},
        {"status": "reading", "progress": -1},
        {"status": "watching", "progress": 10},
        {"progress": 10, "rating": 0},
    ],
    ids=["bad rating", "past total", "negative", "bad status", "zero rating"],
)
def test_update_is_all_or_nothing(library: Library, changes: dict) -> None:
    entry = with_total(library, Kind.BOOK, 300)
    library.update(entry.key, progress=5, rating=4)
    before = library.entry(entry.key)
    with pytest.raises(InvalidValue):
        library.update(entry.key, **changes)
    assert library.entry(entry.key) == before


def test_update_rolls_back_when_a_late_step_fails(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = with_total(library, Kind.TV, 10)
    before = library.entry(entry.key)

    def failing_rating(key, rating):
        raise InvalidValue("the rating could not be stored")

    monkeypatch.setattr(library, "set_rating", failing_rating)
    with pytest.raises(InvalidValue):
        library.update(entry.key, status="watching", progress=4, rating=5)
    assert library.entry(entry.key) == before


def test_update_leaves_the_rating_alone_unless_given(library: Library) -> None:
    entry = library.add(NewItem(Kind.MOVIE, "Kept rating"))
    library.set_rating(entry.key, 6)
    assert library.update(entry.key, status="watching").rating == 6
    assert library.update(entry.key, rating=None).rating is None
