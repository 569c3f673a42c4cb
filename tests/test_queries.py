"""Library reads: the SQL they run, their counts and their text filter."""

from __future__ import annotations

import contextlib
import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peewee import SqliteDatabase

from mediatrack.kinds import KINDS, Kind
from mediatrack.services.library import Library, NewItem
from mediatrack.store import queries
from mediatrack.store.models import LOCAL_USER_ID, MediaItem, User

PROGRESS_TABLE = {
    Kind.TV: "user_progress",
    Kind.MOVIE: "user_progress",
    Kind.BOOK: "user_book_progress",
    Kind.PODCAST: "user_podcast_progress",
}
ITEM_TABLE = {
    Kind.TV: "media_items",
    Kind.MOVIE: "media_items",
    Kind.BOOK: "books",
    Kind.PODCAST: "podcasts",
}


@pytest.fixture
def recorded_sql(db: SqliteDatabase, monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every (sql, params) the database runs from now on."""
    statements: list[tuple] = []
    execute_sql = db.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        statements.append((sql, params))
        return execute_sql(sql, params, *args, **kwargs)

    monkeypatch.setattr(db, "execute_sql", recording)
    return statements


def fill_catalog(db: SqliteDatabase) -> None:
    """A show with seasons and episodes, so a query touching them would have rows to read."""
    show = MediaItem.create(tmdb_id=1396, type="tv", title="Breaking Bad", number_of_episodes=2)
    db.execute_sql(
        "INSERT INTO seasons (created_at, updated_at, media_item_id, tmdb_id, season_number, name) "
        "VALUES ('2024-01-01', '2024-01-01', ?, 3572, 1, 'Season 1')",
        (show.id,),
    )
    for number in (1, 2):
        db.execute_sql(
            "INSERT INTO episodes (created_at, updated_at, season_id, tmdb_id, episode_number, "
            "name) VALUES ('2024-01-01', '2024-01-01', 1, ?, ?, ?)",
            (62084 + number, number, f"Episode {number}"),
        )


def plan(db: SqliteDatabase, sql: str, params) -> list[str]:
    return [row[-1] for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params)]


def index_names(db: SqliteDatabase, table: str) -> set[str]:
    return {row[1] for row in db.execute_sql(f'PRAGMA index_list("{table}")')}


@pytest.mark.parametrize("status_filter", [True, False], ids=["status+text", "text"])
@pytest.mark.parametrize("kind", list(Kind))
def test_listing_reads_progress_by_index_and_never_episodes(
    db: SqliteDatabase, library: Library, recorded_sql: list[tuple], kind: Kind, status_filter: bool
) -> None:
    fill_catalog(db)
    library.add(NewItem(kind, "Something", 2001))
    recorded_sql.clear()
    status = KINDS[kind].plan_status if status_filter else None

    found = queries.library_entries(LOCAL_USER_ID, kind, status=status, text="some")

    assert [entry.title for entry in found] == ["Something"]
    assert len(recorded_sql) == 1
    sql, params = recorded_sql[0]
    aliases = dict(re.findall(r'"(\w+)" AS "(\w+)"', sql))
    progress_alias = aliases[PROGRESS_TABLE[kind]]
    item_alias = aliases[ITEM_TABLE[kind]]
    steps = plan(db, sql, params)
    # A show's last and next episode are read by primary key (from watch_positions);
    # episodes and seasons are never scanned or searched by anything else.
    episode_aliases = {
        alias
        for table, alias in re.findall(r'"(\w+)" AS "(\w+)"', sql)
        if table in ("episodes", "seasons")
    }
    assert not episode_aliases or kind is Kind.TV or kind is Kind.MOVIE
    for step in steps:
        names = set(re.findall(r"\b(\w+)\b", step))
        if names & episode_aliases:
            assert "USING INTEGER PRIMARY KEY" in step, step

    progress_steps = [step for step in steps if re.search(rf"\b{progress_alias}\b", step)]
    assert len(progress_steps) == 1
    used = re.match(
        rf"SEARCH {progress_alias} USING (?:COVERING )?INDEX (\w+) \((.*)\)", progress_steps[0]
    )
    assert used, progress_steps[0]
    assert used.group(1) in index_names(db, PROGRESS_TABLE[kind])
    assert used.group(2).startswith("user_id=?")
    if status_filter:
        assert "status=?" in used.group(2)
    assert any(step.startswith(f"SEARCH {item_alias} USING INTEGER PRIMARY KEY") for step in steps)
    assert not [step for step in steps if step.startswith("SCAN")]


# --- counts -------------------------------------------------------------------


def add_with_status(library: Library, kind: Kind, titles_by_status: dict[str, list[str]]) -> None:
    for status, titles in titles_by_status.items():
        for title in titles:
            library.add(NewItem(kind, title), status)


@pytest.mark.parametrize("kind", list(Kind))
def test_status_counts(library: Library, kind: Kind) -> None:
    info = KINDS[kind]
    wanted = {
        info.statuses[0]: ["A", "B", "C"],
        info.statuses[1]: ["D"],
        info.statuses[3]: ["E", "F"],
    }
    add_with_status(library, kind, wanted)
    removed = library.add(NewItem(kind, "Gone"), info.statuses[1])
    library.remove(removed.key, confirm=True)
    other_kind = Kind.BOOK if kind is not Kind.BOOK else Kind.PODCAST
    library.add(NewItem(other_kind, "Elsewhere"), KINDS[other_kind].statuses[0])
    User.create(id="bob", name="Bob", email="bob@example.com")
    Library("bob").add(NewItem(kind, "Bob's"), info.statuses[0])

    counts = queries.status_counts(LOCAL_USER_ID, kind)

    assert counts == Counter({status: len(titles) for status, titles in wanted.items()})
    assert counts[info.statuses[2]] == 0
    assert queries.status_counts("bob", kind) == Counter({info.statuses[0]: 1})
    assert sum(counts.values()) == len(library.entries(kind))


def test_tv_and_movie_counts_are_separate(library: Library) -> None:
    library.add(NewItem(Kind.TV, "Show"), "watching")
    library.add(NewItem(Kind.MOVIE, "Film one"), "watching")
    library.add(NewItem(Kind.MOVIE, "Film two"), "completed")
    assert queries.status_counts(LOCAL_USER_ID, Kind.TV) == Counter(watching=1)
    assert queries.status_counts(LOCAL_USER_ID, Kind.MOVIE) == Counter(watching=1, completed=1)


def test_a_rating_does_not_double_count(library: Library) -> None:
    entry = library.add(NewItem(Kind.MOVIE, "Rated"), "completed")
    library.set_rating(entry.key, 6)
    library.set_rating(entry.key, None)
    library.set_rating(entry.key, 9)
    assert queries.status_counts(LOCAL_USER_ID, Kind.MOVIE) == Counter(completed=1)


# --- text filter --------------------------------------------------------------


def titles(kind: Kind, text: str) -> list[str]:
    return sorted(entry.title for entry in queries.library_entries(LOCAL_USER_ID, kind, text=text))


def test_text_matches_title_and_original_title(library: Library) -> None:
    amelie = library.add(NewItem(Kind.MOVIE, "Amelie", 2001))
    library.add(NewItem(Kind.MOVIE, "Heat", 1995))
    MediaItem.update(original_title="Le Fabuleux Destin d'Amélie Poulain").where(
        MediaItem.id == amelie.key.item_id
    ).execute()

    assert titles(Kind.MOVIE, "amelie") == ["Amelie"]
    assert titles(Kind.MOVIE, "FABULEUX") == ["Amelie"]
    assert titles(Kind.MOVIE, "heat") == ["Heat"]
    assert titles(Kind.MOVIE, "e") == ["Amelie", "Heat"]
    assert titles(Kind.MOVIE, "nothing like it") == []


def test_text_matches_book_authors(library: Library) -> None:
    library.add(NewItem(Kind.BOOK, "Dune", 1965, creator="Frank Herbert"))
    library.add(NewItem(Kind.BOOK, "Good Omens", 1990, creator="Terry Pratchett, Neil Gaiman"))
    assert titles(Kind.BOOK, "herbert") == ["Dune"]
    assert titles(Kind.BOOK, "Gaiman") == ["Good Omens"]
    assert titles(Kind.BOOK, "pratchett") == ["Good Omens"]
    assert titles(Kind.BOOK, "omens") == ["Good Omens"]
    assert titles(Kind.BOOK, "tolkien") == []
    entry = queries.library_entries(LOCAL_USER_ID, Kind.BOOK, text="gaiman")[0]
    assert entry.creator == "Terry Pratchett, Neil Gaiman"


def test_text_matches_podcast_artist(library: Library) -> None:
    library.add(NewItem(Kind.PODCAST, "Radiolab", creator="WNYC Studios"))
    library.add(NewItem(Kind.PODCAST, "Serial", creator="Serial Productions"))
    assert titles(Kind.PODCAST, "wnyc") == ["Radiolab"]
    assert titles(Kind.PODCAST, "productions") == ["Serial"]
    assert titles(Kind.PODCAST, "radio") == ["Radiolab"]
    assert titles(Kind.PODCAST, "npr") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100%", ["100% Wolf"]),
        ("e_c", ["snake_case"]),
        ("\\", ["back\\slash"]),
        ("%", ["100% Wolf"]),
    ],
)
def test_wildcards_in_the_text_match_themselves(
    library: Library, text: str, expected: list[str]
) -> None:
    for title in ("100% Wolf", "100 Wolves", "snake_case", "snakeXcase", "back\\slash"):
        library.add(NewItem(Kind.MOVIE, title))
    assert titles(Kind.MOVIE, text) == expected


def test_text_and_status_combine_and_kinds_stay_apart(library: Library) -> None:
    library.add(NewItem(Kind.TV, "The Office"), "watching")
    library.add(NewItem(Kind.TV, "The Wire"), "completed")
    library.add(NewItem(Kind.MOVIE, "The Thing"), "watching")
    found = queries.library_entries(LOCAL_USER_ID, Kind.TV, status="watching", text="the")
    assert [entry.title for entry in found] == ["The Office"]
    assert titles(Kind.TV, "the") == ["The Office", "The Wire"]
    assert titles(Kind.MOVIE, "the") == ["The Thing"]


def test_removed_items_are_not_listed(library: Library) -> None:
    kept = library.add(NewItem(Kind.BOOK, "Kept"))
    gone = library.add(NewItem(Kind.BOOK, "Gone"))
    library.remove(gone.key, confirm=True)
    listed = queries.library_entries(LOCAL_USER_ID, Kind.BOOK)
    assert [entry.key for entry in listed] == [kept.key]
    assert queries.library_entry(LOCAL_USER_ID, gone.key) is None


# --- the first page --------------------------------------------------------------


def sorted_library(library: Library, kind: Kind) -> list:
    from mediatrack.widgets.library_view import SortOrder, sort_entries

    return sort_entries(library.entries(kind), SortOrder.TITLE)


@pytest.mark.parametrize("kind", list(Kind))
def test_the_first_page_is_the_head_of_the_library_in_title_order(
    library: Library, kind: Kind
) -> None:
    for title in ["Zed", "Ça tourne", "alpha", "Beta", "Échos", "delta", "Über", "cab"]:
        library.add(NewItem(kind, title), KINDS[kind].statuses[0])
    whole = sorted_library(library, kind)

    assert queries.first_entries(LOCAL_USER_ID, kind, 3) == whole[:3]
    assert [entry.title for entry in whole[:3]] == ["alpha", "Beta", "Ça tourne"]
    assert queries.first_entries(LOCAL_USER_ID, kind, 100) == whole
    page = library.first_page(kind, 2)
    assert page.entries == whole[:2]
    assert page.total == len(whole)
    assert page.counts == dict(queries.status_counts(LOCAL_USER_ID, kind))


def test_an_empty_library_has_an_empty_first_page(library: Library) -> None:
    page = library.first_page(Kind.BOOK, 50)
    assert page.entries == [] and page.total == 0


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(titles=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=6))
def test_any_first_page_is_the_head_of_what_the_table_sorts(
    library: Library, titles: list[str]
) -> None:
    """Whatever the titles (accents, case, equal once folded), the page read first is the
    library's head as the table sorts it, so no row moves when the rest arrives."""
    from mediatrack.errors import MediatrackError

    kinds = (Kind.PODCAST, Kind.TV, Kind.MOVIE)  # shows and movies share their items table
    for title in titles:
        for kind in kinds:
            # a title may be refused (blank, or one already in the library)
            with contextlib.suppress(MediatrackError):
                library.add(NewItem(kind, title))
    for kind in kinds:
        whole = sorted_library(library, kind)
        for limit in (1, 3, len(whole) + 1):
            assert queries.first_entries(LOCAL_USER_ID, kind, limit) == whole[:limit]
