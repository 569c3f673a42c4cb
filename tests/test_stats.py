"""Stats figures against libraries whose answers are known, and against a naive count."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediatrack.figures import Period, Ranked, Standout
from mediatrack.kinds import Kind
from mediatrack.services.stats import StatsError, StatsService, period_for
from mediatrack.store.db import connection
from mediatrack.store.models import ALL_MODELS, LOCAL_USER_ID, User, database
from stats_library import book, known_library, movie, show

TODAY = dt.date(2026, 3, 15)


@pytest.fixture
def known(db) -> None:
    with connection():
        known_library()


def months_of(stats, kind: Kind) -> dict[str, int]:
    return {
        month: count
        for month, count in zip(stats.period.months, stats.completed[kind], strict=True)
        if count
    }


def test_a_year_in_review_counts_what_was_finished_watched_read_and_listened(known):
    stats = StatsService().stats(2025, TODAY)
    assert months_of(stats, Kind.MOVIE) == {"2025-03": 1, "2025-12": 1}  # Ronin at 23:59:59
    assert months_of(stats, Kind.TV) == {"2025-08": 1}  # Dark is still under way
    assert months_of(stats, Kind.BOOK) == {"2025-09": 1, "2025-10": 2}  # Dune's finish day
    assert months_of(stats, Kind.PODCAST) == {"2025-04": 1}
    assert stats.total_completed == 7
    used = stats.consumption
    # Heat 170 (Ronin unknown) + Dark E1 60 (E2 unknown, E3 in 2026) + Fleabag 25 + 25
    assert (used.minutes_watched, used.runtime_unknown) == (280, 2)
    assert (used.pages_read, used.pages_unknown) == (720, 1)  # Dune 600 + Notes' page 120
    assert used.episodes_listened == 3
    assert stats.ratings[Kind.MOVIE][8] == 1 and stats.ratings[Kind.MOVIE][6] == 1
    assert sum(stats.ratings[Kind.MOVIE]) == 2  # Gone (removed) and Alien (2026) are not here
    assert stats.ratings[Kind.TV] == [0] * 9 + [1]
    assert stats.rated == 6 and stats.average_rating == pytest.approx(49 / 6)
    assert stats.genres == [
        Ranked("Crime", 2),
        Ranked("Fiction", 2),
        Ranked("Action", 1),
        Ranked("Comedy", 1),
        Ranked("Drama", 1),
        Ranked("True Crime", 1),
    ]
    assert stats.authors == [Ranked("Frank Herbert", 2), Ranked("Ann Lee", 1)]
    assert stats.best == [
        Standout(Kind.TV, "Fleabag", 10),
        Standout(Kind.BOOK, "Dune", 9),
        Standout(Kind.MOVIE, "Heat", 9),
        Standout(Kind.PODCAST, "Serial", 8),
        Standout(Kind.MOVIE, "Ronin", 7),
    ]
    assert stats.busiest_month == ("2025-10", 2)


def test_the_next_year_starts_at_midnight(known):
    stats = StatsService().stats(2026, TODAY)
    assert months_of(stats, Kind.MOVIE) == {"2026-01": 1}
    assert stats.total_completed == 1
    assert stats.consumption.minutes_watched == 117 + 45
    assert stats.consumption.runtime_unknown == 0
    assert stats.consumption.episodes_listened == 1
    assert stats.rated == 0 and stats.average_rating is None  # Alien is not rated
    assert stats.busiest_month == ("2026-01", 1)


def test_the_last_twelve_months_end_with_this_one(known):
    stats = StatsService().stats(None, TODAY)
    assert stats.period == Period(dt.date(2025, 4, 1), dt.date(2026, 4, 1))
    assert stats.period.months[0] == "2025-04" and stats.period.months[-1] == "2026-03"
    assert stats.total_completed == 7  # Heat (March 2025) is out, Alien (2026) is in
    assert stats.completed_of(Kind.MOVIE) == 2


def test_an_empty_library_has_all_zeros(db):
    stats = StatsService().stats(2025, TODAY)
    assert stats.total_completed == 0 and stats.genres == [] and stats.best == []
    assert stats.consumption.minutes_watched == 0


def test_another_user_s_library_does_not_count(db):
    with connection():
        User.create(id="ana", name="Ana", email="ana@example.com")
        movie("Heat", runtime=170, on="2025-03-05", rating=9, user="ana")
    assert StatsService().stats(2025, TODAY).total_completed == 0
    assert StatsService("ana").stats(2025, TODAY).total_completed == 1


def test_a_year_to_come_or_long_gone_is_refused():
    with pytest.raises(StatsError, match="2027 is not a year"):
        period_for(2027, TODAY)
    assert period_for(2026, TODAY) == Period(dt.date(2026, 1, 1), dt.date(2027, 1, 1), 2026)


def test_the_cli_prints_the_same_figures(known, cli):
    result = cli("stats", "--year", "2025", "--json")
    assert result.code == 0, result.err
    import json

    figures = json.loads(result.out)
    assert figures["completed_total"] == {"tv": 1, "movie": 2, "book": 3, "podcast": 1}
    assert (figures["minutes_watched"], figures["runtime_unknown"]) == (280, 2)
    assert figures["pages_read"] == 720 and figures["episodes_listened"] == 3
    assert figures["ratings"]["tv"]["10"] == 1
    text = cli("stats", "--year", "2025").out
    assert "Watched: 4 h 40 min (runtime unknown for 2)" in text
    assert "Read: 720 pages (page count unknown for 1 book)" in text
    assert "Busiest month: Oct 2025 (2 items)" in text
    assert "Frank Herbert" in text


# --- a property: the SQL totals are a naive count of the same rows ------------------------

DAYS = st.dates(dt.date(2024, 11, 1), dt.date(2026, 2, 28))
MOVIES = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(1, 300)),  # runtime
        st.sampled_from(["completed", "watching", "dropped", "plan_to_watch"]),
        DAYS,
        st.booleans(),  # removed
        st.one_of(st.none(), st.integers(1, 10)),  # rating
    ),
    max_size=12,
)
BOOKS = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(1, 900)),
        st.sampled_from(["completed", "reading"]),
        DAYS,
        st.booleans(),
    ),
    max_size=6,
)
TICKS = st.lists(st.tuples(st.one_of(st.none(), st.integers(1, 90)), DAYS), max_size=10)


def _empty() -> None:
    with database.atomic():
        for model in reversed(ALL_MODELS):
            if model is not User:
                model.delete().execute()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(movies=MOVIES, books=BOOKS, ticks=TICKS, removed_show=st.booleans())
def test_stats_totals_equal_a_naive_count(db, movies, books, ticks, removed_show):
    with connection():
        _empty()
        for index, (runtime, status, day, removed, rating) in enumerate(movies):
            movie(
                f"m{index}",
                runtime=runtime,
                status=status,
                on=str(day),
                removed=removed,
                rating=rating,
            )
        for index, (pages, status, day, removed) in enumerate(books):
            book(f"b{index}", pages=pages, status=status, on=str(day), removed=removed)
        if ticks:
            show(
                "s",
                runtimes=[runtime for runtime, _ in ticks],
                watched=[str(day) for _, day in ticks],
                removed=removed_show,
            )
    stats = StatsService(LOCAL_USER_ID).stats(2025, TODAY)

    def in_2025(day: dt.date) -> bool:
        return day.year == 2025

    done = [m for m in movies if m[1] == "completed" and not m[3] and in_2025(m[2])]
    read = [b for b in books if b[1] == "completed" and not b[3] and in_2025(b[2])]
    seen = [t for t in ticks if in_2025(t[1])] if not removed_show else []
    assert stats.completed_of(Kind.MOVIE) == len(done)
    assert stats.completed_of(Kind.BOOK) == len(read)
    assert stats.consumption.minutes_watched == sum(m[0] or 0 for m in done) + sum(
        t[0] or 0 for t in seen
    )
    assert stats.consumption.runtime_unknown == sum(m[0] is None for m in done) + sum(
        t[0] is None for t in seen
    )
    assert stats.consumption.pages_read == sum(b[0] or 0 for b in read)
    assert stats.consumption.pages_unknown == sum(b[0] is None for b in read)
    assert stats.rated == sum(m[4] is not None for m in done)
    for month_index, month in enumerate(stats.period.months):
        assert stats.completed[Kind.MOVIE][month_index] == sum(
            f"{m[2]:%Y-%m}" == month for m in done
        )


def test_rating_a_book_read_before_finish_days_were_kept_keeps_its_month(db):
    from mediatrack.records import EntryKey
    from mediatrack.services.library import Library

    with connection():
        item = book("Dune", on="2025-06-10")  # done, and no day recorded: counted on June
    assert months_of(StatsService().stats(2025, TODAY), Kind.BOOK) == {"2025-06": 1}
    Library().set_rating(EntryKey(Kind.BOOK, item), 8)  # today: the row changes
    stats = StatsService().stats(2025, TODAY)
    assert months_of(stats, Kind.BOOK) == {"2025-06": 1}
    assert stats.total_completed == 1
